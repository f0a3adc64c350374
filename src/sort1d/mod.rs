//! The one-dimensional core: MMD² of two samples on the line.
//!
//! * `r = 1` (internal module `energy`): from one radix sort of the pooled sample. The value is
//!   the sum-of-gaps form `2 ∫ (F_μ - F_ν)²`, a sum of non-negative terms;
//!   the gradient comes from counts in the sorted order, ties counting as
//!   `sign(0) = 0` on both sides.
//! * any `r ∈ (0, 2)` (internal module `pairwise`): by summing all `O((N+M)²)` pairs.
//!
//! Both report the three normalised pair sums of the slice, from which the
//! V- and U-statistics follow. The public entry points are [`riesz_mmd2_1d`]
//! and the radix argsort [`sort_order`].

pub(crate) mod energy;
pub(crate) mod pairwise;
pub(crate) mod radix;

use crate::error::{MmdError, Result};
use crate::float::Float;
use crate::kernel::Riesz;
use crate::statistic::{Statistic, Within};
use crate::Sample;

/// The three pair sums of one slice, normalised:
/// `v` = V-statistic MMD², `sxx = Σ_{i,k} |x_i - x_k|^r / N²`,
/// `syy = Σ_{j,l} |y_j - y_l|^r / M²`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct SliceStats {
    pub v: f64,
    pub sxx: f64,
    pub syy: f64,
}

impl SliceStats {
    /// The V- or U-statistic of this slice (the kernel is `-|s - t|^r`, so
    /// the within-sample means are `-sxx`, `-syy` and the diagonal is zero).
    pub fn statistic(&self, stat: Statistic, n: usize, m: usize) -> f64 {
        let within = |s: f64| Within { all: -s, diag: 0.0 };
        stat.of_v(self.v, n, m, within(self.sxx), within(self.syy))
    }
}

/// The sorted order of one slice and the gaps between neighbours: the
/// interface through which the permutation test's fast path keeps the
/// sorted slices of the pooled sample (it relabels points on the stored
/// order instead of sorting again).
#[derive(Default)]
pub(crate) struct SliceSorter<F: Float> {
    bufs: energy::Buffers<F>,
}

impl<F: Float> SliceSorter<F> {
    /// Sort `vals` (finite, at most `2^32 - 1` of them); write to `idx[k]`
    /// the index in `vals` of the `k`-th smallest value and to `gap[k]` the
    /// next value minus this one, in `f64` (0 for the largest). Equal values
    /// keep their input order and have gap 0.
    pub fn order_and_gaps(&mut self, vals: &[F], idx: &mut [u32], gap: &mut [f64]) {
        energy::sort_items(vals, &mut self.bufs);
        let items = &self.bufs.items;
        for (k, &it) in items.iter().enumerate() {
            idx[k] = F::item_index(it);
            gap[k] = match items.get(k + 1) {
                Some(&next) => {
                    F::from_sort_key(F::item_key(next)).as_f64()
                        - F::from_sort_key(F::item_key(it)).as_f64()
                }
                None => 0.0,
            };
        }
    }
}

/// The largest number of values one slice can hold: the sort indexes them
/// with 32 bits.
pub(crate) const MAX_SLICE_VALUES: u64 = u32::MAX as u64;

/// Check that `count` values fit the 32-bit indices of the sort.
pub(crate) fn check_slice_len(what: &'static str, count: usize) -> Result<()> {
    if count as u64 > MAX_SLICE_VALUES {
        return Err(MmdError::TooLarge {
            what,
            count: count as u64,
            max: MAX_SLICE_VALUES,
        });
    }
    Ok(())
}

/// MMD² (V-statistic) of two one-dimensional samples for the Riesz kernel
/// `-|s - t|^r`: by sorting for `r = 1`, by pair sums otherwise.
///
/// # Errors
/// [`MmdError::EmptySample`] or [`MmdError::NonFinite`] for bad input.
///
/// # Examples
/// ```
/// use sliced_mmd::{sort1d::riesz_mmd2_1d, Riesz};
/// // energy distance of {0} and {1}: 2|0-1| - 0 - 0 = 2
/// assert_eq!(riesz_mmd2_1d(&[0.0f64], &[1.0], Riesz::energy())?, 2.0);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
pub fn riesz_mmd2_1d<F: Float>(x: &[F], y: &[F], kernel: Riesz) -> Result<f64> {
    let xs = crate::Points::from_1d(x).map_err(|e| e.in_sample(Sample::X))?;
    let ys = crate::Points::from_1d(y).map_err(|e| e.in_sample(Sample::Y))?;
    let n = xs.n();
    let mut vals: Vec<F> = Vec::with_capacity(n + ys.n());
    vals.extend_from_slice(x);
    vals.extend_from_slice(y);
    let stats = if kernel.r() == 1.0 {
        let mut bufs = energy::Buffers::default();
        energy::sort_items(&vals, &mut bufs);
        energy::walk::<F>(&mut bufs, n, ys.n(), None)
    } else {
        pairwise::slice::<F>(&vals, n, kernel.r(), None)
    };
    Ok(stats.v)
}

/// The permutation that sorts `values` in increasing order (`-0.0` and
/// `0.0` count as equal; equal values keep their input order), computed by
/// the LSD radix sort on the float bit patterns that the sliced estimator
/// uses for every slice.
///
/// # Errors
/// [`MmdError::EmptySample`] for no values, [`MmdError::NonFinite`] for a NaN
/// or an infinity, [`MmdError::TooLarge`] beyond `2^32 - 1` values.
///
/// # Examples
/// ```
/// use sliced_mmd::sort1d::sort_order;
/// assert_eq!(sort_order(&[2.5f32, -1.0, 0.0, -0.0, 7.0])?, vec![1, 2, 3, 0, 4]);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
pub fn sort_order<F: Float>(values: &[F]) -> Result<Vec<u32>> {
    Ok(ArgSorter::new().sort(values)?.to_vec())
}

/// [`sort_order`] with buffers kept from call to call: sorting many slices
/// of similar length allocates nothing after the first, as in the sliced
/// estimator, where each worker thread keeps one set of sort buffers.
///
/// # Examples
/// ```
/// use sliced_mmd::sort1d::ArgSorter;
/// let mut sorter = ArgSorter::<f64>::new();
/// assert_eq!(sorter.sort(&[3.0, 1.0, 2.0])?, &[1, 2, 0]);
/// assert_eq!(sorter.sort(&[0.5, -0.5])?, &[1, 0]);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
pub struct ArgSorter<F: Float> {
    bufs: energy::Buffers<F>,
    order: Vec<u32>,
}

impl<F: Float> std::fmt::Debug for ArgSorter<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArgSorter")
            .field("capacity", &self.order.capacity())
            .finish()
    }
}

impl<F: Float> Default for ArgSorter<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Float> ArgSorter<F> {
    /// A sorter with empty buffers.
    pub fn new() -> Self {
        ArgSorter {
            bufs: energy::Buffers::default(),
            order: Vec::new(),
        }
    }

    /// The permutation that sorts `values`, as [`sort_order`] defines it,
    /// borrowed from the sorter until the next call.
    ///
    /// # Errors
    /// As [`sort_order`].
    pub fn sort(&mut self, values: &[F]) -> Result<&[u32]> {
        crate::Points::from_1d(values)?;
        check_slice_len("values to sort", values.len())?;
        energy::sort_indices(values, &mut self.bufs, &mut self.order);
        Ok(&self.order)
    }
}
