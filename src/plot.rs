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
//! plots fail with [`PlotError::BadFont`] rather than silently changing font
//! (see [`ensure_font`]).
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

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;

/// DejaVu Sans, used when `SMMD_FONT` is not set.
static EMBEDDED_FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// Family name under which the font is registered.
const FAMILY: &str = "sans-serif";

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

/// One curve: a label and its `(x, y)` points. Points that cannot be drawn
/// are skipped: non-finite ones, and non-positive ones on a log axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// The points, in drawing order.
    pub points: Vec<(f64, f64)>,
    /// Draw markers only, without the connecting line.
    pub markers_only: bool,
}

impl Series {
    /// A line with markers.
    pub fn line(label: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Series {
            label: label.into(),
            points,
            markers_only: false,
        }
    }
}

/// Register the plot font once per process.
///
/// Without `SMMD_FONT` (or with it empty) this is the embedded DejaVu Sans
/// and cannot fail. With `SMMD_FONT` set, that file is used and nothing
/// else: a file that cannot be read or parsed is an error rather than a
/// silent fallback, so the output never changes font unnoticed. The
/// variable is read once, by the first plot of the process; the outcome,
/// error included, holds for the rest of the process.
///
/// # Errors
/// [`PlotError::BadFont`] if `SMMD_FONT` names a file that cannot be read or
/// is not a TrueType/OpenType font.
pub fn ensure_font() -> Result<(), PlotError> {
    static FONT: OnceLock<Result<(), PlotError>> = OnceLock::new();
    FONT.get_or_init(|| {
        let chosen = std::env::var_os("SMMD_FONT").filter(|p| !p.is_empty());
        let Some(path) = chosen.map(PathBuf::from) else {
            return plotters::style::register_font(FAMILY, FontStyle::Normal, EMBEDDED_FONT)
                .map_err(|_| PlotError::BadFont {
                    path: PathBuf::from("(embedded DejaVu Sans)"),
                    message: "not a usable font".into(),
                });
        };
        let bad = |message: String| PlotError::BadFont {
            path: path.clone(),
            message,
        };
        let bytes = std::fs::read(&path).map_err(|e| bad(e.to_string()))?;
        // the registry keeps the font for the life of the process
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        plotters::style::register_font(FAMILY, FontStyle::Normal, bytes)
            .map_err(|_| bad("not a TrueType/OpenType font".into()))
    })
    .clone()
}

