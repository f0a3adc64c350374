//! The flagship case: one sliced-sort MMD gradient at the MNIST flow step
//! setting, with the split of its time into projection, sort and
//! back-projection, next to the two matrix products alone.
//!
//! ```text
//! cargo run --release --example perf_report -- [--n 20000] [--m 20000] [--d 784] [--p 1000]
//!     [--dtype f32|f64] [--repeats 3] [--chunk C] [--directions iid|orthogonal|sobol|hadamard]
//!     [--limit FILE]
//! python3 scripts/limit.py > limit.txt && cargo run --release --example perf_report -- --limit limit.txt
//! ```
//!
//! The ratio `total / (projection + back-projection)` is what the crate adds
//! on top of the two matrix products, measured in the same run. With
//! `--limit FILE` (the output of the NumPy/OpenBLAS script `scripts/limit.py`, or
//! `-` for standard input), the table ends with the ratio of the crate's
//! step to that hardware limit, and the ratio of the crate's sorts to
//! NumPy's sort of as many rows: run both one after the other on the same
//! machine.
//!
//! The sort and the 1-D sums run together, slice by slice, on every thread;
//! their wall time is split in the ratio of the CPU time each took
//! ([`Timings::sort_cpu`], [`Timings::sums_cpu`]).

use std::time::Instant;

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::{Float, Points, SlicedSort, Timings};

struct Args {
    n: usize,
    m: usize,
    d: usize,
    p: usize,
    f32: bool,
    repeats: usize,
    chunk: Option<usize>,
    design: sliced_mmd::DirectionDesign,
    limit: Option<String>,
}

fn parse() -> Args {
    let mut a = Args {
        n: 20000,
        m: 20000,
        d: 784,
        p: 1000,
        f32: true,
        repeats: 3,
        chunk: None,
        design: sliced_mmd::DirectionDesign::Iid,
        limit: None,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i + 1 < argv.len() {
        let v = &argv[i + 1];
        let num = || {
            v.parse::<usize>()
                .unwrap_or_else(|_| panic!("bad value {v}"))
        };
        match argv[i].as_str() {
            "--n" => a.n = num(),
            "--m" => a.m = num(),
            "--d" => a.d = num(),
            "--p" => a.p = num(),
            "--repeats" => a.repeats = num().max(1),
            "--dtype" => a.f32 = v == "f32",
            "--chunk" => a.chunk = Some(num()),
            "--directions" => a.design = v.parse().unwrap_or_else(|e| panic!("{e}")),
            "--limit" => a.limit = Some(v.clone()),
            other => panic!("unknown option {other}"),
        }
        i += 2;
    }
    a
}

fn data<F: Float>(rows: usize, d: usize, shift: f64, seed: u64) -> Vec<F> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..rows * d)
        .map(|_| {
            let z: f64 = StandardNormal.sample(&mut rng);
            F::from_f64(z + shift)
        })
        .collect()
}

