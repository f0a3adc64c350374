//! Gradients against central finite differences.
//!
//! For one coordinate `k` of one particle `x_i`, with `V` the V-statistic
//! as a function of that coordinate,
//!
//! ```text
//! (V(x + h) - V(x - h)) / (2h) = V'(x) + h²/6 V'''(ξ)
//! ```
//!
//! and each computed `V` errs by at most `ε` (the estimator's rounding),
//! so `|FD - V'| <= h²/6 M3 + ε/h` with `M3` a bound on `|V'''|` over
//! `[x - h, x + h]`. `M3` is derived per kernel below from the distances
//! to the other points; `h` is the power of two below the minimiser
//! `(3 ε / M3)^{1/3}` of that bound. Coordinates are multiples of 2^-20
//! with magnitude < 8, so `x ± h` is exact and the step is exactly `2h`.
//! The computed gradient itself errs by at most `(L + d + 16) u` times the
//! magnitude of its terms; that is added.
//!
//! V depends on `x_i` through `2/N² Σ_{k≠i} K(x_i, x_k) - 2/(NM) Σ_j K(x_i, y_j)`
//! (the diagonal `K(x_i, x_i)` is constant), so
//! `M3 <= 2/N² Σ_k B(x_i, x_k) + 2/(NM) Σ_j B(x_i, y_j)` with `B` a bound on
//! the third derivative of `s -> K(x + s e_k, z)`.
//!
//! Points are kept apart (the Riesz and Laplace kernels are not smooth at
//! coincident points; the sliced kernels at tied projections).

use crate::common;

use common::{
    case_strategy, kernel_magnitude, pair_sum_error, projections, separated_case_strategy,
    sliced_grad_magnitude, Case, U64,
};
use proptest::prelude::*;
use sliced_mmd::special::slicing_constant;
use sliced_mmd::{
    Directions, Gaussian, Kernel, Laplace, MmdEstimator, Naive, Riesz, SlicedKernel, SlicedSort,
};

/// Round every coordinate to a multiple of 2^-20.
fn on_grid(c: &Case) -> Case {
    c.map_rows(|p| {
        p.iter()
            .map(|v| (v * 1048576.0).round() / 1048576.0)
            .collect()
    })
}

/// The largest power of two not above `t` (and not above 2^-4).
fn pow2_below(t: f64) -> f64 {
    2f64.powi(t.log2().floor() as i32).min(0.0625)
}

/// Copy of the case with `x[i][k] += delta`.
fn perturbed(c: &Case, i: usize, k: usize, delta: f64) -> Case {
    let mut x = c.x.clone();
    x[i * c.d + k] += delta;
    Case::new(x, c.y.clone(), c.n, c.m, c.d)
}

/// Per-entry magnitude of the gradient's terms,
/// `2/N² Σ_k |∇K(x_i,x_k)| + 2/(NM) Σ_j |∇K(x_i,y_j)|` (entrywise).
fn grad_magnitude<K: Kernel<f64>>(k: &K, c: &Case) -> Vec<f64> {
    let (n, m, d) = (c.n, c.m, c.d);
    let (px, py) = (c.px(), c.py());
    let mut out = vec![0.0; n * d];
    for i in 0..n {
        let xi = px.row(i);
        for (z, w) in px
            .rows()
            .map(|z| (z, 2.0 / (n * n) as f64))
            .chain(py.rows().map(|z| (z, 2.0 / (n * m) as f64)))
        {
            let mut g = vec![0.0; d];
            k.grad_acc(xi, z, 1.0, &mut g);
            for (o, v) in out[i * d..(i + 1) * d].iter_mut().zip(&g) {
                *o += w * v.abs();
            }
        }
    }
    out
}

