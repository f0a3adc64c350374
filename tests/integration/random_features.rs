//! Random features against the exact (naive) estimator.
//!
//! Two kinds of checks: exact identities (the Fourier-feature estimate is
//! the MMD² of the kernel `1/D Σ cos<ω_k, x-y>`, to rounding), and
//! statistical ones whose tolerances come from the estimator's own
//! standard error.

use crate::common;

use common::{gaussian_case, Case};
use sliced_mmd::estimator::RandomFeatures;
use sliced_mmd::{
    AnyKernel, Directions, Estimator, Gaussian, Kernel, Laplace, MmdError, MmdEstimator, Naive,
    Riesz, SlicedSort, Statistic,
};

/// The kernel whose MMD² the Fourier features compute exactly.
struct FeatureKernel {
    w: Vec<f64>,
    d: usize,
}

impl Kernel<f64> for FeatureKernel {
    fn name(&self) -> &'static str {
        "features"
    }
    fn eval(&self, x: &[f64], y: &[f64]) -> f64 {
        let dd = self.w.len() / self.d;
        self.w
            .chunks_exact(self.d)
            .map(|w| {
                w.iter()
                    .zip(x.iter().zip(y))
                    .map(|(a, (p, q))| a * (p - q))
                    .sum::<f64>()
                    .cos()
            })
            .sum::<f64>()
            / dd as f64
    }
    fn grad_acc(&self, x: &[f64], y: &[f64], wt: f64, out: &mut [f64]) {
        let dd = self.w.len() / self.d;
        for w in self.w.chunks_exact(self.d) {
            let ph: f64 = w
                .iter()
                .zip(x.iter().zip(y))
                .map(|(a, (p, q))| a * (p - q))
                .sum();
            let c = -wt * ph.sin() / dd as f64;
            out.iter_mut().zip(w).for_each(|(o, a)| *o += c * a);
        }
    }
}

fn kernels() -> Vec<AnyKernel> {
    vec![
        Gaussian::new(1.3).unwrap().into(),
        Laplace::new(0.8).unwrap().into(),
    ]
}

/// Every term of the estimate is a bounded sum of `L²` products of values of
/// size at most 1 (cosines), so two f64 evaluations in different orders
/// differ by at most about `(L + d) u` per term; 1e-11 leaves room.
#[test]
fn fourier_estimate_is_the_mmd_of_the_feature_kernel() {
    let c = gaussian_case(30, 25, 3, 1);
    for k in kernels() {
        let rf = RandomFeatures::new(k.clone(), 50)
            .unwrap()
            .with_seed(4)
            .with_chunk_size(16);
        let w = rf.frequencies(c.d).unwrap();
        let naive = Naive::new(FeatureKernel { w, d: c.d });
        for stat in [Statistic::V, Statistic::U] {
            let a = rf.estimate(&c.px(), &c.py(), stat).unwrap().mmd2;
            let b = naive.estimate(&c.px(), &c.py(), stat).unwrap().mmd2;
            assert!((a - b).abs() < 1e-11, "{k:?} {stat:?}: {a} vs {b}");
        }
        let (va, ga) = rf.grad(&c.px(), &c.py()).unwrap();
        let (vb, gb) = naive.grad(&c.px(), &c.py()).unwrap();
        assert!((va - vb).abs() < 1e-11);
        let gmax = gb.iter().fold(0.0f64, |s, t| s.max(t.abs()));
        for (a, b) in ga.iter().zip(&gb) {
            assert!((a - b).abs() < 1e-10 * gmax.max(1e-3), "{k:?}: {a} vs {b}");
        }
    }
}

/// The features do not depend on the chunking or the thread count, and
/// come from the seed.
#[test]
fn reproducible_and_thread_independent() {
    let c = gaussian_case(40, 35, 4, 2);
    let mut all = kernels();
    all.push(Riesz::energy().into());
    for k in all {
        let rf = RandomFeatures::new(k.clone(), 70).unwrap().with_seed(9);
        let run = |rf: &RandomFeatures, t| {
            common::with_threads(t, || {
                let e = rf.estimate(&c.px(), &c.py(), Statistic::U).unwrap();
                let (v, g) = rf.grad(&c.px(), &c.py()).unwrap();
                (
                    e.mmd2.to_bits(),
                    e.std_error.map(f64::to_bits),
                    v.to_bits(),
                    common::bits(&g),
                )
            })
        };
        let one = run(&rf, 1);
        assert_eq!(one, run(&rf, 3), "{k:?}");
        // another chunking: the same features, sums in another order (the
        // gradient is summed over chunks), so equal to rounding
        let other = run(&rf.clone().with_chunk_size(7), 2);
        let close = |a: u64, b: u64| (f64::from_bits(a) - f64::from_bits(b)).abs() < 1e-13;
        assert!(close(one.0, other.0) && close(one.2, other.2), "{k:?}");
        let gmax = one
            .3
            .iter()
            .fold(0.0f64, |s, &b| s.max(f64::from_bits(b).abs()));
        for (&a, &b) in one.3.iter().zip(&other.3) {
            assert!(
                (f64::from_bits(a) - f64::from_bits(b)).abs() <= 1e-12 * gmax,
                "{k:?}"
            );
        }
        assert_ne!(one.0, run(&rf.clone().with_seed(10), 1).0, "{k:?}");
        // grad returns the V estimate
        let v = rf.mmd2(&c.px(), &c.py()).unwrap();
        assert_eq!(v.to_bits(), one.2, "{k:?}");
        // f32 data: the same features, projections rounded to f32
        let (x32, y32) = (c.px().cast::<f32>().unwrap(), c.py().cast::<f32>().unwrap());
        let v32 = rf.mmd2(&x32, &y32).unwrap();
        assert!(v32.is_finite() && v32 >= 0.0);
    }
}

