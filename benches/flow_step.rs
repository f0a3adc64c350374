//! The flow step at the reference MNIST setting, its sort, and a million
//! points.
//!
//! * `flow_step/flagship`: one sliced-sort gradient, N = M = 20000,
//!   d = 784, P = 1000 directions drawn from the seed in the call, f32.
//! * `flow_step/flagship/hadamard`: the same step with Hadamard directions
//!   (projection and back-projection by the fast transform).
//! * `flow_step/sort`: one slice, 40000 normal `f32` values: the crate's
//!   radix argsort ([`sliced_mmd::sort1d::ArgSorter`] with its buffers
//!   reused, as in the estimator, and [`sliced_mmd::sort1d::sort_order`],
//!   which allocates every call) against the
//!   standard library's `sort_unstable_by(f32::total_cmp)` on the bare
//!   values and `sort_unstable_by_key` on `(key, index)` pairs, and a
//!   reference: the same radix sort (digits, counting, passes) on the bare
//!   32-bit keys, with no index, as a sort of keys alone would take
//!   ([`radix_keys`]).
//! * `flow_step/million`: the gradient at N = M = 10^6, d = 16, P = 100, f32.
//!
//! ```text
//! cargo bench --bench flow_step
//! cargo bench --bench flow_step -- flagship
//! python3 scripts/limit.py     # the hardware limit of the flagship step, to compare with (needs numpy)
//! ```

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::gaussian;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sliced_mmd::sort1d::{sort_order, ArgSorter};
use sliced_mmd::{DirectionDesign, Float, MmdEstimator, SlicedSort};

fn gradient(c: &mut Criterion, name: &str, n: usize, d: usize, p: usize, design: DirectionDesign) {
    let x = gaussian::<f32>(n, d, 0.0, 1);
    let y = gaussian::<f32>(n, d, 0.5, 2);
    let mut g = vec![0f32; n * d];
    let est = SlicedSort::new(p)
        .expect("P > 0")
        .with_design(design)
        .with_seed(3);
    let mut group = c.benchmark_group("flow_step");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function(name, |b| {
        b.iter(|| black_box(est.grad_into(&x, &y, &mut g).expect("valid input")))
    });
    group.finish();
}

/// The 32-bit keys of `vals` sorted by the crate's radix method, without
/// indices: one pass counts the three digits (10, 10 and 12 bits, lowest
/// first), three passes scatter. A reference point for what carrying the
/// index costs the crate's argsort (which also skips digits that do not
/// move; none is skipped for these values).
fn radix_keys(vals: &[f32], keys: &mut Vec<u32>, scratch: &mut Vec<u32>, hist: &mut [u32; 6144]) {
    const DIGITS: [(u32, u32, usize); 3] = [(0, 10, 0), (10, 10, 1024), (20, 12, 2048)];
    let key = |v: &f32| v.sort_key() as u32;
    hist.fill(0);
    // keys a chunk at a time, in a loop of their own, as the crate does
    let mut chunk_keys = [0u32; 64];
    for chunk in vals.chunks(64) {
        let ks = &mut chunk_keys[..chunk.len()];
        ks.iter_mut().zip(chunk).for_each(|(k, v)| *k = key(v));
        for &k in ks.iter() {
            for &(shift, bits, base) in &DIGITS {
                hist[base + ((k >> shift) & ((1 << bits) - 1)) as usize] += 1;
            }
        }
    }
    for &(_, bits, base) in &DIGITS {
        let mut acc = 0;
        for c in &mut hist[base..base + (1 << bits)] {
            (*c, acc) = (acc, acc + *c);
        }
    }
    // the first pass reads the values, as the crate's first pass does
    keys.resize(vals.len(), 0);
    scratch.resize(vals.len(), 0);
    let (_, _, base) = DIGITS[0];
    for v in vals {
        let k = key(v);
        let b = base + (k & 1023) as usize;
        keys[hist[b] as usize] = k;
        hist[b] += 1;
    }
    for &(shift, bits, base) in &DIGITS[1..] {
        for &k in keys.iter() {
            let b = base + ((k >> shift) & ((1 << bits) - 1)) as usize;
            scratch[hist[b] as usize] = k;
            hist[b] += 1;
        }
        std::mem::swap(keys, scratch);
    }
}

fn sort(c: &mut Criterion) {
    let len = 40_000;
    let vals: Vec<f32> = gaussian::<f32>(len, 1, 0.0, 4).as_slice().to_vec();
    let mut group = c.benchmark_group("flow_step/sort");
    group.throughput(Throughput::Elements(len as u64));
    let mut sorter = ArgSorter::new();
    group.bench_function("radix argsort (crate), buffers reused", |b| {
        b.iter(|| black_box(sorter.sort(black_box(&vals)).expect("finite")[0]))
    });
    group.bench_function("radix argsort (crate), fresh buffers", |b| {
        b.iter(|| black_box(sort_order(black_box(&vals)).expect("finite")))
    });
    let (mut keys, mut scratch, mut hist) = (Vec::new(), Vec::new(), [0u32; 6144]);
    radix_keys(&vals, &mut keys, &mut scratch, &mut hist);
    let mut expected: Vec<u32> = vals.iter().map(|v| v.sort_key() as u32).collect();
    expected.sort_unstable();
    assert_eq!(keys, expected, "the reference radix sort of keys sorts");
    group.bench_function("radix sort of the bare keys (reference)", |b| {
        b.iter(|| {
            radix_keys(black_box(&vals), &mut keys, &mut scratch, &mut hist);
            black_box(keys[0])
        })
    });
    group.bench_function("sort_unstable_by(total_cmp), values only", |b| {
        b.iter(|| {
            let mut v = vals.clone();
            v.sort_unstable_by(f32::total_cmp);
            black_box(v)
        })
    });
    group.bench_function("sort_unstable_by_key, (key, index) pairs", |b| {
        b.iter(|| {
            let mut v: Vec<(u64, u32)> = vals
                .iter()
                .enumerate()
                .map(|(i, x)| (x.sort_key(), i as u32))
                .collect();
            v.sort_unstable_by_key(|e| e.0);
            black_box(v)
        })
    });
    group.finish();
}

fn flow_step(c: &mut Criterion) {
    gradient(c, "flagship", 20_000, 784, 1000, DirectionDesign::Iid);
    gradient(
        c,
        "flagship/hadamard",
        20_000,
        784,
        1000,
        DirectionDesign::Hadamard,
    );
    sort(c);
    gradient(c, "million", 1_000_000, 16, 100, DirectionDesign::Iid);
}

criterion_group!(benches, flow_step);
criterion_main!(benches);
