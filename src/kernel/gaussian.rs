use super::{axpy_unit, dist, Kernel};
use crate::error::{MmdError, Result};
use crate::float::Float;

/// The Gaussian kernel `K(x, y) = exp(-‖x - y‖² / (2σ²))`.
///
/// Gradient: `∇_x K = -K(x, y) (x - y) / σ²`.
///
/// # Examples
/// ```
/// use sliced_mmd::{Gaussian, Kernel};
/// let k = Gaussian::new(1.0)?;
/// let v = Kernel::<f64>::eval(&k, &[0.0], &[2.0]);
/// assert!((v - (-2.0f64).exp()).abs() < 1e-15);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gaussian {
    sigma: f64,
}

impl Gaussian {
    /// The Gaussian kernel of bandwidth `sigma`.
    ///
    /// # Errors
    /// [`MmdError::InvalidBandwidth`] unless `sigma` is finite and positive.
    pub fn new(sigma: f64) -> Result<Self> {
        if sigma > 0.0 && sigma.is_finite() {
            Ok(Gaussian { sigma })
        } else {
            Err(MmdError::InvalidBandwidth { sigma })
        }
    }

    /// The bandwidth `σ`.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }
}

impl<F: Float> Kernel<F> for Gaussian {
    fn name(&self) -> &'static str {
        "gaussian"
    }

    fn eval(&self, x: &[F], y: &[F]) -> f64 {
        let u = dist(x, y) / self.sigma;
        (-0.5 * u * u).exp()
    }

    fn grad_acc(&self, x: &[F], y: &[F], w: f64, out: &mut [f64]) {
        let t = dist(x, y);
        if t > 0.0 {
            // -K (x-y)/σ² = -K (t/σ)/σ times the unit vector
            let u = t / self.sigma;
            let k = (-0.5 * u * u).exp();
            axpy_unit(-w * k * u / self.sigma, x, y, t, out);
        }
    }
}
