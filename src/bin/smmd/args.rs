//! The command line, as clap types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Maximum mean discrepancy (MMD) between two samples, exact or sliced.
///
/// Samples are .npy files (1-D or 2-D, float or integer, C or Fortran order)
/// or .csv files (comma-separated numbers, optional header line); rows are
/// points, and a 1-D array is one point per value (d = 1).
#[derive(Debug, Parser)]
#[command(name = "smmd", version, propagate_version = true)]
pub struct Cli {
    /// What to compute.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Estimate MMD²(X, Y) (the V-statistic; the U-statistic with --unbiased).
    Mmd(Common),
    /// Write the gradient of the V-statistic MMD²(X, Y) with respect to the
    /// points of X (an N x d .npy array) and print MMD².
    Grad(GradArgs),
    /// Permutation two-sample test of H0: X and Y come from one distribution,
    /// with the MMD² estimate (V, or U with --unbiased) as the statistic.
    Test(TestArgs),
}

/// Options of `smmd test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Inputs and estimator options, as for `smmd mmd` (--seed also seeds
    /// the permutations).
    #[command(flatten)]
    pub common: Common,
    /// Number of permutations B; the p-value is (1 + #{T_b >= T}) / (1 + B).
    #[arg(
        long,
        value_name = "B",
        default_value_t = 1000,
        allow_negative_numbers = true
    )]
    pub permutations: usize,
    /// Significance level: reject when p_value <= alpha.
    #[arg(
        long,
        value_name = "A",
        default_value_t = 0.05,
        allow_negative_numbers = true
    )]
    pub alpha: f64,
    /// No progress bar on stderr (there is none either when stderr is not a terminal).
    #[arg(long)]
    pub quiet: bool,
}

/// Options of `smmd grad`.
#[derive(Debug, Args)]
pub struct GradArgs {
    /// Inputs and estimator options, as for `smmd mmd`.
    #[command(flatten)]
    pub common: Common,
    /// Where to write the N x d gradient (.npy, in the precision of --dtype).
    #[arg(long, value_name = "G.npy")]
    pub out: PathBuf,
}

/// The kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KernelName {
    /// -‖x-y‖^r with 0 < r < 2 (r = 1: energy distance).
    Riesz,
    /// exp(-‖x-y‖² / (2 sigma²)).
    Gaussian,
    /// exp(-‖x-y‖ / sigma).
    Laplace,
}

/// The estimator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EstimatorName {
    /// Naive while (N+M)² <= 1e8, else sliced (Riesz kernel) or random
    /// features (gaussian, laplace).
    Auto,
    /// Exact pair sums, O((N+M)² d).
    Naive,
    /// Sliced Riesz MMD by sorting projections, O(P (N+M) (d + log(N+M))).
    Sliced,
    /// Random features, O(D (N+M) d): Fourier features for gaussian and
    /// laplace, direction-threshold indicators for riesz r = 1.
    Features,
}

/// How the directions of the sliced estimator are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DirectionsName {
    /// Independent, uniform on the sphere.
    Iid,
    /// Stacked random orthonormal frames (d directions per frame).
    Orthogonal,
    /// A scrambled Sobol' sequence through the inverse normal CDF, normalised.
    Sobol,
}

/// The precision of the computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dtype {
    /// Single precision (sums still accumulate in f64).
    F32,
    /// Double precision.
    F64,
}

/// Inputs and options shared by `mmd` and `grad`.
#[derive(Debug, Args)]
pub struct Common {
    /// First sample X (.npy or .csv, rows are points).
    #[arg(value_name = "X")]
    pub x: PathBuf,
    /// Second sample Y (.npy or .csv, rows are points).
    #[arg(value_name = "Y")]
    pub y: PathBuf,
    /// Kernel.
    #[arg(long, value_enum, default_value_t = KernelName::Riesz)]
    pub kernel: KernelName,
    /// Exponent of the Riesz kernel, in (0, 2).
    #[arg(
        long,
        value_name = "R",
        default_value_t = 1.0,
        allow_negative_numbers = true
    )]
    pub r: f64,
    /// Bandwidth of the gaussian and laplace kernels [default: median
    /// pairwise distance of the pooled sample, on a seeded subsample of at
    /// most 1000 points].
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub sigma: Option<f64>,
    /// Estimator.
    #[arg(long, value_enum, value_name = "E", default_value_t = EstimatorName::Auto)]
    pub estimator: EstimatorName,
    /// Number of directions P of the sliced estimator.
    #[arg(
        long,
        value_name = "P",
        default_value_t = 500,
        allow_negative_numbers = true
    )]
    pub slices: usize,
    /// Number of random features D of the features estimator [default: 1024].
    #[arg(long, value_name = "D", allow_negative_numbers = true)]
    pub features: Option<usize>,
    /// How the directions of the sliced estimator are drawn.
    #[arg(long, value_enum, value_name = "KIND", default_value_t = DirectionsName::Iid)]
    pub directions: DirectionsName,
    /// Seed of every random choice (directions, bandwidth subsample).
    #[arg(
        long,
        value_name = "S",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub seed: u64,
    /// Report the U-statistic (unbiased, can be negative) instead of the
    /// V-statistic (mmd only; the gradient is always of the V-statistic).
    #[arg(long)]
    pub unbiased: bool,
    /// Precision of the computation (the input is converted).
    #[arg(long, value_enum, value_name = "TYPE", default_value_t = Dtype::F64)]
    pub dtype: Dtype,
    /// Number of threads [default: all cores].
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub threads: Option<usize>,
    /// Run the computation K times with seeds S, S+1, ..., S+K-1 (fresh
    /// directions each time); report the value of the first run and the
    /// median of the K wall times: a benchmark of the estimator.
    #[arg(
        long,
        value_name = "K",
        default_value_t = 1,
        allow_negative_numbers = true
    )]
    pub repeat: usize,
    /// Print one JSON object on stdout instead of a summary.
    #[arg(long)]
    pub json: bool,
}
