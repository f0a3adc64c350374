//! Directions `ξ_1..ξ_P` on the unit sphere `S^{d-1}`, drawn or given.

mod iid;

use crate::error::{MmdError, Result};

/// `P` unit vectors in `R^d`, stored row-major in `f64`.
///
/// Estimators convert them to the precision of the data when they project.
///
/// # Examples
/// ```
/// use sliced_mmd::Directions;
/// let dirs = Directions::iid(100, 3, 42)?;
/// assert_eq!((dirs.len(), dirs.dim()), (100, 3));
/// let norm: f64 = dirs.row(7).iter().map(|v| v * v).sum::<f64>().sqrt();
/// assert!((norm - 1.0).abs() < 1e-15);
/// // same seed, same directions
/// assert_eq!(dirs, Directions::iid(100, 3, 42)?);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Directions {
    data: Vec<f64>,
    p: usize,
    d: usize,
}

/// Tolerance on `|‖ξ‖ - 1|` for directions given by the caller.
const UNIT_TOL: f64 = 1e-6;

impl Directions {
    /// Directions given by the caller: `p` rows of dimension `d`, row-major.
    ///
    /// # Errors
    /// [`MmdError::InvalidSlices`] if `p = 0`, [`MmdError::ZeroDimension`],
    /// [`MmdError::ShapeMismatch`], and [`MmdError::NotUnitDirection`] for a
    /// row whose norm differs from 1 by more than `1e-6` (rows are not
    /// silently normalised; see [`Directions::normalized`]). Rows within the
    /// tolerance are rescaled to unit length (to rounding).
    pub fn new(data: Vec<f64>, p: usize, d: usize) -> Result<Self> {
        let mut dirs = Self::shaped(data, p, d)?;
        for (i, row) in dirs.data.chunks_exact_mut(d).enumerate() {
            let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
            if !(norm - 1.0).abs().le(&UNIT_TOL) {
                return Err(MmdError::NotUnitDirection { index: i, norm });
            }
            // remove the remaining deviation so every slice has weight 1
            if norm != 1.0 {
                row.iter_mut().for_each(|v| *v /= norm);
            }
        }
        Ok(dirs)
    }

    /// Like [`Directions::new`], scaling every row to unit length.
    ///
    /// # Errors
    /// As [`Directions::new`]; a zero or non-finite row is an error.
    pub fn normalized(mut data: Vec<f64>, p: usize, d: usize) -> Result<Self> {
        if d > 0 && data.len() == p * d {
            for (i, row) in data.chunks_exact_mut(d).enumerate() {
                let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
                if !(norm > 0.0 && norm.is_finite()) {
                    return Err(MmdError::NotUnitDirection { index: i, norm });
                }
                row.iter_mut().for_each(|v| *v /= norm);
            }
        }
        Self::new(data, p, d)
    }

    fn shaped(data: Vec<f64>, p: usize, d: usize) -> Result<Self> {
        if p == 0 {
            return Err(MmdError::InvalidSlices { slices: 0 });
        }
        if d == 0 {
            return Err(MmdError::ZeroDimension);
        }
        if p.checked_mul(d) != Some(data.len()) {
            return Err(MmdError::ShapeMismatch {
                len: data.len(),
                rows: p,
                cols: d,
            });
        }
        Ok(Directions { data, p, d })
    }

    /// `p` directions drawn independently and uniformly on `S^{d-1}`
    /// (normalised standard Gaussian vectors). Direction `i` comes from
    /// stream `i` of the seed, so the first `k` of `p` directions do not
    /// depend on `p`.
    ///
    /// # Errors
    /// [`MmdError::InvalidSlices`] if `p = 0`, [`MmdError::ZeroDimension`] if `d = 0`.
    pub fn iid(p: usize, d: usize, seed: u64) -> Result<Self> {
        if p == 0 {
            return Err(MmdError::InvalidSlices { slices: 0 });
        }
        if d == 0 {
            return Err(MmdError::ZeroDimension);
        }
        Ok(Directions {
            data: iid::draw(p, d, seed),
            p,
            d,
        })
    }

    /// Number of directions `P`.
    pub fn len(&self) -> usize {
        self.p
    }

    /// Always false: there is at least one direction.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Dimension `d`.
    pub fn dim(&self) -> usize {
        self.d
    }

    /// Direction `i`.
    ///
    /// # Panics
    /// If `i >= len()`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.d..(i + 1) * self.d]
    }

    /// The row-major `P x d` buffer.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    /// Directions `start..end` as a new set.
    pub(crate) fn rows_range(&self, start: usize, end: usize) -> &[f64] {
        &self.data[start * self.d..end * self.d]
    }
}
