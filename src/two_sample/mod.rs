//! Two-sample permutation tests on any MMD² estimator.
//!
//! The statistic `T` is an MMD² estimate (V or U) of the observed samples;
//! `T_1..T_B` are the same estimate after `B` random relabelings of the
//! pooled sample (permutation `b` drawn from stream `b` of the seed, see
//! [`PermutationTest`]), and the p-value is
//!
//! ```text
//! p = (1 + #{b : T_b >= T}) / (1 + B)
//! ```
//!
//! which is a valid p-value (`P(p <= alpha) <= alpha` under the null) for any
//! `B ≥ 1`.
//!
//! Three ways to compute the null statistics, which give the same numbers to
//! rounding on the same permutations:
//!
//! | path | estimator | cost per permutation | memory |
//! |---|---|---|---|
//! | [`TestPath::Plain`] | any [`MmdEstimator`] | one full estimate | the estimator's |
//! | [`TestPath::SlicedSort`] | [`SlicedSort`], `r = 1` | `O(P (N+M))`, no projection or sort | `12 P (N+M)` bytes |
//! | [`TestPath::NaiveCached`] | [`Naive`] | `2 (N+M)²` flops (a matrix product) | `8 (N+M)²` bytes |
//! | [`TestPath::NaiveBlocked`] | [`Naive`], matrix over the budget | the same flops, kernel recomputed once per block of permutations | the memory budget |
//!
//! The library never prints: long runs take an optional progress callback,
//! called (from any thread) with the number of permutations done.

mod naive_cached;
mod permutation;
mod plain;
mod sliced_fast;

use crate::error::{MmdError, Result};
use crate::estimator::{Estimator, MmdEstimator, Naive, SlicedSort, Statistic};
use crate::float::Float;
use crate::kernel::Kernel;
use crate::points::Points;

/// A progress callback: called with the number of permutations done so far.
pub type Progress<'a> = dyn Fn(usize) + Sync + 'a;

/// Default number of permutations `B`.
pub const DEFAULT_PERMUTATIONS: usize = 1000;

/// Default memory budget of the cached kernel matrix: 2 GiB.
pub const DEFAULT_MEMORY_BUDGET: usize = 2 << 30;

/// How the null statistics were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TestPath {
    /// The estimator re-run on each permuted sample.
    Plain,
    /// Sliced-sort: the pooled sample projected and sorted once per direction.
    SlicedSort,
    /// Exact: the pooled kernel matrix computed once and kept.
    NaiveCached,
    /// Exact: the kernel matrix recomputed in row blocks (over the budget).
    NaiveBlocked,
}

/// A configured permutation test: number of permutations, seed, statistic
/// and memory budget. Immutable; run it on any number of sample pairs.
///
/// # Examples
/// ```
/// use sliced_mmd::two_sample::PermutationTest;
/// use sliced_mmd::{Estimator, Naive, Points, Riesz};
/// let x: Vec<f64> = (0..40).map(|i| i as f64 / 40.0).collect();
/// let y: Vec<f64> = (0..40).map(|i| 2.0 + i as f64 / 40.0).collect();
/// let (x, y) = (Points::from_1d(&x)?, Points::from_1d(&y)?);
/// let test = PermutationTest::new(99)?.seed(7);
/// let res = test.run(&Estimator::Naive(Naive::new(Riesz::energy().into())), &x, &y)?;
/// // disjoint samples: no relabeling is as extreme as the observed split
/// assert_eq!(res.p_value, 0.01);
/// assert!(res.reject(0.05)?);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PermutationTest {
    permutations: usize,
    seed: u64,
    statistic: Statistic,
    memory_budget: usize,
}

impl PermutationTest {
    /// A test with `permutations` random relabelings, seed 0, the
    /// V-statistic and the default memory budget.
    ///
    /// # Errors
    /// [`MmdError::InvalidPermutations`] if `permutations = 0`.
    pub fn new(permutations: usize) -> Result<Self> {
        if permutations == 0 {
            return Err(MmdError::InvalidPermutations { permutations });
        }
        Ok(PermutationTest {
            permutations,
            seed: 0,
            statistic: Statistic::V,
            memory_budget: DEFAULT_MEMORY_BUDGET,
        })
    }

    /// Seed of the permutations (permutation `b` uses stream `b`).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The statistic: V (default) or U.
    #[must_use]
    pub fn statistic(mut self, statistic: Statistic) -> Self {
        self.statistic = statistic;
        self
    }

    /// Largest kernel matrix (bytes, `8 (N+M)²`) the naive path keeps in
    /// memory; above it the matrix is recomputed in row blocks that fit.
    ///
    /// # Errors
    /// [`MmdError::InvalidSize`] if `bytes = 0`.
    pub fn memory_budget(mut self, bytes: usize) -> Result<Self> {
        if bytes == 0 {
            return Err(MmdError::InvalidSize {
                what: "memory budget",
                value: bytes,
            });
        }
        self.memory_budget = bytes;
        Ok(self)
    }

    /// Number of permutations `B`.
    pub fn permutations(&self) -> usize {
        self.permutations
    }

    /// Run the test with the fastest path for the estimator: cached kernel
    /// matrix for [`Naive`], stored sorted projections for [`SlicedSort`]
    /// with `r = 1`, the plain path otherwise.
    ///
    /// # Errors
    /// As [`MmdEstimator::estimate`].
    pub fn run<F: Float>(
        &self,
        estimator: &Estimator,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
    ) -> Result<TestResult> {
        self.run_with_progress(estimator, x, y, None)
    }

