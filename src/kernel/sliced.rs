use super::{Kernel, Riesz};
use crate::directions::Directions;
use crate::error::{MmdError, Result};
use crate::float::Float;
use crate::special::slicing_constant_valid;

/// The sliced Riesz kernel for fixed directions:
///
/// ```text
/// K_ξ(x, y) = 1/(c_{d,r} P) Σ_p k(<ξ_p, x>, <ξ_p, y>),   k(s, t) = -|s - t|^r
/// ```
///
/// An ordinary kernel, so the exact (naive) estimator can evaluate it; with
/// the same directions its MMD² equals, up to rounding, what
/// [`crate::SlicedSort`] computes by sorting. As `P → ∞` with uniform
/// directions it tends to the Riesz kernel (the slicing theorem).
///
/// Cost: `O(P d)` per pair of points.
///
/// # Examples
/// ```
/// use sliced_mmd::{Directions, Kernel, Riesz, SlicedKernel};
/// // In d = 1 the only directions are ±1 and c_{1,1} = 1: the Riesz kernel.
/// let dirs = Directions::new(vec![1.0, -1.0], 2, 1)?;
/// let k = SlicedKernel::new(Riesz::energy(), dirs);
/// assert!((Kernel::<f64>::eval(&k, &[0.5], &[3.0]) + 2.5).abs() < 1e-15);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SlicedKernel {
    base: Riesz,
    directions: Directions,
    scale: f64,
}

impl SlicedKernel {
    /// The sliced version of the Riesz kernel `base` over `directions`.
    pub fn new(base: Riesz, directions: Directions) -> Self {
        // valid directions have d >= 1 and a valid Riesz kernel 0 < r < 2
        let c = slicing_constant_valid(directions.dim(), base.r());
        let scale = 1.0 / (c * directions.len() as f64);
        SlicedKernel {
            base,
            directions,
            scale,
        }
    }

    /// The directions.
    pub fn directions(&self) -> &Directions {
        &self.directions
    }

    /// The underlying Riesz kernel.
    pub fn base(&self) -> Riesz {
        self.base
    }

    #[inline]
    fn project<F: Float>(xi: &[f64], x: &[F]) -> f64 {
        xi.iter().zip(x).map(|(&a, &b)| a * b.as_f64()).sum()
    }
}

impl<F: Float> Kernel<F> for SlicedKernel {
    fn name(&self) -> &'static str {
        "sliced"
    }

    fn eval(&self, x: &[F], y: &[F]) -> f64 {
        let mut acc = 0.0;
        for p in 0..self.directions.len() {
            let xi = self.directions.row(p);
            let t = (Self::project(xi, x) - Self::project(xi, y)).abs();
            acc += self.base.of_dist(t);
        }
        acc * self.scale
    }

    fn grad_acc(&self, x: &[F], y: &[F], w: f64, out: &mut [f64]) {
        let r = self.base.r();
        for p in 0..self.directions.len() {
            let xi = self.directions.row(p);
            let t = Self::project(xi, x) - Self::project(xi, y);
            if t == 0.0 {
                continue;
            }
            // d/ds (-|s - t|^r) = -r |s-t|^{r-1} sign(s-t)
            let g = if r == 1.0 {
                -t.signum()
            } else {
                -r * t.abs().powf(r - 1.0) * t.signum()
            };
            let c = w * g * self.scale;
            for (o, &v) in out.iter_mut().zip(xi) {
                *o += c * v;
            }
        }
    }

    fn check_dim(&self, d: usize) -> Result<()> {
        if d == self.directions.dim() {
            Ok(())
        } else {
            Err(MmdError::DirectionDimension {
                directions_d: self.directions.dim(),
                data_d: d,
            })
        }
    }
}
