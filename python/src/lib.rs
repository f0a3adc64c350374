//! The extension module `sliced_mmd._core`: the functions the Python
//! package `sliced_mmd` wraps (its `__init__.py` holds the documented API:
//! argument normalisation, defaults, result types).
//!
//! Every function reads NumPy arrays without copying when they are
//! C-contiguous (one row-major copy otherwise), releases the GIL for the
//! computation, runs it on a rayon pool of `threads` workers (all cores by
//! default), and turns every error of the core crate into the Python
//! exception `sliced_mmd.MmdError` (a `ValueError`) with the crate's message.

mod input;
mod spec;

use numpy::ndarray::{Array1, Array2};
use numpy::{Element, IntoPyArray, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use sliced_mmd::flow::{uniform_box, FlowState};
use sliced_mmd::{
    Adam, AnyOptimizer, DirectionDesign, Directions, Float, Flow, GradientDescent,
    MmdError as CoreError, MmdEstimator, Momentum, Observer, PermutationTest, Points, Sample,
    Snapshots, Statistic, Stop, TestPath,
};

use input::{count, in_pool, points, read_pair, unsigned, Input, Pair};
use spec::{EstimatorName, KernelName, Spec};

pyo3::create_exception!(
    sliced_mmd,
    MmdError,
    PyValueError,
    "Bad input or a failed computation in sliced_mmd (a ValueError), with the core crate's message."
);

/// The Python exception for an error of the core crate.
pub(crate) fn to_py(e: CoreError) -> PyErr {
    MmdError::new_err(e.to_string())
}

/// A `sliced_mmd.MmdError` with this message.
pub(crate) fn error(message: String) -> PyErr {
    MmdError::new_err(message)
}

/// Default number of directions of the sliced estimator (as `smmd`).
const DEFAULT_SLICES: usize = 500;

/// Default number of directions per step of a flow (as `smmd flow`).
const DEFAULT_FLOW_SLICES: usize = 200;

/// The options shared by every function that builds an estimator.
#[allow(clippy::too_many_arguments)]
fn make_spec(
    kernel: &str,
    r: f64,
    sigma: Option<f64>,
    estimator: &str,
    n_slices: Option<&Bound<'_, PyAny>>,
    default_slices: usize,
    n_features: Option<&Bound<'_, PyAny>>,
    design: &str,
    directions: Option<PyReadonlyArray2<'_, f64>>,
    seed: Option<&Bound<'_, PyAny>>,
) -> PyResult<Spec> {
    let kernel = KernelName::parse(kernel).map_err(to_py)?;
    let estimator = EstimatorName::parse(estimator).map_err(to_py)?;
    let slices = match n_slices {
        Some(p) => count(p, "number of slices P", 1)?,
        None => default_slices,
    };
    let features = match n_features {
        Some(f) => count(f, "number of features D", 1)?,
        None => sliced_mmd::estimator::DEFAULT_FEATURES,
    };
    let design: DirectionDesign = design.parse().map_err(to_py)?;
    let directions = match directions {
        Some(a) => {
            let (p, d) = (a.shape()[0], a.shape()[1]);
            let values: Vec<f64> = a.as_array().iter().copied().collect();
            if p == 0 {
                return Err(to_py(CoreError::InvalidCount {
                    what: "number of slices P",
                    value: 0,
                    min: 1,
                }));
            }
            if d == 0 {
                return Err(to_py(CoreError::ZeroDimension));
            }
            Some(Directions::new(values, p, d).map_err(to_py)?)
        }
        None => None,
    };
    let seed = match seed {
        Some(s) => unsigned(s, "seed")?,
        None => 0,
    };
    Ok(Spec {
        kernel,
        r,
        sigma,
        estimator,
        slices,
        features,
        design,
        directions,
        seed,
    })
}

fn threads_of(threads: Option<&Bound<'_, PyAny>>) -> PyResult<Option<usize>> {
    threads
        .map(|t| count(t, "number of threads", 1))
        .transpose()
}

/// Run `work` without the GIL on the pool of `threads` workers.
fn compute<T: Send>(
    py: Python<'_>,
    threads: Option<usize>,
    work: impl FnOnce() -> Result<T, CoreError> + Send,
) -> PyResult<T> {
    py.detach(|| in_pool(threads, work))
        .map_err(error)?
        .map_err(to_py)
}

/// The two samples as validated points.
fn pair<'a, F: Float + Element>(
    a: &'a Input<'_, F>,
    b: &'a Input<'_, F>,
) -> impl Fn() -> Result<(Points<'a, F>, Points<'a, F>), CoreError> + Send + 'a {
    let (xs, ys) = (a.slice(), b.slice());
    let (an, ad, bn, bd) = (a.n, a.d, b.n, b.d);
    move || {
        Ok((
            points(xs, an, ad, Sample::X)?,
            points(ys, bn, bd, Sample::Y)?,
        ))
    }
}

