//! The `plot` feature: PNG files decoded back and checked pixel by pixel.
//!
//! The font is chosen once per process (from `SMMD_FONT`), so the tests of
//! the font choice run this test binary again as a child process with the
//! variable set or removed (see [`font_child`]).
#![cfg(feature = "plot")]

use std::path::Path;
use std::process::Command;

use image::RgbImage;
use sliced_mmd::plot::{self, ImageRow, Layer, Panel, PlotError, Series};

/// Decode a PNG written by the library (whatever the file's extension).
fn read_png(path: &Path) -> RgbImage {
    let bytes = std::fs::read(path).expect("the file exists");
    image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
        .expect("a PNG file")
        .to_rgb8()
}

/// Whether a pixel is dark enough to be text or a line.
fn dark(p: &image::Rgb<u8>) -> bool {
    p.0.iter().all(|&c| c < 100)
}

/// Number of dark pixels in the rectangle `[x0, x1) x [y0, y1)`.
fn dark_pixels(img: &RgbImage, (x0, x1): (u32, u32), (y0, y1): (u32, u32)) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| dark(img.get_pixel(x, y)))
        .count()
}

/// A title-only plot with text: the caption band must contain glyphs.
fn plot_with_title(path: &Path) -> Result<(), PlotError> {
    plot::loglog(
        path,
        "A TITLE IN THE FONT",
        "x",
        "y",
        &[Series::line("s", vec![(1.0, 1.0), (10.0, 5.0)])],
    )
}

/// Body of the child process started by the font tests; does nothing in
/// an ordinary test run. The mode is in `SMMD_PLOT_TEST_CHILD`, the output
/// directory in `SMMD_PLOT_TEST_DIR`.
#[test]
fn font_child() {
    let Ok(mode) = std::env::var("SMMD_PLOT_TEST_CHILD") else {
        return;
    };
    let dir = std::path::PathBuf::from(std::env::var("SMMD_PLOT_TEST_DIR").unwrap());
    let png = dir.join("title.png");
    match mode.as_str() {
        "works" => {
            plot_with_title(&png).unwrap();
            let img = read_png(&png);
            assert_eq!(img.dimensions(), (800, 600));
            // the caption is centred at the top: glyph pixels must be there
            let ink = dark_pixels(&img, (250, 550), (0, 40));
            assert!(ink > 200, "only {ink} dark pixels in the title band");
        }
        "bad" => {
            let err = plot_with_title(&png).unwrap_err();
            let PlotError::BadFont { path, .. } = &err else {
                panic!("expected BadFont, got {err:?}");
            };
            assert_eq!(path.as_os_str(), std::env::var_os("SMMD_FONT").unwrap());
            let msg = err.to_string();
            assert!(msg.contains("SMMD_FONT") && !msg.contains('\n'), "{msg}");
            // the error is remembered, not retried with another font
            assert_eq!(plot_with_title(&png).unwrap_err(), err);
            assert!(!png.exists());
            // images without labels need no font
            let pixels = [0.5f32; 4];
            let grid = dir.join("grid.png");
            plot::image_grid(&grid, &[ImageRow::new("", &pixels)], 2, 2, 1, 1).unwrap();
            let labelled = [ImageRow::new("step 0", &pixels)];
            let e = plot::image_grid(&grid, &labelled, 2, 2, 1, 1).unwrap_err();
            assert_eq!(e, err);
        }
        other => panic!("unknown child mode {other}"),
    }
}

/// Run [`font_child`] in a child process with `SMMD_FONT` set to `font`
/// (removed when `None`); panics with the child's output if it fails.
fn run_font_child(mode: &str, font: Option<&std::ffi::OsStr>) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "plot::font_child",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("SMMD_PLOT_TEST_CHILD", mode)
    .env("SMMD_PLOT_TEST_DIR", dir.path());
    match font {
        Some(f) => cmd.env("SMMD_FONT", f),
        None => cmd.env_remove("SMMD_FONT"),
    };
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child {mode} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // the child really ran the test (the filter matched exactly one test)
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
fn embedded_font_draws_text_without_smmd_font() {
    run_font_child("works", None);
}

#[test]
fn empty_smmd_font_means_the_embedded_font() {
    run_font_child("works", Some("".as_ref()));
}

