//! Permutation tests: fast paths against the plain path on the same
//! permutations, the p-value and the null statistics against the exact
//! permutation distribution of a tiny sample, thread independence, bad
//! input, power and calibration under the null.
//!
//! Rounding tolerances: the paths sum the same terms in different orders.
//! A sum of `k` terms bounded by `S` in absolute value has rounding error at
//! most `k eps S` (recursive summation), so for the exact paths, whose pair
//! sums have `L²` terms of size at most `Kmax` and are combined with weights
//! at most `4/min(N,M)²`, `|ΔT| <= 4 L² eps Kmax` (a generous bound); the
//! sliced paths are bounded term by term in [`sliced_error`].

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::special::slicing_constant;
use sliced_mmd::two_sample::{PermutationTest, TestPath, TestResult};
use sliced_mmd::{
    AnyKernel, Estimator, Gaussian, Kernel, Laplace, MmdError, MmdEstimator, Naive, Points, Riesz,
    SlicedSort, Statistic,
};

fn gaussian(rows: usize, d: usize, shift: f64, seed: u64) -> Points<'static, f64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let data = (0..rows * d)
        .map(|_| Distribution::<f64>::sample(&StandardNormal, &mut rng) + shift)
        .collect();
    Points::from_vec(data, rows, d).unwrap()
}

const EPS: f64 = f64::EPSILON;
/// Unit roundoff of `f64`: one correctly rounded operation has relative
/// error at most `U`.
const U: f64 = f64::EPSILON / 2.0;

fn max_norm(x: &Points<'_, f64>, y: &Points<'_, f64>) -> f64 {
    x.rows()
        .chain(y.rows())
        .map(|r| r.iter().map(|v| v * v).sum::<f64>().sqrt())
        .fold(0.0, f64::max)
}

fn kmax<K: Kernel<f64>>(k: &K, x: &Points<'_, f64>, y: &Points<'_, f64>) -> f64 {
    let pooled: Vec<&[f64]> = x.rows().chain(y.rows()).collect();
    let mut m: f64 = 0.0;
    for a in &pooled {
        for b in &pooled {
            m = m.max(k.eval(a, b).abs());
        }
    }
    m
}

/// Bound on `|T - T*|` for the sliced-sort statistic `T` (V or U) of `N`
/// and `M` points in `R^d` on `P` slices, computed by either path (the
/// fast path's walk over the stored order, or the estimator's grouped
/// walk), where `T*` is the exact statistic of the exact projections;
/// `R` bounds every `‖z‖`, `c = c_{d,1}` (the same `f64` in both paths),
/// `L = N + M`, `u` = [`U`], first order in `u`.
///
/// * Projections: a `d`-term dot product with `‖ξ‖ = 1` errs by at most
///   `γ_d R <= 1.01 d u R`. The 1-D V- and U-statistics move by at most
///   `4/N` per unit move of a point of X and `4/M` of Y (the gradient
///   counts), `8` in all: `8.1 d u R` per slice.
/// * One slice, V: both paths sum `2 g_k Δ_k²` over the `L - 1` gaps
///   `g_k >= 0` of the sorted projections (`Σ g_k <= 2R`), with
///   `Δ_k = F_μ - F_ν` in `[-1, 1]`, so `V_p <= 4R`. A term rounds the gap
///   and two products (`3u`); `Δ_k` is an exact integer over `NM` in the
///   estimator, and `a c - (k+1)/M` in the fast path, where
///   `a = 1/N + 1/M` (3 roundings), `a c` (1), `(k+1)/M` (2) and the
///   difference (1) leave `e <= 6u (1 + N/M)` (both terms are at most
///   `1 + N/M`), so `Δ²` errs by `2e`: per term `g_k (15 + 12 N/M) u`,
///   `2R (15 + 12 N/M) u` per slice. Adding the (at most `L`)
///   non-negative terms, in any grouping where no term meets more than
///   `L - 1` additions: `(L - 1) u 2R`. Doubling is exact, the final
///   scaling at most one rounding (`4R u`). In all `4R u (L + 15 + 12 N/M)`.
/// * One slice, U: minus `2 Σ g_k F (1 - F)` over `N - 1` (and the same
///   for Y over `M - 1`); `F (1 - F) <= 1/4`, so each sum is at most
///   `R/2`; its terms err by at most `6 u g_k` (the gap 1 rounding, F 2,
///   `1 - F` 1, two products), the additions by `(L - 1) u R/2`, so after
///   the scaling (2 more roundings) at most `R u (L + 24) / (N - 1)`:
///   `R u (L + 30) (1/(N-1) + 1/(M-1))` covers both. The two subtractions
///   round results of size at most `6R`: `12 R u`, which the bound adds to
///   the V part: `4R u (L + 20 + 12 N/M)`.
/// * Mean over slices: slice values are at most `6R` in size (`4R` for V,
///   `R/(N-1) + R/(M-1) <= 2R` more for U); adding `P` of them costs
///   `(P - 1) u 6R P`, dividing by `P` and by `c` two more roundings:
///   `6R u (P + 1)` after the division by `P`.
///
/// Everything is divided by `c`.
fn sliced_error(n: usize, m: usize, p: usize, d: usize, r: f64, c: f64) -> f64 {
    let (nf, mf, l) = (n as f64, m as f64, (n + m) as f64);
    let slice_v = 4.0 * (l + 20.0 + 12.0 * nf / mf);
    let slice_u = (l + 30.0) * (1.0 / (nf - 1.0) + 1.0 / (mf - 1.0));
    let mean = 6.0 * (p as f64 + 1.0);
    let projections = 8.1 * d as f64;
    (slice_v + slice_u + mean + projections) * r * U / c
}

