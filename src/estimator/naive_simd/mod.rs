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
//!
//! # Files
//! This file holds what both kinds of loop share: the prepared samples
//! ([`Prepared`], [`Plan`]), the instruction set, the block sizes and the
//! chunk of squared differences; `value.rs` holds the distance sums
//! (MMD² itself), `grad.rs` the gradient loops.

// The hot loops index fixed-width arrays by lane and row on purpose: that is
// the form LLVM vectorises (and unrolls) reliably.
#![allow(clippy::needless_range_loop)]

mod grad;
mod value;

use crate::float::{Float, Precision};
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
    if F::PRECISION == Precision::Single {
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

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn sample(n: usize, d: usize, seed: u64, shift: f64) -> Vec<f64> {
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

    /// The same two samples (`x` from `seeds[0]`, `y` from `seeds[1]`
    /// shifted by `shift`, both in `F`) prepared for the instruction sets
    /// `isas[0]` and `isas[1]`.
    pub(super) fn plans<F: Float>(
        (n, m, d): (usize, usize, usize),
        seeds: [u64; 2],
        shift: f64,
        isas: [Isa; 2],
    ) -> [Plan<F>; 2] {
        let xs: Vec<F> = sample(n, d, seeds[0], 0.0)
            .into_iter()
            .map(F::from_f64)
            .collect();
        let ys: Vec<F> = sample(m, d, seeds[1], shift)
            .into_iter()
            .map(F::from_f64)
            .collect();
        let x = Points::new(&xs, n, d).unwrap();
        let y = Points::new(&ys, m, d).unwrap();
        isas.map(|isa| Plan::<F>::with_isa(&x, &y, isa).unwrap())
    }

    /// The shapes the detected loop and the portable loop are compared on.
    pub(super) const SHAPES: [(usize, usize, usize); 4] =
        [(1, 1, 1), (37, 5, 1), (70, 300, 16), (130, 17, 37)];

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
