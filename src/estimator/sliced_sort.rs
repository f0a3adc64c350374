//! The sliced estimator: project, sort each slice, back-project.
//!
//! Invariants: slices are processed in chunks of `chunk` directions, so the
//! working memory is `O((N+M) chunk)`; within a chunk each slice is an
//! independent task whose statistics are collected in slice order, and the
//! matrix products have fixed blocks (see `linalg`), so the result is the same
//! bits whatever the thread count.

use std::any::Any;
use std::borrow::Cow;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::{check_buffer, check_chunk, check_finite, MmdEstimator, Reseed, Shortcut};
use crate::directions::{DirectionDesign, Directions};
use crate::error::{MmdError, Result};
use crate::float::Float;
use crate::kernel::Riesz;
use crate::linalg;
use crate::points::{check_pair, Points};
use crate::sort1d::{check_slice_len, energy, pairwise, SliceStats};
use crate::special::slicing_constant;
use crate::statistic::{check_statistic, Estimate, Statistic};

mod hadamard;

/// Where the time of one sliced evaluation went (wall time, summed over chunks).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[non_exhaustive]
pub struct Timings {
    /// Drawing or converting the directions.
    pub directions: Duration,
    /// The projection products `X Ξᵀ`, `Y Ξᵀ`.
    pub projection: Duration,
    /// Sorting each slice and the 1-D sums (or the pair sums for `r ≠ 1`).
    pub sort: Duration,
    /// Of [`sort`](Self::sort): the time the sorts of the slices took,
    /// summed over the worker threads (so CPU time, not wall time; zero for
    /// `r ≠ 1`, whose pair sums are all in [`sums_cpu`](Self::sums_cpu)).
    /// `sort * sort_cpu / (sort_cpu + sums_cpu)` is the sorts' share of the
    /// wall time.
    pub sort_cpu: Duration,
    /// Of [`sort`](Self::sort): the time the 1-D sums over the sorted
    /// slices took (value and slice gradients), summed over the worker
    /// threads.
    pub sums_cpu: Duration,
    /// The back-projection product (gradient only).
    pub back_projection: Duration,
    /// Everything, from the call to the return.
    pub total: Duration,
}

/// Working memory the default chunking aims at: the projections of one
/// chunk of directions (and their slice gradients) take at most about this
/// many bytes, so memory does not grow with `P`.
pub const CHUNK_MEMORY: usize = 128 << 20;

/// Bounds of the default chunk: at least 2 directions (so that two
/// threads have work), at most 512 (beyond that the matrix products gain
/// nothing).
const CHUNK_MIN: usize = 2;
const CHUNK_MAX: usize = 512;

/// The default number of directions per chunk for `l` pooled points of which
/// `n` get a gradient, from [`CHUNK_MEMORY`]. It depends on the problem's
/// shape only, never on the number of threads (so neither do the bits of
/// the result).
fn auto_chunk(l: usize, n: usize, d: usize, elem: usize, grad: bool) -> usize {
    let per_direction = (l + if grad { n } else { 0 } + d) * elem;
    let c = (CHUNK_MEMORY / per_direction.max(1)).clamp(CHUNK_MIN, CHUNK_MAX);
    // a multiple of 8 beyond 8, so that the slices of a chunk split evenly
    // over small numbers of threads
    if c > 8 {
        c - c % 8
    } else {
        c
    }
}

