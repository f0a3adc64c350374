//! The exact estimator with the energy kernel (Riesz, `r = 1`): value and
//! gradient at N = M = 5000, d = 16, f32 and f64.
//!
//! ```text
//! cargo bench --bench naive
//! ```
//!
//! The throughput is set to `(N+M)²` elements per call, so criterion's
//! `elem/s` is `(N+M)² / time`. The value evaluates `N²/2 + M²/2 + N M`
//! distinct pairs (`(N+M)²/2` here, the within-sample sums use symmetry), so
//! pairs actually computed per second are half the reported rate; the
//! gradient evaluates `N² + N M` pairs twice over (distance, then direction)
//! plus `M²/2` for the value of the second sample.
//!
//! For `f32` data the group also times `Arithmetic::DataType` (`f32` lanes,
//! `value-f32-lanes` and `grad-f32-lanes`) next to the default `f64` lanes.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::gaussian;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sliced_mmd::{Arithmetic, Float, MmdEstimator, Naive, Riesz};

const N: usize = 5000;
const D: usize = 16;

fn bench_precision<F: Float>(c: &mut Criterion) {
    let mut group = c.benchmark_group(format!("naive/{}", F::NAME));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let x = gaussian::<F>(N, D, 0.0, 1);
    let y = gaussian::<F>(N, D, 0.25, 2);
    let mut g = vec![F::zero(); N * D];
    let naive = Naive::new(Riesz::energy());
    group.throughput(Throughput::Elements(((2 * N) * (2 * N)) as u64));
    group.bench_function("riesz1/value/N=M=5000,d=16", |b| {
        b.iter(|| black_box(naive.mmd2(&x, &y).expect("valid")))
    });
    group.bench_function("riesz1/grad/N=M=5000,d=16", |b| {
        b.iter(|| black_box(naive.grad_into(&x, &y, &mut g).expect("valid")))
    });
    if F::NAME == "f32" {
        let lanes = naive.clone().with_arithmetic(Arithmetic::DataType);
        group.bench_function("riesz1/value-f32-lanes/N=M=5000,d=16", |b| {
            b.iter(|| black_box(lanes.mmd2(&x, &y).expect("valid")))
        });
        group.bench_function("riesz1/grad-f32-lanes/N=M=5000,d=16", |b| {
            b.iter(|| black_box(lanes.grad_into(&x, &y, &mut g).expect("valid")))
        });
    }
    group.finish();
}

fn naive(c: &mut Criterion) {
    bench_precision::<f32>(c);
    bench_precision::<f64>(c);
}

criterion_group!(benches, naive);
criterion_main!(benches);