#[test]
fn smmd_font_overrides_with_a_font_file() {
    let font = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/DejaVuSans.ttf");
    run_font_child("works", Some(font.as_os_str()));
}

#[test]
fn smmd_font_that_is_not_a_font_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.ttf");
    std::fs::write(&garbage, b"this is not a font").unwrap();
    run_font_child("bad", Some(garbage.as_os_str()));
}

#[test]
fn smmd_font_that_is_missing_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    run_font_child("bad", Some(dir.path().join("missing.ttf").as_os_str()));
}

// ---------------------------------------------------------------- helpers

/// Pixels of exactly `color` in the rectangle `[x0, x1) x [y0, y1)`.
fn pixels_of(
    img: &RgbImage,
    color: [u8; 3],
    (x0, x1): (u32, u32),
    (y0, y1): (u32, u32),
) -> Vec<(u32, u32)> {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0 == color)
        .collect()
}

/// Mean of pixel positions.
fn centroid(pixels: &[(u32, u32)]) -> (f64, f64) {
    let n = pixels.len() as f64;
    let sx: f64 = pixels.iter().map(|p| f64::from(p.0)).sum();
    let sy: f64 = pixels.iter().map(|p| f64::from(p.1)).sum();
    (sx / n, sy / n)
}

/// Assert that an error message is one non-empty line.
fn one_line(e: &PlotError) -> String {
    let msg = e.to_string();
    assert!(!msg.is_empty() && !msg.contains('\n'), "{msg:?}");
    msg
}

/// A path inside a directory that does not exist.
fn unwritable(dir: &Path) -> std::path::PathBuf {
    dir.join("no-such-directory").join("out.png")
}

// ---------------------------------------------------------------- lines

/// The first series color of the line plots.
const SERIES0: [u8; 3] = [31, 119, 180];

#[test]
fn line_plot_log_y_decreasing_curve() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("mmd.png");
    // MMD² falling by 10^4 over the steps, with a zero and a NaN to skip
    let mut pts: Vec<(f64, f64)> = (0..=200)
        .map(|i| (f64::from(i), 10f64.powf(-f64::from(i) / 50.0)))
        .collect();
    pts.push((201.0, 0.0));
    pts.push((202.0, f64::NAN));
    plot::line_plot(
        &png,
        "MMD² against step",
        "step",
        "MMD²",
        &[Series::line("sliced", pts)],
        true,
    )
    .unwrap();
    let img = read_png(&png);
    assert_eq!(img.dimensions(), plot::LINE_PLOT_SIZE);
    let line = pixels_of(&img, SERIES0, (0, 800), (0, 600));
    let left: Vec<_> = line.iter().copied().filter(|p| p.0 < 200).collect();
    let right: Vec<_> = line
        .iter()
        .copied()
        .filter(|p| (500..680).contains(&p.0))
        .collect();
    assert!(!left.is_empty() && !right.is_empty());
    // decreasing: the left part is higher up (smaller row) than the right
    assert!(centroid(&left).1 + 100.0 < centroid(&right).1);
    // on a log axis an exponential decay is a straight line: the middle of
    // the curve is halfway between its ends
    let mid: Vec<_> = line
        .iter()
        .copied()
        .filter(|p| p.0.abs_diff(440) < 5)
        .collect();
    let ends: Vec<_> = line
        .iter()
        .copied()
        .filter(|p| p.0.abs_diff(440) >= 5)
        .collect();
    let (ys, ye) = (
        ends.iter().map(|p| p.1).min().unwrap(),
        ends.iter().map(|p| p.1).max().unwrap(),
    );
    let ym = centroid(&mid).1;
    let half = (f64::from(ys) + f64::from(ye)) / 2.0;
    assert!((ym - half).abs() < 15.0, "middle at {ym}, halfway {half}");
}

