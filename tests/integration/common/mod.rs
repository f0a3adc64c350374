//! Shared helpers for the integration tests.
//!
//! * data generators (seeded ChaCha8, every value representable in `f32`
//!   so that a sample can be cast to `f32` without rounding);
//! * proptest strategies for pairs of samples, with ties and duplicates;
//! * floating-point error bounds used as tolerances (each derived in its
//!   doc comment);
//! * the contract batteries [`check_kernel`] and [`check_estimator`], and
//!   the macros [`kernel_contract!`] and [`estimator_contract!`] that run
//!   them, one line per implementation.
//!
//! Every test module uses a different part of it.
#![allow(dead_code, unused_macros, unused_imports)]

use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::special::slicing_constant;
use sliced_mmd::{
    Directions, Kernel, MmdError, MmdEstimator, Naive, Points, Riesz, SlicedKernel, Statistic,
};

/// Unit roundoff of `f64` (half the machine epsilon): one correctly rounded
/// operation has relative error at most `U64`.
pub const U64: f64 = f64::EPSILON / 2.0;
/// Unit roundoff of `f32`.
pub const U32: f64 = f32::EPSILON as f64 / 2.0;

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

/// Two samples, rows are points, stored as `f64` values that are all exactly
/// representable in `f32`.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub n: usize,
    pub m: usize,
    pub d: usize,
}

impl Case {
    pub fn new(x: Vec<f64>, y: Vec<f64>, n: usize, m: usize, d: usize) -> Self {
        assert_eq!(x.len(), n * d);
        assert_eq!(y.len(), m * d);
        Case { x, y, n, m, d }
    }

    pub fn px(&self) -> Points<'_, f64> {
        Points::new(&self.x, self.n, self.d).expect("valid X")
    }

    pub fn py(&self) -> Points<'_, f64> {
        Points::new(&self.y, self.m, self.d).expect("valid Y")
    }

    /// `(Y, X)`.
    pub fn swapped(&self) -> Case {
        Case::new(self.y.clone(), self.x.clone(), self.m, self.n, self.d)
    }

    /// Apply `f` to every point of both samples (`f` maps `R^d -> R^d`).
    pub fn map_rows(&self, f: impl Fn(&[f64]) -> Vec<f64>) -> Case {
        let map = |v: &[f64]| -> Vec<f64> { v.chunks_exact(self.d).flat_map(&f).collect() };
        Case::new(map(&self.x), map(&self.y), self.n, self.m, self.d)
    }

    /// Total number of points `L = N + M`.
    pub fn len(&self) -> usize {
        self.n + self.m
    }

    /// All points, X first.
    pub fn pooled(&self) -> impl Iterator<Item = &[f64]> {
        self.x
            .chunks_exact(self.d)
            .chain(self.y.chunks_exact(self.d))
    }

    /// `R = max ‖z‖` over the pooled sample.
    pub fn radius(&self) -> f64 {
        self.pooled().map(norm).fold(0.0, f64::max)
    }

    /// Smallest distance between two distinct pooled points (index pairs).
    pub fn min_distance(&self) -> f64 {
        let pts: Vec<&[f64]> = self.pooled().collect();
        let mut best = f64::INFINITY;
        for a in 0..pts.len() {
            for b in a + 1..pts.len() {
                best = best.min(dist(pts[a], pts[b]));
            }
        }
        best
    }
}

pub fn norm(v: &[f64]) -> f64 {
    v.iter().map(|t| t * t).sum::<f64>().sqrt()
}

pub fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(s, t)| (s - t) * (s - t))
        .sum::<f64>()
        .sqrt()
}

pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Round to the nearest `f32` (and back).
pub fn f32r(v: f64) -> f64 {
    v as f32 as f64
}

/// `n x d` values `mean + sd * N(0, 1)`, rounded to `f32`.
pub fn normal_rows(n: usize, d: usize, mean: f64, sd: f64, rng: &mut ChaCha8Rng) -> Vec<f64> {
    (0..n * d)
        .map(|_| {
            let z: f64 = StandardNormal.sample(rng);
            f32r(mean + sd * z)
        })
        .collect()
}

/// X ~ N(0, I), Y ~ N(0.5, 1.5² I): two different, continuous samples.
pub fn gaussian_case(n: usize, m: usize, d: usize, seed: u64) -> Case {
    let mut r = rng(seed);
    let x = normal_rows(n, d, 0.0, 1.0, &mut r);
    let y = normal_rows(m, d, 0.5, 1.5, &mut r);
    Case::new(x, y, n, m, d)
}

