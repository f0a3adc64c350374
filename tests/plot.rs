//! The `plot` feature: PNG files decoded back and checked pixel by pixel.
//!
//! The font is chosen once per process (from `SMMD_FONT`), so the tests of
//! the font choice run this test binary again as a child process with the
//! variable set or removed (see [`font_child`]).
#![cfg(feature = "plot")]

use std::path::Path;
use std::process::Command;

use image::RgbImage;
use sliced_mmd::plot::{self, PlotError, Series};

/// Decode a PNG written by the library.
fn read_png(path: &Path) -> RgbImage {
    image::open(path).expect("a readable PNG").to_rgb8()
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
        }
        other => panic!("unknown child mode {other}"),
    }
}

/// Run [`font_child`] in a child process with `SMMD_FONT` set to `font`
/// (removed when `None`); panics with the child's output if it fails.
fn run_font_child(mode: &str, font: Option<&std::ffi::OsStr>) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "font_child", "--nocapture", "--test-threads=1"])
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
