//! MMD² estimators: one trait, several strategies.
//!
//! | strategy | kernels | value | gradient | time | memory |
//! |---|---|---|---|---|---|
//! | [`Naive`] | any | exact | exact | `O((N+M)² d)` | `O((N+M) d)` |
//! | [`SlicedSort`], `r = 1` | Riesz | unbiased, error `O(√(d/P))` | sliced | `O(P (N+M) (d + log(N+M)))` | `O((N+M) chunk)` |
//! | [`SlicedSort`], `r ≠ 1` | Riesz | unbiased | sliced | `O(P (N+M)²)` (slow) | `O((N+M) chunk)` |
//! | [`RandomFeatures`] | Gaussian, Laplace | unbiased for V and U, error `O(1/√D)` | unbiased | `O(D (N+M) d)` | `O((N+M) chunk + chunk d)` |
//! | [`RandomFeatures`] | Riesz `r = 1` | unbiased for V and U, error `O(1/√D)` | sliced | `O(D (N+M) d)` (value) | `O((N+M) chunk + D d)` |

pub(crate) mod gemm;
mod naive;
mod naive_simd;
mod random_features;
mod sliced_sort;

pub use naive::{Arithmetic, Naive};
pub use random_features::{RandomFeatures, DEFAULT_FEATURES};
pub use sliced_sort::{SlicedSort, Timings, CHUNK_MEMORY};

use crate::error::{MmdError, Result};
use crate::float::Float;
use crate::kernel::AnyKernel;
use crate::points::Points;

/// Which estimate of MMD² to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Statistic {
    /// The V-statistic: MMD² of the two empirical measures. Never negative;
    /// what a flow minimises. The default.
    #[default]
    V,
    /// The U-statistic: within-sample sums over `i ≠ k`, divided by
    /// `N(N-1)` and `M(M-1)`. Unbiased; can be negative. Needs `N, M ≥ 2`.
    U,
}

/// An MMD² estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The estimate of MMD².
    pub mmd2: f64,
    /// For Monte Carlo estimators, the standard error of `mmd2` estimated
    /// from the estimator's own independent terms (for example the spread
    /// of the per-slice values over `√P`); `None` for exact estimators.
    pub std_error: Option<f64>,
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
    /// `(N+M)² ≤ 10⁸`, else sliced-sort for the Riesz kernel (with `sliced`
    /// configuring its slices, seed and direction design) and
    /// [`RandomFeatures`] with [`DEFAULT_FEATURES`] features (and the seed of
    /// `sliced`) for the Gaussian and Laplace kernels.
    ///
    /// # Errors
    /// None at present for the kernels of [`AnyKernel`]; kept fallible for
    /// kernels without a fast estimator.
    pub fn auto(kernel: AnyKernel, n: usize, m: usize, sliced: SlicedSort) -> Result<Self> {
        Self::auto_with_features(kernel, n, m, sliced, DEFAULT_FEATURES)
    }

    /// As [`Estimator::auto`], with `features` random features for the
    /// Gaussian and Laplace kernels.
    ///
    /// # Errors
    /// [`MmdError::InvalidSize`] if `features = 0` and the features are chosen.
    pub fn auto_with_features(
        kernel: AnyKernel,
        n: usize,
        m: usize,
        sliced: SlicedSort,
        features: usize,
    ) -> Result<Self> {
        let l = (n + m) as u128;
        if l * l <= AUTO_NAIVE_LIMIT {
            return Ok(Estimator::Naive(Naive::new(kernel)));
        }
        match kernel {
            AnyKernel::Riesz(k) => Ok(Estimator::SlicedSort(sliced.kernel(k))),
            AnyKernel::Gaussian(_) | AnyKernel::Laplace(_) => {
                let seed = sliced.seed_value();
                Ok(Estimator::Features(
                    RandomFeatures::new(kernel, features)?.seed(seed),
                ))
            }
            AnyKernel::Sliced(_) => Ok(Estimator::Naive(Naive::new(kernel))),
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
}