/// The energy features' gradient is the sliced-sort gradient of the same
/// directions (the threshold integrated out exactly).
#[test]
fn energy_gradient_is_the_sliced_gradient_of_its_directions() {
    let c = gaussian_case(30, 20, 5, 3);
    let rf = RandomFeatures::new(Riesz::energy(), 40)
        .unwrap()
        .with_seed(2);
    let sliced = SlicedSort::from_directions(Directions::iid(40, 5, 2).unwrap());
    let (_, a) = rf.grad(&c.px(), &c.py()).unwrap();
    let (_, b) = sliced.grad(&c.px(), &c.py()).unwrap();
    assert_eq!(common::bits(&a), common::bits(&b));
}

/// `|estimate - exact| <= 5 se` for V and U, with the estimator's own
/// standard error (a 5-sigma bound: the terms are iid given the samples and
/// D is large enough for the central limit theorem).
fn check_unbiased(c: &Case, k: AnyKernel, features: usize, seeds: std::ops::Range<u64>) {
    let naive = Naive::new(k.clone());
    for stat in [Statistic::V, Statistic::U] {
        let exact = naive.estimate(&c.px(), &c.py(), stat).unwrap().mmd2;
        for seed in seeds.clone() {
            let rf = RandomFeatures::new(k.clone(), features)
                .unwrap()
                .with_seed(seed);
            let e = rf.estimate(&c.px(), &c.py(), stat).unwrap();
            let se = e.std_error.unwrap();
            assert!(
                (e.mmd2 - exact).abs() <= 5.0 * se,
                "{k:?} {stat:?} seed {seed}: {} vs {exact} (se {se})",
                e.mmd2
            );
        }
    }
}

#[test]
fn values_agree_with_naive_within_their_standard_error() {
    let mut c = gaussian_case(60, 50, 3, 4);
    // shift Y so that MMD² is well away from zero
    c = c.swapped();
    for k in [
        AnyKernel::from(Gaussian::new(1.0).unwrap()),
        Laplace::new(1.5).unwrap().into(),
        Riesz::energy().into(),
    ] {
        check_unbiased(&c, k, 2000, 0..3);
    }
}

#[test]
#[ignore = "expensive: many seeds and larger samples"]
fn values_agree_with_naive_over_many_seeds() {
    let c = gaussian_case(300, 250, 16, 5);
    for k in [
        AnyKernel::from(Gaussian::new(3.0).unwrap()),
        Laplace::new(4.0).unwrap().into(),
        Riesz::energy().into(),
    ] {
        check_unbiased(&c, k.clone(), 4000, 0..20);
        // the mean over 20 seeds: its standard error is the rms se / √20
        let exact = Naive::new(k.clone()).mmd2(&c.px(), &c.py()).unwrap();
        let (mut sum, mut se2) = (0.0, 0.0);
        for seed in 100..120 {
            let e = RandomFeatures::new(k.clone(), 1000)
                .unwrap()
                .with_seed(seed)
                .estimate(&c.px(), &c.py(), Statistic::V)
                .unwrap();
            sum += e.mmd2;
            se2 += e.std_error.unwrap().powi(2);
        }
        let (mean, se) = (sum / 20.0, (se2 / 20.0).sqrt() / 20f64.sqrt());
        assert!(
            (mean - exact).abs() <= 5.0 * se,
            "{k:?}: {mean} vs {exact} (se {se})"
        );
    }
}