#[test]
fn line_plot_linear_y_takes_negative_values() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("lin.png");
    let pts = vec![(0.0, -1.0), (1.0, 0.0), (2.0, 1.0)];
    plot::line_plot(
        &png,
        "t",
        "x",
        "y",
        &[Series::line("a", pts.clone())],
        false,
    )
    .unwrap();
    assert!(!pixels_of(&read_png(&png), SERIES0, (0, 800), (0, 600)).is_empty());
    // on a log axis only y = 1 remains
    plot::line_plot(&png, "t", "x", "y", &[Series::line("a", pts)], true).unwrap();
    let e = plot::line_plot(
        &png,
        "t",
        "x",
        "y",
        &[Series::line("neg", vec![(0.0, -1.0)])],
        true,
    )
    .unwrap_err();
    assert_eq!(
        e,
        PlotError::EmptySeries {
            series: "neg".into()
        }
    );
    one_line(&e);
    let e = plot::line_plot(&png, "t", "x", "y", &[], false).unwrap_err();
    assert!(matches!(e, PlotError::NothingToDraw { .. }));
    let bad = unwritable(dir.path());
    let e = plot::line_plot(
        &bad,
        "t",
        "x",
        "y",
        &[Series::line("a", vec![(0.0, 1.0)])],
        true,
    )
    .unwrap_err();
    assert!(matches!(e, PlotError::Write { .. }), "{e:?}");
}

#[test]
fn loglog_errors() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("ll.png");
    let e = plot::loglog(
        &png,
        "t",
        "x",
        "y",
        &[Series::line("z", vec![(0.0, 1.0), (1.0, -1.0)])],
    )
    .unwrap_err();
    assert_eq!(e, PlotError::EmptySeries { series: "z".into() });
    let e = plot::loglog(&png, "t", "x", "y", &[]).unwrap_err();
    assert!(matches!(e, PlotError::NothingToDraw { .. }));
    let bad = unwritable(dir.path());
    let e = plot::loglog(&bad, "t", "x", "y", &[Series::line("a", vec![(1.0, 1.0)])]).unwrap_err();
    assert!(matches!(e, PlotError::Write { .. }), "{e:?}");
    // any extension: the file is a PNG
    let txt = dir.path().join("plot.txt");
    plot::loglog(
        &txt,
        "t",
        "x",
        "y",
        &[Series::line("a", vec![(1.0, 1.0), (2.0, 3.0)])],
    )
    .unwrap();
    assert_eq!(read_png(&txt).dimensions(), plot::LINE_PLOT_SIZE);
}

// ---------------------------------------------------------------- scatter

const RED: [u8; 3] = [255, 0, 0];
const BLUE: [u8; 3] = [0, 0, 255];
const GREY: [u8; 3] = [200, 200, 200];

/// `n` points on a circle of radius `r` around `(cx, cy)`.
fn circle(n: usize, (cx, cy): (f64, f64), r: f64) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let t = i as f64 / n as f64 * std::f64::consts::TAU;
            (cx + r * t.cos(), cy + r * t.sin())
        })
        .collect()
}

#[test]
fn scatter_panels_layout_shared_ranges_and_colors() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("flow.png");
    let target = Layer::new("target", circle(400, (5.0, 5.0), 5.0), plot::TARGET_GREY, 1);
    let panels = [
        // particles near the lower-left corner of the shared box
        Panel::new(
            "step 0",
            vec![
                target.clone(),
                Layer::new("particles", circle(50, (0.5, 0.5), 0.3), (255, 0, 0), 2),
            ],
        ),
        // near the upper-right corner
        Panel::new(
            "step 10",
            vec![
                target,
                Layer::new("particles", circle(50, (9.5, 9.5), 0.3), (255, 0, 0), 2),
            ],
        ),
        Panel::new("empty", vec![]),
    ];
    plot::scatter_panels(&png, "a flow", &panels, 2, 200).unwrap();
    let img = read_png(&png);
    // 2 columns, 2 rows, header
    assert_eq!(img.dimensions(), (400, plot::HEADER_PX + 400));
    let h = plot::HEADER_PX;
    let in_panel = |p: u32| {
        (
            (p % 2 * 200, p % 2 * 200 + 200),
            (h + p / 2 * 200, h + p / 2 * 200 + 200),
        )
    };
    let red0 = pixels_of(&img, RED, in_panel(0).0, in_panel(0).1);
    let red1 = pixels_of(&img, RED, in_panel(1).0, in_panel(1).1);
    assert!(
        red0.len() > 20 && red1.len() > 20,
        "{} {}",
        red0.len(),
        red1.len()
    );
    // the empty panel and the unused slot of the grid have no particles
    assert!(pixels_of(&img, RED, in_panel(2).0, in_panel(2).1).is_empty());
    assert!(pixels_of(&img, RED, in_panel(3).0, in_panel(3).1).is_empty());
    assert!(pixels_of(&img, GREY, in_panel(2).0, in_panel(2).1).is_empty());
    // the target is drawn in every panel with points
    assert!(pixels_of(&img, GREY, in_panel(0).0, in_panel(0).1).len() > 100);
    assert!(pixels_of(&img, GREY, in_panel(1).0, in_panel(1).1).len() > 100);
    // same axis ranges: lower left in panel 0, upper right in panel 1,
    // at mirrored positions (the box is symmetric about (5, 5))
    let (x0, y0) = centroid(&red0);
    let (x1, y1) = centroid(&red1);
    let (x0, y0) = (x0, y0 - f64::from(h));
    let (x1, y1) = (x1 - 200.0, y1 - f64::from(h));
    assert!(
        x0 < 100.0 && y0 > 100.0,
        "panel 0 particles at ({x0}, {y0})"
    );
    assert!(
        x1 > 100.0 && y1 < 100.0,
        "panel 1 particles at ({x1}, {y1})"
    );
    // the plotting areas are identical, so the offsets are the same
    // up to rounding once mirrored about the panels' common centre
    let (dx, dy) = (x1 - x0, y0 - y1);
    assert!((dx - dy).abs() < 3.0, "dx {dx} dy {dy}");
    // the title is in the header
    assert!(dark_pixels(&img, (0, 200), (0, h)) > 50);
}