/// MMD² of two samples: `(value, std_error or None, estimator, sigma or None)`.
#[pyfunction]
#[pyo3(signature = (x, y, *, kernel="riesz", r=1.0, sigma=None, estimator="auto", statistic="v",
    n_slices=None, n_features=None, design="iid", directions=None, seed=None, threads=None))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn mmd(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    kernel: &str,
    r: f64,
    sigma: Option<f64>,
    estimator: &str,
    statistic: &str,
    n_slices: Option<&Bound<'_, PyAny>>,
    n_features: Option<&Bound<'_, PyAny>>,
    design: &str,
    directions: Option<PyReadonlyArray2<'_, f64>>,
    seed: Option<&Bound<'_, PyAny>>,
    threads: Option<&Bound<'_, PyAny>>,
) -> PyResult<(f64, Option<f64>, &'static str, Option<f64>)> {
    let spec = make_spec(
        kernel,
        r,
        sigma,
        estimator,
        n_slices,
        DEFAULT_SLICES,
        n_features,
        design,
        directions,
        seed,
    )?;
    let stat: Statistic = statistic.parse().map_err(to_py)?;
    let threads = threads_of(threads)?;
    fn run<F: Float + Element>(
        py: Python<'_>,
        spec: &Spec,
        stat: Statistic,
        threads: Option<usize>,
        a: &Input<'_, F>,
        b: &Input<'_, F>,
    ) -> PyResult<(f64, Option<f64>, &'static str, Option<f64>)> {
        let samples = pair(a, b);
        compute(py, threads, || {
            let (x, y) = samples()?;
            let built = spec.build(&x, &y)?;
            let e = built.estimator.estimate(&x, &y, stat)?;
            let se = if built.name == "exact" {
                None
            } else {
                e.std_error
            };
            Ok((e.mmd2, se, built.name, built.sigma))
        })
    }
    match read_pair(x, y)? {
        Pair::F64(a, b) => run(py, &spec, stat, threads, &a, &b),
        Pair::F32(a, b) => run(py, &spec, stat, threads, &a, &b),
    }
}

/// A gradient buffer as an array of the sample's shape (`(N,)` for a 1-D
/// sample, else `(N, d)`).
fn grad_array<'py, F: Element>(
    py: Python<'py>,
    g: Vec<F>,
    n: usize,
    d: usize,
    one_d: bool,
) -> Bound<'py, PyAny> {
    if one_d {
        Array1::from_vec(g).into_pyarray(py).into_any()
    } else {
        Array2::from_shape_vec((n, d), g)
            .expect("the estimator returns n x d values")
            .into_pyarray(py)
            .into_any()
    }
}

