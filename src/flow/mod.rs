//! MMD particle flows: move particles `X` towards a target `Y` along
//! `-N ∇_X MMD²(X, Y)`.
//!
//! A [`Flow`] owns the particles, borrows the target, and is driven by any
//! [`MmdEstimator`] that has a gradient (sliced-sort by default in the
//! command line) and any [`Optimizer`] ([`GradientDescent`], the heavy-ball
//! [`Momentum`] of the reference experiments, [`Adam`], or your own). It
//! knows neither which estimator nor which optimizer it drives.
//!
//! Each step computes the gradient of the V-statistic MMD² at the current
//! particles, multiplies it by `N` (so that the velocity of a particle does
//! not depend on how many there are: the Wasserstein gradient flow of
//! `MMD²(·, ν)` on the particles) and hands it to the optimizer. With
//! [`Flow::with_redraw`] (the default) the estimator is re-seeded at every step
//! ([`Reseed`], in place, so the estimator keeps its buffers): fresh
//! directions for the sliced estimator, fresh features
//! for random features, from a stream fixed by [`Flow::with_seed`], so a flow is
//! reproducible bit for bit whatever the number of threads.
//!
//! The module reads in three parts: this file is the executor ([`Flow`]),
//! `observer.rs` what watches it ([`Observer`], [`MmdTrace`],
//! [`Snapshots`]), `stop.rs` when it ends ([`Stop`]); `optimizer.rs` holds
//! the update rules and `init.rs` the starting noise.
//!
//! Drive it step by step ([`Flow::step`], or as an [`Iterator`] of
//! [`StepReport`]s), or with [`Flow::run`], which takes a stopping rule
//! ([`Stop`]) and observers ([`Observer`]: [`MmdTrace`], [`Snapshots`],
//! closures).
//!
//! # Examples
//! ```
//! use sliced_mmd::{Flow, MmdEstimator, MmdTrace, Momentum, Naive, Points, Riesz, SlicedSort, Stop};
//!
//! // target: 200 points on a segment; particles: 200 points elsewhere
//! let y: Vec<f64> = (0..200).flat_map(|i| [i as f64 / 200.0, 0.5]).collect();
//! let target = Points::new(&y, 200, 2)?;
//! let x0: Vec<f64> = (0..200).flat_map(|i| [0.3, i as f64 / 200.0 - 1.0]).collect();
//! let x0 = Points::new(&x0, 200, 2)?;
//! let before = Naive::new(Riesz::energy()).mmd2(&x0, &target)?;
//!
//! let mut flow = Flow::new(x0, &target, SlicedSort::new(50)?, Momentum::new(0.01, 0.7)?)?
//!     .with_seed(1);
//! let mut trace = MmdTrace::new(10)?;
//! let summary = flow.run(Stop::new(300), &mut [&mut trace])?;
//! assert_eq!(summary.steps, 300);
//!
//! let after = Naive::new(Riesz::energy()).mmd2(&flow.points(), &target)?;
//! assert!(after < before / 100.0, "{before} -> {after}");
//! assert_eq!(trace.rows().len(), 30); // states 0, 10, ..., 290
//! # Ok::<(), sliced_mmd::MmdError>(())
//! ```

mod init;
mod observer;
mod optimizer;
pub mod shapes;
mod stop;

use std::time::Instant;

pub use init::{uniform_box, uniform_cube};
pub use observer::{FlowState, MmdTrace, Observer, Snapshots};
pub use optimizer::{Adam, AnyOptimizer, GradientDescent, Momentum, Optimizer};
pub use stop::Stop;

use crate::error::{MmdError, Result};
use crate::estimator::{MmdEstimator, Reseed};
use crate::float::Float;
use crate::points::Points;
use crate::rng::step_seed;

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepReport {
    /// Steps done, this one included (the particles are now in state `step`).
    pub step: usize,
    /// The estimator's MMD² (V-statistic) at the particles *before* this
    /// step (state `step - 1`), a by-product of the gradient.
    pub mmd2: f64,
    /// Wall time of the step: gradient, scaling and update.
    pub seconds: f64,
}

/// What [`Flow::run`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunSummary {
    /// Steps taken by this run.
    pub steps: usize,
    /// Whether the MMD² tolerance stopped it before the step limit.
    pub converged: bool,
    /// The flow's MMD² estimate before its first step (`NaN` if no step).
    pub first_mmd2: f64,
    /// The estimate reported by its last step (of the state before it).
    pub last_mmd2: f64,
    /// Seconds spent in steps.
    pub seconds: f64,
}

/// A particle flow towards a fixed target; see the [module docs](self).
pub struct Flow<'t, F: Float, E, O> {
    particles: Vec<F>,
    n: usize,
    d: usize,
    target: &'t Points<'t, F>,
    estimator: E,
    optimizer: O,
    seed: u64,
    redraw: bool,
    steps: usize,
    grad: Vec<F>,
}

impl<F: Float, E, O> std::fmt::Debug for Flow<'_, F, E, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flow")
            .field("n", &self.n)
            .field("d", &self.d)
            .field("target_m", &self.target.n())
            .field("seed", &self.seed)
            .field("redraw", &self.redraw)
            .field("steps", &self.steps)
            .finish_non_exhaustive()
    }
}

