//! Permutation tests: fast paths against the plain path, and the data for
//! the dcor comparison (`scripts/bench_dcor.py`).
//!
//! ```text
//! cargo bench --bench two_sample              # both figures
//! cargo bench --bench two_sample -- sliced    # sliced-sort only
//! cargo bench --bench two_sample -- naive     # naive only (writes the .npy files for dcor)
//! python3 scripts/bench_dcor.py               # dcor.homogeneity.energy_test on the same data
//! ```
//!
//! Sliced-sort: N = M = 10000, d = 16, P = 200, B = 1000 on the fast path;
//! the plain path (re-project and re-sort per permutation) timed on 20
//! permutations and scaled to B. Naive: N = M = 2000, d = 16, B = 200 with
//! the cached kernel matrix. Each timing is the best of a few runs; data are
//! built outside the timed region, seeds fixed. (A plain timing harness
//! rather than criterion: single runs take seconds.)

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::two_sample::PermutationTest;
use sliced_mmd::{Estimator, Naive, Points, Riesz, SlicedSort, Statistic};

const D: usize = 16;

fn gaussian(rows: usize, shift: f64, seed: u64) -> Points<'static, f64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let data = (0..rows * D)
        .map(|_| Distribution::<f64>::sample(&StandardNormal, &mut rng) + shift)
        .collect();
    Points::from_vec(data, rows, D).expect("finite data")
}

/// A 2-D little-endian f64 .npy file (C order).
fn write_npy(path: &Path, p: &Points<'_, f64>) {
    let mut header = format!(
        "{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}",
        p.n(),
        p.d()
    );
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    for v in p.as_slice() {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::File::create(path)
        .and_then(|mut f| f.write_all(&bytes))
        .expect("write .npy");
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    (best, out.expect("at least one run"))
}

fn sliced() {
    let (n, p, b, b_plain) = (10_000, 200, 1000, 20);
    let (x, y) = (gaussian(n, 0.0, 1), gaussian(n, 0.02, 2));
    let est = SlicedSort::new(p).expect("P > 0").with_seed(3);
    let test = PermutationTest::new(b).expect("B > 0").with_seed(4);
    let (fast, res) = best_of(3, || test.run(&est, &x, &y, Statistic::V).expect("valid"));
    let small = PermutationTest::new(b_plain).expect("B > 0").with_seed(4);
    let (plain, plain_res) = best_of(1, || {
        small
            .run_plain(&est, &x, &y, Statistic::V, None)
            .expect("valid")
    });
    let plain_scaled = plain * b as f64 / b_plain as f64;
    let max_diff = res
        .null
        .iter()
        .zip(&plain_res.null)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    println!(
        "two_sample/sliced N=M={n} d={D} P={p} B={b} threads={}: fast {fast:.3} s; plain {plain:.3} s for {b_plain} -> {plain_scaled:.1} s for {b} (speed-up {:.1}x); T = {:.6e}, p = {}; max |fast - plain| on the first {b_plain} null statistics {max_diff:.1e}",
        rayon::current_num_threads(),
        plain_scaled / fast,
        res.statistic,
        res.p_value
    );
}

fn naive() {
    let (n, b) = (2000, 200);
    let (x, y) = (gaussian(n, 0.0, 5), gaussian(n, 0.05, 6));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/two_sample_bench");
    std::fs::create_dir_all(&dir).expect("create target/two_sample_bench");
    write_npy(&dir.join("x.npy"), &x);
    write_npy(&dir.join("y.npy"), &y);
    let est = Estimator::Naive(Naive::new(Riesz::energy().into()));
    let test = PermutationTest::new(b).expect("B > 0").with_seed(7);
    let (secs, res) = best_of(3, || test.run(&est, &x, &y, Statistic::V).expect("valid"));
    let one = n as f64 * n as f64 / (2 * n) as f64;
    println!(
        "two_sample/naive N=M={n} d={D} B={b} threads={}: {secs:.3} s ({:?}); V = {:.10e}, dcor statistic N M/(N+M) V = {:.10e}, p = {}; data in {}",
        rayon::current_num_threads(),
        res.path,
        res.statistic,
        one * res.statistic,
        res.p_value,
        dir.display()
    );
}

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    if wants("naive") {
        naive();
    }
    if wants("sliced") {
        sliced();
    }
}