/// The V-statistic MMD² and its gradient with respect to the points of X:
/// `(value, gradient, estimator, sigma or None)`.
#[pyfunction]
#[pyo3(signature = (x, y, *, kernel="riesz", r=1.0, sigma=None, estimator="auto",
    n_slices=None, n_features=None, design="iid", directions=None, seed=None, threads=None))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn mmd_grad<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    kernel: &str,
    r: f64,
    sigma: Option<f64>,
    estimator: &str,
    n_slices: Option<&Bound<'py, PyAny>>,
    n_features: Option<&Bound<'py, PyAny>>,
    design: &str,
    directions: Option<PyReadonlyArray2<'py, f64>>,
    seed: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<(f64, Bound<'py, PyAny>, &'static str, Option<f64>)> {
    let spec = make_spec(
        kernel,
        r,
        sigma,
        estimator,
        n_slices,
        DEFAULT_SLICES,
        n_features,
        design,
        directions,
        seed,
    )?;
    let threads = threads_of(threads)?;
    #[allow(clippy::type_complexity)]
    fn run<'py, F: Float + Element>(
        py: Python<'py>,
        spec: &Spec,
        threads: Option<usize>,
        a: &Input<'_, F>,
        b: &Input<'_, F>,
    ) -> PyResult<(f64, Bound<'py, PyAny>, &'static str, Option<f64>)> {
        let samples = pair(a, b);
        let (value, g, name, sigma) = compute(py, threads, || {
            let (x, y) = samples()?;
            let built = spec.build(&x, &y)?;
            let (value, g) = built.estimator.grad(&x, &y)?;
            Ok((value, g, built.name, built.sigma))
        })?;
        Ok((value, grad_array(py, g, a.n, a.d, a.one_d), name, sigma))
    }
    match read_pair(x, y)? {
        Pair::F64(a, b) => run(py, &spec, threads, &a, &b),
        Pair::F32(a, b) => run(py, &spec, threads, &a, &b),
    }
}

fn path_name(path: TestPath) -> &'static str {
    match path {
        TestPath::Plain => "plain",
        TestPath::SlicedSort => "sliced_sort",
        TestPath::NaiveCached => "naive_cached",
        TestPath::NaiveBlocked => "naive_blocked",
        _ => "other",
    }
}

/// A permutation test of MMD²: `(statistic, p_value, null statistics,
/// path, estimator, sigma or None)`.
#[pyfunction]
#[pyo3(signature = (x, y, *, permutations, kernel="riesz", r=1.0, sigma=None, estimator="auto",
    statistic="v", n_slices=None, n_features=None, design="iid", directions=None, seed=None,
    memory_budget=None, threads=None))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn permutation_test<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    permutations: &Bound<'py, PyAny>,
    kernel: &str,
    r: f64,
    sigma: Option<f64>,
    estimator: &str,
    statistic: &str,
    n_slices: Option<&Bound<'py, PyAny>>,
    n_features: Option<&Bound<'py, PyAny>>,
    design: &str,
    directions: Option<PyReadonlyArray2<'py, f64>>,
    seed: Option<&Bound<'py, PyAny>>,
    memory_budget: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<(
    f64,
    f64,
    Bound<'py, PyAny>,
    &'static str,
    &'static str,
    Option<f64>,
)> {
    let spec = make_spec(
        kernel,
        r,
        sigma,
        estimator,
        n_slices,
        DEFAULT_SLICES,
        n_features,
        design,
        directions,
        seed,
    )?;
    let stat: Statistic = statistic.parse().map_err(to_py)?;
    let mut test = PermutationTest::new(count(permutations, "number of permutations B", 1)?)
        .map_err(to_py)?
        .with_seed(spec.seed);
    if let Some(b) = memory_budget {
        test = test.with_memory_budget(count(b, "memory budget (bytes)", 1)?);
    }
    let threads = threads_of(threads)?;
    #[allow(clippy::type_complexity)]
    fn run<F: Float + Element>(
        py: Python<'_>,
        spec: &Spec,
        test: &PermutationTest,
        stat: Statistic,
        threads: Option<usize>,
        a: &Input<'_, F>,
        b: &Input<'_, F>,
    ) -> PyResult<(sliced_mmd::TestResult, &'static str, Option<f64>)> {
        let samples = pair(a, b);
        compute(py, threads, || {
            let (x, y) = samples()?;
            let built = spec.build(&x, &y)?;
            let res = test.run(&built.estimator, &x, &y, stat)?;
            Ok((res, built.name, built.sigma))
        })
    }
    let (res, name, sigma) = match read_pair(x, y)? {
        Pair::F64(a, b) => run(py, &spec, &test, stat, threads, &a, &b)?,
        Pair::F32(a, b) => run(py, &spec, &test, stat, threads, &a, &b)?,
    };
    Ok((
        res.statistic,
        res.p_value,
        Array1::from_vec(res.null).into_pyarray(py).into_any(),
        path_name(res.path),
        name,
        sigma,
    ))
}

