//! Kernels `K(x, y)` on `R^d`, with their gradient in the first argument.
//!
//! | kernel | `K(x, y)` | parameter |
//! |---|---|---|
//! | [`Riesz`] | `-‖x-y‖^r` | `r ∈ (0, 2)` (`r = 1`: energy distance) |
//! | [`Gaussian`] | `exp(-‖x-y‖² / (2σ²))` | `σ > 0` |
//! | [`Laplace`] | `exp(-‖x-y‖ / σ)` | `σ > 0` |
//! | [`SlicedKernel`] | `1/(c_{d,r} P) Σ_p -|<ξ_p,x> - <ξ_p,y>|^r` | fixed unit directions `ξ_p` |
//!
//! Kernel values and gradients are computed in `f64` whatever the data type.

mod bandwidth;
mod gaussian;
mod laplace;
mod riesz;
mod sliced;

pub use bandwidth::median_heuristic;
pub use gaussian::Gaussian;
pub use laplace::Laplace;
pub use riesz::Riesz;
pub use sliced::SlicedKernel;

use crate::error::Result;
use crate::float::Float;

/// A symmetric kernel on `R^d`.
///
/// One required primitive evaluates `K(x, y)`; the gradient accumulates
/// `w ∇_x K(x, y)` into a caller buffer so that estimators can sum many
/// pairs without allocating.
pub trait Kernel<F: Float>: Send + Sync {
    /// A bare lowercase name: `riesz`, `gaussian`, `laplace`, `sliced`.
    fn name(&self) -> &'static str;

    /// `K(x, y)` for two points of the same dimension.
    fn eval(&self, x: &[F], y: &[F]) -> f64;

    /// `out += w ∇_x K(x, y)`; at `x = y` (and wherever `K` is not
    /// differentiable) the convention `sign(0) = 0` gives a zero gradient.
    fn grad_acc(&self, x: &[F], y: &[F], w: f64, out: &mut [f64]);

    /// Whether the kernel can be used on data of dimension `d`.
    ///
    /// # Errors
    /// A kernel with a fixed dimension (the sliced kernel) returns
    /// [`crate::MmdError::DirectionDimension`] for any other `d`.
    fn check_dim(&self, d: usize) -> Result<()> {
        let _ = d;
        Ok(())
    }

    /// `Some(r)` if this kernel is the Riesz kernel `-‖x - y‖^r`, so that
    /// estimators may use loops specialised to it (the exact estimator has
    /// a blocked SIMD loop for `r = 1`); `None`, the default, otherwise.
    fn riesz_exponent(&self) -> Option<f64> {
        None
    }
}

/// Squares of differences above this (or below [`TINY`]) are recomputed with
/// scaling, so that distances of huge or tiny data neither overflow nor
/// underflow.
const HUGE: f64 = 1e290;
const TINY: f64 = 1e-290;

/// `‖x - y‖` in `f64`, without overflow or underflow for any finite data.
///
/// The plain sum of squares is used when it lies safely inside the range
/// of `f64`; otherwise the differences are scaled by their largest
/// magnitude first (as `hypot` does).
#[inline]
pub(crate) fn dist<F: Float>(x: &[F], y: &[F]) -> f64 {
    let s: f64 = x
        .iter()
        .zip(y)
        .map(|(&a, &b)| {
            let t = a.as_f64() - b.as_f64();
            t * t
        })
        .sum();
    if (TINY..=HUGE).contains(&s) {
        return s.sqrt();
    }
    let big = x
        .iter()
        .zip(y)
        .map(|(&a, &b)| (a.as_f64() - b.as_f64()).abs())
        .fold(0.0, f64::max);
    if big == 0.0 || !big.is_finite() {
        return big;
    }
    let s: f64 = x
        .iter()
        .zip(y)
        .map(|(&a, &b)| {
            let t = (a.as_f64() - b.as_f64()) / big;
            t * t
        })
        .sum();
    big * s.sqrt()
}

/// `out += c (x - y) / t`, where `t = ‖x - y‖ > 0`: `c` times the unit
/// vector from `y` to `x`.
#[inline]
pub(crate) fn axpy_unit<F: Float>(c: f64, x: &[F], y: &[F], t: f64, out: &mut [f64]) {
    for ((o, &a), &b) in out.iter_mut().zip(x).zip(y) {
        *o += c * ((a.as_f64() - b.as_f64()) / t);
    }
}

/// A kernel chosen at run time (for example from a command line).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AnyKernel {
    /// See [`Riesz`].
    Riesz(Riesz),
    /// See [`Gaussian`].
    Gaussian(Gaussian),
    /// See [`Laplace`].
    Laplace(Laplace),
    /// See [`SlicedKernel`].
    Sliced(SlicedKernel),
}

macro_rules! dispatch {
    ($self:ident, $k:ident => $e:expr) => {
        match $self {
            AnyKernel::Riesz($k) => $e,
            AnyKernel::Gaussian($k) => $e,
            AnyKernel::Laplace($k) => $e,
            AnyKernel::Sliced($k) => $e,
        }
    };
}

impl<F: Float> Kernel<F> for AnyKernel {
    fn name(&self) -> &'static str {
        dispatch!(self, k => Kernel::<F>::name(k))
    }
    fn eval(&self, x: &[F], y: &[F]) -> f64 {
        dispatch!(self, k => k.eval(x, y))
    }
    fn grad_acc(&self, x: &[F], y: &[F], w: f64, out: &mut [f64]) {
        dispatch!(self, k => k.grad_acc(x, y, w, out))
    }
    fn check_dim(&self, d: usize) -> Result<()> {
        dispatch!(self, k => Kernel::<F>::check_dim(k, d))
    }
    fn riesz_exponent(&self) -> Option<f64> {
        dispatch!(self, k => Kernel::<F>::riesz_exponent(k))
    }
}

impl From<Riesz> for AnyKernel {
    fn from(k: Riesz) -> Self {
        AnyKernel::Riesz(k)
    }
}
impl From<Gaussian> for AnyKernel {
    fn from(k: Gaussian) -> Self {
        AnyKernel::Gaussian(k)
    }
}
impl From<Laplace> for AnyKernel {
    fn from(k: Laplace) -> Self {
        AnyKernel::Laplace(k)
    }
}
impl From<SlicedKernel> for AnyKernel {
    fn from(k: SlicedKernel) -> Self {
        AnyKernel::Sliced(k)
    }
}
