//! The feature-set metrics: Fréchet distance, k-NN precision/recall,
//! background level, isolated pixels, clipping and class histograms.

use smmd_generative::images::ImageShape;
use smmd_generative::metrics::{
    background_level, background_mask, class_histogram, clip_unit, frechet_distance,
    isolated_pixels, precision_recall,
};

/// Small deterministic data (8 x 3 and 9 x 3), the same as the numpy
/// reference below builds.
fn small() -> (Vec<f32>, Vec<f32>) {
    let x = (0..8)
        .flat_map(|i| {
            (0..3).map(move |j| {
                ((i * 7 % 11) as f64 / 11.0 - 0.3 * j as f64 + (i * j * 3 % 5) as f64 / 10.0) as f32
            })
        })
        .collect();
    let y = (0..9)
        .flat_map(|i| {
            (0..3).map(move |j| {
                (((i * 5 + j * 3) % 13) as f64 / 13.0
                    + 0.1 * i as f64 * f64::from(u8::from(j == 1))) as f32
            })
        })
        .collect();
    (x, y)
}

/// A cloud of `n` points in `d` dimensions from a fixed linear congruential
/// sequence (values in [0, 1)).
fn cloud(n: usize, d: usize, seed: u64) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n * d)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 40) as f32 / (1u64 << 24) as f32
        })
        .collect()
}

fn trace_cov(x: &[f32], d: usize) -> f64 {
    let n = x.len() / d;
    (0..d)
        .map(|j| {
            let col: Vec<f64> = x.chunks(d).map(|r| f64::from(r[j])).collect();
            let m = col.iter().sum::<f64>() / n as f64;
            col.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1) as f64
        })
        .sum()
}

// Reference values from numpy 2 / scipy (the script, run once):
//
//   import numpy as np, scipy.linalg
//   x = np.array([[(i * 7 % 11) / 11 - 0.3 * j + (i * j * 3 % 5) / 10 for j in range(3)] for i in range(8)], dtype=np.float32)
//   y = np.array([[((i * 5 + j * 3) % 13) / 13 + 0.1 * i * (j == 1) for j in range(3)] for i in range(9)], dtype=np.float32)
//   x, y = x.astype(np.float64), y.astype(np.float64)
//   def fd(a, b):
//       m1, m2 = a.mean(0), b.mean(0)
//       s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
//       c = scipy.linalg.sqrtm(s1 @ s2).real
//       return ((m1 - m2) ** 2).sum() + np.trace(s1 + s2 - 2 * c)
//   def cover(q, r, k):
//       dr = ((r[:, None] - r[None]) ** 2).sum(-1)
//       rad = np.sort(dr, axis=1)[:, k]
//       dq = ((q[:, None] - r[None]) ** 2).sum(-1)
//       return (dq <= rad[None]).any(1).mean()
//   print(repr(fd(x, y)), cover(y, x, 3), cover(x, y, 3), cover(y, x, 2), cover(x, y, 2))
//
// printed: 0.7355109490284626 0.4444444444444444 0.75 0.4444444444444444 0.75
#[test]
fn frechet_and_precision_recall_match_numpy() {
    let (x, y) = small();
    let fd = frechet_distance(&x, &y, 3).unwrap();
    // Both sides compute in f64 on the same f32 inputs; they differ only in
    // how the matrix root is taken (scipy's Schur-based sqrtm of S1 S2
    // versus two symmetric eigendecompositions). Each is backward stable to
    // a few d * eps * |S| with |S| <= tr S < 1 here, and a root amplifies
    // an error e in an eigenvalue l to e / (2 sqrt l); the smallest
    // eigenvalue of either covariance is above 5e-4 (numpy's eigvalsh:
    // 5.4e-4, 0.0101, 0.463 and 0.0435, 0.133, 0.225), so the rounding is
    // below d * eps / (2 sqrt 5e-4) ~ 1.5e-14 and 1e-12 leaves a margin.
    assert!((fd - 0.7355109490284626).abs() < 1e-12, "{fd}");
    // coverage fractions are ratios of small counts: exact
    let pr = precision_recall(&x, &y, 3, 3).unwrap();
    assert_eq!((pr.precision, pr.recall), (4.0 / 9.0, 0.75));
    let pr = precision_recall(&x, &y, 3, 2).unwrap();
    assert_eq!((pr.precision, pr.recall), (4.0 / 9.0, 0.75));
}

