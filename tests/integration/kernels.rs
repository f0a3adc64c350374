//! Kernels: the shared contract (`check_kernel`) for every kernel, closed-form
//! values, the sliced kernel's special cases, and the slicing theorem at the
//! level of a single pair of points.

use crate::common;

use common::{gaussian_case, kernel_contract, rng, tied_case, Case, Definiteness, U64};
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::kernel::median_heuristic;
use sliced_mmd::special::slicing_constant;
use sliced_mmd::{AnyKernel, Directions, Gaussian, Kernel, Laplace, Points, Riesz, SlicedKernel};

fn riesz(r: f64) -> Riesz {
    Riesz::new(r).unwrap()
}

fn sliced(r: f64, p: usize, d: usize, seed: u64) -> SlicedKernel {
    SlicedKernel::new(riesz(r), Directions::iid(p, d, seed).unwrap())
}

fn small() -> Case {
    gaussian_case(14, 11, 3, 1)
}

fn ties() -> Case {
    tied_case(15, 12, 2, 2)
}

kernel_contract! {
    riesz_03 => riesz(0.3), small(), Definiteness::Conditional;
    riesz_1 => Riesz::energy(), small(), Definiteness::Conditional;
    riesz_17 => riesz(1.7), small(), Definiteness::Conditional;
    riesz_1_ties => Riesz::energy(), ties(), Definiteness::Conditional;
    riesz_05_ties => riesz(0.5), ties(), Definiteness::Conditional;
    gaussian => Gaussian::new(1.3).unwrap(), small(), Definiteness::Positive;
    gaussian_narrow_ties => Gaussian::new(0.2).unwrap(), ties(), Definiteness::Positive;
    laplace => Laplace::new(0.7).unwrap(), small(), Definiteness::Positive;
    laplace_ties => Laplace::new(2.0).unwrap(), ties(), Definiteness::Positive;
    sliced_1 => sliced(1.0, 16, 3, 5), small(), Definiteness::Conditional;
    sliced_05 => sliced(0.5, 16, 3, 6), small(), Definiteness::Conditional;
    sliced_15_ties => sliced(1.5, 16, 2, 7), ties(), Definiteness::Conditional;
    any_riesz => AnyKernel::from(riesz(0.8)), small(), Definiteness::Conditional;
    any_gaussian => AnyKernel::from(Gaussian::new(1.0).unwrap()), ties(), Definiteness::Positive;
    any_laplace => AnyKernel::from(Laplace::new(1.0).unwrap()), small(), Definiteness::Positive;
    any_sliced => AnyKernel::from(sliced(1.0, 8, 2, 8)), ties(), Definiteness::Conditional;
}

fn ev<K: Kernel<f64>>(k: &K, x: &[f64], y: &[f64]) -> f64 {
    k.eval(x, y)
}

fn grad<K: Kernel<f64>>(k: &K, x: &[f64], y: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; x.len()];
    k.grad_acc(x, y, 1.0, &mut g);
    g
}

#[test]
fn closed_form_values() {
    // |(3,4)| = 5: every value below is a few correctly rounded operations
    // away from the exact number, hence the 4u relative tolerances.
    let (o, p) = ([0.0, 0.0], [3.0, 4.0]);
    assert_eq!(ev(&Riesz::energy(), &o, &p), -5.0);
    let v = ev(&riesz(0.5), &o, &p);
    assert!((v + 5f64.sqrt()).abs() <= 4.0 * U64 * 5f64.sqrt());
    let v = ev(&riesz(1.5), &o, &p);
    assert!((v + 125f64.sqrt()).abs() <= 4.0 * U64 * 125f64.sqrt());
    let v = ev(&Gaussian::new(2.0).unwrap(), &o, &p);
    let want = (-25.0f64 / 8.0).exp();
    assert!((v - want).abs() <= 4.0 * U64 * want);
    let v = ev(&Laplace::new(2.0).unwrap(), &o, &p);
    let want = (-2.5f64).exp();
    assert!((v - want).abs() <= 4.0 * U64 * want);
    // K(x, x): Riesz 0, Gaussian and Laplace 1
    assert_eq!(ev(&riesz(0.7), &p, &p), 0.0);
    assert_eq!(ev(&Gaussian::new(0.1).unwrap(), &p, &p), 1.0);
    assert_eq!(ev(&Laplace::new(0.1).unwrap(), &p, &p), 1.0);
}

