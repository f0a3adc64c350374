//! The Hadamard direction design: the rotations are orthogonal, the drawn
//! directions are unit vectors reproducible from the seed, and the fast
//! path of the sliced estimator (projection and back-projection by the
//! fast Walsh-Hadamard transform) agrees with the same directions
//! materialised and projected by matrix products, in value and gradient,
//! with the same bits whatever the thread count.

use crate::common;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::{
    DirectionDesign, Directions, Float, MmdEstimator, Points, Riesz, SlicedSort, Statistic,
};

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn sample(n: usize, d: usize, shift: f64, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n * d)
        .map(|i| {
            let z: f64 = StandardNormal.sample(&mut rng);
            // f32-representable, so the f32 run sees the same data
            (z + if i % d == 0 { shift } else { 0.0 }) as f32 as f64
        })
        .collect()
}

fn rel(a: &[f64], b: &[f64]) -> f64 {
    let num: f64 = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum();
    let den: f64 = b.iter().map(|y| y * y).sum();
    (num / den).sqrt()
}

/// Shapes `(n, m, d, p)`: d = 1, a small odd d, a power of two, a
/// non-power of two like 784; N != M; P a multiple of D, not a multiple,
/// and below D.
const CASES: [(usize, usize, usize, usize); 7] = [
    (30, 20, 1, 5),
    (40, 25, 3, 10),
    (33, 47, 16, 32),
    (50, 35, 16, 40),
    (45, 60, 20, 50),
    (64, 31, 20, 7),
    (20, 20, 100, 300),
];

#[test]
fn blocks_are_orthogonal_when_d_is_a_power_of_two() {
    for d in [1usize, 2, 8, 32, 128] {
        // two full blocks and a truncated one
        let p = 2 * d + d.div_ceil(2);
        let h = Directions::hadamard(p, d, 17).unwrap();
        for b in 0..p.div_ceil(d) {
            let rows: Vec<&[f64]> = (b * d..((b + 1) * d).min(p)).map(|i| h.row(i)).collect();
            for (i, u) in rows.iter().enumerate() {
                for (j, v) in rows.iter().enumerate() {
                    let want = if i == j { 1.0 } else { 0.0 };
                    let got = dot(u, v);
                    assert!(
                        (got - want).abs() < 1e-12,
                        "d={d} block {b} ({i},{j}): {got}"
                    );
                }
            }
        }
        if d > 1 {
            // different blocks are independent, not orthogonal
            assert!(dot(h.row(0), h.row(d)).abs() > 0.0);
        }
    }
}

#[test]
fn directions_are_unit_and_reproducible() {
    for &(_, _, d, p) in &CASES {
        let h = Directions::draw(DirectionDesign::Hadamard, p, d, 5).unwrap();
        assert_eq!(h, Directions::hadamard(p, d, 5).unwrap());
        assert_eq!((h.len(), h.dim()), (p, d));
        for i in 0..p {
            let norm = dot(h.row(i), h.row(i)).sqrt();
            assert!((norm - 1.0).abs() < 1e-14, "d={d} row {i}: {norm}");
        }
        assert_eq!(h, Directions::hadamard(p, d, 5).unwrap());
        if p * d > 1 {
            assert_ne!(h, Directions::hadamard(p, d, 6).unwrap());
        }
        // the first k directions do not depend on P
        let short = Directions::hadamard(p.min(3), d, 5).unwrap();
        assert_eq!(short.as_slice(), &h.as_slice()[..p.min(3) * d]);
    }
}

fn fast_and_explicit<F: Float>(n: usize, m: usize, d: usize, p: usize, r: f64, tol: f64) {
    let xs: Vec<F> = sample(n, d, 0.0, 1)
        .iter()
        .map(|&v| F::from_f64(v))
        .collect();
    let ys: Vec<F> = sample(m, d, 0.7, 2)
        .iter()
        .map(|&v| F::from_f64(v))
        .collect();
    let (x, y) = (
        Points::new(&xs, n, d).unwrap(),
        Points::new(&ys, m, d).unwrap(),
    );
    let kernel = Riesz::new(r).unwrap();
    let fast = SlicedSort::new(p)
        .unwrap()
        .with_seed(3)
        .with_design(DirectionDesign::Hadamard)
        .with_kernel(kernel);
    let explicit = SlicedSort::from_directions(Directions::hadamard(p, d, 3).unwrap())
        .with_kernel(kernel)
        .with_chunk_size(6);
    let what = format!("n={n} m={m} d={d} p={p} r={r}");
    for stat in [Statistic::V, Statistic::U] {
        let a = fast.estimate(&x, &y, stat).unwrap().mmd2;
        let b = explicit.estimate(&x, &y, stat).unwrap().mmd2;
        assert!(
            (a - b).abs() <= tol * b.abs(),
            "{what} {stat:?}: {a} vs {b}"
        );
    }
    let (va, ga) = fast.grad(&x, &y).unwrap();
    let (vb, gb) = explicit.grad(&x, &y).unwrap();
    assert!((va - vb).abs() <= tol * vb.abs(), "{what}: {va} vs {vb}");
    let ga: Vec<f64> = ga.iter().map(|v| v.as_f64()).collect();
    let gb: Vec<f64> = gb.iter().map(|v| v.as_f64()).collect();
    let e = rel(&ga, &gb);
    assert!(e <= tol, "{what}: gradient relative difference {e}");
}

