//! Blocked pair loops for the exact estimator with the energy kernel
//! `K(x, y) = -‖x - y‖` (Riesz, `r = 1`).
//!
//! # Layout and loop
//! Both samples are copied once, scaled by a common power of two (exact),
//! into a row-major copy (the rows `x_i`) and a transposed, zero-padded copy
//! (`d` rows of columns `y_j`). The inner loop takes a group of [`R`] rows
//! and a chunk of [`L`] columns and accumulates `Σ_k (x_ik - y_jk)²` in `L`
//! lanes of the compute type: differences are formed directly (never through
//! `‖x‖² + ‖y‖² - 2<x,y>`, which cancels). The loop bodies are plain Rust on
//! fixed-width arrays; LLVM vectorises them inside functions compiled for
//! AVX-512 or AVX2 + FMA, chosen at run time, with a portable fallback.
//!
//! # Compute type
//! The loops are generic over the lane type `F` (the compute type), which
//! may be wider than the data type. By default the exact estimator uses
//! `f64` lanes for both `f32` and `f64` data, which keeps its precision
//! contract (`f32` data give the value of the widened data to `f64`
//! rounding). `f32` lanes for `f32` data are about twice as fast (twice the
//! lanes per register) at the error below; the estimator uses them when
//! asked to compute in the data type (`Arithmetic::DataType`).
//!
//! # Accumulation and rounding
//! Distances are computed in the compute type. Each lane
//! sums the distances of one tile of [`TILE`] columns (`TILE / L = 16`
//! terms) in the compute type; each tile's lanes are then widened and added in
//! `f64`, and all longer sums (over tiles, rows, blocks) are `f64`. Blocks
//! of [`BLOCK`] rows are folded in index order, so the result is the same
//! bits whatever the thread count, and the AVX-512 and AVX2 paths perform
//! the same operations in the same order (the same bits). The fallback
//! forms `s + t * t` without fused multiply-add, so it differs from them by
//! rounding only.
//!
//! In `f32` lanes, with `u = 2^-24`: a squared difference is within `3u` of
//! its exact value, the sum of `d` of them within `(d + 2) u`, the distance
//! (after `sqrt`) within `(d/2 + 2) u`, and the 16-term lane sum adds at most
//! `15 u`. So every tile sum, and hence each of the three pair sums of
//! MMD², is within `(d/2 + 17) u` (about `1.6e-6` at `d = 16`) of its exact
//! value, relatively. MMD² is a difference of such sums, so its absolute
//! error is at most `(d/2 + 17) u (S_xx/N² + S_yy/M² + 2 S_xy/(NM))`, where
//! the `S` are the pair sums of distances: about `4 (d/2 + 17) u` times the
//! mean distance. Its relative error is that divided by MMD², large when the
//! two samples are close compared with their spread. In `f64` lanes the same
//! bounds hold with `u = 2^-53`.
//!
//! # Range
//! The fast path is taken only when the scaled data (largest magnitude in
//! `[1/2, 1)`) have no non-zero magnitude below `2^-40` (`f32` lanes) or `2^-400`
//! (`f64`): then every non-zero difference of two coordinates is at least
//! `2^-63` (`2^-452`), its square is a normal number, no sum of squares
//! overflows, and a zero sum of squares means equal points. Data spanning a
//! wider range of magnitudes use the generic loop.

// The hot loops index fixed-width arrays by lane and row on purpose: that is
// the form LLVM vectorises (and unrolls) reliably.
#![allow(clippy::needless_range_loop)]

use rayon::prelude::*;

use crate::float::{sum_in_order, Float};
use crate::points::Points;

/// Lanes of one chunk of columns (one AVX-512 register of `f32`).
pub(crate) const L: usize = 16;
/// Columns per tile: each lane sums `TILE / L` terms in the compute type.
pub(crate) const TILE: usize = 256;
/// Rows per register block.
const R: usize = 4;
/// Rows per parallel work item.
pub(crate) const BLOCK: usize = 64;

/// The instruction set a loop is compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    /// Portable code, no fused multiply-add.
    Scalar,
    /// AVX2 with FMA.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Avx2,
    /// AVX-512F.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Avx512,
}

impl Isa {
    /// The best instruction set of this CPU.
    pub(crate) fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("fma")
            {
                return Isa::Avx512;
            }
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                return Isa::Avx2;
            }
        }
        Isa::Scalar
    }
}

