//! Printing results: one JSON object, or a short summary.

use std::io::Write;
use std::path::Path;

use serde_json::{json, Map, Value};
use sliced_mmd::Statistic;

use crate::commands::CliResult;

/// Everything `mmd`, `grad` and `test` report: the value, what computed
/// it, on which samples, and how fast.
pub struct Report {
    /// MMD² of the first run (the observed statistic of a test).
    pub mmd2: f64,
    /// Its standard error, for Monte Carlo estimators.
    pub std_error: Option<f64>,
    /// The kernel's name: `riesz`, `gaussian` or `laplace`.
    pub kernel: &'static str,
    /// The kernel parameter: `("r", r)` or `("sigma", sigma)`.
    pub kernel_param: Option<(&'static str, f64)>,
    /// The estimator's name: `naive`, `sliced` or `features`.
    pub estimator: &'static str,
    /// Number of slices, for the sliced estimator.
    pub slices: Option<usize>,
    /// Number of random features, for the features estimator.
    pub features: Option<usize>,
    /// Direction design (`iid`, `orthogonal`, `sobol`, `hadamard`), for the sliced estimator.
    pub directions: Option<&'static str>,
    /// The first seed.
    pub seed: u64,
    /// V or U.
    pub statistic: Statistic,
    /// `f32` or `f64`.
    pub dtype: &'static str,
    /// Points in X.
    pub n: usize,
    /// Points in Y.
    pub m: usize,
    /// Dimension.
    pub d: usize,
    /// Median wall time of the computation over the runs.
    pub seconds: f64,
    /// Number of runs.
    pub runs: usize,
    /// Threads of the pool the computation ran on.
    pub threads: usize,
}

/// Print `text` and a newline on stdout.
pub fn print_line(text: &str) -> CliResult<()> {
    print(text)
}

fn print(text: &str) -> CliResult<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))
}

fn common_json(r: &Report, o: &mut Map<String, Value>) {
    o.insert("kernel".into(), json!(r.kernel));
    if let Some((name, value)) = r.kernel_param {
        o.insert(name.into(), json!(value));
    }
    o.insert("estimator".into(), json!(r.estimator));
    if let Some(p) = r.slices {
        o.insert("slices".into(), json!(p));
    }
    if let Some(dz) = r.directions {
        o.insert("directions".into(), json!(dz));
    }
    if let Some(f) = r.features {
        o.insert("features".into(), json!(f));
    }
    o.insert("seed".into(), json!(r.seed));
    o.insert("n".into(), json!(r.n));
    o.insert("m".into(), json!(r.m));
    o.insert("d".into(), json!(r.d));
    o.insert("dtype".into(), json!(r.dtype));
    o.insert("seconds".into(), json!(r.seconds));
    o.insert("repeat".into(), json!(r.runs));
    o.insert("threads".into(), json!(r.threads));
}

/// `u` or `v`, as the JSON names the statistic.
fn statistic_word(s: Statistic) -> &'static str {
    match s {
        Statistic::U => "u",
        Statistic::V => "v",
    }
}

/// `U-statistic` or `V-statistic`, for the summaries.
fn statistic_name(s: Statistic) -> &'static str {
    match s {
        Statistic::U => "U-statistic",
        Statistic::V => "V-statistic",
    }
}

/// `riesz (r = 1)`: the kernel and its parameter.
fn kernel_line(r: &Report) -> String {
    match r.kernel_param {
        Some((name, value)) => format!("{} ({name} = {value})", r.kernel),
        None => r.kernel.to_string(),
    }
}

fn estimator_line(r: &Report) -> String {
    match (r.slices, r.features) {
        (Some(p), _) => format!(
            "{} (P = {p}, {} directions, seed {})",
            r.estimator,
            r.directions.unwrap_or("iid"),
            r.seed
        ),
        (None, Some(f)) => format!("{} (D = {f}, seed {})", r.estimator, r.seed),
        (None, None) => r.estimator.to_string(),
    }
}

