//! Invariances of the exact Riesz MMD² (naive estimator, r in (0, 2)):
//! translation, rotation, scaling `MMD²(aX, aY) = |a|^r MMD²(X, Y)`,
//! symmetry, `MMD²(X, X) = 0` and non-negativity of the V-statistic; and
//! the exact counterparts for sliced-sort.
//!
//! # Tolerances
//! Two computations of the same MMD² from transformed coordinates differ
//! for two reasons, each bounded here:
//! 1. the transformed coordinates are rounded, so each pair distance `t`
//!    moves by at most `e(t)` (derived per transformation below); a term
//!    `t^r` then moves by at most `r s^{r-1} e(t)` (mean value theorem, with
//!    `s = t/2` for `r < 1`, valid while `e(t) <= t/2`, and `s = t + e(t)` for
//!    `r >= 1`), summed with the pair weights (`riesz_sensitivity`);
//! 2. each MMD² is itself computed with rounding error at most
//!    `pair_sum_error` = `(L² + d + 16) u S`, `S` the magnitude of the terms.
//!
//! Points are kept at least 0.05 apart (coordinates in [-5, 5]): as two
//! points merge, `t^r` with `r < 1` becomes infinitely sensitive to the
//! rounding of their coordinates, a property of the arithmetic, not of
//! the code.

use crate::common;

use common::{
    case_strategy, kernel_magnitude, mat_vec, pair_sum_error, random_orthogonal,
    separated_case_strategy, Case, U64,
};
use proptest::prelude::*;
use sliced_mmd::special::slicing_constant;
use sliced_mmd::{MmdEstimator, Naive, Riesz, SlicedSort, Statistic};

fn riesz(r: f64) -> Riesz {
    Riesz::new(r).unwrap()
}

fn stat(c: &Case, r: f64, s: Statistic) -> f64 {
    Naive::new(riesz(r))
        .estimate(&c.px(), &c.py(), s)
        .unwrap()
        .mmd2
}

/// `Σ_{a ≠ b} w_ab r s^{r-1} e(t_ab)` over ordered pairs of pooled points,
/// `w = 1/N², 1/M², 1/(NM)` (so that the X-Y pairs count twice, as in
/// `2/(NM) Σ_ij`): the first error source of the module doc.
fn riesz_sensitivity(c: &Case, r: f64, e: impl Fn(f64) -> f64) -> f64 {
    let pts: Vec<&[f64]> = c.pooled().collect();
    let (nf, mf) = (c.n as f64, c.m as f64);
    let mut total = 0.0;
    for a in 0..pts.len() {
        for b in 0..pts.len() {
            if a == b {
                continue;
            }
            let t = common::dist(pts[a], pts[b]);
            let err = e(t);
            let s = if r < 1.0 {
                assert!(err <= t / 2.0, "points too close for the bound");
                t / 2.0
            } else {
                t + err
            };
            let w = match (a < c.n, b < c.n) {
                (true, true) => 1.0 / (nf * nf),
                (false, false) => 1.0 / (mf * mf),
                _ => 1.0 / (nf * mf),
            };
            total += w * r * s.powf(r - 1.0) * err;
        }
    }
    total
}

fn both_stats(n: usize, m: usize) -> Vec<Statistic> {
    if n >= 2 && m >= 2 {
        vec![Statistic::V, Statistic::U]
    } else {
        vec![Statistic::V]
    }
}

/// Magnitude of the terms of the U-statistic is at most `N/(N-1)` times
/// that of the V-statistic (the same terms, renormalised): use `2 S`.
fn magnitude(c: &Case, r: f64) -> f64 {
    2.0 * kernel_magnitude(&riesz(r), c)
}

