//! The distance sums: `Σ ‖a_i - b_j‖` over blocks of rows and tiles of
//! columns, the three pair sums of MMD² (see the parent module for the
//! layout, the accumulation order and the rounding).

// Index loops over fixed-width arrays are the form LLVM vectorises.
#![allow(clippy::needless_range_loop)]

use rayon::prelude::*;

use super::{hsum64, sq_chunk, Isa, Plan, Prepared, BLOCK, L, R, TILE};
use crate::float::{sum_in_order, Float};

impl<F: Float> Plan<F> {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{plans, sample, SHAPES};
    use super::*;
    use crate::points::Points;

    fn check_sums<F: Float>(shape: (usize, usize, usize), tol: f64) {
        let [fast, slow] = plans::<F>(shape, [1, 2], 0.3, [Isa::detect(), Isa::Scalar]);
        let (a, b) = (fast.sums(), slow.sums());
        let close = |u: f64, v: f64| (u - v).abs() <= tol * u.abs().max(v.abs()).max(1e-300);
        assert!(close(a.0 .1, b.0 .1), "{a:?} {b:?}");
        assert!(close(a.1 .1, b.1 .1), "{a:?} {b:?}");
        assert!(close(a.2, b.2), "{a:?} {b:?}");
    }

    #[test]
    fn fallback_agrees_with_the_detected_path() {
        for shape in SHAPES {
            check_sums::<f32>(shape, 2e-5);
            check_sums::<f64>(shape, 1e-13);
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
        let [p512, p2] = plans::<f32>((90, 260, 19), [3, 4], 0.1, [Isa::Avx512, Isa::Avx2]);
        assert_eq!(p512.sums(), p2.sums());
    }
}