fn assert_same(fast: &TestResult, plain: &TestResult, tol: f64) {
    assert_eq!(fast.permutations, plain.permutations);
    assert!(
        (fast.statistic - plain.statistic).abs() <= tol,
        "statistic {} vs {} (tol {tol:e})",
        fast.statistic,
        plain.statistic
    );
    for (b, (f, p)) in fast.null.iter().zip(&plain.null).enumerate() {
        assert!((f - p).abs() <= tol, "null {b}: {f} vs {p} (tol {tol:e})");
    }
}

#[test]
fn sliced_fast_path_matches_plain_path() {
    let (x, y) = (gaussian(40, 3, 0.0, 1), gaussian(53, 3, 0.3, 2));
    let est = SlicedSort::new(20).unwrap().with_seed(5);
    let c = slicing_constant(3, 1.0).unwrap();
    for stat in [Statistic::V, Statistic::U] {
        let test = PermutationTest::new(70).unwrap().with_seed(9);
        let fast = test.run_with_progress(&est, &x, &y, stat, None).unwrap();
        let plain = test.run_plain(&est, &x, &y, stat, None).unwrap();
        assert_eq!(fast.path, TestPath::SlicedSort);
        assert_eq!(plain.path, TestPath::Plain);
        // each path within sliced_error of the exact statistic
        let tol = 2.0 * sliced_error(40, 53, 20, 3, max_norm(&x, &y), c);
        assert_same(&fast, &plain, tol);
        // the dispatching entry point takes the fast path
        let auto = test
            .run(&Estimator::SlicedSort(est.clone()), &x, &y, stat)
            .unwrap();
        assert_eq!(auto, fast);
    }
}

#[test]
fn sliced_with_ties_and_unequal_sizes() {
    // integer-valued data in d = 1: many ties; slicing is exact in d = 1
    let xv: Vec<f64> = (0..30).map(|i| (i % 5) as f64).collect();
    let yv: Vec<f64> = (0..17)
        .map(|i| (i % 4) as f64 + 0.5 * (i % 2) as f64)
        .collect();
    let (x, y) = (Points::from_1d(&xv).unwrap(), Points::from_1d(&yv).unwrap());
    let est = SlicedSort::new(3).unwrap();
    for stat in [Statistic::V, Statistic::U] {
        let test = PermutationTest::new(64).unwrap().with_seed(1);
        let fast = test.run_with_progress(&est, &x, &y, stat, None).unwrap();
        let plain = test
            .run_plain(&Naive::new(Riesz::energy()), &x, &y, stat, None)
            .unwrap();
        // The sliced statistic is within sliced_error of the exact one (in
        // d = 1 the directions are ±1, c = 1, and the exact sliced statistic
        // is the energy statistic itself). The naive statistic's pair sums
        // of multiples of 1/2 below 2^52 are exact; what remains are three
        // divisions and two additions, each within u of a result at most
        // S = Sxx/N² + Syy/M² + 2 Sxy/(NM) <= 4 (max - min) = 16 (one mean
        // distance each, two for the cross term): 5 u S.
        let tol = sliced_error(30, 17, 3, 1, max_norm(&x, &y), 1.0) + 5.0 * U * 16.0;
        assert_same(&fast, &plain, tol);
    }
}

