//! Seeds to generators: every random draw of the crate goes through here.
//!
//! The generator is [`rand_chacha::ChaCha8Rng`], a portable stream cipher
//! whose output is fixed by its specification. A seed names a family of
//! independent streams; work item `i` (a direction, a chunk, a
//! permutation) draws from stream `i`, so results never depend on how work
//! is split between threads.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The generator used throughout the crate.
pub(crate) type Rng = ChaCha8Rng;

/// The generator for work item `stream` under `seed`.
pub(crate) fn substream(seed: u64, stream: u64) -> Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// The seed of the estimator at step `step` of a flow seeded with `seed`
/// (SplitMix64 of the pair: distinct, well-mixed seeds per step).
pub(crate) fn step_seed(seed: u64, step: usize) -> u64 {
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