const COLORS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// A drawing area on an RGB buffer.
type Root<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// Turns a plotters error into [`PlotError::Backend`] for `path`.
fn backend_err(path: &Path) -> impl Fn(&dyn std::fmt::Display) -> PlotError + '_ {
    move |e| PlotError::Backend {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// `(width, height)` as `u32` if within [`MAX_SIDE`] and [`MAX_PIXELS`].
fn check_size(width: u64, height: u64) -> Result<(u32, u32), PlotError> {
    if width > MAX_SIDE || height > MAX_SIDE || width.saturating_mul(height) > MAX_PIXELS {
        return Err(PlotError::TooLarge { width, height });
    }
    // both at most MAX_SIDE, so they fit
    Ok((width as u32, height as u32))
}

/// Let plotters draw on `buf` (RGB, `w x h`, sizes already checked).
fn draw_on(
    path: &Path,
    buf: &mut [u8],
    (w, h): (u32, u32),
    draw: impl FnOnce(&Root<'_>) -> Result<(), PlotError>,
) -> Result<(), PlotError> {
    let err = backend_err(path);
    let backend = BitMapBackend::with_buffer_and_format(buf, (w, h)).map_err(|e| err(&e))?;
    let root = backend.into_drawing_area();
    draw(&root)?;
    root.present().map_err(|e| err(&e))
}

/// Write an RGB buffer as a PNG file, whatever the extension of `path`.
fn write_png(path: &Path, (w, h): (u32, u32), buf: Vec<u8>) -> Result<(), PlotError> {
    let img = image::RgbImage::from_raw(w, h, buf).ok_or_else(|| PlotError::Backend {
        path: path.to_path_buf(),
        message: "buffer size does not match the image size".into(),
    })?;
    img.save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| PlotError::Write {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

/// A white `w x h` image drawn by `draw`, written as PNG.
fn render_png(
    path: &Path,
    (w, h): (u32, u32),
    draw: impl FnOnce(&Root<'_>) -> Result<(), PlotError>,
) -> Result<(), PlotError> {
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    draw_on(path, &mut buf, (w, h), draw)?;
    write_png(path, (w, h), buf)
}

/// Compact tick text: plain decimals from `1e-3` to `1e5`, else
/// scientific notation.
fn tick(v: &f64) -> String {
    let a = v.abs();
    if *v == 0.0 {
        "0".into()
    } else if (1e-3..1e5).contains(&a) {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".into()
        } else {
            s.into()
        }
    } else {
        format!("{v:.1e}").replace(".0e", "e")
    }
}

/// `(lo, hi)` of finite values widened by 5% on each side; a single value
/// gets a range around it. Never non-finite.
fn linear_range(lo: f64, hi: f64) -> (f64, f64) {
    let (c, half) = centre_half(lo, hi);
    let half = half.max(c.abs() * 1e-9);
    let half = if half == 0.0 { 1.0 } else { half * 1.05 };
    (clamp_finite(c - half), clamp_finite(c + half))
}

/// Centre and half-width of `[lo, hi]`, without overflow.
fn centre_half(lo: f64, hi: f64) -> (f64, f64) {
    (lo / 2.0 + hi / 2.0, hi / 2.0 - lo / 2.0)
}

/// Largest coordinate drawn: larger ones (and NaN, infinities) are skipped,
/// so that axis ranges stay finite and never wider than `f64::MAX`.
const LIMIT: f64 = f64::MAX / 4.0;

/// Whether a coordinate can be drawn: finite and at most [`LIMIT`] in size.
fn drawable(v: f64) -> bool {
    v.abs() <= LIMIT
}

/// An axis bound kept within `±f64::MAX / 2`, so a range is never wider
/// than `f64::MAX` (plotters needs a finite width).
fn clamp_finite(v: f64) -> f64 {
    v.clamp(-f64::MAX / 2.0, f64::MAX / 2.0)
}

/// `[lo / f, hi * f]` for positive finite `lo <= hi`, kept positive and
/// finite.
fn log_range(lo: f64, hi: f64, f: f64) -> std::ops::Range<f64> {
    let a = lo / f;
    let a = if a > 0.0 { a } else { lo };
    a..clamp_finite(hi * f)
}

/// Smallest and largest value of an iterator (`None` when empty).
fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// The drawable points of each series: finite, and positive on log axes.
fn clean_series(
    series: &[Series],
    log_x: bool,
    log_y: bool,
) -> Result<Vec<Vec<(f64, f64)>>, PlotError> {
    if series.is_empty() {
        return Err(PlotError::NothingToDraw { what: "no series" });
    }
    series
        .iter()
        .map(|s| {
            let pts: Vec<(f64, f64)> = s
                .points
                .iter()
                .copied()
                .filter(|&(x, y)| {
                    drawable(x) && drawable(y) && (!log_x || x > 0.0) && (!log_y || y > 0.0)
                })
                .collect();
            if pts.is_empty() {
                Err(PlotError::EmptySeries {
                    series: s.label.clone(),
                })
            } else {
                Ok(pts)
            }
        })
        .collect()
}

/// Labels and tick formatting of a line chart.
struct Axes<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    x_format: Option<&'a dyn Fn(&f64) -> String>,
    y_format: &'a dyn Fn(&f64) -> String,
    /// Markers on a line only when it has at most this many points.
    max_markers: usize,
}

/// Draw the series on a chart with the given axis ranges (linear or log).
fn line_chart<X, Y>(
    root: &Root<'_>,
    axes: &Axes<'_>,
    series: &[Series],
    cleaned: &[Vec<(f64, f64)>],
    (x_range, y_range): (X, Y),
    err: &dyn Fn(&dyn std::fmt::Display) -> PlotError,
) -> Result<(), PlotError>
where
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(root)
        .caption(axes.title, (FAMILY, 22))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(x_range, y_range)
        .map_err(|e| err(&e))?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(axes.x_label)
        .y_desc(axes.y_label)
        .label_style((FAMILY, 14))
        .axis_desc_style((FAMILY, 16))
        .y_label_formatter(axes.y_format);
    if let Some(f) = axes.x_format {
        mesh.x_label_formatter(f);
    }
    mesh.draw().map_err(|e| err(&e))?;
    for (i, (s, pts)) in series.iter().zip(cleaned).enumerate() {
        let color = COLORS[i % COLORS.len()];
        let style = ShapeStyle::from(&color).stroke_width(2);
        if s.markers_only {
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 3, style.filled())))
                .map_err(|e| err(&e))?
                .label(s.label.as_str())
                .legend(move |(x, y)| Circle::new((x + 10, y), 3, style.filled()));
        } else {
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), style))
                .map_err(|e| err(&e))?
                .label(s.label.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
            if pts.len() <= axes.max_markers {
                chart
                    .draw_series(pts.iter().map(|&p| Circle::new(p, 3, style.filled())))
                    .map_err(|e| err(&e))?;
            }
        }
    }
    chart
        .configure_series_labels()
        .label_font((FAMILY, 14))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| err(&e))?;
    Ok(())
}

