//! Per-coordinate quantile maps: the exact one-dimensional transport of
//! each coordinate's distribution onto the data's.
//!
//! A chain's networks learn the mean displacement of the flow's particles,
//! and leave on every pixel a small spread that the data do not have (the
//! grain of the background). A [`MarginalMap`] is fitted after the last
//! network: for every coordinate `j`, the increasing map `T_j = G_j^-1 ∘
//! F_j` from the distribution `F_j` of the chain's outputs to the
//! distribution `G_j` of the training data's values. It is the optimal
//! transport map of each one-dimensional marginal, the limit of a sliced
//! flow along the coordinate axes, and a function of the sample's position
//! alone, so it applies to fresh noise as it does to the particles it was
//! fitted on. On a pixel that is 0 in 99% of the training images it sends
//! the lowest 99% of the chain's values to exactly 0.
//!
//! Each `T_j` is piecewise linear through `K` knots: the quantiles of the
//! two samples at the levels `k / (K - 1)`, `k = 0, ..., K - 1` (quantiles
//! by linear interpolation between order statistics). Below the first
//! knot the map gives the data's smallest value, above the last its
//! largest. Where the chain's quantiles tie (a run of equal knots) a value
//! equal to them goes to the data's quantile at the middle level of the
//! run. Every `T_j` is non-decreasing, so the map keeps the order of the
//! samples along each coordinate.
//!
//! # Examples
//! ```
//! use smmd_generative::marginal::MarginalMap;
//! // one coordinate: the source is uniform on [0, 1], the target is its
//! // square, so the map is v -> v² at the knots and linear between them
//! let source: Vec<f32> = (0..=100).map(|i| i as f32 / 100.0).collect();
//! let target: Vec<f32> = source.iter().map(|v| v * v).collect();
//! let map = MarginalMap::fit(&source, &target, 1, 11)?;
//! let mut x = vec![0.5f32, 0.95, -1.0, 2.0];
//! map.apply(&mut x)?;
//! assert!((x[0] - 0.25).abs() < 1e-6);          // a knot: exact
//! assert!((x[1] - (0.81 + 1.0) / 2.0).abs() < 1e-6); // between 0.9 and 1.0
//! assert_eq!(&x[2..], &[0.0, 1.0]);             // outside: the data's range
//! # Ok::<(), smmd_generative::GenError>(())
//! ```

use std::path::Path;

use rayon::prelude::*;
use sliced_mmd::io::{read_points_as, write_npy, Format};

use crate::error::{GenError, Result};

/// A monotone piecewise-linear map per coordinate (see the [module
/// documentation](self)).
#[derive(Debug, Clone, PartialEq)]
pub struct MarginalMap {
    dim: usize,
    knots: usize,
    /// `dim x knots`, row `j`: the source quantiles of coordinate `j`.
    source: Vec<f32>,
    /// `dim x knots`, row `j`: the target quantiles of coordinate `j`.
    target: Vec<f32>,
}

/// The quantile of level `u` in `[0, 1]` of an ascending sample: linear
/// interpolation between the order statistics at `u (n - 1)`.
fn quantile(sorted: &[f32], u: f64) -> f32 {
    let p = u * (sorted.len() - 1) as f64;
    let i = (p.floor() as usize).min(sorted.len() - 1);
    if i + 1 == sorted.len() {
        return sorted[i];
    }
    let f = p - i as f64;
    (f64::from(sorted[i]) + f * (f64::from(sorted[i + 1]) - f64::from(sorted[i]))) as f32
}

/// Knots of one coordinate: the quantiles of `column` at `k / (knots - 1)`.
fn knots_of(mut column: Vec<f32>, knots: usize) -> Vec<f32> {
    column.sort_unstable_by(f32::total_cmp);
    (0..knots)
        .map(|k| quantile(&column, k as f64 / (knots - 1) as f64))
        .collect()
}

/// Check that `x` is whole finite rows of `dim`; its row count.
fn rows(what: &'static str, x: &[f32], dim: usize) -> Result<usize> {
    if dim == 0 {
        return Err(GenError::invalid("dimension", 0, "at least 1"));
    }
    if x.is_empty() || !x.len().is_multiple_of(dim) {
        return Err(GenError::Data(format!(
            "{what}: {} values are not whole non-empty rows of {dim}",
            x.len()
        )));
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(GenError::NotFinite { what, row: i / dim });
    }
    Ok(x.len() / dim)
}

