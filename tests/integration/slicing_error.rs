//! The slicing error claim, cheaply: for iid directions the mean squared
//! error of the sliced gradient is `tr Σ / P` exactly (an average of P iid
//! unbiased terms), so 16 times more slices give a 16 times smaller mean
//! squared error, a 4 times smaller root mean squared error.

use crate::common;

use common::gaussian_case;
use sliced_mmd::{MmdEstimator, Naive, Riesz, SlicedSort};

/// Squared relative errors of `repeats` sliced gradients with P slices.
fn squared_errors(p: usize, seeds: std::ops::Range<u64>) -> Vec<f64> {
    let c = gaussian_case(40, 40, 3, 7);
    let (_, exact) = Naive::new(Riesz::energy()).grad(&c.px(), &c.py()).unwrap();
    let den: f64 = exact.iter().map(|v| v * v).sum();
    seeds
        .map(|s| {
            let (_, g) = SlicedSort::new(p)
                .unwrap()
                .with_seed(s)
                .grad(&c.px(), &c.py())
                .unwrap();
            g.iter()
                .zip(&exact)
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>()
                / den
        })
        .collect()
}

fn mean_and_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

#[test]
fn sixteen_times_more_slices_quarter_the_error() {
    let (a, sa) = mean_and_se(&squared_errors(8, 0..200));
    let (b, sb) = mean_and_se(&squared_errors(128, 1000..1200));
    let ratio = a / b;
    // delta method: relative se of a ratio of independent means
    let rel = ((sa / a).powi(2) + (sb / b).powi(2)).sqrt();
    assert!(
        (ratio - 16.0).abs() <= 4.0 * rel * ratio,
        "mse ratio {ratio} (rms ratio {}), relative se {rel}",
        ratio.sqrt()
    );
}