/// Width and height of [`loglog`] and [`line_plot`] images.
pub const LINE_PLOT_SIZE: (u32, u32) = (800, 600);

/// Draw `series` on log-log axes into the PNG file `path` (800 x 600).
///
/// Points with a non-positive or non-finite coordinate are skipped; each
/// point gets a marker.
///
/// # Errors
/// [`PlotError::BadFont`], [`PlotError::NothingToDraw`] without series,
/// [`PlotError::EmptySeries`] for a series without a positive point,
/// [`PlotError::Backend`] if drawing fails, [`PlotError::Write`] if the
/// file cannot be written.
pub fn loglog(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
) -> Result<(), PlotError> {
    ensure_font()?;
    let cleaned = clean_series(series, true, true)?;
    let all = || cleaned.iter().flatten();
    // non-empty series, so both exist
    let (x_lo, x_hi) = min_max(all().map(|p| p.0)).unwrap_or((1.0, 1.0));
    let (y_lo, y_hi) = min_max(all().map(|p| p.1)).unwrap_or((1.0, 1.0));
    // a little room around the data, in log space
    let x = log_range(x_lo, x_hi, 1.3);
    let y = log_range(y_lo, y_hi, 1.5);
    let axes = Axes {
        title,
        x_label,
        y_label,
        x_format: None,
        y_format: &|v| format!("{v:.1e}"),
        max_markers: usize::MAX,
    };
    render_png(path, LINE_PLOT_SIZE, |root| {
        let ranges = (x.log_scale(), y.log_scale());
        line_chart(root, &axes, series, &cleaned, ranges, &backend_err(path))
    })
}

