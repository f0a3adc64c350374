//! Figures that see what the pixel energy distance misses: the samples
//! clipped to the pixel range, the level of the background, isolated
//! bright pixels, and distances
//! between feature sets of a classifier (Fréchet distance, k-NN precision
//! and recall).
//!
//! Everything here is plain `f64` arithmetic on row-major slices; the
//! classifier that produces the features is in [`crate::classifier`].

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sliced_mmd::io::ImageShape;

use crate::error::{GenError, Result};

/// A pixel is background in an image when its value is below this: the
/// image's byte was 0 (pixels are `byte / 255`).
pub const BACKGROUND_MAX: f32 = 0.5 / 255.0;

/// The values of `x` clipped to the pixel range `[0, 1]`.
pub fn clip_unit(x: &[f32]) -> Vec<f32> {
    x.iter().map(|v| v.clamp(0.0, 1.0)).collect()
}

fn rows_of(what: &str, x: &[f32], d: usize) -> Result<usize> {
    if d == 0 || x.is_empty() || !x.len().is_multiple_of(d) {
        return Err(GenError::Data(format!(
            "{what}: {} values are not whole non-empty rows of {d}",
            x.len()
        )));
    }
    Ok(x.len() / d)
}

/// The pixels that are background ([`BACKGROUND_MAX`]) in at least the
/// fraction `at_least` of the rows of `train` (row-major, `d` per row).
///
/// # Errors
/// [`GenError::Data`] if `train` is not whole non-empty rows of `d`.
pub fn background_mask(train: &[f32], d: usize, at_least: f64) -> Result<Vec<bool>> {
    let n = rows_of("background mask", train, d)?;
    let mut count = vec![0usize; d];
    for row in train.chunks_exact(d) {
        for (c, &v) in count.iter_mut().zip(row) {
            *c += usize::from(v < BACKGROUND_MAX);
        }
    }
    Ok(count
        .into_iter()
        .map(|c| c as f64 >= at_least * n as f64)
        .collect())
}

/// Mean `|pixel|` over the pixels of `mask` in all rows of `x`
/// (`f64` sums); 0 for an empty mask.
///
/// # Errors
/// [`GenError::Data`] if `x` is not whole non-empty rows of `mask.len()`.
pub fn background_level(x: &[f32], mask: &[bool]) -> Result<f64> {
    let d = mask.len();
    let n = rows_of("background level", x, d)?;
    let on = mask.iter().filter(|&&m| m).count();
    if on == 0 {
        return Ok(0.0);
    }
    let sum: f64 = x
        .chunks_exact(d)
        .map(|row| {
            row.iter()
                .zip(mask)
                .filter(|(_, &m)| m)
                .map(|(v, _)| f64::from(v.abs()))
                .sum::<f64>()
        })
        .sum();
    Ok(sum / (n * on) as f64)
}

/// A pixel brighter than this counts in [`isolated_pixels`].
pub const ISOLATED_MIN: f32 = 0.5;

/// Mean count per image of **isolated bright pixels**: values above
/// `threshold` none of whose up to 8 neighbours in the same channel plane
/// is above it. Real digits have almost none (their bright pixels are
/// strokes); a speckle of single bright pixels around the strokes, which
/// [`background_level`] does not see where the data are not exactly 0,
/// counts here. Images are CHW rows of `x` ([`ImageShape`]).
///
/// # Errors
/// [`GenError::Data`] if `x` is not whole non-empty rows of
/// `shape.dim()`.
///
/// # Examples
/// ```
/// use sliced_mmd::io::ImageShape;
/// use smmd_generative::metrics::isolated_pixels;
/// let shape = ImageShape { width: 3, height: 3, channels: 1 };
/// // one image: a lone bright pixel in a corner, a pair in the middle row
/// let x = [1.0, 0.0, 0.0, 0.0, 0.9, 0.8, 0.0, 0.0, 0.0f32];
/// // the pair are neighbours of each other and of the corner: none alone
/// assert_eq!(isolated_pixels(&x, shape, 0.5)?, 0.0);
/// let y = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.7f32];
/// assert_eq!(isolated_pixels(&y, shape, 0.5)?, 2.0);
/// # Ok::<(), smmd_generative::GenError>(())
/// ```
pub fn isolated_pixels(x: &[f32], shape: ImageShape, threshold: f32) -> Result<f64> {
    let d = shape.dim();
    let n = rows_of("isolated pixels", x, d)?;
    let plane = shape.width * shape.height;
    let count: usize = x
        .par_chunks_exact(d)
        .map(|image| {
            image
                .chunks_exact(plane)
                .map(|p| isolated_in_plane(p, shape.width, shape.height, threshold))
                .sum::<usize>()
        })
        .sum();
    Ok(count as f64 / n as f64)
}

/// Pixels of one `h x w` plane (row by row) above `t` with no 8-neighbour
/// above `t`.
fn isolated_in_plane(plane: &[f32], w: usize, h: usize, t: f32) -> usize {
    let bright = |r: usize, c: usize| plane[r * w + c] > t;
    let has_bright_neighbour = |r: usize, c: usize| {
        (r.saturating_sub(1)..=(r + 1).min(h - 1)).any(|rr| {
            (c.saturating_sub(1)..=(c + 1).min(w - 1))
                .any(|cc| (rr, cc) != (r, c) && bright(rr, cc))
        })
    };
    (0..h)
        .flat_map(|r| (0..w).map(move |c| (r, c)))
        .filter(|&(r, c)| bright(r, c) && !has_bright_neighbour(r, c))
        .count()
}

