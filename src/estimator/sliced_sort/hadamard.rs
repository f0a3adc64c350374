//! The fast path of [`SlicedSort`] for drawn Hadamard directions: project
//! and back-project by the fast Walsh-Hadamard transform instead of the
//! matrix products.
//!
//! The directions are those of [`Directions::hadamard`] with the same seed
//! (never materialised here), processed one block of `min(D, P)`
//! directions at a time, `D` the smallest power of two `>= d`. A block's
//! projections are computed together (the transform of a point yields all
//! `D` of them at once), so the working memory is `(N+M) min(D, P)` values
//! of the data's type: 160 MB at `N = M = 20000`, `d = 784`, `P = 1000` in
//! `f32`. The slice gradients overwrite the first `N` projections of their
//! own slice once it is sorted, so they need no buffer of their own.
//!
//! Invariants: blocks are processed in order, the slices of a block are
//! independent tasks collected in slice order, and the transforms are
//! parallel over fixed tiles of points (see `directions::hadamard`); the
//! bits do not depend on the thread count.
//!
//! [`Directions::hadamard`]: crate::Directions::hadamard

use std::time::Instant;

use rayon::prelude::*;

use super::{buffers, collect_slices, grow, SliceTimes, SlicedSort, Timings, Work};
use crate::directions::hadamard::Plan;
use crate::error::Result;
use crate::float::Float;
use crate::points::Points;
use crate::sort1d::{energy, SliceStats};
use crate::special::slicing_constant;

impl SlicedSort {
    /// [`SlicedSort::run`] for the drawn Hadamard design: same per-slice
    /// statistics and gradient as with the materialised directions, to
    /// rounding. The caller has checked the pair of samples.
    pub(super) fn run_hadamard<F: Float>(
        &self,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        mut grad: Option<&mut [F]>,
        times: &mut Timings,
        t_start: Instant,
    ) -> Result<(Vec<SliceStats>, f64)> {
        let (n, m, d) = (x.n(), y.n(), x.d());
        let l = n + m;
        let p = self.slices;
        let t0 = Instant::now();
        let plan = Plan::draw(p, d, self.seed);
        times.directions += t0.elapsed();
        let c = slicing_constant(d, self.kernel.r())?;
        let scale = 1.0 / (c * p as f64);
        let mut work = self.work.take::<F>();
        let Work { proj, pool, .. } = &mut work;
        grow(proj, plan.padded_dim().min(p) * l);
        if let Some(g) = grad.as_deref_mut() {
            g.iter_mut().for_each(|v| *v = F::zero());
        }
        let mut stats = Vec::with_capacity(p);
        // sort buffers, one set per worker thread, kept across blocks
        let pool = pool.for_threads();
        let energy_kernel = self.kernel.r() == 1.0;
        for b in 0..plan.blocks() {
            let (start, end) = plan.block_range(b);
            let proj_b = &mut proj[..(end - start) * l];
            let t0 = Instant::now();
            // every element of proj_b is written here, before any read
            plan.project(b, x.as_slice(), n, proj_b, l, 0);
            plan.project(b, y.as_slice(), m, proj_b, l, n);
            let t1 = Instant::now();
            times.projection += t1 - t0;
            if let Some(g) = grad.as_deref_mut() {
                let block_stats: Vec<_> = proj_b
                    .par_chunks_mut(l)
                    .map_init(Vec::new, |vals, slice| {
                        let mut bufs = buffers(pool);
                        if energy_kernel {
                            // the sorted items are all the walk needs: the
                            // slice's gradient can overwrite its values
                            let t0 = Instant::now();
                            energy::sort_items(slice, &mut bufs);
                            let t1 = Instant::now();
                            let stats =
                                energy::walk(&mut bufs, n, m, Some((&mut slice[..n], scale)));
                            let times = SliceTimes {
                                sort: t1 - t0,
                                sums: t1.elapsed(),
                            };
                            (stats, times)
                        } else {
                            vals.clear();
                            vals.extend_from_slice(slice);
                            self.slice_stats(vals, n, &mut bufs, Some((&mut slice[..n], scale)))
                        }
                    })
                    .collect();
                collect_slices(block_stats, &mut stats, times);
                let t2 = Instant::now();
                times.sort += t2 - t1;
                plan.back_project(b, proj_b, l, n, g);
                times.back_projection += t2.elapsed();
            } else {
                let block_stats: Vec<_> = proj_b
                    .par_chunks(l)
                    .map(|vals| self.slice_stats(vals, n, &mut buffers(pool), None))
                    .collect();
                collect_slices(block_stats, &mut stats, times);
                times.sort += t1.elapsed();
            }
        }
        self.work.put(work);
        times.total += t_start.elapsed();
        Ok((stats, c))
    }
}
