//! Observers of a flow: what [`Flow::run`](super::Flow::run) shows after
//! every step, and two that record (an MMD² trace, copies of the particles).

use super::StepReport;
use crate::error::{MmdError, Result};
use crate::float::Float;
use crate::points::Points;

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
    /// Seconds spent in steps since [`Flow::run`](super::Flow::run) started.
    pub elapsed: f64,
}

impl<F: Float> FlowState<'_, F> {
    /// The particles as [`Points`] (a flow keeps them finite: a step that
    /// leaves the range ends the run with [`MmdError::Diverged`] before any
    /// observer sees it).
    pub fn points(&self) -> Points<'_, F> {
        Points::trusted(self.particles, self.n, self.d)
    }
}

/// Something that watches a flow: called by [`Flow::run`](super::Flow::run) with the initial
/// state and after every step. An error stops the run and is returned.
///
/// Closures `FnMut(&FlowState<F>) -> Result<()>` are observers.
pub trait Observer<F> {
    /// Look at the state.
    ///
    /// # Errors
    /// Whatever the observer reports; it ends [`Flow::run`](super::Flow::run).
    fn observe(&mut self, state: &FlowState<'_, F>) -> Result<()>;
}

impl<F, T: FnMut(&FlowState<'_, F>) -> Result<()>> Observer<F> for T {
    fn observe(&mut self, state: &FlowState<'_, F>) -> Result<()> {
        self(state)
    }
}

fn check_every(every: usize) -> Result<usize> {
    if every == 0 {
        Err(MmdError::InvalidCount {
            what: "observer interval",
            value: 0,
            min: 1,
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
    /// of a run is not recorded; [`Flow::mmd2`](super::Flow::mmd2) gives it.
    ///
    /// # Errors
    /// [`MmdError::InvalidCount`] for `every = 0`.
    pub fn new(every: usize) -> Result<Self> {
        Ok(MmdTrace {
            every: check_every(every)?,
            estimator: None,
            rows: Vec::new(),
        })
    }

    /// Record `value(particles)` instead of the flow's own estimate, at
    /// states `0, every, ...` and the final state of a run that stops on a
    /// multiple of `every`.
    #[must_use]
    pub fn with_value(mut self, value: impl Fn(&Points<'_, F>) -> Result<f64> + 'e) -> Self {
        self.estimator = Some(Box::new(value));
        self
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
                    let v = value(&state.points())?;
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
    /// [`MmdError::InvalidCount`] for `every = 0`.
    pub fn new(every: usize) -> Result<Self> {
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
    /// large flows; default all).
    #[must_use]
    pub fn with_max_rows(mut self, rows: usize) -> Self {
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