#[test]
fn closed_form_gradients() {
    let (x, y) = ([3.0, 4.0], [0.0, 0.0]);
    // ∇_x -‖x-y‖ = -(x-y)/‖x-y‖
    let g = grad(&Riesz::energy(), &x, &y);
    assert!((g[0] + 0.6).abs() <= 4.0 * U64 && (g[1] + 0.8).abs() <= 4.0 * U64);
    // ∇_x -‖x-y‖^r = -r ‖x-y‖^{r-2} (x-y): r = 1.5 gives -1.5 / sqrt(5) (3, 4)
    let g = grad(&riesz(1.5), &x, &y);
    let c = -1.5 / 5f64.sqrt();
    assert!((g[0] - 3.0 * c).abs() <= 8.0 * U64 * 3.0 * c.abs());
    assert!((g[1] - 4.0 * c).abs() <= 8.0 * U64 * 4.0 * c.abs());
    // Gaussian σ = 5: -K (x-y)/σ² with K = exp(-1/2)
    let g = grad(&Gaussian::new(5.0).unwrap(), &x, &y);
    let k = (-0.5f64).exp();
    assert!((g[0] + k * 3.0 / 25.0).abs() <= 8.0 * U64 * k);
    // Laplace σ = 5: -K (x-y)/(σ‖x-y‖), K = exp(-1)
    let g = grad(&Laplace::new(5.0).unwrap(), &x, &y);
    let k = (-1.0f64).exp();
    assert!((g[1] + k * 4.0 / 25.0).abs() <= 8.0 * U64 * k);
}

#[test]
fn accessors_and_defaults() {
    assert_eq!(Riesz::energy(), riesz(1.0));
    assert_eq!(Riesz::default(), Riesz::energy());
    assert_eq!(riesz(0.25).r(), 0.25);
    assert_eq!(Gaussian::new(1.5).unwrap().sigma(), 1.5);
    assert_eq!(Laplace::new(0.5).unwrap().sigma(), 0.5);
    let k = sliced(0.5, 7, 4, 1);
    assert_eq!(k.base(), riesz(0.5));
    assert_eq!(k.directions(), &Directions::iid(7, 4, 1).unwrap());
    assert_eq!(Kernel::<f64>::name(&k), "sliced");
    assert_eq!(Kernel::<f64>::name(&Riesz::energy()), "riesz");
    assert_eq!(
        Kernel::<f64>::name(&Gaussian::new(1.0).unwrap()),
        "gaussian"
    );
    assert_eq!(Kernel::<f64>::name(&Laplace::new(1.0).unwrap()), "laplace");
    assert_eq!(
        Kernel::<f64>::name(&AnyKernel::from(Laplace::new(1.0).unwrap())),
        "laplace"
    );
}

/// `AnyKernel` dispatches: the same bits as the kernel it wraps.
#[test]
fn any_kernel_is_its_inner_kernel() {
    let c = gaussian_case(6, 5, 3, 3);
    let inner: Vec<AnyKernel> = vec![
        riesz(0.6).into(),
        Gaussian::new(0.9).unwrap().into(),
        Laplace::new(1.1).unwrap().into(),
        sliced(1.0, 5, 3, 2).into(),
    ];
    for any in &inner {
        for x in c.x.chunks(3) {
            for y in c.y.chunks(3) {
                let (a, ga) = (ev(any, x, y), grad(any, x, y));
                let (b, gb) = match any {
                    AnyKernel::Riesz(k) => (ev(k, x, y), grad(k, x, y)),
                    AnyKernel::Gaussian(k) => (ev(k, x, y), grad(k, x, y)),
                    AnyKernel::Laplace(k) => (ev(k, x, y), grad(k, x, y)),
                    AnyKernel::Sliced(k) => (ev(k, x, y), grad(k, x, y)),
                    _ => unreachable!(),
                };
                assert_eq!(a.to_bits(), b.to_bits());
                assert_eq!(common::bits(&ga), common::bits(&gb));
            }
        }
    }
}