#[test]
fn scatter_panels_keep_the_aspect_ratio() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("aspect.png");
    // the box is 13 wide and 2 high: without equal aspect the circle
    // would be stretched vertically
    let panel = Panel::new(
        "",
        vec![
            Layer::new("", circle(2000, (0.0, 0.0), 1.0), (255, 0, 0), 0),
            Layer::new("", vec![(12.0, 0.0)], (0, 0, 255), 3),
        ],
    );
    plot::scatter_panels(&png, "", &[panel], 4, 300).unwrap();
    let img = read_png(&png);
    // no title, no labels: no header
    assert_eq!(img.dimensions(), (300, 300));
    let red = pixels_of(&img, RED, (0, 300), (0, 300));
    let (xs, ys): (Vec<u32>, Vec<u32>) = red.iter().copied().unzip();
    let w = xs.iter().max().unwrap() - xs.iter().min().unwrap();
    let h = ys.iter().max().unwrap() - ys.iter().min().unwrap();
    assert!(w > 15, "circle only {w} pixels wide");
    assert!(w.abs_diff(h) <= 1, "circle is {w} x {h} pixels");
    assert!(!pixels_of(&img, BLUE, (0, 300), (0, 300)).is_empty());
}

#[test]
fn scatter_panels_skip_non_finite_points_and_accept_degenerate_boxes() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("odd.png");
    let cases = [
        vec![(f64::NAN, 1.0), (1.0, f64::INFINITY), (2.0, 2.0)],
        vec![(3.0, 3.0)],
        vec![(0.0, 0.0)],
        vec![(f64::NAN, f64::NAN)],
        vec![],
        vec![(1e15, 1e15), (1e15 + 1.0, 1e15)],
        vec![
            (-f64::MAX, f64::MAX),
            (f64::MAX / 4.0, -f64::MAX / 4.0),
            (0.0, 0.0),
        ],
        vec![(1e-300, 0.0), (0.0, 5e-324)],
    ];
    for points in cases {
        let panel = Panel::new("p", vec![Layer::new("x", points.clone(), (255, 0, 0), 3)]);
        plot::scatter_panels(&png, "t", &[panel], 1, 150).unwrap();
        let img = read_png(&png);
        assert_eq!(img.dimensions(), (150, 150 + plot::HEADER_PX));
        // every drawable point is inside the panel (the legend marker is in the header)
        let drawable = points
            .iter()
            .filter(|p| p.0.abs() <= f64::MAX / 4.0 && p.1.abs() <= f64::MAX / 4.0)
            .count();
        let red = pixels_of(
            &img,
            RED,
            (0, 150),
            (plot::HEADER_PX, 150 + plot::HEADER_PX),
        );
        assert_eq!(red.is_empty(), drawable == 0, "{points:?}");
    }
}

