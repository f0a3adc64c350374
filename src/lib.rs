//! # sliced-mmd
//!
//! Maximum mean discrepancy (MMD) between two samples, fast enough for
//! large data: exact pair sums when they are affordable, and the
//! *sliced-sort* estimator for Riesz kernels, which costs
//! `O(P (N+M) (d + log(N+M)))` instead of `O((N+M)² d)`.
//!
//! ## The maths on one page
//!
//! Points are rows: `X = {x_1..x_N}`, `Y = {y_1..y_M}` in `R^d`. For a kernel
//! `K`, the V-statistic (the default everywhere, never negative)
//!
//! ```text
//! MMD²(X, Y) = 1/N² Σ K(x_i,x_k) + 1/M² Σ K(y_j,y_l) - 2/(NM) Σ K(x_i,y_j)
//! ```
//!
//! The U-statistic ([`Statistic::U`]) drops the diagonal terms and divides
//! the within-sample sums by `N(N-1)` and `M(M-1)`.
//!
//! For the Riesz kernel `K(x,y) = -‖x-y‖^r`, `0 < r < 2`, slicing is exact in
//! expectation: with `ξ` uniform on the sphere,
//! `MMD²(X, Y) = 1/c_{d,r} E_ξ MMD²_1D(<ξ,X>, <ξ,Y>)`, where
//! `c_{d,r} = Γ(d/2) Γ((r+1)/2) / (√π Γ((d+r)/2))` ([`special::slicing_constant`]).
//! For `r = 1` a one-dimensional MMD² and its gradient follow from one sort
//! ([`sort1d`]).
//!
//! ## Estimators
//!
//! | estimator | kernels | result | time | memory |
//! |---|---|---|---|---|
//! | [`Naive`] | all | exact | `O((N+M)² d)` | `O((N+M) d)` |
//! | [`SlicedSort`] (`r = 1`) | Riesz | unbiased, error `O(√(d/P))` | `O(P (N+M) (d + log(N+M)))` | `O((N+M) chunk)` |
//! | [`SlicedSort`] (`r ≠ 1`) | Riesz | unbiased | `O(P (N+M)²)` | `O((N+M) chunk)` |
//!
//! With the [`SlicedKernel`] (fixed directions) the naive estimator computes
//! exactly what [`SlicedSort`] computes with the same directions; the tests
//! check this to 1e-10.
//!
//! ## Conventions
//!
//! * Data are `f32` or `f64` ([`Float`]); long sums accumulate in `f64`.
//! * Gradients are of MMD² itself (V-statistic), with respect to the points of X.
//! * Randomness comes from a seed and the portable ChaCha8 generator; the
//!   same seed gives the same bits whatever the number of threads. Parallel
//!   work runs on the current rayon pool (use `rayon::ThreadPool::install`
//!   to choose the thread count).
//! * Bad input returns an [`MmdError`]; the library does not panic on user data.
//!
//! ## How the API is shaped
//!
//! One set of rules holds for every public type, so a user learns it once:
//!
//! * **Required arguments go to `new`**, which checks them and returns
//!   `Result` when one can be invalid ([`SlicedSort::new`]`(slices)`,
//!   [`PermutationTest::new`]`(permutations)`, [`Riesz::new`]`(r)`), and the
//!   value itself when none can ([`Naive::new`], [`SlicedKernel::new`]).
//!   Where a type can be built from other inputs, a named constructor sits
//!   beside `new`: `from_*` for a conversion ([`SlicedSort::from_directions`],
//!   [`Points::from_vec`]), a plain noun for a ready-made choice
//!   ([`Riesz::energy`], [`Directions::iid`], [`Snapshots::at`]).
//! * **Optional settings are `with_*` setters**: `#[must_use]`, taking and
//!   returning the value, never failing. A setting that can be out of range
//!   (a chunk size of 0, a memory budget of 0, Adam's `β`) is checked by
//!   the method that runs the computation (`estimate`, `grad_into`, `run`,
//!   `step`), which returns the same typed error a constructor would.
//! * **Getters are bare nouns** (`slices()`, `seed()`, `kernel()`), never
//!   `get_*` and never setters.
//! * **What varies per call is an argument, not a setting**: the
//!   [`Statistic`] (V or U) of [`MmdEstimator::estimate`] and of
//!   [`PermutationTest::run`].
//! * **Capabilities are queries on the trait**, not type tests:
//!   [`MmdEstimator::has_gradient`], [`MmdEstimator::shortcut`] (what a
//!   permutation test may reuse), [`Reseed`] (what a flow re-draws).
//! * **A function that cannot fail does not return `Result`**; one that can
//!   documents each error under `# Errors`. Errors are [`MmdError`]
//!   variants, one per kind of mistake, carrying the offending value.
//! * Work that takes long reports progress through an optional callback;
//!   the library never prints.
//!
//! ## Example
//!
//! ```
//! use sliced_mmd::{MmdEstimator, Naive, Points, Riesz, SlicedSort, Statistic};
//!
//! // two samples of 200 points in R^3, rows are points
//! let x: Vec<f64> = (0..600).map(|i| ((i * 37) % 101) as f64 / 101.0).collect();
//! let y: Vec<f64> = (0..600).map(|i| ((i * 53) % 103) as f64 / 103.0 + 0.5).collect();
//! let (x, y) = (Points::new(&x, 200, 3)?, Points::new(&y, 200, 3)?);
//!
//! let exact = Naive::new(Riesz::energy()).mmd2(&x, &y)?;
//! let sliced = SlicedSort::new(2000)?.with_seed(1).estimate(&x, &y, Statistic::V)?;
//! let se = sliced.std_error.unwrap();
//! assert!((sliced.mmd2 - exact).abs() < 5.0 * se);
//!
//! // the gradient with respect to the points of X, row-major N x d
//! let (value, grad) = SlicedSort::new(100)?.grad(&x, &y)?;
//! assert_eq!(grad.len(), 200 * 3);
//! assert!(value > 0.0);
//! # Ok::<(), sliced_mmd::MmdError>(())
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

// Modules in the order of the layering: each uses only modules listed
// before it (error, float, rng, special, linalg, points, statistic ->
// directions -> kernel -> sort1d -> estimator -> two_sample, flow -> io,
// plot); tests/integration/layering.rs checks it.
pub mod directions;
pub mod error;
pub mod estimator;
pub mod float;
pub mod flow;
#[cfg(feature = "io")]
pub mod io;
pub mod kernel;
mod linalg;
#[cfg(feature = "plot")]
pub mod plot;
pub mod points;
mod rng;
pub mod sort1d;
pub mod special;
pub mod statistic;
pub mod two_sample;

pub use directions::{DirectionDesign, Directions};
pub use error::{MmdError, Result, Sample};
pub use estimator::{
    Arithmetic, Estimator, MmdEstimator, Naive, RandomFeatures, Reseed, Shortcut, SlicedSort,
    Timings,
};
pub use float::{Float, Precision};
pub use flow::{
    Adam, AnyOptimizer, Flow, GradientDescent, MmdTrace, Momentum, Observer, Optimizer, Snapshots,
    Stop,
};
pub use kernel::{AnyKernel, Gaussian, Kernel, Laplace, Riesz, SlicedKernel};
pub use points::Points;
pub use statistic::{Estimate, Statistic};
pub use two_sample::{PermutationTest, TestPath, TestResult};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../docs/flows.md")]
pub struct FlowsDoctests;

#[cfg(doctest)]
#[doc = include_str!("../docs/two-sample.md")]
pub struct TwoSampleDoctests;
