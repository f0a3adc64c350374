//! The sliced-sort fast path: sort once, relabel many times.
//!
//! For `r = 1` the MMD² of slice `p` is `2 Σ_k gap_k (F_μ - F_ν)²` over the
//! sorted pooled projections, where after position `k` (0-based) of the
//! sorted order `F_μ = cx/N` and `F_ν = (k + 1 - cx)/M`, `cx` the number of
//! X-labelled points among the first `k + 1`. A relabeling changes only
//! `cx`; the order and the gaps stay. So the pooled sample is projected and
//! sorted once per direction, and stored as `(index: u32, gap: f64)` per
//! element (`12 P (N+M)` bytes); each permutation is one pass over it.
//!
//! Invariants: label sets (observed split = set 0, permutation `b` = set
//! `b + 1`) are processed in blocks of [`LANES`] = 64, each point's labels
//! for a block packed in one `u64`, so each stored element is read once per
//! block; counts are expanded 8 lanes at a time from a 256-entry table. A
//! task is one block on a fixed group of slices, its per-slice values are
//! kept and summed per permutation in slice order: the same bits whatever
//! the thread count. Within a tie group the gaps are zero, so counting
//! element by element gives what the grouped walk of the estimator gives.

use rayon::prelude::*;

use super::permutation::arrangement;
use super::{check_inputs, PermutationTest, Progress};
use crate::error::Result;
use crate::estimator::SlicedSort;
use crate::float::Float;
use crate::linalg;
use crate::points::Points;
use crate::sort1d::SliceSorter;
use crate::special::slicing_constant;
use crate::statistic::{Statistic, Within};

/// Label sets per pass over the stored orders (bits of a `u64`).
const LANES: usize = 64;
/// Slices per parallel task.
const SLICE_GROUP: usize = 8;
/// Blocks between two progress reports.
const BLOCKS_PER_CHUNK: usize = 4;
/// Directions projected together while preparing.
const PREP_CHUNK: usize = 64;

/// `TABLE[byte][q] = bit q of byte`, as `0.0` or `1.0`.
static TABLE: [[f64; 8]; 256] = table();

const fn table() -> [[f64; 8]; 256] {
    let mut t = [[0.0; 8]; 256];
    let mut b = 0;
    while b < 256 {
        let mut q = 0;
        while q < 8 {
            if (b >> q) & 1 == 1 {
                t[b][q] = 1.0;
            }
            q += 1;
        }
        b += 1;
    }
    t
}

/// The sorted pooled projections, slice after slice.
struct Stored {
    n: usize,
    m: usize,
    p: usize,
    /// `idx[p l + k]`: pooled index of the `k`-th smallest projection on slice `p`.
    idx: Vec<u32>,
    /// `gap[p l + k]`: the next projection minus this one (0 at the end).
    gap: Vec<f64>,
    /// `c_{d,1}`.
    c: f64,
}

fn prepare<F: Float>(est: &SlicedSort, x: &Points<'_, F>, y: &Points<'_, F>) -> Result<Stored> {
    let (n, m, d) = (x.n(), y.n(), x.d());
    let l = n + m;
    let dirs = est.directions_for(d)?;
    let p = dirs.len();
    let c = slicing_constant(d, 1.0)?;
    let mut idx = vec![0u32; p * l];
    let mut gap = vec![0.0f64; p * l];
    let chunk = PREP_CHUNK.min(p);
    let mut dirs_f: Vec<F> = vec![F::zero(); chunk * d];
    let mut proj: Vec<F> = vec![F::zero(); chunk * l];
    let mut start = 0;
    while start < p {
        let end = (start + chunk).min(p);
        let cs = end - start;
        let dchunk = &mut dirs_f[..cs * d];
        for (o, &v) in dchunk.iter_mut().zip(&dirs.as_slice()[start * d..end * d]) {
            *o = F::from_f64(v);
        }
        linalg::project(x.as_slice(), n, d, dchunk, cs, &mut proj, l, 0);
        linalg::project(y.as_slice(), m, d, dchunk, cs, &mut proj, l, n);
        proj[..cs * l]
            .par_chunks(l)
            .zip(idx[start * l..end * l].par_chunks_mut(l))
            .zip(gap[start * l..end * l].par_chunks_mut(l))
            .for_each_init(SliceSorter::<F>::default, |sorter, ((vals, ix), gp)| {
                sorter.order_and_gaps(vals, ix, gp);
            });
        start = end;
    }
    Ok(Stored {
        n,
        m,
        p,
        idx,
        gap,
        c,
    })
}

