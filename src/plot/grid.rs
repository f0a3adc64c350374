//! Rows of images: [`image_grid`].

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{backend_err, check_size, draw_on, write_png};
use super::font::{ensure_font, FAMILY};
use super::PlotError;

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