#[test]
fn frechet_of_a_set_with_itself_is_zero() {
    let d = 16;
    let x = cloud(500, d, 3);
    let fd = frechet_distance(&x, &x, d).unwrap();
    // Exactly 0 in exact arithmetic: 2 tr S - 2 tr (S^2)^1/2. The root of
    // an eigenvalue l^2 computed with an absolute error of about
    // d * eps * |S|^2 is off by at most sqrt(d * eps) * |S| (the worst case,
    // l near 0), so |FD| <= 2 d sqrt(d eps) tr S bounds the rounding; a
    // formula error (a missing factor 2, a wrong trace) would give a value
    // of the order of tr S itself (about d / 12 = 1.3 here).
    let tol = 2.0 * d as f64 * (d as f64 * f64::EPSILON).sqrt() * trace_cov(&x, d);
    assert!(fd.abs() <= tol, "{fd} > {tol}");
    assert!(tol < 0.01 * trace_cov(&x, d));
}

#[test]
fn frechet_of_a_shifted_set_is_the_shift_squared() {
    let d = 8;
    let x = cloud(400, d, 5);
    let shift: Vec<f32> = (0..d).map(|j| 0.25 * j as f32).collect();
    let y: Vec<f32> = x
        .chunks(d)
        .flat_map(|r| r.iter().zip(&shift).map(|(a, b)| a + b).collect::<Vec<_>>())
        .collect();
    let expected: f64 = shift.iter().map(|s| f64::from(*s).powi(2)).sum(); // 8.75
    let fd = frechet_distance(&x, &y, d).unwrap();
    // the covariances agree up to the f32 rounding of x + shift (relative
    // 2^-24 of values below 2.75), the trace term as above
    let tol = 2.0 * d as f64 * (d as f64 * f64::EPSILON).sqrt() * trace_cov(&x, d) + 1e-5;
    assert!((fd - expected).abs() <= tol, "{fd} vs {expected}");
    // and a different covariance adds to it
    let z: Vec<f32> = x.iter().map(|v| 2.0 * v).collect();
    assert!(frechet_distance(&x, &z, d).unwrap() > 0.1);
}

#[test]
fn precision_recall_of_identical_and_of_disjoint_sets() {
    let d = 5;
    let x = cloud(200, d, 7);
    let pr = precision_recall(&x, &x, d, 3).unwrap();
    assert_eq!((pr.precision, pr.recall), (1.0, 1.0));
    let far: Vec<f32> = x.iter().map(|v| v + 10.0).collect();
    let pr = precision_recall(&x, &far, d, 3).unwrap();
    assert_eq!((pr.precision, pr.recall), (0.0, 0.0));
    // a generated set that covers only the part x_0 < 0.3 of the real one
    // (in 2-D, where the k-NN balls are small): every generated point is a
    // real point, so inside its own ball (precision 1), and the real
    // points beyond the balls' reach of x_0 = 0.3 are missed
    let plane = cloud(400, 2, 9);
    let part: Vec<f32> = plane
        .chunks(2)
        .filter(|p| p[0] < 0.3)
        .flatten()
        .copied()
        .collect();
    let pr = precision_recall(&plane, &part, 2, 3).unwrap();
    assert_eq!(pr.precision, 1.0);
    assert!(pr.recall > 0.25 && pr.recall < 0.5, "{}", pr.recall);
    assert!(precision_recall(&x, &x[..3 * d], d, 3).is_err());
    assert!(precision_recall(&x, &x, d, 0).is_err());
}

#[test]
fn background_mask_level_clip_and_histogram() {
    // 100 images of 3 pixels: pixel 0 always 0, pixel 1 nonzero in exactly
    // one image (background in 99%), pixel 2 nonzero in two (98%)
    let mut train = vec![0f32; 300];
    train[3 + 1] = 0.5;
    train[6 + 2] = 0.5;
    train[9 + 2] = 0.5;
    assert_eq!(
        background_mask(&train, 3, 0.99).unwrap(),
        vec![true, true, false]
    );
    let mask = [true, true, false];
    let x = [-0.1f32, 0.3, 5.0, 0.0, 0.0, 5.0];
    let level = background_level(&x, &mask).unwrap();
    assert!((level - 0.1).abs() < 1e-7, "{level}"); // (0.1 + 0.3) / 4
    assert_eq!(background_level(&x, &[false; 3]).unwrap(), 0.0);
    assert!(background_level(&x[..4], &mask).is_err());
    assert_eq!(clip_unit(&[-0.5, 0.25, 1.5]), vec![0.0, 0.25, 1.0]);
    assert_eq!(class_histogram(&[0, 2, 2, 9, 1], 3), vec![1, 1, 2]);
}

