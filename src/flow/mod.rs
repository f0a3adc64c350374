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
//! [`Flow::redraw`] (the default) the estimator is re-seeded at every step
//! ([`Reseed`]): fresh directions for the sliced estimator, fresh features
//! for random features, from a stream fixed by [`Flow::seed`], so a flow is
//! reproducible bit for bit whatever the number of threads.
//!
//! Drive it step by step ([`Flow::step`], or as an [`Iterator`] of
//! [`StepReport`]s), or with [`Flow::run`], which takes a stopping rule
//! ([`Stop`]) and observers ([`Observer`]: [`MmdTrace`], [`Snapshots`],
//! closures).
//!
//! # Examples
//! ```
//! use sliced_mmd::flow::{Flow, MmdTrace, Momentum, Stop};
//! use sliced_mmd::{MmdEstimator, Naive, Points, Riesz, SlicedSort};
//!
//! // target: 200 points on a segment; particles: 200 points elsewhere
//! let y: Vec<f64> = (0..200).flat_map(|i| [i as f64 / 200.0, 0.5]).collect();
//! let target = Points::new(&y, 200, 2)?;
//! let x0: Vec<f64> = (0..200).flat_map(|i| [0.3, i as f64 / 200.0 - 1.0]).collect();
//! let before = Naive::new(Riesz::energy()).mmd2(&Points::new(&x0, 200, 2)?, &target)?;
//!
//! let mut flow = Flow::new(x0, 2, &target, SlicedSort::new(50)?, Momentum::new(0.01, 0.7)?)?
//!     .seed(1);
//! let mut trace = MmdTrace::new(10)?;
//! let summary = flow.run(Stop::steps(300), &mut [&mut trace])?;
//! assert_eq!(summary.steps, 300);
//!
//! let after = Naive::new(Riesz::energy()).mmd2(&flow.points()?, &target)?;
//! assert!(after < before / 100.0, "{before} -> {after}");
//! assert_eq!(trace.rows().len(), 30); // states 0, 10, ..., 290
//! # Ok::<(), sliced_mmd::MmdError>(())
//! ```

mod init;
mod optimizer;
pub mod shapes;

use std::time::Instant;

pub use init::{uniform_box, uniform_cube};
pub use optimizer::{Adam, AnyOptimizer, GradientDescent, Momentum, Optimizer};

use crate::error::{MmdError, Result};
use crate::estimator::{Estimator, MmdEstimator, Naive, RandomFeatures, SlicedSort};
use crate::float::Float;
use crate::points::Points;

/// An estimator that a flow can re-seed at every step.
pub trait Reseed {
    /// The same estimator with its random draws (directions, features)
    /// taken from `seed`. Deterministic estimators return themselves.
    #[must_use]
    fn reseeded(&self, seed: u64) -> Self;
}

impl Reseed for SlicedSort {
    fn reseeded(&self, seed: u64) -> Self {
        self.clone().seed(seed)
    }
}

impl Reseed for RandomFeatures {
    fn reseeded(&self, seed: u64) -> Self {
        self.clone().seed(seed)
    }
}

impl<K: Clone> Reseed for Naive<K> {
    fn reseeded(&self, _seed: u64) -> Self {
        self.clone()
    }
}

impl Reseed for Estimator {
    fn reseeded(&self, seed: u64) -> Self {
        match self {
            Estimator::Naive(e) => Estimator::Naive(e.reseeded(seed)),
            Estimator::SlicedSort(e) => Estimator::SlicedSort(e.reseeded(seed)),
            Estimator::Features(e) => Estimator::Features(e.reseeded(seed)),
        }
    }
}

/// The seed of the estimator at step `step` of a flow seeded with `seed`
/// (SplitMix64 of the pair: distinct, well-mixed seeds per step).
pub fn step_seed(seed: u64, step: usize) -> u64 {
    let mut z = seed
        .wrapping_add(
            (step as u64)
                .wrapping_add(1)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15),
        )
        .wrapping_add(0x6A09_E667_F3BC_C909);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

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

/// What an [`Observer`] sees: the particles after `step` steps.
#[derive(Debug, Clone, Copy)]
pub struct FlowState<'a, F> {
    /// Steps done (0 for the initial state).
    pub step: usize,
    /// The report of the step that led here (`None` for the initial state).
    pub report: Option<StepReport>,
    /// The particles, row-major `n x d`.
    pub particles: &'a [F],
    /// Number of particles.
    pub n: usize,
    /// Dimension.
    pub d: usize,
    /// Seconds spent in steps since [`Flow::run`] started.
    pub elapsed: f64,
}

