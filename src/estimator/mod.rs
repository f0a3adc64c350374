//! MMD² estimators: one trait, several strategies.
//!
//! | strategy | kernels | value | gradient | time | memory |
//! |---|---|---|---|---|---|
//! | [`Naive`] | any | exact | exact | `O((N+M)² d)` | `O((N+M) d)` |
//! | [`SlicedSort`], `r = 1` | Riesz | unbiased, error `O(√(d/P))` | sliced | `O(P (N+M) (d + log(N+M)))` | `O((N+M) chunk)` |
//! | [`SlicedSort`], `r ≠ 1` | Riesz | unbiased | sliced | `O(P (N+M)²)` (slow) | `O((N+M) chunk)` |
//! | [`RandomFeatures`] | Gaussian, Laplace | unbiased for V and U, error `O(1/√D)` | unbiased | `O(D (N+M) d)` | `O((N+M) chunk + chunk d)` |
//! | [`RandomFeatures`] | Riesz `r = 1` | unbiased for V and U, error `O(1/√D)` | sliced | `O(D (N+M) d)` (value) | `O((N+M) chunk + D d)` |

mod naive;
mod naive_simd;
mod random_features;
mod sliced_sort;

pub use naive::{Arithmetic, Naive};
pub use random_features::{RandomFeatures, DEFAULT_FEATURES};
pub use sliced_sort::{SlicedSort, Timings, CHUNK_MEMORY};

use crate::error::{MmdError, Result};
use crate::float::Float;
use crate::kernel::{AnyKernel, Kernel};
use crate::points::Points;
use crate::statistic::{Estimate, Statistic};

/// What a caller that evaluates many relabelings of one pooled sample (a
/// permutation test) may reuse instead of running the estimator on each,
/// as reported by [`MmdEstimator::shortcut`].
#[non_exhaustive]
pub enum Shortcut<'a, F: Float> {
    /// Nothing: run the estimator on every relabeling.
    None,
    /// The estimate is the exact pair-sum MMD² of this kernel, so the
    /// pooled kernel matrix can be computed once and kept.
    PairSums(&'a dyn Kernel<F>),
    /// The estimate is the sliced energy MMD² of these settings (`r = 1`),
    /// so the pooled sample can be projected and sorted once per direction.
    SortedSlices(&'a SlicedSort),
}

impl<F: Float> std::fmt::Debug for Shortcut<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shortcut::None => f.write_str("None"),
            Shortcut::PairSums(k) => write!(f, "PairSums({})", k.name()),
            Shortcut::SortedSlices(e) => f.debug_tuple("SortedSlices").field(e).finish(),
        }
    }
}

/// An estimator whose random draws (directions, features) a flow can
/// replace at every step.
///
/// # Examples
/// ```
/// use sliced_mmd::{Reseed, SlicedSort};
/// let mut est = SlicedSort::new(10)?;
/// est.reseed(42);
/// assert_eq!(est.seed(), 42);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
pub trait Reseed {
    /// Take the random draws from `seed` from now on. Deterministic
    /// estimators ignore it.
    fn reseed(&mut self, seed: u64);
}

/// A strategy that estimates MMD² of two samples and its gradient.
///
/// Implementations validate their configuration when they are built; the
/// methods only check the data (dimension match, sample sizes).
pub trait MmdEstimator<F: Float>: Send + Sync {
    /// A bare lowercase name: `naive`, `sliced`, ...
    fn name(&self) -> &'static str;

    /// Estimate MMD²(X, Y) as a V- or U-statistic.
    ///
    /// # Errors
    /// [`MmdError::DimensionMismatch`], [`MmdError::TooFewForUnbiased`] for
    /// the U-statistic with a sample of one point, and strategy-specific
    /// errors (for example a kernel the strategy does not handle).
    fn estimate(&self, x: &Points<'_, F>, y: &Points<'_, F>, stat: Statistic) -> Result<Estimate>;

    /// Whether [`MmdEstimator::grad_into`] is available.
    fn has_gradient(&self) -> bool {
        true
    }

