//! `smmd flow`: an MMD particle flow from uniform noise to a target.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;
use sliced_mmd::flow::{shapes, uniform_box, FlowState};
use sliced_mmd::io::{read_points, write_npy, ImageShape};
use sliced_mmd::{
    Adam, AnyOptimizer, Estimator, Float, Flow, GradientDescent, MmdEstimator, Momentum, Optimizer,
    Points, Precision, Riesz, SlicedSort, Snapshots, Stop,
};

use crate::args::{FlowArgs, OptimizerName};
use crate::commands::{on_threads, CliResult};
use crate::errors::{describe, describe_in};
use crate::pictures;
use crate::progress::Bar;

/// How many particles the pictures show at most.
const SCATTER_POINTS: usize = 4000;
/// Images per snapshot row of an image grid.
const GRID_IMAGES: usize = 12;

/// Run `smmd flow`.
pub fn run_flow(a: &FlowArgs) -> CliResult<()> {
    let shape_opt = a
        .image
        .as_deref()
        .map(|text| text.parse::<ImageShape>())
        .transpose()
        .map_err(|e| format!("invalid --image {e}"))?;
    let (target, dataset_shape) = load_target(a)?;
    let shape = shape_opt.or(dataset_shape);
    if let Some(s) = shape {
        if s.dim() != target.d() {
            return Err(format!(
                "--image {}: {} values per image, but the target has d = {}",
                s,
                s.dim(),
                target.d()
            ));
        }
    }
    std::fs::create_dir_all(&a.out)
        .map_err(|e| format!("{}: cannot create the folder: {e}", a.out.display()))?;
    let summary = on_threads(a.shared.threads, || {
        match a.shared.precision(Precision::Single) {
            Precision::Single => {
                let t = target.cast::<f32>().map_err(|e| format!("target: {e}"))?;
                flow_in::<f32>(a, &t, shape)
            }
            Precision::Double => flow_in::<f64>(a, &target, shape),
        }
    })?;
    print_summary(&summary, a.shared.json)
}

/// The target in f64, and the image size an image dataset states.
fn load_target(a: &FlowArgs) -> CliResult<(Points<'static, f64>, Option<ImageShape>)> {
    if let Some(name) = &a.demo {
        let data = shapes::generate(name, a.target_points, a.shared.seed).map_err(describe)?;
        let p = Points::from_vec(data, a.target_points, 2).map_err(describe)?;
        return Ok((p, None));
    }
    let path = a.target.as_ref().ok_or("--target or --demo is required")?;
    let (points, shape) = pictures::read_target(path)?;
    let points = match a.limit {
        Some(m) if m < points.n() => {
            let d = points.d();
            Points::from_vec(points.as_slice()[..m * d].to_vec(), m, d).map_err(describe)?
        }
        _ => points,
    };
    Ok((points, shape))
}

/// Everything `smmd flow` reports.
pub struct FlowSummary {
    steps: usize,
    mmd2_start: f64,
    mmd2_end: f64,
    measure: &'static str,
    seconds_per_step: f64,
    out: PathBuf,
    n: usize,
    m: usize,
    d: usize,
    step_size: f64,
    optimizer: &'static str,
    slices: usize,
    pictures: Vec<PathBuf>,
}