impl<F: Float> FlowState<'_, F> {
    /// The particles as [`Points`].
    ///
    /// # Errors
    /// None for the states a flow hands out (their particles are finite).
    pub fn points(&self) -> Result<Points<'_, F>> {
        Points::new(self.particles, self.n, self.d)
    }
}

/// Something that watches a flow: called by [`Flow::run`] with the initial
/// state and after every step. An error stops the run and is returned.
///
/// Closures `FnMut(&FlowState<F>) -> Result<()>` are observers.
pub trait Observer<F> {
    /// Look at the state.
    ///
    /// # Errors
    /// Whatever the observer reports; it ends [`Flow::run`].
    fn observe(&mut self, state: &FlowState<'_, F>) -> Result<()>;
}

impl<F, T: FnMut(&FlowState<'_, F>) -> Result<()>> Observer<F> for T {
    fn observe(&mut self, state: &FlowState<'_, F>) -> Result<()> {
        self(state)
    }
}

fn check_every(every: usize) -> Result<usize> {
    if every == 0 {
        Err(MmdError::InvalidSize {
            what: "observer interval",
            value: 0,
        })
    } else {
        Ok(every)
    }
}

/// A function of the particles (for example an MMD² against the target).
type ValueFn<'e, F> = Box<dyn Fn(&Points<'_, F>) -> Result<f64> + 'e>;

/// Records `(state, MMD², elapsed seconds)` every `every` states: the
/// flow's own estimate (free: it comes with the gradient), or the value of
/// a separate estimator (for example the exact one on a subsample) computed
/// at the recorded states.
pub struct MmdTrace<'e, F: Float> {
    every: usize,
    estimator: Option<ValueFn<'e, F>>,
    rows: Vec<(usize, f64, f64)>,
}

impl<'e, F: Float> MmdTrace<'e, F> {
    /// Record the flow's estimate at states `0, every, 2 every, ...`. The
    /// estimate of state `s` arrives with step `s + 1`, so the last state
    /// of a run is not recorded; [`Flow::mmd2`] gives it.
    ///
    /// # Errors
    /// [`MmdError::InvalidSize`] for `every = 0`.
    pub fn new(every: usize) -> Result<Self> {
        Ok(MmdTrace {
            every: check_every(every)?,
            estimator: None,
            rows: Vec::new(),
        })
    }