#[test]
fn sliced_other_exponent_falls_back_to_plain() {
    let (x, y) = (gaussian(12, 2, 0.0, 1), gaussian(10, 2, 0.0, 2));
    let est = SlicedSort::new(4)
        .unwrap()
        .with_kernel(Riesz::new(1.5).unwrap());
    let test = PermutationTest::new(5).unwrap();
    let res = test
        .run_with_progress(&est, &x, &y, Statistic::V, None)
        .unwrap();
    assert_eq!(res.path, TestPath::Plain);
}

#[test]
fn naive_cached_and_blocked_match_plain_path() {
    let (x, y) = (gaussian(35, 4, 0.0, 3), gaussian(28, 4, 0.2, 4));
    let l = 63.0;
    let kernels: [AnyKernel; 3] = [
        Riesz::energy().into(),
        Gaussian::new(1.5).unwrap().into(),
        Laplace::new(0.7).unwrap().into(),
    ];
    for k in kernels {
        let tol = 4.0 * l * l * EPS * kmax(&k, &x, &y);
        let naive = Naive::new(k.clone());
        for stat in [Statistic::V, Statistic::U] {
            let test = PermutationTest::new(150).unwrap().with_seed(2);
            let plain = test.run_plain(&naive, &x, &y, stat, None).unwrap();
            let cached = test.run_with_progress(&naive, &x, &y, stat, None).unwrap();
            assert_eq!(cached.path, TestPath::NaiveCached);
            assert_same(&cached, &plain, tol);
            // budget for 8 rows of the matrix: slabs of 4 rows, blocks of 2 sets
            let small = test.clone().with_memory_budget(8 * 63 * 8);
            let blocked = small.run_with_progress(&naive, &x, &y, stat, None).unwrap();
            assert_eq!(blocked.path, TestPath::NaiveBlocked);
            assert_same(&blocked, &plain, tol);
        }
    }
}

#[test]
fn p_value_bounds() {
    let (x, y) = (gaussian(20, 2, 0.0, 5), gaussian(20, 2, 0.0, 6));
    let est = Estimator::Naive(Naive::new(Riesz::energy().into()));
    for b in [1, 2, 19, 100] {
        let r = PermutationTest::new(b)
            .unwrap()
            .with_seed(3)
            .run(&est, &x, &y, Statistic::V)
            .unwrap();
        assert_eq!((r.null.len(), r.permutations), (b, b));
        assert!(r.p_value >= 1.0 / (1 + b) as f64 && r.p_value <= 1.0);
        assert_eq!(r.reject(0.5).unwrap(), r.p_value <= 0.5);
    }
}

/// The V energy statistic by its definition, for the exact enumeration.
fn energy_v(x: &[f64], y: &[f64]) -> f64 {
    let mean = |a: &[f64], b: &[f64]| {
        let s: f64 = a
            .iter()
            .map(|p| b.iter().map(|q| (p - q).abs()).sum::<f64>())
            .sum();
        s / (a.len() * b.len()) as f64
    };
    2.0 * mean(x, y) - mean(x, x) - mean(y, y)
}

/// The split of `POOL` whose X is the points of the bits of `mask`.
fn split(mask: u32) -> (Vec<f64>, Vec<f64>) {
    let pick = |inx: bool| -> Vec<f64> {
        (0..8)
            .filter(|i| (mask >> i & 1 == 1) == inx)
            .map(|i| POOL[i])
            .collect()
    };
    (pick(true), pick(false))
}

/// Eight integers in d = 1, N = M = 4. All pair distances are integers and
/// the statistic divides sums of them by 16, so every computation of it (the
/// definition here, each path of the test) is exact: the same `f64`, ties
/// included (a split and its complement always tie).
const POOL: [f64; 8] = [0.0, 2.0, 7.0, 13.0, 24.0, 39.0, 61.0, 90.0];

