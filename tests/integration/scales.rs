//! Huge and tiny scales: the Riesz MMD² is homogeneous of degree r,
//! MMD²(aX, aY) = |a|^r MMD²(X, Y), so rescaling the data by 1e±150 (whose
//! squared distances leave the range of f64) must rescale the result by
//! exactly that factor, up to rounding. Data overflowing f32 projections
//! must give a typed error, not a NaN.

use rand::{RngExt, SeedableRng};
use sliced_mmd::{
    Directions, Gaussian, Laplace, MmdError, MmdEstimator, Naive, Points, Riesz, SlicedSort,
};

fn sample(n: usize, d: usize, seed: u64) -> Vec<f64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..n * d).map(|_| rng.random_range(-0.5..0.5)).collect()
}

fn scaled(v: &[f64], a: f64) -> Vec<f64> {
    v.iter().map(|x| x * a).collect()
}

// Scaling by a power of ten rounds each coordinate (relative error eps), so
// each distance t moves by ~eps ‖x‖ and each term t^r by ~r eps ‖x‖ t^{r-1}:
// harmless for continuous random data, whose smallest pair distance is
// ~1e-3 here. The V-statistic loses at most the ratio
// (sum of |terms|)/|MMD²| (~1e2 here) to cancellation: with eps ~ 1e-16,
// 1e-12 is a safe bound.
const REL: f64 = 1e-12;

#[test]
fn naive_riesz_is_homogeneous_at_extreme_scales() {
    let (n, m, d) = (40, 30, 3);
    let (xs, ys) = (sample(n, d, 1), sample(m, d, 2));
    for r in [0.3, 1.0, 1.7] {
        let est = Naive::new(Riesz::new(r).unwrap());
        let base = est
            .mmd2(
                &Points::new(&xs, n, d).unwrap(),
                &Points::new(&ys, m, d).unwrap(),
            )
            .unwrap();
        for a in [1e-170, 1e-150, 1e150, 1e170] {
            let (xa, ya) = (scaled(&xs, a), scaled(&ys, a));
            let x = Points::new(&xa, n, d).unwrap();
            let y = Points::new(&ya, m, d).unwrap();
            let v = est.mmd2(&x, &y).unwrap();
            let want = base * a.powf(r);
            assert!(
                ((v - want) / want).abs() < REL,
                "r = {r}, a = {a:e}: {v:e} vs {want:e}"
            );
            // the gradient is homogeneous of degree r - 1
            let (_, g) = est.grad(&x, &y).unwrap();
            assert!(g.iter().all(|v| v.is_finite()), "r = {r}, a = {a:e}");
        }
    }
}

#[test]
fn gaussian_and_laplace_depend_on_x_over_sigma_only() {
    let (n, m, d) = (25, 20, 2);
    let (xs, ys) = (sample(n, d, 3), sample(m, d, 4));
    let base_x = Points::new(&xs, n, d).unwrap();
    let base_y = Points::new(&ys, m, d).unwrap();
    let g0 = Naive::new(Gaussian::new(0.7).unwrap())
        .mmd2(&base_x, &base_y)
        .unwrap();
    let l0 = Naive::new(Laplace::new(0.7).unwrap())
        .mmd2(&base_x, &base_y)
        .unwrap();
    for a in [1e-200, 1e200] {
        let (xa, ya) = (scaled(&xs, a), scaled(&ys, a));
        let x = Points::new(&xa, n, d).unwrap();
        let y = Points::new(&ya, m, d).unwrap();
        let g = Naive::new(Gaussian::new(0.7 * a).unwrap())
            .mmd2(&x, &y)
            .unwrap();
        let l = Naive::new(Laplace::new(0.7 * a).unwrap())
            .mmd2(&x, &y)
            .unwrap();
        assert!(
            ((g - g0) / g0).abs() < REL,
            "gaussian a = {a:e}: {g} vs {g0}"
        );
        assert!(
            ((l - l0) / l0).abs() < REL,
            "laplace a = {a:e}: {l} vs {l0}"
        );
    }
}

#[test]
fn sliced_sort_is_homogeneous_at_extreme_scales() {
    let (n, m, d) = (50, 35, 4);
    let (xs, ys) = (sample(n, d, 5), sample(m, d, 6));
    let dirs = Directions::iid(20, d, 9).unwrap();
    let est = SlicedSort::from_directions(dirs);
    let base = est
        .mmd2(
            &Points::new(&xs, n, d).unwrap(),
            &Points::new(&ys, m, d).unwrap(),
        )
        .unwrap();
    for a in [1e-300, 1e300 / 8.0] {
        let (xa, ya) = (scaled(&xs, a), scaled(&ys, a));
        let v = est
            .mmd2(
                &Points::new(&xa, n, d).unwrap(),
                &Points::new(&ya, m, d).unwrap(),
            )
            .unwrap();
        assert!(((v - base * a) / (base * a)).abs() < REL, "a = {a:e}");
    }
}

#[test]
fn overflowing_f32_projections_are_an_error() {
    let (n, d) = (10, 64);
    let xs: Vec<f32> = vec![3e38; n * d];
    let ys: Vec<f32> = vec![-3e38; n * d];
    let x = Points::new(&xs, n, d).unwrap();
    let y = Points::new(&ys, n, d).unwrap();
    let e = SlicedSort::new(8).unwrap().mmd2(&x, &y).unwrap_err();
    assert_eq!(
        e,
        MmdError::Overflow {
            estimator: "sliced"
        }
    );
    let e = SlicedSort::new(8).unwrap().grad(&x, &y).unwrap_err();
    assert_eq!(
        e,
        MmdError::Overflow {
            estimator: "sliced"
        }
    );
}
