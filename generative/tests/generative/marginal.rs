//! Per-coordinate quantile maps: exact properties of the construction,
//! the transport of a point mass, files and errors.

use rand::RngExt;
use rand_distr::{Distribution, Exp1};
use smmd_generative::marginal::MarginalMap;
use smmd_generative::rng::substream;
use smmd_generative::GenError;

/// `n` rows of `d` values: column `j` uniform on `[j, j + 1 + j]`.
fn uniform(n: usize, d: usize, seed: u64) -> Vec<f32> {
    let mut rng = substream(seed, 0);
    (0..n * d)
        .map(|i| {
            let j = (i % d) as f32;
            j + (1.0 + j) * rng.random::<f32>()
        })
        .collect()
}

/// A map fitted from a sample to itself has equal source and target
/// knots, so between them it is `t + (v - s)/(s' - s) (t' - t)` with
/// `t = s`: `v` up to one rounding in f64, which is `v` again in f32.
/// Outside the knots it gives the sample's smallest and largest value.
#[test]
fn a_map_from_a_sample_to_itself_is_the_identity_on_its_range() {
    let d = 3;
    let x = uniform(500, d, 1);
    for knots in [2, 7, 64, 500] {
        let map = MarginalMap::fit(&x, &x, d, knots).unwrap();
        let mut y = uniform(300, d, 2); // other values in (almost) the same range
        let before = y.clone();
        map.apply(&mut y).unwrap();
        for (i, (&b, &a)) in before.iter().zip(&y).enumerate() {
            let (s, _) = map.coordinate(i % d);
            let expected = b.clamp(s[0], s[knots - 1]);
            assert_eq!(a, expected, "knots {knots}, value {i}");
        }
        // the knots are the sample's smallest and largest values at the ends
        for j in 0..d {
            let column: Vec<f32> = x.iter().skip(j).step_by(d).copied().collect();
            let (s, t) = map.coordinate(j);
            assert_eq!(s, t);
            assert_eq!(s[0], column.iter().copied().fold(f32::INFINITY, f32::min));
            assert_eq!(
                s[knots - 1],
                column.iter().copied().fold(f32::NEG_INFINITY, f32::max)
            );
        }
    }
}

/// Quantiles commute with an increasing affine map, so the map onto
/// `a + b x` is `v -> a + b v` between the knots. The target values are
/// rounded once to f32 (half an ulp of the largest, 8), the interpolation
/// in f64 and the result once more: a few ulps of 8 in all.
#[test]
fn the_map_onto_an_affine_image_is_that_affine_map() {
    let d = 2;
    let x = uniform(1000, d, 3);
    let (a, b) = (-2.0f32, 3.0f32);
    let target: Vec<f32> = x.iter().map(|v| a + b * v).collect();
    let map = MarginalMap::fit(&x, &target, d, 101).unwrap();
    let mut y = uniform(500, d, 4);
    let before = y.clone();
    map.apply(&mut y).unwrap();
    let tol = 4.0 * f32::EPSILON * 8.0;
    for (i, (&v, &w)) in before.iter().zip(&y).enumerate() {
        let (s, _) = map.coordinate(i % d);
        let v = v.clamp(s[0], s[100]);
        assert!((w - (a + b * v)).abs() <= tol, "{v} -> {w}");
    }
}

/// The transport of the grain: a coordinate that is exactly 0 in 99% of
/// the target (the background pixel) receives exactly 0 for the lowest
/// values of any continuous source. Knot `k` of the target is 0 while its
/// level `k / (K - 1)` is at most that of the last zero, so the fitted
/// sample maps to 0 for at most its first `k* + 1` knots' worth of values
/// and at least its first `k*`; a fresh source sample differs from the
/// fitted one by the DKW bound (`ε` with probability `1 - 1e-6` each).
#[test]
fn a_point_mass_in_the_target_receives_the_lowest_source_values() {
    let (n, m, knots) = (20_000, 4000, 101);
    let zeros = m * 99 / 100;
    let mut rng = substream(5, 0);
    let target: Vec<f32> = (0..m)
        .map(|i| {
            if i < zeros {
                0.0
            } else {
                0.2 + <Exp1 as Distribution<f32>>::sample(&Exp1, &mut rng)
            }
        })
        .collect();
    let source: Vec<f32> = (0..n).map(|_| rng.random::<f32>() * 0.3 - 0.1).collect();
    let map = MarginalMap::fit(&source, &target, 1, knots).unwrap();
    let (_, t) = map.coordinate(0);
    let k_star = t.iter().rposition(|&v| v == 0.0).unwrap();
    let level = |k: usize| k as f64 / (knots - 1) as f64;
    // the last zero of the target is order statistic zeros - 1 of m
    assert!(level(k_star) <= (zeros - 1) as f64 / (m - 1) as f64);
    assert!(level(k_star + 1) > (zeros - 1) as f64 / (m - 1) as f64);

    let zero_share = |x: &[f32]| {
        let mut y = x.to_vec();
        map.apply(&mut y).unwrap();
        y.iter().filter(|&&v| v == 0.0).count() as f64 / y.len() as f64
    };
    let fitted = zero_share(&source);
    let slack = 1.0 / n as f64;
    assert!(
        fitted >= level(k_star) - slack && fitted <= level(k_star + 1) + slack,
        "{fitted}"
    );
    let fresh: Vec<f32> = (0..n).map(|_| rng.random::<f32>() * 0.3 - 0.1).collect();
    let eps = ((2.0f64 / 1e-6).ln() / (2.0 * n as f64)).sqrt();
    let share = zero_share(&fresh);
    assert!(
        (share - fitted).abs() <= 2.0 * eps,
        "fresh {share}, fitted {fitted}, 2 eps {}",
        2.0 * eps
    );
    // and nothing is mapped below the target's smallest value
    let mut y = fresh.clone();
    map.apply(&mut y).unwrap();
    assert!(y.iter().all(|&v| v >= 0.0));
}

