//! `smmd test`, run on small files.
#![cfg(feature = "cli")]

use crate::smmd_bin;

use std::path::PathBuf;

use serde_json::Value;
use sliced_mmd::io::write_npy;
use sliced_mmd::two_sample::PermutationTest;
use sliced_mmd::{Estimator, Naive, Points, Riesz, SlicedSort, Statistic};

fn smmd(args: &[&str]) -> (bool, String, String) {
    let o = smmd_bin::smmd(args);
    (o.ok, o.stdout, o.stderr)
}

/// Deterministic values in [0, 1).
fn values(len: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(6364136223846793005) ^ 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

struct Data {
    _dir: tempfile::TempDir,
    x: PathBuf,
    y: PathBuf,
    xv: Vec<f64>,
    yv: Vec<f64>,
    n: usize,
    m: usize,
    d: usize,
}

impl Data {
    fn new(n: usize, m: usize, d: usize, shift: f64) -> Data {
        let dir = tempfile::tempdir().unwrap();
        let xv = values(n * d, 1);
        let yv: Vec<f64> = values(m * d, 2).iter().map(|v| v + shift).collect();
        let (x, y) = (dir.path().join("x.npy"), dir.path().join("y.npy"));
        write_npy(&x, &xv, n, d).unwrap();
        write_npy(&y, &yv, m, d).unwrap();
        Data {
            _dir: dir,
            x,
            y,
            xv,
            yv,
            n,
            m,
            d,
        }
    }
    fn args<'a>(&'a self, extra: &[&'a str]) -> Vec<&'a str> {
        let mut a = vec!["test", self.x.to_str().unwrap(), self.y.to_str().unwrap()];
        a.extend_from_slice(extra);
        a
    }
    fn points(&self) -> (Points<'_, f64>, Points<'_, f64>) {
        (
            Points::new(&self.xv, self.n, self.d).unwrap(),
            Points::new(&self.yv, self.m, self.d).unwrap(),
        )
    }
}

fn json(args: &[&str]) -> Value {
    let (ok, out, err) = smmd(args);
    assert!(ok, "{args:?}: {err}");
    assert!(err.is_empty(), "{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn test_json_matches_library() {
    let data = Data::new(30, 25, 3, 0.1);
    let (x, y) = data.points();
    let cases: [(&[&str], Estimator, Statistic); 3] = [
        (
            &["--permutations", "99", "--seed", "4", "--json"],
            Estimator::Naive(Naive::new(Riesz::energy().into())),
            Statistic::V,
        ),
        (
            &[
                "--permutations",
                "50",
                "--unbiased",
                "--json",
                "--seed",
                "2",
            ],
            Estimator::Naive(Naive::new(Riesz::energy().into())),
            Statistic::U,
        ),
        (
            &[
                "--estimator",
                "sliced",
                "--slices",
                "40",
                "--seed",
                "3",
                "--json",
                "--alpha",
                "0.2",
            ],
            Estimator::SlicedSort(SlicedSort::new(40).unwrap().with_seed(3)),
            Statistic::V,
        ),
    ];
    for (extra, est, stat) in cases {
        let v = json(&data.args(extra));
        let seed: u64 = v["seed"].as_u64().unwrap();
        let b = v["permutations"].as_u64().unwrap() as usize;
        let lib = PermutationTest::new(b)
            .unwrap()
            .with_seed(seed)
            .run(&est, &x, &y, stat)
            .unwrap();
        // serde_json parses floats to within a few ulps (no float_roundtrip)
        let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::EPSILON * b.abs();
        assert!(
            close(v["statistic"].as_f64().unwrap(), lib.statistic),
            "{v}"
        );
        assert!(close(v["p_value"].as_f64().unwrap(), lib.p_value), "{v}");
        let alpha = v["alpha"].as_f64().unwrap();
        assert_eq!(v["reject"].as_bool().unwrap(), lib.p_value <= alpha);
        assert!(v["seconds"].as_f64().unwrap() >= 0.0);
    }

    // --dtype f32: the test on the samples in f32
    let v = json(&data.args(&[
        "--estimator",
        "sliced",
        "--slices",
        "30",
        "--permutations",
        "40",
        "--dtype",
        "f32",
        "--json",
    ]));
    assert_eq!(v["dtype"], "f32");
    let (x32, y32) = (x.cast::<f32>().unwrap(), y.cast::<f32>().unwrap());
    let lib = PermutationTest::new(40)
        .unwrap()
        .run(&SlicedSort::new(30).unwrap(), &x32, &y32, Statistic::V)
        .unwrap();
    assert_eq!(v["p_value"].as_f64().unwrap(), lib.p_value);
    let t = v["statistic"].as_f64().unwrap();
    assert!((t - lib.statistic).abs() <= 4.0 * f64::EPSILON * lib.statistic.abs());
}

#[test]
fn defaults_and_summary() {
    let data = Data::new(20, 20, 2, 3.0);
    let v = json(&data.args(&["--json"]));
    assert_eq!(v["permutations"], 1000);
    assert_eq!(v["alpha"], 0.05);
    let p = v["p_value"].as_f64().unwrap();
    assert!((p - 1.0 / 1001.0).abs() <= 4.0 * f64::EPSILON * p);
    assert_eq!(v["reject"], true);
    let (ok, out, err) = smmd(&data.args(&["--permutations", "20"]));
    assert!(ok, "{err}");
    assert!(
        err.is_empty(),
        "no progress bar when stderr is not a terminal: {err}"
    );
    assert!(
        out.contains("p_value") && out.contains("reject H0"),
        "{out}"
    );
}

#[test]
fn bad_options_give_one_line_errors() {
    let data = Data::new(5, 5, 2, 0.0);
    for (extra, needle) in [
        (&["--permutations", "0"][..], "permutations"),
        (&["--alpha", "0"][..], "alpha"),
        (&["--alpha", "1"][..], "alpha"),
        (&["--alpha", "-0.5"][..], "alpha"),
        (&["--repeat", "2"][..], "--repeat"),
        (&["--permutations", "0"][..], "--permutations: "),
        (&["--alpha", "1.5"][..], "--alpha: "),
        (&["--threads", "0"][..], "--threads"),
        (&["--dtype", "f16"][..], "f16"),
    ] {
        let (ok, out, err) = smmd(&data.args(extra));
        assert!(!ok, "{extra:?} should fail");
        assert!(out.is_empty());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: ") && err.contains(needle), "{err}");
    }
}
