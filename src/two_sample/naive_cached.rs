//! The exact fast path: one kernel matrix, one matrix product per block of
//! permutations.
//!
//! With `e` the 0/1 indicator of the X-labelled points of a split and `K`
//! the pooled kernel matrix, `r = K 1` its row sums and `D` its diagonal,
//!
//! ```text
//! Sxx = eᵀ K e,   Sxy = (1-e)ᵀ K e,   Syy = (1-e)ᵀ r - Sxy,
//! V = Sxx/N² + Syy/M² - 2 Sxy/(NM),
//! U = (Sxx - eᵀD)/(N(N-1)) + (Syy - (1-e)ᵀD)/(M(M-1)) - 2 Sxy/(NM)
//! ```
//!
//! so a block of label sets is one product `K E` (`E` the `L x c` matrix of
//! indicators) and `O(L c)` sums. The diagonal is kept apart, so kernels
//! with `K(x,x) ≠ 0` (Gaussian, Laplace) give the right U-statistic.
//!
//! Invariants: every element of `K E` is computed by one call of the
//! single-threaded `gemm` crate kernel over a fixed block of `ROWS`
//! rows; each column is reduced in index order; so the bits do not depend
//! on the thread count. When `8 L²` bytes exceed the memory budget the
//! matrix is recomputed in slabs of rows that fit, once per block of label
//! sets (blocks then as wide as the budget allows).

use rayon::prelude::*;

use super::permutation::arrangement;
use super::{check_inputs, PermutationTest, Progress, TestPath};
use crate::error::Result;
use crate::float::sealed::Sealed as _;
use crate::float::{sum_in_order, Float};
use crate::kernel::Kernel;
use crate::points::Points;
use crate::statistic::{Statistic, Within};

/// Rows of `K` per product task.
const ROWS: usize = 256;
/// Label sets per product when the matrix is cached.
const COLS: usize = 128;

/// `ke (rows x c) = k (rows x l) e (l x c)`, all row-major, in parallel
/// over fixed blocks of `ROWS` rows.
fn product(k: &[f64], l: usize, e: &[f64], c: usize, ke: &mut [f64]) {
    ke.par_chunks_mut(ROWS * c)
        .zip(k.par_chunks(ROWS * l))
        .for_each(|(out, a)| {
            let mb = out.len() / c;
            debug_assert_eq!(a.len(), mb * l);
            // SAFETY: A is mb x l (row stride l), B is l x c (row stride c),
            // C is this task's own mb x c block; the slices hold them.
            unsafe {
                f64::gemm_raw(
                    mb,
                    l,
                    c,
                    1.0,
                    a.as_ptr(),
                    l as isize,
                    1,
                    e.as_ptr(),
                    c as isize,
                    1,
                    0.0,
                    out.as_mut_ptr(),
                    c as isize,
                    1,
                );
            }
        });
}

/// Rows `r0..r0 + out.len()/l` of the pooled kernel matrix.
fn kernel_rows<'a, F: Float, K: Kernel<F> + ?Sized>(
    kernel: &K,
    row: &(dyn Fn(usize) -> &'a [F] + Sync),
    l: usize,
    r0: usize,
    out: &mut [f64],
) {
    out.par_chunks_mut(l).enumerate().for_each(|(i, o)| {
        let zi = row(r0 + i);
        for (j, v) in o.iter_mut().enumerate() {
            *v = kernel.eval(zi, row(j));
        }
    });
}

/// The observed statistic, the `B` null statistics and the path taken.
pub(super) fn run<F: Float, K: Kernel<F> + ?Sized>(
    test: &PermutationTest,
    kernel: &K,
    x: &Points<'_, F>,
    y: &Points<'_, F>,
    stat: Statistic,
    progress: Option<&Progress<'_>>,
) -> Result<(f64, Vec<f64>, TestPath)> {
    check_inputs(x, y, stat)?;
    kernel.check_dim(x.d())?;
    let (n, m) = (x.n(), y.n());
    let l = n + m;
    let row = |i: usize| if i < n { x.row(i) } else { y.row(i - n) };
    let sets = test.permutations + 1;
    let budget = test.memory_budget as u128;
    let cached = (l as u128) * (l as u128) * 8 <= budget;
    let diag: Vec<f64> = (0..l)
        .into_par_iter()
        .map(|i| kernel.eval(row(i), row(i)))
        .collect();
    let mut kmat = Vec::new();
    let mut rowsum = vec![0.0; l];
    let (cols, slab) = if cached {
        kmat = vec![0.0; l * l];
        kernel_rows(kernel, &row, l, 0, &mut kmat);
        rowsum
            .par_iter_mut()
            .zip(kmat.par_chunks(l))
            .for_each(|(s, r)| *s = sum_in_order(r.iter().copied()));
        (COLS.min(sets), l)
    } else {
        // half the budget for a slab of rows, half for E and K E
        let half = (budget / 2) as usize;
        let slab = (half / (8 * l)).clamp(1, l);
        let cols = (half / (16 * l)).clamp(1, sets);
        (cols, slab)
    };
    let mut values = Vec::with_capacity(sets);
    let mut s0 = 0;
    while s0 < sets {
        let s1 = (s0 + cols).min(sets);
        let c = s1 - s0;
        let cols_x: Vec<Vec<u32>> = (s0..s1)
            .into_par_iter()
            .map(|s| {
                let mut a = arrangement(test.seed, s, n, l);
                a.truncate(n);
                a
            })
            .collect();
        let mut e = vec![0.0f64; l * c];
        for (q, xs) in cols_x.iter().enumerate() {
            for &i in xs {
                e[i as usize * c + q] = 1.0;
            }
        }
        let mut ke = vec![0.0f64; l * c];
        if cached {
            product(&kmat, l, &e, c, &mut ke);
        } else {
            let mut buf = vec![0.0f64; slab * l];
            let mut r0 = 0;
            while r0 < l {
                let r1 = (r0 + slab).min(l);
                let k = &mut buf[..(r1 - r0) * l];
                kernel_rows(kernel, &row, l, r0, k);
                if s0 == 0 {
                    for (s, r) in rowsum[r0..r1].iter_mut().zip(k.chunks_exact(l)) {
                        *s = sum_in_order(r.iter().copied());
                    }
                }
                product(k, l, &e, c, &mut ke[r0 * c..r1 * c]);
                r0 = r1;
            }
        }
        let chunk: Vec<f64> = (0..c)
            .into_par_iter()
            .map(|q| {
                let [mut sxx, mut dx, mut sxy, mut ry, mut dy] = [0.0; 5];
                for i in 0..l {
                    let v = ke[i * c + q];
                    if e[i * c + q] == 1.0 {
                        sxx += v;
                        dx += diag[i];
                    } else {
                        sxy += v;
                        ry += rowsum[i];
                        dy += diag[i];
                    }
                }
                let (nf, mf) = (n as f64, m as f64);
                let wx = Within {
                    all: sxx / (nf * nf),
                    diag: dx / nf,
                };
                let wy = Within {
                    all: (ry - sxy) / (mf * mf),
                    diag: dy / mf,
                };
                stat.of_pair_sums(n, m, wx, wy, sxy)
            })
            .collect();
        values.extend(chunk);
        if let Some(cb) = progress {
            cb(s1 - 1);
        }
        s0 = s1;
    }
    let t = values.remove(0);
    let path = if cached {
        TestPath::NaiveCached
    } else {
        TestPath::NaiveBlocked
    };
    Ok((t, values, path))
}