/// The permutation distribution, enumerated: all C(8,4) = 70 splits.
///
/// A permutation is a uniform random 4-subset of the pooled points, so its
/// statistic takes the value of split `s` with probability 1/70, and
/// `K = #{b : T_b >= T}` is Binomial(B, p) with the exact permutation
/// p-value `p = #{s : T_s >= T} / 70`. The test's p-value `(1 + K)/(1 + B)`
/// then has mean `(1 + B p)/(1 + B)` and standard deviation
/// `√(B p (1 - p))/(1 + B)`; likewise the number of null statistics equal to
/// a value `v` is Binomial(B, q_v), `q_v = #{s : T_s = v}/70`. Each is
/// allowed 4.5 standard deviations (normal approximation; B = 4000 and
/// every `q` and every `p` below 1 is between 2/70 and 54/70, so every
/// `B min(q, 1 - q) >= 114`): a two-sided tail of 6.8e-6 per check, at most
/// 1.3e-4 for the 14 + 5 checks below together (union bound). With `p = 1`
/// there is no spread: the p-value must be 1.
///
/// Checked: every path returns the exact observed statistic, only exact
/// split values as null statistics, with the frequencies of the exact
/// distribution (for the first observed split), and the p-value of the
/// exact distribution, for five observed splits from the most to the
/// least extreme.
#[test]
fn p_value_converges_to_the_exact_permutation_p_value() {
    let b = 4000;
    let masks: Vec<u32> = (0u32..256).filter(|m| m.count_ones() == 4).collect();
    assert_eq!(masks.len(), 70);
    let exact: Vec<f64> = masks
        .iter()
        .map(|&m| {
            let (x, y) = split(m);
            energy_v(&x, &y)
        })
        .collect();
    // the masks from the largest statistic to the smallest
    let mut order: Vec<usize> = (0..70).collect();
    order.sort_by(|&i, &j| exact[j].total_cmp(&exact[i]));
    let mut values = exact.clone();
    values.sort_by(f64::total_cmp);
    values.dedup();
    // 14 values: in d = 1 the statistic is 2 Σ gap (F_μ - F_ν)², and
    // splits whose label sequences give the same |F_μ - F_ν| along the
    // sorted pool tie (a split and its complement always do)
    assert_eq!(values.len(), 14, "{values:?}");

    let test = PermutationTest::new(b).unwrap().with_seed(17);
    let naive = Naive::new(Riesz::energy());
    let sliced = SlicedSort::new(4).unwrap().with_seed(2);
    for (k, &rank) in [0, 9, 30, 52, 69].iter().enumerate() {
        let s = order[rank];
        let (xv, yv) = split(masks[s]);
        let (x, y) = (Points::from_1d(&xv).unwrap(), Points::from_1d(&yv).unwrap());
        let runs = [
            test.run_with_progress(&naive, &x, &y, Statistic::V, None)
                .unwrap(),
            test.run_plain(&naive, &x, &y, Statistic::V, None).unwrap(),
            test.run_with_progress(&sliced, &x, &y, Statistic::V, None)
                .unwrap(),
            test.run_plain(&sliced, &x, &y, Statistic::V, None).unwrap(),
        ];
        for r in &runs {
            assert_eq!(r.statistic, exact[s], "{:?}", r.path);
            assert_eq!(r.null, runs[0].null, "{:?}", r.path);
            assert_eq!(r.p_value, runs[0].p_value, "{:?}", r.path);
        }
        let r = &runs[0];
        assert!(r.null.iter().all(|t| exact.contains(t)));
        if k == 0 {
            for v in &values {
                let count = r.null.iter().filter(|&t| t == v).count() as f64;
                let q = exact.iter().filter(|&t| t == v).count() as f64 / 70.0;
                let (mean, sd) = (b as f64 * q, (b as f64 * q * (1.0 - q)).sqrt());
                assert!(
                    (count - mean).abs() <= 4.5 * sd,
                    "null value {v}: {count} of {b}, expected {mean:.1} ± 4.5 x {sd:.2}"
                );
            }
        }
        let p = exact.iter().filter(|&&t| t >= exact[s]).count() as f64 / 70.0;
        // in p-value units; 6u for the roundings of the two quotients (one
        // in the test's p-value, at most five in the expected value here)
        let (bf, got) = (b as f64, r.p_value);
        let mean = (1.0 + bf * p) / (1.0 + bf);
        let sd = (bf * p * (1.0 - p)).sqrt() / (1.0 + bf);
        assert!(
            (got - mean).abs() <= 4.5 * sd + 6.0 * U,
            "split {s} (rank {rank}): p-value {got}, exact p = {p:.4}, \
             expected {mean:.4} ± 4.5 x {sd:.4}"
        );
    }
}