/// One sample, scaled, in row-major and transposed layout.
pub(crate) struct Prepared<F> {
    n: usize,
    d: usize,
    /// `n x d`, row-major.
    rows: Vec<F>,
    /// `d x ld`, row `k` holds coordinate `k` of every point; zero padded.
    cols: Vec<F>,
    /// `n` rounded up to a multiple of [`L`].
    ld: usize,
}

impl<F: Float> Prepared<F> {
    fn new<D: Float>(p: &Points<'_, D>, scale: f64) -> Self {
        let (n, d) = (p.n(), p.d());
        let ld = n.div_ceil(L) * L;
        let rows: Vec<F> = p
            .as_slice()
            .iter()
            .map(|&v| F::from_f64(v.as_f64() * scale))
            .collect();
        let mut cols = vec![F::zero(); d * ld];
        for (i, row) in rows.chunks_exact(d).enumerate() {
            for (k, &v) in row.iter().enumerate() {
                cols[k * ld + i] = v;
            }
        }
        Prepared {
            n,
            d,
            rows,
            cols,
            ld,
        }
    }

    #[inline(always)]
    fn row(&self, i: usize) -> &[F] {
        &self.rows[i * self.d..(i + 1) * self.d]
    }
}

/// Both samples prepared for the fast loops in the compute type `F`
/// (which may be wider than the data type), and the instruction set.
pub(crate) struct Plan<F> {
    x: Prepared<F>,
    y: Prepared<F>,
    /// Multiply scaled distances by this to get distances of the data.
    unscale: f64,
    isa: Isa,
}

/// Smallest non-zero magnitude allowed after scaling (see the module docs).
fn floor_of<F: Float>() -> f64 {
    if F::epsilon().as_f64() > 1e-10 {
        2f64.powi(-40)
    } else {
        2f64.powi(-400)
    }
}

impl<F: Float> Plan<F> {
    /// Prepare `x` and `y`, or `None` if their range of magnitudes is too
    /// wide for the fast loops (see the module docs).
    pub(crate) fn new<D: Float>(x: &Points<'_, D>, y: &Points<'_, D>) -> Option<Self> {
        Self::with_isa(x, y, Isa::detect())
    }

    /// As [`Plan::new`], with a given instruction set.
    pub(crate) fn with_isa<D: Float>(
        x: &Points<'_, D>,
        y: &Points<'_, D>,
        isa: Isa,
    ) -> Option<Self> {
        let (mut hi, mut lo) = (0.0f64, f64::INFINITY);
        for &v in x.as_slice().iter().chain(y.as_slice()) {
            let a = v.as_f64().abs();
            if !a.is_finite() {
                return None;
            }
            hi = hi.max(a);
            if a > 0.0 {
                lo = lo.min(a);
            }
        }
        let e = if hi > 0.0 {
            (hi.log2().floor() as i32 + 1).clamp(-1000, 1000)
        } else {
            0
        };
        let scale = 2f64.powi(-e);
        if hi > 0.0 && lo * scale < floor_of::<F>() {
            return None;
        }
        Some(Plan {
            x: Prepared::new(x, scale),
            y: Prepared::new(y, scale),
            unscale: 2f64.powi(e),
            isa,
        })
    }

    /// `(Σ_i K(x_i,x_i), Σ_{i<k} K(x_i,x_k))`, the same for `y`, and
    /// `Σ_{i,j} K(x_i,y_j)`: the sums the estimator combines.
    pub(crate) fn sums(&self) -> ((f64, f64), (f64, f64), f64) {
        let wx = -self.unscale * within(self.isa, &self.x);
        let wy = -self.unscale * within(self.isa, &self.y);
        let sxy = -self.unscale * cross(self.isa, &self.x, &self.y);
        ((0.0, wx), (0.0, wy), sxy)
    }

    /// `(Σ_i K(y_i,y_i), Σ_{i<k} K(y_i,y_k))`.
    pub(crate) fn within_y(&self) -> (f64, f64) {
        (0.0, -self.unscale * within(self.isa, &self.y))
    }

