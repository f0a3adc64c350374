//! Directions `ξ_1..ξ_P` on the unit sphere `S^{d-1}`, drawn or given.
//!
//! Four seeded designs ([`DirectionDesign`]) draw `P` directions in `R^d`:
//!
//! | design | what | marginal law of each `ξ_p` |
//! |---|---|---|
//! | [`DirectionDesign::Iid`] | independent normalised Gaussian vectors | uniform on `S^{d-1}` |
//! | [`DirectionDesign::Orthogonal`] | stacked independent random orthonormal frames | uniform on `S^{d-1}` |
//! | [`DirectionDesign::Sobol`] | scrambled Sobol' points through `Φ⁻¹`, normalised | uniform on `S^{d-1}` (averaged over the scrambling) |
//! | [`DirectionDesign::Hadamard`] | stacked blocks of randomised Hadamard rotations `H S₃ H S₂ H S₁`, rows restricted to `R^d`, normalised | close to uniform, not exactly |
//!
//! The first three have uniform marginals, so the sliced estimate stays
//! unbiased under them; they differ in how the directions are coupled, and
//! so in the variance of the average over the `P` slices
//! (see `docs/slicing-error.md`). The Hadamard design trades exactness of
//! the marginal for speed: three rounds of random signs and Walsh-Hadamard
//! transforms only approximate a random rotation, so each direction is
//! only approximately uniform and the estimate is not exactly unbiased. In
//! the study of `docs/slicing-error.md` no bias shows for `d >= 8` (at most
//! about `10^-3` relative, against a larger slicing error), but in very low
//! dimension the directions come from a small finite set: in `d = 2` every
//! one is `(±1, ±1)/√2`, a fixed quadrature whose error no `P` removes.
//! Use it in high dimension. In exchange [`crate::SlicedSort`] projects on
//! a block of `D` directions (`D` the smallest power of two `>= d`) by the
//! fast transform, in `O(D log D)` per point instead of `O(d D)`.

pub(crate) mod hadamard;
mod iid;
mod orthogonal;
mod sobol;

pub use sobol::SOBOL_MAX_DIM;

use crate::error::{MmdError, Result};

/// How [`Directions::draw`] chooses `P` directions in `R^d` from a seed.
///
/// All designs are reproducible from the seed, whatever the number of
/// threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
#[non_exhaustive]
pub enum DirectionDesign {
    /// Independent and uniform on the sphere (normalised standard Gaussian
    /// vectors), see [`Directions::iid`]. The default.
    #[default]
    Iid,
    /// Random orthonormal frames: `⌈P/d⌉` independent Haar-distributed
    /// frames (Gram-Schmidt, i.e. QR with a positive diagonal of `R`, of
    /// Gaussian vectors), stacked, the last one truncated, see
    /// [`Directions::orthogonal`].
    Orthogonal,
    /// A scrambled Sobol' sequence (Joe-Kuo direction numbers, random linear
    /// matrix scrambling and a random digital shift from the seed) mapped
    /// through the inverse normal CDF and normalised, see
    /// [`Directions::sobol`]. Dimension at most [`SOBOL_MAX_DIM`].
    Sobol,
    /// Blocks of `D` (the smallest power of two `>= d`) rows of randomised
    /// Hadamard rotations `H S₃ H S₂ H S₁ / D^{3/2}` (`H` the Walsh-Hadamard
    /// matrix, `S_k` random signs), restricted to the first `d` coordinates
    /// and normalised; independent blocks stacked, the last one truncated,
    /// see [`Directions::hadamard`]. Approximately, not exactly, uniform
    /// (meant for high dimension: in `d = 2` only four directions occur);
    /// [`crate::SlicedSort`] projects on them by the fast transform.
    Hadamard,
}

impl DirectionDesign {
    /// A bare lowercase name: `iid`, `orthogonal`, `sobol`, `hadamard`.
    pub fn name(&self) -> &'static str {
        match self {
            DirectionDesign::Iid => "iid",
            DirectionDesign::Orthogonal => "orthogonal",
            DirectionDesign::Sobol => "sobol",
            DirectionDesign::Hadamard => "hadamard",
        }
    }

    /// All designs, in the order of the table in the module docs.
    pub const ALL: [DirectionDesign; 4] = [
        DirectionDesign::Iid,
        DirectionDesign::Orthogonal,
        DirectionDesign::Sobol,
        DirectionDesign::Hadamard,
    ];
}

