//! PNG plots (feature `plot`): log-log line plots for error curves.
//!
//! Text is drawn with DejaVu Sans, embedded in the library (license in
//! `assets/fonts/LICENSE-DejaVu.txt`), so plots need no font installed. The
//! environment variable `SMMD_FONT` names a TrueType/OpenType file to use
//! instead; see [`ensure_font`]. The library never prints; failures are
//! [`PlotError`].

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::FontStyle;

/// DejaVu Sans, used when `SMMD_FONT` is not set.
static EMBEDDED_FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// Family name under which the font is registered.
const FAMILY: &str = "sans-serif";

/// Why a plot could not be drawn.
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

/// Draw `series` on log-log axes into the PNG file `path` (800 x 600).
///
/// # Errors
/// [`PlotError::BadFont`], [`PlotError::EmptySeries`] for a series without a
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