/// Isolated bright pixels counted the plain way: every pixel of every
/// plane, against each of the 8 offsets, with the bounds checked in
/// signed arithmetic (no shared code with the library's loop).
fn isolated_by_offsets(x: &[f32], shape: ImageShape, t: f32) -> f64 {
    let (w, h, c) = (
        shape.width as i64,
        shape.height as i64,
        shape.channels as i64,
    );
    let images = x.len() as i64 / (w * h * c);
    let at = |i: i64, ch: i64, r: i64, col: i64| x[(((i * c + ch) * h + r) * w + col) as usize];
    let mut count = 0usize;
    for i in 0..images {
        for ch in 0..c {
            for r in 0..h {
                for col in 0..w {
                    if at(i, ch, r, col) <= t {
                        continue;
                    }
                    let mut alone = true;
                    for (dr, dc) in [
                        (-1, -1),
                        (-1, 0),
                        (-1, 1),
                        (0, -1),
                        (0, 1),
                        (1, -1),
                        (1, 0),
                        (1, 1),
                    ] {
                        let (rr, cc) = (r + dr, col + dc);
                        if (0..h).contains(&rr) && (0..w).contains(&cc) && at(i, ch, rr, cc) > t {
                            alone = false;
                        }
                    }
                    count += usize::from(alone);
                }
            }
        }
    }
    count as f64 / images as f64
}

#[test]
fn isolated_pixels_match_a_plain_count() {
    // 5 wide, 4 high, 3 channels (not square, so rows and columns cannot
    // be swapped unnoticed), 40 images of values in [0, 1): at these
    // thresholds a fifth to a half of the pixels are bright and many
    // alone, on edges, corners and inside
    let shape = ImageShape {
        width: 5,
        height: 4,
        channels: 3,
    };
    let x = cloud(40, shape.dim(), 9);
    for t in [0.5f32, 0.7, 0.8, 0.95] {
        let want = isolated_by_offsets(&x, shape, t);
        assert!(
            want > 0.0,
            "threshold {t}: the data must have isolated pixels"
        );
        assert_eq!(
            isolated_pixels(&x, shape, t).unwrap(),
            want,
            "threshold {t}"
        );
    }
    // a 1-pixel-wide image: the neighbours are above and below only
    let column = ImageShape {
        width: 1,
        height: 20,
        channels: 1,
    };
    let y = cloud(30, 20, 4);
    assert_eq!(
        isolated_pixels(&y, column, 0.6).unwrap(),
        isolated_by_offsets(&y, column, 0.6)
    );
}

#[test]
fn isolated_pixels_edge_cases_and_errors() {
    let shape = ImageShape {
        width: 3,
        height: 3,
        channels: 2,
    };
    // channel 0: a lone pixel in the centre; channel 1: the same pixel
    // bright and a lone corner; planes do not touch each other
    let mut x = vec![0f32; 18];
    x[4] = 1.0;
    x[9 + 4] = 1.0;
    x[9 + 8] = 1.0;
    // (centre and corner (2, 2) of channel 1 are neighbours)
    assert_eq!(isolated_pixels(&x, shape, 0.5).unwrap(), 1.0);
    x[9 + 8] = 0.0;
    x[9] = 1.0; // corner (0, 0) of channel 1: also a neighbour of the centre
    assert_eq!(isolated_pixels(&x, shape, 0.5).unwrap(), 1.0);
    x[9 + 4] = 0.0; // now channel 1's corner is alone too
    assert_eq!(isolated_pixels(&x, shape, 0.5).unwrap(), 2.0);
    // the threshold is strict: a value equal to it is not bright
    assert_eq!(isolated_pixels(&x, shape, 1.0).unwrap(), 0.0);
    // two images: the mean per image
    let two = [x.clone(), vec![0f32; 18]].concat();
    assert_eq!(isolated_pixels(&two, shape, 0.5).unwrap(), 1.0);
    for bad in [&x[..17], &[][..]] {
        let err = isolated_pixels(bad, shape, 0.5).unwrap_err();
        assert!(
            err.to_string().contains("not whole non-empty rows of 18"),
            "{err}"
        );
    }
}