/// Draw `series` with a linear x axis and a log (`log_y`) or linear y axis
/// into the PNG file `path` (800 x 600): for example MMD² against the step
/// of a flow.
///
/// Points with a non-finite coordinate, or with `y <= 0` when `log_y`, are
/// skipped. Lines get a marker at each point when they have at most 60
/// points (always, with [`Series::markers_only`]).
///
/// # Errors
/// [`PlotError::BadFont`], [`PlotError::NothingToDraw`] without series,
/// [`PlotError::EmptySeries`] for a series with no point to draw,
/// [`PlotError::Backend`] if drawing fails, [`PlotError::Write`] if the
/// file cannot be written.
pub fn line_plot(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    log_y: bool,
) -> Result<(), PlotError> {
    ensure_font()?;
    let cleaned = clean_series(series, false, log_y)?;
    let all = || cleaned.iter().flatten();
    let (x_lo, x_hi) = min_max(all().map(|p| p.0)).unwrap_or((0.0, 0.0));
    let (y_lo, y_hi) = min_max(all().map(|p| p.1)).unwrap_or((1.0, 1.0));
    let (x0, x1) = linear_range(x_lo, x_hi);
    let axes = Axes {
        title,
        x_label,
        y_label,
        x_format: Some(&tick),
        y_format: if log_y {
            &|v| format!("{v:.1e}")
        } else {
            &tick
        },
        max_markers: 60,
    };
    let err = backend_err(path);
    render_png(path, LINE_PLOT_SIZE, |root| {
        if log_y {
            let y = log_range(y_lo, y_hi, 1.5);
            line_chart(root, &axes, series, &cleaned, (x0..x1, y.log_scale()), &err)
        } else {
            let (y0, y1) = linear_range(y_lo, y_hi);
            line_chart(root, &axes, series, &cleaned, (x0..x1, y0..y1), &err)
        }
    })
}

/// One set of points in a [`Panel`]: filled circles of one color and size.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Legend text; layers with an empty label are not in the legend.
    pub label: String,
    /// The points; those with a non-finite coordinate are skipped.
    pub points: Vec<(f64, f64)>,
    /// Fill color, RGB.
    pub color: (u8, u8, u8),
    /// Radius of the circles in pixels, at most [`MAX_POINT_SIZE`]; 0 draws
    /// single pixels.
    pub size: u32,
}

/// Largest [`Layer::size`].
pub const MAX_POINT_SIZE: u32 = 16;

/// Light grey for a target sample drawn under the particles.
pub const TARGET_GREY: (u8, u8, u8) = (200, 200, 200);

impl Layer {
    /// A layer of circles of radius `size` pixels.
    pub fn new(
        label: impl Into<String>,
        points: Vec<(f64, f64)>,
        color: (u8, u8, u8),
        size: u32,
    ) -> Self {
        Layer {
            label: label.into(),
            points,
            color,
            size,
        }
    }
}

/// One scatter panel of [`scatter_panels`]: a title and layers drawn in
/// order (the first one underneath).
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Text above the panel, for example `"step 100"`.
    pub title: String,
    /// The layers, bottom to top.
    pub layers: Vec<Layer>,
}

impl Panel {
    /// A panel with `layers`, the first one drawn underneath.
    pub fn new(title: impl Into<String>, layers: Vec<Layer>) -> Self {
        Panel {
            title: title.into(),
            layers,
        }
    }
}

/// Smallest `panel_px` of [`scatter_panels`].
pub const MIN_PANEL_PX: u32 = 100;

/// Height of the band above the panels that holds the title and legend.
pub const HEADER_PX: u32 = 40;

/// Height of the band at the top of each panel that holds its title.
const PANEL_TITLE_PX: u32 = 22;
/// Margin around the axes of a panel.
const PANEL_MARGIN_PX: u32 = 6;
/// Width of the y tick labels of a panel.
const PANEL_Y_LABELS_PX: u32 = 44;
/// Height of the x tick labels of a panel; the plotting area of a panel is
/// `panel_px - PANEL_INSET_PX` pixels square.
const PANEL_X_LABELS_PX: u32 = 22;
/// What the decorations of a panel take from each side of its square.
const PANEL_INSET_PX: u32 = PANEL_Y_LABELS_PX + 2 * PANEL_MARGIN_PX;