/// The gradient is unbiased: over `K` seeds, `‖mean - exact‖² ≈ Σ_i s_i²/K`
/// (s_i² the sample variance of entry i); allowing 4 times that is a loose
/// bound for a sum of many roughly independent squared errors.
fn check_gradient_unbiased(c: &Case, k: AnyKernel, features: usize, seeds: u64) {
    let (_, exact) = Naive::new(k.clone()).grad(&c.px(), &c.py()).unwrap();
    let nd = exact.len();
    let draws: Vec<Vec<f64>> = (0..seeds)
        .map(|s| {
            RandomFeatures::new(k.clone(), features)
                .unwrap()
                .with_seed(s)
                .grad(&c.px(), &c.py())
                .unwrap()
                .1
        })
        .collect();
    let kf = seeds as f64;
    let mean: Vec<f64> = (0..nd)
        .map(|i| draws.iter().map(|g| g[i]).sum::<f64>() / kf)
        .collect();
    let var: f64 = (0..nd)
        .map(|i| draws.iter().map(|g| (g[i] - mean[i]).powi(2)).sum::<f64>() / (kf - 1.0))
        .sum();
    let err2: f64 = mean.iter().zip(&exact).map(|(a, b)| (a - b).powi(2)).sum();
    assert!(err2 <= 4.0 * var / kf, "{k:?}: {err2} vs {}", var / kf);
}

#[test]
fn gradients_are_unbiased() {
    let c = gaussian_case(25, 20, 3, 6).swapped();
    for k in [
        AnyKernel::from(Gaussian::new(1.0).unwrap()),
        Laplace::new(1.0).unwrap().into(),
        Riesz::energy().into(),
    ] {
        check_gradient_unbiased(&c, k, 200, 24);
    }
}

/// The Laplace frequencies are multivariate Cauchy: `E cos<ω, z> =
/// exp(-‖z‖/σ)` for every z (the characteristic function of the
/// multivariate t with one degree of freedom). 5 standard errors of the
/// mean of D cosines.
#[test]
fn laplace_frequencies_have_the_laplace_characteristic_function() {
    let (d, sigma, big_d) = (5, 0.7, 20000);
    let rf = RandomFeatures::new(Laplace::new(sigma).unwrap(), big_d)
        .unwrap()
        .with_seed(1);
    let w = rf.frequencies(d).unwrap();
    for z in [
        [0.3, 0.0, 0.0, 0.0, 0.0],
        [0.2, -0.4, 0.1, 0.5, 0.3],
        [1.0, 1.0, 0.0, -1.0, 0.5],
    ] {
        let vals: Vec<f64> = w
            .chunks_exact(d)
            .map(|o| o.iter().zip(&z).map(|(a, b)| a * b).sum::<f64>().cos())
            .collect();
        let mean = vals.iter().sum::<f64>() / big_d as f64;
        let var = vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (big_d as f64 - 1.0);
        let want = (-z.iter().map(|v| v * v).sum::<f64>().sqrt() / sigma).exp();
        assert!(
            (mean - want).abs() <= 5.0 * (var / big_d as f64).sqrt(),
            "z = {z:?}: {mean} vs {want}"
        );
    }
}

#[test]
fn invalid_configurations_are_errors() {
    assert_eq!(
        RandomFeatures::new(Gaussian::new(1.0).unwrap(), 0),
        Err(MmdError::InvalidCount {
            what: "number of features D",
            value: 0,
            min: 1
        })
    );
    assert!(matches!(
        RandomFeatures::new(Riesz::new(0.5).unwrap(), 10),
        Err(MmdError::Unsupported { .. })
    ));
    let rf = RandomFeatures::new(Riesz::energy(), 10).unwrap();
    assert!(matches!(
        rf.frequencies(3),
        Err(MmdError::Unsupported { .. })
    ));
    let c = gaussian_case(1, 5, 2, 1);
    assert!(matches!(
        rf.estimate(&c.px(), &c.py(), Statistic::U),
        Err(MmdError::TooFewForUnbiased { .. })
    ));
    let mut buf = vec![0.0; 3];
    assert!(matches!(
        rf.grad_into(&c.px(), &c.py(), &mut buf),
        Err(MmdError::BufferLength { .. })
    ));
}

#[test]
fn auto_uses_features_for_smooth_kernels_on_large_samples() {
    let sliced = SlicedSort::new(10).unwrap().with_seed(4);
    let k: AnyKernel = Gaussian::new(1.0).unwrap().into();
    match Estimator::auto(k.clone(), 20000, 1, sliced.clone()) {
        Estimator::Features(f) => {
            assert_eq!(
                f,
                RandomFeatures::new(k.clone(), sliced_mmd::estimator::DEFAULT_FEATURES)
                    .unwrap()
                    .with_seed(4)
            );
            assert_eq!(
                MmdEstimator::<f64>::name(&Estimator::Features(f)),
                "features"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Estimator::auto(k, 100, 100, sliced),
        Estimator::Naive(_)
    ));
}
