//! Reference values frozen from dcor 0.7 (NumPy 2.4) and hyppo 0.5.2, to check that the
//! exact estimator gives the same numbers as the Python package users come
//! from. Produced by:
//!
//! ```python
//! import numpy as np, dcor
//! def make(n, d, f, a, b):
//!     idx = np.arange(n * d, dtype=np.float64).reshape(n, d) + 1.0
//!     return f(idx) * a + b
//! x = make(n, d, np.sin, 3.0, 0.0); y = make(m, d, np.cos, 2.0, 0.5)
//! v = dcor.energy_distance(x, y, exponent=r)
//! u = dcor.energy_distance(x, y, exponent=r, estimation_stat="u_statistic")
//! ```
//!
//! and, for the sliced estimator in d = 1 (where slicing is exact),
//! `scipy.stats.energy_distance(x[:, 0], y[:, 0]) ** 2` (SciPy 1.17) equals
//! the V-statistic at r = 1.

use sliced_mmd::{MmdEstimator, Naive, Points, Riesz, SlicedSort, Statistic};

/// (n, m, d, r, V-statistic, U-statistic)
const DCOR: [(usize, usize, usize, f64, f64, f64); 9] = [
    (7, 5, 3, 1.0, 1.922837993685253, 0.5863604338122679),
    (7, 5, 3, 0.5, 1.013294547803096, 0.3815345201428766),
    (7, 5, 3, 1.5, 2.5855268270633713, -0.4844073194745917),
    (40, 30, 1, 1.0, 0.24270053108893852, 0.12523288397332943),
    (40, 30, 1, 0.5, 0.1568752094047725, 0.08090264977826744),
    (40, 30, 1, 1.5, 0.2885371512410786, 0.08764461718660987),
    (100, 120, 8, 1.0, 1.011540710455992, 0.8918716747193187),
    (100, 120, 8, 0.5, 0.3454102812674784, 0.3007900930064471),
    (100, 120, 8, 1.5, 2.2890718569249557, 1.949985731940787),
];

/// scipy.stats.energy_distance for the (40, 30, 1) case.
const SCIPY_40_30: f64 = 0.4926464564867373;

fn make(n: usize, d: usize, f: fn(f64) -> f64, a: f64, b: f64) -> Vec<f64> {
    (0..n * d).map(|i| f(i as f64 + 1.0) * a + b).collect()
}

// Both sides sum ~(N+M)² terms in f64 in different orders; the rounding
// difference is at most ~(N+M)² eps times (sum of |terms|)/|result|, which
// for these sizes and values is below 1e-11 relative (the U-statistic at
// (7, 5, 3, 1.5) nearly cancels, hence the absolute floor).
fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-11 * want.abs().max(1.0)
}

#[test]
fn naive_matches_dcor_energy_distance() {
    for &(n, m, d, r, v, u) in &DCOR {
        let xs = make(n, d, f64::sin, 3.0, 0.0);
        let ys = make(m, d, f64::cos, 2.0, 0.5);
        let x = Points::new(&xs, n, d).unwrap();
        let y = Points::new(&ys, m, d).unwrap();
        let est = Naive::new(Riesz::new(r).unwrap());
        let got_v = est.estimate(&x, &y, Statistic::V).unwrap().mmd2;
        let got_u = est.estimate(&x, &y, Statistic::U).unwrap().mmd2;
        assert!(
            close(got_v, v),
            "V ({n},{m},{d},r={r}): {got_v} vs dcor {v}"
        );
        assert!(
            close(got_u, u),
            "U ({n},{m},{d},r={r}): {got_u} vs dcor {u}"
        );
    }
}

#[test]
fn sliced_in_one_dimension_matches_dcor_and_scipy() {
    let (n, m) = (40, 30);
    let xs = make(n, 1, f64::sin, 3.0, 0.0);
    let ys = make(m, 1, f64::cos, 2.0, 0.5);
    let x = Points::from_1d(&xs).unwrap();
    let y = Points::from_1d(&ys).unwrap();
    let est = SlicedSort::new(3).unwrap().with_seed(11);
    let v = est.estimate(&x, &y, Statistic::V).unwrap().mmd2;
    let u = est.estimate(&x, &y, Statistic::U).unwrap().mmd2;
    let (_, _, _, _, want_v, want_u) = DCOR[3];
    assert!(close(v, want_v), "{v} vs {want_v}");
    assert!(close(u, want_u), "{u} vs {want_u}");
    assert!(
        close(v.sqrt(), SCIPY_40_30),
        "{} vs scipy {SCIPY_40_30}",
        v.sqrt()
    );
}

/// hyppo 0.5.2 `ksample.Energy().statistic(x, y)` (the default
/// `bias=False`) and `Energy(bias=True).statistic(x, y)` on the data above
/// (r = 1), as (n, m, d, unbiased, biased).
const HYPPO: [(usize, usize, usize, f64, f64); 3] = [
    (7, 5, 3, 0.7018049036381622, 4.03413843504219),
    (40, 30, 1, 0.12878374638536336, 1.4224440712796234),
    (100, 120, 8, 0.8999346658556528, 2.8684071791565473),
];

/// hyppo's energy statistic is a fixed function of ours (docs/two-sample.md):
/// with `L = N + M`, the default is
/// `L³ (N-1)(M-1) / (N M (L-1)(L-2)(L-3))` times the U-statistic, and
/// `bias=True` is `L² / (2 N M) · √(2 V)`. Both are the same for every
/// permutation of the pooled sample, so the permutation tests agree.
#[test]
fn hyppo_energy_statistic_is_a_multiple_of_ours() {
    for &(n, m, d, unbiased, biased) in &HYPPO {
        let xs = make(n, d, f64::sin, 3.0, 0.0);
        let ys = make(m, d, f64::cos, 2.0, 0.5);
        let x = Points::new(&xs, n, d).unwrap();
        let y = Points::new(&ys, m, d).unwrap();
        let est = Naive::new(Riesz::energy());
        let u = est.estimate(&x, &y, Statistic::U).unwrap().mmd2;
        let v = est.estimate(&x, &y, Statistic::V).unwrap().mmd2;
        let (nf, mf) = (n as f64, m as f64);
        let l = nf + mf;
        let kappa =
            l.powi(3) * (nf - 1.0) * (mf - 1.0) / (nf * mf * (l - 1.0) * (l - 2.0) * (l - 3.0));
        assert!(
            close(kappa * u, unbiased),
            "{n},{m},{d}: {} vs {unbiased}",
            kappa * u
        );
        let b = l * l / (2.0 * nf * mf) * (2.0 * v).sqrt();
        assert!(close(b, biased), "{n},{m},{d}: {b} vs {biased}");
    }
}
