//! Seeds to generators for the networks and the data splits.
//!
//! The generator is ChaCha8 (portable: its output is fixed by its
//! specification). A seed names a family of independent streams; work item
//! `i` draws from stream `i`, so results never depend on the thread count.
//! These are the streams the core crate draws its directions from.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The generator for work item `stream` under `seed`.
pub fn substream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}