/// The sliced Riesz MMD estimator.
///
/// For directions `ξ_1..ξ_P`,
///
/// ```text
/// MMD²  ≈  1/(c_{d,r} P) Σ_p MMD²_1D(<ξ_p, X>, <ξ_p, Y>),   k(s,t) = -|s-t|^r
/// ```
///
/// which is exactly the MMD² of the [`crate::SlicedKernel`] with the same
/// directions, and an unbiased estimate of the Riesz MMD² for directions
/// uniform on the sphere (error `O(√(d/P))`). For `r = 1` each slice costs
/// one sort: the value is `2 ∫ (F_μ - F_ν)²` summed over the gaps of the
/// sorted pooled sample, and the gradient of slice `p` at `x_i` is
/// `2/(NM) (#{y < x_i} - #{y > x_i}) - 2/N² (#{x < x_i} - #{x > x_i})`
/// (ties count as `sign(0) = 0`), back-projected along `ξ_p`.
///
/// Cost for `r = 1`: the projection product `2 (N+M) d P` flops, `P` sorts of
/// `N+M` values, the back-projection product `2 N P d` flops; memory
/// `O((N+M) chunk)`, about [`CHUNK_MEMORY`] bytes by default. For `r ≠ 1` each slice sums all pairs, `O((N+M)²)`:
/// correct but slow, meant for checks on small samples.
///
/// The estimate carries a standard error: the spread of the per-slice values
/// divided by `√P` (for iid directions).
///
/// The estimator keeps its working buffers (the projections of one chunk,
/// their slice gradients and the sort buffers) from one call to the next,
/// so that repeated calls, as in a flow (which re-seeds the estimator in
/// place, [`Reseed`]), neither allocate nor touch fresh memory pages. The
/// buffers are scratch space owned by this value alone: a clone starts
/// with none, a concurrent call on the same value works in buffers of its
/// own, and equality compares the settings only (kernel, slices, seed,
/// design, directions, chunk size), which alone decide the result.
///
/// # Examples
/// ```
/// use sliced_mmd::{MmdEstimator, Points, SlicedSort};
/// // In d = 1 slicing is exact: the energy distance of {0, 1} and {1, 2} is 1.
/// let x = Points::from_1d(&[0.0, 1.0])?;
/// let y = Points::from_1d(&[1.0, 2.0])?;
/// let est = SlicedSort::new(10)?.with_seed(7);
/// assert!((est.mmd2(&x, &y)? - 1.0).abs() < 1e-15);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SlicedSort {
    kernel: Riesz,
    slices: usize,
    seed: u64,
    design: DirectionDesign,
    directions: Option<Directions>,
    chunk: Option<usize>,
    work: Workspace,
}

impl SlicedSort {
    /// `slices` iid uniform directions drawn from seed 0 (see
    /// [`SlicedSort::with_seed`]) for the energy kernel (`r = 1`).
    ///
    /// # Errors
    /// [`MmdError::InvalidCount`] if `slices = 0`.
    pub fn new(slices: usize) -> Result<Self> {
        if slices == 0 {
            return Err(MmdError::InvalidCount {
                what: "number of slices P",
                value: 0,
                min: 1,
            });
        }
        Ok(Self::of(slices, None))
    }

    /// The defaults around `slices` and the given directions, if any.
    fn of(slices: usize, directions: Option<Directions>) -> Self {
        SlicedSort {
            kernel: Riesz::energy(),
            slices,
            seed: 0,
            design: DirectionDesign::Iid,
            directions,
            chunk: None,
            work: Workspace::default(),
        }
    }

    /// The estimator on these directions: the deterministic core, with no
    /// randomness at all (seed and design are ignored, and a flow's
    /// re-seeding changes nothing).
    pub fn from_directions(directions: Directions) -> Self {
        Self::of(directions.len(), Some(directions))
    }

    /// The seed of the drawn directions (default 0; ignored with given
    /// directions).
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How the directions are drawn from the seed (default
    /// [`DirectionDesign::Iid`]; ignored with given directions). Every
    /// design but [`DirectionDesign::Hadamard`] (approximately uniform,
    /// projected by the fast transform with memory `(N+M) min(D, P)`, see
    /// its docs) keeps the estimate unbiased; the standard error is computed
    /// as for independent slices, so it does not show the variance
    /// reduction of the coupled designs (it typically overstates their error).
    #[must_use]
    pub fn with_design(mut self, design: DirectionDesign) -> Self {
        self.design = design;
        self
    }

    /// The Riesz kernel (default `r = 1`; other `r` take the slow pairwise path).
    #[must_use]
    pub fn with_kernel(mut self, kernel: Riesz) -> Self {
        self.kernel = kernel;
        self
    }

    /// Directions processed together; memory grows linearly with it. By
    /// default the chunk is chosen from the shape of the problem so that one
    /// chunk's projections take about [`CHUNK_MEMORY`] bytes (between 2 and
    /// 512 directions). The chunking changes the gradient only by the
    /// rounding of its sum over chunks, and the value not at all. A chunk
    /// size of 0 is reported by the methods that compute
    /// ([`MmdError::InvalidCount`]).
    #[must_use]
    pub fn with_chunk_size(mut self, chunk: usize) -> Self {
        self.chunk = Some(chunk);
        self
    }

    /// Number of slices `P`.
    pub fn slices(&self) -> usize {
        self.slices
    }

    /// The seed of the drawn directions.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The design of the drawn directions.
    pub fn design(&self) -> DirectionDesign {
        self.design
    }

    /// The Riesz kernel this estimator slices.
    pub fn kernel(&self) -> &Riesz {
        &self.kernel
    }

    /// The chunk size set by [`SlicedSort::with_chunk_size`] (`None`: chosen
    /// from the shape of the problem).
    pub fn chunk_size(&self) -> Option<usize> {
        self.chunk
    }

    /// The given directions, if the estimator was built
    /// [`from_directions`](SlicedSort::from_directions).
    pub fn directions(&self) -> Option<&Directions> {
        self.directions.as_ref()
    }

    /// The directions used on data of dimension `d`: the given ones, or the
    /// draw of the design (iid by default) from the seed.
    ///
    /// # Errors
    /// [`MmdError::DirectionDimension`] if given directions are not in `R^d`;
    /// [`MmdError::ZeroDimension`] for `d = 0`; [`MmdError::Unsupported`]
    /// for the Sobol' design beyond its largest dimension.
    pub fn directions_for(&self, d: usize) -> Result<Cow<'_, Directions>> {
        match &self.directions {
            Some(dirs) if dirs.dim() == d => Ok(Cow::Borrowed(dirs)),
            Some(dirs) => Err(MmdError::DirectionDimension {
                directions_d: dirs.dim(),
                data_d: d,
            }),
            None => Ok(Cow::Owned(Directions::draw(
                self.design,
                self.slices,
                d,
                self.seed,
            )?)),
        }
    }

