//! Naive against sliced-sort, value and gradient, f32 and f64, and the
//! flagship MNIST flow step (gradient at N = M = 20000, d = 784, P = 1000, f32).
//!
//! ```text
//! cargo bench --bench estimators                 # everything (long: naive at 10^4 takes seconds per call)
//! cargo bench --bench estimators -- sliced       # a subset, by name
//! cargo bench --bench estimators -- flagship
//! ```

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::gaussian;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sliced_mmd::{Float, MmdEstimator, Naive, Riesz, SlicedSort};

const D: usize = 16;
const P: usize = 100;

fn bench_precision<F: Float>(c: &mut Criterion) {
    let mut group = c.benchmark_group(format!("estimators/{}", F::NAME));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    for &n in &[1_000usize, 10_000, 100_000] {
        let x = gaussian::<F>(n, D, 0.0, 1);
        let y = gaussian::<F>(n, D, 0.25, 2);
        let mut g = vec![F::zero(); n * D];
        group.throughput(Throughput::Elements(2 * n as u64));
        let sliced = SlicedSort::new(P).expect("P > 0").with_seed(3);
        group.bench_with_input(BenchmarkId::new("sliced/value", n), &n, |b, _| {
            b.iter(|| black_box(sliced.mmd2(&x, &y).expect("valid")))
        });
        group.bench_with_input(BenchmarkId::new("sliced/grad", n), &n, |b, _| {
            b.iter(|| black_box(sliced.grad_into(&x, &y, &mut g).expect("valid")))
        });
        if n <= 10_000 {
            let naive = Naive::new(Riesz::energy());
            group.bench_with_input(BenchmarkId::new("naive/value", n), &n, |b, _| {
                b.iter(|| black_box(naive.mmd2(&x, &y).expect("valid")))
            });
            group.bench_with_input(BenchmarkId::new("naive/grad", n), &n, |b, _| {
                b.iter(|| black_box(naive.grad_into(&x, &y, &mut g).expect("valid")))
            });
        }
    }
    group.finish();
}

fn estimators(c: &mut Criterion) {
    bench_precision::<f32>(c);
    bench_precision::<f64>(c);
}

/// The reference MNIST flow step: gradient at N = M = 20000, d = 784, P = 1000, f32.
/// `examples/perf_report.rs` prints the split of this step into projection,
/// sort and back-projection.
fn flagship(c: &mut Criterion) {
    let (n, d, p) = (20_000, 784, 1000);
    let x = gaussian::<f32>(n, d, 0.0, 1);
    let y = gaussian::<f32>(n, d, 0.5, 2);
    let mut g = vec![0.0f32; n * d];
    let est = SlicedSort::new(p).expect("P > 0").with_seed(0);
    let mut group = c.benchmark_group("flagship");
    group.sample_size(10);
    group.throughput(Throughput::Elements((2 * n * p) as u64));
    group.bench_function("grad/N=M=20000,d=784,P=1000,f32", |b| {
        b.iter(|| black_box(est.grad_into(&x, &y, &mut g).expect("valid")))
    });
    group.finish();
}

criterion_group!(benches, estimators, flagship);
criterion_main!(benches);
