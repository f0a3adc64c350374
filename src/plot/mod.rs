//! PNG plots (feature `plot`): error curves, snapshots of particle flows and
//! grids of images.
//!
//! | function | draws | size |
//! |---|---|---|
//! | [`loglog`] | [`Series`] on log-log axes (error against sample size) | 800 x 600 |
//! | [`line_plot`] | [`Series`] against a linear x, log or linear y (MMD² against step) | 800 x 600 |
//! | [`scatter_panels`] | a grid of 2-D scatter [`Panel`]s with shared, equal-aspect axes | `c * panel_px` by `r * panel_px`, plus a 40-pixel header |
//! | [`image_grid`] | rows of images ([`ImageRow`]), grayscale or RGB, CHW layout | see [`image_grid`] |
//!
//! Files are always written as 8-bit RGB PNG, whatever the extension of the
//! path. No function panics on bad input: sizes, counts and values are
//! checked, non-finite coordinates are skipped, and every failure is a
//! [`PlotError`] with a one-line message. The library never prints.
//!
//! # Font
//!
//! Text is drawn with DejaVu Sans, embedded in the library (license in
//! `assets/fonts/LICENSE-DejaVu.txt`), so plots work on any machine without
//! installed fonts. The environment variable `SMMD_FONT` names a
//! TrueType/OpenType file to use instead; if that file cannot be used the
//! plots fail with [`PlotError::BadFont`] rather than silently changing font.
//! The variable is read once, by the first plot of the process that draws
//! text; its outcome, error included, holds for the rest of the process.
//!
//! # Examples
//!
//! Three snapshots of particles spreading onto a ring, drawn over the ring
//! (the target) in light grey:
//!
//! ```
//! use sliced_mmd::plot::{scatter_panels, Layer, Panel, TARGET_GREY};
//!
//! let ring: Vec<(f64, f64)> = (0..200)
//!     .map(|i| f64::from(i) * std::f64::consts::TAU / 200.0)
//!     .map(|t| (2.0 * t.cos(), 2.0 * t.sin()))
//!     .collect();
//! let panels: Vec<Panel> = [0.1, 0.5, 1.0]
//!     .iter()
//!     .map(|&a| {
//!         let particles = ring.iter().map(|&(x, y)| (a * x, a * y)).collect();
//!         Panel::new(
//!             format!("scale {a}"),
//!             vec![
//!                 Layer::new("target", ring.clone(), TARGET_GREY, 1),
//!                 Layer::new("particles", particles, (31, 119, 180), 2),
//!             ],
//!         )
//!     })
//!     .collect();
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("flow.png");
//! // 3 panels in 2 columns: 2 rows, 2 * 200 by 40 + 2 * 200 pixels
//! scatter_panels(&path, "flow", &panels, 2, 200)?;
//! # assert_eq!(image::image_dimensions(&path)?, (400, 440));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! MMD² against the step, on a log axis:
//!
//! ```
//! use sliced_mmd::plot::{line_plot, Series};
//!
//! let mmd2: Vec<(f64, f64)> = (0..100).map(|s| (f64::from(s), (-0.05 * f64::from(s)).exp())).collect();
//! let dir = tempfile::tempdir()?;
//! line_plot(&dir.path().join("mmd.png"), "flow", "step", "MMD²", &[Series::line("sliced", mmd2)], true)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Ten 28 x 28 grayscale particles at two steps, each pixel 2 x 2:
//!
//! ```
//! use sliced_mmd::plot::{image_grid, ImageRow, IMAGE_GAP_PX};
//!
//! let start = vec![0.0f32; 10 * 28 * 28];
//! let end = vec![1.0f32; 10 * 28 * 28];
//! let rows = [ImageRow::new("", &start), ImageRow::new("", &end)];
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("digits.png");
//! image_grid(&path, &rows, 28, 28, 1, 2)?;
//! // no labels: W = g + 10 (28*2 + g), H = g + 2 (28*2 + g); labels such as
//! // "step 0" would add a column on the left
//! let g = IMAGE_GAP_PX;
//! assert_eq!(image::image_dimensions(&path)?, (g + 10 * (56 + g), g + 2 * (56 + g)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod canvas;
mod fit;
mod font;
mod grid;
mod lines;
mod ranges;
mod scatter;

use std::path::PathBuf;

pub use fit::loglog_slope;
pub use grid::{image_grid, ImageRow, IMAGE_GAP_PX};
pub use lines::{line_plot, loglog, Series, LINE_PLOT_SIZE};
pub use scatter::{
    scatter_panels, Layer, Panel, HEADER_PX, MAX_POINT_SIZE, MIN_PANEL_PX, TARGET_GREY,
};

/// Why a plot could not be drawn. Every message is one line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The font named by `SMMD_FONT` cannot be read or is not a font.
    #[error("cannot use the font SMMD_FONT={path:?}: {message} (unset SMMD_FONT to use the embedded DejaVu Sans)")]
    BadFont {
        /// The value of `SMMD_FONT`.
        path: PathBuf,
        /// Why it cannot be used.
        message: String,
    },
    /// A series has no point that can be drawn: none with finite
    /// coordinates, positive on a log axis.
    #[error("series {series:?} has no point to draw (coordinates must be finite, and positive on a log axis)")]
    EmptySeries {
        /// The label of the series.
        series: String,
    },
    /// There is nothing to draw: no series, no panels or no image rows.
    #[error("nothing to draw: {what}")]
    NothingToDraw {
        /// What is missing, for example `"no panels"`.
        what: &'static str,
    },
    /// A size or count is out of its range.
    #[error("invalid {name} {value}: expected {expected}")]
    InvalidArgument {
        /// The argument, for example `"columns"`.
        name: &'static str,
        /// The value given.
        value: u64,
        /// The allowed values.
        expected: &'static str,
    },
    /// A row of [`image_grid`] does not hold a whole number of images.
    #[error("image row {row} ({label:?}) has {len} values, not a multiple of channels*height*width = {image_len}")]
    RowLength {
        /// Index of the row.
        row: usize,
        /// Label of the row.
        label: String,
        /// Number of values in the row.
        len: usize,
        /// Values per image.
        image_len: usize,
    },
    /// The image would be larger than [`MAX_SIDE`] pixels on a side or
    /// [`MAX_PIXELS`] pixels in all.
    #[error("the image would be {width} x {height} pixels; at most {MAX_SIDE} per side and {MAX_PIXELS} in all are drawn")]
    TooLarge {
        /// Width in pixels (saturated at `u64::MAX`).
        width: u64,
        /// Height in pixels (saturated at `u64::MAX`).
        height: u64,
    },
    /// The drawing backend failed.
    #[error("cannot draw {path}: {message}")]
    Backend {
        /// The output file.
        path: PathBuf,
        /// The backend's message.
        message: String,
    },
    /// The PNG file cannot be written (missing directory, no permission...).
    #[error("cannot write {path}: {message}")]
    Write {
        /// The output file.
        path: PathBuf,
        /// The system's message.
        message: String,
    },
}

/// Largest width or height, in pixels, of an image drawn by this module.
pub const MAX_SIDE: u64 = 32_768;

/// Largest number of pixels of an image drawn by this module (`2^27`, a
/// 384 MiB RGB buffer).
pub const MAX_PIXELS: u64 = 1 << 27;
