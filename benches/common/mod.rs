//! Data shared by the benches.

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::{Float, Points};

/// `rows` points of `N(shift, I_d)` from a ChaCha8 stream seeded by `seed`.
pub fn gaussian<F: Float>(rows: usize, d: usize, shift: f64, seed: u64) -> Points<'static, F> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let data = (0..rows * d)
        .map(|_| F::from_f64(Distribution::<f64>::sample(&StandardNormal, &mut rng) + shift))
        .collect::<Vec<F>>();
    Points::from_vec(data, rows, d).expect("finite data")
}
