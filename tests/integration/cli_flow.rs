//! `smmd flow`, run on built-in shapes and small files.
#![cfg(feature = "cli")]

use crate::smmd_bin;

use std::path::Path;

use serde_json::Value;
use sliced_mmd::flow::{shapes, uniform_box};
use sliced_mmd::io::{read_points, write_npy};
use sliced_mmd::{MmdEstimator, Naive, Points, Riesz};
use smmd_bin::smmd;

fn json(args: &[&str]) -> Value {
    let o = smmd(args);
    assert!(o.ok, "{args:?}: {}", o.stderr);
    assert!(o.stderr.is_empty(), "{}", o.stderr);
    serde_json::from_str(&o.stdout).expect("stdout is JSON")
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}"))
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

/// The demo flow: the files of the contract, MMD² down by 100x, the start
/// value equal to the library's on the same starting noise.
#[test]
fn demo_flow_writes_its_files_and_converges() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("spiral");
    let out_s = out.to_str().unwrap();
    let v = json(&[
        "flow",
        "--demo",
        "spiral",
        "--target-points",
        "600",
        "--steps",
        "300",
        "--seed",
        "3",
        "--out",
        out_s,
        "--json",
        "--quiet",
    ]);
    for key in ["steps", "mmd2_start", "mmd2_end", "seconds_per_step", "out"] {
        assert!(!v[key].is_null(), "{key} missing in {v}");
    }
    assert_eq!(v["steps"].as_u64(), Some(300));
    assert_eq!(v["out"].as_str(), Some(out_s));
    let (start, end) = (num(&v, "mmd2_start"), num(&v, "mmd2_end"));
    assert!(end < start / 100.0, "{start} -> {end}");

    // the start value is the exact MMD² of the documented starting noise
    // (uniform on the target's bounding box, seed 3) in f32
    let y: Vec<f32> = shapes::generate("spiral", 600, 3)
        .unwrap()
        .iter()
        .map(|&v| v as f32)
        .collect();
    let target = Points::new(&y, 600, 2).unwrap();
    let x0 = uniform_box(&target, 600, 3).unwrap();
    let want = Naive::new(Riesz::energy())
        .mmd2(&Points::new(&x0, 600, 2).unwrap(), &target)
        .unwrap();
    assert!((start - want).abs() <= 1e-12 * want, "{start} vs {want}");

    // particles.npy: N x d; mmd.csv: a header and one row per state
    let p = read_points(out.join("particles.npy")).unwrap();
    assert_eq!((p.n(), p.d()), (600, 2));
    let end_exact = Naive::new(Riesz::energy())
        .mmd2(&p.cast::<f32>().unwrap(), &target)
        .unwrap();
    assert!(
        (end_exact - end).abs() <= 1e-9 * end.max(1e-30),
        "{end_exact} vs {end}"
    );
    let csv = std::fs::read_to_string(out.join("mmd.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "step,mmd2,seconds");
    assert_eq!(lines.len(), 1 + 301);
    let steps: Vec<usize> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(steps, (0..=300).collect::<Vec<_>>());
    let secs: Vec<f64> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
        .collect();
    assert!(
        secs.windows(2).all(|w| w[0] <= w[1]),
        "seconds are cumulative"
    );
    // pictures
    let (w, h) = png_size(&out.join("flow.png"));
    assert!(w >= 400 && h >= 200, "{w}x{h}");
    png_size(&out.join("mmd.png"));
}

/// Same seed, same particles, whatever the thread count.
#[test]
fn flow_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, threads: &str, seed: &str| {
        let out = dir.path().join(name);
        json(&[
            "flow",
            "--demo",
            "rings",
            "--target-points",
            "300",
            "--steps",
            "20",
            "--seed",
            seed,
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
            "--json",
            "--quiet",
        ]);
        std::fs::read(out.join("particles.npy")).unwrap()
    };
    let a = run("a", "1", "5");
    assert_eq!(a, run("b", "2", "5"));
    assert_ne!(a, run("c", "2", "6"));
}