    /// What a permutation test may reuse across relabelings of the pooled
    /// sample (default [`Shortcut::None`]). An estimator that reports a
    /// shortcut promises that the shortcut computes its own estimate.
    fn shortcut(&self) -> Shortcut<'_, F> {
        Shortcut::None
    }

    /// Write the gradient of the V-statistic MMD² with respect to the points
    /// of X into `out` (row-major `N x d`), and return the V-statistic.
    ///
    /// # Errors
    /// As [`MmdEstimator::estimate`], and [`MmdError::BufferLength`] if
    /// `out.len() != N d`.
    fn grad_into(&self, x: &Points<'_, F>, y: &Points<'_, F>, out: &mut [F]) -> Result<f64>;

    /// The V-statistic MMD² (a convenience over [`MmdEstimator::estimate`]).
    ///
    /// # Errors
    /// As [`MmdEstimator::estimate`].
    fn mmd2(&self, x: &Points<'_, F>, y: &Points<'_, F>) -> Result<f64> {
        Ok(self.estimate(x, y, Statistic::V)?.mmd2)
    }

    /// The V-statistic and its gradient in a new `N x d` row-major buffer.
    ///
    /// # Errors
    /// As [`MmdEstimator::grad_into`].
    fn grad(&self, x: &Points<'_, F>, y: &Points<'_, F>) -> Result<(f64, Vec<F>)> {
        let mut out = vec![F::zero(); x.n() * x.d()];
        let v = self.grad_into(x, y, &mut out)?;
        Ok((v, out))
    }
}

/// Check an output buffer for an `n x d` gradient.
pub(crate) fn check_buffer(len: usize, n: usize, d: usize) -> Result<()> {
    if len != n * d {
        return Err(MmdError::BufferLength {
            got: len,
            expected: n * d,
        });
    }
    Ok(())
}

/// Check a chunk size set by a `with_chunk_size` setter.
pub(crate) fn check_chunk(chunk: usize) -> Result<()> {
    if chunk == 0 {
        return Err(MmdError::InvalidCount {
            what: "chunk size",
            value: 0,
            min: 1,
        });
    }
    Ok(())
}

/// Turn a non-finite value or gradient into [`MmdError::Overflow`].
pub(crate) fn check_finite<F: Float>(
    estimator: &'static str,
    value: f64,
    grad: &[F],
) -> Result<f64> {
    if value.is_finite() && grad.iter().all(|g| g.is_finite()) {
        Ok(value)
    } else {
        Err(MmdError::Overflow { estimator })
    }
}

/// An estimator chosen at run time.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Estimator {
    /// Exact pair sums, see [`Naive`].
    Naive(Naive<AnyKernel>),
    /// Sliced Riesz MMD by sorting, see [`SlicedSort`].
    SlicedSort(SlicedSort),
    /// Random features, see [`RandomFeatures`].
    Features(RandomFeatures),
}

/// Largest `(N+M)²` for which [`Estimator::auto`] picks the exact estimator.
pub const AUTO_NAIVE_LIMIT: u128 = 100_000_000;

impl Estimator {
    /// The choice of the `smmd` default `--estimator auto`: exact while
    /// `(N+M)² ≤ 10⁸`, else sliced-sort for the energy kernel (Riesz `r = 1`,
    /// with `sliced` configuring its slices, seed and direction design) and
    /// [`RandomFeatures`] with [`DEFAULT_FEATURES`] features (and the seed of
    /// `sliced`) for the Gaussian and Laplace kernels. Riesz kernels with
    /// `r ≠ 1` (whose slices have no sorting shortcut, so the sliced
    /// estimator would cost more than the exact one) and the sliced kernel
    /// always get the exact estimator.
    ///
    /// # Examples
    /// ```
    /// use sliced_mmd::{Estimator, MmdEstimator, Riesz, SlicedSort};
    /// let sliced = SlicedSort::new(100)?;
    /// let small = Estimator::auto(Riesz::energy().into(), 1000, 1000, sliced.clone());
    /// let large = Estimator::auto(Riesz::energy().into(), 10_000, 10_000, sliced);
    /// assert_eq!(MmdEstimator::<f64>::name(&small), "naive");
    /// assert_eq!(MmdEstimator::<f64>::name(&large), "sliced");
    /// # Ok::<(), sliced_mmd::MmdError>(())
    /// ```
    pub fn auto(kernel: AnyKernel, n: usize, m: usize, sliced: SlicedSort) -> Self {
        let features = RandomFeatures::from_parts(kernel.clone(), DEFAULT_FEATURES);
        Self::choose(kernel, n, m, sliced, features)
    }

