//! Running `smmd mmd`, `smmd grad` and `smmd test`: the library objects
//! built from the options (the library checks every value), the computation
//! timed in the precision of `--dtype` on `--threads` threads, and one
//! [`Report`] for all three.

use std::path::Path;
use std::time::Instant;

use sliced_mmd::estimator::DEFAULT_FEATURES;
use sliced_mmd::io::{read_points, write_npy};
use sliced_mmd::kernel::median_heuristic;
use sliced_mmd::{
    AnyKernel, Arithmetic, Estimate, Estimator, Float, Gaussian, Kernel, Laplace, MmdError,
    MmdEstimator, Naive, PermutationTest, Points, Precision, RandomFeatures, Reseed, Riesz,
    SlicedSort, Statistic, TestResult,
};

use crate::args::{Command, EstimatorArgs, EstimatorName, KernelName, Samples, Shared, TestArgs};
use crate::errors::{describe, describe_in};
use crate::output::{self, Report, TestReport};
use crate::progress::Bar;

/// A one-line error message (without the `error: ` prefix).
pub type CliResult<T> = Result<T, String>;

/// Run a parsed command line.
pub fn run(command: Command) -> CliResult<()> {
    match command {
        Command::Mmd(a) => {
            let stat = if a.unbiased {
                Statistic::U
            } else {
                Statistic::V
            };
            let setup = Setup::new(&a.samples, &a.estimator, &a.shared, stat)?;
            let report = setup.run(&Repeated {
                repeat: a.repeat.times,
                gradient_to: None,
            })?;
            output::print_mmd(&report, a.shared.json)
        }
        Command::Grad(a) => {
            let setup = Setup::new(&a.samples, &a.estimator, &a.shared, Statistic::V)?;
            let report = setup.run(&Repeated {
                repeat: a.repeat.times,
                gradient_to: Some(&a.out),
            })?;
            output::print_grad(&report, &a.out, a.shared.json)
        }
        Command::Test(a) => run_test(&a),
        Command::Flow(a) => crate::flow::run_flow(&a),
    }
}

/// Run `f` on a pool of `threads` workers, or on rayon's global pool (all
/// cores) without `--threads`.
pub fn on_threads<R: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> CliResult<R> + Send,
) -> CliResult<R> {
    match threads {
        None => f(),
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .map_err(|e| format!("cannot start {t} threads: {e}"))?
            .install(f),
    }
}

/// The samples and library objects of one `mmd`, `grad` or `test` command.
struct Setup<'a> {
    files: &'a Samples,
    x: Points<'static, f64>,
    y: Points<'static, f64>,
    kernel: AnyKernel,
    /// The estimator of the first run (later runs re-seed a clone).
    estimator: Estimator,
    stat: Statistic,
    seed: u64,
    precision: Precision,
    threads: Option<usize>,
}

impl<'a> Setup<'a> {
    /// Read the samples and build the kernel and the estimator of the
    /// options.
    fn new(
        files: &'a Samples,
        o: &EstimatorArgs,
        shared: &Shared,
        stat: Statistic,
    ) -> CliResult<Self> {
        check_combinations(o)?;
        let x = read_points(&files.x).map_err(|e| e.to_string())?;
        let y = read_points(&files.y).map_err(|e| e.to_string())?;
        let in_files = |e| describe_in(e, files.x.display(), files.y.display());
        let kernel = build_kernel(o, || median_heuristic(&x, &y, shared.seed)).map_err(in_files)?;
        let estimator = build_estimator(o, &kernel, x.n(), y.n(), shared.seed).map_err(in_files)?;
        Ok(Setup {
            files,
            x,
            y,
            kernel,
            estimator,
            stat,
            seed: shared.seed,
            precision: shared.precision(Precision::Double),
            threads: shared.threads,
        })
    }

    /// A library error, naming the file of the sample it is about.
    fn describe(&self, e: MmdError) -> String {
        describe_in(e, self.files.x.display(), self.files.y.display())
    }

    /// Run `task` in the precision of `--dtype`, on `--threads` threads.
    fn run<T: Task>(&self, task: &T) -> CliResult<T::Output> {
        on_threads(self.threads, || match self.precision {
            Precision::Double => task.run(self, &self.x, &self.y),
            Precision::Single => {
                let x = narrow(&self.x, &self.files.x)?;
                let y = narrow(&self.y, &self.files.y)?;
                task.run(self, &x, &y)
            }
        })
    }

