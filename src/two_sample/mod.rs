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
//! Four ways to compute the null statistics, which give the same numbers to
//! rounding on the same permutations:
//!
//! | path | estimator | cost per permutation | memory |
//! |---|---|---|---|
//! | [`TestPath::Plain`] | any [`MmdEstimator`] | one full estimate | the estimator's |
//! | [`TestPath::SlicedSort`] | [`crate::SlicedSort`], `r = 1` | `O(P (N+M))`, no projection or sort | `12 P (N+M)` bytes |
//! | [`TestPath::NaiveCached`] | [`crate::Naive`] | `2 (N+M)²` flops (a matrix product) | `8 (N+M)²` bytes |
//! | [`TestPath::NaiveBlocked`] | [`crate::Naive`], matrix over the budget | the same flops, kernel recomputed once per block of permutations | the memory budget |
//!
//! [`PermutationTest::run`] picks the path from the estimator's
//! [`MmdEstimator::shortcut`]; [`PermutationTest::run_plain`] forces the
//! plain one.
//!
//! The library never prints: long runs take an optional progress callback,
//! called (from any thread) with the number of permutations done.

mod naive_cached;
mod permutation;
mod plain;
mod sliced_fast;

use crate::error::{MmdError, Result};
use crate::estimator::{MmdEstimator, Shortcut};
use crate::float::Float;
use crate::points::Points;
use crate::sort1d::check_slice_len;
use crate::statistic::{check_statistic, Statistic};

/// A progress callback: called with the number of permutations done so far.
pub type Progress<'a> = dyn Fn(usize) + Sync + 'a;

/// Default number of permutations `B`.
pub const DEFAULT_PERMUTATIONS: usize = 1000;

/// Default significance level of [`TestResult::rejected`].
pub const DEFAULT_ALPHA: f64 = 0.05;

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

/// A configured permutation test: number of permutations, seed and
/// memory budget. Immutable; run it on any number of sample pairs, with
/// any estimator and either statistic.
///
/// # Examples
/// ```
/// use sliced_mmd::{Naive, PermutationTest, Points, Riesz, Statistic};
/// let x: Vec<f64> = (0..40).map(|i| i as f64 / 40.0).collect();
/// let y: Vec<f64> = (0..40).map(|i| 2.0 + i as f64 / 40.0).collect();
/// let (x, y) = (Points::from_1d(&x)?, Points::from_1d(&y)?);
/// let test = PermutationTest::new(99)?.with_seed(7);
/// let res = test.run(&Naive::new(Riesz::energy()), &x, &y, Statistic::V)?;
/// // disjoint samples: no relabeling is as extreme as the observed split
/// assert_eq!(res.p_value, 0.01);
/// assert!(res.reject(0.05)?);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PermutationTest {
    permutations: usize,
    seed: u64,
    memory_budget: usize,
    alpha: f64,
}

impl PermutationTest {
    /// A test with `permutations` random relabelings, seed 0 and the
    /// default memory budget.
    ///
    /// # Errors
    /// [`MmdError::InvalidCount`] if `permutations = 0`.
    pub fn new(permutations: usize) -> Result<Self> {
        if permutations == 0 {
            return Err(MmdError::InvalidCount {
                what: "number of permutations B",
                value: 0,
                min: 1,
            });
        }
        Ok(PermutationTest {
            permutations,
            seed: 0,
            memory_budget: DEFAULT_MEMORY_BUDGET,
            alpha: DEFAULT_ALPHA,
        })
    }

    /// The seed of the permutations (default 0; permutation `b` uses stream `b`).
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Largest kernel matrix (bytes, `8 (N+M)²`) the exact path keeps in
    /// memory (default [`DEFAULT_MEMORY_BUDGET`]); above it the matrix is
    /// recomputed in row blocks that fit. A budget of 0 is reported by
    /// [`PermutationTest::run`] ([`MmdError::InvalidCount`]).
    #[must_use]
    pub fn with_memory_budget(mut self, bytes: usize) -> Self {
        self.memory_budget = bytes;
        self
    }

    /// The significance level of [`TestResult::rejected`] (default
    /// [`DEFAULT_ALPHA`]). A level outside `(0, 1)` is reported by
    /// [`PermutationTest::run`] before any permutation
    /// ([`MmdError::InvalidAlpha`]).
    #[must_use]
    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// The significance level.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Number of permutations `B`.
    pub fn permutations(&self) -> usize {
        self.permutations
    }