/// The shared axis ranges of all panels: the bounding box of the finite
/// points, widened by 5% and by the largest point radius, with equal units
/// per pixel on both axes over a square plotting area of `side` pixels.
fn scatter_ranges(panels: &[Panel], side: u32, radius: u32) -> ((f64, f64), (f64, f64)) {
    let finite = || {
        panels
            .iter()
            .flat_map(|p| &p.layers)
            .flat_map(|l| &l.points)
            .filter(|p| drawable(p.0) && drawable(p.1))
    };
    let (cx, cy, half) = match (
        min_max(finite().map(|p| p.0)),
        min_max(finite().map(|p| p.1)),
    ) {
        (Some((x_lo, x_hi)), Some((y_lo, y_hi))) => {
            let (cx, hx) = centre_half(x_lo, x_hi);
            let (cy, hy) = centre_half(y_lo, y_hi);
            let m = cx.abs().max(cy.abs());
            // resolvable in floating point; a single point gets room
            let half = hx.max(hy).max(m * 1e-9);
            let half = if half == 0.0 {
                if m == 0.0 {
                    1.0
                } else {
                    0.1 * m
                }
            } else {
                half * 1.05
            };
            (cx, cy, half)
        }
        _ => (0.0, 0.0, 1.0),
    };
    // keep whole circles inside: `half` maps to `usable` pixels from the centre
    let half_px = f64::from(side) / 2.0;
    let usable = (half_px - f64::from(radius) - 2.0).max(half_px / 2.0);
    let h = clamp_finite(half * (half_px / usable));
    (
        (clamp_finite(cx - h), clamp_finite(cx + h)),
        (clamp_finite(cy - h), clamp_finite(cy + h)),
    )
}

/// Draw `panels` as a grid of 2-D scatter plots into the PNG file `path`,
/// for example snapshots of a particle flow over a light grey target.
///
/// Layout: `c = min(columns, panels.len())` columns and
/// `r = ceil(panels.len() / c)` rows of `panel_px x panel_px` squares,
/// filled row by row, under a header band of [`HEADER_PX`] pixels that
/// holds `title` (left) and a legend of the labelled layers (right). The
/// header is left out when `title` is empty and no layer has a label. The
/// image is `c * panel_px` by `header + r * panel_px` pixels.
///
/// Each panel has its title on top and axes with ticks around a square
/// plotting area of `panel_px - 56` pixels. All panels share the same axis
/// ranges: the bounding box of the finite points of all panels, with a 5%
/// margin, made square around its centre (equal aspect ratio, so shapes are
/// not distorted) and widened so that whole circles fit. Each layer is drawn
/// as filled circles of its color and radius, in order, so a target layer
/// placed first lies underneath the particles. Points with a non-finite
/// coordinate are skipped.
///
/// # Errors
/// [`PlotError::NothingToDraw`] without panels;
/// [`PlotError::InvalidArgument`] for `columns == 0`, `panel_px` below
/// [`MIN_PANEL_PX`] or a layer size above [`MAX_POINT_SIZE`];
/// [`PlotError::TooLarge`]; [`PlotError::BadFont`]; [`PlotError::Backend`]
/// if drawing fails; [`PlotError::Write`] if the file cannot be written.
pub fn scatter_panels(
    path: &Path,
    title: &str,
    panels: &[Panel],
    columns: usize,
    panel_px: u32,
) -> Result<(), PlotError> {
    if panels.is_empty() {
        return Err(PlotError::NothingToDraw { what: "no panels" });
    }
    if columns == 0 {
        return Err(PlotError::InvalidArgument {
            name: "columns",
            value: 0,
            expected: "at least 1",
        });
    }
    if panel_px < MIN_PANEL_PX {
        return Err(PlotError::InvalidArgument {
            name: "panel_px",
            value: panel_px.into(),
            expected: "at least 100 pixels",
        });
    }
    let layers = || panels.iter().flat_map(|p| &p.layers);
    let radius = layers().map(|l| l.size).max().unwrap_or(0);
    if radius > MAX_POINT_SIZE {
        return Err(PlotError::InvalidArgument {
            name: "point size",
            value: radius.into(),
            expected: "a radius of at most 16 pixels",
        });
    }
    let cols = columns.min(panels.len());
    let rows = panels.len().div_ceil(cols);
    // the legend: distinct labelled layers, in order of appearance
    let mut legend: Vec<(&str, (u8, u8, u8))> = Vec::new();
    for l in layers().filter(|l| !l.label.is_empty()) {
        if !legend.contains(&(l.label.as_str(), l.color)) {
            legend.push((l.label.as_str(), l.color));
        }
    }
    let header = if title.is_empty() && legend.is_empty() {
        0
    } else {
        HEADER_PX
    };
    let px = u64::from(panel_px);
    let size = check_size(
        (cols as u64).saturating_mul(px),
        (rows as u64)
            .saturating_mul(px)
            .saturating_add(header.into()),
    )?;
    ensure_font()?;
    let side = panel_px - PANEL_INSET_PX;
    let ((x0, x1), (y0, y1)) = scatter_ranges(panels, side, radius);
    let err = backend_err(path);
    render_png(path, size, |root| {
        let (head, grid) = root.split_vertically(header);
        if header > 0 {
            draw_header(&head, title, &legend).map_err(|e| err(&e))?;
        }
        for (i, panel) in panels.iter().enumerate() {
            let (row, col) = ((i / cols) as u32, (i % cols) as u32);
            let area = grid
                .clone()
                .shrink((col * panel_px, row * panel_px), (panel_px, panel_px));
            let (band, body) = area.split_vertically(PANEL_TITLE_PX);
            let centre = Pos::new(HPos::Center, VPos::Center);
            let style = TextStyle::from((FAMILY, 14).into_font()).pos(centre);
            let mid = ((panel_px / 2) as i32, (PANEL_TITLE_PX / 2) as i32 + 2);
            band.draw_text(&panel.title, &style, mid)
                .map_err(|e| err(&e))?;
            let mut chart = ChartBuilder::on(&body)
                .margin(PANEL_MARGIN_PX)
                .x_label_area_size(PANEL_X_LABELS_PX)
                .y_label_area_size(PANEL_Y_LABELS_PX)
                .build_cartesian_2d(x0..x1, y0..y1)
                .map_err(|e| err(&e))?;
            chart
                .configure_mesh()
                .x_labels(4)
                .y_labels(4)
                .max_light_lines(0)
                .label_style((FAMILY, 11))
                .x_label_formatter(&tick)
                .y_label_formatter(&tick)
                .draw()
                .map_err(|e| err(&e))?;
            for layer in &panel.layers {
                let (r, g, b) = layer.color;
                let style = RGBColor(r, g, b).filled();
                let points = layer
                    .points
                    .iter()
                    .filter(|p| drawable(p.0) && drawable(p.1));
                if layer.size == 0 {
                    chart
                        .draw_series(points.map(|&p| Pixel::new(p, style)))
                        .map_err(|e| err(&e))?;
                } else {
                    chart
                        .draw_series(points.map(|&p| Circle::new(p, layer.size, style)))
                        .map_err(|e| err(&e))?;
                }
            }
        }
        Ok(())
    })
}