    /// As [`Estimator::auto`], with `features` random features for the
    /// Gaussian and Laplace kernels.
    ///
    /// # Errors
    /// [`MmdError::InvalidCount`] if `features = 0` and the features are chosen.
    pub fn auto_with_features(
        kernel: AnyKernel,
        n: usize,
        m: usize,
        sliced: SlicedSort,
        features: usize,
    ) -> Result<Self> {
        let chosen = Self::choose(
            kernel.clone(),
            n,
            m,
            sliced,
            RandomFeatures::from_parts(kernel, features),
        );
        if matches!(chosen, Estimator::Features(_)) && features == 0 {
            return Err(MmdError::InvalidCount {
                what: "number of features D",
                value: 0,
                min: 1,
            });
        }
        Ok(chosen)
    }

    fn choose(
        kernel: AnyKernel,
        n: usize,
        m: usize,
        sliced: SlicedSort,
        features: Option<RandomFeatures>,
    ) -> Self {
        let l = (n + m) as u128;
        if l * l <= AUTO_NAIVE_LIMIT {
            return Estimator::Naive(Naive::new(kernel));
        }
        match (kernel, features) {
            // r = 1 only: for other r each slice sums all pairs, slower than exact
            (AnyKernel::Riesz(k), _) if k.r() == 1.0 => {
                Estimator::SlicedSort(sliced.with_kernel(k))
            }
            (_, Some(f)) => Estimator::Features(f.with_seed(sliced.seed())),
            (kernel, None) => Estimator::Naive(Naive::new(kernel)),
        }
    }
}

impl Reseed for Estimator {
    fn reseed(&mut self, seed: u64) {
        match self {
            Estimator::Naive(e) => e.reseed(seed),
            Estimator::SlicedSort(e) => e.reseed(seed),
            Estimator::Features(e) => e.reseed(seed),
        }
    }
}

impl<F: Float> MmdEstimator<F> for Estimator {
    fn name(&self) -> &'static str {
        match self {
            Estimator::Naive(e) => MmdEstimator::<F>::name(e),
            Estimator::SlicedSort(e) => MmdEstimator::<F>::name(e),
            Estimator::Features(e) => MmdEstimator::<F>::name(e),
        }
    }

    fn estimate(&self, x: &Points<'_, F>, y: &Points<'_, F>, stat: Statistic) -> Result<Estimate> {
        match self {
            Estimator::Naive(e) => e.estimate(x, y, stat),
            Estimator::SlicedSort(e) => e.estimate(x, y, stat),
            Estimator::Features(e) => e.estimate(x, y, stat),
        }
    }

    fn has_gradient(&self) -> bool {
        match self {
            Estimator::Naive(e) => MmdEstimator::<F>::has_gradient(e),
            Estimator::SlicedSort(e) => MmdEstimator::<F>::has_gradient(e),
            Estimator::Features(e) => MmdEstimator::<F>::has_gradient(e),
        }
    }

    fn grad_into(&self, x: &Points<'_, F>, y: &Points<'_, F>, out: &mut [F]) -> Result<f64> {
        match self {
            Estimator::Naive(e) => e.grad_into(x, y, out),
            Estimator::SlicedSort(e) => e.grad_into(x, y, out),
            Estimator::Features(e) => e.grad_into(x, y, out),
        }
    }

    fn shortcut(&self) -> Shortcut<'_, F> {
        match self {
            Estimator::Naive(e) => MmdEstimator::<F>::shortcut(e),
            Estimator::SlicedSort(e) => MmdEstimator::<F>::shortcut(e),
            Estimator::Features(e) => MmdEstimator::<F>::shortcut(e),
        }
    }
}