/// The optimizer of a flow by name.
fn make_optimizer<F: Float>(
    name: &str,
    step_size: f64,
    momentum: f64,
    betas: (f64, f64),
    epsilon: f64,
) -> Result<AnyOptimizer<F>, CoreError> {
    Ok(match name.to_ascii_lowercase().as_str() {
        "gd" | "sgd" | "gradient_descent" => {
            AnyOptimizer::GradientDescent(GradientDescent::new(step_size)?)
        }
        "momentum" => AnyOptimizer::Momentum(Momentum::new(step_size, momentum)?),
        "adam" => AnyOptimizer::Adam(
            Adam::new(step_size)?
                .with_betas(betas.0, betas.1)
                .with_epsilon(epsilon),
        ),
        _ => {
            return Err(CoreError::UnknownName {
                kind: "optimizer",
                name: name.to_string(),
                expected: "gd, momentum, adam",
            })
        }
    })
}

/// The diagonal of the bounding box of `target`.
fn bounding_diagonal<F: Float>(target: &Points<'_, F>) -> f64 {
    let d = target.d();
    let mut lo = vec![f64::INFINITY; d];
    let mut hi = vec![f64::NEG_INFINITY; d];
    for row in target.rows() {
        for (j, &v) in row.iter().enumerate() {
            lo[j] = lo[j].min(v.as_f64());
            hi[j] = hi[j].max(v.as_f64());
        }
    }
    lo.iter()
        .zip(&hi)
        .map(|(a, b)| (b - a) * (b - a))
        .sum::<f64>()
        .sqrt()
}

/// What a flow returns: particles, the MMD² of states `0..S` (the last one
/// computed after the run), the seconds of each step, whether the
/// tolerance stopped it, and the snapshots `(state, particles)`.
type FlowOut<'py> = (
    Bound<'py, PyAny>,
    Vec<f64>,
    Vec<f64>,
    bool,
    Vec<(usize, Bound<'py, PyAny>)>,
    &'static str,
    f64,
);

/// Options of a flow that are not the estimator's.
struct FlowOptions {
    steps: usize,
    optimizer: String,
    step_size: Option<f64>,
    momentum: f64,
    betas: (f64, f64),
    epsilon: f64,
    redraw: bool,
    tol: Option<f64>,
    snapshot_every: Option<usize>,
}

/// A particle flow of `x0` (an array, or a number of particles drawn
/// uniformly on the target's bounding box) towards `y`.
#[pyfunction]
#[pyo3(signature = (x0, y, *, steps, optimizer="momentum", step_size=None, momentum=0.7,
    beta1=0.9, beta2=0.999, epsilon=1e-8, kernel="riesz", r=1.0, sigma=None, estimator="sliced",
    n_slices=None, n_features=None, design="iid", directions=None, seed=None, redraw=true,
    tol=None, snapshot_every=None, threads=None))]
