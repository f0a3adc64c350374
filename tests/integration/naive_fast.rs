//! The exact estimator's fast loop for the energy kernel (Riesz, r = 1)
//! against a plain `f64` pair loop written here.
//!
//! # Tolerances
//! The fast loop computes in `f64` lanes for both data types (`f32` data are
//! widened exactly). With `u = 2^-53` it forms each difference with relative error `u`,
//! sums `d` squares (`(d + 1) u`, fused multiply-add), takes the square
//! root (halves it, adds `u`): each distance is within `(d/2 + 2) u` of exact.
//! Each lane then adds at most 16 distances in the data type (`15 u`) before
//! everything else is summed in `f64`. So each of the three pair sums is
//! within `(d/2 + 17) u` relatively, and the V- or U-statistic, a signed
//! combination of them, within `(d/2 + 17) u B`, where `B` is the same
//! combination with all signs positive. The reference itself sums up to
//! `(N+M)²` terms one after another in `f64`, adding up to `(N+M)² 2^-53`
//! relatively. The tests allow twice the sum of both.
//!
//! A gradient component is `-(wxx Σ_k u_ik + wxy Σ_j u_ij)` with unit-vector
//! components `|u| <= 1`: each term is within `(d/2 + 4) u` absolutely, and a
//! lane adds 16 of them (`16 u` per term at most), so a component is within
//! `(d/2 + 20) u (|wxx| N + |wxy| M) = (d/2 + 20) u 4/N`, plus `u_F |g|` for
//! the rounding of the result to the data type (`u_F = 2^-24` for `f32`). Again the tests allow twice
//! that (plus the reference's own summation error).
//!
//! With `Arithmetic::DataType`, `f32` data go through `f32` lanes: the same
//! bounds hold with the lane unit `u = 2^-24` in place of `2^-53` (the
//! scaled data keep every square a normal `f32` number, see the estimator's
//! docs); `f64` data are unchanged.

use sliced_mmd::{Arithmetic, Float, MmdEstimator, Naive, Points, Riesz, Statistic};

/// A small deterministic generator of values in `[-1, 1) + shift`.
fn sample(n: usize, d: usize, seed: u64, shift: f64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n * d)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0 + shift
        })
        .collect()
}

/// Plain `f64` reference: `(V, U, B_V, B_U, gradient of V)`, where `B` is
/// the statistic with every pair sum taken with a positive sign.
struct Reference {
    v: f64,
    u: f64,
    bv: f64,
    bu: f64,
    grad: Vec<f64>,
}

fn reference(x: &[f64], n: usize, y: &[f64], m: usize, d: usize) -> Reference {
    // Scale by a power of two (exact) so that squares neither overflow nor
    // underflow for the huge and tiny data below.
    let hi = x.iter().chain(y).fold(0.0f64, |a, &v| a.max(v.abs()));
    let e = if hi > 0.0 {
        hi.log2().floor() as i32
    } else {
        0
    };
    let s = 2f64.powi(-e);
    let dist = |a: &[f64], b: &[f64]| -> f64 {
        a.iter()
            .zip(b)
            .map(|(p, q)| {
                let t = p * s - q * s;
                t * t
            })
            .sum::<f64>()
            .sqrt()
            / s
    };
    let row = |a: &[f64], i: usize| a[i * d..(i + 1) * d].to_vec();
    let mut sxx = 0.0;
    for i in 0..n {
        for k in 0..n {
            sxx += dist(&row(x, i), &row(x, k));
        }
    }
    let mut syy = 0.0;
    for i in 0..m {
        for k in 0..m {
            syy += dist(&row(y, i), &row(y, k));
        }
    }
    let mut sxy = 0.0;
    for i in 0..n {
        for j in 0..m {
            sxy += dist(&row(x, i), &row(y, j));
        }
    }
    let (nf, mf) = (n as f64, m as f64);
    let v = 2.0 * sxy / (nf * mf) - sxx / (nf * nf) - syy / (mf * mf);
    let bv = 2.0 * sxy / (nf * mf) + sxx / (nf * nf) + syy / (mf * mf);
    let (u, bu) = if n >= 2 && m >= 2 {
        let a = sxx / (nf * (nf - 1.0)) + syy / (mf * (mf - 1.0));
        (2.0 * sxy / (nf * mf) - a, 2.0 * sxy / (nf * mf) + a)
    } else {
        (f64::NAN, f64::NAN)
    };
    // ∇_{x_i} V = -2/N² Σ_k u(x_i - x_k) + 2/(NM) Σ_j u(x_i - y_j).
    let mut grad = vec![0.0; n * d];
    for i in 0..n {
        let xi = row(x, i);
        for (other, cnt, w) in [(x, n, -2.0 / (nf * nf)), (y, m, 2.0 / (nf * mf))] {
            for j in 0..cnt {
                let oj = row(other, j);
                let t = dist(&xi, &oj);
                if t > 0.0 {
                    for k in 0..d {
                        grad[i * d + k] += w * (xi[k] - oj[k]) / t;
                    }
                }
            }
        }
    }
    Reference { v, u, bv, bu, grad }
}

