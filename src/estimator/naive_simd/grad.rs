//! The gradient loops: `Σ_j (a_i - b_j) / ‖a_i - b_j‖` per row, with the
//! distance sum as a by-product (see the parent module for the layout,
//! the accumulation order and the rounding).

// Index loops over fixed-width arrays are the form LLVM vectorises.
#![allow(clippy::needless_range_loop)]

use rayon::prelude::*;

use super::{hsum64, sq_chunk, Isa, Plan, Prepared, BLOCK, L, R, TILE};
use crate::float::{sum_in_order, Float};

impl<F: Float> Plan<F> {
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
    use super::super::tests::{plans, SHAPES};
    use super::*;

    fn check_grad<F: Float>((n, m, d): (usize, usize, usize), tol: f64) {
        let [fast, slow] = plans::<F>((n, m, d), [1, 2], 0.3, [Isa::detect(), Isa::Scalar]);
        let close = |u: f64, v: f64| (u - v).abs() <= tol * u.abs().max(v.abs()).max(1e-300);
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
        for shape in SHAPES {
            check_grad::<f32>(shape, 2e-5);
            check_grad::<f64>(shape, 1e-13);
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_and_avx512_give_the_same_bits() {
        if Isa::detect() != Isa::Avx512 {
            return;
        }
        let (n, d) = (90, 19);
        let [p512, p2] = plans::<f32>((n, 260, d), [3, 4], 0.1, [Isa::Avx512, Isa::Avx2]);
        let (mut ga, mut gb) = (vec![0.0f32; n * d], vec![0.0f32; n * d]);
        assert_eq!(p512.grad(0.1, -0.2, &mut ga), p2.grad(0.1, -0.2, &mut gb));
        assert_eq!(ga, gb);
    }
}