/// Check every gradient entry of `est` against central differences.
/// `eps`: bound on the rounding of one computed V; `gmag`: per-entry
/// magnitude of the gradient's terms; `third(i, k, h_max)`: bound on
/// `|V'''|` for steps up to `h_max`.
fn check_fd<E: MmdEstimator<f64>>(
    est: &E,
    c: &Case,
    eps: f64,
    gmag: &[f64],
    h_max: f64,
    third: impl Fn(usize, usize, f64) -> f64,
) -> Result<(), TestCaseError> {
    let (_, g) = est.grad(&c.px(), &c.py()).unwrap();
    let grad_round = (c.len() as f64 + c.d as f64 + 16.0) * U64;
    for i in 0..c.n {
        for k in 0..c.d {
            let m3 = third(i, k, h_max);
            let h = if m3 > 0.0 {
                pow2_below((3.0 * eps / m3).cbrt().min(h_max))
            } else {
                pow2_below(h_max)
            };
            let (cp, cm) = (perturbed(c, i, k, h), perturbed(c, i, k, -h));
            let vp = est.mmd2(&cp.px(), &cp.py()).unwrap();
            let vm = est.mmd2(&cm.px(), &cm.py()).unwrap();
            let fd = (vp - vm) / (2.0 * h);
            let e = i * c.d + k;
            let tol = h * h / 6.0 * m3 + eps / h + grad_round * gmag[e];
            prop_assert!(
                (fd - g[e]).abs() <= tol,
                "entry ({}, {}): fd {:e} vs grad {:e}, diff {:e} > tol {:e} (h = {:e}, M3 = {:e})",
                i,
                k,
                fd,
                g[e],
                (fd - g[e]).abs(),
                tol,
                h,
                m3
            );
        }
    }
    Ok(())
}

/// `Σ` over the other points `z` of the pair weights times `b(x_i, z)`.
fn weighted_sum(c: &Case, i: usize, b: impl Fn(&[f64], &[f64]) -> f64) -> f64 {
    let (n, m, d) = (c.n, c.m, c.d);
    let xi = &c.x[i * d..(i + 1) * d];
    let mut s = 0.0;
    for kk in 0..n {
        if kk != i {
            s += 2.0 / (n * n) as f64 * b(xi, &c.x[kk * d..(kk + 1) * d]);
        }
    }
    for j in 0..m {
        s += 2.0 / (n * m) as f64 * b(xi, &c.y[j * d..(j + 1) * d]);
    }
    s
}

/// Riesz: along a line, `f(s) = q(s)^α` with `q = ‖u + s e‖²`, `α = r/2`:
/// `f''' = ρ^{r-3} (8 α(α-1)(α-2) c³ + 12 α(α-1) c)`, `c` the cosine of u
/// and e, so `|f'''| <= (8 · 1/4 · 2 + 12 · 1/4) ρ^{r-3} = 7 ρ^{r-3}` for
/// `α ∈ (0, 1)`, with `ρ >= ‖x - z‖ - h`.
fn riesz_third(c: &Case, i: usize, r: f64, h: f64) -> f64 {
    weighted_sum(c, i, |x, z| 7.0 * (common::dist(x, z) - h).powf(r - 3.0))
}

/// Gaussian: the third derivative of `exp(-(t+s)²/(2σ²))` in `s` is
/// `σ^{-3} He_3(z) e^{-z²/2}` (`He_3(z) = z³ - 3z`), at most `1.39 / σ³`
/// (the maximum of `|He_3(z)| e^{-z²/2}` is 1.3806 at z = 0.742); the
/// factor from the other coordinates is at most 1.
fn gaussian_third(c: &Case, i: usize, sigma: f64) -> f64 {
    weighted_sum(c, i, |_, _| 1.39 / sigma.powi(3))
}

/// Laplace: `f = g(ρ(s))`, `g(ρ) = e^{-ρ/σ}`, `|g^{(j)}| <= σ^{-j}`;
/// `ρ' = c`, `ρ'' = (1 - c²)/ρ`, `ρ''' = -3c(1 - c²)/ρ²`, so
/// `|f'''| <= σ^{-3} + 3 σ^{-2}/ρ + 3 σ^{-1}/ρ²`, `ρ >= ‖x - z‖ - h`.
fn laplace_third(c: &Case, i: usize, sigma: f64, h: f64) -> f64 {
    weighted_sum(c, i, |x, z| {
        let rho = common::dist(x, z) - h;
        sigma.powi(-3) + 3.0 / (sigma * sigma * rho) + 3.0 / (sigma * rho * rho)
    })
}