impl<'t, F, E, O> Flow<'t, F, E, O>
where
    F: Float,
    E: MmdEstimator<F> + Reseed,
    O: Optimizer<F>,
{
    /// A flow of the particles `particles` towards `target`, seed 0,
    /// directions redrawn every step. The flow keeps its own copy of the
    /// particles (none is made when `particles` owns its buffer).
    ///
    /// # Errors
    /// [`MmdError::DimensionMismatch`] if the target's dimension differs;
    /// [`MmdError::Unsupported`] if the estimator has no gradient.
    pub fn new(
        particles: Points<'_, F>,
        target: &'t Points<'t, F>,
        estimator: E,
        optimizer: O,
    ) -> Result<Self> {
        let (n, d) = (particles.n(), particles.d());
        if target.d() != d {
            return Err(MmdError::DimensionMismatch {
                x_d: d,
                y_d: target.d(),
            });
        }
        if !estimator.has_gradient() {
            return Err(MmdError::Unsupported {
                estimator: estimator.name(),
                what: "gradients, which a flow needs",
            });
        }
        let particles = particles.into_vec();
        Ok(Flow {
            grad: vec![F::zero(); particles.len()],
            particles,
            n,
            d,
            target,
            estimator,
            optimizer,
            seed: 0,
            redraw: true,
            steps: 0,
        })
    }

    /// The seed of the per-step draws (default 0): step `s` re-seeds the
    /// estimator with a seed derived from this one and `s`.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Re-seed the estimator at every step (default `true`); with `false`
    /// the estimator keeps its own seed (the same directions every step).
    #[must_use]
    pub fn with_redraw(mut self, redraw: bool) -> Self {
        self.redraw = redraw;
        self
    }

    /// The particles, row-major `n x d`.
    pub fn particles(&self) -> &[F] {
        &self.particles
    }

    /// The particles as [`Points`] (kept finite: a step that leaves the
    /// range returns [`MmdError::Diverged`]).
    pub fn points(&self) -> Points<'_, F> {
        Points::trusted(&self.particles, self.n, self.d)
    }

    /// Take the particles out of the flow.
    pub fn into_particles(self) -> Vec<F> {
        self.particles
    }

    /// Steps taken so far.
    pub fn steps_done(&self) -> usize {
        self.steps
    }

    /// Number of particles `N`.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Dimension `d`.
    pub fn d(&self) -> usize {
        self.d
    }

    /// The optimizer (for example to read its state).
    pub fn optimizer(&self) -> &O {
        &self.optimizer
    }

    /// Give the estimator the draws of step `step` (with redraw on).
    fn reseed_for(&mut self, step: usize) {
        if self.redraw {
            self.estimator.reseed(step_seed(self.seed, step));
        }
    }

    /// The estimator's MMD² at the current particles, with the draws the
    /// next step will use.
    ///
    /// # Errors
    /// As [`MmdEstimator::estimate`].
    pub fn mmd2(&mut self) -> Result<f64> {
        self.reseed_for(self.steps);
        let x = Points::trusted(&self.particles, self.n, self.d);
        self.estimator.mmd2(&x, self.target)
    }

    /// One step: gradient at the current particles, times `N`, to the
    /// optimizer.
    ///
    /// # Errors
    /// As [`MmdEstimator::grad_into`] and [`Optimizer::step`];
    /// [`MmdError::Diverged`] if the update leaves the floating-point range
    /// (the particles are then left as the update made them).
    pub fn step(&mut self) -> Result<StepReport> {
        let start = Instant::now();
        self.reseed_for(self.steps);
        let x = Points::trusted(&self.particles, self.n, self.d);
        let mmd2 = self.estimator.grad_into(&x, self.target, &mut self.grad)?;
        let scale = F::from_f64(self.n as f64);
        for g in &mut self.grad {
            *g = *g * scale;
        }
        self.optimizer.step(&mut self.particles, &self.grad)?;
        self.steps += 1;
        if let Some(i) = self.particles.iter().position(|v| !v.is_finite()) {
            return Err(MmdError::Diverged {
                step: self.steps,
                row: i / self.d,
            });
        }
        Ok(StepReport {
            step: self.steps,
            mmd2,
            seconds: start.elapsed().as_secs_f64(),
        })
    }

    /// Run until `stop`, calling every observer with the current state
    /// first and then after every step.
    ///
    /// # Errors
    /// The first error of a step or an observer.
    pub fn run(
        &mut self,
        stop: Stop,
        observers: &mut [&mut dyn Observer<F>],
    ) -> Result<RunSummary> {
        let mut elapsed = 0.0;
        let state0 = FlowState {
            step: self.steps,
            report: None,
            particles: &self.particles,
            n: self.n,
            d: self.d,
            elapsed,
        };
        for o in observers.iter_mut() {
            o.observe(&state0)?;
        }
        let mut summary = RunSummary {
            steps: 0,
            converged: false,
            first_mmd2: f64::NAN,
            last_mmd2: f64::NAN,
            seconds: 0.0,
        };
        while summary.steps < stop.steps() {
            let r = self.step()?;
            elapsed += r.seconds;
            summary.steps += 1;
            if summary.steps == 1 {
                summary.first_mmd2 = r.mmd2;
            }
            summary.last_mmd2 = r.mmd2;
            summary.seconds = elapsed;
            let state = FlowState {
                step: self.steps,
                report: Some(r),
                particles: &self.particles,
                n: self.n,
                d: self.d,
                elapsed,
            };
            for o in observers.iter_mut() {
                o.observe(&state)?;
            }
            if stop.mmd2_below().is_some_and(|tol| r.mmd2 < tol) {
                summary.converged = true;
                break;
            }
        }
        Ok(summary)
    }
}

impl<F, E, O> Iterator for Flow<'_, F, E, O>
where
    F: Float,
    E: MmdEstimator<F> + Reseed,
    O: Optimizer<F>,
{
    type Item = Result<StepReport>;

    /// One [`Flow::step`]; the iterator never ends by itself (use `take`).
    fn next(&mut self) -> Option<Self::Item> {
        Some(self.step())
    }
}