/// The per-slice statistic of slice `slice` for the 64 label sets whose
/// X-labels are the bits of `labels[i]`, written to `out[..64]`.
fn eval_slice<const U: bool>(st: &Stored, slice: usize, labels: &[u64], out: &mut [f64]) {
    let (n, m) = (st.n, st.m);
    let l = n + m;
    let idx = &st.idx[slice * l..(slice + 1) * l];
    let gap = &st.gap[slice * l..(slice + 1) * l];
    let (nf, mf) = (n as f64, m as f64);
    let (inv_n, inv_m) = (1.0 / nf, 1.0 / mf);
    let a = inv_n + inv_m;
    let mut cx = [0.0f64; LANES];
    let mut v = [0.0f64; LANES];
    let mut sa = [0.0f64; LANES];
    let mut sb = [0.0f64; LANES];
    for (k, (&i, &g)) in idx.iter().zip(gap).enumerate() {
        let w = labels[i as usize];
        for (j, lanes) in cx.chunks_exact_mut(8).enumerate() {
            let t = &TABLE[((w >> (8 * j)) & 0xff) as usize];
            for (c, &b) in lanes.iter_mut().zip(t) {
                *c += b;
            }
        }
        let seen = (k + 1) as f64;
        let tk = seen * inv_m;
        // F_μ - F_ν = cx/N - (k+1-cx)/M = (1/N + 1/M) cx - (k+1)/M
        for (acc, &c) in v.iter_mut().zip(&cx) {
            let diff = a * c - tk;
            *acc += g * diff * diff;
        }
        if U {
            for q in 0..LANES {
                let fx = cx[q] * inv_n;
                let fy = (seen - cx[q]) * inv_m;
                sa[q] += g * fx * (1.0 - fx);
                sb[q] += g * fy * (1.0 - fy);
            }
        }
    }
    // the within-sample means of |s - t| are 2 Σ gap F (1 - F), and the
    // kernel -|s - t| has a zero diagonal
    let stat = if U { Statistic::U } else { Statistic::V };
    let within = |s: f64| Within {
        all: -2.0 * s,
        diag: 0.0,
    };
    for q in 0..LANES {
        out[q] = stat.of_v(2.0 * v[q], n, m, within(sa[q]), within(sb[q]));
    }
}

/// The packed X-labels of label sets `first..first+64` (those below `sets`).
fn labels(test: &PermutationTest, first: usize, sets: usize, n: usize, l: usize) -> Vec<u64> {
    let mut w = vec![0u64; l];
    for lane in 0..LANES.min(sets - first) {
        let arr = arrangement(test.seed, first + lane, n, l);
        for &i in &arr[..n] {
            w[i as usize] |= 1u64 << lane;
        }
    }
    w
}

/// The observed statistic and the `B` null statistics.
pub(super) fn run<F: Float>(
    test: &PermutationTest,
    est: &SlicedSort,
    x: &Points<'_, F>,
    y: &Points<'_, F>,
    stat: Statistic,
    progress: Option<&Progress<'_>>,
) -> Result<(f64, Vec<f64>)> {
    check_inputs(x, y, stat)?;
    let st = prepare(est, x, y)?;
    let (n, l, p) = (st.n, st.n + st.m, st.p);
    let sets = test.permutations + 1;
    let blocks = sets.div_ceil(LANES);
    let groups = p.div_ceil(SLICE_GROUP);
    let mut values = Vec::with_capacity(sets);
    let mut blk0 = 0;
    while blk0 < blocks {
        let blk1 = (blk0 + BLOCKS_PER_CHUNK).min(blocks);
        let words: Vec<Vec<u64>> = (blk0..blk1)
            .into_par_iter()
            .map(|b| labels(test, b * LANES, sets, n, l))
            .collect();
        let parts: Vec<Vec<f64>> = (0..(blk1 - blk0) * groups)
            .into_par_iter()
            .map(|task| {
                let (b, g) = (task / groups, task % groups);
                let s1 = ((g + 1) * SLICE_GROUP).min(p);
                let mut out = vec![0.0; (s1 - g * SLICE_GROUP) * LANES];
                for (s, o) in (g * SLICE_GROUP..s1).zip(out.chunks_exact_mut(LANES)) {
                    match stat {
                        Statistic::V => eval_slice::<false>(&st, s, &words[b], o),
                        Statistic::U => eval_slice::<true>(&st, s, &words[b], o),
                    }
                }
                out
            })
            .collect();
        for b in blk0..blk1 {
            let mine = &parts[(b - blk0) * groups..(b - blk0 + 1) * groups];
            for lane in 0..LANES.min(sets - b * LANES) {
                let mut sum = 0.0;
                for part in mine {
                    for slice in part.chunks_exact(LANES) {
                        sum += slice[lane];
                    }
                }
                values.push(sum / p as f64 / st.c);
            }
        }
        if let Some(cb) = progress {
            cb((blk1 * LANES).min(sets) - 1);
        }
        blk0 = blk1;
    }
    let t = values[0];
    values.remove(0);
    Ok((t, values))
}