/// Sliced kernel / sliced-sort: `1/(cP) Σ_p -|t_p + s ξ_pk|^r`, third
/// derivative `|ξ_pk|³ |r(r-1)(r-2)| |t|^{r-3}` per slice with
/// `|t| >= |t_p| - h |ξ_pk|` (zero for r = 1). Identical points are skipped:
/// their term is even in s, so its central difference is exactly zero, as
/// is its gradient (sign(0) = 0). Returns `None` if some distinct pair has
/// `|t_p| <= 2 h |ξ_pk|` (a kink inside the step).
fn sliced_third(c: &Case, dirs: &Directions, r: f64, i: usize, k: usize, h: f64) -> Option<f64> {
    let (n, m, d) = (c.n, c.m, c.d);
    let scale = 1.0 / (slicing_constant(d, r).unwrap() * dirs.len() as f64);
    let pts: Vec<&[f64]> = c.pooled().collect();
    let coef = (r * (r - 1.0) * (r - 2.0)).abs();
    let mut total = 0.0;
    for (p, vals) in projections(c, dirs).iter().enumerate() {
        let a = dirs.row(p)[k].abs();
        for z in 0..n + m {
            if z == i || pts[z] == pts[i] {
                continue;
            }
            let t = (vals[i] - vals[z]).abs();
            if t <= 2.0 * h * a + 1e-12 {
                return None;
            }
            let w = if z < n {
                2.0 / (n * n) as f64
            } else {
                2.0 / (n * m) as f64
            };
            if coef > 0.0 {
                total += w * scale * a.powi(3) * coef * (t - h * a).powf(r - 3.0);
            }
        }
    }
    Some(total)
}

fn grid_case(min_n: usize, max_n: usize, max_d: usize) -> impl Strategy<Value = Case> {
    separated_case_strategy(min_n, max_n, max_d, 0.2)
        .prop_map(|c| on_grid(&c))
        .prop_filter("separation", |c| c.min_distance() >= 0.1)
}