/// Integer coordinates in `-3..=3` (so projections on the coordinate axes,
/// and every projection in `d = 1`, tie), every third point of Y a copy of
/// a point of X, and every fifth point of X a copy of an earlier one.
pub fn tied_case(n: usize, m: usize, d: usize, seed: u64) -> Case {
    let mut r = rng(seed);
    let mut int_rows = |k: usize| -> Vec<f64> {
        (0..k * d)
            .map(|_| r.random_range(-3i32..=3) as f64)
            .collect()
    };
    let mut x = int_rows(n);
    let mut y = int_rows(m);
    for i in (5..n).step_by(5) {
        let src = (i * 7) % i;
        let row: Vec<f64> = x[src * d..(src + 1) * d].to_vec();
        x[i * d..(i + 1) * d].copy_from_slice(&row);
    }
    for j in (0..m).step_by(3) {
        let src = (j * 13 + 1) % n;
        y[j * d..(j + 1) * d].copy_from_slice(&x[src * d..(src + 1) * d]);
    }
    Case::new(x, y, n, m, d)
}

/// A random `d x d` orthogonal matrix (row-major), the Q factor of the QR
/// decomposition of a standard Gaussian matrix.
pub fn random_orthogonal(d: usize, seed: u64) -> Vec<f64> {
    let mut r = rng(seed);
    let g = nalgebra::DMatrix::<f64>::from_fn(d, d, |_, _| StandardNormal.sample(&mut r));
    let q = g.qr().q();
    let mut out = Vec::with_capacity(d * d);
    for i in 0..d {
        for j in 0..d {
            out.push(q[(i, j)]);
        }
    }
    out
}

/// `q v` for a row-major `d x d` matrix `q`.
pub fn mat_vec(q: &[f64], v: &[f64]) -> Vec<f64> {
    let d = v.len();
    (0..d)
        .map(|i| (0..d).map(|k| q[i * d + k] * v[k]).sum())
        .collect()
}

/// Run `f` on a fresh rayon pool with `threads` threads.
pub fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
        .install(f)
}

// ---------------------------------------------------------------------------
// Proptest strategies
// ---------------------------------------------------------------------------

/// A proptest configuration with `cases` cases whose failures are
/// persisted in `proptest-regressions/<file>.txt` at the crate root
/// (committed, so that a found failure is replayed first on every run).
pub fn proptest_config(cases: u32, file: &'static str) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(file),
        )),
        ..ProptestConfig::default()
    }
}

/// How the coordinates of a generated case are drawn.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Uniform in [-5, 5], rounded to f32.
    Continuous,
    /// Integers in -3..=3 (many ties, exact duplicates likely).
    Integer,
}

fn coord(kind: Kind) -> BoxedStrategy<f64> {
    match kind {
        Kind::Continuous => (-5.0f64..5.0).prop_map(f32r).boxed(),
        Kind::Integer => (-3i32..=3).prop_map(f64::from).boxed(),
    }
}

/// A pair of samples with `1..=max_n` points each in dimension `1..=max_d`;
/// continuous or integer coordinates, and up to `m` rows of Y replaced by
/// copies of rows of X (exact duplicates across samples).
pub fn case_strategy(max_n: usize, max_d: usize) -> impl Strategy<Value = Case> {
    (
        1..=max_n,
        1..=max_n,
        1..=max_d,
        prop_oneof![Just(Kind::Continuous), Just(Kind::Integer)],
    )
        .prop_flat_map(|(n, m, d, kind)| {
            (
                prop::collection::vec(coord(kind), n * d),
                prop::collection::vec(coord(kind), m * d),
                prop::collection::vec((0..n, 0..m), 0..=m),
            )
                .prop_map(move |(x, mut y, copies)| {
                    for (i, j) in copies {
                        y[j * d..(j + 1) * d].copy_from_slice(&x[i * d..(i + 1) * d]);
                    }
                    Case::new(x, y, n, m, d)
                })
        })
}

/// Like [`case_strategy`] with continuous coordinates and every pooled
/// pair at distance at least `sep` (rejection), for checks that need to
/// stay away from the points where kernels are not differentiable and from
/// the cancellation of nearly coincident points.
pub fn separated_case_strategy(
    min_n: usize,
    max_n: usize,
    max_d: usize,
    sep: f64,
) -> impl Strategy<Value = Case> {
    (min_n..=max_n, min_n..=max_n, 1..=max_d)
        .prop_flat_map(|(n, m, d)| {
            (
                prop::collection::vec(coord(Kind::Continuous), n * d),
                prop::collection::vec(coord(Kind::Continuous), m * d),
            )
                .prop_map(move |(x, y)| Case::new(x, y, n, m, d))
        })
        .prop_filter("points too close", move |c| c.min_distance() >= sep)
}

// ---------------------------------------------------------------------------
// Error bounds
// ---------------------------------------------------------------------------

/// `S = 1/N² Σ|K(x_i,x_k)| + 1/M² Σ|K(y_j,y_l)| + 2/(NM) Σ|K(x_i,y_j)|`:
/// the size of the terms that the V-statistic adds and cancels. Rounding
/// errors of any order of summation are bounded relative to `S`, not to
/// the (possibly tiny) MMD² itself.
pub fn kernel_magnitude<K: Kernel<f64>>(k: &K, c: &Case) -> f64 {
    let (px, py) = (c.px(), c.py());
    let mean_abs = |a: &Points<'_, f64>, b: &Points<'_, f64>| -> f64 {
        let mut s = 0.0;
        for u in a.rows() {
            for v in b.rows() {
                s += k.eval(u, v).abs();
            }
        }
        s / (a.n() * b.n()) as f64
    };
    mean_abs(&px, &px) + mean_abs(&py, &py) + 2.0 * mean_abs(&px, &py)
}