#[allow(clippy::too_many_arguments)]
fn flow<'py>(
    py: Python<'py>,
    x0: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    steps: &Bound<'py, PyAny>,
    optimizer: &str,
    step_size: Option<f64>,
    momentum: f64,
    beta1: f64,
    beta2: f64,
    epsilon: f64,
    kernel: &str,
    r: f64,
    sigma: Option<f64>,
    estimator: &str,
    n_slices: Option<&Bound<'py, PyAny>>,
    n_features: Option<&Bound<'py, PyAny>>,
    design: &str,
    directions: Option<PyReadonlyArray2<'py, f64>>,
    seed: Option<&Bound<'py, PyAny>>,
    redraw: bool,
    tol: Option<f64>,
    snapshot_every: Option<&Bound<'py, PyAny>>,
    threads: Option<&Bound<'py, PyAny>>,
) -> PyResult<FlowOut<'py>> {
    let spec = make_spec(
        kernel,
        r,
        sigma,
        estimator,
        n_slices,
        DEFAULT_FLOW_SLICES,
        n_features,
        design,
        directions,
        seed,
    )?;
    let opts = FlowOptions {
        steps: count(steps, "number of steps", 0)?,
        optimizer: optimizer.to_ascii_lowercase(),
        step_size,
        momentum,
        betas: (beta1, beta2),
        epsilon,
        redraw,
        tol,
        snapshot_every: snapshot_every
            .map(|k| count(k, "snapshot interval", 1))
            .transpose()?,
    };
    // check the optimizer's settings before any work
    make_optimizer::<f64>(
        &opts.optimizer,
        step_size.unwrap_or(1.0),
        momentum,
        opts.betas,
        epsilon,
    )
    .map_err(to_py)?;
    let threads = threads_of(threads)?;
    // a number of particles instead of an array: drawn by the crate
    let start_count = if x0.cast::<numpy::PyUntypedArray>().is_ok() {
        None
    } else {
        Some(count(x0, "number of particles", 1)?)
    };
    let pair = match start_count {
        None => read_pair(x0, y)?,
        // the target twice: its dtype and shape; the start is drawn
        Some(_) => read_pair(y, y)?,
    };
    match pair {
        Pair::F64(a, b) => run_flow(py, &spec, &opts, start_count, threads, &a, &b),
        Pair::F32(a, b) => run_flow(py, &spec, &opts, start_count, threads, &a, &b),
    }
}

