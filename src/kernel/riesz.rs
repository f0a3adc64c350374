use super::{axpy_unit, dist, Kernel};
use crate::error::{MmdError, Result};
use crate::float::Float;

/// The Riesz kernel `K(x, y) = -‖x - y‖^r`, `0 < r < 2`.
///
/// Conditionally positive definite exactly for `r ∈ (0, 2)`, which is what
/// makes `MMD²` a metric. With `r = 1` the V-statistic `MMD²` is the energy
/// distance `2 E‖X-Y‖ - E‖X-X'‖ - E‖Y-Y'‖` (what `dcor.energy_distance`
/// returns).
///
/// Gradient: `∇_x K = -r ‖x-y‖^{r-2} (x - y)`, taken as 0 at `x = y`.
///
/// Distances are computed without overflow or underflow, so data of any
/// finite scale give finite values.
///
/// # Examples
/// ```
/// use sliced_mmd::{Kernel, Riesz};
/// let k = Riesz::new(1.0)?;
/// assert_eq!(Kernel::<f64>::eval(&k, &[0.0, 0.0], &[3.0, 4.0]), -5.0);
/// assert!(Riesz::new(2.0).is_err());
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Riesz {
    r: f64,
}

impl Riesz {
    /// The Riesz kernel with exponent `r`.
    ///
    /// # Errors
    /// [`MmdError::InvalidExponent`] unless `0 < r < 2`.
    pub fn new(r: f64) -> Result<Self> {
        if r > 0.0 && r < 2.0 {
            Ok(Riesz { r })
        } else {
            Err(MmdError::InvalidExponent { r })
        }
    }

    /// `r = 1`: the energy distance kernel `-‖x - y‖`.
    pub fn energy() -> Self {
        Riesz { r: 1.0 }
    }

    /// The exponent `r`.
    pub fn r(&self) -> f64 {
        self.r
    }

    /// `-|t|^r` for a scalar distance `t >= 0`.
    #[inline]
    pub(crate) fn of_dist(&self, t: f64) -> f64 {
        if self.r == 1.0 {
            -t
        } else {
            -t.powf(self.r)
        }
    }
}

impl Default for Riesz {
    fn default() -> Self {
        Riesz::energy()
    }
}

impl<F: Float> Kernel<F> for Riesz {
    fn name(&self) -> &'static str {
        "riesz"
    }

    fn eval(&self, x: &[F], y: &[F]) -> f64 {
        self.of_dist(dist(x, y))
    }

    fn grad_acc(&self, x: &[F], y: &[F], w: f64, out: &mut [f64]) {
        let t = dist(x, y);
        if t > 0.0 {
            // -r ‖x-y‖^{r-1} times the unit vector (x-y)/‖x-y‖
            let c = if self.r == 1.0 {
                -1.0
            } else {
                -self.r * t.powf(self.r - 1.0)
            };
            axpy_unit(w * c, x, y, t, out);
        }
    }

    fn riesz_exponent(&self) -> Option<f64> {
        Some(self.r)
    }
}
