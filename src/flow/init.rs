//! Starting particles: uniform noise.

use rand::RngExt;

use crate::error::{MmdError, Result};
use crate::float::Float;
use crate::points::Points;
use crate::rng::substream;

/// `n` points uniform on the bounding box of `target` (each coordinate
/// uniform between its smallest and largest value in the target), the
/// usual start of a flow. Row `i` is drawn from stream `i` of `seed`.
///
/// # Errors
/// [`MmdError::InvalidCount`] for `n = 0`.
pub fn uniform_box<F: Float>(target: &Points<'_, F>, n: usize, seed: u64) -> Result<Vec<F>> {
    let d = target.d();
    let mut lo = vec![f64::INFINITY; d];
    let mut hi = vec![f64::NEG_INFINITY; d];
    for row in target.rows() {
        for (j, &v) in row.iter().enumerate() {
            lo[j] = lo[j].min(v.as_f64());
            hi[j] = hi[j].max(v.as_f64());
        }
    }
    uniform(n, &lo, &hi, seed)
}

/// `n` points uniform on the unit cube `[0, 1]^d` (the start of the
/// reference image flows). Row `i` is drawn from stream `i` of `seed`.
///
/// # Errors
/// [`MmdError::InvalidCount`] for `n = 0`; [`MmdError::ZeroDimension`] for `d = 0`.
pub fn uniform_cube<F: Float>(n: usize, d: usize, seed: u64) -> Result<Vec<F>> {
    if d == 0 {
        return Err(MmdError::ZeroDimension);
    }
    uniform(n, &vec![0.0; d], &vec![1.0; d], seed)
}

fn uniform<F: Float>(n: usize, lo: &[f64], hi: &[f64], seed: u64) -> Result<Vec<F>> {
    if n == 0 {
        return Err(MmdError::InvalidCount {
            what: "number of particles",
            value: 0,
            min: 1,
        });
    }
    let d = lo.len();
    let mut out = Vec::with_capacity(n * d);
    for i in 0..n {
        let mut rng = substream(seed, i as u64);
        for j in 0..d {
            let u: f64 = rng.random();
            out.push(F::from_f64(lo[j] + u * (hi[j] - lo[j])));
        }
    }
    Ok(out)
}