fn run_flow<'py, F: Float + Element>(
    py: Python<'py>,
    spec: &Spec,
    opts: &FlowOptions,
    start_count: Option<usize>,
    threads: Option<usize>,
    a: &Input<'_, F>,
    b: &Input<'_, F>,
) -> PyResult<FlowOut<'py>> {
    let (xs, ys) = (a.slice(), b.slice());
    let (an, ad, bn, bd) = (a.n, a.d, b.n, b.d);
    let one_d = a.one_d && b.one_d;
    type Run<F> = (
        Vec<F>,
        usize,
        usize,
        Vec<f64>,
        Vec<f64>,
        bool,
        Vec<(usize, Vec<F>)>,
        &'static str,
        f64,
    );
    let out: Run<F> = compute(py, threads, || {
        let target = points(ys, bn, bd, Sample::Y)?;
        let start = match start_count {
            Some(n) => Points::from_vec(uniform_box(&target, n, spec.seed)?, n, bd)?,
            None => points(xs, an, ad, Sample::X)?.into_owned(),
        };
        let n = start.n();
        let built = spec.build(&start, &target)?;
        let diagonal = bounding_diagonal(&target);
        let step_size = opts.step_size.unwrap_or(if opts.optimizer == "adam" {
            diagonal / 1000.0
        } else {
            diagonal / 100.0
        });
        if opts.step_size.is_none() && step_size <= 0.0 {
            return Err(CoreError::InvalidParameter {
                name: "step size (default: the target's bounding-box diagonal / 100)",
                value: step_size,
                expected: "finite and > 0: the target is a single point, give step_size",
            });
        }
        let opt = make_optimizer::<F>(
            &opts.optimizer,
            step_size,
            opts.momentum,
            opts.betas,
            opts.epsilon,
        )?;
        let mut flow = Flow::new(start, &target, built.estimator, opt)?
            .with_seed(spec.seed)
            .with_redraw(opts.redraw);
        let mut mmd2 = Vec::with_capacity(opts.steps + 1);
        let mut seconds = Vec::with_capacity(opts.steps);
        let mut record = |s: &FlowState<'_, F>| {
            if let Some(r) = s.report {
                mmd2.push(r.mmd2);
                seconds.push(r.seconds);
            }
            Ok(())
        };
        let mut snaps = opts.snapshot_every.map(Snapshots::new).transpose()?;
        let mut observers: Vec<&mut dyn Observer<F>> = vec![&mut record];
        if let Some(s) = snaps.as_mut() {
            observers.push(s);
        }
        let mut stop = Stop::new(opts.steps);
        if let Some(t) = opts.tol {
            stop = stop.with_mmd2_below(t);
        }
        let summary = flow.run(stop, &mut observers)?;
        drop(observers);
        mmd2.push(flow.mmd2()?);
        let frames = snaps.map(|s| s.frames().to_vec()).unwrap_or_default();
        let d = flow.d();
        Ok((
            flow.into_particles(),
            n,
            d,
            mmd2,
            seconds,
            summary.converged,
            frames,
            built.name,
            step_size,
        ))
    })?;
    let (particles, n, d, mmd2, seconds, converged, frames, name, step_size) = out;
    let frames = frames
        .into_iter()
        .map(|(s, p)| (s, grad_array(py, p, n, d, one_d)))
        .collect();
    Ok((
        grad_array(py, particles, n, d, one_d),
        mmd2,
        seconds,
        converged,
        frames,
        name,
        step_size,
    ))
}

/// The median pairwise distance of the pooled sample (seeded subsample of
/// at most 1000 points): the default bandwidth of the Gaussian and Laplace
/// kernels.
#[pyfunction]
#[pyo3(signature = (x, y, *, seed=None))]
fn median_heuristic(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    seed: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    let seed = seed.map(|s| unsigned(s, "seed")).transpose()?.unwrap_or(0);
    fn run<F: Float + Element>(
        py: Python<'_>,
        seed: u64,
        a: &Input<'_, F>,
        b: &Input<'_, F>,
    ) -> PyResult<f64> {
        let samples = pair(a, b);
        compute(py, None, || {
            let (x, y) = samples()?;
            sliced_mmd::kernel::median_heuristic(&x, &y, seed)
        })
    }
    match read_pair(x, y)? {
        Pair::F64(a, b) => run(py, seed, &a, &b),
        Pair::F32(a, b) => run(py, seed, &a, &b),
    }
}

/// Whether `a` would be read without a copy (C-contiguous and aligned);
/// for the tests.
#[pyfunction]
fn _is_zero_copy(a: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(match read_pair(a, a)? {
        Pair::F64(x, _) => x.is_zero_copy(),
        Pair::F32(x, _) => x.is_zero_copy(),
    })
}

/// The extension module of `sliced_mmd`.
#[pymodule]
#[pyo3(name = "_core")]
fn core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("MmdError", m.py().get_type::<MmdError>())?;
    m.add_function(wrap_pyfunction!(mmd, m)?)?;
    m.add_function(wrap_pyfunction!(mmd_grad, m)?)?;
    m.add_function(wrap_pyfunction!(permutation_test, m)?)?;
    m.add_function(wrap_pyfunction!(flow, m)?)?;
    m.add_function(wrap_pyfunction!(median_heuristic, m)?)?;
    m.add_function(wrap_pyfunction!(_is_zero_copy, m)?)?;
    Ok(())
}
