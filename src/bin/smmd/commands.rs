//! Running `smmd mmd` and `smmd grad`: option checks, reading, timing.

use std::path::{Path, PathBuf};
use std::time::Instant;

use sliced_mmd::estimator::DEFAULT_FEATURES;
use sliced_mmd::io::{read_points, write_npy};
use sliced_mmd::kernel::median_heuristic;
use sliced_mmd::two_sample::{check_alpha, PermutationTest};
use sliced_mmd::{
    AnyKernel, Arithmetic, DirectionDesign, Estimator, Float, Gaussian, Kernel, Laplace, MmdError,
    MmdEstimator, Naive, Points, RandomFeatures, Riesz, Sample, SlicedSort, Statistic,
};

use crate::args::{Command, Common, DirectionsName, Dtype, EstimatorName, KernelName, TestArgs};
use crate::output::{self, Report, TestReport};
use crate::progress::Bar;

/// A one-line error message (without the `error: ` prefix).
pub type CliResult<T> = Result<T, String>;

/// Run a parsed command line.
pub fn run(command: Command) -> CliResult<()> {
    match command {
        Command::Mmd(c) => {
            let report = compute(&c, None)?;
            output::print_mmd(&report, c.json)
        }
        Command::Grad(g) => {
            if g.common.unbiased {
                return Err(
                    "--unbiased does not apply to grad: the gradient is of the V-statistic"
                        .to_string(),
                );
            }
            let report = compute(&g.common, Some(&g.out))?;
            output::print_grad(&report, g.common.json)
        }
        Command::Test(t) => run_test(&t),
        Command::Flow(f) => crate::flow::run_flow(&f),
    }
}

/// A pool of `threads` workers, or `None` for rayon's global pool (all cores).
pub fn thread_pool(threads: Option<usize>) -> CliResult<Option<rayon::ThreadPool>> {
    threads
        .map(|t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map_err(|e| format!("cannot start {t} threads: {e}"))
        })
        .transpose()
}

/// The options that need no data, checked before any file is read.
fn check_options(c: &Common) -> CliResult<()> {
    if c.threads == Some(0) {
        return Err("invalid --threads 0: at least one thread is needed".to_string());
    }
    if c.repeat == 0 {
        return Err("invalid --repeat 0: at least one run is needed".to_string());
    }
    if c.features == Some(0) {
        return Err("invalid --features 0: at least one random feature is needed".to_string());
    }
    if c.features.is_some() && !matches!(c.estimator, EstimatorName::Features | EstimatorName::Auto)
    {
        return Err("--features applies only to --estimator features (or auto)".to_string());
    }
    if c.estimator == EstimatorName::Features && c.directions != DirectionsName::Iid {
        return Err(
            "--directions applies only to the sliced estimator; random features draw iid directions"
                .to_string(),
        );
    }
    if c.estimator == EstimatorName::Features && c.kernel == KernelName::Riesz && c.r != 1.0 {
        return Err(format!(
            "the features estimator supports the riesz kernel only for r = 1, not r = {}",
            c.r
        ));
    }
    SlicedSort::new(c.slices).map_err(|e| e.to_string())?;
    match c.kernel {
        KernelName::Riesz => {
            Riesz::new(c.r).map_err(|e| e.to_string())?;
        }
        KernelName::Gaussian | KernelName::Laplace => {
            if let Some(sigma) = c.sigma {
                Gaussian::new(sigma).map_err(|e| e.to_string())?;
            }
            if c.estimator == EstimatorName::Sliced {
                return Err(format!(
                    "the sliced estimator supports only the riesz kernel, not {}",
                    kernel_word(c.kernel)
                ));
            }
        }
    }
    Ok(())
}

fn kernel_word(k: KernelName) -> &'static str {
    match k {
        KernelName::Riesz => "riesz",
        KernelName::Gaussian => "gaussian",
        KernelName::Laplace => "laplace",
    }
}

/// A library error as one line, naming the file of the sample it is about.
fn describe(e: MmdError, c: &Common) -> String {
    let file = |s: Sample| match s {
        Sample::X => c.x.display().to_string(),
        Sample::Y => c.y.display().to_string(),
    };
    match e {
        MmdError::NonFinite {
            sample: Some(s), ..
        }
        | MmdError::EmptySample { sample: s }
        | MmdError::TooFewForUnbiased { sample: s, .. } => format!("{}: {e}", file(s)),
        MmdError::DimensionMismatch { x_d, y_d } => format!(
            "dimension mismatch: X ({}) has d = {x_d} but Y ({}) has d = {y_d}",
            file(Sample::X),
            file(Sample::Y)
        ),
        other => other.to_string(),
    }
}