    /// One slice's statistics (and its gradient into `grad`), with the time
    /// its sort and its sums took.
    fn slice_stats<F: Float>(
        &self,
        vals: &[F],
        n: usize,
        bufs: &mut energy::Buffers<F>,
        grad: Option<(&mut [F], f64)>,
    ) -> (SliceStats, SliceTimes) {
        let t0 = Instant::now();
        if self.kernel.r() == 1.0 {
            energy::sort_items(vals, bufs);
            let t1 = Instant::now();
            let stats = energy::walk::<F>(bufs, n, vals.len() - n, grad);
            let times = SliceTimes {
                sort: t1 - t0,
                sums: t1.elapsed(),
            };
            (stats, times)
        } else {
            let stats = pairwise::slice(vals, n, self.kernel.r(), grad);
            let times = SliceTimes {
                sort: Duration::ZERO,
                sums: t0.elapsed(),
            };
            (stats, times)
        }
    }

    /// Per-slice statistics, and the gradient into `grad` when given.
    fn run<F: Float>(
        &self,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        mut grad: Option<&mut [F]>,
        times: &mut Timings,
    ) -> Result<(Vec<SliceStats>, f64)> {
        let t_start = Instant::now();
        if let Some(chunk) = self.chunk {
            check_chunk(chunk)?;
        }
        check_pair(x, y)?;
        let (n, m, d) = (x.n(), y.n(), x.d());
        let l = n + m;
        check_slice_len("pooled points of the sliced estimator", l)?;
        if self.directions.is_none() && self.design == DirectionDesign::Hadamard {
            // fast transforms instead of the matrix products (sliced_sort/hadamard.rs)
            return self.run_hadamard(x, y, grad, times, t_start);
        }
        let t0 = Instant::now();
        let dirs = self.directions_for(d)?;
        times.directions += t0.elapsed();
        let p = dirs.len();
        let c = slicing_constant(d, self.kernel.r())?;
        let scale = 1.0 / (c * p as f64);
        let chunk = self
            .chunk
            .unwrap_or_else(|| auto_chunk(l, n, d, std::mem::size_of::<F>(), grad.is_some()))
            .min(p);
        let mut work = self.work.take::<F>();
        let Work {
            dirs: dirs_f,
            proj,
            sgrad,
            pool,
        } = &mut work;
        grow(dirs_f, chunk * d);
        grow(proj, chunk * l);
        if grad.is_some() {
            grow(sgrad, chunk * n);
        }
        if let Some(g) = grad.as_deref_mut() {
            g.iter_mut().for_each(|v| *v = F::zero());
        }
        let mut stats = Vec::with_capacity(p);
        // sort buffers, one set per worker thread, kept across chunks
        let pool = pool.for_threads();
        let mut start = 0;
        while start < p {
            let end = (start + chunk).min(p);
            let cs = end - start;
            let dchunk = &mut dirs_f[..cs * d];
            for (o, &v) in dchunk.iter_mut().zip(dirs.rows_range(start, end)) {
                *o = F::from_f64(v);
            }
            let t0 = Instant::now();
            // every element of proj[..cs * l] is written here, before any read
            linalg::project(x.as_slice(), n, d, dchunk, cs, proj, l, 0);
            linalg::project(y.as_slice(), m, d, dchunk, cs, proj, l, n);
            let t1 = Instant::now();
            times.projection += t1 - t0;
            let proj_c = &proj[..cs * l];
            if let Some(g) = grad.as_deref_mut() {
                // each slice writes all n of its gradient values
                let sg = &mut sgrad[..cs * n];
                let chunk_stats: Vec<_> = proj_c
                    .par_chunks(l)
                    .zip(sg.par_chunks_mut(n))
                    .map(|(vals, gs)| {
                        let mut bufs = buffers(pool);
                        self.slice_stats(vals, n, &mut bufs, Some((gs, scale)))
                    })
                    .collect();
                collect_slices(chunk_stats, &mut stats, times);
                let t2 = Instant::now();
                times.sort += t2 - t1;
                linalg::back_project(sg, n, dchunk, cs, d, g);
                times.back_projection += t2.elapsed();
            } else {
                let chunk_stats: Vec<_> = proj_c
                    .par_chunks(l)
                    .map(|vals| {
                        let mut bufs = buffers(pool);
                        self.slice_stats(vals, n, &mut bufs, None)
                    })
                    .collect();
                collect_slices(chunk_stats, &mut stats, times);
                times.sort += t1.elapsed();
            }
            start = end;
        }
        self.work.put(work);
        times.total += t_start.elapsed();
        Ok((stats, c))
    }
}

