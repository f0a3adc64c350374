//! Optimizers: how a flow turns the velocity field into a move of the
//! particles.

use crate::error::{MmdError, Result};
use crate::float::Float;

/// One update rule for the particles of a flow.
///
/// `step` receives the particles `x` (row-major `N x d`) and the field
/// `g = N ∇_x MMD²` at them (the flow moves along `-g`), and moves `x` in
/// place. Implementations keep their own state (velocities, moments) and
/// size it on the first call; a call with a different length is an error.
///
/// The flow does not know which optimizer drives it; any type implementing
/// this trait can.
pub trait Optimizer<F: Float>: Send {
    /// A short lowercase name (`gd`, `momentum`, `adam`).
    fn name(&self) -> &'static str;

    /// Move `x` along `-g` by one step.
    ///
    /// # Errors
    /// [`MmdError::BufferLength`] if `g` and `x` differ in length or the
    /// length changed since the first call; [`MmdError::InvalidParameter`]
    /// for a setting out of its range.
    fn step(&mut self, x: &mut [F], g: &[F]) -> Result<()>;

    /// Forget the state (velocities, moments, step count).
    fn reset(&mut self);
}

fn check_step_size(tau: f64) -> Result<f64> {
    if tau.is_finite() && tau > 0.0 {
        Ok(tau)
    } else {
        Err(MmdError::InvalidParameter {
            name: "step size",
            value: tau,
            expected: "finite and > 0",
        })
    }
}

fn check_unit(name: &'static str, v: f64) -> Result<f64> {
    if (0.0..1.0).contains(&v) {
        Ok(v)
    } else {
        Err(MmdError::InvalidParameter {
            name,
            value: v,
            expected: "in [0, 1)",
        })
    }
}

fn check_len(x: usize, g: usize, state: usize) -> Result<()> {
    if g != x {
        return Err(MmdError::BufferLength {
            got: g,
            expected: x,
        });
    }
    if state != 0 && state != x {
        return Err(MmdError::BufferLength {
            got: x,
            expected: state,
        });
    }
    Ok(())
}

/// Plain gradient descent: `x ← x - τ g`.
#[derive(Debug, Clone, PartialEq)]
pub struct GradientDescent {
    step_size: f64,
}

impl GradientDescent {
    /// Step size `τ`.
    ///
    /// # Errors
    /// [`MmdError::InvalidParameter`] unless `τ` is finite and positive.
    pub fn new(step_size: f64) -> Result<Self> {
        Ok(GradientDescent {
            step_size: check_step_size(step_size)?,
        })
    }
}

impl<F: Float> Optimizer<F> for GradientDescent {
    fn name(&self) -> &'static str {
        "gd"
    }

    fn step(&mut self, x: &mut [F], g: &[F]) -> Result<()> {
        check_len(x.len(), g.len(), 0)?;
        let tau = F::from_f64(self.step_size);
        for (xi, &gi) in x.iter_mut().zip(g) {
            *xi = *xi - tau * gi;
        }
        Ok(())
    }

    fn reset(&mut self) {}
}

/// Heavy-ball momentum as in the reference experiments:
/// `v ← g + m v`, `x ← x - τ v` (the velocity starts at zero).
#[derive(Debug, Clone, PartialEq)]
pub struct Momentum<F> {
    step_size: f64,
    momentum: f64,
    velocity: Vec<F>,
}

impl<F: Float> Momentum<F> {
    /// Step size `τ` and momentum `m ∈ [0, 1)` (`m = 0` is gradient descent;
    /// the reference MNIST flow uses `m = 0.7`).
    ///
    /// # Errors
    /// [`MmdError::InvalidParameter`] for `τ` not finite and positive or `m`
    /// outside `[0, 1)`.
    pub fn new(step_size: f64, momentum: f64) -> Result<Self> {
        Ok(Momentum {
            step_size: check_step_size(step_size)?,
            momentum: check_unit("momentum", momentum)?,
            velocity: Vec::new(),
        })
    }

    /// The current velocity `v` (empty before the first step).
    pub fn velocity(&self) -> &[F] {
        &self.velocity
    }
}

impl<F: Float> Optimizer<F> for Momentum<F> {
    fn name(&self) -> &'static str {
        "momentum"
    }

    fn step(&mut self, x: &mut [F], g: &[F]) -> Result<()> {
        check_len(x.len(), g.len(), self.velocity.len())?;
        if self.velocity.is_empty() {
            self.velocity = vec![F::zero(); x.len()];
        }
        let (tau, m) = (F::from_f64(self.step_size), F::from_f64(self.momentum));
        for ((xi, vi), &gi) in x.iter_mut().zip(&mut self.velocity).zip(g) {
            *vi = gi + m * *vi;
            *xi = *xi - tau * *vi;
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.velocity.clear();
    }
}

