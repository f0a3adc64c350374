//! Independent directions, uniform on the sphere.

use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use crate::rng::substream;

/// `p x d` row-major unit vectors; row `i` from stream `i` of `seed`.
pub(super) fn draw(p: usize, d: usize, seed: u64) -> Vec<f64> {
    let mut data = vec![0.0; p * d];
    data.par_chunks_mut(d).enumerate().for_each(|(i, row)| {
        let mut rng = substream(seed, i as u64);
        loop {
            for v in row.iter_mut() {
                *v = StandardNormal.sample(&mut rng);
            }
            let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
            // A zero vector has probability zero; draw again if it happens.
            if norm > 0.0 {
                row.iter_mut().for_each(|v| *v /= norm);
                break;
            }
        }
    });
    data
}