#[test]
fn same_bits_whatever_the_thread_count() {
    let (x, y) = (gaussian(300, 3, 0.0, 7), gaussian(200, 3, 0.1, 8));
    let test = PermutationTest::new(130).unwrap().with_seed(4);
    let sliced = Estimator::SlicedSort(SlicedSort::new(20).unwrap());
    let naive = Estimator::Naive(Naive::new(Gaussian::new(1.0).unwrap().into()));
    let run = |threads: usize, est: &Estimator| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| test.run(est, &x, &y, Statistic::V).unwrap())
    };
    for est in [&sliced, &naive] {
        assert_eq!(run(1, est), run(3, est));
    }
}

#[test]
fn progress_reaches_the_number_of_permutations() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (x, y) = (gaussian(30, 2, 0.0, 1), gaussian(30, 2, 0.0, 2));
    let test = PermutationTest::new(300).unwrap();
    for est in [
        Estimator::SlicedSort(SlicedSort::new(5).unwrap()),
        Estimator::Naive(Naive::new(Riesz::energy().into())),
    ] {
        let most = AtomicUsize::new(0);
        let cb = |done: usize| {
            most.fetch_max(done, Ordering::Relaxed);
        };
        test.run_with_progress(&est, &x, &y, Statistic::V, Some(&cb))
            .unwrap();
        assert_eq!(most.load(Ordering::Relaxed), 300);
    }
}

#[test]
fn bad_input_is_an_error() {
    assert_eq!(
        PermutationTest::new(0).unwrap_err(),
        MmdError::InvalidCount {
            what: "number of permutations B",
            value: 0,
            min: 1
        }
    );
    let (x, y) = (gaussian(5, 2, 0.0, 1), gaussian(5, 2, 0.0, 2));
    let est = Estimator::Naive(Naive::new(Riesz::energy().into()));
    // settings are checked by run, before any permutation: a progress
    // callback that counts calls sees none
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let cb = |_: usize| {
        calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    };
    for alpha in [0.0, 1.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
        let test = PermutationTest::new(10).unwrap().with_alpha(alpha);
        assert!(matches!(
            test.run_with_progress(&est, &x, &y, Statistic::V, Some(&cb)),
            Err(MmdError::InvalidAlpha { .. })
        ));
    }
    let zero_budget = PermutationTest::new(10).unwrap().with_memory_budget(0);
    assert!(matches!(
        zero_budget.run_with_progress(&est, &x, &y, Statistic::V, Some(&cb)),
        Err(MmdError::InvalidCount { value: 0, .. })
    ));
    assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 0);
    // a valid level decides `rejected` exactly as `reject` does
    let r = PermutationTest::new(10)
        .unwrap()
        .with_alpha(0.5)
        .run(&est, &x, &y, Statistic::V)
        .unwrap();
    assert_eq!((r.alpha, r.rejected), (0.5, r.p_value <= 0.5));
    assert_eq!(r.rejected, r.reject(0.5).unwrap());
    let (x, y) = (gaussian(5, 2, 0.0, 1), gaussian(5, 3, 0.0, 2));
    let test = PermutationTest::new(10).unwrap();
    assert!(matches!(
        test.run(&est, &x, &y, Statistic::V),
        Err(MmdError::DimensionMismatch { .. })
    ));
    let (x, y) = (gaussian(1, 2, 0.0, 1), gaussian(5, 2, 0.0, 2));
    for est in [est, Estimator::SlicedSort(SlicedSort::new(3).unwrap())] {
        assert!(matches!(
            test.run(&est, &x, &y, Statistic::U),
            Err(MmdError::TooFewForUnbiased { .. })
        ));
    }
    let r = test
        .run(
            &Estimator::SlicedSort(SlicedSort::new(3).unwrap()),
            &x,
            &y,
            Statistic::V,
        )
        .unwrap();
    assert!(r.reject(1.0).is_err());
}

