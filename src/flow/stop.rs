//! When a flow stops.

/// When [`Flow::run`](super::Flow::run) stops: after `steps` steps, or earlier once the
/// flow's MMD² estimate falls below a tolerance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop {
    steps: usize,
    below: Option<f64>,
}

impl Stop {
    /// Stop after `steps` steps.
    pub fn new(steps: usize) -> Self {
        Stop { steps, below: None }
    }

    /// Also stop as soon as a step reports an MMD² estimate `< tol` (the
    /// estimate of the state before that step; the step is still taken).
    #[must_use]
    pub fn with_mmd2_below(mut self, tol: f64) -> Self {
        self.below = Some(tol);
        self
    }

    /// The step limit.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The MMD² tolerance, if any.
    pub fn mmd2_below(&self) -> Option<f64> {
        self.below
    }
}
