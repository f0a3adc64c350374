//! Curves: [`loglog`] and [`line_plot`].

use std::path::Path;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use super::canvas::{backend_err, render_png, Root};
use super::font::{ensure_font, FAMILY};
use super::ranges::{drawable, linear_range, log_range, min_max, tick};
use super::PlotError;

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
