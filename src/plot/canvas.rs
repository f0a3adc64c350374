//! Drawing into an RGB buffer and writing it as a PNG file.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{PlotError, MAX_PIXELS, MAX_SIDE};

/// A drawing area on an RGB buffer.
pub(super) type Root<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// Turns a plotters error into [`PlotError::Backend`] for `path`.
pub(super) fn backend_err(path: &Path) -> impl Fn(&dyn std::fmt::Display) -> PlotError + '_ {
    move |e| PlotError::Backend {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// `(width, height)` as `u32` if within [`MAX_SIDE`] and [`MAX_PIXELS`].
pub(super) fn check_size(width: u64, height: u64) -> Result<(u32, u32), PlotError> {
    if width > MAX_SIDE || height > MAX_SIDE || width.saturating_mul(height) > MAX_PIXELS {
        return Err(PlotError::TooLarge { width, height });
    }
    // both at most MAX_SIDE, so they fit
    Ok((width as u32, height as u32))
}

/// Let plotters draw on `buf` (RGB, `w x h`, sizes already checked).
pub(super) fn draw_on(
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
pub(super) fn write_png(path: &Path, (w, h): (u32, u32), buf: Vec<u8>) -> Result<(), PlotError> {
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
pub(super) fn render_png(
    path: &Path,
    (w, h): (u32, u32),
    draw: impl FnOnce(&Root<'_>) -> Result<(), PlotError>,
) -> Result<(), PlotError> {
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    draw_on(path, &mut buf, (w, h), draw)?;
    write_png(path, (w, h), buf)
}