#[test]
fn scatter_panels_draw_many_points_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("many.png");
    let target = Layer::new(
        "target",
        circle(5000, (0.0, 0.0), 3.0),
        plot::TARGET_GREY,
        1,
    );
    let panels: Vec<Panel> = (0..20)
        .map(|k| {
            let pts = circle(5000, (0.0, 0.0), 0.1 + k as f64 * 0.15);
            Panel::new(
                format!("step {k}"),
                vec![
                    target.clone(),
                    Layer::new("particles", pts, (31, 119, 180), 1),
                ],
            )
        })
        .collect();
    let start = std::time::Instant::now();
    plot::scatter_panels(&png, "20 panels", &panels, 5, 240).unwrap();
    let took = start.elapsed();
    assert_eq!(
        read_png(&png).dimensions(),
        (5 * 240, plot::HEADER_PX + 4 * 240)
    );
    // about 20 ms optimised; a generous bound against a slow path
    assert!(took.as_secs_f64() < 5.0, "took {took:?}");
}

#[test]
fn scatter_panels_errors() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("e.png");
    let one = || {
        vec![Panel::new(
            "p",
            vec![Layer::new("a", vec![(0.0, 0.0)], (0, 0, 0), 2)],
        )]
    };
    let e = plot::scatter_panels(&png, "t", &[], 2, 200).unwrap_err();
    assert!(matches!(e, PlotError::NothingToDraw { .. }));
    one_line(&e);
    let e = plot::scatter_panels(&png, "t", &one(), 0, 200).unwrap_err();
    assert!(
        matches!(
            e,
            PlotError::InvalidArgument {
                name: "columns",
                value: 0,
                ..
            }
        ),
        "{e:?}"
    );
    one_line(&e);
    let e = plot::scatter_panels(&png, "t", &one(), 1, plot::MIN_PANEL_PX - 1).unwrap_err();
    assert!(
        matches!(
            e,
            PlotError::InvalidArgument {
                name: "panel_px",
                ..
            }
        ),
        "{e:?}"
    );
    let mut big = one();
    big[0].layers[0].size = plot::MAX_POINT_SIZE + 1;
    let e = plot::scatter_panels(&png, "t", &big, 1, 200).unwrap_err();
    assert!(
        matches!(
            e,
            PlotError::InvalidArgument {
                name: "point size",
                value: 17,
                ..
            }
        ),
        "{e:?}"
    );
    let e = plot::scatter_panels(&png, "t", &one(), 1, u32::MAX).unwrap_err();
    assert!(matches!(e, PlotError::TooLarge { .. }), "{e:?}");
    one_line(&e);
    let many: Vec<Panel> = (0..400).flat_map(|_| one()).collect();
    let e = plot::scatter_panels(&png, "t", &many, 400, 100).unwrap_err();
    assert_eq!(
        e,
        PlotError::TooLarge {
            width: 40_000,
            height: 100 + u64::from(plot::HEADER_PX)
        }
    );
    assert!(!png.exists());
    let bad = unwritable(dir.path());
    let e = plot::scatter_panels(&bad, "t", &one(), 1, 200).unwrap_err();
    assert!(
        matches!(&e, PlotError::Write { path, .. } if *path == bad),
        "{e:?}"
    );
    assert!(one_line(&e).contains("out.png"));
}

// ---------------------------------------------------------------- images

const G: u32 = plot::IMAGE_GAP_PX;

#[test]
fn image_grid_size_follows_the_formula() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("grid.png");
    let (w, h, scale) = (5usize, 4usize, 3u32);
    let three = vec![0.5f32; 3 * w * h];
    let one = vec![0.5f32; w * h];
    let rows = [ImageRow::new("", &three), ImageRow::new("", &one)];
    plot::image_grid(&png, &rows, w, h, 1, scale).unwrap();
    // W = L + g + k (w s + g), H = g + rows (h s + g), L = 0 without labels
    let (cw, ch) = (w as u32 * scale, h as u32 * scale);
    assert_eq!(
        read_png(&png).dimensions(),
        (G + 3 * (cw + G), G + 2 * (ch + G))
    );
    let img = read_png(&png);
    // the short row leaves white where its second image would be
    let x = G + (cw + G) + 1;
    let y = G + (ch + G) + 1;
    assert_eq!(img.get_pixel(x, y).0, [255; 3]);
    assert_eq!(img.get_pixel(G + 1, y).0, [128; 3]);
}