impl SlicedSort {
    /// [`MmdEstimator::grad_into`], also returning where the time went
    /// (projection, sort, back-projection, and the 1-D pass's split into
    /// sorts and sums): the split that performance work needs, at the cost
    /// of a few clock reads per chunk and two per slice.
    ///
    /// # Errors
    /// As [`MmdEstimator::grad_into`].
    pub fn grad_profiled<F: Float>(
        &self,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        out: &mut [F],
    ) -> Result<(f64, Timings)> {
        check_buffer(out.len(), x.n(), x.d())?;
        let mut times = Timings::default();
        let (stats, c) = self.run(x, y, Some(&mut *out), &mut times)?;
        let v = summarize(stats.iter().map(|s| s.v), c).mmd2;
        Ok((check_finite("sliced", v, out)?, times))
    }

    /// [`MmdEstimator::estimate`], also returning where the time went.
    ///
    /// # Errors
    /// As [`MmdEstimator::estimate`].
    pub fn estimate_profiled<F: Float>(
        &self,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        stat: Statistic,
    ) -> Result<(Estimate, Timings)> {
        check_statistic(stat, x.n(), y.n())?;
        let mut times = Timings::default();
        let (stats, c) = self.run(x, y, None, &mut times)?;
        let (n, m) = (x.n(), y.n());
        let est = summarize(stats.iter().map(|s| s.statistic(stat, n, m)), c);
        check_finite::<F>("sliced", est.mmd2, &[])?;
        Ok((est, times))
    }
}

impl PartialEq for SlicedSort {
    /// Equal settings; the scratch buffers play no part (see [`SlicedSort`]).
    fn eq(&self, other: &Self) -> bool {
        self.kernel == other.kernel
            && self.slices == other.slices
            && self.seed == other.seed
            && self.design == other.design
            && self.directions == other.directions
            && self.chunk == other.chunk
    }
}

impl Reseed for SlicedSort {
    /// New directions from `seed` (nothing changes with given directions).
    fn reseed(&mut self, seed: u64) {
        self.seed = seed;
    }
}

/// The buffers one estimator keeps between its calls (see [`SlicedSort`]):
/// an empty slot or the [`Work`] of the float type last used. Owned by one
/// estimator: a clone starts empty.
#[derive(Default)]
struct Workspace(Mutex<Option<Box<dyn Any + Send>>>);

impl Clone for Workspace {
    /// Empty buffers: scratch space is never shared between values.
    fn clone(&self) -> Self {
        Workspace::default()
    }
}

impl Workspace {
    /// The kept buffers of `F`, or new empty ones when there are none (or
    /// another call holds them, or they are of the other float type).
    fn take<F: Float>(&self) -> Work<F> {
        let kept = match self.0.try_lock() {
            Ok(mut slot) => slot.take(),
            Err(_) => None,
        };
        kept.and_then(|b| b.downcast::<Work<F>>().ok())
            .map(|b| *b)
            .unwrap_or_default()
    }

