use super::{axpy_unit, dist, Kernel};
use crate::error::{MmdError, Result};
use crate::float::Float;

/// The Laplace kernel `K(x, y) = exp(-‖x - y‖ / σ)`.
///
/// Gradient: `∇_x K = -K(x, y) (x - y) / (σ ‖x - y‖)`, taken as 0 at `x = y`.
///
/// # Examples
/// ```
/// use sliced_mmd::{Kernel, Laplace};
/// let k = Laplace::new(2.0)?;
/// let v = Kernel::<f64>::eval(&k, &[0.0, 0.0], &[3.0, 4.0]);
/// assert!((v - (-2.5f64).exp()).abs() < 1e-15);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Laplace {
    sigma: f64,
}

impl Laplace {
    /// The Laplace kernel of bandwidth `sigma`.
    ///
    /// # Errors
    /// [`MmdError::InvalidBandwidth`] unless `sigma` is finite and positive.
    pub fn new(sigma: f64) -> Result<Self> {
        if sigma > 0.0 && sigma.is_finite() {
            Ok(Laplace { sigma })
        } else {
            Err(MmdError::InvalidBandwidth { sigma })
        }
    }

    /// The bandwidth `σ`.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }
}

impl<F: Float> Kernel<F> for Laplace {
    fn name(&self) -> &'static str {
        "laplace"
    }

    fn eval(&self, x: &[F], y: &[F]) -> f64 {
        (-dist(x, y) / self.sigma).exp()
    }

    fn grad_acc(&self, x: &[F], y: &[F], w: f64, out: &mut [f64]) {
        let t = dist(x, y);
        if t > 0.0 {
            let k = (-t / self.sigma).exp();
            axpy_unit(-w * k / self.sigma, x, y, t, out);
        }
    }
}