/// Every coordinate's map is non-decreasing, across ties in the source
/// (a run of equal knots), between knots and outside them.
#[test]
fn the_map_is_non_decreasing_through_ties() {
    let mut rng = substream(6, 0);
    // a third of the source is exactly 0.5, the rest uniform on [0, 1]
    let source: Vec<f32> = (0..3000)
        .map(|i| if i % 3 == 0 { 0.5 } else { rng.random::<f32>() })
        .collect();
    let target: Vec<f32> = (0..2000).map(|_| rng.random::<f32>().powi(3)).collect();
    let map = MarginalMap::fit(&source, &target, 1, 64).unwrap();
    let (s, _) = map.coordinate(0);
    assert!(
        s.windows(2).filter(|w| w[0] == w[1]).count() >= 10,
        "the source's knots tie at 0.5"
    );
    let grid: Vec<f32> = (-200..=1200).map(|i| i as f32 / 1000.0).collect();
    let mut y = grid.clone();
    map.apply(&mut y).unwrap();
    for (w, g) in y.windows(2).zip(grid.windows(2)) {
        assert!(
            w[1] >= w[0],
            "T({}) = {} > T({}) = {}",
            g[0],
            w[0],
            g[1],
            w[1]
        );
    }
    // the tied value goes to the target's quantile at the run's middle
    // level, strictly inside the run's range of target knots
    let mut half = [0.5f32];
    map.apply(&mut half).unwrap();
    let (s, t) = map.coordinate(0);
    let run: Vec<usize> = (0..s.len()).filter(|&k| s[k] == 0.5).collect();
    let (first, last) = (run[0], *run.last().unwrap());
    assert!(half[0] > t[first] && half[0] < t[last], "{}", half[0]);
}

#[test]
fn a_saved_map_reloads_bit_identical_and_bad_files_are_errors() {
    let d = 4;
    let map = MarginalMap::fit(&uniform(300, d, 7), &uniform(200, d, 8), d, 33).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marginals.npy");
    map.save(&path).unwrap();
    let again = MarginalMap::load(&path, d, 33).unwrap();
    assert_eq!(again, map);
    let mut x = uniform(50, d, 9);
    let mut y = x.clone();
    map.apply(&mut x).unwrap();
    again.apply(&mut y).unwrap();
    assert_eq!(x, y);

    // a shape other than the manifest's
    let err = MarginalMap::load(&path, d + 1, 33).unwrap_err();
    assert!(matches!(err, GenError::Marginals { .. }), "{err}");
    assert!(err.to_string().contains("shape (8, 33)"), "{err}");
    // knots out of order
    let mut rows: Vec<f32> = (0..2 * d * 3).map(|i| i as f32).collect();
    rows.swap(4, 5); // row 1: 3, 5, 4
    sliced_mmd::io::write_npy(&path, &rows, 2 * d, 3).unwrap();
    let err = MarginalMap::load(&path, d, 3).unwrap_err();
    assert!(err.to_string().contains("row 1"), "{err}");
    // not a file at all
    let err = MarginalMap::load(&dir.path().join("missing.npy"), d, 3).unwrap_err();
    assert!(matches!(err, GenError::Read(_)), "{err}");
}

#[test]
fn bad_inputs_are_errors() {
    let x = uniform(10, 2, 1);
    let cases: Vec<(Result<MarginalMap, GenError>, &str)> = vec![
        (MarginalMap::fit(&x, &x, 2, 1), "knots"),
        (MarginalMap::fit(&x, &x, 0, 8), "dimension"),
        (MarginalMap::fit(&x[..3], &x, 2, 8), "whole non-empty rows"),
        (MarginalMap::fit(&[], &x, 2, 8), "whole non-empty rows"),
        (
            MarginalMap::fit(&[0.0, f32::NAN, 1.0, 2.0], &x, 2, 8),
            "source sample is not finite (row 0)",
        ),
        (
            MarginalMap::fit(&x, &[0.0, 1.0, f32::INFINITY, 2.0], 2, 8),
            "target sample is not finite (row 1)",
        ),
    ];
    for (result, message) in cases {
        let err = result.unwrap_err();
        assert!(err.to_string().contains(message), "{err} / {message}");
    }
    let map = MarginalMap::fit(&x, &x, 2, 8).unwrap();
    let err = map.apply(&mut [1.0, 2.0, 3.0]).unwrap_err();
    assert!(
        err.to_string().contains("whole non-empty rows of 2"),
        "{err}"
    );
    let err = map.apply(&mut [1.0, f32::NAN]).unwrap_err();
    assert!(err.to_string().contains("not finite"), "{err}");
}