    /// Write `∇_{x_i} V = -wxx Σ_k u(x_i - x_k) - wxy Σ_j u(x_i - y_j)` into
    /// `out` (`u(z) = z / ‖z‖`, `u(0) = 0`), and return
    /// `(Σ_{i<k} K(x_i,x_k), Σ_{i,j} K(x_i,y_j))`.
    pub(crate) fn grad<D: Float>(&self, wxx: f64, wxy: f64, out: &mut [D]) -> (f64, f64) {
        let d = self.x.d;
        let parts: Vec<(f64, f64)> = out
            .par_chunks_mut(BLOCK * d)
            .enumerate()
            .map(|(blk, chunk)| {
                let r0 = blk * BLOCK;
                let r1 = r0 + chunk.len() / d;
                let mut gx = vec![0.0f64; chunk.len()];
                let mut gy = vec![0.0f64; chunk.len()];
                let sx = grad_block(self.isa, &self.x, r0, r1, &self.x, &mut gx);
                let sy = grad_block(self.isa, &self.x, r0, r1, &self.y, &mut gy);
                for ((o, &a), &b) in chunk.iter_mut().zip(&gx).zip(&gy) {
                    *o = D::from_f64(-(wxx * a + wxy * b));
                }
                (sx, sy)
            })
            .collect();
        let ox = -0.5 * self.unscale * sum_in_order(parts.iter().map(|p| p.0));
        let sxy = -self.unscale * sum_in_order(parts.iter().map(|p| p.1));
        (ox, sxy)
    }
}

/// `Σ_{i<k} ‖a_i - a_k‖` (scaled units).
fn within<F: Float>(isa: Isa, a: &Prepared<F>) -> f64 {
    let n = a.n;
    let parts: Vec<f64> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let r0 = b * BLOCK;
            let r1 = (r0 + BLOCK).min(n);
            // The square block [r0, r1)² holds each pair twice (the pair
            // distance is the same bits either way) and zeros on its diagonal.
            0.5 * dist_sum(isa, a, r0, r1, a, r0, r1) + dist_sum(isa, a, r0, r1, a, r1, n)
        })
        .collect();
    sum_in_order(parts)
}

/// `Σ_{i,j} ‖a_i - b_j‖` (scaled units).
fn cross<F: Float>(isa: Isa, a: &Prepared<F>, b: &Prepared<F>) -> f64 {
    let n = a.n;
    let parts: Vec<f64> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|blk| {
            let r0 = blk * BLOCK;
            dist_sum(isa, a, r0, (r0 + BLOCK).min(n), b, 0, b.n)
        })
        .collect();
    sum_in_order(parts)
}

