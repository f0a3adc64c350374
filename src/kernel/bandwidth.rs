//! The median heuristic for kernel bandwidths.

use rand::RngExt;

use crate::error::Result;
use crate::float::Float;
use crate::points::{check_pair, Points};
use crate::rng::substream;

/// Largest number of pooled points the heuristic looks at.
pub const MEDIAN_SUBSAMPLE: usize = 1000;

/// The median pairwise Euclidean distance of the pooled sample, on a seeded
/// random subsample of at most 1000 points (all points when fewer), as
/// hyppo and others choose `σ`.
///
/// Returns the smallest positive pairwise distance instead when the median
/// is zero (a sample with many ties), and 1 when all points coincide, so the
/// result is always a valid bandwidth.
///
/// # Errors
/// [`crate::MmdError::DimensionMismatch`] when the samples differ in `d`.
///
/// # Examples
/// ```
/// use sliced_mmd::{kernel::median_heuristic, Points};
/// let x = Points::from_1d(&[0.0, 1.0])?;
/// let y = Points::from_1d(&[3.0])?;
/// // pooled distances 1, 2, 3: median 2
/// assert_eq!(median_heuristic(&x, &y, 0)?, 2.0);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
pub fn median_heuristic<F: Float>(x: &Points<'_, F>, y: &Points<'_, F>, seed: u64) -> Result<f64> {
    check_pair(x, y)?;
    let total = x.n() + y.n();
    let mut idx: Vec<usize> = (0..total).collect();
    if total > MEDIAN_SUBSAMPLE {
        let mut rng = substream(seed, 0);
        for i in 0..MEDIAN_SUBSAMPLE {
            let j = rng.random_range(i..total);
            idx.swap(i, j);
        }
        idx.truncate(MEDIAN_SUBSAMPLE);
    }
    let point = |i: usize| {
        if i < x.n() {
            x.row(i)
        } else {
            y.row(i - x.n())
        }
    };
    let mut dists = Vec::with_capacity(idx.len() * idx.len().saturating_sub(1) / 2);
    for (a, &i) in idx.iter().enumerate() {
        for &j in &idx[a + 1..] {
            dists.push(super::dist(point(i), point(j)));
        }
    }
    if dists.is_empty() {
        return Ok(1.0);
    }
    let mid = (dists.len() - 1) / 2;
    let (_, &mut med, _) = dists.select_nth_unstable_by(mid, f64::total_cmp);
    let med = if dists.len() % 2 == 0 {
        let upper = dists[mid + 1..]
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min);
        0.5 * (med + upper)
    } else {
        med
    };
    if med > 0.0 {
        return Ok(med);
    }
    let smallest = dists
        .iter()
        .copied()
        .filter(|&t| t > 0.0)
        .fold(f64::INFINITY, f64::min);
    Ok(if smallest.is_finite() { smallest } else { 1.0 })
}
