//! A validated, row-major view of a sample: `n` points in `R^d`.

use std::borrow::Cow;

use nalgebra::{Dim, Matrix, RawStorage};

use crate::error::{MmdError, Result};
use crate::float::Float;

/// `n` points of dimension `d`, stored row-major (row `i` is point `i`).
///
/// Construction checks the shape and that every coordinate is finite, so
/// every estimator can rely on a non-empty, finite sample.
///
/// # Examples
/// ```
/// use sliced_mmd::Points;
/// let data = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
/// let x = Points::new(&data, 3, 2)?; // three points in R^2
/// assert_eq!(x.row(1), &[2.0, 3.0]);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Points<'a, F: Float> {
    data: Cow<'a, [F]>,
    n: usize,
    d: usize,
}

impl<'a, F: Float> Points<'a, F> {
    /// Borrow a row-major buffer of `n * d` values as `n` points in `R^d`.
    ///
    /// # Errors
    /// [`MmdError::ZeroDimension`] if `d = 0`, [`MmdError::EmptySample`] if
    /// `n = 0`, [`MmdError::ShapeMismatch`] if `data.len() != n * d`, and
    /// [`MmdError::NonFinite`] for the first NaN or infinite value.
    pub fn new(data: &'a [F], n: usize, d: usize) -> Result<Self> {
        Self::from_cow(Cow::Borrowed(data), n, d)
    }

    /// Like [`Points::new`], taking ownership of the buffer.
    ///
    /// # Errors
    /// As [`Points::new`].
    pub fn from_vec(data: Vec<F>, n: usize, d: usize) -> Result<Points<'static, F>> {
        Points::from_cow(Cow::Owned(data), n, d)
    }

    /// One-dimensional points (`d = 1`).
    ///
    /// # Errors
    /// As [`Points::new`].
    pub fn from_1d(data: &'a [F]) -> Result<Self> {
        Self::new(data, data.len(), 1)
    }

    fn from_cow<'b>(data: Cow<'b, [F]>, n: usize, d: usize) -> Result<Points<'b, F>> {
        if d == 0 {
            return Err(MmdError::ZeroDimension);
        }
        if n.checked_mul(d) != Some(data.len()) {
            return Err(MmdError::ShapeMismatch {
                len: data.len(),
                rows: n,
                cols: d,
            });
        }
        if n == 0 {
            return Err(MmdError::EmptySample {
                sample: crate::Sample::X,
            });
        }
        if let Some(pos) = first_non_finite(&data) {
            return Err(MmdError::NonFinite {
                sample: None,
                row: pos / d,
                col: pos % d,
                value: data[pos].as_f64(),
            });
        }
        Ok(Points { data, n, d })
    }

    /// Copy a nalgebra matrix whose rows are the points.
    ///
    /// # Errors
    /// As [`Points::new`].
    pub fn from_matrix<R: Dim, C: Dim, S: RawStorage<F, R, C>>(
        m: &Matrix<F, R, C, S>,
    ) -> Result<Points<'static, F>> {
        let (n, d) = m.shape();
        let mut data = Vec::with_capacity(n * d);
        for i in 0..n {
            for j in 0..d {
                data.push(m[(i, j)]);
            }
        }
        Points::from_vec(data, n, d)
    }

    /// Number of points.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Dimension of each point.
    pub fn d(&self) -> usize {
        self.d
    }

    /// The row-major buffer.
    pub fn as_slice(&self) -> &[F] {
        &self.data
    }

    /// Point `i`.
    ///
    /// # Panics
    /// If `i >= n` (an indexing bug of the caller, like slice indexing).
    pub fn row(&self, i: usize) -> &[F] {
        &self.data[i * self.d..(i + 1) * self.d]
    }

    /// Iterate over the points.
    pub fn rows(&self) -> std::slice::ChunksExact<'_, F> {
        self.data.chunks_exact(self.d)
    }

    /// Copy into an `n x d` nalgebra matrix.
    pub fn to_matrix(&self) -> nalgebra::DMatrix<F> {
        nalgebra::DMatrix::from_row_slice(self.n, self.d, &self.data)
    }

    /// Convert to another precision (an owned copy).
    ///
    /// # Errors
    /// [`MmdError::NonFinite`] when a value does not fit the target type
    /// (for example `1e300` narrowed to `f32`), so that the result is still
    /// a finite sample.
    pub fn cast<G: Float>(&self) -> Result<Points<'static, G>> {
        let data: Vec<G> = self.data.iter().map(|v| G::from_f64(v.as_f64())).collect();
        if let Some(pos) = first_non_finite(&data) {
            return Err(MmdError::NonFinite {
                sample: None,
                row: pos / self.d,
                col: pos % self.d,
                value: data[pos].as_f64(),
            });
        }
        Ok(Points {
            data: Cow::Owned(data),
            n: self.n,
            d: self.d,
        })
    }

    /// An owned copy that does not borrow the original buffer.
    pub fn into_owned(self) -> Points<'static, F> {
        Points {
            data: Cow::Owned(self.data.into_owned()),
            n: self.n,
            d: self.d,
        }
    }

    /// The row-major buffer, copied only if it was borrowed.
    pub fn into_vec(self) -> Vec<F> {
        self.data.into_owned()
    }

    /// Points whose shape and finiteness the caller guarantees (a buffer
    /// the crate built and keeps finite): no check, no copy.
    pub(crate) fn trusted(data: &'a [F], n: usize, d: usize) -> Self {
        debug_assert!(n > 0 && d > 0 && data.len() == n * d);
        debug_assert!(first_non_finite(data).is_none());
        Points {
            data: Cow::Borrowed(data),
            n,
            d,
        }
    }
}