    /// Record `value(particles)` at states `0, every, ...` and the final
    /// state of a run that stops on a multiple of `every`.
    ///
    /// # Errors
    /// [`MmdError::InvalidSize`] for `every = 0`.
    pub fn with(every: usize, value: impl Fn(&Points<'_, F>) -> Result<f64> + 'e) -> Result<Self> {
        Ok(MmdTrace {
            every: check_every(every)?,
            estimator: Some(Box::new(value)),
            rows: Vec::new(),
        })
    }

    /// `(state, MMD², seconds in steps before that state)` rows.
    pub fn rows(&self) -> &[(usize, f64, f64)] {
        &self.rows
    }
}

impl<F: Float> Observer<F> for MmdTrace<'_, F> {
    fn observe(&mut self, state: &FlowState<'_, F>) -> Result<()> {
        match &self.estimator {
            Some(value) => {
                if state.step.is_multiple_of(self.every) {
                    let v = value(&state.points()?)?;
                    self.rows.push((state.step, v, state.elapsed));
                }
            }
            None => {
                if let Some(r) = state.report {
                    let s = r.step - 1;
                    if s.is_multiple_of(self.every) {
                        self.rows.push((s, r.mmd2, state.elapsed - r.seconds));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Copies of the particles at chosen states: every `every` states, or at
/// a given list of states.
#[derive(Debug, Clone, Default)]
pub struct Snapshots<F> {
    every: Option<usize>,
    at: Vec<usize>,
    frames: Vec<(usize, Vec<F>)>,
    rows: Option<usize>,
}

impl<F: Float> Snapshots<F> {
    /// A copy at states `0, every, 2 every, ...`.
    ///
    /// # Errors
    /// [`MmdError::InvalidSize`] for `every = 0`.
    pub fn every(every: usize) -> Result<Self> {
        Ok(Snapshots {
            every: Some(check_every(every)?),
            ..Snapshots::default()
        })
    }

    /// A copy at each of the given states.
    pub fn at(states: &[usize]) -> Self {
        Snapshots {
            at: states.to_vec(),
            ..Snapshots::default()
        }
    }

    /// Keep only the first `rows` particles of each copy (for pictures of
    /// large flows).
    #[must_use]
    pub fn first(mut self, rows: usize) -> Self {
        self.rows = Some(rows);
        self
    }

    /// `(state, particles)` in the order taken.
    pub fn frames(&self) -> &[(usize, Vec<F>)] {
        &self.frames
    }
}

impl<F: Float> Observer<F> for Snapshots<F> {
    fn observe(&mut self, state: &FlowState<'_, F>) -> Result<()> {
        let wanted = match self.every {
            Some(k) => state.step.is_multiple_of(k),
            None => self.at.contains(&state.step),
        };
        if wanted {
            let rows = self.rows.unwrap_or(state.n).min(state.n);
            self.frames
                .push((state.step, state.particles[..rows * state.d].to_vec()));
        }
        Ok(())
    }
}

/// When [`Flow::run`] stops: after `steps` steps, or earlier once the
/// flow's MMD² estimate falls below a tolerance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop {
    steps: usize,
    below: Option<f64>,
}

impl Stop {
    /// Stop after `steps` steps.
    pub fn steps(steps: usize) -> Self {
        Stop { steps, below: None }
    }

    /// Also stop as soon as a step reports an MMD² estimate `< tol` (the
    /// estimate of the state before that step; the step is still taken).
    #[must_use]
    pub fn or_mmd2_below(mut self, tol: f64) -> Self {
        self.below = Some(tol);
        self
    }
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
    /// A flow of the particles `particles` (row-major, `d` columns) towards
    /// `target`, seed 0, directions redrawn every step.
    ///
    /// # Errors
    /// As [`Points::new`] for the particles (empty, ragged, non-finite);
    /// [`MmdError::DimensionMismatch`] if the target's dimension differs;
    /// [`MmdError::Unsupported`] if the estimator has no gradient.
    pub fn new(
        particles: Vec<F>,
        d: usize,
        target: &'t Points<'t, F>,
        estimator: E,
        optimizer: O,
    ) -> Result<Self> {
        let n = {
            if d == 0 {
                return Err(MmdError::ZeroDimension);
            }
            let p = Points::new(&particles, particles.len() / d, d)?;
            p.n()
        };
        if n == 0 {
            return Err(MmdError::EmptySample {
                sample: crate::error::Sample::X,
            });
        }
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

    /// Seed of the per-step draws (see [`step_seed`]).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Re-seed the estimator at every step (default `true`); with `false`
    /// the estimator keeps its own seed (the same directions every step).
    #[must_use]
    pub fn redraw(mut self, redraw: bool) -> Self {
        self.redraw = redraw;
        self
    }

    /// The particles, row-major `n x d`.
    pub fn particles(&self) -> &[F] {
        &self.particles
    }

    /// The particles as [`Points`].
    ///
    /// # Errors
    /// None in practice: the particles are kept finite.
    pub fn points(&self) -> Result<Points<'_, F>> {
        Points::new(&self.particles, self.n, self.d)
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

    fn estimator_at(&self, step: usize) -> Option<E> {
        self.redraw
            .then(|| self.estimator.reseeded(step_seed(self.seed, step)))
    }

    /// The estimator's MMD² at the current particles, with the draws the
    /// next step would use.
    ///
    /// # Errors
    /// As [`MmdEstimator::estimate`].
    pub fn mmd2(&self) -> Result<f64> {
        let est = self.estimator_at(self.steps);
        let est = est.as_ref().unwrap_or(&self.estimator);
        est.mmd2(&self.points()?, self.target)
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
        let est = self.estimator_at(self.steps);
        let est = est.as_ref().unwrap_or(&self.estimator);
        let x = Points::new(&self.particles, self.n, self.d)?;
        let mmd2 = est.grad_into(&x, self.target, &mut self.grad)?;
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
        while summary.steps < stop.steps {
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
            if stop.below.is_some_and(|tol| r.mmd2 < tol) {
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