fn unit<F: Float>() -> f64 {
    F::epsilon().as_f64() / 2.0
}

/// The unit roundoff of the lanes for data of type `F` under `arith`.
fn lane_unit<F: Float>(arith: Arithmetic) -> f64 {
    match arith {
        Arithmetic::DataType => unit::<F>(),
        _ => 2f64.powi(-53),
    }
}

fn check<F: Float>(xs: &[f64], n: usize, ys: &[f64], m: usize, d: usize) {
    check_with::<F>(xs, n, ys, m, d, Arithmetic::F64);
    check_with::<F>(xs, n, ys, m, d, Arithmetic::DataType);
}

fn check_with<F: Float>(xs: &[f64], n: usize, ys: &[f64], m: usize, d: usize, arith: Arithmetic) {
    let xf: Vec<F> = xs.iter().map(|&v| F::from_f64(v)).collect();
    let yf: Vec<F> = ys.iter().map(|&v| F::from_f64(v)).collect();
    // The reference sees exactly the data the estimator sees.
    let x64: Vec<f64> = xf.iter().map(|v| v.as_f64()).collect();
    let y64: Vec<f64> = yf.iter().map(|v| v.as_f64()).collect();
    let r = reference(&x64, n, &y64, m, d);
    let x = Points::new(&xf, n, d).unwrap();
    let y = Points::new(&yf, m, d).unwrap();
    let est = Naive::new(Riesz::energy()).with_arithmetic(arith);
    let u = lane_unit::<F>(arith);
    let own = (d as f64 / 2.0 + 17.0) * u;
    let refsum = ((n + m) * (n + m)) as f64 * 2f64.powi(-53);
    let ctx = format!("{} {arith:?} n={n} m={m} d={d}", F::NAME);

    let v = est.estimate(&x, &y, Statistic::V).unwrap().mmd2;
    let tol = 2.0 * (own + refsum) * r.bv;
    assert!(
        (v - r.v).abs() <= tol,
        "{ctx}: V {v} vs {} (tol {tol})",
        r.v
    );
    if n >= 2 && m >= 2 {
        let uu = est.estimate(&x, &y, Statistic::U).unwrap().mmd2;
        let tol = 2.0 * (own + refsum) * r.bu;
        assert!(
            (uu - r.u).abs() <= tol,
            "{ctx}: U {uu} vs {} (tol {tol})",
            r.u
        );
    }

    let (vg, g) = est.grad(&x, &y).unwrap();
    let tol = 2.0 * (own + refsum) * r.bv;
    assert!(
        (vg - r.v).abs() <= tol,
        "{ctx}: V from grad {vg} vs {}",
        r.v
    );
    let gtol = 2.0 * ((d as f64 / 2.0 + 20.0) * u + refsum) * 4.0 / n as f64;
    for (k, (&a, &b)) in g.iter().zip(&r.grad).enumerate() {
        let a = a.as_f64();
        assert!(a.is_finite(), "{ctx}: gradient {k} not finite");
        let t = gtol + 2.0 * unit::<F>() * b.abs();
        assert!(
            (a - b).abs() <= t,
            "{ctx}: gradient {k}: {a} vs {b} (tol {t})"
        );
    }
}

#[test]
fn matches_the_f64_pair_loop_across_shapes() {
    for &(n, m, d) in &[
        (1, 1, 1),
        (2, 3, 1),
        (50, 37, 1),
        (130, 70, 16),
        (65, 300, 37),
        (257, 3, 5),
    ] {
        let xs = sample(n, d, 1, 0.0);
        let ys = sample(m, d, 2, 0.4);
        check::<f32>(&xs, n, &ys, m, d);
        check::<f64>(&xs, n, &ys, m, d);
    }
}

#[test]
fn ties_give_zero_gradient_terms_and_no_nan() {
    let d = 3;
    let base = sample(10, d, 5, 0.0);
    // X: each of 10 points three times; Y: X's first 5 points and 7 new ones.
    let mut xs = Vec::new();
    for _ in 0..3 {
        xs.extend_from_slice(&base);
    }
    let mut ys = base[..5 * d].to_vec();
    ys.extend(sample(7, d, 6, 0.2));
    check::<f32>(&xs, 30, &ys, 12, d);
    check::<f64>(&xs, 30, &ys, 12, d);
    // Identical samples: MMD² and the gradient are exactly zero.
    let x = Points::new(&xs, 30, d).unwrap();
    let (v, g) = Naive::new(Riesz::energy()).grad(&x, &x).unwrap();
    assert_eq!(v, 0.0);
    assert!(g.iter().all(|&c| c.abs() < 1e-12), "{g:?}");
}