/// Worst-case rounding error of an `f64` V- or U-statistic computed from
/// pair sums. Each kernel value has relative error at most `(d + 8) u`
/// (a squared distance of `d` terms, a square root, a power or
/// exponential, each a few roundings); each of the three sums has at most
/// `L²` terms, and recursive summation of `k` terms in any order errs by at
/// most `(k - 1) u Σ|terms|`. With `S` = [`kernel_magnitude`] the error is
/// at most `(L² + d + 8) u S`, plus the last few operations; we use
/// `(L² + d + 16) u S`.
pub fn pair_sum_error(c: &Case, magnitude: f64) -> f64 {
    let l = c.len() as f64;
    (l * l + c.d as f64 + 16.0) * U64 * magnitude
}

/// The projections `<ξ_p, z>` of the pooled sample (X first) on each
/// direction, computed in `f64` here.
pub fn projections(c: &Case, dirs: &Directions) -> Vec<Vec<f64>> {
    (0..dirs.len())
        .map(|p| {
            let xi = dirs.row(p);
            c.pooled()
                .map(|z| xi.iter().zip(z).map(|(a, b)| a * b).sum())
                .collect()
        })
        .collect()
}

/// Per-entry magnitude of the sliced gradient,
/// `1/(c P) Σ_p |ξ_pk| (2/N² Σ_k |φ(t_ik)| + 2/(NM) Σ_j |φ(t_ij)|)` with
/// `φ(t) = r |t|^{r-1}` (zero at `t = 0`): the size of the terms whose sum
/// is the gradient entry, to which rounding errors are relative.
pub fn sliced_grad_magnitude(c: &Case, dirs: &Directions, r: f64) -> Vec<f64> {
    let (n, m, d) = (c.n, c.m, c.d);
    let cst = slicing_constant(d, r).unwrap();
    let p = dirs.len();
    let proj = projections(c, dirs);
    let phi = |t: f64| {
        if t == 0.0 {
            0.0
        } else {
            r * t.abs().powf(r - 1.0)
        }
    };
    let mut out = vec![0.0; n * d];
    for (pi, vals) in proj.iter().enumerate() {
        let xi = dirs.row(pi);
        for i in 0..n {
            let s_xx: f64 = (0..n).map(|k| phi(vals[i] - vals[k])).sum();
            let s_xy: f64 = (n..n + m).map(|j| phi(vals[i] - vals[j])).sum();
            let s = 2.0 / (n * n) as f64 * s_xx + 2.0 / (n * m) as f64 * s_xy;
            for k in 0..d {
                out[i * d + k] += xi[k].abs() * s / (cst * p as f64);
            }
        }
    }
    out
}

/// Assert `|a - b| <= tol` with a message naming what was compared.
#[track_caller]
pub fn assert_close(what: &str, a: f64, b: f64, tol: f64) {
    assert!(
        (a - b).abs() <= tol,
        "{what}: {a:e} vs {b:e}, difference {:e} exceeds tolerance {tol:e}",
        (a - b).abs()
    );
}

/// Assert entrywise `|a_i - b_i| <= tol_i`.
#[track_caller]
pub fn assert_close_vec(what: &str, a: &[f64], b: &[f64], tol: impl Fn(usize) -> f64) {
    assert_eq!(a.len(), b.len(), "{what}: lengths differ");
    for (i, (&s, &t)) in a.iter().zip(b).enumerate() {
        let tl = tol(i);
        assert!(
            (s - t).abs() <= tl,
            "{what}[{i}]: {s:e} vs {t:e}, difference {:e} exceeds tolerance {tl:e}",
            (s - t).abs()
        );
    }
}

pub fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|t| t.to_bits()).collect()
}

// ---------------------------------------------------------------------------
// Kernel contract
// ---------------------------------------------------------------------------

/// What [`check_kernel`] may assume of a kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Definiteness {
    /// `Σ c_i c_j K(z_i, z_j) >= 0` for all `c`.
    Positive,
    /// The same for `Σ c_i = 0` only (Riesz and sliced Riesz kernels).
    Conditional,
}

