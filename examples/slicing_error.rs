//! The slicing error study: relative error of the sliced gradient and value
//! against the exact (naive) ones, as a function of the number of slices P
//! and the dimension d, for each direction design (iid, orthogonal, Sobol',
//! Hadamard); and of random features against their number D. For the
//! sliced estimator it also records the mean signed relative error of the
//! value and its standard error over the draws: the bias check of the
//! designs whose directions are not exactly uniform (Hadamard).
//!
//! Run: `cargo run --release --features plot --example slicing_error`
//! (writes docs/slicing-error.csv and docs/slicing-error-*.png).

use std::fmt::Write as _;
use std::path::Path;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::directions::DirectionDesign;
use sliced_mmd::estimator::RandomFeatures;
use sliced_mmd::plot::{loglog, loglog_slope, Series};
use sliced_mmd::{AnyKernel, Gaussian, MmdEstimator, Naive, Points, Riesz, SlicedSort};

const DIMS: [usize; 5] = [2, 8, 32, 128, 784];
const SLICES: [usize; 6] = [10, 30, 100, 300, 1000, 3000];
const N: usize = 400;

fn sample(n: usize, d: usize, shift: f64, rng: &mut ChaCha8Rng) -> Vec<f64> {
    (0..n * d)
        .map(|i| {
            let z: f64 = StandardNormal.sample(rng);
            z + if i % d == 0 { shift } else { 0.0 }
        })
        .collect()
}

/// Every direction design.
fn designs() -> Vec<DirectionDesign> {
    DirectionDesign::ALL.to_vec()
}

fn rel(a: &[f64], b: &[f64]) -> f64 {
    let num: f64 = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum();
    let den: f64 = b.iter().map(|y| y * y).sum();
    (num / den).sqrt()
}

fn repeats(d: usize) -> u64 {
    if d >= 128 {
        6
    } else {
        16
    }
}

struct Row {
    what: &'static str,
    design: String,
    d: usize,
    p: usize,
    grad_err: f64,
    value_err: f64,
    /// Mean of `(V - V_exact) / V_exact` over the draws, and its standard error.
    value_bias: f64,
    value_bias_se: f64,
}

