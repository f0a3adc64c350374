//! The integration tests of `sliced-mmd-generative`, one module per topic.
//!
//! They are compiled into a single test binary: each binary links burn,
//! and one link instead of seven keeps the test build small and quick.
//! Run one topic with `cargo test -p sliced-mmd-generative --test generative pipeline::`.

mod chain;
mod classifier;
mod conv_net;
mod data_format;
mod marginal;
mod metrics;
mod net;
mod pipeline;
