//! PNG plots (feature `plot`): log-log line plots for error curves.
//!
//! Text needs a TrueType font, registered at run time: the path in the
//! `SMMD_FONT` environment variable, else
//! `/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf` (Debian package
//! `fonts-dejavu-core`). The library never prints; failures are [`PlotError`].

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::FontStyle;

/// Font tried when `SMMD_FONT` is not set.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// Family name under which the font is registered.
const FAMILY: &str = "sans-serif";

/// Why a plot could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// No usable font file.
    #[error("no font for plot text: tried {tried:?} (set SMMD_FONT to a .ttf file, or install fonts-dejavu-core)")]
    NoFont {
        /// The paths tried, in order.
        tried: Vec<PathBuf>,
    },
    /// A series has no point with positive coordinates (a log axis needs them).
    #[error("series {series:?} has no point with positive x and y")]
    EmptySeries {
        /// The label of the series.
        series: String,
    },
    /// The drawing backend failed (for example the file cannot be written).
    #[error("cannot draw {path}: {message}")]
    Backend {
        /// The output file.
        path: PathBuf,
        /// The backend's message.
        message: String,
    },
}

/// One curve: a label and its `(x, y)` points (non-positive ones are skipped).
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
/// # Errors
/// [`PlotError::NoFont`] if neither `SMMD_FONT` nor [`DEFAULT_FONT`] is a
/// readable font file.
pub fn ensure_font() -> Result<(), PlotError> {
    static FONT: OnceLock<Result<(), PlotError>> = OnceLock::new();
    FONT.get_or_init(|| {
        let mut tried = Vec::new();
        if let Some(p) = std::env::var_os("SMMD_FONT") {
            tried.push(PathBuf::from(p));
        }
        tried.push(PathBuf::from(DEFAULT_FONT));
        for path in &tried {
            if let Ok(bytes) = std::fs::read(path) {
                // the registry keeps the font for the life of the process
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                if plotters::style::register_font(FAMILY, FontStyle::Normal, bytes).is_ok() {
                    return Ok(());
                }
            }
        }
        Err(PlotError::NoFont { tried })
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

/// Draw `series` on log-log axes into the PNG file `path` (800 x 600).
///
/// # Errors
/// [`PlotError::NoFont`], [`PlotError::EmptySeries`] for a series without a
/// positive point, [`PlotError::Backend`] if drawing or writing fails.
pub fn loglog(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
) -> Result<(), PlotError> {
    ensure_font()?;
    let backend_err = |e: &dyn std::fmt::Display| PlotError::Backend {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut lo = (f64::INFINITY, f64::INFINITY);
    let mut hi = (0.0f64, 0.0f64);
    let mut cleaned = Vec::with_capacity(series.len());
    for s in series {
        let pts: Vec<(f64, f64)> = s
            .points
            .iter()
            .copied()
            .filter(|&(x, y)| x > 0.0 && y > 0.0 && x.is_finite() && y.is_finite())
            .collect();
        if pts.is_empty() {
            return Err(PlotError::EmptySeries {
                series: s.label.clone(),
            });
        }
        for &(x, y) in &pts {
            lo = (lo.0.min(x), lo.1.min(y));
            hi = (hi.0.max(x), hi.1.max(y));
        }
        cleaned.push(pts);
    }
    if cleaned.is_empty() {
        return Err(PlotError::EmptySeries {
            series: String::new(),
        });
    }
    // a little room around the data, in log space
    let (x0, x1) = (lo.0 / 1.3, hi.0 * 1.3);
    let (y0, y1) = (lo.1 / 1.5, hi.1 * 1.5);
    let root = BitMapBackend::new(path, (800, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| backend_err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FAMILY, 22))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())
        .map_err(|e| backend_err(&e))?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .label_style((FAMILY, 14))
        .axis_desc_style((FAMILY, 16))
        .y_label_formatter(&|v| format!("{v:.1e}"))
        .draw()
        .map_err(|e| backend_err(&e))?;
    for (i, (s, pts)) in series.iter().zip(cleaned).enumerate() {
        let color = COLORS[i % COLORS.len()];
        let style = ShapeStyle::from(&color).stroke_width(2);
        if s.markers_only {
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 3, style.filled())))
                .map_err(|e| backend_err(&e))?
                .label(s.label.as_str())
                .legend(move |(x, y)| Circle::new((x + 10, y), 3, style.filled()));
        } else {
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), style))
                .map_err(|e| backend_err(&e))?
                .label(s.label.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 3, style.filled())))
                .map_err(|e| backend_err(&e))?;
        }
    }
    chart
        .configure_series_labels()
        .label_font((FAMILY, 14))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| backend_err(&e))?;
    root.present().map_err(|e| backend_err(&e))?;
    Ok(())
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