/// Mean and standard error of the mean.
fn mean_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rows: Vec<Row> = Vec::new();
    for &d in &DIMS {
        let mut rng = ChaCha8Rng::seed_from_u64(d as u64);
        let xs = sample(N, d, 0.0, &mut rng);
        let ys = sample(N, d, 1.0, &mut rng);
        let (x, y) = (Points::new(&xs, N, d)?, Points::new(&ys, N, d)?);
        let (v_exact, g_exact) = Naive::new(Riesz::energy()).grad(&x, &y)?;
        for design in designs() {
            for &p in &SLICES {
                let (mut ge, mut ve) = (0.0, 0.0);
                let mut signed = Vec::new();
                let r = repeats(d);
                for seed in 0..r {
                    let est = SlicedSort::new(p)?.with_seed(seed).with_design(design);
                    let (v, g) = est.grad(&x, &y)?;
                    ge += rel(&g, &g_exact);
                    ve += ((v - v_exact) / v_exact).abs();
                    signed.push((v - v_exact) / v_exact);
                }
                let (value_bias, value_bias_se) = mean_se(&signed);
                rows.push(Row {
                    what: "sliced",
                    design: design.to_string(),
                    d,
                    p,
                    grad_err: ge / r as f64,
                    value_err: ve / r as f64,
                    value_bias,
                    value_bias_se,
                });
                eprintln!("sliced {design} d={d} P={p}: grad {:.3e}", ge / r as f64);
            }
        }
        // random features: Gaussian kernel with bandwidth sqrt(d), and the
        // energy kernel (direction-threshold features) against the same
        // exact value and gradient as the sliced estimator
        let k = Gaussian::new((d as f64).sqrt())?;
        let (gv, gg) = Naive::new(k).grad(&x, &y)?;
        let kernels: [(&'static str, AnyKernel, f64, &[f64]); 2] = [
            ("features-gaussian", k.into(), gv, &gg),
            ("features-riesz", Riesz::energy().into(), v_exact, &g_exact),
        ];
        for (what, kernel, v_ref, g_ref) in kernels {
            for &big_d in &SLICES {
                let (mut ge, mut ve) = (0.0, 0.0);
                let mut signed = Vec::new();
                let r = repeats(d);
                for seed in 0..r {
                    let (v, g) = RandomFeatures::new(kernel.clone(), big_d)?
                        .with_seed(seed)
                        .grad(&x, &y)?;
                    ge += rel(&g, g_ref);
                    ve += ((v - v_ref) / v_ref).abs();
                    signed.push((v - v_ref) / v_ref);
                }
                let (value_bias, value_bias_se) = mean_se(&signed);
                rows.push(Row {
                    what,
                    design: "iid".into(),
                    d,
                    p: big_d,
                    grad_err: ge / r as f64,
                    value_err: ve / r as f64,
                    value_bias,
                    value_bias_se,
                });
                eprintln!("{what} d={d} D={big_d}: grad {:.3e}", ge / r as f64);
            }
        }
    }

    std::fs::create_dir_all("docs")?;
    let mut csv = String::from(
        "estimator,design,d,p,grad_rel_err,value_rel_err,value_rel_bias,value_rel_bias_se\n",
    );
    for r in &rows {
        writeln!(
            csv,
            "{},{},{},{},{:.6e},{:.6e},{:.6e},{:.6e}",
            r.what, r.design, r.d, r.p, r.grad_err, r.value_err, r.value_bias, r.value_bias_se
        )?;
    }
    std::fs::write("docs/slicing-error.csv", csv)?;

    // plots and slopes
    let groups: Vec<(&str, String)> = designs()
        .iter()
        .map(|g| ("sliced", g.to_string()))
        .chain([
            ("features-gaussian", "iid".to_string()),
            ("features-riesz", "iid".to_string()),
        ])
        .collect();
    for (what, design) in &groups {
        let mut series = Vec::new();
        for &d in &DIMS {
            let pts: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| r.what == *what && &r.design == design && r.d == d)
                .map(|r| (r.p as f64, r.grad_err))
                .collect();
            let (slope, _) = loglog_slope(&pts).unwrap_or((f64::NAN, 0.0));
            let vpts: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| r.what == *what && &r.design == design && r.d == d)
                .map(|r| (r.p as f64, r.value_err))
                .collect();
            let (vslope, _) = loglog_slope(&vpts).unwrap_or((f64::NAN, 0.0));
            println!(
                "{what} {design} d={d}: slope in P = {slope:.3} (gradient), {vslope:.3} (value)"
            );
            // the energy features' gradient is the sliced gradient of the
            // same directions (thresholds integrated out): plot their value
            let plotted = if *what == "features-riesz" { vpts } else { pts };
            series.push(Series::line(format!("d = {d}"), plotted));
        }
        let name = match *what {
            "sliced" => format!("docs/slicing-error-{design}.png"),
            "features-gaussian" => "docs/slicing-error-features.png".to_string(),
            _ => "docs/slicing-error-features-riesz.png".to_string(),
        };
        let xl = if *what == "sliced" {
            "slices P"
        } else {
            "features D"
        };
        let (title, yl) = if *what == "features-riesz" {
            ("relative MMD² error", "mean |V - V_exact| / V_exact")
        } else {
            (
                "relative gradient error",
                "mean ||g - g_exact|| / ||g_exact||",
            )
        };
        loglog(
            Path::new(&name),
            &format!("{what} ({design}): {title}"),
            xl,
            yl,
            &series,
        )?;
    }
    // gradient error per slice against iid, and the bias check, at each P
    for design in designs() {
        for &d in &DIMS {
            let mut line = format!("sliced {design} d={d}:");
            for &p in &SLICES {
                let find = |g: &str| {
                    rows.iter()
                        .find(|r| r.what == "sliced" && r.design == g && r.d == d && r.p == p)
                        .expect("row")
                };
                let (a, b) = (find(design.name()), find("iid"));
                write!(
                    line,
                    " P={p}: grad/iid {:.2}, bias {:+.1e} ± {:.1e};",
                    a.grad_err / b.grad_err,
                    a.value_bias,
                    a.value_bias_se
                )?;
            }
            println!("{line}");
        }
    }
    // slope in d at fixed P, per design
    for design in designs() {
        let mut series = Vec::new();
        for &p in &SLICES {
            let pts: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| r.what == "sliced" && r.design == design.name() && r.p == p)
                .map(|r| (r.d as f64, r.grad_err))
                .collect();
            let (slope, _) = loglog_slope(&pts).unwrap_or((f64::NAN, 0.0));
            println!("sliced {design} P={p}: slope in d = {slope:.3}");
            series.push(Series::line(format!("P = {p}"), pts));
        }
        loglog(
            Path::new(&format!("docs/slicing-error-d-{design}.png")),
            &format!("sliced ({design}): error against d"),
            "dimension d",
            "mean relative gradient error",
            &series,
        )?;
    }
    Ok(())
}