#[test]
fn fast_path_matches_explicit_directions_f64() {
    for &(n, m, d, p) in &CASES {
        fast_and_explicit::<f64>(n, m, d, p, 1.0, 1e-10);
    }
    // the pairwise path (r != 1) goes through the same transforms
    fast_and_explicit::<f64>(25, 18, 20, 45, 1.5, 1e-10);
}

#[test]
fn fast_path_matches_explicit_directions_f32() {
    // f32 rounding of the projections may swap near-ties in a slice, which
    // moves a few slice gradients by one rank step: a loose tolerance
    for &(n, m, d, p) in &CASES {
        fast_and_explicit::<f32>(n, m, d, p, 1.0, 2e-3);
    }
}

#[test]
fn fast_path_has_the_same_bits_at_any_thread_count() {
    let (n, m, d, p) = (70, 55, 20, 80);
    let xs = sample(n, d, 0.0, 7);
    let ys = sample(m, d, 0.5, 8);
    let (x, y) = (
        Points::new(&xs, n, d).unwrap(),
        Points::new(&ys, m, d).unwrap(),
    );
    let est = SlicedSort::new(p)
        .unwrap()
        .with_seed(4)
        .with_design(DirectionDesign::Hadamard);
    let run = |t| common::with_threads(t, || est.grad(&x, &y).unwrap());
    let (v1, g1) = run(1);
    let (v2, g2) = run(2);
    assert_eq!(v1.to_bits(), v2.to_bits());
    assert!(g1.iter().zip(&g2).all(|(a, b)| a.to_bits() == b.to_bits()));
    let (v3, g3) = run(3);
    assert_eq!(v1.to_bits(), v3.to_bits());
    assert_eq!(g1, g3);
    // and the draw of the directions
    let h = |t| common::with_threads(t, || Directions::hadamard(100, 20, 4).unwrap());
    assert_eq!(h(1), h(2));
}

#[test]
fn design_name_round_trips() {
    assert_eq!(
        "hadamard".parse::<DirectionDesign>().unwrap(),
        DirectionDesign::Hadamard
    );
    assert_eq!(DirectionDesign::Hadamard.to_string(), "hadamard");
    assert!(DirectionDesign::ALL.contains(&DirectionDesign::Hadamard));
}

/// `smmd mmd --directions hadamard` gives the library's estimate.
#[cfg(feature = "cli")]
#[test]
fn cli_accepts_hadamard_directions() {
    use std::process::Command;
    let (n, m, d) = (40, 30, 5);
    let dir = tempfile::tempdir().unwrap();
    let (xv, yv) = (sample(n, d, 0.0, 11), sample(m, d, 1.0, 12));
    let xp = dir.path().join("x.npy");
    let yp = dir.path().join("y.npy");
    sliced_mmd::io::write_npy(&xp, &xv, n, d).unwrap();
    sliced_mmd::io::write_npy(&yp, &yv, m, d).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_smmd"))
        .args(["mmd", xp.to_str().unwrap(), yp.to_str().unwrap()])
        .args(["--json", "--estimator", "sliced", "--slices", "20"])
        .args(["--directions", "hadamard", "--seed", "9"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["directions"], "hadamard");
    let (x, y) = (
        Points::new(&xv, n, d).unwrap(),
        Points::new(&yv, m, d).unwrap(),
    );
    let want = SlicedSort::new(20)
        .unwrap()
        .with_seed(9)
        .with_design(DirectionDesign::Hadamard)
        .mmd2(&x, &y)
        .unwrap();
    let got = v["mmd2"].as_f64().unwrap();
    assert!((got - want).abs() <= 1e-12 * want.abs(), "{got} vs {want}");
}
