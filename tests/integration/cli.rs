//! The `smmd` binary, run on small files.
#![cfg(feature = "cli")]

use crate::smmd_bin;

use std::path::PathBuf;

use serde_json::Value;
use sliced_mmd::io::{read_points, write_npy};
use sliced_mmd::kernel::median_heuristic;
use sliced_mmd::{
    Arithmetic, DirectionDesign, Gaussian, Laplace, MmdEstimator, Naive, Points, RandomFeatures,
    Riesz, SlicedSort, Statistic,
};
use smmd_bin::smmd;

fn json(args: &[&str]) -> Value {
    let o = smmd(args);
    assert!(o.ok, "{args:?}: {}", o.stderr);
    assert!(o.stderr.is_empty(), "{}", o.stderr);
    assert_eq!(o.stdout.lines().count(), 1, "{}", o.stdout);
    serde_json::from_str(&o.stdout).expect("stdout is JSON")
}

/// Deterministic pseudo-random values in [0, 1).
fn values(len: usize, seed: u64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
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
    dir: PathBuf,
    x: PathBuf,
    y: PathBuf,
    xv: Vec<f64>,
    yv: Vec<f64>,
    n: usize,
    m: usize,
    d: usize,
}

impl Data {
    fn new(n: usize, m: usize, d: usize) -> Data {
        let dir = tempfile::tempdir().unwrap();
        let xv = values(n * d, 1);
        let yv: Vec<f64> = values(m * d, 2).iter().map(|v| v * 1.5 + 0.2).collect();
        let x = dir.path().join("x.npy");
        let y = dir.path().join("y.npy");
        write_npy(&x, &xv, n, d).unwrap();
        write_npy(&y, &yv, m, d).unwrap();
        Data {
            dir: dir.path().to_path_buf(),
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
    fn points(&self) -> (Points<'_, f64>, Points<'_, f64>) {
        (
            Points::new(&self.xv, self.n, self.d).unwrap(),
            Points::new(&self.yv, self.m, self.d).unwrap(),
        )
    }
    fn xs(&self) -> &str {
        self.x.to_str().unwrap()
    }
    fn ys(&self) -> &str {
        self.y.to_str().unwrap()
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(f64::MIN_POSITIVE)
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("key {key} in {v}"))
}

#[test]
fn mmd_json_naive_matches_library() {
    let data = Data::new(40, 30, 3);
    let v = json(&[
        "mmd",
        data.xs(),
        data.ys(),
        "--json",
        "--estimator",
        "naive",
    ]);
    for key in ["mmd2", "kernel", "estimator", "n", "m", "d", "seconds"] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["kernel"], "riesz");
    assert_eq!(v["estimator"], "naive");
    assert_eq!(
        (v["n"].as_u64(), v["m"].as_u64(), v["d"].as_u64()),
        (Some(40), Some(30), Some(3))
    );
    assert!(num(&v, "seconds") >= 0.0);
    let (x, y) = data.points();
    let want = Naive::new(Riesz::energy()).mmd2(&x, &y).unwrap();
    assert!(close(num(&v, "mmd2"), want), "{v} vs {want}");

    // auto picks naive for small data
    let v = json(&["mmd", data.xs(), data.ys(), "--json"]);
    assert_eq!(v["estimator"], "naive");
    assert!(close(num(&v, "mmd2"), want));

    // another exponent, and the U-statistic
    let v = json(&[
        "mmd",
        data.xs(),
        data.ys(),
        "--json",
        "--r",
        "0.5",
        "--unbiased",
    ]);
    let want = Naive::new(Riesz::new(0.5).unwrap())
        .estimate(&x, &y, Statistic::U)
        .unwrap()
        .mmd2;
    assert!(close(num(&v, "mmd2"), want), "{v} vs {want}");
}

#[test]
fn mmd_json_sliced_matches_library() {
    let data = Data::new(50, 40, 4);
    let (x, y) = data.points();
    let v = json(&[
        "mmd",
        data.xs(),
        data.ys(),
        "--json",
        "--estimator",
        "sliced",
        "--slices",
        "64",
        "--seed",
        "5",
    ]);
    assert_eq!(v["estimator"], "sliced");
    assert_eq!(v["kernel"], "riesz");
    let want = SlicedSort::new(64)
        .unwrap()
        .with_seed(5)
        .estimate(&x, &y, Statistic::V)
        .unwrap();
    assert!(close(num(&v, "mmd2"), want.mmd2), "{v} vs {want:?}");
    assert!(close(num(&v, "std_error"), want.std_error.unwrap()));

    // --repeat reports the value of the first run (same seed)
    let r = json(&[
        "mmd",
        data.xs(),
        data.ys(),
        "--json",
        "--estimator",
        "sliced",
        "--slices",
        "64",
        "--seed",
        "5",
        "--repeat",
        "3",
    ]);
    assert_eq!(r["mmd2"], v["mmd2"]);
    assert!(num(&r, "seconds") >= 0.0);

    // the same bits whatever the number of threads
    let base = [
        "mmd",
        data.xs(),
        data.ys(),
        "--json",
        "--estimator",
        "sliced",
        "--slices",
        "100",
    ];
    let one = json(&[&base[..], &["--threads", "1"]].concat());
    let two = json(&[&base[..], &["--threads", "2"]].concat());
    assert_eq!(one["mmd2"], two["mmd2"]);
    assert_eq!(one["threads"].as_u64(), Some(1));

    // r != 1 takes the pairwise path
    let v = json(&[
        "mmd",
        data.xs(),
        data.ys(),
        "--json",
        "--estimator",
        "sliced",
        "--slices",
        "16",
        "--r",
        "1.5",
    ]);
    let want = SlicedSort::new(16)
        .unwrap()
        .with_kernel(Riesz::new(1.5).unwrap())
        .mmd2(&x, &y)
        .unwrap();
    assert!(close(num(&v, "mmd2"), want));
}

/// `--directions` and `--estimator features` give exactly the library's
/// estimators with the same seed.
#[test]
fn designs_and_features_match_library() {
    let data = Data::new(60, 45, 3);
    let (x, y) = data.points();
    for (word, design) in [
        ("iid", DirectionDesign::Iid),
        ("orthogonal", DirectionDesign::Orthogonal),
        ("sobol", DirectionDesign::Sobol),
    ] {
        let v = json(&[
            "mmd",
            data.xs(),
            data.ys(),
            "--json",
            "--estimator",
            "sliced",
            "--slices",
            "40",
            "--directions",
            word,
            "--seed",
            "9",
        ]);
        assert_eq!(v["directions"], word);
        let want = SlicedSort::new(40)
            .unwrap()
            .with_seed(9)
            .with_design(design)
            .mmd2(&x, &y)
            .unwrap();
        assert!(close(num(&v, "mmd2"), want), "{word}: {v} vs {want}");
    }
    let v = json(&[
        "mmd",
        data.xs(),
        data.ys(),
        "--json",
        "--estimator",
        "features",
        "--features",
        "300",
        "--seed",
        "2",
    ]);
    assert_eq!(v["estimator"], "features");
    assert_eq!(v["features"].as_u64(), Some(300));
    let want = RandomFeatures::new(Riesz::energy(), 300)
        .unwrap()
        .with_seed(2)
        .estimate(&x, &y, Statistic::V)
        .unwrap();
    assert!(close(num(&v, "mmd2"), want.mmd2), "{v} vs {want:?}");
    assert!(close(num(&v, "std_error"), want.std_error.unwrap()));
    // and for the laplace kernel with a given bandwidth
    let v = json(&[
        "mmd",
        data.xs(),
        data.ys(),
        "--json",
        "--kernel",
        "laplace",
        "--sigma",
        "0.7",
        "--estimator",
        "features",
    ]);
    let want = RandomFeatures::new(Laplace::new(0.7).unwrap(), 1024)
        .unwrap()
        .mmd2(&x, &y)
        .unwrap();
    assert!(close(num(&v, "mmd2"), want), "{v} vs {want}");
}

#[test]
fn gaussian_default_sigma_is_median_heuristic() {
    let data = Data::new(30, 20, 2);
    let (x, y) = data.points();
    let v = json(&[
        "mmd",
        data.xs(),
        data.ys(),
        "--json",
        "--kernel",
        "gaussian",
        "--seed",
        "3",
    ]);
    assert_eq!(v["kernel"], "gaussian");
    let sigma = median_heuristic(&x, &y, 3).unwrap();
    let want = Naive::new(Gaussian::new(sigma).unwrap())
        .mmd2(&x, &y)
        .unwrap();
    assert!(close(num(&v, "mmd2"), want), "{v} vs {want}");
    let v = json(&[
        "mmd",
        data.xs(),
        data.ys(),
        "--json",
        "--kernel",
        "laplace",
        "--sigma",
        "0.7",
    ]);
    assert_eq!(v["kernel"], "laplace");
    assert!(num(&v, "mmd2") > 0.0);
}

#[test]
fn grad_writes_the_library_gradient() {
    let data = Data::new(25, 35, 3);
    let (x, y) = data.points();
    let out = data.path("g.npy");
    let v = json(&[
        "grad",
        data.xs(),
        data.ys(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    for key in ["mmd2", "out", "seconds"] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["out"], out.to_str().unwrap());
    let (want_v, want_g) = Naive::new(Riesz::energy()).grad(&x, &y).unwrap();
    assert!(close(num(&v, "mmd2"), want_v));
    let g = read_points(&out).unwrap();
    assert_eq!((g.n(), g.d()), (25, 3));
    for (a, b) in g.as_slice().iter().zip(&want_g) {
        assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
    }

    // sliced gradient
    let v = json(&[
        "grad",
        data.xs(),
        data.ys(),
        "--out",
        out.to_str().unwrap(),
        "--json",
        "--estimator",
        "sliced",
        "--slices",
        "32",
        "--seed",
        "9",
    ]);
    let (want_v, want_g) = SlicedSort::new(32)
        .unwrap()
        .with_seed(9)
        .grad(&x, &y)
        .unwrap();
    assert!(close(num(&v, "mmd2"), want_v));
    let g = read_points(&out).unwrap();
    for (a, b) in g.as_slice().iter().zip(&want_g) {
        assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
    }

    // f32: the file holds f32 values equal to the f32 computation (the
    // exact estimator forms distances in f32 under --dtype f32)
    let v = json(&[
        "grad",
        data.xs(),
        data.ys(),
        "--out",
        out.to_str().unwrap(),
        "--json",
        "--dtype",
        "f32",
    ]);
    let (x32, y32) = (x.cast::<f32>().unwrap(), y.cast::<f32>().unwrap());
    let (want_v, want_g) = Naive::new(Riesz::energy())
        .with_arithmetic(Arithmetic::DataType)
        .grad(&x32, &y32)
        .unwrap();
    assert!(close(num(&v, "mmd2"), want_v));
    let npy = npyz::NpyFile::new(std::fs::File::open(&out).unwrap()).unwrap();
    assert_eq!(npy.shape(), &[25, 3]);
    assert_eq!(npy.into_vec::<f32>().unwrap(), want_g);
}

#[test]
fn one_dimensional_input_gives_n_by_1_gradient() {
    let dir = tempfile::tempdir().unwrap();
    // a 1-D npy written by hand, and a one-column csv
    let xv = [0.0f64, 1.0, 2.5, 4.0];
    let mut header = String::from("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((header.len() as u16).to_le_bytes());
    bytes.extend(header.as_bytes());
    bytes.extend(xv.iter().flat_map(|v| v.to_le_bytes()));
    let x = dir.path().join("x1.npy");
    std::fs::write(&x, bytes).unwrap();
    let y = dir.path().join("y1.csv");
    std::fs::write(&y, "value\n1.0\n3.0\n").unwrap();
    let out = dir.path().join("g1.npy");
    let v = json(&[
        "grad",
        x.to_str().unwrap(),
        y.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    let npy = npyz::NpyFile::new(std::fs::File::open(&out).unwrap()).unwrap();
    assert_eq!(npy.shape(), &[4, 1]);
    let g = npy.into_vec::<f64>().unwrap();
    let (xp, yp) = (
        Points::from_1d(&xv).unwrap(),
        Points::from_1d(&[1.0, 3.0]).unwrap(),
    );
    let (want_v, want_g) = Naive::new(Riesz::energy()).grad(&xp, &yp).unwrap();
    assert!(close(num(&v, "mmd2"), want_v));
    assert_eq!(g.len(), want_g.len());
    for (a, b) in g.iter().zip(&want_g) {
        assert!((a - b).abs() <= 1e-12, "{a} vs {b}");
    }
}

#[test]
fn human_readable_summary() {
    let data = Data::new(10, 12, 2);
    let o = smmd(&["mmd", data.xs(), data.ys()]);
    assert!(o.ok, "{}", o.stderr);
    assert!(o.stdout.starts_with("mmd2"), "{}", o.stdout);
    assert!(o.stdout.contains("naive"));
    assert!(o.stdout.lines().count() <= 8);
    let out = data.path("g.npy");
    let o = smmd(&["grad", data.xs(), data.ys(), "--out", out.to_str().unwrap()]);
    assert!(o.ok, "{}", o.stderr);
    assert!(o.stdout.contains("g.npy"));
}

#[test]
fn help_and_version_succeed() {
    for args in [
        &["--help"][..],
        &["mmd", "--help"],
        &["grad", "-h"],
        &["--version"],
    ] {
        let o = smmd(args);
        assert!(o.ok, "{args:?}: {}", o.stderr);
        assert!(!o.stdout.is_empty());
    }
    assert!(smmd(&["mmd", "--help"]).stdout.contains("--repeat"));
    let top = smmd(&["--help"]).stdout;
    for sub in ["mmd", "grad", "test", "flow"] {
        assert!(top.contains(sub), "{sub} missing from the help: {top}");
        // the shared options are in every subcommand
        let help = smmd(&[sub, "--help"]).stdout;
        for opt in ["--seed", "--threads", "--dtype", "--json"] {
            assert!(help.contains(opt), "{sub} --help lacks {opt}: {help}");
        }
    }
}

/// A failure: non-zero exit, exactly one `error: ` line on stderr that
/// contains `needle`, no panic, nothing on stdout.
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
    assert!(o.stderr.ends_with('\n'));
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    assert!(
        o.stderr.contains(needle),
        "{args:?}: {:?} lacks {needle:?}",
        o.stderr
    );
    assert!(o.stdout.is_empty(), "{args:?}: {}", o.stdout);
}

#[test]
fn bad_inputs_give_one_line_errors() {
    let data = Data::new(6, 5, 2);
    let (x, y) = (data.xs(), data.ys());
    let dir = &data.dir;
    let missing = dir.join("missing.npy");
    let missing = missing.to_str().unwrap();
    let nan = dir.join("nan.csv");
    std::fs::write(&nan, "a,b\n1,2\n3,nan\n").unwrap();
    let nan = nan.to_str().unwrap();
    let d3 = dir.join("d3.csv");
    std::fs::write(&d3, "1,2,3\n4,5,6\n").unwrap();
    let d3 = d3.to_str().unwrap();
    let ragged = dir.join("ragged.csv");
    std::fs::write(&ragged, "1,2\n3\n").unwrap();
    let ragged = ragged.to_str().unwrap();
    let one = dir.join("one.csv");
    std::fs::write(&one, "1,2\n").unwrap();
    let one = one.to_str().unwrap();
    let big = dir.join("big.csv");
    std::fs::write(&big, "1e300,2\n").unwrap();
    let big = big.to_str().unwrap();
    let g = dir.join("g.npy");
    let g = g.to_str().unwrap();

    fails(&["mmd", missing, y], "missing.npy");
    fails(&["mmd", x, missing], "missing.npy");
    fails(&["mmd", nan, y], "nan.csv");
    fails(&["mmd", x, nan], "nan.csv");
    fails(
        &["mmd", x, ragged],
        "ragged.csv: line 2 has 1 field, expected 2",
    );
    fails(&["mmd", x, d3], "d3.csv");
    fails(&["grad", d3, y, "--out", g], "dimension mismatch");
    fails(
        &["mmd", x, y, "--r", "2"],
        "--r: invalid Riesz exponent r = 2",
    );
    fails(&["mmd", x, y, "--r", "0"], "r = 0");
    fails(&["mmd", x, y, "--r", "-1"], "r = -1");
    fails(
        &["mmd", x, y, "--kernel", "gaussian", "--sigma", "0"],
        "--sigma: invalid bandwidth sigma = 0",
    );
    fails(
        &["mmd", x, y, "--kernel", "laplace", "--sigma", "-2"],
        "sigma",
    );
    fails(
        &["mmd", x, y, "--slices", "0"],
        "--slices: invalid number of slices P = 0",
    );
    fails(&["test", x, y, "--slices", "0"], "--slices");
    for sub in ["mmd", "test"] {
        fails(
            &[sub, x, y, "--threads", "0"],
            "'--threads <T>': it must be at least 1",
        );
    }
    fails(&["grad", x, y, "--out", g, "--repeat", "0"], "--repeat");
    fails(
        &["mmd", x, y, "--estimator", "features", "--features", "0"],
        "--features: invalid number of features",
    );
    fails(
        &["mmd", x, y, "--estimator", "naive", "--features", "8"],
        "--features applies only",
    );
    fails(
        &["mmd", x, y, "--estimator", "features", "--r", "0.5"],
        "r = 1",
    );
    fails(
        &[
            "mmd",
            x,
            y,
            "--estimator",
            "features",
            "--directions",
            "sobol",
        ],
        "--directions applies only",
    );
    fails(
        &["mmd", x, y, "--directions", "halton"],
        "'halton': expected one of iid, orthogonal, sobol, hadamard",
    );
    fails(
        &["mmd", x, y, "--estimator", "sliced", "--kernel", "gaussian"],
        "riesz",
    );
    fails(&["mmd", x, one, "--unbiased"], "one.csv");
    fails(&["mmd", x, big, "--dtype", "f32"], "big.csv");
    fails(&["grad", x, y, "--out", g, "--unbiased"], "unbiased");
    fails(&["grad", x, y], "--out");
    fails(
        &["grad", x, y, "--out", "/nonexistent/dir/g.npy"],
        "/nonexistent/dir/g.npy",
    );
    fails(&["mmd", x, y, "--bogus"], "--bogus");
    fails(&["mmd", x, y, "--kernel", "cosine"], "cosine");
    fails(&["mmd", x, y, "--r", "abc"], "abc");
    fails(&["mmd", x, y, "--slices", "-3"], "-3");
    fails(&["mmd", x, y, "--seed", "1.5"], "1.5");
    fails(
        &["mmd", x, y, "--dtype", "f16"],
        "'f16': expected one of f32, f64",
    );
    fails(&["mmd", x], "<Y>");
    fails(&["frobnicate"], "frobnicate");
    fails(&[], "subcommand is required: mmd, grad, test or flow");
    fails(&["mmd", x, &format!("{}.txt", y)], ".txt");
}

#[test]
fn mmd_on_csv_files_with_header() {
    let data = Data::new(8, 9, 2);
    let (xp, yp) = data.points();
    let write_csv = |name: &str, p: &Points<'_, f64>| -> PathBuf {
        let mut s = String::from("u,v\n");
        for r in p.rows() {
            s += &format!("{:?},{:?}\n", r[0], r[1]);
        }
        let path = data.path(name);
        std::fs::write(&path, s).unwrap();
        path
    };
    let (xc, yc) = (write_csv("x.csv", &xp), write_csv("y.csv", &yp));
    let a = json(&["mmd", xc.to_str().unwrap(), yc.to_str().unwrap(), "--json"]);
    let b = json(&["mmd", data.xs(), data.ys(), "--json"]);
    assert_eq!(a["mmd2"], b["mmd2"]);
}