/// Adam (Kingma and Ba) with bias correction, per coordinate:
/// `m ← β₁ m + (1-β₁) g`, `s ← β₂ s + (1-β₂) g²`,
/// `x ← x - τ m̂ / (√ŝ + ε)`. Its moves are about `τ` per coordinate
/// whatever the scale of `g`.
#[derive(Debug, Clone, PartialEq)]
pub struct Adam<F> {
    step_size: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    t: i32,
    m: Vec<F>,
    s: Vec<F>,
}

impl<F: Float> Adam<F> {
    /// Step size `τ` with the usual `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-8`.
    ///
    /// # Errors
    /// [`MmdError::InvalidParameter`] unless `τ` is finite and positive.
    pub fn new(step_size: f64) -> Result<Self> {
        Ok(Adam {
            step_size: check_step_size(step_size)?,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            t: 0,
            m: Vec::new(),
            s: Vec::new(),
        })
    }

    /// The decay rates `β₁` of the mean and `β₂` of the second moment
    /// (default 0.9 and 0.999). Values outside `[0, 1)` are reported by
    /// [`Optimizer::step`] ([`MmdError::InvalidParameter`]).
    #[must_use]
    pub fn with_betas(mut self, beta1: f64, beta2: f64) -> Self {
        self.beta1 = beta1;
        self.beta2 = beta2;
        self
    }

    /// The `ε` added to the root of the second moment (default `1e-8`). A
    /// value that is not finite and positive is reported by
    /// [`Optimizer::step`] ([`MmdError::InvalidParameter`]).
    #[must_use]
    pub fn with_epsilon(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }

    fn check_settings(&self) -> Result<()> {
        if !(self.eps.is_finite() && self.eps > 0.0) {
            return Err(MmdError::InvalidParameter {
                name: "epsilon",
                value: self.eps,
                expected: "finite and > 0",
            });
        }
        check_unit("beta1", self.beta1)?;
        check_unit("beta2", self.beta2)?;
        Ok(())
    }
}

impl<F: Float> Optimizer<F> for Adam<F> {
    fn name(&self) -> &'static str {
        "adam"
    }

    fn step(&mut self, x: &mut [F], g: &[F]) -> Result<()> {
        self.check_settings()?;
        check_len(x.len(), g.len(), self.m.len())?;
        if self.m.is_empty() {
            self.m = vec![F::zero(); x.len()];
            self.s = vec![F::zero(); x.len()];
        }
        self.t = self.t.saturating_add(1);
        let (b1, b2) = (self.beta1, self.beta2);
        let c1 = 1.0 - b1.powi(self.t);
        let c2 = 1.0 - b2.powi(self.t);
        // x -= tau * (m / c1) / (sqrt(s / c2) + eps)
        let tau = F::from_f64(self.step_size / c1);
        let (b1f, b2f) = (F::from_f64(b1), F::from_f64(b2));
        let (a1, a2) = (F::from_f64(1.0 - b1), F::from_f64(1.0 - b2));
        let inv_c2 = F::from_f64(1.0 / c2);
        let eps = F::from_f64(self.eps);
        for (((xi, mi), si), &gi) in x.iter_mut().zip(&mut self.m).zip(&mut self.s).zip(g) {
            *mi = b1f * *mi + a1 * gi;
            *si = b2f * *si + a2 * gi * gi;
            *xi = *xi - tau * *mi / ((*si * inv_c2).sqrt() + eps);
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.t = 0;
        self.m.clear();
        self.s.clear();
    }
}

/// An optimizer chosen at run time (for the command line).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AnyOptimizer<F> {
    /// See [`GradientDescent`].
    GradientDescent(GradientDescent),
    /// See [`Momentum`].
    Momentum(Momentum<F>),
    /// See [`Adam`].
    Adam(Adam<F>),
}

impl<F: Float> Optimizer<F> for AnyOptimizer<F> {
    fn name(&self) -> &'static str {
        match self {
            AnyOptimizer::GradientDescent(o) => Optimizer::<F>::name(o),
            AnyOptimizer::Momentum(o) => o.name(),
            AnyOptimizer::Adam(o) => o.name(),
        }
    }

    fn step(&mut self, x: &mut [F], g: &[F]) -> Result<()> {
        match self {
            AnyOptimizer::GradientDescent(o) => o.step(x, g),
            AnyOptimizer::Momentum(o) => o.step(x, g),
            AnyOptimizer::Adam(o) => o.step(x, g),
        }
    }

    fn reset(&mut self) {
        match self {
            AnyOptimizer::GradientDescent(o) => Optimizer::<F>::reset(o),
            AnyOptimizer::Momentum(o) => o.reset(),
            AnyOptimizer::Adam(o) => o.reset(),
        }
    }
}