/// The header of [`scatter_panels`]: title on the left, legend on the right.
fn draw_header(
    area: &Root<'_>,
    title: &str,
    legend: &[(&str, (u8, u8, u8))],
) -> Result<(), DrawingAreaErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>> {
    let (w, h) = area.dim_in_pixel();
    let mid = (h / 2) as i32;
    let left = Pos::new(HPos::Left, VPos::Center);
    let title_style = TextStyle::from((FAMILY, 20).into_font()).pos(left);
    area.draw_text(title, &title_style, (10, mid))?;
    let style = TextStyle::from((FAMILY, 14).into_font()).pos(left);
    let widths: Vec<i32> = legend
        .iter()
        .map(|(label, _)| area.estimate_text_size(label, &style).map(|s| s.0 as i32))
        .collect::<Result<_, _>>()?;
    // marker (12 px), gap (6 px), text, space (16 px) per entry
    let total: i32 = widths.iter().map(|w| w + 34).sum();
    let mut x = (w as i32 - 10 - total + 16).max(10);
    for ((label, (r, g, b)), tw) in legend.iter().zip(widths) {
        area.draw(&Circle::new((x + 6, mid), 5, RGBColor(*r, *g, *b).filled()))?;
        area.draw_text(label, &style, (x + 18, mid))?;
        x += tw + 34;
    }
    Ok(())
}