fn seconds_line(r: &Report) -> String {
    let threads = if r.threads == 1 { "thread" } else { "threads" };
    if r.runs > 1 {
        format!(
            "{:.6} (median of {} runs, {} {threads})",
            r.seconds, r.runs, r.threads
        )
    } else {
        format!("{:.6} ({} {threads})", r.seconds, r.threads)
    }
}

/// Print the result of `smmd mmd`.
pub fn print_mmd(r: &Report, as_json: bool) -> CliResult<()> {
    if as_json {
        let mut o = Map::new();
        o.insert("mmd2".into(), json!(r.mmd2));
        if let Some(se) = r.std_error {
            o.insert("std_error".into(), json!(se));
        }
        o.insert("statistic".into(), json!(statistic_word(r.statistic)));
        common_json(r, &mut o);
        return print(&Value::Object(o).to_string());
    }
    let mut text = format!("mmd2       {} ({})\n", r.mmd2, statistic_name(r.statistic));
    if let Some(se) = r.std_error {
        text += &format!("std_error  {se:.3e}\n");
    }
    text += &format!(
        "kernel     {}\nestimator  {}\nsamples    N = {}, M = {}, d = {} ({})\nseconds    {}",
        kernel_line(r),
        estimator_line(r),
        r.n,
        r.m,
        r.d,
        r.dtype,
        seconds_line(r)
    );
    print(&text)
}

/// Print the result of `smmd grad`, whose gradient went to `out`.
pub fn print_grad(r: &Report, out: &Path, as_json: bool) -> CliResult<()> {
    let out = out.display().to_string();
    if as_json {
        let mut o = Map::new();
        o.insert("mmd2".into(), json!(r.mmd2));
        o.insert("out".into(), json!(out));
        common_json(r, &mut o);
        return print(&Value::Object(o).to_string());
    }
    print(&format!(
        "mmd2       {} (V-statistic)\ngradient   {out} ({} x {}, {})\nkernel     {}\nestimator  {}\nseconds    {}",
        r.mmd2,
        r.n,
        r.d,
        r.dtype,
        kernel_line(r),
        estimator_line(r),
        seconds_line(r)
    ))
}

/// Everything `smmd test` reports.
pub struct TestReport {
    /// The permutation p-value.
    pub p_value: f64,
    /// Number of permutations B.
    pub permutations: usize,
    /// The significance level.
    pub alpha: f64,
    /// Whether `p_value <= alpha`.
    pub reject: bool,
    /// The observed statistic (`mmd2`), kernel, estimator, samples and
    /// timing, as for `smmd mmd`.
    pub common: Report,
}

/// Print the result of `smmd test`.
pub fn print_test(t: &TestReport, as_json: bool) -> CliResult<()> {
    let r = &t.common;
    if as_json {
        let mut o = Map::new();
        o.insert("statistic".into(), json!(r.mmd2));
        o.insert("p_value".into(), json!(t.p_value));
        o.insert("permutations".into(), json!(t.permutations));
        o.insert("reject".into(), json!(t.reject));
        o.insert("alpha".into(), json!(t.alpha));
        o.insert("unbiased".into(), json!(r.statistic == Statistic::U));
        common_json(r, &mut o);
        return print(&Value::Object(o).to_string());
    }
    let decision = if t.reject {
        "reject H0 (same distribution)"
    } else {
        "do not reject H0 (same distribution)"
    };
    print(&format!(
        "statistic  {} (MMD², {})\np_value    {} ({} permutations)\ndecision   {decision} at alpha = {}\nkernel     {}\nestimator  {}\nsamples    N = {}, M = {}, d = {} ({})\nseconds    {}",
        r.mmd2,
        statistic_name(r.statistic),
        t.p_value,
        t.permutations,
        t.alpha,
        kernel_line(r),
        estimator_line(r),
        r.n,
        r.m,
        r.d,
        r.dtype,
        seconds_line(r)
    ))
}