#[test]
fn huge_and_tiny_scales() {
    let (n, m, d) = (40, 33, 16);
    // 1e20: squares overflow f32; 1e30 and 1e-30: far outside f32's square
    // range either way; 1e-20: squares underflow f32.
    for &a in &[1e30, 1e20, 1.0, 1e-20, 1e-30] {
        let xs: Vec<f64> = sample(n, d, 7, 0.0).iter().map(|v| v * a).collect();
        let ys: Vec<f64> = sample(m, d, 8, 0.5).iter().map(|v| v * a).collect();
        check::<f32>(&xs, n, &ys, m, d);
        check::<f64>(&xs, n, &ys, m, d);
    }
    // f64 beyond the square range of f64.
    for &a in &[1e200, 1e-200] {
        let xs: Vec<f64> = sample(n, d, 9, 0.0).iter().map(|v| v * a).collect();
        let ys: Vec<f64> = sample(m, d, 10, 0.5).iter().map(|v| v * a).collect();
        check::<f64>(&xs, n, &ys, m, d);
    }
    // Magnitudes from 1e-30 to 1e30 in one sample: the generic loop.
    let mut xs = sample(n, d, 11, 0.0);
    xs[0] = 1e30;
    xs[1] = 1e-30;
    let ys = sample(m, d, 12, 0.5);
    check::<f32>(&xs, n, &ys, m, d);
    check::<f64>(&xs, n, &ys, m, d);
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

fn same_bits<F: Float>(arith: Arithmetic) {
    let (n, m, d) = (333, 270, 16);
    let xs: Vec<F> = sample(n, d, 13, 0.0).into_iter().map(F::from_f64).collect();
    let ys: Vec<F> = sample(m, d, 14, 0.3).into_iter().map(F::from_f64).collect();
    let x = Points::new(&xs, n, d).unwrap();
    let y = Points::new(&ys, m, d).unwrap();
    let est = Naive::new(Riesz::energy()).with_arithmetic(arith);
    let run = || {
        (
            est.estimate(&x, &y, Statistic::V).unwrap().mmd2,
            est.estimate(&x, &y, Statistic::U).unwrap().mmd2,
            est.grad(&x, &y).unwrap(),
        )
    };
    let one = in_pool(1, run);
    for threads in [2, 3] {
        let other = in_pool(threads, run);
        assert_eq!(one.0.to_bits(), other.0.to_bits(), "{threads} threads");
        assert_eq!(one.1.to_bits(), other.1.to_bits(), "{threads} threads");
        assert_eq!(
            one.2 .0.to_bits(),
            other.2 .0.to_bits(),
            "{threads} threads"
        );
        assert!(one.2 .1 == other.2 .1, "{threads} threads");
    }
}

#[test]
fn same_bits_whatever_the_thread_count() {
    for arith in [Arithmetic::F64, Arithmetic::DataType] {
        same_bits::<f32>(arith);
        same_bits::<f64>(arith);
    }
}

#[test]
fn data_type_arithmetic_computes_f32_data_in_f32_only() {
    let (n, m, d) = (130, 70, 16);
    let xs = sample(n, d, 15, 0.0);
    let ys = sample(m, d, 16, 0.3);
    let run = |arith: Arithmetic, f32_data: bool| -> (f64, Vec<f64>) {
        let est = Naive::new(Riesz::energy()).with_arithmetic(arith);
        if f32_data {
            let (xf, yf): (Vec<f32>, Vec<f32>) = (
                xs.iter().map(|&v| v as f32).collect(),
                ys.iter().map(|&v| v as f32).collect(),
            );
            let (x, y) = (
                Points::new(&xf, n, d).unwrap(),
                Points::new(&yf, m, d).unwrap(),
            );
            let (v, g) = est.grad(&x, &y).unwrap();
            (v, g.iter().map(|&c| c as f64).collect())
        } else {
            let (x, y) = (
                Points::new(&xs, n, d).unwrap(),
                Points::new(&ys, m, d).unwrap(),
            );
            est.grad(&x, &y).unwrap()
        }
    };
    // f64 data: the option changes nothing, to the bit.
    let (a, b) = (
        run(Arithmetic::F64, false),
        run(Arithmetic::DataType, false),
    );
    assert_eq!(a.0.to_bits(), b.0.to_bits());
    assert_eq!(a.1, b.1);
    // f32 data: f32 lanes round differently from f64 lanes (the bounds of
    // `matches_the_f64_pair_loop_across_shapes` hold for both).
    let (a, b) = (run(Arithmetic::F64, true), run(Arithmetic::DataType, true));
    assert_ne!(a.0.to_bits(), b.0.to_bits());
    assert_ne!(a.1, b.1);
    assert_eq!(Naive::new(Riesz::energy()).arithmetic(), Arithmetic::F64);
}