#[test]
fn shifted_gaussians_are_rejected() {
    // mean shift of 1 in every coordinate, N = M = 100: the observed
    // statistic exceeds every relabeling, p = 1/(1+B)
    let (x, y) = (gaussian(100, 5, 0.0, 11), gaussian(100, 5, 1.0, 12));
    let test = PermutationTest::new(199).unwrap().with_seed(1);
    for est in [
        Estimator::SlicedSort(SlicedSort::new(50).unwrap()),
        Estimator::Naive(Naive::new(Riesz::energy().into())),
        Estimator::Naive(Naive::new(Gaussian::new(2.0).unwrap().into())),
    ] {
        let r = test.run(&est, &x, &y, Statistic::V).unwrap();
        assert_eq!(r.p_value, 1.0 / 200.0, "{est:?}");
        assert!(r.reject(0.05).unwrap());
    }
}

/// `P(Binomial(n, p) <= k)`.
fn binom_cdf(n: usize, p: f64, k: usize) -> f64 {
    let mut term = (1.0 - p).powi(n as i32); // P(0)
    let mut cdf = term;
    for i in 1..=k {
        term *= (n - i + 1) as f64 / i as f64 * p / (1.0 - p);
        cdf += term;
    }
    cdf
}

/// The central 99.9% interval of `Binomial(n, p)`: `[lo, hi]` with
/// `P(X < lo) <= 0.0005` and `P(X > hi) <= 0.0005`.
fn binom_interval(n: usize, p: f64) -> (usize, usize) {
    let lo = (0..=n).find(|&k| binom_cdf(n, p, k) > 0.0005).unwrap();
    let hi = (0..=n).find(|&k| binom_cdf(n, p, k) >= 0.9995).unwrap();
    (lo, hi)
}

/// Rejections at alpha = 0.05 over `reps` null pairs of standard Gaussians.
/// With B = 99 and a statistic without ties, the p-value is uniform on
/// {1/100, ..., 1}, so `P(p <= 0.05) = 0.05` exactly.
fn calibration(est: &Estimator, stat: Statistic, reps: usize, n: usize, d: usize) {
    let test = PermutationTest::new(99).unwrap();
    let mut rejections = 0;
    for rep in 0..reps {
        let x = gaussian(n, d, 0.0, 1000 + 2 * rep as u64);
        let y = gaussian(n + 3, d, 0.0, 1001 + 2 * rep as u64);
        let r = test
            .clone()
            .with_seed(rep as u64)
            .run(est, &x, &y, stat)
            .unwrap();
        rejections += r.reject(0.05).unwrap() as usize;
    }
    let (lo, hi) = binom_interval(reps, 0.05);
    eprintln!(
        "calibration: {rejections} rejections of {reps} at alpha = 0.05 (rate {:.4}), \
         99.9% interval [{lo}, {hi}]; {} {stat:?}",
        rejections as f64 / reps as f64,
        MmdEstimator::<f64>::name(est)
    );
    assert!(
        (lo..=hi).contains(&rejections),
        "{rejections} rejections of {reps}, 99.9% interval [{lo}, {hi}] ({est:?}, {stat:?})"
    );
}

#[test]
fn calibration_under_the_null_small() {
    calibration(
        &Estimator::SlicedSort(SlicedSort::new(10).unwrap()),
        Statistic::V,
        300,
        15,
        2,
    );
    calibration(
        &Estimator::Naive(Naive::new(Riesz::energy().into())),
        Statistic::U,
        300,
        15,
        2,
    );
}

#[test]
#[ignore = "expensive: 2000 null tests per estimator; run in release"]
fn calibration_under_the_null() {
    for stat in [Statistic::V, Statistic::U] {
        calibration(
            &Estimator::SlicedSort(SlicedSort::new(30).unwrap().with_seed(3)),
            stat,
            2000,
            40,
            3,
        );
        calibration(
            &Estimator::Naive(Naive::new(Gaussian::new(1.0).unwrap().into())),
            stat,
            2000,
            40,
            3,
        );
        calibration(
            &Estimator::Naive(Naive::new(Laplace::new(2.0).unwrap().into())),
            stat,
            2000,
            40,
            3,
        );
    }
}