/// The contract every kernel satisfies, checked on the points of `case`:
///
/// * a bare lowercase name;
/// * finite values, exact symmetry `K(x,y) = K(y,x)` (IEEE subtraction is
///   exactly antisymmetric, so the bits agree);
/// * `f32` data give the same bits as the same data in `f64` (kernel values
///   are computed in `f64` whatever the data type);
/// * the gradient accumulates `w ∇_x K`: linear in `w`, added to what the
///   buffer held, zero at `x = y`, and `∇_x K(x,y) = -∇_x K(y,x)`
///   (translation invariance);
/// * (conditional) positive definiteness: `cᵀ K c >= -ε` for random `c`
///   (with `Σ c = 0` for CPD kernels), where `ε = (L² + d + 16) u Σ|c_i c_j K_ij|`
///   bounds the rounding of the quadratic form (see [`pair_sum_error`]).
pub fn check_kernel<K>(k: &K, case: &Case, def: Definiteness)
where
    K: Kernel<f64> + Kernel<f32>,
{
    let name = Kernel::<f64>::name(k);
    assert!(
        !name.is_empty() && name.chars().all(|ch| ch.is_ascii_lowercase()),
        "kernel name {name:?}"
    );
    assert_eq!(name, Kernel::<f32>::name(k));
    Kernel::<f64>::check_dim(k, case.d).expect("kernel accepts the data dimension");

    let pts: Vec<&[f64]> = case.pooled().collect();
    let pts32: Vec<Vec<f32>> = pts
        .iter()
        .map(|p| p.iter().map(|&v| v as f32).collect())
        .collect();
    let d = case.d;
    let l = pts.len();
    let mut gram = vec![0.0; l * l];
    for a in 0..l {
        for b in 0..l {
            let v = Kernel::<f64>::eval(k, pts[a], pts[b]);
            assert!(v.is_finite(), "K(z_{a}, z_{b}) = {v}");
            gram[a * l + b] = v;
            let v32 = Kernel::<f32>::eval(k, &pts32[a], &pts32[b]);
            assert_eq!(
                v.to_bits(),
                v32.to_bits(),
                "{name}: f32 data must give the f64 value ({v} vs {v32})"
            );
        }
    }
    for a in 0..l {
        for b in 0..l {
            assert_eq!(
                gram[a * l + b].to_bits(),
                gram[b * l + a].to_bits(),
                "{name}: K(z_{a}, z_{b}) != K(z_{b}, z_{a})"
            );
        }
    }

    // Gradient contract.
    for a in 0..l.min(12) {
        for b in 0..l.min(12) {
            let mut g1 = vec![0.0; d];
            Kernel::<f64>::grad_acc(k, pts[a], pts[b], 1.0, &mut g1);
            assert!(g1.iter().all(|v| v.is_finite()));
            // linear in w: w = 2 doubles every intermediate exactly
            let mut g2 = vec![0.0; d];
            Kernel::<f64>::grad_acc(k, pts[a], pts[b], 2.0, &mut g2);
            for (s, &t) in g2.iter().zip(&g1) {
                assert_eq!(
                    s.to_bits(),
                    (2.0 * t).to_bits(),
                    "{name}: grad_acc not linear in w"
                );
            }
            // accumulates into the buffer: an implementation that overwrote
            // it would be off by 0.75, one that dropped w by |g|. Rounding
            // alone is at most a few roundings (one per slice for the
            // sliced kernel, P <= 64 here) of numbers of size 0.75 + |g|,
            // far below the 1e-9 allowance.
            let mut acc = vec![0.75; d];
            Kernel::<f64>::grad_acc(k, pts[a], pts[b], 1.0, &mut acc);
            for (s, &t) in acc.iter().zip(&g1) {
                let want = 0.75 + t;
                assert!(
                    (s - want).abs() <= 1e-9 * (0.75 + t.abs()),
                    "{name}: grad_acc must add w ∇K: {s} vs {want}"
                );
            }
            // antisymmetry
            let mut gr = vec![0.0; d];
            Kernel::<f64>::grad_acc(k, pts[b], pts[a], 1.0, &mut gr);
            for (s, t) in g1.iter().zip(&gr) {
                // exact (== identifies +0 and -0)
                assert!(*s == -t, "{name}: ∇K not antisymmetric: {s} vs {}", -t);
            }
            if pts[a] == pts[b] {
                assert!(
                    g1.iter().all(|&v| v == 0.0),
                    "{name}: gradient at x = y must be 0"
                );
            }
        }
    }
    let mut zero = vec![0.0; d];
    Kernel::<f64>::grad_acc(k, pts[0], pts[0], 1.0, &mut zero);
    assert!(zero.iter().all(|&v| v == 0.0));

    // (Conditional) positive definiteness on random coefficient vectors.
    let mut r = rng(0xC0FFEE);
    for _ in 0..8 {
        let mut coef: Vec<f64> = (0..l).map(|_| StandardNormal.sample(&mut r)).collect();
        if def == Definiteness::Conditional {
            let mean = coef.iter().sum::<f64>() / l as f64;
            coef.iter_mut().for_each(|c| *c -= mean);
            // the re-centred coefficients sum to zero up to L u Σ|c|; that
            // residue times max|K| is absorbed in the bound below
        }
        let (mut q, mut mag) = (0.0, 0.0);
        for a in 0..l {
            for b in 0..l {
                let t = coef[a] * coef[b] * gram[a * l + b];
                q += t;
                mag += t.abs();
            }
        }
        let resid = coef.iter().sum::<f64>().abs();
        let kmax = gram.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        let abs_coef = coef.iter().map(|c| c.abs()).sum::<f64>();
        let eps = ((l * l + d + 16) as f64) * U64 * mag + 2.0 * resid * abs_coef * kmax;
        assert!(q >= -eps, "{name}: cᵀKc = {q:e} < -{eps:e}");
    }
}

