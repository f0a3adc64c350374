//! Dense linear algebra shared by the estimators and the direction designs:
//! the two matrix products of the sliced estimator (projection and
//! back-projection), parallel over fixed blocks of rows, and the pointer
//! wrapper that parallel tasks writing disjoint elements share.
//!
//! Invariants: every output element is computed by exactly one call of the
//! single-threaded `gemm` crate kernel, over the same `k` loop whatever
//! the block it falls in, and blocks have a fixed size; so the bits of the
//! result do not depend on the number of threads.

use rayon::prelude::*;

use crate::float::Float;

/// Rows of the left factor per parallel task.
const ROWS: usize = 256;

/// A raw pointer that parallel tasks may share, for tasks that write
/// disjoint elements of one buffer (each user says why its writes are
/// disjoint).
#[derive(Clone, Copy)]
pub(crate) struct SendPtr<F>(pub(crate) *mut F);
// SAFETY: users only write disjoint elements through the pointer.
unsafe impl<F> Send for SendPtr<F> {}
unsafe impl<F> Sync for SendPtr<F> {}

impl<F> SendPtr<F> {
    /// The pointer (a method, so that closures capture the `Send` wrapper).
    pub(crate) fn get(self) -> *mut F {
        self.0
    }
}

/// Projections of `rows` points `z` (row-major, `rows x d`) on the `c`
/// directions `dirs` (row-major `c x d`), written transposed:
/// `out[p * ld + offset + i] = <dirs_p, z_i>`, so each slice is contiguous.
///
/// Every product has the same shape, `ROWS x d` times `d x c` (the last
/// block of rows is padded with zeros into a scratch block), so every row
/// goes through the same arithmetic: equal points get bit-equal
/// projections, in X and Y alike, and ties between them stay ties.
#[allow(clippy::too_many_arguments)]
pub(crate) fn project<F: Float>(
    z: &[F],
    rows: usize,
    d: usize,
    dirs: &[F],
    c: usize,
    out: &mut [F],
    ld: usize,
    offset: usize,
) {
    assert!(z.len() == rows * d && dirs.len() == c * d);
    assert!(c == 0 || (c - 1) * ld + offset + rows <= out.len());
    let ptr = SendPtr(out.as_mut_ptr());
    let full = rows / ROWS;
    (0..full).into_par_iter().for_each(|b| {
        let i0 = b * ROWS;
        // SAFETY: A is rows i0..i0+ROWS of z; B[k][p] = dirs[p d + k]; C
        // element (i, p) is out[p ld + offset + i0 + i], inside `out` by the
        // assertion above, and block b alone writes rows i0..i0+ROWS.
        unsafe {
            project_block(
                z.as_ptr().add(i0 * d),
                d,
                dirs,
                c,
                ptr.get().add(offset + i0),
                ld,
            )
        };
    });
    let rest = rows - full * ROWS;
    if rest > 0 && c > 0 {
        let i0 = full * ROWS;
        let mut zb = vec![F::zero(); ROWS * d];
        zb[..rest * d].copy_from_slice(&z[i0 * d..]);
        let mut ob = vec![F::zero(); c * ROWS];
        // SAFETY: zb is ROWS x d, ob is c x ROWS with column stride ROWS
        unsafe { project_block(zb.as_ptr(), d, dirs, c, ob.as_mut_ptr(), ROWS) };
        for p in 0..c {
            let dst = p * ld + offset + i0;
            out[dst..dst + rest].copy_from_slice(&ob[p * ROWS..p * ROWS + rest]);
        }
    }
}

/// `C (ROWS x c, element (i, p) at c_ptr[p ldc + i]) = A Dᵀ` for `A` the
/// `ROWS x d` row-major block at `a` and `D` the `c x d` directions.
///
/// # Safety
/// `a` must be valid for `ROWS * d` reads and `c_ptr` for writes at
/// `p * ldc + i`, `p < c`, `i < ROWS`.
unsafe fn project_block<F: Float>(
    a: *const F,
    d: usize,
    dirs: &[F],
    c: usize,
    c_ptr: *mut F,
    ldc: usize,
) {
    F::gemm_raw(
        ROWS,
        d,
        c,
        F::one(),
        a,
        d as isize,
        1,
        dirs.as_ptr(),
        1,
        d as isize,
        F::zero(),
        c_ptr,
        1,
        ldc as isize,
    );
}

/// Back-projection `out (n x d) += Sᵀ dirs`, where `s` is `c x n`
/// (slice-contiguous) and `dirs` is `c x d`: `out_i += Σ_p s[p n + i] dirs_p`.
pub(crate) fn back_project<F: Float>(
    s: &[F],
    n: usize,
    dirs: &[F],
    c: usize,
    d: usize,
    out: &mut [F],
) {
    assert!(s.len() >= c * n && dirs.len() == c * d && out.len() == n * d);
    out.par_chunks_mut(ROWS * d)
        .enumerate()
        .for_each(|(b, block)| {
            let i0 = b * ROWS;
            let mb = block.len() / d;
            // SAFETY: A[i][p] = s[p n + i0 + i] lies in s; B = dirs (c x d);
            // C = this task's own block of out.
            unsafe {
                F::gemm_raw(
                    mb,
                    c,
                    d,
                    F::one(),
                    s.as_ptr().add(i0),
                    1,
                    n as isize,
                    dirs.as_ptr(),
                    d as isize,
                    1,
                    F::one(),
                    block.as_mut_ptr(),
                    d as isize,
                    1,
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_match_loops() {
        let (rows, d, c) = (300, 5, 3);
        let z: Vec<f64> = (0..rows * d)
            .map(|i| ((i * 7919) % 101) as f64 / 10.0)
            .collect();
        let dirs: Vec<f64> = (0..c * d).map(|i| (i as f64).sin()).collect();
        let ld = rows + 4;
        let mut out = vec![0.0; c * ld];
        project(&z, rows, d, &dirs, c, &mut out, ld, 4);
        for p in 0..c {
            for i in 0..rows {
                let want: f64 = (0..d).map(|k| dirs[p * d + k] * z[i * d + k]).sum();
                assert!((out[p * ld + 4 + i] - want).abs() < 1e-12);
            }
        }
        let s: Vec<f64> = (0..c * rows).map(|i| (i as f64).cos()).collect();
        let mut g = vec![1.0; rows * d];
        back_project(&s, rows, &dirs, c, d, &mut g);
        for i in 0..rows {
            for k in 0..d {
                let want: f64 = 1.0
                    + (0..c)
                        .map(|p| s[p * rows + i] * dirs[p * d + k])
                        .sum::<f64>();
                assert!((g[i * d + k] - want).abs() < 1e-12);
            }
        }
    }
}