/// `Σ_{r0 <= i < r1, c0 <= j < c1} ‖a_i - b_j‖`, `c0` a multiple of [`L`].
pub(crate) fn dist_sum<F: Float>(
    isa: Isa,
    a: &Prepared<F>,
    r0: usize,
    r1: usize,
    b: &Prepared<F>,
    c0: usize,
    c1: usize,
) -> f64 {
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Isa::Avx512` is only produced where the CPU has AVX-512F,
        // AVX2 and FMA (see `Isa::detect`; tests construct it the same way).
        Isa::Avx512 => unsafe { dist_sum_avx512(a, r0, r1, b, c0, c1) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above, for AVX2 and FMA.
        Isa::Avx2 => unsafe { dist_sum_avx2(a, r0, r1, b, c0, c1) },
        _ => dist_sum_impl::<F, false>(a, r0, r1, b, c0, c1),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn dist_sum_avx512<F: Float>(
    a: &Prepared<F>,
    r0: usize,
    r1: usize,
    b: &Prepared<F>,
    c0: usize,
    c1: usize,
) -> f64 {
    dist_sum_impl::<F, true>(a, r0, r1, b, c0, c1)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dist_sum_avx2<F: Float>(
    a: &Prepared<F>,
    r0: usize,
    r1: usize,
    b: &Prepared<F>,
    c0: usize,
    c1: usize,
) -> f64 {
    dist_sum_impl::<F, true>(a, r0, r1, b, c0, c1)
}

/// The sums of squared differences of `RR` rows against columns
/// `j..j + L`.
#[inline(always)]
fn sq_chunk<F: Float, const RR: usize, const FMA: bool>(
    xs: &[&[F]; RR],
    b: &Prepared<F>,
    j: usize,
) -> [[F; L]; RR] {
    let d = b.d;
    let mut s = [[F::zero(); L]; RR];
    for k in 0..d {
        let base = k * b.ld + j;
        let yv: &[F; L] = b.cols[base..base + L].try_into().expect("padded");
        for r in 0..RR {
            let xv = xs[r][k];
            for l in 0..L {
                let t = xv - yv[l];
                s[r][l] = if FMA {
                    t.mul_add(t, s[r][l])
                } else {
                    s[r][l] + t * t
                };
            }
        }
    }
    s
}

/// The lanes of `v`, widened to `f64` and summed in a fixed tree order.
#[inline(always)]
fn hsum64<F: Float>(v: &[F; L]) -> f64 {
    let mut w = [0.0f64; L];
    for l in 0..L {
        w[l] = v[l].as_f64();
    }
    let mut h = L / 2;
    while h > 0 {
        for l in 0..h {
            w[l] += w[l + h];
        }
        h /= 2;
    }
    w[0]
}

#[inline(always)]
fn dist_sum_impl<F: Float, const FMA: bool>(
    a: &Prepared<F>,
    r0: usize,
    r1: usize,
    b: &Prepared<F>,
    c0: usize,
    c1: usize,
) -> f64 {
    let mut total = 0.0f64;
    if c0 >= c1 {
        return total;
    }
    let mut i = r0;
    while i + R <= r1 {
        let xs: [&[F]; R] = std::array::from_fn(|r| a.row(i + r));
        total += group_dist::<F, R, FMA>(&xs, b, c0, c1);
        i += R;
    }
    while i < r1 {
        total += group_dist::<F, 1, FMA>(&[a.row(i)], b, c0, c1);
        i += 1;
    }
    total
}

/// `Σ_r Σ_{c0 <= j < c1} ‖x_r - b_j‖` for `RR` rows.
#[inline(always)]
fn group_dist<F: Float, const RR: usize, const FMA: bool>(
    xs: &[&[F]; RR],
    b: &Prepared<F>,
    c0: usize,
    c1: usize,
) -> f64 {
    let mut total = 0.0f64;
    let mut t0 = c0;
    while t0 < c1 {
        let t1 = (t0 + TILE).min(c1);
        let mut acc = [[F::zero(); L]; RR];
        let mut j = t0;
        while j < t1 {
            let s = sq_chunk::<F, RR, FMA>(xs, b, j);
            if j + L <= t1 {
                for r in 0..RR {
                    for l in 0..L {
                        acc[r][l] = acc[r][l] + s[r][l].sqrt();
                    }
                }
            } else {
                let valid = t1 - j;
                for r in 0..RR {
                    for l in 0..L {
                        let v = if l < valid { s[r][l].sqrt() } else { F::zero() };
                        acc[r][l] = acc[r][l] + v;
                    }
                }
            }
            j += L;
        }
        for row in &acc {
            total += hsum64(row);
        }
        t0 = t1;
    }
    total
}

/// For rows `r0..r1` of `a`: `g[(i - r0) d + k] += Σ_j (a_ik - b_jk) / ‖a_i - b_j‖`
/// over all points `b_j` (zero terms where `a_i = b_j`); returns
/// `Σ_{i,j} ‖a_i - b_j‖` (scaled units).
fn grad_block<F: Float>(
    isa: Isa,
    a: &Prepared<F>,
    r0: usize,
    r1: usize,
    b: &Prepared<F>,
    g: &mut [f64],
) -> f64 {
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: see `dist_sum`.
        Isa::Avx512 => unsafe { grad_block_avx512(a, r0, r1, b, g) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: see `dist_sum`.
        Isa::Avx2 => unsafe { grad_block_avx2(a, r0, r1, b, g) },
        _ => grad_block_impl::<F, false>(a, r0, r1, b, g),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn grad_block_avx512<F: Float>(
    a: &Prepared<F>,
    r0: usize,
    r1: usize,
    b: &Prepared<F>,
    g: &mut [f64],
) -> f64 {
    grad_block_impl::<F, true>(a, r0, r1, b, g)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn grad_block_avx2<F: Float>(
    a: &Prepared<F>,
    r0: usize,
    r1: usize,
    b: &Prepared<F>,
    g: &mut [f64],
) -> f64 {
    grad_block_impl::<F, true>(a, r0, r1, b, g)
}

#[inline(always)]
fn grad_block_impl<F: Float, const FMA: bool>(
    a: &Prepared<F>,
    r0: usize,
    r1: usize,
    b: &Prepared<F>,
    g: &mut [f64],
) -> f64 {
    let d = a.d;
    let mut total = 0.0f64;
    let mut i = r0;
    while i + R <= r1 {
        let xs: [&[F]; R] = std::array::from_fn(|r| a.row(i + r));
        let gs = &mut g[(i - r0) * d..(i - r0 + R) * d];
        total += group_grad::<F, R, FMA>(&xs, b, gs);
        i += R;
    }
    while i < r1 {
        let gs = &mut g[(i - r0) * d..(i - r0 + 1) * d];
        total += group_grad::<F, 1, FMA>(&[a.row(i)], b, gs);
        i += 1;
    }
    total
}

/// [`grad_block_impl`] for a group of `RR` rows; `g` holds their `RR x d`
/// gradient sums.
#[inline(always)]
fn group_grad<F: Float, const RR: usize, const FMA: bool>(
    xs: &[&[F]; RR],
    b: &Prepared<F>,
    g: &mut [f64],
) -> f64 {
    let d = b.d;
    let mut total = 0.0f64;
    let mut inv = [[[F::zero(); L]; TILE / L]; RR];
    let mut t0 = 0;
    while t0 < b.n {
        let t1 = (t0 + TILE).min(b.n);
        let nc = (t1 - t0).div_ceil(L);
        // Pass 1: distances (summed) and inverse distances (kept).
        let mut acc = [[F::zero(); L]; RR];
        for c in 0..nc {
            let j = t0 + c * L;
            let s = sq_chunk::<F, RR, FMA>(xs, b, j);
            let valid = (t1 - j).min(L);
            for r in 0..RR {
                let (dv, iv) = dist_inv(&s[r], valid);
                for l in 0..L {
                    acc[r][l] = acc[r][l] + dv[l];
                }
                inv[r][c] = iv;
            }
        }
        for row in &acc {
            total += hsum64(row);
        }
        // Pass 2: Σ_j inv_j (x_k - y_jk) for each coordinate k.
        for k in 0..d {
            let gk = dir_sums::<F, RR, FMA>(xs, k, b, t0, nc, &inv);
            for r in 0..RR {
                g[r * d + k] += hsum64(&gk[r]);
            }
        }
        t0 = t1;
    }
    total
}

/// Distances and inverse distances of one chunk of sums of squares; both
/// zero for equal points (`s = 0`) and for padding lanes (`l >= valid`).
#[inline(always)]
fn dist_inv<F: Float>(s: &[F; L], valid: usize) -> ([F; L], [F; L]) {
    let mut dv = [F::zero(); L];
    let mut iv = [F::zero(); L];
    for l in 0..L {
        let t = s[l].sqrt();
        let live = s[l] > F::zero() && l < valid;
        dv[l] = if live { t } else { F::zero() };
        iv[l] = if live { F::one() / t } else { F::zero() };
    }
    (dv, iv)
}

/// `Σ_c inv[r][c] (x_rk - y_{c,k})` in lanes, over the `nc` chunks of the
/// tile starting at column `t0`.
#[inline(always)]
fn dir_sums<F: Float, const RR: usize, const FMA: bool>(
    xs: &[&[F]; RR],
    k: usize,
    b: &Prepared<F>,
    t0: usize,
    nc: usize,
    inv: &[[[F; L]; TILE / L]; RR],
) -> [[F; L]; RR] {
    let mut gk = [[F::zero(); L]; RR];
    let xv: [F; RR] = std::array::from_fn(|r| xs[r][k]);
    let base = k * b.ld + t0;
    for c in 0..nc {
        let yv: &[F; L] = b.cols[base + c * L..base + c * L + L]
            .try_into()
            .expect("padded");
        for r in 0..RR {
            let w = &inv[r][c];
            for l in 0..L {
                let t = xv[r] - yv[l];
                gk[r][l] = if FMA {
                    w[l].mul_add(t, gk[r][l])
                } else {
                    gk[r][l] + w[l] * t
                };
            }
        }
    }
    gk
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize, d: usize, seed: u64, shift: f64) -> Vec<f64> {
        // A small deterministic generator: enough spread for these checks.
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n * d)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0 + shift
            })
            .collect()
    }

    fn check_paths<F: Float>(n: usize, m: usize, d: usize, tol: f64) {
        let xs: Vec<F> = sample(n, d, 1, 0.0).into_iter().map(F::from_f64).collect();
        let ys: Vec<F> = sample(m, d, 2, 0.3).into_iter().map(F::from_f64).collect();
        let x = Points::new(&xs, n, d).unwrap();
        let y = Points::new(&ys, m, d).unwrap();
        let fast = Plan::<F>::new(&x, &y).unwrap();
        let slow = Plan::<F>::with_isa(&x, &y, Isa::Scalar).unwrap();
        let (a, b) = (fast.sums(), slow.sums());
        let close = |u: f64, v: f64| (u - v).abs() <= tol * u.abs().max(v.abs()).max(1e-300);
        assert!(close(a.0 .1, b.0 .1), "{a:?} {b:?}");
        assert!(close(a.1 .1, b.1 .1), "{a:?} {b:?}");
        assert!(close(a.2, b.2), "{a:?} {b:?}");
        let (mut ga, mut gb) = (vec![F::zero(); n * d], vec![F::zero(); n * d]);
        let va = fast.grad(0.5, -0.25, &mut ga);
        let vb = slow.grad(0.5, -0.25, &mut gb);
        assert!(close(va.0, vb.0) && close(va.1, vb.1), "{va:?} {vb:?}");
        let scale = gb.iter().map(|v| v.as_f64().abs()).fold(0.0, f64::max);
        for (p, q) in ga.iter().zip(&gb) {
            assert!((p.as_f64() - q.as_f64()).abs() <= tol * scale, "{p} {q}");
        }
    }

    #[test]
    fn fallback_agrees_with_the_detected_path() {
        for &(n, m, d) in &[(1, 1, 1), (37, 5, 1), (70, 300, 16), (130, 17, 37)] {
            check_paths::<f32>(n, m, d, 2e-5);
            check_paths::<f64>(n, m, d, 1e-13);
        }
    }

    #[test]
    fn f32_data_in_f64_lanes_match_f64_data() {
        let (n, m, d) = (70, 90, 16);
        let xs: Vec<f32> = sample(n, d, 5, 0.0).into_iter().map(|v| v as f32).collect();
        let ys: Vec<f32> = sample(m, d, 6, 0.2).into_iter().map(|v| v as f32).collect();
        let (x64, y64): (Vec<f64>, Vec<f64>) = (
            xs.iter().map(|&v| v as f64).collect(),
            ys.iter().map(|&v| v as f64).collect(),
        );
        let a = Plan::<f64>::new(
            &Points::new(&xs, n, d).unwrap(),
            &Points::new(&ys, m, d).unwrap(),
        );
        let b = Plan::<f64>::new(
            &Points::new(&x64, n, d).unwrap(),
            &Points::new(&y64, m, d).unwrap(),
        );
        assert_eq!(a.unwrap().sums(), b.unwrap().sums());
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_and_avx512_give_the_same_bits() {
        if Isa::detect() != Isa::Avx512 {
            return;
        }
        let (n, m, d) = (90, 260, 19);
        let xs: Vec<f32> = sample(n, d, 3, 0.0).into_iter().map(|v| v as f32).collect();
        let ys: Vec<f32> = sample(m, d, 4, 0.1).into_iter().map(|v| v as f32).collect();
        let x = Points::new(&xs, n, d).unwrap();
        let y = Points::new(&ys, m, d).unwrap();
        let p512 = Plan::<f32>::with_isa(&x, &y, Isa::Avx512).unwrap();
        let p2 = Plan::<f32>::with_isa(&x, &y, Isa::Avx2).unwrap();
        assert_eq!(p512.sums(), p2.sums());
        let (mut ga, mut gb) = (vec![0.0f32; n * d], vec![0.0f32; n * d]);
        assert_eq!(p512.grad(0.1, -0.2, &mut ga), p2.grad(0.1, -0.2, &mut gb));
        assert_eq!(ga, gb);
    }

    #[test]
    fn too_wide_a_range_is_refused() {
        let xs = [1e30f32, 1e-30];
        let x = Points::new(&xs, 2, 1).unwrap();
        assert!(Plan::<f32>::new(&x, &x).is_none());
        let xs = [1e30f32, 0.0, 3e29];
        let x = Points::new(&xs, 3, 1).unwrap();
        assert!(Plan::<f32>::new(&x, &x).is_some());
        // In f64 lanes, f32 data of any range are accepted.
        let xs = [1e30f32, 1e-30];
        let x = Points::new(&xs, 2, 1).unwrap();
        assert!(Plan::<f64>::new(&x, &x).is_some());
    }
}
