//! Time of one MMD² gradient against the sample size, for the exact
//! estimator, sliced-sort and random features, on log-log axes.
//!
//! N = M from 10³ to 10⁶ (the exact estimator up to `--naive-max`, default
//! 10⁴, since it grows like N²), d = 16, f32, P = 100 slices, D = 1000
//! Gaussian random features. Writes docs/scaling.csv and docs/scaling.png
//! and prints the fitted exponent of each curve (time ∝ N^k).
//!
//! ```text
//! cargo run --release --features plot --example scaling
//! cargo run --release --features plot --example scaling -- --max 100000 --naive-max 3000
//! ```

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::plot::{loglog, loglog_slope, Series};
use sliced_mmd::{Gaussian, MmdEstimator, Naive, Points, RandomFeatures, Riesz, SlicedSort};

const D: usize = 16;

fn gaussian(rows: usize, shift: f32, seed: u64) -> Vec<f32> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..rows * D)
        .map(|_| {
            let z: f32 = StandardNormal.sample(&mut rng);
            z + shift
        })
        .collect()
}

/// Median wall time of `reps` calls after one warm-up call (the first
/// call's time when it takes more than 6 s: those are the slow curves).
fn time(reps: usize, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    f();
    let first = t.elapsed().as_secs_f64();
    if first > 6.0 {
        return first;
    }
    let mut ts: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    ts.sort_by(f64::total_cmp);
    ts[ts.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut max = 1_000_000usize;
    let mut naive_max = 10_000usize;
    let mut out = PathBuf::from("docs");
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).ok_or("every option needs a value")?;
        match pair[0].as_str() {
            "--max" => max = value.parse()?,
            "--naive-max" => naive_max = value.parse()?,
            "--out" => out = PathBuf::from(value),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    let sizes: Vec<usize> = [1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000]
        .into_iter()
        .filter(|&n| n <= max)
        .collect();
    let sliced = SlicedSort::new(100)?.with_seed(1);
    let features = RandomFeatures::new(Gaussian::new(4.0)?, 1000)?.with_seed(1);
    let naive = Naive::new(Riesz::energy());
    let mut rows: Vec<(usize, &str, f64)> = Vec::new();
    println!(
        "gradient of MMD², N = M, d = {D}, f32, {} threads",
        rayon::current_num_threads()
    );
    println!(
        "{:>9} {:>12} {:>12} {:>12}",
        "N", "naive", "sliced", "features"
    );
    for &n in &sizes {
        let xs = gaussian(n, 0.0, 1);
        let ys = gaussian(n, 0.25, 2);
        let x = Points::new(&xs, n, D)?;
        let y = Points::new(&ys, n, D)?;
        let mut g = vec![0f32; n * D];
        let reps = if n <= 100_000 { 5 } else { 3 };
        let mut line = format!("{n:>9}");
        if n <= naive_max {
            let t = time(reps, || {
                naive.grad_into(&x, &y, &mut g).expect("valid input");
            });
            rows.push((n, "naive (exact)", t));
            write!(line, " {t:>11.4}s")?;
        } else {
            write!(line, " {:>12}", "-")?;
        }
        let t = time(reps, || {
            sliced.grad_into(&x, &y, &mut g).expect("valid input");
        });
        rows.push((n, "sliced-sort, P = 100", t));
        write!(line, " {t:>11.4}s")?;
        let t = time(reps, || {
            features.grad_into(&x, &y, &mut g).expect("valid input");
        });
        rows.push((n, "random features, D = 1000", t));
        write!(line, " {t:>11.4}s")?;
        println!("{line}");
    }

    let names = [
        "naive (exact)",
        "sliced-sort, P = 100",
        "random features, D = 1000",
    ];
    let mut series = Vec::new();
    for name in names {
        let pts: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| r.1 == name)
            .map(|r| (r.0 as f64, r.2))
            .collect();
        if let Some((k, _)) = loglog_slope(&pts) {
            println!("{name}: time ∝ N^{k:.3} (least squares on log-log axes)");
            series.push(Series::line(format!("{name} (slope {k:.2})"), pts));
        }
    }
    std::fs::create_dir_all(&out)?;
    let mut csv = String::from("n,estimator,seconds\n");
    for (n, name, t) in &rows {
        writeln!(csv, "{n},{name},{t:.6}")?;
    }
    let csv_path = out.join("scaling.csv");
    std::fs::write(&csv_path, csv)?;
    let png = out.join("scaling.png");
    loglog(
        &png,
        &format!("MMD² gradient, N = M, d = {D}, f32, 2 threads"),
        "N = M",
        "seconds",
        &series,
    )?;
    println!("wrote {} and {}", csv_path.display(), png.display());
    Ok(())
}