proptest! {
    #![proptest_config(common::proptest_config(128, "proptest-regressions/invariances.txt"))]

    /// MMD²(X + τ, Y + τ) = MMD²(X, Y). Shifted coordinates are rounded by
    /// at most `u |x_k + τ_k|`, so a pair distance moves by at most
    /// `e = 2 u (R + ‖τ‖)`.
    #[test]
    fn translation(
        case in separated_case_strategy(1, 9, 4, 0.05),
        r in 0.1f64..1.95,
        shift in prop::collection::vec(-10.0f64..10.0, 4),
    ) {
        let tau = &shift[..case.d];
        let moved = case.map_rows(|p| p.iter().zip(tau).map(|(a, b)| a + b).collect());
        let e = 2.0 * U64 * (case.radius() + common::norm(tau));
        let tol = riesz_sensitivity(&case, r, |_| e)
            + pair_sum_error(&case, magnitude(&case, r))
            + pair_sum_error(&moved, magnitude(&moved, r));
        for s in both_stats(case.n, case.m) {
            let (a, b) = (stat(&case, r, s), stat(&moved, r, s));
            prop_assert!((a - b).abs() <= tol, "{:?}: {} vs {}, tol {:e}", s, a, b, tol);
        }
    }

    /// MMD²(QX, QY) = MMD²(X, Y) for an orthogonal Q (QR of a Gaussian
    /// matrix). Each rotated coordinate is a dot product with error at most
    /// `γ_d ‖x‖`, so a rotated point errs by `√d γ_d R` and a distance by
    /// `2.1 d^{3/2} u R`; the computed Q is orthogonal only to
    /// `η = ‖QᵀQ - I‖_F`, which changes a distance `t` by at most `η t`.
    #[test]
    fn rotation(
        case in separated_case_strategy(1, 9, 4, 0.05),
        r in 0.1f64..1.95,
        seed in any::<u64>(),
    ) {
        let d = case.d;
        let q = random_orthogonal(d, seed);
        let mut eta2 = 0.0;
        for i in 0..d {
            for j in 0..d {
                let qtq: f64 = (0..d).map(|k| q[k * d + i] * q[k * d + j]).sum();
                let want = if i == j { 1.0 } else { 0.0 };
                eta2 += (qtq - want) * (qtq - want);
            }
        }
        let eta = eta2.sqrt() + 4.0 * d as f64 * U64;
        let rotated = case.map_rows(|p| mat_vec(&q, p));
        let fixed = 2.1 * (d as f64).powf(1.5) * U64 * case.radius();
        let tol = riesz_sensitivity(&case, r, |t| fixed + eta * t)
            + pair_sum_error(&case, magnitude(&case, r))
            + pair_sum_error(&rotated, magnitude(&rotated, r));
        for s in both_stats(case.n, case.m) {
            let (a, b) = (stat(&case, r, s), stat(&rotated, r, s));
            prop_assert!((a - b).abs() <= tol, "{:?}: {} vs {}, tol {:e}", s, a, b, tol);
        }
    }

    /// MMD²(aX, aY) = |a|^r MMD²(X, Y), negative a included. Scaled
    /// coordinates are rounded by `u |a x_k|`: a scaled distance moves by at
    /// most `e = 2 u |a| R`. The right-hand side carries `|a|^r` times the
    /// rounding of MMD²(X, Y), plus the rounding of `powf` and the product.
    #[test]
    fn scaling(
        case in separated_case_strategy(1, 9, 4, 0.05),
        r in 0.1f64..1.95,
        a in prop_oneof![-10.0f64..-0.1, 0.1f64..10.0],
    ) {
        let scaled = case.map_rows(|p| p.iter().map(|v| a * v).collect());
        let ar = a.abs().powf(r);
        let e = 2.0 * U64 * a.abs() * case.radius();
        for s in both_stats(case.n, case.m) {
            let lhs = stat(&scaled, r, s);
            let base = stat(&case, r, s);
            let rhs = ar * base;
            let tol = riesz_sensitivity(&scaled, r, |_| e)
                + pair_sum_error(&scaled, magnitude(&scaled, r))
                + ar * pair_sum_error(&case, magnitude(&case, r))
                + 4.0 * U64 * rhs.abs();
            prop_assert!((lhs - rhs).abs() <= tol, "{:?}: {} vs {}, tol {:e}", s, lhs, rhs, tol);
        }
    }

    /// MMD²(X, Y) = MMD²(Y, X): the same terms summed in another order,
    /// each computation within `pair_sum_error` of the exact value. No
    /// separation needed. And the V-statistic is never negative (beyond
    /// rounding), since the Riesz kernel is conditionally positive
    /// definite; ties and duplicates included.
    #[test]
    fn symmetry_and_non_negativity(
        case in case_strategy(10, 4),
        r in 0.1f64..1.95,
    ) {
        let swapped = case.swapped();
        let eps = pair_sum_error(&case, magnitude(&case, r));
        for s in both_stats(case.n, case.m) {
            let (a, b) = (stat(&case, r, s), stat(&swapped, r, s));
            prop_assert!((a - b).abs() <= 2.0 * eps, "{:?}: {} vs {}", s, a, b);
        }
        let v = stat(&case, r, Statistic::V);
        prop_assert!(v >= -eps, "V = {:e}", v);
        // the U-statistic is the V-statistic minus non-negative terms
        if case.n >= 2 && case.m >= 2 {
            prop_assert!(stat(&case, r, Statistic::U) <= v + 2.0 * eps);
        }
    }

    /// MMD²(X, X) = 0 for the V-statistic: the three sums hold the same
    /// terms, so the naive result is zero up to `pair_sum_error`; the
    /// sliced-sort value is exactly zero (F_μ = F_ν on every gap).
    #[test]
    fn self_distance_is_zero(
        case in case_strategy(10, 4),
        r in 0.1f64..1.95,
        p in 1usize..8,
        seed in any::<u64>(),
    ) {
        let xx = Case::new(case.x.clone(), case.x.clone(), case.n, case.n, case.d);
        let eps = pair_sum_error(&xx, magnitude(&xx, r));
        let v = stat(&xx, r, Statistic::V);
        prop_assert!(v.abs() <= eps, "V(X, X) = {:e}", v);
        let sliced = SlicedSort::new(p).unwrap().with_seed(seed);
        prop_assert_eq!(sliced.mmd2(&xx.px(), &xx.py()).unwrap(), 0.0);
    }

    /// Sliced-sort (r = 1): V is a sum of non-negative terms, so V >= 0
    /// exactly; swapping X and Y gives the same pooled order and gaps, so
    /// the same value up to the rounding of the mean over slices; scaling
    /// by 2 multiplies every projection and gap by 2 exactly, so
    /// V(2X, 2Y) = 2 V(X, Y) bit for bit and the gradient (homogeneous of
    /// degree 0) is unchanged bit for bit; a = -1 reverses every slice,
    /// which gives the same gaps in the opposite order.
    #[test]
    fn sliced_sort_exact_invariances(
        case in case_strategy(12, 4),
        p in 1usize..10,
        seed in any::<u64>(),
    ) {
        let est = SlicedSort::new(p).unwrap().with_seed(seed);
        let (px, py) = (case.px(), case.py());
        let v = est.mmd2(&px, &py).unwrap();
        prop_assert!(v >= 0.0);
        // magnitude of the sum of gaps: 2 (max - min) of the projections
        // per slice, at most 4R, over c
        let c = slicing_constant(case.d, 1.0).unwrap();
        let mag = 4.0 * case.radius() / c;
        let tol = (case.len() as f64 + p as f64 + 8.0) * U64 * mag;
        let sw = case.swapped();
        let vs = est.mmd2(&sw.px(), &sw.py()).unwrap();
        prop_assert!((v - vs).abs() <= 2.0 * tol, "{} vs {}", v, vs);

        let twice = case.map_rows(|q| q.iter().map(|t| 2.0 * t).collect());
        let (v2, g2) = est.grad(&twice.px(), &twice.py()).unwrap();
        let (v1, g1) = est.grad(&px, &py).unwrap();
        prop_assert_eq!(v2.to_bits(), (2.0 * v1).to_bits());
        prop_assert_eq!(common::bits(&g2), common::bits(&g1));

        let neg = case.map_rows(|q| q.iter().map(|t| -t).collect());
        let vn = est.mmd2(&neg.px(), &neg.py()).unwrap();
        prop_assert!((vn - v).abs() <= 2.0 * tol, "{} vs {}", vn, v);
    }
}