    /// The report of a computation in `F` that gave `value` in the wall
    /// times `seconds` (one per run), on the current thread pool.
    fn report<F: Float>(&self, value: Estimate, seconds: &[f64]) -> Report {
        let (slices, directions, features) = match &self.estimator {
            Estimator::SlicedSort(s) => (Some(s.slices()), Some(s.design().name()), None),
            Estimator::Features(f) => (None, None, Some(f.features())),
            _ => (None, None, None),
        };
        Report {
            mmd2: value.mmd2,
            std_error: value.std_error,
            kernel: Kernel::<f64>::name(&self.kernel),
            kernel_param: match &self.kernel {
                AnyKernel::Riesz(k) => Some(("r", k.r())),
                AnyKernel::Gaussian(k) => Some(("sigma", k.sigma())),
                AnyKernel::Laplace(k) => Some(("sigma", k.sigma())),
                _ => None,
            },
            estimator: MmdEstimator::<F>::name(&self.estimator),
            slices,
            features,
            directions,
            seed: self.seed,
            statistic: self.stat,
            dtype: F::NAME,
            n: self.x.n(),
            m: self.y.n(),
            d: self.x.d(),
            seconds: median(seconds),
            runs: seconds.len(),
            threads: rayon::current_num_threads(),
        }
    }
}

/// A computation on the two samples, written once for both precisions.
trait Task: Sync {
    /// What it gives.
    type Output: Send;

    /// Compute on `x` and `y`, the samples of `setup` in `F`.
    fn run<F: Float>(
        &self,
        setup: &Setup<'_>,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
    ) -> CliResult<Self::Output>;
}

/// The option combinations that no library object sees.
fn check_combinations(o: &EstimatorArgs) -> CliResult<()> {
    if o.features.is_some() && !matches!(o.estimator, EstimatorName::Features | EstimatorName::Auto)
    {
        return Err("--features applies only to --estimator features (or auto)".to_string());
    }
    if o.directions.is_some() && o.estimator == EstimatorName::Features {
        return Err(
            "--directions applies only to the sliced estimator; random features draw iid directions"
                .to_string(),
        );
    }
    Ok(())
}

/// The kernel of the options: Riesz with `--r`, or gaussian or laplace
/// with `--sigma`, by default the bandwidth `median` gives.
fn build_kernel(
    o: &EstimatorArgs,
    median: impl FnOnce() -> sliced_mmd::Result<f64>,
) -> sliced_mmd::Result<AnyKernel> {
    let sigma = || o.sigma.map_or_else(median, Ok);
    Ok(match o.kernel {
        KernelName::Riesz => Riesz::new(o.r)?.into(),
        KernelName::Gaussian => Gaussian::new(sigma()?)?.into(),
        KernelName::Laplace => Laplace::new(sigma()?)?.into(),
    })
}

/// The estimator of the options for `kernel` on samples of `n` and `m`
/// points, with directions and features drawn from `seed`.
fn build_estimator(
    o: &EstimatorArgs,
    kernel: &AnyKernel,
    n: usize,
    m: usize,
    seed: u64,
) -> sliced_mmd::Result<Estimator> {
    let sliced = SlicedSort::new(o.slices)?
        .with_seed(seed)
        .with_design(o.directions.unwrap_or_default());
    let features = o.features.unwrap_or(DEFAULT_FEATURES);
    let est = match (o.estimator, kernel) {
        (EstimatorName::Naive, _) => Estimator::Naive(Naive::new(kernel.clone())),
        (EstimatorName::Sliced, AnyKernel::Riesz(k)) => {
            Estimator::SlicedSort(sliced.with_kernel(*k))
        }
        (EstimatorName::Sliced, _) => {
            return Err(MmdError::Unsupported {
                estimator: "sliced",
                what: "kernels other than riesz",
            })
        }
        (EstimatorName::Features, _) => {
            Estimator::Features(RandomFeatures::new(kernel.clone(), features)?.with_seed(seed))
        }
        (EstimatorName::Auto, _) => {
            Estimator::auto_with_features(kernel.clone(), n, m, sliced, features)?
        }
    };
    // `--dtype` is the precision of the computation: the exact estimator
    // forms the distances of f32 data in f32 (sums still in f64); f64 data
    // are unaffected.
    Ok(match est {
        Estimator::Naive(e) => Estimator::Naive(e.with_arithmetic(Arithmetic::DataType)),
        other => other,
    })
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

/// The median of a list (NaN for none).
fn median(seconds: &[f64]) -> f64 {
    let mut v = seconds.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        k if k % 2 == 1 => v[k / 2],
        k => 0.5 * (v[k / 2 - 1] + v[k / 2]),
    }
}

