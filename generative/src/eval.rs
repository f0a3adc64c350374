//! Held-out figures of a generator: exact energy distance (of the raw and
//! of the clipped samples) and distances to the nearest training image.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sliced_mmd::{MmdEstimator, Naive, Points, Riesz};

use crate::error::{GenError, Result};

/// Seed of the noise of draw `draw` (0-based) of the held-out figures'
/// samples of a chain trained with `seed`: `seed + 1 + 1000 draw`, seeds
/// the training never uses for noise. Draw 0 is the report's
/// (`smmd-gen train`), the others those of `--draws`.
pub fn draw_seed(seed: u64, draw: u64) -> u64 {
    seed.wrapping_add(1).wrapping_add(draw.wrapping_mul(1000))
}

/// Exact energy distance `MMD²` (Riesz kernel, r = 1, V-statistic) of two
/// row-major samples of dimension `d`, computed in f64 over all pairs.
///
/// # Errors
/// As [`sliced_mmd::Points::new`] and the estimator (empty samples,
/// non-finite values, `d = 0`).
pub fn energy_distance(x: &[f32], y: &[f32], d: usize) -> Result<f64> {
    if d == 0 {
        return Err(GenError::invalid("dimension", 0, "at least 1"));
    }
    let x = Points::new(x, x.len() / d, d)?.cast::<f64>()?;
    let y = Points::new(y, y.len() / d, d)?.cast::<f64>()?;
    Ok(Naive::new(Riesz::energy()).mmd2(&x, &y)?)
}

/// For each row of `queries`, the Euclidean distance to the nearest row of
/// `reference` and that row's index (both row-major, dimension `d`). The
/// squared differences are summed in 8 `f32` lanes, at most `d / 8 + 1`
/// terms each, and the lanes in `f64`.
///
/// # Errors
/// [`GenError::Data`] for an empty reference or buffers that are not whole
/// rows.
pub fn nearest(queries: &[f32], reference: &[f32], d: usize) -> Result<Vec<(f64, usize)>> {
    if d == 0
        || !queries.len().is_multiple_of(d)
        || !reference.len().is_multiple_of(d)
        || reference.is_empty()
    {
        return Err(GenError::Data(format!(
            "nearest: {} query and {} reference values are not whole non-empty rows of {d}",
            queries.len(),
            reference.len()
        )));
    }
    Ok(queries
        .par_chunks_exact(d)
        .map(|q| {
            let mut best = (f64::INFINITY, 0usize);
            for (j, r) in reference.chunks_exact(d).enumerate() {
                let mut acc = [0f32; 8];
                let (qc, qr) = q.split_at(d - d % 8);
                let (rc, rr) = r.split_at(d - d % 8);
                for (a, b) in qc.chunks_exact(8).zip(rc.chunks_exact(8)) {
                    for l in 0..8 {
                        let t = a[l] - b[l];
                        acc[l] += t * t;
                    }
                }
                let mut s: f64 = acc.iter().map(|&v| v as f64).sum();
                s += qr
                    .iter()
                    .zip(rr)
                    .map(|(a, b)| ((a - b) as f64).powi(2))
                    .sum::<f64>();
                if s < best.0 {
                    best = (s, j);
                }
            }
            (best.0.sqrt(), best.1)
        })
        .collect())
}

/// The held-out figures of a generator (see [`evaluate`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeldOut {
    /// Samples of each kind compared with the held-out set.
    pub count: usize,
    /// Energy distance between generated samples and held-out images.
    pub generated: f64,
    /// The same with the generated values clipped to `[0, 1]` (the floor
    /// is the same: images are in `[0, 1]` already).
    #[serde(default)]
    pub generated_clipped: f64,
    /// The same for training images against held-out images (the floor).
    pub floor: f64,
    /// The same for uniform noise against held-out images (the ceiling).
    pub ceiling: f64,
    /// Mean distance from a generated sample to its nearest training image.
    pub nearest_generated: f64,
    /// Mean distance from a held-out image to its nearest training image.
    pub nearest_heldout: f64,
}

impl HeldOut {
    /// `generated / floor`: the target is at most 2.
    pub fn energy_ratio(&self) -> f64 {
        self.generated / self.floor
    }

    /// `generated_clipped / floor`: the target is at most 2.
    pub fn clipped_ratio(&self) -> f64 {
        self.generated_clipped / self.floor
    }

    /// `nearest_generated / nearest_heldout`: the target is at least 0.5
    /// (no copying of the training set).
    pub fn nearest_ratio(&self) -> f64 {
        self.nearest_generated / self.nearest_heldout
    }
}

/// Compare `generated`, the first `count` training rows and `noise` with
/// the held-out rows (each `count x d`), and measure nearest-training
/// distances of the generated and the held-out rows against all of
/// `train`.
///
/// # Errors
/// As [`energy_distance`] and [`nearest`]; [`GenError::Data`] if a sample
/// has fewer than `count` rows.
pub fn evaluate<'a>(
    generated: &'a [f32],
    train: &'a [f32],
    heldout: &'a [f32],
    noise: &'a [f32],
    d: usize,
    count: usize,
) -> Result<HeldOut> {
    let take = |name: &str, v: &'a [f32]| -> Result<&'a [f32]> {
        if v.len() < count * d {
            return Err(GenError::Data(format!(
                "{name}: {} rows, the evaluation needs {count}",
                v.len() / d.max(1)
            )));
        }
        Ok(&v[..count * d])
    };
    let g = take("generated", generated)?;
    let h = take("held-out", heldout)?;
    let t = take("training", train)?;
    let u = take("noise", noise)?;
    let mean = |v: Vec<(f64, usize)>| v.iter().map(|p| p.0).sum::<f64>() / v.len() as f64;
    Ok(HeldOut {
        count,
        generated: energy_distance(g, h, d)?,
        generated_clipped: energy_distance(&crate::metrics::clip_unit(g), h, d)?,
        floor: energy_distance(t, h, d)?,
        ceiling: energy_distance(u, h, d)?,
        nearest_generated: mean(nearest(g, train, d)?),
        nearest_heldout: mean(nearest(h, train, d)?),
    })
}