fn flow_in<F: Float>(
    a: &FlowArgs,
    target: &Points<'_, F>,
    shape: Option<ImageShape>,
) -> CliResult<FlowSummary> {
    let (m, d) = (target.n(), target.d());
    let target_name = match (&a.target, &a.demo) {
        (Some(path), _) => path.display().to_string(),
        (None, Some(name)) => format!("--demo {name}"),
        (None, None) => "the target".to_string(),
    };
    let start = match &a.init {
        Some(path) => {
            let p = read_points(path).map_err(|e| e.to_string())?;
            p.cast::<F>()
                .map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => {
            let n = a.particles.unwrap_or(m);
            let noise = uniform_box(target, n, a.shared.seed).map_err(describe)?;
            Points::from_vec(noise, n, d).map_err(describe)?
        }
    };
    let in_samples = |e| match &a.init {
        Some(path) => describe_in(e, path.display(), &target_name),
        None => describe_in(e, "the starting noise", &target_name),
    };
    let n = start.n();
    let step_size = match a.step_size {
        Some(tau) => tau,
        None => default_step_size(target, a.optimizer)?,
    };
    let optimizer: AnyOptimizer<F> = match a.optimizer {
        OptimizerName::Gd => GradientDescent::new(step_size).map(AnyOptimizer::GradientDescent),
        OptimizerName::Momentum => Momentum::new(step_size, a.momentum).map(AnyOptimizer::Momentum),
        OptimizerName::Adam => Adam::new(step_size).map(AnyOptimizer::Adam),
    }
    .map_err(describe)?;
    let sliced = SlicedSort::new(a.slices)
        .map_err(describe)?
        .with_design(a.directions);
    // MMD² at the start and the end: exact while (N+M)² <= 1e8, else sliced
    let measure = Estimator::auto(
        Riesz::energy().into(),
        n,
        m,
        sliced.clone().with_seed(a.shared.seed),
    );
    let mmd2_of = |x: &Points<'_, F>| measure.mmd2(x, target).map_err(in_samples);

    let snapshot_every = a.snapshot_every.unwrap_or((a.steps / 5).max(1));
    let keep = if shape.is_some() {
        GRID_IMAGES
    } else {
        SCATTER_POINTS
    };
    let mut snaps = Snapshots::<F>::new(snapshot_every)
        .map_err(describe)?
        .with_max_rows(keep);
    let mut rows: Vec<(usize, f64, f64)> = Vec::with_capacity(a.steps + 1);
    let bar = Bar::new(a.steps, "steps", a.quiet);
    let mut watch = |s: &FlowState<'_, F>| -> sliced_mmd::Result<()> {
        if let Some(r) = s.report {
            rows.push((r.step - 1, r.mmd2, s.elapsed - r.seconds));
            bar.update(s.step);
            bar.message(&format!("MMD² {:.3e}", r.mmd2));
        }
        Ok(())
    };
    let optimizer_name = Optimizer::<F>::name(&optimizer);
    let mut flow = Flow::new(start, target, sliced, optimizer)
        .map_err(in_samples)?
        .with_seed(a.shared.seed);
    let mmd2_start = mmd2_of(&flow.points())?;
    let run = flow.run(Stop::new(a.steps), &mut [&mut snaps, &mut watch]);
    bar.finish();
    let summary = run.map_err(in_samples)?;
    let last = flow.mmd2().map_err(in_samples)?;
    rows.push((flow.steps_done(), last, summary.seconds));
    let end = flow.points();
    let mmd2_end = mmd2_of(&end)?;

    write_npy(a.out.join("particles.npy"), end.as_slice(), n, d).map_err(|e| e.to_string())?;
    write_trace(&a.out.join("mmd.csv"), &rows)?;
    let pictures = pictures::draw(&a.out, &rows, snaps.frames(), target, d, shape)?;
    Ok(FlowSummary {
        steps: summary.steps,
        mmd2_start,
        mmd2_end,
        measure: MmdEstimator::<F>::name(&measure),
        seconds_per_step: summary.seconds / summary.steps.max(1) as f64,
        out: a.out.clone(),
        n,
        m,
        d,
        step_size,
        optimizer: optimizer_name,
        slices: a.slices,
        pictures,
    })
}

/// The step size when none is given: 1/100 of the diagonal of the
/// target's bounding box (1/1000 for Adam, whose moves do not scale with
/// the gradient).
fn default_step_size<F: Float>(target: &Points<'_, F>, optimizer: OptimizerName) -> CliResult<f64> {
    let diagonal = bounding_diagonal(target);
    let tau = match optimizer {
        OptimizerName::Adam => diagonal / 1000.0,
        OptimizerName::Gd | OptimizerName::Momentum => diagonal / 100.0,
    };
    if tau.is_finite() && tau > 0.0 {
        Ok(tau)
    } else {
        Err("the target is a single point: give --step-size explicitly".to_string())
    }
}

/// Length of the diagonal of the bounding box of the points.
fn bounding_diagonal<F: Float>(p: &Points<'_, F>) -> f64 {
    let d = p.d();
    let mut lo = vec![f64::INFINITY; d];
    let mut hi = vec![f64::NEG_INFINITY; d];
    for row in p.rows() {
        for (j, &v) in row.iter().enumerate() {
            lo[j] = lo[j].min(v.as_f64());
            hi[j] = hi[j].max(v.as_f64());
        }
    }
    lo.iter()
        .zip(&hi)
        .map(|(l, h)| (h - l) * (h - l))
        .sum::<f64>()
        .sqrt()
}

fn write_trace(path: &Path, rows: &[(usize, f64, f64)]) -> CliResult<()> {
    let mut text = String::from("step,mmd2,seconds\n");
    for (s, v, t) in rows {
        let _ = writeln!(text, "{s},{v:e},{t:.6}");
    }
    std::fs::write(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}

fn print_summary(s: &FlowSummary, as_json: bool) -> CliResult<()> {
    let text = if as_json {
        json!({
            "steps": s.steps,
            "mmd2_start": s.mmd2_start,
            "mmd2_end": s.mmd2_end,
            "mmd2_estimator": s.measure,
            "seconds_per_step": s.seconds_per_step,
            "out": s.out,
            "n": s.n,
            "m": s.m,
            "d": s.d,
            "step_size": s.step_size,
            "optimizer": s.optimizer,
            "slices": s.slices,
            "pictures": s.pictures,
        })
        .to_string()
    } else {
        let mut t = format!(
            "flow       {} particles -> {} target points, d = {}\n",
            s.n, s.m, s.d
        );
        let _ = writeln!(
            t,
            "steps      {} ({}, step size {:.4e}, P = {} slices)",
            s.steps, s.optimizer, s.step_size, s.slices
        );
        let _ = writeln!(
            t,
            "mmd2       {:.6e} -> {:.6e} ({}, {:.0}x smaller)",
            s.mmd2_start,
            s.mmd2_end,
            s.measure,
            s.mmd2_start / s.mmd2_end
        );
        let _ = writeln!(t, "seconds    {:.4} per step", s.seconds_per_step);
        let _ = write!(t, "out        {}", s.out.display());
        for p in &s.pictures {
            let _ = write!(t, "\n           {}", p.display());
        }
        t
    };
    crate::output::print_line(&text)
}