/// In d = 1 the directions are ±1 and c_{1,r} = 1: the sliced kernel is
/// the Riesz kernel. The only difference is the rounding of c_{1,r}
/// (computed through log-Gamma) and of the mean over directions: a few u.
#[test]
fn sliced_kernel_in_one_dimension_is_riesz() {
    let dirs = Directions::new(vec![1.0, -1.0, -1.0], 3, 1).unwrap();
    for r in [0.2, 0.5, 1.0, 1.5, 1.9] {
        let k = SlicedKernel::new(riesz(r), dirs.clone());
        for (s, t) in [(0.5, 3.0), (-2.0, 7.25), (1.0, 1.0), (-0.0, 0.0)] {
            let a = ev(&k, &[s], &[t]);
            let b = ev(&riesz(r), &[s], &[t]);
            assert!((a - b).abs() <= 16.0 * U64 * b.abs(), "r = {r}: {a} vs {b}");
            let (ga, gb) = (grad(&k, &[s], &[t]), grad(&riesz(r), &[s], &[t]));
            assert!((ga[0] - gb[0]).abs() <= 16.0 * U64 * gb[0].abs());
        }
    }
}

/// With the coordinate axes as directions the sliced energy kernel is the
/// scaled ℓ1 distance: `K(x,y) = -1/(c_{d,1} d) Σ_k |x_k - y_k|`, and its
/// gradient is `-1/(c d) sign(x - y)` entrywise.
#[test]
fn sliced_kernel_on_coordinate_axes_is_l1() {
    let d = 4;
    let mut axes = vec![0.0; d * d];
    for k in 0..d {
        axes[k * d + k] = 1.0;
    }
    let k = SlicedKernel::new(Riesz::energy(), Directions::new(axes, d, d).unwrap());
    let c = slicing_constant(d, 1.0).unwrap();
    let (x, y) = ([1.0, -2.0, 0.5, 3.0], [0.0, 1.0, 0.5, -1.0]);
    let l1 = 1.0 + 3.0 + 0.0 + 4.0;
    let want = -l1 / (c * d as f64);
    assert!((ev(&k, &x, &y) - want).abs() <= 16.0 * U64 * want.abs());
    let g = grad(&k, &x, &y);
    let unit = 1.0 / (c * d as f64);
    let want_g = [-unit, unit, 0.0, -unit];
    for (a, b) in g.iter().zip(want_g) {
        assert!((a - b).abs() <= 8.0 * U64 * unit, "{g:?} vs {want_g:?}");
    }
}

/// The slicing theorem for one pair: with P iid uniform directions,
/// `K_ξ(x, y) = 1/(c P) Σ_p -|<ξ_p, x - y>|^r` is the mean of P iid terms
/// with expectation `-‖x - y‖^r`. Its standard error is estimated from the
/// same P terms; a correct kernel lands within 4 of them except with
/// probability ~6e-5 (normal approximation, P = 20000 makes the mean of
/// these bounded terms very nearly normal).
#[test]
fn sliced_kernel_tends_to_riesz() {
    let (p, d) = (20_000, 5);
    let mut r0 = rng(11);
    let x: Vec<f64> = (0..d).map(|_| StandardNormal.sample(&mut r0)).collect();
    let y: Vec<f64> = (0..d).map(|_| StandardNormal.sample(&mut r0)).collect();
    for (r, seed) in [(0.5, 1u64), (1.0, 2), (1.5, 3)] {
        let dirs = Directions::iid(p, d, seed).unwrap();
        let c = slicing_constant(d, r).unwrap();
        let terms: Vec<f64> = (0..p)
            .map(|i| {
                let xi = dirs.row(i);
                let t: f64 = xi
                    .iter()
                    .zip(x.iter().zip(&y))
                    .map(|(a, (s, t))| a * (s - t))
                    .sum();
                -t.abs().powf(r) / c
            })
            .collect();
        let mean = terms.iter().sum::<f64>() / p as f64;
        let var = terms.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (p - 1) as f64;
        let se = (var / p as f64).sqrt();
        let k = SlicedKernel::new(riesz(r), dirs);
        let got = ev(&k, &x, &y);
        // the kernel computes the same mean (up to rounding)
        assert!((got - mean).abs() <= 1e-12 * mean.abs(), "{got} vs {mean}");
        let exact = ev(&riesz(r), &x, &y);
        assert!(
            (got - exact).abs() <= 4.0 * se,
            "r = {r}: sliced {got} vs exact {exact}, se {se}"
        );
    }
}