impl std::fmt::Display for DirectionDesign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for DirectionDesign {
    type Err = MmdError;

    /// Parse `iid`, `orthogonal`, `sobol` or `hadamard`.
    ///
    /// # Errors
    /// [`MmdError::UnknownName`] for any other name.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "iid" => Ok(DirectionDesign::Iid),
            "orthogonal" => Ok(DirectionDesign::Orthogonal),
            "sobol" => Ok(DirectionDesign::Sobol),
            "hadamard" => Ok(DirectionDesign::Hadamard),
            _ => Err(MmdError::UnknownName {
                kind: "direction design",
                name: s.to_string(),
                expected: "iid, orthogonal, sobol, hadamard",
            }),
        }
    }
}

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
    /// [`MmdError::InvalidCount`] if `p = 0`, [`MmdError::ZeroDimension`],
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
        Self::check_shape(p, d)?;
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
    /// [`MmdError::InvalidCount`] if `p = 0`, [`MmdError::ZeroDimension`] if `d = 0`.
    pub fn iid(p: usize, d: usize, seed: u64) -> Result<Self> {
        Self::check_shape(p, d)?;
        Ok(Directions {
            data: iid::draw(p, d, seed),
            p,
            d,
        })
    }

    /// `p` directions in `R^d` from `seed` with the given design.
    ///
    /// [`DirectionDesign::Iid`] gives exactly [`Directions::iid`].
    ///
    /// # Errors
    /// [`MmdError::InvalidCount`] if `p = 0`, [`MmdError::ZeroDimension`] if
    /// `d = 0`, and [`MmdError::TooLarge`] for the Sobol' design with
    /// `d >` [`SOBOL_MAX_DIM`] or `p > 2^32 - 1`.
    ///
    /// # Examples
    /// ```
    /// use sliced_mmd::directions::{DirectionDesign, Directions};
    /// let q = Directions::draw(DirectionDesign::Orthogonal, 3, 3, 5)?;
    /// // one orthonormal frame: <ξ_0, ξ_1> = 0
    /// let dot: f64 = q.row(0).iter().zip(q.row(1)).map(|(a, b)| a * b).sum();
    /// assert!(dot.abs() < 1e-14);
    /// # Ok::<(), sliced_mmd::MmdError>(())
    /// ```
    pub fn draw(design: DirectionDesign, p: usize, d: usize, seed: u64) -> Result<Self> {
        match design {
            DirectionDesign::Iid => Self::iid(p, d, seed),
            DirectionDesign::Orthogonal => Self::orthogonal(p, d, seed),
            DirectionDesign::Sobol => Self::sobol(p, d, seed),
            DirectionDesign::Hadamard => Self::hadamard(p, d, seed),
        }
    }

    /// `p` directions made of `⌈p/d⌉` independent random orthonormal frames
    /// of `R^d`, stacked; the last frame keeps its first `p mod d` vectors.
    ///
    /// Frame `f` comes from stream `2^62 + f` of the seed: `d` (or fewer)
    /// standard Gaussian vectors orthonormalised by Gram-Schmidt (twice, so
    /// that the rows are orthonormal to a few ulps). This is the Q factor
    /// of the QR decomposition with `diag(R) > 0`, hence Haar-distributed;
    /// every row is uniform on the sphere, rows of a frame are exactly
    /// orthogonal, and different frames are independent.
    ///
    /// # Errors
    /// [`MmdError::InvalidCount`] if `p = 0`, [`MmdError::ZeroDimension`] if `d = 0`.
    pub fn orthogonal(p: usize, d: usize, seed: u64) -> Result<Self> {
        Self::check_shape(p, d)?;
        Ok(Directions {
            data: orthogonal::draw(p, d, seed),
            p,
            d,
        })
    }

    /// `p` directions from a scrambled Sobol' sequence in `[0,1)^d`: point
    /// `i` (of the Joe-Kuo `new-joe-kuo-6.21201` sequence, after a random
    /// linear matrix scrambling and a random digital shift drawn from the
    /// seed) is mapped coordinate-wise through the inverse normal CDF
    /// [`crate::special::inverse_normal_cdf`] and normalised. Each scrambled point is
    /// uniform on the cube, so each direction is uniform on the sphere; the
    /// points of one draw are stratified.
    ///
    /// # Errors
    /// [`MmdError::InvalidCount`] if `p = 0`, [`MmdError::ZeroDimension`]
    /// if `d = 0`, [`MmdError::TooLarge`] if `d >` [`SOBOL_MAX_DIM`] or
    /// `p > 2^32 - 1`.
    pub fn sobol(p: usize, d: usize, seed: u64) -> Result<Self> {
        Self::check_shape(p, d)?;
        Ok(Directions {
            data: sobol::draw(p, d, seed)?,
            p,
            d,
        })
    }

    /// `p` directions made of `⌈p/D⌉` independent blocks of randomised
    /// Hadamard rotations, `D` the smallest power of two `>= d`; the last
    /// block keeps its first `p mod D` rows.
    ///
    /// Block `b` draws three vectors of `D` random signs `S_1, S_2, S_3`
    /// from stream `2^62 + 2^61 + b` of the seed; with `H` the
    /// unnormalised Walsh-Hadamard matrix (`H_{jk} = (-1)^{popcount(j & k)}`)
    /// the block is the orthogonal matrix `R = H S_3 H S_2 H S_1 / D^{3/2}`,
    /// and direction `p` of the block is the first `d` coordinates of row
    /// `p` of `R`, normalised. (A point padded with zeros to `R^D` projects
    /// on row `p` exactly as on the first `d` coordinates, which is what
    /// lets [`crate::SlicedSort`] project by the fast transform.)
    ///
    /// * When `d` is a power of two, no padding: the rows of a block are
    ///   exactly orthonormal, as with [`Directions::orthogonal`].
    /// * When `D > d`, the restricted rows are neither unit (they are
    ///   rescaled) nor exactly orthogonal; a block in which some row keeps
    ///   less than `10^-4` of its squared norm in the first `d` coordinates
    ///   is drawn again from the same stream (this happens with positive
    ///   probability only in tiny dimensions).
    /// * Three rounds of signs and transforms approximate a Haar rotation
    ///   without being one: each direction is close to, but not exactly,
    ///   uniform on the sphere, so the sliced estimate is not exactly
    ///   unbiased (no bias shows for `d >= 8` in `docs/slicing-error.md`).
    ///   In very low dimension the rows come from a small finite set: in
    ///   `d = 2` every direction is `(±1, ±1)/√2`, whatever `P`; in `d = 1`
    ///   every direction is `±1` (exact there, as any direction).
    ///
    /// Drawing materialises the `p x d` rows (`O(p D log D)`); the sliced
    /// estimator with a drawn Hadamard design never does, it applies the
    /// transforms to the points.
    ///
    /// # Errors
    /// [`MmdError::InvalidCount`] if `p = 0`, [`MmdError::ZeroDimension`] if `d = 0`.
    ///
    /// # Examples
    /// ```
    /// use sliced_mmd::Directions;
    /// // d = 8 is a power of two: one block is an orthonormal frame
    /// let h = Directions::hadamard(8, 8, 3)?;
    /// let dot: f64 = h.row(2).iter().zip(h.row(5)).map(|(a, b)| a * b).sum();
    /// assert!(dot.abs() < 1e-14);
    /// // d = 5 pads to D = 8: unit rows, 8 per block
    /// let h = Directions::hadamard(20, 5, 3)?;
    /// let norm: f64 = h.row(17).iter().map(|v| v * v).sum::<f64>().sqrt();
    /// assert!((norm - 1.0).abs() < 1e-14);
    /// # Ok::<(), sliced_mmd::MmdError>(())
    /// ```
    pub fn hadamard(p: usize, d: usize, seed: u64) -> Result<Self> {
        Self::check_shape(p, d)?;
        Ok(Directions {
            data: hadamard::Plan::draw(p, d, seed).materialise(),
            p,
            d,
        })
    }

    fn check_shape(p: usize, d: usize) -> Result<()> {
        if p == 0 {
            return Err(MmdError::InvalidCount {
                what: "number of slices P",
                value: 0,
                min: 1,
            });
        }
        if d == 0 {
            return Err(MmdError::ZeroDimension);
        }
        Ok(())
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