/// What one command computed.
struct Outcome<F> {
    mmd2: f64,
    std_error: Option<f64>,
    estimator: &'static str,
    seconds: Vec<f64>,
    threads: usize,
    grad: Option<Vec<F>>,
}

/// What a report needs of an [`Outcome`]: value, standard error,
/// estimator name, run times and thread count.
type Summary = (f64, Option<f64>, &'static str, Vec<f64>, usize);

impl<F> Outcome<F> {
    fn summary(self) -> Summary {
        (
            self.mmd2,
            self.std_error,
            self.estimator,
            self.seconds,
            self.threads,
        )
    }
}

/// Build the estimator for one run.
type Make<'a> = dyn Fn(u64) -> sliced_mmd::Result<Estimator> + Sync + 'a;

/// Run the computation `repeat` times with seeds `seed..seed+repeat`,
/// timing the computation alone.
fn repeated<F: Float>(
    x: &Points<'_, F>,
    y: &Points<'_, F>,
    make: &Make<'_>,
    c: &Common,
    want_grad: bool,
) -> sliced_mmd::Result<Outcome<F>> {
    let stat = if c.unbiased {
        Statistic::U
    } else {
        Statistic::V
    };
    let mut first: Option<(f64, Option<f64>, &'static str)> = None;
    let mut seconds = Vec::with_capacity(c.repeat);
    let mut grad = want_grad.then(|| vec![F::zero(); x.n() * x.d()]);
    let mut scratch = Vec::new();
    for k in 0..c.repeat {
        let est = make(c.seed.wrapping_add(k as u64))?;
        let name = MmdEstimator::<F>::name(&est);
        let (mmd2, std_error, elapsed) = match grad.as_mut() {
            Some(g) => {
                let out = if k == 0 {
                    g
                } else {
                    scratch.resize(x.n() * x.d(), F::zero());
                    &mut scratch
                };
                let t = Instant::now();
                let v = est.grad_into(x, y, out)?;
                (v, None, t.elapsed())
            }
            None => {
                let t = Instant::now();
                let e = est.estimate(x, y, stat)?;
                (e.mmd2, e.std_error, t.elapsed())
            }
        };
        seconds.push(elapsed.as_secs_f64());
        first.get_or_insert((mmd2, std_error, name));
    }
    let (mmd2, std_error, estimator) = first.unwrap_or((f64::NAN, None, "naive"));
    Ok(Outcome {
        mmd2,
        std_error,
        estimator,
        seconds,
        threads: rayon::current_num_threads(),
        grad,
    })
}

/// The median of a non-empty list.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let k = v.len();
    if k == 0 {
        return f64::NAN;
    }
    if k % 2 == 1 {
        v[k / 2]
    } else {
        0.5 * (v[k / 2 - 1] + v[k / 2])
    }
}

fn compute(c: &Common, out: Option<&PathBuf>) -> CliResult<Report> {
    check_options(c)?;
    let x = read_points(&c.x).map_err(|e| e.to_string())?;
    let y = read_points(&c.y).map_err(|e| e.to_string())?;
    if x.d() != y.d() {
        return Err(describe(
            MmdError::DimensionMismatch {
                x_d: x.d(),
                y_d: y.d(),
            },
            c,
        ));
    }
    let (kernel, param) = build_kernel(c, &x, &y)?;
    let (n, m, d) = (x.n(), y.n(), x.d());
    let slices = c.slices;
    let make = |seed: u64| build_estimator(c, &kernel, n, m, seed);

    let pool = thread_pool(c.threads)?;
    let in_pool = |f: &(dyn Fn() -> CliResult<Report> + Sync)| match &pool {
        Some(p) => p.install(f),
        None => f(),
    };
    let kernel_name = Kernel::<f64>::name(&kernel);
    let report = |(mmd2, std_error, estimator, seconds, threads): Summary| {
        let runs = seconds.len();
        Report {
            mmd2,
            std_error,
            kernel: kernel_name,
            kernel_param: param,
            estimator,
            slices: (estimator == "sliced").then_some(slices),
            features: (estimator == "features").then_some(c.features.unwrap_or(DEFAULT_FEATURES)),
            directions: (estimator == "sliced").then_some(design(c.directions).name()),
            seed: c.seed,
            statistic: if c.unbiased { "u" } else { "v" },
            dtype: match c.dtype {
                Dtype::F32 => "f32",
                Dtype::F64 => "f64",
            },
            n,
            m,
            d,
            seconds: median(seconds),
            runs,
            threads,
            out: out.cloned(),
        }
    };

    match c.dtype {
        Dtype::F64 => in_pool(&|| Ok(report(run_and_write(&x, &y, &make, c, out)?.summary()))),
        Dtype::F32 => {
            let (x, y) = (narrow(&x, &c.x)?, narrow(&y, &c.y)?);
            in_pool(&|| Ok(report(run_and_write(&x, &y, &make, c, out)?.summary())))
        }
    }
}

/// The estimator of the options, with directions and features drawn from
/// `seed`.
fn build_estimator(
    c: &Common,
    kernel: &AnyKernel,
    n: usize,
    m: usize,
    seed: u64,
) -> sliced_mmd::Result<Estimator> {
    let sliced = || -> sliced_mmd::Result<SlicedSort> {
        Ok(SlicedSort::new(c.slices)?
            .with_seed(seed)
            .with_design(design(c.directions)))
    };
    let features = c.features.unwrap_or(DEFAULT_FEATURES);
    let est = match c.estimator {
        EstimatorName::Naive => Ok(Estimator::Naive(Naive::new(kernel.clone()))),
        EstimatorName::Sliced => Ok(Estimator::SlicedSort(sliced()?.with_kernel(Riesz::new(c.r)?))),
        EstimatorName::Features => Ok(Estimator::Features(
            RandomFeatures::new(kernel.clone(), features)?.with_seed(seed),
        )),
        EstimatorName::Auto => {
            Estimator::auto_with_features(kernel.clone(), n, m, sliced()?, features)
        }
    }?;
    // `--dtype` is the precision of the computation: the exact estimator
    // forms the distances of f32 data in f32 (sums still in f64); f64 data
    // are unaffected.
    Ok(match est {
        Estimator::Naive(e) => Estimator::Naive(e.with_arithmetic(Arithmetic::DataType)),
        other => other,
    })
}

/// The library design of a `--directions` value.
pub fn design(name: DirectionsName) -> DirectionDesign {
    match name {
        DirectionsName::Iid => DirectionDesign::Iid,
        DirectionsName::Orthogonal => DirectionDesign::Orthogonal,
        DirectionsName::Sobol => DirectionDesign::Sobol,
        DirectionsName::Hadamard => DirectionDesign::Hadamard,
    }
}

/// The kernel of the options, with its parameter (`r`, or `sigma`, by
/// default the median heuristic on the pooled sample).
fn build_kernel(
    c: &Common,
    x: &Points<'_, f64>,
    y: &Points<'_, f64>,
) -> CliResult<(AnyKernel, (&'static str, f64))> {
    Ok(match c.kernel {
        KernelName::Riesz => (
            Riesz::new(c.r).map_err(|e| e.to_string())?.into(),
            ("r", c.r),
        ),
        KernelName::Gaussian | KernelName::Laplace => {
            let sigma = match c.sigma {
                Some(s) => s,
                None => median_heuristic(x, y, c.seed).map_err(|e| describe(e, c))?,
            };
            let k: AnyKernel = if c.kernel == KernelName::Gaussian {
                Gaussian::new(sigma).map_err(|e| e.to_string())?.into()
            } else {
                Laplace::new(sigma).map_err(|e| e.to_string())?.into()
            };
            (k, ("sigma", sigma))
        }
    })
}

/// [`repeated`], then the gradient (if asked for) written to `out`.
fn run_and_write<F: Float>(
    x: &Points<'_, F>,
    y: &Points<'_, F>,
    make: &Make<'_>,
    c: &Common,
    out: Option<&PathBuf>,
) -> CliResult<Outcome<F>> {
    let o = repeated(x, y, make, c, out.is_some()).map_err(|e| describe(e, c))?;
    if let (Some(path), Some(g)) = (out, &o.grad) {
        write(path, g, x.n(), x.d())?;
    }
    Ok(o)
}

fn write<F: Float>(path: &Path, g: &[F], n: usize, d: usize) -> CliResult<()> {
    write_npy(path, g, n, d).map_err(|e| e.to_string())
}

/// The sample in `f32`, or an error naming the first value out of range.
fn narrow(p: &Points<'_, f64>, file: &Path) -> CliResult<Points<'static, f32>> {
    p.cast::<f32>().map_err(|e| match e {
        MmdError::NonFinite { row, col, .. } => format!(
            "{}: value {} in row {row}, column {col} is out of the range of f32 (use --dtype f64)",
            file.display(),
            p.row(row)[col]
        ),
        other => format!("{}: {other}", file.display()),
    })
}

/// Run `smmd test`: options checked before any file is read, then the
/// permutation test on the fastest path for the chosen estimator.
fn run_test(t: &TestArgs) -> CliResult<()> {
    let c = &t.common;
    check_options(c)?;
    if c.repeat != 1 {
        return Err("--repeat does not apply to test".to_string());
    }
    let stat = if c.unbiased {
        Statistic::U
    } else {
        Statistic::V
    };
    let test = PermutationTest::new(t.permutations)
        .map_err(|e| e.to_string())?
        .with_seed(c.seed)
        .statistic(stat);
    let alpha = check_alpha(t.alpha).map_err(|e| e.to_string())?;
    let x = read_points(&c.x).map_err(|e| e.to_string())?;
    let y = read_points(&c.y).map_err(|e| e.to_string())?;
    if x.d() != y.d() {
        return Err(describe(
            MmdError::DimensionMismatch {
                x_d: x.d(),
                y_d: y.d(),
            },
            c,
        ));
    }
    let (kernel, param) = build_kernel(c, &x, &y)?;
    let (n, m, d) = (x.n(), y.n(), x.d());
    let est = build_estimator(c, &kernel, n, m, c.seed).map_err(|e| describe(e, c))?;
    let pool = thread_pool(c.threads)?;
    let bar = Bar::new(t.permutations, "permutations", t.quiet);
    let go = || -> CliResult<(sliced_mmd::two_sample::TestResult, f64, usize, &'static str)> {
        let progress = |done: usize| bar.update(done);
        let timed = |res: sliced_mmd::Result<sliced_mmd::two_sample::TestResult>,
                     start: Instant,
                     name: &'static str| {
            let secs = start.elapsed().as_secs_f64();
            res.map(|r| (r, secs, rayon::current_num_threads(), name))
                .map_err(|e| describe(e, c))
        };
        match c.dtype {
            Dtype::F64 => {
                let start = Instant::now();
                let r = test.run_with_progress(&est, &x, &y, Some(&progress));
                timed(r, start, MmdEstimator::<f64>::name(&est))
            }
            Dtype::F32 => {
                let (x, y) = (narrow(&x, &c.x)?, narrow(&y, &c.y)?);
                let start = Instant::now();
                let r = test.run_with_progress(&est, &x, &y, Some(&progress));
                timed(r, start, MmdEstimator::<f32>::name(&est))
            }
        }
    };
    let outcome = match &pool {
        Some(p) => p.install(go),
        None => go(),
    };
    bar.finish();
    let (res, seconds, threads, estimator) = outcome?;
    let reject = res.p_value <= alpha;
    let report = TestReport {
        statistic: res.statistic,
        p_value: res.p_value,
        permutations: res.permutations,
        alpha,
        reject,
        common: Report {
            mmd2: res.statistic,
            std_error: None,
            kernel: Kernel::<f64>::name(&kernel),
            kernel_param: param,
            estimator,
            slices: (estimator == "sliced").then_some(c.slices),
            features: (estimator == "features").then_some(c.features.unwrap_or(DEFAULT_FEATURES)),
            directions: (estimator == "sliced").then_some(design(c.directions).name()),
            seed: c.seed,
            statistic: if c.unbiased { "u" } else { "v" },
            dtype: match c.dtype {
                Dtype::F32 => "f32",
                Dtype::F64 => "f64",
            },
            n,
            m,
            d,
            seconds,
            runs: 1,
            threads,
            out: None,
        },
    };
    output::print_test(&report, c.json)
}