/// One row of [`image_grid`]: a label and `k` images stored one after the
/// other, each `channels * height * width` values in CHW layout (channel
/// planes, each row-major), as CIFAR-10 files and PyTorch tensors store them.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRow<'a> {
    /// Text drawn left of the row, for example `"step 100"`; may be empty.
    pub label: String,
    /// The images, values in `[0, 1]` (others are clipped, NaN is 0).
    pub images: &'a [f32],
}

impl<'a> ImageRow<'a> {
    /// A row of images with a label.
    pub fn new(label: impl Into<String>, images: &'a [f32]) -> Self {
        ImageRow {
            label: label.into(),
            images,
        }
    }
}

/// Gap between images, and around the grid, in [`image_grid`].
pub const IMAGE_GAP_PX: u32 = 2;

/// Space between a label and the first image in [`image_grid`].
const LABEL_PAD_PX: u32 = 6;

/// Font size of the labels of [`image_grid`] for images `cell_h` pixels
/// high: half the height, from 12 to 20 pixels.
fn label_font_px(cell_h: u64) -> f64 {
    (cell_h as f64 / 2.0).clamp(12.0, 20.0)
}

/// A value in `[0, 1]` as a byte `round(255 v)`: clipped, NaN as 0.
fn to_byte(v: f32) -> u8 {
    if v.is_nan() {
        0
    } else {
        // in [0, 255] after the clamp
        (v.clamp(0.0, 1.0) * 255.0).round() as u8
    }
}