fn run<F: Float>(a: &Args) {
    let xs = data::<F>(a.n, a.d, 0.0, 1);
    let ys = data::<F>(a.m, a.d, 0.5, 2);
    let x = Points::new(&xs, a.n, a.d).expect("valid data");
    let y = Points::new(&ys, a.m, a.d).expect("valid data");
    let mut g: Vec<F> = vec![F::zero(); a.n * a.d];
    let mut runs: Vec<Timings> = Vec::new();
    let mut base = SlicedSort::new(a.p).expect("P > 0").with_design(a.design);
    if let Some(c) = a.chunk {
        base = base.with_chunk_size(c);
    }
    for rep in 0..a.repeats + 1 {
        // fresh directions per run, as in a flow step (the re-seeded clone
        // shares the working buffers of the runs before it)
        let est = base.clone().with_seed(rep as u64);
        let t0 = Instant::now();
        let (v, t) = est.grad_profiled(&x, &y, &mut g).expect("valid input");
        let wall = t0.elapsed().as_secs_f64();
        if rep > 0 {
            // the first run warms caches and the thread pool
            runs.push(t);
        }
        eprintln!("run {rep}: mmd2 = {v:.6e}, {wall:.3} s");
    }
    runs.sort_by_key(|t| t.total);
    let t = runs[runs.len() / 2];
    let s = |d: std::time::Duration| d.as_secs_f64();
    let gemm = s(t.projection) + s(t.back_projection);
    let flops_proj = 2.0 * (a.n + a.m) as f64 * a.d as f64 * a.p as f64;
    let flops_back = 2.0 * a.n as f64 * a.p as f64 * a.d as f64;
    println!(
        "case: N={} M={} d={} P={} {}, {} directions, {} threads (median of {})",
        a.n,
        a.m,
        a.d,
        a.p,
        F::NAME,
        a.design,
        rayon::current_num_threads(),
        a.repeats
    );
    println!("directions        {:8.4} s", s(t.directions));
    // the fast transforms of the Hadamard design do far fewer flops: their
    // rate is the dense products' flops over their time
    let unit = if a.design == sliced_mmd::DirectionDesign::Hadamard {
        "dense-equivalent GFLOP/s"
    } else {
        "GFLOP/s"
    };
    println!(
        "projection        {:8.4} s  {:7.1} {unit}",
        s(t.projection),
        flops_proj / s(t.projection) / 1e9
    );
    let values = (a.n + a.m) as f64 * a.p as f64;
    println!(
        "sort + 1-D sums   {:8.4} s  {:7.0} M values/s",
        s(t.sort),
        values / s(t.sort) / 1e6
    );
    // the pass's wall time split in the ratio of the CPU time (summed over
    // the threads) that the sorts and the sums took
    let cpu = s(t.sort_cpu) + s(t.sums_cpu);
    let sort_share = if cpu > 0.0 { s(t.sort_cpu) / cpu } else { 0.0 };
    let sort_wall = s(t.sort) * sort_share;
    if sort_share > 0.0 {
        println!(
            "  of which sort   {:8.4} s  {:7.0} M values/s",
            sort_wall,
            values / sort_wall / 1e6
        );
    }
    println!("  of which sums   {:8.4} s", s(t.sort) - sort_wall);
    println!(
        "back-projection   {:8.4} s  {:7.1} {unit}",
        s(t.back_projection),
        flops_back / s(t.back_projection) / 1e9
    );
    println!("total             {:8.4} s", s(t.total));
    println!("total / (two matrix products) = {:.2}", s(t.total) / gemm);
    if let Some(path) = &a.limit {
        let text = if path == "-" {
            std::io::read_to_string(std::io::stdin())
        } else {
            std::fs::read_to_string(path)
        }
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        // limit.py's first line names its case: the ratios mean something
        // only for the same one
        let case = format!("case: N={} M={} d={} P={} {},", a.n, a.m, a.d, a.p, F::NAME);
        if !text.lines().any(|l| l.trim().starts_with(&case)) {
            eprintln!("warning: {path} is not limit.py's output for this case ({case}...): the ratios below compare different work");
        }
        match read_limit(&text) {
            Some(limit) => println!(
                "hardware limit (limit.py) {limit:.4} s; crate / limit = {:.2}",
                s(t.total) / limit
            ),
            None => eprintln!("no line limit_s=<seconds> in {path}"),
        }
        if let Some(numpy) = read_numpy_sort(&text).filter(|_| sort_share > 0.0) {
            println!(
                "sort (limit.py, NumPy) {numpy:.4} s; crate's sort / NumPy's = {:.2}",
                sort_wall / numpy
            );
        }
    }
}

/// The `limit_s=<seconds>` line of limit.py's output.
fn read_limit(text: &str) -> Option<f64> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("limit_s="))
        .next_back()?
        .parse()
        .ok()
}

/// The seconds of limit.py's `sort P rows <seconds> s ...` line: NumPy
/// sorting the same number of rows of the same length over the same threads.
fn read_numpy_sort(text: &str) -> Option<f64> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("sort P rows"))
        .next_back()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn main() {
    let a = parse();
    if a.f32 {
        run::<f32>(&a);
    } else {
        run::<f64>(&a);
    }
}