    /// [`PermutationTest::run`] with a progress callback.
    ///
    /// # Errors
    /// As [`MmdEstimator::estimate`].
    pub fn run_with_progress<F: Float>(
        &self,
        estimator: &Estimator,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        progress: Option<&Progress<'_>>,
    ) -> Result<TestResult> {
        match estimator {
            Estimator::Naive(e) => self.run_naive(e, x, y, progress),
            Estimator::SlicedSort(e) => self.run_sliced(e, x, y, progress),
            Estimator::Features(e) => self.run_plain(e, x, y, progress),
        }
    }

    /// The plain path: re-run `estimator` on every permuted sample (X' the
    /// first `N` points of the relabeled pooled sample, Y' the rest). Works
    /// for any estimator; the reference the fast paths are checked against.
    ///
    /// # Errors
    /// As [`MmdEstimator::estimate`].
    pub fn run_plain<F: Float, E: MmdEstimator<F> + ?Sized>(
        &self,
        estimator: &E,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        progress: Option<&Progress<'_>>,
    ) -> Result<TestResult> {
        let t = plain::statistic(estimator, x, y, self.statistic)?;
        let null = plain::null(self, estimator, x, y, progress)?;
        Ok(TestResult::new(t, null, TestPath::Plain))
    }

    /// The sliced-sort fast path: project and sort the pooled sample once
    /// per direction, then evaluate every permutation on the stored orders,
    /// `O(P (N+M))` each (64 permutations per pass, labels packed in bits).
    /// Same directions and permutations as the plain path with `estimator`.
    /// For `r ≠ 1` (no sorting shortcut) this is the plain path.
    ///
    /// # Errors
    /// As [`MmdEstimator::estimate`]; [`MmdError::Unsupported`] for more than
    /// `2³² - 1` pooled points.
    pub fn run_sliced<F: Float>(
        &self,
        estimator: &SlicedSort,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        progress: Option<&Progress<'_>>,
    ) -> Result<TestResult> {
        if estimator.riesz().r() != 1.0 {
            return self.run_plain(estimator, x, y, progress);
        }
        let (t, null) = sliced_fast::run(self, estimator, x, y, progress)?;
        Ok(TestResult::new(t, null, TestPath::SlicedSort))
    }

    /// The exact fast path for any kernel: the pooled kernel matrix `K` (in
    /// `f64`) computed once when `8 (N+M)²` bytes fit the memory budget
    /// (else recomputed in row blocks), and each block of permutations one
    /// matrix product `K E` with the 0/1 label matrix `E`.
    ///
    /// # Errors
    /// As [`MmdEstimator::estimate`].
    pub fn run_naive<F: Float, K: Kernel<F>>(
        &self,
        estimator: &Naive<K>,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        progress: Option<&Progress<'_>>,
    ) -> Result<TestResult> {
        let (t, null, path) = naive_cached::run(self, estimator.kernel(), x, y, progress)?;
        Ok(TestResult::new(t, null, path))
    }
}

/// Check a significance level: finite and in `(0, 1)`.
///
/// # Errors
/// [`MmdError::InvalidAlpha`] otherwise.
pub fn check_alpha(alpha: f64) -> Result<f64> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(alpha)
    } else {
        Err(MmdError::InvalidAlpha { alpha })
    }
}

/// The outcome of a permutation test.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    /// The observed statistic `T`: the unscaled MMD² estimate (V or U).
    pub statistic: f64,
    /// `(1 + #{b : T_b >= T}) / (1 + B)`, in `[1/(1+B), 1]`.
    pub p_value: f64,
    /// Number of permutations `B`.
    pub permutations: usize,
    /// The null statistics `T_1..T_B`, in permutation order.
    pub null: Vec<f64>,
    /// How they were computed.
    pub path: TestPath,
}

impl TestResult {
    fn new(statistic: f64, null: Vec<f64>, path: TestPath) -> Self {
        let b = null.len();
        let exceed = null.iter().filter(|&&t| t >= statistic).count();
        TestResult {
            statistic,
            p_value: (1 + exceed) as f64 / (1 + b) as f64,
            permutations: b,
            null,
            path,
        }
    }

    /// Whether the test rejects at level `alpha`: `p_value <= alpha`.
    ///
    /// # Errors
    /// [`MmdError::InvalidAlpha`] unless `0 < alpha < 1`.
    pub fn reject(&self, alpha: f64) -> Result<bool> {
        Ok(self.p_value <= check_alpha(alpha)?)
    }
}

/// Shared checks of the two samples for `stat`.
fn check_inputs<F: Float>(x: &Points<'_, F>, y: &Points<'_, F>, stat: Statistic) -> Result<()> {
    crate::points::check_pair(x, y)?;
    crate::sort1d::check_statistic(stat, x.n(), y.n())?;
    if u32::try_from(x.n() + y.n()).is_err() {
        return Err(MmdError::Unsupported {
            estimator: "permutation test",
            what: "more than 2^32 - 1 points in total",
        });
    }
    Ok(())
}

/// The MMD² statistic from the three pair sums of a split:
/// `sxx = Σ_{i,k∈X} K`, `syy`, `sxy`, and the diagonal sums `dx`, `dy`.
fn combine(stat: Statistic, n: usize, m: usize, s: [f64; 5]) -> f64 {
    let [sxx, dx, syy, dy, sxy] = s;
    let (nf, mf) = (n as f64, m as f64);
    let cross = 2.0 * sxy / (nf * mf);
    match stat {
        Statistic::V => sxx / (nf * nf) + syy / (mf * mf) - cross,
        Statistic::U => (sxx - dx) / (nf * (nf - 1.0)) + (syy - dy) / (mf * (mf - 1.0)) - cross,
    }
}