/// Runs [`check_kernel`] for each `name => kernel, case, definiteness;`.
macro_rules! kernel_contract {
    ($($name:ident => $kernel:expr, $case:expr, $def:expr;)+) => {
        $(
            #[test]
            fn $name() {
                let kernel = $kernel;
                let case = $case;
                $crate::common::check_kernel(&kernel, &case, $def);
            }
        )+
    };
}
pub(crate) use kernel_contract;

// ---------------------------------------------------------------------------
// Estimator contract
// ---------------------------------------------------------------------------

/// How the `f32` computation of an estimator relates to the `f64` one on
/// the same (f32-representable) data.
#[derive(Debug, Clone)]
pub enum Precision {
    /// Kernel values and all sums in `f64` from the widened `f32` data: the
    /// value agrees with the `f64` value to `f64` rounding (it is in fact
    /// the same arithmetic) and each gradient entry is the `f64` entry
    /// rounded once to `f32`: `|g32 - g64| <= u32 |g64|`.
    PairSums,
    /// Sliced-sort: projections are computed in the data type (f32 GEMM on
    /// directions rounded to f32), the 1-D sums in `f64`.
    /// See [`sliced_f32_tol`].
    Sliced { directions: Directions, r: f64 },
}

/// An exact computation of the quantity an estimator computes, and how
/// far the two may differ.
pub struct Baseline {
    pub est: Box<dyn MmdEstimator<f64>>,
    /// Allowed `|V - V_base|` and `|U - U_base|`.
    pub value_tol: f64,
    /// Allowed difference per gradient entry; `None`: `1e-10 max|g_base|`.
    pub grad_tol: Option<Vec<f64>>,
}

/// What [`check_estimator`] checks an estimator against.
pub struct Contract {
    pub case: Case,
    /// `S` of [`kernel_magnitude`] for the kernel the estimator computes.
    pub magnitude: f64,
    pub precision: Precision,
    pub baseline: Option<Baseline>,
}

impl Contract {
    /// An exact pair-sum estimator of kernel `k` (no baseline).
    pub fn exact<K: Kernel<f64>>(k: &K, case: Case) -> Contract {
        Contract {
            magnitude: kernel_magnitude(k, &case),
            case,
            precision: Precision::PairSums,
            baseline: None,
        }
    }

    /// Compare with `est`, values within `1e-10 S`, gradient within
    /// `1e-10 max|g|`: two f64 computations of the same sums in different
    /// orders differ by at most `(L² + P + d) u` times the magnitude of the
    /// terms (about 1e-11 here); 1e-10 leaves room and still catches any
    /// error of the algorithm, which would be of relative size 1/N.
    pub fn against(mut self, est: impl MmdEstimator<f64> + 'static) -> Contract {
        self.baseline = Some(Baseline {
            est: Box::new(est),
            value_tol: 1e-10 * self.magnitude,
            grad_tol: None,
        });
        self
    }

    /// Compare with `est` for exactly the same bits.
    pub fn same_as(mut self, est: impl MmdEstimator<f64> + 'static) -> Contract {
        let nd = self.case.n * self.case.d;
        self.baseline = Some(Baseline {
            est: Box::new(est),
            value_tol: 0.0,
            grad_tol: Some(vec![0.0; nd]),
        });
        self
    }

    /// A sliced Riesz estimator with these directions and exponent,
    /// checked against the naive estimator of the [`SlicedKernel`] with the
    /// same directions, within [`sliced_agreement_tol`].
    ///
    /// # Panics
    /// If two projections nearly tie (see [`sliced_agreement_tol`]).
    pub fn sliced(case: Case, dirs: Directions, r: f64) -> Contract {
        let kernel = SlicedKernel::new(Riesz::new(r).unwrap(), dirs.clone());
        let magnitude = kernel_magnitude(&kernel, &case);
        let (value_tol, grad_tol) =
            sliced_agreement_tol(&case, &dirs, r, magnitude).expect("no near-ties in this case");
        Contract {
            case,
            magnitude,
            precision: Precision::Sliced {
                directions: dirs,
                r,
            },
            baseline: Some(Baseline {
                est: Box::new(Naive::new(kernel)),
                value_tol,
                grad_tol: Some(grad_tol),
            }),
        }
    }
}

