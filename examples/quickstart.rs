//! The main job on built-in data: two Gaussian samples in R^d, every
//! estimator on them, their values, errors against the exact value, and times.
//!
//! ```text
//! cargo run --release --example quickstart -- [--n 2000] [--d 8] [--shift 0.3] [--seed 0]
//! ```

use std::time::Instant;

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::{
    kernel::median_heuristic, DirectionDesign, Gaussian, Laplace, MmdEstimator, Naive, Points,
    RandomFeatures, Riesz, SlicedSort, Statistic,
};

fn sample(n: usize, d: usize, shift: f64, seed: u64) -> Points<'static, f64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let data = (0..n * d)
        .map(|k| {
            let z: f64 = StandardNormal.sample(&mut rng);
            // shift the first coordinate only
            if k % d == 0 {
                z + shift
            } else {
                z
            }
        })
        .collect();
    Points::from_vec(data, n, d).expect("finite data")
}

fn arg(name: &str, default: f64) -> f64 {
    let argv: Vec<String> = std::env::args().collect();
    argv.iter()
        .position(|a| a == name)
        .and_then(|i| argv.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}: not a number: {v}"))
        })
        .unwrap_or(default)
}

fn main() -> Result<(), sliced_mmd::MmdError> {
    let n = arg("--n", 2000.0) as usize;
    let d = arg("--d", 8.0) as usize;
    let shift = arg("--shift", 0.3);
    let seed = arg("--seed", 0.0) as u64;
    let x = sample(n, d, 0.0, seed);
    let y = sample(n, d, shift, seed + 1);
    println!("X ~ N(0, I), Y ~ N({shift} e1, I): N = M = {n}, d = {d}, seed {seed}\n");

    let timed = |f: &dyn Fn() -> sliced_mmd::Result<sliced_mmd::Estimate>| {
        let t = Instant::now();
        let e = f();
        (e, t.elapsed().as_secs_f64())
    };

    println!(
        "{:<38} {:>13} {:>11} {:>11} {:>9} {:>9}",
        "estimator", "MMD^2", "std.err", "rel.err", "|err|/se", "seconds"
    );
    let row = |name: &str, est: sliced_mmd::Estimate, exact: Option<f64>, secs: f64| {
        let se = est
            .std_error
            .map_or("-".to_string(), |s| format!("{s:.3e}"));
        let (rel, z) = match exact {
            Some(ex) => (
                format!("{:.2e}", ((est.mmd2 - ex) / ex).abs()),
                est.std_error
                    .map_or("-".into(), |s| format!("{:.2}", (est.mmd2 - ex).abs() / s)),
            ),
            None => ("(exact)".into(), "-".into()),
        };
        println!(
            "{name:<38} {:>13.6e} {se:>11} {rel:>11} {z:>9} {secs:>9.4}",
            est.mmd2
        );
    };

    for r in [1.0, 0.5] {
        let kernel = Riesz::new(r)?;
        let (exact, secs) = timed(&|| Naive::new(kernel).estimate(&x, &y, Statistic::V));
        let exact = exact?;
        row(&format!("naive, riesz r={r}"), exact, None, secs);
        let slices: &[usize] = if r == 1.0 {
            &[10, 100, 1000, 10000]
        } else {
            &[10, 30]
        };
        for &p in slices {
            let est = SlicedSort::new(p)?.with_seed(seed).with_kernel(kernel);
            let (e, secs) = timed(&|| est.estimate(&x, &y, Statistic::V));
            row(
                &format!("sliced, riesz r={r}, P={p}"),
                e?,
                Some(exact.mmd2),
                secs,
            );
        }
        if r == 1.0 {
            for design in [DirectionDesign::Orthogonal, DirectionDesign::Sobol] {
                let est = SlicedSort::new(1000)?.with_seed(seed).with_design(design);
                let (e, secs) = timed(&|| est.estimate(&x, &y, Statistic::V));
                row(
                    &format!("sliced {design}, riesz r=1, P=1000"),
                    e?,
                    Some(exact.mmd2),
                    secs,
                );
            }
            let est = RandomFeatures::new(kernel, 1000)?.with_seed(seed);
            let (e, secs) = timed(&|| est.estimate(&x, &y, Statistic::V));
            row("features, riesz r=1, D=1000", e?, Some(exact.mmd2), secs);
        }
    }
    let sigma = median_heuristic(&x, &y, seed)?;
    let gaussian = Gaussian::new(sigma)?;
    let (e, secs) = timed(&|| Naive::new(gaussian).estimate(&x, &y, Statistic::V));
    let exact = e?;
    row(
        &format!("naive, gaussian sigma={sigma:.3}"),
        exact,
        None,
        secs,
    );
    let est = RandomFeatures::new(gaussian, 1000)?.with_seed(seed);
    let (e, secs) = timed(&|| est.estimate(&x, &y, Statistic::V));
    row("features, gaussian, D=1000", e?, Some(exact.mmd2), secs);
    let laplace = Laplace::new(sigma)?;
    let (e, secs) = timed(&|| Naive::new(laplace).estimate(&x, &y, Statistic::V));
    let exact = e?;
    row(
        &format!("naive, laplace sigma={sigma:.3}"),
        exact,
        None,
        secs,
    );
    let est = RandomFeatures::new(laplace, 1000)?.with_seed(seed);
    let (e, secs) = timed(&|| est.estimate(&x, &y, Statistic::V));
    row("features, laplace, D=1000", e?, Some(exact.mmd2), secs);

    // the gradient, exact against sliced
    let t = Instant::now();
    let (_, g_exact) = Naive::new(Riesz::energy()).grad(&x, &y)?;
    let t_exact = t.elapsed().as_secs_f64();
    let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
    println!("\ngradient of MMD^2 (riesz r=1) w.r.t. X: relative error against the exact gradient");
    println!("{:<38} {:>11} {:>9}", "estimator", "rel.err", "seconds");
    println!("{:<38} {:>11} {t_exact:>9.4}", "naive", "(exact)");
    for p in [10, 100, 1000, 10000] {
        let t = Instant::now();
        let (_, g) = SlicedSort::new(p)?.with_seed(seed).grad(&x, &y)?;
        let secs = t.elapsed().as_secs_f64();
        let diff: Vec<f64> = g.iter().zip(&g_exact).map(|(a, b)| a - b).collect();
        println!(
            "{:<38} {:>11.3e} {secs:>9.4}",
            format!("sliced, P={p}"),
            norm(&diff) / norm(&g_exact)
        );
    }
    println!("\n(the sliced error decays like sqrt(d/P); run with --d 64 to see it grow with d)");
    Ok(())
}