proptest! {
    #![proptest_config(common::proptest_config(64, "proptest-regressions/gradients.txt"))]

    #[test]
    fn naive_riesz(case in grid_case(1, 6, 3), r in prop_oneof![Just(0.5), Just(1.0), Just(1.5)]) {
        let k = Riesz::new(r).unwrap();
        let eps = pair_sum_error(&case, 1.01 * kernel_magnitude(&k, &case));
        let gmag = grad_magnitude(&k, &case);
        // h <= 0.05: distances stay >= 0.1 - 0.05
        check_fd(&Naive::new(k), &case, eps, &gmag, 0.05, |i, _, h| riesz_third(&case, i, r, h))?;
    }

    #[test]
    fn naive_gaussian(case in grid_case(1, 6, 3), sigma in 0.3f64..3.0) {
        let k = Gaussian::new(sigma).unwrap();
        let eps = pair_sum_error(&case, 1.01 * kernel_magnitude(&k, &case));
        let gmag = grad_magnitude(&k, &case);
        check_fd(&Naive::new(k), &case, eps, &gmag, 0.05, |i, _, _| gaussian_third(&case, i, sigma))?;
    }

    #[test]
    fn naive_laplace(case in grid_case(1, 6, 3), sigma in 0.3f64..3.0) {
        let k = Laplace::new(sigma).unwrap();
        let eps = pair_sum_error(&case, 1.01 * kernel_magnitude(&k, &case));
        let gmag = grad_magnitude(&k, &case);
        check_fd(&Naive::new(k), &case, eps, &gmag, 0.05, |i, _, h| laplace_third(&case, i, sigma, h))?;
    }

    /// The sliced kernel through the naive estimator (r = 1: piecewise
    /// linear, so the difference quotient is exact up to rounding; r = 1.5
    /// and 0.5: smooth between kinks).
    #[test]
    fn naive_sliced_kernel(
        case in grid_case(1, 6, 3),
        r in prop_oneof![Just(0.5), Just(1.0), Just(1.5)],
        p in 1usize..8,
        seed in any::<u64>(),
    ) {
        let dirs = Directions::iid(p, case.d, seed).unwrap();
        let k = SlicedKernel::new(Riesz::new(r).unwrap(), dirs.clone());
        let h_max = 1e-3;
        for i in 0..case.n {
            for kk in 0..case.d {
                prop_assume!(sliced_third(&case, &dirs, r, i, kk, h_max).is_some(), "kink");
            }
        }
        let eps = pair_sum_error(&case, 1.01 * kernel_magnitude(&k, &case));
        let gmag: Vec<f64> = sliced_grad_magnitude(&case, &dirs, r)
            .iter()
            .map(|g| g * (p as f64 + 1.0))
            .collect();
        check_fd(&Naive::new(k), &case, eps, &gmag, h_max, |i, kk, h| {
            sliced_third(&case, &dirs, r, i, kk, h).unwrap()
        })?;
    }

    /// Sliced-sort's gradient is the gradient of its own value. For r = 1
    /// the value is piecewise linear in each coordinate (linear between
    /// reorderings of the projections), so with no distinct projections
    /// within `2 h |ξ_pk|` of x_i's the difference quotient is exact up to
    /// rounding; duplicated points are allowed (the term of a tie is
    /// `|s ξ_pk|`, even in s: central difference 0 = sign(0)). Also r = 1.5
    /// (smooth between reorderings).
    ///
    /// ε for sliced-sort: the projections err by at most
    /// `δ = (d + 1) u (R + h)`, which moves a slice's value by at most 8δ
    /// (its Lipschitz constant, see `common::sliced_f32_tol`), and the sum
    /// of L gaps, each term at most `2 × range <= 4R` in total, adds
    /// `(L + P + 8) u 4R^r`-like rounding; divided by c.
    #[test]
    fn sliced_sort_matches_its_value(
        case in case_strategy(7, 3).prop_map(|c| on_grid(&c)),
        r in prop_oneof![Just(1.0), Just(1.5)],
        p in 1usize..8,
        seed in any::<u64>(),
    ) {
        prop_assume!(case.radius() > 0.0);
        let dirs = Directions::iid(p, case.d, seed).unwrap();
        let est = SlicedSort::from_directions(dirs.clone()).with_kernel(Riesz::new(r).unwrap());
        let h_max = 1e-4;
        for i in 0..case.n {
            for kk in 0..case.d {
                prop_assume!(sliced_third(&case, &dirs, r, i, kk, h_max).is_some(), "near-tie");
            }
        }
        let c = slicing_constant(case.d, r).unwrap();
        let big_r = case.radius() + h_max;
        let delta = (case.d as f64 + 1.0) * U64 * big_r;
        let lip = 8.0 * r * delta * (2.0 * big_r).powf(r - 1.0);
        let k = SlicedKernel::new(Riesz::new(r).unwrap(), dirs.clone());
        let sums = pair_sum_error(&case, 1.01 * kernel_magnitude(&k, &case));
        let eps = lip / c + sums;
        let gmag: Vec<f64> = sliced_grad_magnitude(&case, &dirs, r)
            .iter()
            .map(|g| g * (p as f64 + 1.0))
            .collect();
        check_fd(&est, &case, eps, &gmag, h_max, |i, kk, h| {
            sliced_third(&case, &dirs, r, i, kk, h).unwrap()
        })?;
    }
}

/// The gradient of a 1-D sample has shape (N, 1), and in d = 1 sliced-sort
/// and the exact estimator agree on it for a hand-computed case:
/// X = {0, 2}, Y = {1}: ∇_{x_1} V = 2/N² (-sign(0-2)) - 2/(NM) (-sign(0-1))
/// = 0.5 - 1 = -0.5; ∇_{x_2} = 2/4 (-1) - 1 (-1) = 0.5.
#[test]
fn one_dimensional_gradient_by_hand() {
    let x = [0.0f64, 2.0];
    let y = [1.0f64];
    let (px, py) = (
        sliced_mmd::Points::from_1d(&x).unwrap(),
        sliced_mmd::Points::from_1d(&y).unwrap(),
    );
    let (v, g) = Naive::new(Riesz::energy()).grad(&px, &py).unwrap();
    // V = 2 (1 + 1)/2 - (2 * 2)/4 - 0 = 2 - 1 = 1
    assert_eq!(v, 1.0);
    assert_eq!(g, vec![-0.5, 0.5]);
    let (vs, gs) = SlicedSort::new(3).unwrap().grad(&px, &py).unwrap();
    assert!((vs - 1.0).abs() <= 8.0 * U64);
    for (a, b) in gs.iter().zip(&g) {
        assert!((a - b).abs() <= 8.0 * U64, "{gs:?}");
    }
}