/// Propagation of projection errors through one sliced MMD² and its
/// gradient. Every projected difference `t = <ξ_p, a - b>` of two pooled
/// points is known up to `delta`; identical points give identical
/// projections in any computation (the same arithmetic on the same
/// numbers), so their `t = 0` is exact. Returns `None` if two distinct
/// points nearly tie (`|t| <= 2 delta`), where a bound on the derivative
/// is not available; otherwise, by the mean value theorem,
/// * value: a term `|t|^r` moves by at most `r s^{r-1} delta`, with
///   `s = |t|/2` for `r < 1` (as `|t| - delta >= |t|/2`) and `s = |t| + delta`
///   otherwise, summed with the pair weights `1/(c P) (2/(NM), 1/N², 1/M²)`;
/// * gradient: a term `φ(t) = r sign(t)|t|^{r-1}` moves by at most
///   `r |r - 1| (|t|/2)^{r-2} delta` (zero for `r = 1`: no sign changes
///   without a near-tie), summed with the weights `|ξ_pk| / (c P) (2/N², 2/(NM))`.
pub fn propagated_error(
    c: &Case,
    dirs: &Directions,
    r: f64,
    delta: f64,
) -> Option<(f64, Vec<f64>)> {
    let (n, m, d) = (c.n, c.m, c.d);
    let (nf, mf) = (n as f64, m as f64);
    let scale = 1.0 / (slicing_constant(d, r).unwrap() * dirs.len() as f64);
    let pts: Vec<&[f64]> = c.pooled().collect();
    let sens_v = |t: f64| {
        if r < 1.0 {
            r * (t.abs() / 2.0).powf(r - 1.0) * delta
        } else {
            r * (t.abs() + delta).powf(r - 1.0) * delta
        }
    };
    let sens_g = |t: f64| {
        if r == 1.0 {
            0.0
        } else {
            r * (r - 1.0).abs() * (t.abs() / 2.0).powf(r - 2.0) * delta
        }
    };
    let mut value = 0.0;
    let mut grad = vec![0.0; n * d];
    for (pi, vals) in projections(c, dirs).iter().enumerate() {
        let xi = dirs.row(pi);
        for a in 0..n + m {
            for b in 0..n + m {
                if pts[a] == pts[b] {
                    continue;
                }
                let t = vals[a] - vals[b];
                if t.abs() <= 2.0 * delta {
                    return None;
                }
                let w = match (a < n, b < n) {
                    (true, true) => 1.0 / (nf * nf),
                    (false, false) => 1.0 / (mf * mf),
                    _ => 1.0 / (nf * mf),
                };
                value += w * sens_v(t) * scale;
                if a < n {
                    let wg = if b < n {
                        2.0 / (nf * nf)
                    } else {
                        2.0 / (nf * mf)
                    };
                    let s = wg * sens_g(t) * scale;
                    for k in 0..d {
                        grad[a * d + k] += xi[k].abs() * s;
                    }
                }
            }
        }
    }
    Some((value, grad))
}

/// Tolerances for sliced-sort against the naive estimator of the sliced
/// kernel with the same directions, both in `f64`, or `None` when two
/// distinct points nearly tie in some projection.
///
/// The two compute the projections differently (a GEMM against a plain
/// dot product); each projection errs by at most `(d + 1) u R`, so a
/// projected difference by `delta = 2 (d + 2) u R`; [`propagated_error`]
/// carries that through. Added: `1e-10` times the magnitude of the terms
/// ([`kernel_magnitude`], [`sliced_grad_magnitude`]) for the different
/// orders of summation (worst case `(L² + P) u`, about 1e-11 here).
pub fn sliced_agreement_tol(
    c: &Case,
    dirs: &Directions,
    r: f64,
    magnitude: f64,
) -> Option<(f64, Vec<f64>)> {
    let delta = 2.0 * (c.d as f64 + 2.0) * U64 * c.radius();
    let (value, mut grad) = propagated_error(c, dirs, r, delta)?;
    for (g, mag) in grad.iter_mut().zip(sliced_grad_magnitude(c, dirs, r)) {
        *g += 1e-10 * mag;
    }
    Some((value + 1e-10 * magnitude, grad))
}

/// Error bound on a projection `<ξ, z>` computed in `f32` from `ξ` rounded
/// to `f32`: a dot product of `d` terms errs by at most
/// `γ_d Σ|ξ_k z_k| <= d u ‖z‖` (Cauchy-Schwarz, `‖ξ‖ = 1`), rounding `ξ`
/// adds `u ‖z‖`; `(d + 2) u32 R` with `R = max ‖z‖` covers both, and
/// `(d + 2) u64 R` covers the `f64` projections it is compared with.
pub fn projection_error_f32(c: &Case) -> f64 {
    (c.d as f64 + 2.0) * (U32 + U64) * c.radius()
}

