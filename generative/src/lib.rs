//! Generative sliced MMD flows: a chain of small networks learns an MMD
//! particle flow from noise to data, so that fresh noise pushed through
//! the chain becomes new samples.
//!
//! This crate builds on [`sliced_mmd`] (the sliced-sort estimator and the
//! flow integrator) and on burn's pure-Rust CPU backend for the networks;
//! it lives in its own crate so the core library keeps its lean
//! dependencies.
//!
//! - [`train()`]: the training loop (flow blocks, network fits, growing
//!   block lengths, optional resolution pyramid and patch directions);
//! - [`Chain`]: a trained model folder (manifest + safetensors), sampling;
//! - [`net`]: the networks and their fit;
//! - [`images`]: datasets from folders (MNIST, FashionMNIST, CIFAR-10),
//!   down/upsampling, patch directions;
//! - [`eval`]: exact energy distance and nearest-training-image distances
//!   on held-out data;
//! - [`classifier`]: a small CNN trained on the training split, whose
//!   penultimate features feed the metrics;
//! - [`marginal`]: per-coordinate quantile maps fitted after the last
//!   network (`--marginals`), the exact transport of each pixel's values
//!   onto the data's;
//! - [`metrics`]: clipped samples, background level, isolated bright
//!   pixels, Fréchet distance and k-NN precision/recall of feature sets.
//!
//! The command-line tool `smmd-gen` wraps it: `train` (with held-out
//! evaluation) and `generate`; see `docs/generative.md` in the repository.
//!
//! # Examples
//! A 2-D toy: learn a chain from a ring of points, then sample from it.
//! ```
//! use smmd_generative::{train, Chain, TrainConfig, TrainData};
//! use smmd_generative::net::FitOptions;
//! let ring: Vec<f32> = (0..400)
//!     .flat_map(|i| {
//!         let t = i as f32 * 0.0157;
//!         [t.cos(), t.sin()]
//!     })
//!     .collect();
//! let data = TrainData { values: &ring, n: 400, dim: 2, image: None, name: "ring" };
//! let config = TrainConfig {
//!     particles: 400, slices: 50, blocks: 2, first_steps: 10, hidden: 32,
//!     fit: FitOptions { epochs: 5, batch: 64, ..FitOptions::default() },
//!     step_size: 0.02,
//!     ..TrainConfig::default()
//! };
//! let dir = tempfile::tempdir()?;
//! train(data, &config, dir.path(), &mut |_| {})?;
//! let chain = Chain::load(dir.path())?;
//! let samples = chain.sample(100, 7)?;
//! assert_eq!(samples.len(), 200);
//! assert_eq!(samples, chain.sample(100, 7)?); // same seed, same samples
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod chain;
pub mod classifier;
pub mod error;
pub mod eval;
pub mod images;
pub mod local;
pub mod marginal;
pub mod metrics;
pub mod net;
pub mod rng;
pub mod train;

pub use chain::{Chain, Manifest};
pub use error::{GenError, Result};
pub use train::{train, BlockReport, TrainConfig, TrainData};

/// The Rust examples of `docs/generative.md`, run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/generative.md")]
pub struct GenerativeGuide;