/// Check the `scale x scale` block of pixel `(py, px)` of image `j` of row
/// `i` (no labels), and that its neighbours have `around`.
#[allow(clippy::too_many_arguments)]
fn check_block(
    img: &RgbImage,
    (i, j): (u32, u32),
    (cw, ch): (u32, u32),
    (py, px): (u32, u32),
    scale: u32,
    inside: [u8; 3],
    around: [u8; 3],
) {
    let x0 = G + j * (cw + G) + px * scale;
    let y0 = G + i * (ch + G) + py * scale;
    for y in y0..y0 + scale {
        for x in x0..x0 + scale {
            assert_eq!(img.get_pixel(x, y).0, inside, "at ({x}, {y})");
        }
    }
    for (x, y) in [
        (x0 - 1, y0),
        (x0 + scale, y0),
        (x0, y0 - 1),
        (x0, y0 + scale),
    ] {
        assert_eq!(
            img.get_pixel(x, y).0,
            around,
            "next to the block at ({x}, {y})"
        );
    }
}

#[test]
fn image_grid_puts_a_pixel_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("one.png");
    let (w, h, scale) = (10usize, 8usize, 3u32);
    // two images per row, the second has pixel (y=3, x=5) white
    let mut images = vec![0f32; 2 * w * h];
    images[w * h + 3 * w + 5] = 1.0;
    let blank = vec![0f32; 2 * w * h];
    let rows = [ImageRow::new("", &blank), ImageRow::new("", &images)];
    plot::image_grid(&png, &rows, w, h, 1, scale).unwrap();
    let img = read_png(&png);
    let cell = (w as u32 * scale, h as u32 * scale);
    check_block(&img, (1, 1), cell, (3, 5), scale, [255; 3], [0; 3]);
    // nothing white in the first row's images, gaps are white
    assert_eq!(
        img.get_pixel(G + cell.0 + G + 5 * scale, G + 3 * scale).0,
        [0; 3]
    );
    assert_eq!(img.get_pixel(G + cell.0, G + cell.1 + 1).0, [255; 3]);
    let whites = img.pixels().filter(|p| p.0 == [255; 3]).count() as u32;
    let (width, height) = img.dimensions();
    let image_pixels = 4 * cell.0 * cell.1;
    assert_eq!(whites, width * height - image_pixels + scale * scale);
}

#[test]
fn image_grid_reads_chw_color_planes() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("rgb.png");
    let (w, h, scale) = (6usize, 4usize, 2u32);
    let plane = w * h;
    // image 0: pure red plane; image 1: black with pixel (y=3, x=5) green
    let mut images = vec![0f32; 2 * 3 * plane];
    images[..plane].fill(1.0);
    images[3 * plane + plane + 3 * w + 5] = 1.0;
    plot::image_grid(&png, &[ImageRow::new("", &images)], w, h, 3, scale).unwrap();
    let img = read_png(&png);
    let cell = (w as u32 * scale, h as u32 * scale);
    assert_eq!(img.dimensions(), (G + 2 * (cell.0 + G), G + cell.1 + G));
    for y in G..G + cell.1 {
        for x in G..G + cell.0 {
            assert_eq!(img.get_pixel(x, y).0, RED);
        }
    }
    // (3, 5) is the bottom right corner: the block's right and lower
    // neighbours are the gap
    let x0 = G + (cell.0 + G) + 5 * scale;
    let y0 = G + 3 * scale;
    assert_eq!(img.get_pixel(x0, y0).0, [0, 255, 0]);
    assert_eq!(img.get_pixel(x0 + 1, y0 + 1).0, [0, 255, 0]);
    assert_eq!(img.get_pixel(x0 - 1, y0).0, [0; 3]);
    assert_eq!(img.get_pixel(x0 + scale, y0).0, [255; 3]);
}

#[test]
fn image_grid_clips_values() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("clip.png");
    let values = [
        2.0f32,
        -1.0,
        f32::NAN,
        0.5,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1.0,
        0.0,
    ];
    plot::image_grid(&png, &[ImageRow::new("", &values)], 8, 1, 1, 1).unwrap();
    let img = read_png(&png);
    let got: Vec<u8> = (0..8).map(|x| img.get_pixel(G + x, G).0[0]).collect();
    assert_eq!(got, [255, 0, 0, 128, 255, 0, 255, 0]);
}