/// Tolerances for a sliced estimate (value, and gradient entries where a
/// bound exists) computed from `f32` data against the same data in `f64`.
/// Projected differences err by `delta = 2 δ`, `δ` =
/// [`projection_error_f32`]; the 1-D sums are in `f64` in both, adding
/// `2 ε` ([`pair_sum_error`]) to the value.
///
/// Value: with no near-tie, [`propagated_error`]. Otherwise a global
/// bound: one slice's MMD² moves by at most `8 δ` for `r = 1`
/// (`|∂V/∂x_i| <= 4/N`, `|∂V/∂y_j| <= 4/M`), by `4 (2δ)^r` for `r < 1`
/// (`||a|^r - |b|^r| <= |a - b|^r`, pair weights add up to 4), and by
/// `8 r δ (2R + 2δ)^{r-1}` for `r > 1`; divided by `c_{d,r}`.
///
/// Gradient: the slice gradients are rounded to f32 and summed over `P`
/// slices in f32, `(P + 3) u32` times the magnitude of the terms
/// ([`sliced_grad_magnitude`]); plus
/// * `r = 1`: counts change only where the f32 order of two distinct
///   points differs from the f64 order, i.e. for pairs projected within
///   `2δ`; each such pair (x_i, z) moves the slice gradient of x_i by at
///   most `4/(N min(N, M))`. Counted per slice, this bounds the change.
/// * `r != 1`: [`propagated_error`] if there is no near-tie, else `None`.
pub fn sliced_f32_tol(
    c: &Case,
    dirs: &Directions,
    r: f64,
    magnitude: f64,
) -> (f64, Option<Vec<f64>>) {
    let (n, m, d) = (c.n, c.m, c.d);
    let p = dirs.len();
    let cst = slicing_constant(d, r).unwrap();
    let delta = projection_error_f32(c);
    let big_r = c.radius();
    let sums = 2.0 * pair_sum_error(c, magnitude);
    let rounding: Vec<f64> = sliced_grad_magnitude(c, dirs, r)
        .iter()
        .map(|g| (p as f64 + 3.0) * U32 * g)
        .collect();
    let propagated = propagated_error(c, dirs, r, 2.0 * delta);
    let value = match &propagated {
        Some((v, _)) => *v,
        None if r == 1.0 => 8.0 * delta / cst,
        None if r < 1.0 => 4.0 * (2.0 * delta).powf(r) / cst,
        None => 8.0 * r * delta * (2.0 * big_r + 2.0 * delta).powf(r - 1.0) / cst,
    } + sums;
    if r != 1.0 {
        let grad = propagated.map(|(_, g)| g.iter().zip(&rounding).map(|(a, b)| a + b).collect());
        return (value, grad);
    }
    let mut tol = rounding;
    let flip = 4.0 / (n * n.min(m)) as f64;
    let pts: Vec<&[f64]> = c.pooled().collect();
    for (pi, vals) in projections(c, dirs).iter().enumerate() {
        let xi = dirs.row(pi);
        for i in 0..n {
            let near = (0..n + m)
                .filter(|&z| pts[z] != pts[i] && (vals[z] - vals[i]).abs() <= 2.0 * delta)
                .count();
            if near > 0 {
                for k in 0..d {
                    tol[i * d + k] += xi[k].abs() * near as f64 * flip / (cst * p as f64);
                }
            }
        }
    }
    (value, Some(tol))
}

/// All results of one estimator on one case, for bitwise comparisons.
#[derive(Debug, Clone, PartialEq)]
struct Outputs {
    v: u64,
    u: u64,
    se: Option<u64>,
    grad_value: u64,
    grad: Vec<u64>,
}

fn outputs<E: MmdEstimator<f64>>(est: &E, c: &Case) -> Outputs {
    let (px, py) = (c.px(), c.py());
    let v = est.estimate(&px, &py, Statistic::V).unwrap();
    let u = est.estimate(&px, &py, Statistic::U).unwrap();
    let (gv, g) = est.grad(&px, &py).unwrap();
    Outputs {
        v: v.mmd2.to_bits(),
        u: u.mmd2.to_bits(),
        se: v.std_error.map(f64::to_bits),
        grad_value: gv.to_bits(),
        grad: bits(&g),
    }
}

