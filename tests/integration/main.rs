//! The core crate's integration tests, one module per file, built as one
//! test binary: a binary per file compiled and linked the library's
//! generic code again for each of them, at the test profile's opt-level 2.
//!
//! Run one file's tests with its module name as the filter, for example
//! `cargo test --release --all-features --test integration statistical::`.

mod common;
#[cfg(feature = "cli")]
mod smmd_bin;

mod cli;
mod cli_flow;
mod cli_test;
mod directions;
mod errors;
mod estimators_agree;
mod flow;
mod gradients;
mod hadamard;
mod image_io;
mod invariances;
mod io;
mod kernels;
mod layering;
mod naive_fast;
mod plot;
mod random_features;
mod reference_values;
mod same_bits;
mod scales;
mod slicing_error;
mod sort_order;
mod special;
mod statistical;
mod two_sample;
mod value_stability;