#[test]
fn image_grid_labels_add_a_column_on_the_left() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, labelled) = (
        dir.path().join("plain.png"),
        dir.path().join("labelled.png"),
    );
    let (w, h, scale) = (28usize, 28usize, 2u32);
    let mut images = vec![0f32; 2 * w * h];
    images[3 * w + 5] = 1.0;
    let rows = |a: &str, b: &str| [ImageRow::new(a, &images), ImageRow::new(b, &images)];
    plot::image_grid(&plain, &rows("", ""), w, h, 1, scale).unwrap();
    plot::image_grid(&labelled, &rows("step 0", ""), w, h, 1, scale).unwrap();
    let (a, b) = (read_png(&plain), read_png(&labelled));
    assert_eq!(a.height(), b.height());
    let l = b.width() - a.width();
    assert!(l > 30, "label column only {l} pixels");
    // the images move right by L, unchanged
    for y in 0..a.height() {
        for x in 0..a.width() {
            assert_eq!(a.get_pixel(x, y), b.get_pixel(x + l, y), "at ({x}, {y})");
        }
    }
    // text in the first row's label, none in the second
    let ch = h as u32 * scale;
    assert!(dark_pixels(&b, (0, l), (G, G + ch)) > 30);
    assert_eq!(dark_pixels(&b, (0, l), (2 * G + ch, 2 * G + 2 * ch)), 0);
}

#[test]
fn image_grid_errors() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("e.png");
    let px = vec![0f32; 2 * 3 * 4];
    let row = [ImageRow::new("r", &px)];
    let e = plot::image_grid(&png, &[], 4, 3, 1, 1).unwrap_err();
    assert!(matches!(e, PlotError::NothingToDraw { .. }));
    one_line(&e);
    for (w, h, c, s, name) in [
        (0, 3, 1, 1, "width"),
        (4, 0, 1, 1, "height"),
        (4, 3, 1, 0, "scale"),
    ] {
        let e = plot::image_grid(&png, &row, w, h, c, s).unwrap_err();
        assert!(
            matches!(e, PlotError::InvalidArgument { name: n, value: 0, .. } if n == name),
            "{e:?}"
        );
        one_line(&e);
    }
    for c in [0, 2, 4] {
        let e = plot::image_grid(&png, &row, 4, 3, c, 1).unwrap_err();
        assert!(
            matches!(
                e,
                PlotError::InvalidArgument {
                    name: "channels",
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(one_line(&e).contains("1 (grayscale) or 3 (RGB)"));
    }
    // 24 values are not a whole number of 3-channel 4x3 images (36 values)
    let short = vec![0f32; 7];
    let rows = [ImageRow::new("a", &px), ImageRow::new("b", &short)];
    let e = plot::image_grid(&png, &rows, 4, 3, 1, 1).unwrap_err();
    assert_eq!(
        e,
        PlotError::RowLength {
            row: 1,
            label: "b".into(),
            len: 7,
            image_len: 12
        }
    );
    one_line(&e);
    let e = plot::image_grid(&png, &row, 4, 3, 3, 1).unwrap_err();
    assert!(
        matches!(
            e,
            PlotError::RowLength {
                row: 0,
                len: 24,
                image_len: 36,
                ..
            }
        ),
        "{e:?}"
    );
    let e = plot::image_grid(&png, &row, 4, 3, 1, 20_000).unwrap_err();
    assert!(matches!(e, PlotError::TooLarge { .. }), "{e:?}");
    one_line(&e);
    let e = plot::image_grid(
        &png,
        &[ImageRow::new("", &[])],
        usize::MAX,
        usize::MAX,
        3,
        u32::MAX,
    )
    .unwrap_err();
    assert!(matches!(e, PlotError::TooLarge { .. }), "{e:?}");
    assert!(!png.exists());
    let bad = unwritable(dir.path());
    let e = plot::image_grid(&bad, &row, 4, 3, 1, 1).unwrap_err();
    assert!(
        matches!(&e, PlotError::Write { path, .. } if *path == bad),
        "{e:?}"
    );
}