#[test]
fn sliced_kernel_refuses_other_dimensions() {
    let k = sliced(1.0, 4, 3, 0);
    assert!(Kernel::<f64>::check_dim(&k, 3).is_ok());
    assert_eq!(
        Kernel::<f64>::check_dim(&k, 2),
        Err(sliced_mmd::MmdError::DirectionDimension {
            directions_d: 3,
            data_d: 2
        })
    );
    assert!(Kernel::<f64>::check_dim(&Riesz::energy(), 17).is_ok());
}

#[test]
fn median_heuristic_values() {
    // pooled {0, 1, 3}: distances 1, 2, 3, median 2 (the doc example)
    let x = Points::from_1d(&[0.0f64, 1.0]).unwrap();
    let y = Points::from_1d(&[3.0f64]).unwrap();
    assert_eq!(median_heuristic(&x, &y, 0).unwrap(), 2.0);
    // pooled {0, 1, 3, 7}: distances 1,2,3,4,6,7: even count, mean of 3 and 4
    let x = Points::from_1d(&[0.0f64, 1.0]).unwrap();
    let y = Points::from_1d(&[3.0f64, 7.0]).unwrap();
    assert_eq!(median_heuristic(&x, &y, 0).unwrap(), 3.5);
    // many ties: median 0, so the smallest positive distance
    let x = Points::from_1d(&[1.0f64, 1.0, 1.0, 1.0]).unwrap();
    let y = Points::from_1d(&[1.0f64, 2.5]).unwrap();
    assert_eq!(median_heuristic(&x, &y, 0).unwrap(), 1.5);
    // all points equal: 1
    let x = Points::from_1d(&[4.0f64, 4.0]).unwrap();
    assert_eq!(median_heuristic(&x, &x, 0).unwrap(), 1.0);
    // one point in each sample, coincident: 1; distinct: their distance
    let a = Points::from_1d(&[4.0f64]).unwrap();
    let b = Points::from_1d(&[6.0f64]).unwrap();
    assert_eq!(median_heuristic(&a, &b, 0).unwrap(), 2.0);
}

/// Above 1000 pooled points the heuristic subsamples: seeded (same seed,
/// same bits) and still a plausible bandwidth: for standard normal data in
/// d = 2 the median pairwise distance is sqrt(2 * 2 ln 2) = 1.665 (the
/// distance of two points is sqrt(2) times a Rayleigh variable). With
/// ~5e5 pairs from 1000 points the sample median is within a few percent;
/// 10% is far outside its sampling error.
#[test]
fn median_heuristic_subsample_is_seeded() {
    let c = gaussian_case(900, 900, 2, 4);
    let x = c.px();
    let a = median_heuristic(&x, &x, 3).unwrap();
    assert_eq!(a.to_bits(), median_heuristic(&x, &x, 3).unwrap().to_bits());
    let want = (4.0 * 2f64.ln()).sqrt();
    assert!((a - want).abs() <= 0.1 * want, "{a} vs {want}");
}

#[test]
fn kernels_on_f32_data_compute_in_f64() {
    // Two points whose difference 2^-23 is exact in f32 but whose squared
    // difference 2^-46 and its powers are computed in f64: the f32 and f64
    // paths give the same bits, and the value is the exact power.
    let x32 = [1.0f32 + f32::EPSILON, 3.0];
    let y32 = [1.0f32, 3.0];
    let (x64, y64) = ([x32[0] as f64, 3.0], [1.0, 3.0]);
    for k in [
        AnyKernel::from(riesz(0.5)),
        Gaussian::new(1e-7).unwrap().into(),
    ] {
        let a = Kernel::<f32>::eval(&k, &x32, &y32);
        let b = Kernel::<f64>::eval(&k, &x64, &y64);
        assert_eq!(a.to_bits(), b.to_bits());
    }
    // |Δ|^0.5 with Δ = 2^-23: exactly 2^-11.5, not an f32 computation
    let v = Kernel::<f32>::eval(&riesz(0.5), &x32, &y32);
    let want = -(f32::EPSILON as f64).sqrt();
    assert!((v - want).abs() <= 2.0 * U64 * want.abs());
}
