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
pub type Rng = ChaCha8Rng;

/// The generator for work item `stream` under `seed`.
pub fn substream(seed: u64, stream: u64) -> Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}