/// How many of `labels` fall in each of the classes `0..classes`
/// (labels `>= classes` are not counted).
pub fn class_histogram(labels: &[usize], classes: usize) -> Vec<usize> {
    let mut h = vec![0usize; classes];
    for &l in labels {
        if let Some(c) = h.get_mut(l) {
            *c += 1;
        }
    }
    h
}

/// Mean and covariance (divisor `n - 1`, as `numpy.cov`) of `n x d` rows.
fn gaussian_fit(x: &[f32], d: usize) -> Result<(DVector<f64>, DMatrix<f64>)> {
    let n = rows_of("Fréchet distance", x, d)?;
    if n < 2 {
        return Err(GenError::Data(
            "Fréchet distance: a covariance needs at least 2 rows".into(),
        ));
    }
    let m = DMatrix::from_row_iterator(n, d, x.iter().map(|&v| f64::from(v)));
    let mean = DVector::from_iterator(d, m.column_iter().map(|c| c.mean()));
    let mut centred = m;
    for (j, mut col) in centred.column_iter_mut().enumerate() {
        col.add_scalar_mut(-mean[j]);
    }
    let cov = centred.transpose() * &centred / (n - 1) as f64;
    Ok((mean, cov))
}

/// The square root of a symmetric positive semi-definite matrix through
/// its eigendecomposition; eigenvalues below 0 (rounding) count as 0.
fn sqrt_psd(a: &DMatrix<f64>) -> DMatrix<f64> {
    let sym = (a + a.transpose()) * 0.5;
    let eig = sym.symmetric_eigen();
    let s = eig.eigenvalues.map(|l| l.max(0.0).sqrt());
    &eig.eigenvectors * DMatrix::from_diagonal(&s) * eig.eigenvectors.transpose()
}

/// Fréchet distance between Gaussian fits of two feature sets (row-major,
/// `d` features per row):
/// `|m1 - m2|² + tr(S1 + S2 - 2 (S1^½ S2 S1^½)^½)`, the formula of FID;
/// `tr (S1^½ S2 S1^½)^½ = tr (S1 S2)^½` because both matrices have the
/// same eigenvalues, and the symmetric form lets both roots come from
/// symmetric eigendecompositions.
///
/// # Errors
/// [`GenError::Data`] for fewer than 2 rows or buffers that are not whole
/// rows of `d`.
pub fn frechet_distance(x: &[f32], y: &[f32], d: usize) -> Result<f64> {
    let (m1, s1) = gaussian_fit(x, d)?;
    let (m2, s2) = gaussian_fit(y, d)?;
    let r1 = sqrt_psd(&s1);
    let cross = sqrt_psd(&(&r1 * &s2 * &r1));
    Ok((m1 - m2).norm_squared() + s1.trace() + s2.trace() - 2.0 * cross.trace())
}

/// Squared Euclidean distances between all rows of `a` and of `b`
/// (`f64`), as an `a`-rows by `b`-rows row-major table.
fn sq_distances(a: &[f32], b: &[f32], d: usize) -> Vec<Vec<f64>> {
    a.par_chunks_exact(d)
        .map(|p| {
            b.chunks_exact(d)
                .map(|q| {
                    p.iter()
                        .zip(q)
                        .map(|(u, v)| (f64::from(*u) - f64::from(*v)).powi(2))
                        .sum()
                })
                .collect()
        })
        .collect()
}

/// Squared distance of each row of `x` to its `k`-th nearest other row.
fn knn_radii(x: &[f32], d: usize, k: usize) -> Vec<f64> {
    sq_distances(x, x, d)
        .into_iter()
        .map(|mut row| {
            // row[i] = 0 is the point itself: index k is its k-th neighbour
            row.sort_by(f64::total_cmp);
            row[k]
        })
        .collect()
}

/// The fraction of rows of `queries` that lie in the `k`-NN ball of at
/// least one row of `reference` (ball: radius the distance to that row's
/// `k`-th nearest other reference row, boundary included).
fn coverage(queries: &[f32], reference: &[f32], d: usize, k: usize) -> f64 {
    let radii = knn_radii(reference, d, k);
    let dist = sq_distances(queries, reference, d);
    let inside = dist
        .iter()
        .filter(|row| row.iter().zip(&radii).any(|(q, r)| q <= r))
        .count();
    inside as f64 / dist.len() as f64
}

/// k-NN precision and recall (Kynkäänniemi et al. 2019).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PrecisionRecall {
    /// Fraction of generated rows inside the real rows' k-NN balls.
    pub precision: f64,
    /// Fraction of real rows inside the generated rows' k-NN balls.
    pub recall: f64,
}

/// k-NN precision and recall of `generated` against `real` feature sets
/// (row-major, `d` per row): precision is the fraction of generated rows
/// within the distance from some real row to its `k`-th nearest real
/// neighbour, recall the same with the roles swapped.
///
/// # Errors
/// [`GenError::Data`] if a set is not whole rows of `d` or has at most
/// `k` rows, or `k = 0`.
pub fn precision_recall(
    real: &[f32],
    generated: &[f32],
    d: usize,
    k: usize,
) -> Result<PrecisionRecall> {
    let nr = rows_of("precision/recall (real)", real, d)?;
    let ng = rows_of("precision/recall (generated)", generated, d)?;
    if k == 0 || nr <= k || ng <= k {
        return Err(GenError::Data(format!(
            "precision/recall: k = {k} needs more than k rows per set ({nr} and {ng})"
        )));
    }
    Ok(PrecisionRecall {
        precision: coverage(generated, real, d, k),
        recall: coverage(real, generated, d, k),
    })
}