    /// Keep `work` for the next call (unless another call was faster).
    fn put<F: Float>(&self, work: Work<F>) {
        if let Ok(mut slot) = self.0.try_lock() {
            *slot = Some(Box::new(work));
        }
    }
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Workspace")
    }
}

/// The working buffers of one call: the directions of a chunk in `F`, the
/// projections of a chunk (slice by slice), their slice gradients, and the
/// sort buffers of each worker thread.
struct Work<F: Float> {
    dirs: Vec<F>,
    proj: Vec<F>,
    sgrad: Vec<F>,
    pool: BufferPool<F>,
}

impl<F: Float> Default for Work<F> {
    fn default() -> Self {
        Work {
            dirs: Vec::new(),
            proj: Vec::new(),
            sgrad: Vec::new(),
            pool: BufferPool(Vec::new()),
        }
    }
}

/// At least `len` elements in `v`. The elements already there keep their
/// (stale) values: every user writes a region before it reads it. A buffer
/// too short is replaced by a zeroed allocation (which the allocator gets
/// as fresh zero pages, without writing them), not extended by writing.
fn grow<F: Float>(v: &mut Vec<F>, len: usize) {
    if v.len() < len {
        *v = Vec::new();
        *v = vec![F::zero(); len];
    }
}

/// Sort buffers, one set per worker thread.
struct BufferPool<F: Float>(Vec<Mutex<energy::Buffers<F>>>);

impl<F: Float> BufferPool<F> {
    /// The sets, at least one per thread of the current rayon pool.
    fn for_threads(&mut self) -> &[Mutex<energy::Buffers<F>>] {
        let threads = rayon::current_num_threads().max(1);
        while self.0.len() < threads {
            self.0.push(Mutex::default());
        }
        &self.0
    }
}

/// The time one slice's sort and sums took, on the thread that ran it.
#[derive(Debug, Clone, Copy)]
struct SliceTimes {
    sort: Duration,
    sums: Duration,
}

/// Append the statistics of a chunk's slices (in slice order) to `stats`,
/// and add their times to `times`.
fn collect_slices(
    slices: Vec<(SliceStats, SliceTimes)>,
    stats: &mut Vec<SliceStats>,
    times: &mut Timings,
) {
    for (s, t) in slices {
        stats.push(s);
        times.sort_cpu += t.sort;
        times.sums_cpu += t.sums;
    }
}

/// The sort buffers of the calling worker thread (each thread has its own
/// slot, so the lock is never contended; a poisoned lock only means another
/// slice panicked, and the buffers are scratch space anyway).
fn buffers<F: Float>(pool: &[Mutex<energy::Buffers<F>>]) -> MutexGuard<'_, energy::Buffers<F>> {
    let slot = rayon::current_thread_index().unwrap_or(0) % pool.len();
    pool[slot].lock().unwrap_or_else(|e| e.into_inner())
}

/// Mean of the per-slice values over `c`, and its standard error.
fn summarize(values: impl ExactSizeIterator<Item = f64> + Clone, c: f64) -> Estimate {
    let p = values.len() as f64;
    let mean = values.clone().fold(0.0, |a, v| a + v) / p;
    let std_error = if values.len() > 1 {
        let var = values.fold(0.0, |a, v| a + (v - mean) * (v - mean)) / (p - 1.0);
        Some((var / p).sqrt() / c)
    } else {
        None
    };
    Estimate {
        mmd2: mean / c,
        std_error,
    }
}

impl<F: Float> MmdEstimator<F> for SlicedSort {
    fn name(&self) -> &'static str {
        "sliced"
    }

    /// [`Shortcut::SortedSlices`] for `r = 1`, [`Shortcut::None`] otherwise.
    fn shortcut(&self) -> Shortcut<'_, F> {
        if self.kernel.r() == 1.0 {
            Shortcut::SortedSlices(self)
        } else {
            Shortcut::None
        }
    }

    fn estimate(&self, x: &Points<'_, F>, y: &Points<'_, F>, stat: Statistic) -> Result<Estimate> {
        self.estimate_profiled(x, y, stat).map(|(e, _)| e)
    }

    fn grad_into(&self, x: &Points<'_, F>, y: &Points<'_, F>, out: &mut [F]) -> Result<f64> {
        self.grad_profiled(x, y, out).map(|(v, _)| v)
    }
}