impl MarginalMap {
    /// Fit the map that sends the marginals of `source` onto those of
    /// `target` (both row-major with `dim` values per row; the row counts
    /// may differ), with `knots` knots per coordinate.
    ///
    /// # Errors
    /// [`GenError::InvalidOption`] for `dim = 0` or `knots < 2`;
    /// [`GenError::Data`] for buffers that are not whole non-empty rows;
    /// [`GenError::NotFinite`] for a NaN or infinite value.
    pub fn fit(source: &[f32], target: &[f32], dim: usize, knots: usize) -> Result<MarginalMap> {
        if knots < 2 {
            return Err(GenError::invalid("knots", knots, "at least 2"));
        }
        let n = rows("source sample", source, dim)?;
        let m = rows("target sample", target, dim)?;
        let column = |x: &[f32], rows: usize, j: usize| -> Vec<f32> {
            (0..rows).map(|i| x[i * dim + j]).collect()
        };
        let (source, target): (Vec<Vec<f32>>, Vec<Vec<f32>>) = (0..dim)
            .into_par_iter()
            .map(|j| {
                (
                    knots_of(column(source, n, j), knots),
                    knots_of(column(target, m, j), knots),
                )
            })
            .unzip();
        Ok(MarginalMap {
            dim,
            knots,
            source: source.concat(),
            target: target.concat(),
        })
    }

    /// Values per sample.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Knots per coordinate.
    pub fn knots(&self) -> usize {
        self.knots
    }

    /// The source and target knots of coordinate `j` (ascending).
    ///
    /// # Panics
    /// If `j >= dim`.
    pub fn coordinate(&self, j: usize) -> (&[f32], &[f32]) {
        let r = j * self.knots..(j + 1) * self.knots;
        (&self.source[r.clone()], &self.target[r])
    }

    /// `T_j(v)`.
    fn map_value(&self, j: usize, v: f32) -> f32 {
        let (s, t) = self.coordinate(j);
        let k = s.len();
        // first knot >= v, first knot > v
        let lo = s.partition_point(|&a| a < v);
        let hi = s.partition_point(|&a| a <= v);
        if hi > lo {
            // v is a knot, or a run of tied knots lo..hi: the target at the
            // middle level, halfway between two knots when the run is even
            let (a, b) = ((lo + hi - 1) / 2, (lo + hi) / 2);
            return ((f64::from(t[a]) + f64::from(t[b])) / 2.0) as f32;
        }
        if lo == 0 {
            return t[0];
        }
        if lo == k {
            return t[k - 1];
        }
        let (a, b) = (f64::from(s[lo - 1]), f64::from(s[lo]));
        let f = (f64::from(v) - a) / (b - a);
        (f64::from(t[lo - 1]) + f * (f64::from(t[lo]) - f64::from(t[lo - 1]))) as f32
    }

    /// Map every row of `x` (row-major, `dim` values per row) in place.
    ///
    /// # Errors
    /// [`GenError::Data`] if `x` is not whole rows of [`MarginalMap::dim`];
    /// [`GenError::NotFinite`] for a NaN or infinite value.
    pub fn apply(&self, x: &mut [f32]) -> Result<()> {
        if x.is_empty() {
            return Ok(());
        }
        rows("mapped sample", x, self.dim)?;
        x.par_chunks_mut(self.dim).for_each(|row| {
            for (j, v) in row.iter_mut().enumerate() {
                *v = self.map_value(j, *v);
            }
        });
        Ok(())
    }

    /// Write the knots as a `.npy` array of shape `(2 dim, knots)`,
    /// float32: row `j` the source knots of coordinate `j`, row `dim + j`
    /// its target knots.
    ///
    /// # Errors
    /// [`GenError::Io`] if the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<()> {
        let all = [self.source.as_slice(), self.target.as_slice()].concat();
        write_npy(path, &all, 2 * self.dim, self.knots)
            .map_err(|e| GenError::io(path, std::io::Error::other(e.to_string())))
    }

    /// Read a map written by [`MarginalMap::save`], checking that it has
    /// `dim` coordinates of `knots` knots each, ascending.
    ///
    /// # Errors
    /// [`GenError::Read`] if the file cannot be read as `.npy`;
    /// [`GenError::Marginals`] if its shape is not `(2 dim, knots)` or a
    /// row is not ascending.
    pub fn load(path: &Path, dim: usize, knots: usize) -> Result<MarginalMap> {
        let points = read_points_as(path, Format::Npy)?;
        let bad = |message: String| GenError::Marginals {
            path: path.to_path_buf(),
            message,
        };
        if points.n() != 2 * dim || points.d() != knots || knots < 2 {
            return Err(bad(format!(
                "shape ({}, {}), the manifest says ({}, {knots})",
                points.n(),
                points.d(),
                2 * dim
            )));
        }
        // the values were float32: the round trip through f64 is exact
        let all: Vec<f32> = points.as_slice().iter().map(|&v| v as f32).collect();
        if let Some(r) = all
            .chunks_exact(knots)
            .position(|row| row.windows(2).any(|w| w[1] < w[0]))
        {
            return Err(bad(format!("row {r} of the knots is not ascending")));
        }
        let (source, target) = all.split_at(dim * knots);
        Ok(MarginalMap {
            dim,
            knots,
            source: source.to_vec(),
            target: target.to_vec(),
        })
    }
}