/// Check that two samples can be compared.
pub(crate) fn check_pair<F: Float>(x: &Points<'_, F>, y: &Points<'_, F>) -> Result<()> {
    if x.d() != y.d() {
        return Err(MmdError::DimensionMismatch {
            x_d: x.d(),
            y_d: y.d(),
        });
    }
    Ok(())
}

/// Position of the first value of `data` that is not finite. Blocks of
/// values are tested without branches (a loop the compiler vectorises); the
/// position is looked for only in a block that has such a value.
fn first_non_finite<F: Float>(data: &[F]) -> Option<usize> {
    const BLOCK: usize = 1024;
    data.chunks(BLOCK).enumerate().find_map(|(b, block)| {
        if block.iter().fold(true, |ok, v| ok & v.is_finite()) {
            None
        } else {
            block
                .iter()
                .position(|v| !v.is_finite())
                .map(|p| b * BLOCK + p)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sample;

    #[test]
    fn validation() {
        assert_eq!(
            Points::<f64>::new(&[1.0, 2.0, 3.0], 2, 2).unwrap_err(),
            MmdError::ShapeMismatch {
                len: 3,
                rows: 2,
                cols: 2
            }
        );
        assert_eq!(
            Points::<f64>::new(&[], 0, 3).unwrap_err(),
            MmdError::EmptySample { sample: Sample::X }
        );
        assert_eq!(
            Points::<f64>::new(&[], 0, 0).unwrap_err(),
            MmdError::ZeroDimension
        );
        let e = Points::<f32>::new(&[1.0, 2.0, f32::NAN, 0.0], 2, 2).unwrap_err();
        assert!(matches!(e, MmdError::NonFinite { row: 1, col: 0, .. }));
        let e = e.in_sample(Sample::Y);
        assert_eq!(
            e.to_string(),
            "non-finite value NaN in row 1, column 0 of sample Y"
        );
    }

    /// The first non-finite value is reported wherever it lies: in the
    /// first or a later block of the scan, in the last partial block, with
    /// later ones after it.
    #[test]
    fn first_non_finite_value_is_the_one_reported() {
        let d = 3;
        for pos in [0, 1023, 1024, 5000, 6142] {
            let mut data = vec![0.5f64; 6143];
            data.truncate(6143 - 6143 % d);
            let pos = pos.min(data.len() - 1);
            data[pos] = f64::INFINITY;
            if pos + 7 < data.len() {
                data[pos + 7] = f64::NAN;
            }
            let n = data.len() / d;
            let e = Points::new(&data, n, d).unwrap_err();
            let (row, col) = (pos / d, pos % d);
            assert!(
                matches!(e, MmdError::NonFinite { row: r, col: c, .. } if r == row && c == col),
                "{pos}: {e}"
            );
            let e = Points::<f64>::from_vec(data.clone(), n, d).unwrap_err();
            assert!(matches!(e, MmdError::NonFinite { row: r, .. } if r == row));
        }
        // a value that does not fit f32 is found by cast, at its place
        let mut data = vec![1.0f64; 4000];
        data[3001] = 1e300;
        let p = Points::new(&data, 2000, 2).unwrap();
        let e = p.cast::<f32>().unwrap_err();
        assert!(
            matches!(
                e,
                MmdError::NonFinite {
                    row: 1500,
                    col: 1,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn matrix_rows_are_points() {
        let m = nalgebra::DMatrix::from_row_slice(2, 3, &[1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let p = Points::from_matrix(&m).unwrap();
        assert_eq!(p.row(1), &[4.0, 5.0, 6.0]);
        assert_eq!(p.to_matrix(), m);
    }
}