/// Draw rows of images into the PNG file `path`, for example the same ten
/// particles of an image flow at several steps, one step per row.
///
/// Each image is `width x height` pixels with `channels` values per pixel:
/// 1 (grayscale) or 3 (RGB), in CHW layout (see [`ImageRow`]); values are
/// clipped to `[0, 1]` and NaN is drawn as 0 (black). Every pixel becomes a
/// `scale x scale` block. The images of row `i` are drawn left to right on
/// a white background with gaps of `g =` [`IMAGE_GAP_PX`] pixels between
/// them and around the grid; image `j` of row `i` has its top left corner at
///
/// ```text
/// x = L + g + j (width*scale + g),    y = g + i (height*scale + g)
/// ```
///
/// and the file (always PNG, 8-bit RGB, whatever the extension) is
///
/// ```text
/// W = L + g + k (width*scale + g),    H = g + rows (height*scale + g)
/// ```
///
/// pixels, with `k` the largest number of images in a row (shorter rows
/// leave white space). `L` is the label column: 0 when every label is
/// empty, else the width of the widest label in a font of
/// `clamp(height*scale / 2, 12, 20)` pixels plus 12 pixels. Labels are
/// right-aligned next to their row, centred vertically. Without labels no
/// font is needed, so `SMMD_FONT` is not read.
///
/// # Errors
/// [`PlotError::NothingToDraw`] without rows; [`PlotError::InvalidArgument`]
/// for a zero `width`, `height` or `scale`, or `channels` other than 1 and
/// 3; [`PlotError::RowLength`] for a row that is not a whole number of
/// images; [`PlotError::TooLarge`]; [`PlotError::BadFont`] (only with
/// labels); [`PlotError::Backend`] if drawing text fails;
/// [`PlotError::Write`] if the file cannot be written.
pub fn image_grid(
    path: &Path,
    rows: &[ImageRow<'_>],
    width: usize,
    height: usize,
    channels: usize,
    scale: u32,
) -> Result<(), PlotError> {
    if rows.is_empty() {
        return Err(PlotError::NothingToDraw {
            what: "no image rows",
        });
    }
    for (name, value) in [
        ("width", width),
        ("height", height),
        ("scale", scale as usize),
    ] {
        if value == 0 {
            return Err(PlotError::InvalidArgument {
                name,
                value: 0,
                expected: "at least 1",
            });
        }
    }
    if channels != 1 && channels != 3 {
        return Err(PlotError::InvalidArgument {
            name: "channels",
            value: channels as u64,
            expected: "1 (grayscale) or 3 (RGB)",
        });
    }
    // sizes in u64, saturating: anything that large is refused below
    let cell_w = (width as u64).saturating_mul(scale.into());
    let cell_h = (height as u64).saturating_mul(scale.into());
    let plane = width.saturating_mul(height);
    let image_len = plane.saturating_mul(channels);
    let mut k = 0usize;
    for (row, r) in rows.iter().enumerate() {
        if r.images.len() % image_len != 0 {
            return Err(PlotError::RowLength {
                row,
                label: r.label.clone(),
                len: r.images.len(),
                image_len,
            });
        }
        k = k.max(r.images.len() / image_len);
    }
    let g = u64::from(IMAGE_GAP_PX);
    let labelled = rows.iter().any(|r| !r.label.is_empty());
    let font_px = label_font_px(cell_h);
    let label_w = if labelled {
        ensure_font()?;
        let font = (FAMILY, font_px).into_font();
        let mut widest = 0u64;
        for r in rows {
            let (w, _) = font.box_size(&r.label).map_err(|e| PlotError::Backend {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
            widest = widest.max(w.into());
        }
        widest + 2 * u64::from(LABEL_PAD_PX)
    } else {
        0
    };
    let size = check_size(
        label_w
            .saturating_add(g)
            .saturating_add((k as u64).saturating_mul(cell_w.saturating_add(g))),
        g.saturating_add((rows.len() as u64).saturating_mul(cell_h.saturating_add(g))),
    )?;
    // within MAX_SIDE now, so these fit in usize and u32
    let (stride, s) = (size.0 as usize * 3, scale as usize);
    let (label_w, g) = (label_w as usize, g as usize);
    let (cell_w, cell_h) = (cell_w as usize, cell_h as usize);
    let mut buf = vec![255u8; stride * size.1 as usize];
    for (i, r) in rows.iter().enumerate() {
        let y0 = g + i * (cell_h + g);
        for (j, img) in r.images.chunks_exact(image_len).enumerate() {
            let x0 = label_w + g + j * (cell_w + g);
            for y in 0..height {
                for x in 0..width {
                    let at = y * width + x;
                    let rgb = if channels == 1 {
                        [to_byte(img[at]); 3]
                    } else {
                        [
                            to_byte(img[at]),
                            to_byte(img[plane + at]),
                            to_byte(img[2 * plane + at]),
                        ]
                    };
                    for dy in 0..s {
                        let start = (y0 + y * s + dy) * stride + (x0 + x * s) * 3;
                        for px in buf[start..start + 3 * s].chunks_exact_mut(3) {
                            px.copy_from_slice(&rgb);
                        }
                    }
                }
            }
        }
    }
    if labelled {
        let err = backend_err(path);
        draw_on(path, &mut buf, size, |root| {
            let right = Pos::new(HPos::Right, VPos::Center);
            let style = TextStyle::from((FAMILY, font_px).into_font()).pos(right);
            for (i, r) in rows.iter().enumerate() {
                let x = label_w - LABEL_PAD_PX as usize;
                let y = g + i * (cell_h + g) + cell_h / 2;
                root.draw_text(&r.label, &style, (x as i32, y as i32))
                    .map_err(|e| err(&e))?;
            }
            Ok(())
        })?;
    }
    write_png(path, size, buf)
}

/// Least-squares slope and intercept of `log y` against `log x` (natural
/// logs), over the points with positive coordinates; `None` with fewer
/// than two distinct `x`.
pub fn loglog_slope(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let pts: Vec<(f64, f64)> = points
        .iter()
        .filter(|&&(x, y)| x > 0.0 && y > 0.0)
        .map(|&(x, y)| (x.ln(), y.ln()))
        .collect();
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if pts.len() < 2 || sxx == 0.0 {
        return None;
    }
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    Some((slope, my - slope * mx))
}
