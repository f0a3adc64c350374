//! Same seed, same bits, whatever the number of threads: the sliced
//! estimator at sizes where the default chunking makes several chunks, the
//! matrix products several row blocks (the last one padded) and the radix
//! sort its full passes, for f32 and f64, value and gradient.

use crate::common;

use sliced_mmd::{Float, MmdEstimator, Points, SlicedSort, Statistic};

fn sample<F: Float>(n: usize, d: usize, seed: u64) -> Vec<F> {
    (0..n * d)
        .map(|i| {
            let h = (i as u64 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .wrapping_mul(0xD1B5_4A32_D192_ED03);
            F::from_f64((h >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0)
        })
        .collect()
}

fn run<F: Float>(threads: usize, n: usize, m: usize, d: usize, p: usize) -> (f64, f64, Vec<F>) {
    let xs = sample::<F>(n, d, 1);
    let ys = sample::<F>(m, d, 2);
    let x = Points::new(&xs, n, d).unwrap();
    let y = Points::new(&ys, m, d).unwrap();
    common::with_threads(threads, || {
        let est = SlicedSort::new(p).unwrap().with_seed(11);
        let u = est.estimate(&x, &y, Statistic::U).unwrap().mmd2;
        let (v, g) = est.grad(&x, &y).unwrap();
        (u, v, g)
    })
}

fn check<F: Float + PartialEq + std::fmt::Debug>(n: usize, m: usize, d: usize, p: usize) {
    let one = run::<F>(1, n, m, d, p);
    let two = run::<F>(2, n, m, d, p);
    let three = run::<F>(3, n, m, d, p);
    assert_eq!(one.0.to_bits(), two.0.to_bits(), "U, 1 vs 2 threads");
    assert_eq!(one.1.to_bits(), two.1.to_bits(), "V, 1 vs 2 threads");
    assert_eq!(one.0.to_bits(), three.0.to_bits(), "U, 1 vs 3 threads");
    assert!(one.2 == two.2, "gradient, 1 vs 2 threads");
    assert!(one.2 == three.2, "gradient, 1 vs 3 threads");
}

#[test]
fn sliced_same_bits_on_1_2_3_threads() {
    // 1000 = 3 x 256 + 232 rows: a padded last block; P = 700 > 512: two chunks
    check::<f32>(1000, 700, 20, 700);
    check::<f64>(1000, 700, 20, 700);
    // d = 1, N != M, more points than a radix sort's small-input cutoff
    check::<f32>(3000, 2000, 1, 30);
}

/// Value and gradient of `est` on the samples of `run`.
fn eval<F: Float>(est: &SlicedSort, n: usize, m: usize, d: usize) -> (f64, f64, Vec<F>) {
    let xs = sample::<F>(n, d, n as u64);
    let ys = sample::<F>(m, d, m as u64 + 7);
    let x = Points::new(&xs, n, d).unwrap();
    let y = Points::new(&ys, m, d).unwrap();
    let u = est.estimate(&x, &y, Statistic::U).unwrap().mmd2;
    let (v, g) = est.grad(&x, &y).unwrap();
    (u, v, g)
}

/// The estimator keeps its buffers from call to call: a call after others
/// of larger and smaller shapes, of both float types, with both direction
/// designs, gives the same bits as the first call of a fresh estimator.
#[test]
fn kept_buffers_do_not_change_results() {
    use sliced_mmd::DirectionDesign;
    for design in [DirectionDesign::Iid, DirectionDesign::Hadamard] {
        let est = SlicedSort::new(40)
            .unwrap()
            .with_seed(5)
            .with_design(design);
        let shapes = [
            (700, 900, 12),
            (300, 200, 5),
            (1200, 400, 30),
            (300, 200, 5),
        ];
        for &(n, m, d) in &shapes {
            let fresh = SlicedSort::new(40)
                .unwrap()
                .with_seed(5)
                .with_design(design);
            let want32 = eval::<f32>(&fresh, n, m, d);
            let want64 = eval::<f64>(&fresh.clone(), n, m, d);
            let got32 = eval::<f32>(&est, n, m, d);
            let got64 = eval::<f64>(&est, n, m, d);
            let again32 = eval::<f32>(&est, n, m, d);
            for (got, want) in [(&got32, &want32), (&again32, &want32)] {
                assert_eq!(got.0.to_bits(), want.0.to_bits(), "{design:?} {n} {m} {d}");
                assert_eq!(got.1.to_bits(), want.1.to_bits(), "{design:?} {n} {m} {d}");
                assert!(got.2 == want.2, "{design:?} {n} {m} {d}: f32 gradient");
            }
            assert_eq!(got64.0.to_bits(), want64.0.to_bits());
            assert!(got64.2 == want64.2, "{design:?} {n} {m} {d}: f64 gradient");
        }
    }
}