/// The contract every estimator satisfies (with `N, M >= 2` in the case):
///
/// 1. V and U are finite, V >= -ε (the V-statistic of a (conditionally)
///    positive definite kernel is never negative; ε = [`pair_sum_error`]);
///    a reported standard error is finite and non-negative;
/// 2. the gradient has `N d` finite entries, `grad_into` overwrites the
///    buffer (whatever it held) and returns the V-statistic of `estimate`
///    (to 2ε), and a buffer of the wrong length is a `BufferLength` error;
/// 3. the same bits at 1, 2 and 3 threads (value, U, standard error,
///    gradient);
/// 4. `f32` data agree with `f64` data as [`Precision`] says;
/// 5. against the baseline (an exact computation of the same quantity):
///    V, U and every gradient entry within the baseline's tolerances.
pub fn check_estimator<E>(est: &E, contract: &Contract)
where
    E: MmdEstimator<f64> + MmdEstimator<f32> + Sync,
{
    let c = &contract.case;
    assert!(c.n >= 2 && c.m >= 2, "the battery needs N, M >= 2");
    let (px, py) = (c.px(), c.py());
    let name = MmdEstimator::<f64>::name(est);
    assert!(!name.is_empty() && name.chars().all(|ch| ch.is_ascii_lowercase()));
    let eps = pair_sum_error(c, contract.magnitude);

    // 1. values
    let v = est.estimate(&px, &py, Statistic::V).unwrap();
    let u = est.estimate(&px, &py, Statistic::U).unwrap();
    assert!(
        v.mmd2.is_finite() && u.mmd2.is_finite(),
        "{name}: {v:?} {u:?}"
    );
    assert!(v.mmd2 >= -eps, "{name}: V = {:e} < -{eps:e}", v.mmd2);
    for se in [v.std_error, u.std_error].into_iter().flatten() {
        assert!(se.is_finite() && se >= 0.0, "{name}: std_error {se}");
    }
    assert_eq!(
        v.mmd2.to_bits(),
        est.mmd2(&px, &py).unwrap().to_bits(),
        "{name}: mmd2() must be the V estimate"
    );

    // 2. gradient
    assert!(MmdEstimator::<f64>::has_gradient(est));
    let (gv, g) = est.grad(&px, &py).unwrap();
    assert_eq!(g.len(), c.n * c.d);
    assert!(
        g.iter().all(|t| t.is_finite()),
        "{name}: non-finite gradient"
    );
    assert_close(
        &format!("{name}: grad value vs estimate"),
        gv,
        v.mmd2,
        2.0 * eps,
    );
    let mut buf = vec![1.0e3; c.n * c.d];
    let gv2 = est.grad_into(&px, &py, &mut buf).unwrap();
    assert_eq!(gv2.to_bits(), gv.to_bits());
    assert_eq!(bits(&buf), bits(&g), "{name}: grad_into must overwrite");
    for bad in [c.n * c.d - 1, c.n * c.d + c.d, 0] {
        let mut b = vec![0.0; bad];
        assert_eq!(
            est.grad_into(&px, &py, &mut b),
            Err(MmdError::BufferLength {
                got: bad,
                expected: c.n * c.d
            }),
            "{name}: buffer of length {bad}"
        );
    }

    // 3. threads
    let one = with_threads(1, || outputs(est, c));
    for t in [2, 3] {
        let other = with_threads(t, || outputs(est, c));
        assert_eq!(
            one, other,
            "{name}: results differ between 1 and {t} threads"
        );
    }
    assert_eq!(one.v, v.mmd2.to_bits(), "{name}: global pool differs");
    assert_eq!(one.grad, bits(&g), "{name}: global pool differs");

    // 4. f32
    let (x32, y32) = (px.cast::<f32>().unwrap(), py.cast::<f32>().unwrap());
    assert_eq!(
        x32.cast::<f64>().unwrap(),
        px,
        "case data must be f32-representable"
    );
    let v32 = est.estimate(&x32, &y32, Statistic::V).unwrap().mmd2;
    let (gv32, g32) = est.grad(&x32, &y32).unwrap();
    let g32: Vec<f64> = g32.iter().map(|&t| t as f64).collect();
    assert!(g32.iter().all(|t| t.is_finite()));
    match &contract.precision {
        Precision::PairSums => {
            assert_close(&format!("{name}: f32 value"), v32, v.mmd2, eps);
            assert_close(&format!("{name}: f32 grad value"), gv32, gv, eps);
            let gmax = g.iter().fold(0.0f64, |s, t| s.max(t.abs()));
            assert_close_vec(&format!("{name}: f32 gradient"), &g32, &g, |i| {
                U32 * g[i].abs() + 1e-12 * gmax
            });
        }
        Precision::Sliced { directions, r } => {
            let (tol, gtol) = sliced_f32_tol(c, directions, *r, contract.magnitude);
            assert_close(&format!("{name}: f32 value"), v32, v.mmd2, tol);
            assert_close(&format!("{name}: f32 grad value"), gv32, gv, tol);
            if let Some(gtol) = gtol {
                assert_close_vec(&format!("{name}: f32 gradient"), &g32, &g, |i| gtol[i]);
            }
        }
    }

    // 5. baseline
    if let Some(base) = &contract.baseline {
        let tol = base.value_tol;
        let bv = base.est.estimate(&px, &py, Statistic::V).unwrap().mmd2;
        let bu = base.est.estimate(&px, &py, Statistic::U).unwrap().mmd2;
        assert_close(&format!("{name}: V vs baseline"), v.mmd2, bv, tol);
        assert_close(&format!("{name}: U vs baseline"), u.mmd2, bu, tol);
        let (_, bg) = base.est.grad(&px, &py).unwrap();
        let gmax = bg.iter().fold(0.0f64, |s, t| s.max(t.abs()));
        assert_close_vec(
            &format!("{name}: gradient vs baseline"),
            &g,
            &bg,
            |i| match &base.grad_tol {
                Some(t) => t[i],
                None => 1e-10 * gmax,
            },
        );
    }
}

/// Runs [`check_estimator`] for each `name => setup;`, where `setup`
/// evaluates to `(estimator, Contract)`.
macro_rules! estimator_contract {
    ($($name:ident => $setup:expr;)+) => {
        $(
            #[test]
            fn $name() {
                let (est, contract) = $setup;
                $crate::common::check_estimator(&est, &contract);
            }
        )+
    };
}
pub(crate) use estimator_contract;
