//! Grids of 2-D scatter panels: [`scatter_panels`].

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{backend_err, check_size, render_png, Root};
use super::font::{ensure_font, FAMILY};
use super::ranges::{centre_half, clamp_finite, drawable, min_max, tick};
use super::PlotError;

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