/// A target file with --init particles, f64, gradient descent; an image
/// target gives an image grid.
#[test]
fn flow_from_files() {
    let dir = tempfile::tempdir().unwrap();
    // target: 64 "images" of 4x3 pixels, bright on the left half
    let (m, d) = (64, 12);
    let y: Vec<f64> = (0..m * d)
        .map(|k| {
            let col = (k % d) % 4;
            if col < 2 {
                0.8 + 0.002 * (k % 7) as f64
            } else {
                0.1 + 0.003 * (k % 5) as f64
            }
        })
        .collect();
    let t = dir.path().join("t.npy");
    write_npy(&t, &y, m, d).unwrap();
    let x0: Vec<f64> = (0..40 * d).map(|k| (k % 11) as f64 / 11.0).collect();
    let init = dir.path().join("x0.npy");
    write_npy(&init, &x0, 40, d).unwrap();
    let out = dir.path().join("img");
    let v = json(&[
        "flow",
        "--target",
        t.to_str().unwrap(),
        "--init",
        init.to_str().unwrap(),
        "--image",
        "4x3",
        "--optimizer",
        "gd",
        "--step-size",
        "0.01",
        "--steps",
        "50",
        "--slices",
        "32",
        "--dtype",
        "f64",
        "--out",
        out.to_str().unwrap(),
        "--json",
        "--quiet",
    ]);
    let x = Points::new(&x0, 40, d).unwrap();
    let target = Points::new(&y, m, d).unwrap();
    let want = Naive::new(Riesz::energy()).mmd2(&x, &target).unwrap();
    assert!((num(&v, "mmd2_start") - want).abs() <= 1e-12 * want);
    assert!(num(&v, "mmd2_end") < num(&v, "mmd2_start"));
    assert_eq!(num(&v, "step_size"), 0.01);
    let p = read_points(out.join("particles.npy")).unwrap();
    assert_eq!((p.n(), p.d()), (40, d));
    let (w, h) = png_size(&out.join("flow.png"));
    assert!(w > 0 && h > 0);
}

fn fails(args: &[&str], needle: &str) {
    let o = smmd(args);
    assert!(!o.ok, "{args:?} succeeded: {}", o.stdout);
    assert!(
        o.code.is_some_and(|c| c != 0 && c != 101),
        "{args:?}: {:?}",
        o.code
    );
    assert_eq!(o.stderr.lines().count(), 1, "{args:?}: {:?}", o.stderr);
    assert!(o.stderr.starts_with("error: "), "{args:?}: {}", o.stderr);
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    assert!(
        o.stderr.contains(needle),
        "{args:?}: {:?} lacks {needle:?}",
        o.stderr
    );
}

#[test]
fn bad_flow_options_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let out = out.to_str().unwrap();
    let t = dir.path().join("t.csv");
    std::fs::write(&t, "1,2,3\n4,5,6\n").unwrap();
    let t = t.to_str().unwrap();
    let x1 = dir.path().join("x1.csv");
    std::fs::write(&x1, "1\n2\n").unwrap();
    let x1 = x1.to_str().unwrap();
    let demo = ["flow", "--demo", "spiral", "--out", out];
    let with = |extra: &[&'static str]| -> Vec<&str> {
        demo.iter().copied().chain(extra.iter().copied()).collect()
    };
    fails(&with(&["--steps", "0"]), "--steps");
    fails(&with(&["--slices", "0"]), "--slices");
    fails(&with(&["--particles", "0"]), "--particles");
    fails(&with(&["--step-size", "-1"]), "--step-size");
    fails(&with(&["--step-size", "nan"]), "--step-size");
    fails(&with(&["--momentum", "1"]), "--momentum");
    fails(&with(&["--optimizer", "sgd"]), "sgd");
    fails(&with(&["--threads", "0"]), "--threads");
    fails(&with(&["--snapshot-every", "0"]), "--snapshot-every");
    fails(&with(&["--target-points", "0"]), "--target-points");
    fails(&with(&["--directions", "halton"]), "halton");
    fails(&with(&["--dtype", "f16"]), "f16");
    fails(&with(&["--image", "28x"]), "--image");
    fails(&with(&["--image", "2x2x2"]), "channels");
    fails(&with(&["--image", "3x3"]), "d = 2");
    fails(&["flow", "--demo", "square", "--out", out], "spiral");
    fails(&["flow", "--out", out], "--target");
    fails(
        &["flow", "--demo", "spiral", "--target", t, "--out", out],
        "--target",
    );
    fails(&["flow", "--demo", "spiral"], "--out");
    fails(
        &["flow", "--target", "missing.npy", "--out", out],
        "missing.npy",
    );
    fails(
        &["flow", "--target", t, "--init", x1, "--out", out],
        "x1.csv",
    );
    fails(
        &["flow", "--demo", "spiral", "--limit", "5", "--out", out],
        "--limit",
    );
}
