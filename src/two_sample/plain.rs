//! The plain path: re-run the estimator on every permuted sample.
//!
//! Invariants: permutation `b` is label set `b + 1` (see `permutation`); the
//! permutations run in parallel and their statistics are collected in
//! permutation order, so the result does not depend on the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::permutation::arrangement;
use super::{check_inputs, PermutationTest, Progress};
use crate::error::Result;
use crate::estimator::MmdEstimator;
use crate::float::Float;
use crate::points::Points;
use crate::statistic::Statistic;

/// The observed statistic.
pub(super) fn statistic<F: Float, E: MmdEstimator<F> + ?Sized>(
    estimator: &E,
    x: &Points<'_, F>,
    y: &Points<'_, F>,
    stat: Statistic,
) -> Result<f64> {
    check_inputs(x, y, stat)?;
    Ok(estimator.estimate(x, y, stat)?.mmd2)
}

/// The null statistics `T_1..T_B`.
pub(super) fn null<F: Float, E: MmdEstimator<F> + ?Sized>(
    test: &PermutationTest,
    estimator: &E,
    x: &Points<'_, F>,
    y: &Points<'_, F>,
    stat: Statistic,
    progress: Option<&Progress<'_>>,
) -> Result<Vec<f64>> {
    let (n, m, d) = (x.n(), y.n(), x.d());
    let l = n + m;
    let row = |i: usize| if i < n { x.row(i) } else { y.row(i - n) };
    let done = AtomicUsize::new(0);
    (1..=test.permutations)
        .into_par_iter()
        .map(|set| {
            let idx = arrangement(test.seed, set, n, l);
            let mut buf: Vec<F> = Vec::with_capacity(l * d);
            for &i in &idx {
                buf.extend_from_slice(row(i as usize));
            }
            let (bx, by) = buf.split_at(n * d);
            let xp = Points::new(bx, n, d)?;
            let yp = Points::new(by, m, d)?;
            let t = estimator.estimate(&xp, &yp, stat)?.mmd2;
            if let Some(p) = progress {
                p(done.fetch_add(1, Ordering::Relaxed) + 1);
            }
            Ok(t)
        })
        .collect()
}