/// `mmd` and `grad`: the computation `repeat` times with seeds `seed`,
/// `seed + 1`, ..., each run on a fresh estimator (no buffers kept), timed
/// alone; the value (and the gradient, written to `gradient_to`) of the
/// first run and the median time.
struct Repeated<'a> {
    repeat: usize,
    gradient_to: Option<&'a Path>,
}

impl Task for Repeated<'_> {
    type Output = Report;

    fn run<F: Float>(
        &self,
        s: &Setup<'_>,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
    ) -> CliResult<Report> {
        let len = if self.gradient_to.is_some() {
            x.n() * x.d()
        } else {
            0
        };
        let (mut grad, mut scratch) = (vec![F::zero(); len], Vec::new());
        let mut first = None;
        let mut seconds = Vec::with_capacity(self.repeat);
        for k in 0..self.repeat {
            let mut est = s.estimator.clone();
            est.reseed(s.seed.wrapping_add(k as u64));
            let out = if k == 0 {
                &mut grad
            } else {
                scratch.resize(len, F::zero());
                &mut scratch
            };
            let start = Instant::now();
            let value = match self.gradient_to {
                Some(_) => est.grad_into(x, y, out).map(|mmd2| Estimate {
                    mmd2,
                    std_error: None,
                }),
                None => est.estimate(x, y, s.stat),
            }
            .map_err(|e| s.describe(e))?;
            seconds.push(start.elapsed().as_secs_f64());
            first.get_or_insert(value);
        }
        if let Some(path) = self.gradient_to {
            write_npy(path, &grad, x.n(), x.d()).map_err(|e| e.to_string())?;
        }
        let value = first.ok_or("no run")?;
        Ok(s.report::<F>(value, &seconds))
    }
}

/// `test`: the permutation test, with a progress bar.
struct Test<'a> {
    test: PermutationTest,
    bar: &'a Bar,
}

impl Task for Test<'_> {
    type Output = (TestResult, Report);

    fn run<F: Float>(
        &self,
        s: &Setup<'_>,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
    ) -> CliResult<Self::Output> {
        let progress = |done: usize| self.bar.update(done);
        let start = Instant::now();
        let res = self
            .test
            .run_with_progress(&s.estimator, x, y, s.stat, Some(&progress))
            .map_err(|e| s.describe(e))?;
        let seconds = start.elapsed().as_secs_f64();
        let value = Estimate {
            mmd2: res.statistic,
            std_error: None,
        };
        let report = s.report::<F>(value, &[seconds]);
        Ok((res, report))
    }
}

/// Run `smmd test`: the permutation test on the fastest path for the
/// chosen estimator, then the decision at `--alpha`.
fn run_test(a: &TestArgs) -> CliResult<()> {
    let stat = if a.unbiased {
        Statistic::U
    } else {
        Statistic::V
    };
    let test = PermutationTest::new(a.permutations)
        .map_err(describe)?
        .with_seed(a.shared.seed)
        .with_alpha(a.alpha);
    let setup = Setup::new(&a.samples, &a.estimator, &a.shared, stat)?;
    let bar = Bar::new(a.permutations, "permutations", a.quiet);
    let outcome = setup.run(&Test { test, bar: &bar });
    bar.finish();
    let (res, common) = outcome?;
    let reject = res.rejected;
    let report = TestReport {
        p_value: res.p_value,
        permutations: res.permutations,
        alpha: a.alpha,
        reject,
        common,
    };
    output::print_test(&report, a.shared.json)
}