    /// The seed of the permutations.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The memory budget of the exact path, in bytes.
    pub fn memory_budget(&self) -> usize {
        self.memory_budget
    }

    /// Run the test of `stat` with `estimator`, by the fastest path the
    /// estimator offers ([`MmdEstimator::shortcut`]): the cached pooled
    /// kernel matrix for exact pair sums ([`crate::Naive`]), the stored
    /// sorted projections for sliced-sort with `r = 1`, and otherwise the
    /// plain path, which re-runs the estimator on each relabeling.
    ///
    /// # Errors
    /// As [`MmdEstimator::estimate`]; [`MmdError::InvalidCount`] for a
    /// memory budget of 0; [`MmdError::InvalidAlpha`] for a level outside
    /// `(0, 1)`; [`MmdError::TooLarge`] for more than `2³² - 1` pooled
    /// points.
    pub fn run<F: Float, E: MmdEstimator<F> + ?Sized>(
        &self,
        estimator: &E,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        stat: Statistic,
    ) -> Result<TestResult> {
        self.run_with_progress(estimator, x, y, stat, None)
    }

    /// [`PermutationTest::run`] with a progress callback.
    ///
    /// # Errors
    /// As [`PermutationTest::run`].
    pub fn run_with_progress<F: Float, E: MmdEstimator<F> + ?Sized>(
        &self,
        estimator: &E,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        stat: Statistic,
        progress: Option<&Progress<'_>>,
    ) -> Result<TestResult> {
        self.check_settings()?;
        match estimator.shortcut() {
            Shortcut::PairSums(kernel) => {
                let (t, null, path) = naive_cached::run(self, kernel, x, y, stat, progress)?;
                Ok(TestResult::new(t, null, path, self.alpha))
            }
            Shortcut::SortedSlices(sliced) => {
                let (t, null) = sliced_fast::run(self, sliced, x, y, stat, progress)?;
                Ok(TestResult::new(t, null, TestPath::SlicedSort, self.alpha))
            }
            _ => self.run_plain(estimator, x, y, stat, progress),
        }
    }

    /// The plain path: re-run `estimator` on every permuted sample (X' the
    /// first `N` points of the relabeled pooled sample, Y' the rest). Works
    /// for any estimator; the reference the fast paths are checked against
    /// (same permutations, same numbers to rounding).
    ///
    /// # Errors
    /// As [`PermutationTest::run`].
    pub fn run_plain<F: Float, E: MmdEstimator<F> + ?Sized>(
        &self,
        estimator: &E,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        stat: Statistic,
        progress: Option<&Progress<'_>>,
    ) -> Result<TestResult> {
        self.check_settings()?;
        let t = plain::statistic(estimator, x, y, stat)?;
        let null = plain::null(self, estimator, x, y, stat, progress)?;
        Ok(TestResult::new(t, null, TestPath::Plain, self.alpha))
    }

    fn check_settings(&self) -> Result<()> {
        check_alpha(self.alpha)?;
        if self.memory_budget == 0 {
            return Err(MmdError::InvalidCount {
                what: "memory budget (bytes)",
                value: 0,
                min: 1,
            });
        }
        Ok(())
    }
}

/// Check a significance level: finite and in `(0, 1)`.
pub(crate) fn check_alpha(alpha: f64) -> Result<f64> {
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
    /// The level of the test ([`PermutationTest::with_alpha`]).
    pub alpha: f64,
    /// Whether the test rejects at that level: `p_value <= alpha`.
    pub rejected: bool,
}

impl TestResult {
    fn new(statistic: f64, null: Vec<f64>, path: TestPath, alpha: f64) -> Self {
        let b = null.len();
        let exceed = null.iter().filter(|&&t| t >= statistic).count();
        let p_value = (1 + exceed) as f64 / (1 + b) as f64;
        TestResult {
            statistic,
            p_value,
            permutations: b,
            null,
            path,
            alpha,
            rejected: p_value <= alpha,
        }
    }

    /// Whether the test rejects at another level `alpha`: `p_value <= alpha`.
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
    check_statistic(stat, x.n(), y.n())?;
    check_slice_len("pooled points of a permutation test", x.n() + y.n())
}
