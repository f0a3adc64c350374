//! The exact estimator: all pairs, in parallel blocks of rows.
//!
//! Invariants: no `N x M` matrix is ever stored; each block of `BLOCK` rows
//! produces its partial sums in `f64`, and the blocks are folded in index
//! order, so the result is the same bits whatever the thread count.

use rayon::prelude::*;

use super::naive_simd::Plan;
use super::{check_buffer, check_finite, MmdEstimator, Reseed, Shortcut};
use crate::error::Result;
use crate::float::{sum_in_order, Float, Precision};
use crate::kernel::Kernel;
use crate::points::{check_pair, Points};
use crate::statistic::{check_statistic, Estimate, Statistic, Within};

/// Rows per parallel work item.
const BLOCK: usize = 64;

/// The exact MMD² estimator for any kernel:
///
/// ```text
/// V = 1/N² Σ_{i,k} K(x_i,x_k) + 1/M² Σ_{j,l} K(y_j,y_l) - 2/(NM) Σ_{i,j} K(x_i,y_j)
/// ```
///
/// (the U-statistic drops the diagonal terms and divides by `N(N-1)` and
/// `M(M-1)`), and the gradient
/// `∇_{x_i} V = 2/N² Σ_k ∇₁K(x_i,x_k) - 2/(NM) Σ_j ∇₁K(x_i,y_j)`.
///
/// Cost: `O((N+M)² d)`: `N²/2 + M²/2 + N M` kernel evaluations for the
/// value (the within-sample sums use symmetry), `N² + N M` more for the
/// gradient, spread over all threads of the current rayon pool; memory
/// `O((N+M) d)`. Sums are accumulated in `f64` and folded in a fixed order,
/// so results are the same bits whatever the thread count.
///
/// **Energy kernel fast path.** For the Riesz kernel with `r = 1` the pairs
/// go through a blocked loop over tiles of rows and columns that the
/// compiler vectorises (AVX-512 or AVX2 + FMA where the CPU has them,
/// detected at run time; portable code otherwise), with the differences
/// `x_i - y_j` formed directly, distances and sums in `f64` (`f32` data are
/// widened, exactly, so `f32` and `f64` data give the same value): the
/// result is exact to `f64` rounding, as before, and the same bits on every
/// instruction set with FMA. [`Naive::with_arithmetic`] with
/// [`Arithmetic::DataType`] computes the distances of `f32` data in `f32`
/// instead, about twice as fast, at the error bound given there. Data whose
/// non-zero magnitudes span more than `2^400` keep the generic loop
/// (overflow-safe distances). Other kernels and `r ≠ 1` use the generic
/// loop, one `f64` kernel evaluation per pair.
///
/// For the Riesz kernel with `r = 1`, the V-statistic is the energy
/// distance: `dcor.energy_distance(x, y)` gives the same number, and the
/// `dcor`/R `energy` test statistic is `N M / (N + M)` times it.
///
/// # Examples
/// ```
/// use sliced_mmd::{MmdEstimator, Naive, Points, Riesz};
/// let x = Points::from_1d(&[0.0, 1.0])?;
/// let y = Points::from_1d(&[1.0, 2.0])?;
/// // 2 E|X-Y| - E|X-X'| - E|Y-Y'| = 2 * 1 - 1/2 - 1/2
/// assert_eq!(Naive::new(Riesz::energy()).mmd2(&x, &y)?, 1.0);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Naive<K> {
    kernel: K,
    arithmetic: Arithmetic,
}

/// The type in which the exact estimator's energy-kernel loop forms
/// differences, squares and distances (Riesz kernel with `r = 1` only; the
/// generic loop of every other kernel evaluates in `f64`).
///
/// Whatever the choice, each lane adds at most 16 distances in this type
/// before the sums go on in `f64`, in a fixed order (the same bits whatever
/// the thread count).
///
/// # Examples
/// ```
/// use sliced_mmd::{Arithmetic, MmdEstimator, Naive, Points, Riesz};
/// let xs: Vec<f32> = (0..64).map(|i| (i as f32 * 0.37).sin()).collect();
/// let ys: Vec<f32> = (0..64).map(|i| (i as f32 * 0.53).cos()).collect();
/// let (x, y) = (Points::new(&xs, 32, 2)?, Points::new(&ys, 32, 2)?);
/// let exact = Naive::new(Riesz::energy()).mmd2(&x, &y)?;
/// let fast = Naive::new(Riesz::energy())
///     .with_arithmetic(Arithmetic::DataType)
///     .mmd2(&x, &y)?;
/// // Each of the three pair sums is within (d/2 + 17) 2^-24 of exact,
/// // relatively (d = 2). The points lie in [-1, 1]², so no distance exceeds
/// // 2√2, and the mean distances, weighted 1, 1 and 2, add up to at most
/// // 4 · 2√2.
/// let bound = (2.0 / 2.0 + 17.0) * 2f64.powi(-24) * 4.0 * 8f64.sqrt();
/// assert!((fast - exact).abs() <= bound); // bound ≈ 1.2e-5, MMD² ≈ 0.02
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Arithmetic {
    /// `f64` whatever the data type (the default): `f32` data are widened
    /// exactly, so `f32` and `f64` data give the same value, exact to `f64`
    /// rounding.
    #[default]
    F64,
    /// The data type: for `f32` data, `f32` lanes, twice as many per
    /// register, about twice as fast (`cargo bench --bench naive`). Each of
    /// the three pair sums of MMD² is then within `(d/2 + 17) 2^-24` of its
    /// exact value relatively, so MMD² is within about `4 (d/2 + 17) 2^-24`
    /// times the mean distance: fine for a test statistic of well separated
    /// samples, coarse relative to MMD² itself when the samples are close.
    /// Gradient terms carry `f32` rounding likewise. `f32` data whose
    /// non-zero magnitudes span more than `2^40` (after scaling) use `f64`
    /// lanes; for `f64` data this is the same as [`Arithmetic::F64`].
    DataType,
}

impl<K> Naive<K> {
    /// The exact estimator for `kernel`, with `f64` arithmetic.
    pub fn new(kernel: K) -> Self {
        Naive {
            kernel,
            arithmetic: Arithmetic::F64,
        }
    }

    /// The arithmetic of the energy-kernel loop (see [`Arithmetic`];
    /// default [`Arithmetic::F64`]).
    #[must_use]
    pub fn with_arithmetic(mut self, arithmetic: Arithmetic) -> Self {
        self.arithmetic = arithmetic;
        self
    }

    /// The kernel.
    pub fn kernel(&self) -> &K {
        &self.kernel
    }

    /// The arithmetic of the energy-kernel loop.
    pub fn arithmetic(&self) -> Arithmetic {
        self.arithmetic
    }
}

/// The prepared energy-kernel loops in `f64` or `f32` lanes.
enum EnergyPlan {
    Wide(Plan<f64>),
    Narrow(Plan<f32>),
}

impl EnergyPlan {
    fn sums(&self) -> ((f64, f64), (f64, f64), f64) {
        match self {
            EnergyPlan::Wide(p) => p.sums(),
            EnergyPlan::Narrow(p) => p.sums(),
        }
    }

    fn within_y(&self) -> (f64, f64) {
        match self {
            EnergyPlan::Wide(p) => p.within_y(),
            EnergyPlan::Narrow(p) => p.within_y(),
        }
    }

    fn grad<D: Float>(&self, wxx: f64, wxy: f64, out: &mut [D]) -> (f64, f64) {
        match self {
            EnergyPlan::Wide(p) => p.grad(wxx, wxy, out),
            EnergyPlan::Narrow(p) => p.grad(wxx, wxy, out),
        }
    }
}

/// `(Σ_i K(a_i, a_i), Σ_{i<k} K(a_i, a_k))` over one sample.
fn within<F: Float, K: Kernel<F>>(k: &K, a: &Points<'_, F>) -> (f64, f64) {
    let n = a.n();
    let parts: Vec<(f64, f64)> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let (mut diag, mut off) = (0.0, 0.0);
            for i in b * BLOCK..((b + 1) * BLOCK).min(n) {
                let ai = a.row(i);
                diag += k.eval(ai, ai);
                for kk in i + 1..n {
                    off += k.eval(ai, a.row(kk));
                }
            }
            (diag, off)
        })
        .collect();
    (
        sum_in_order(parts.iter().map(|p| p.0)),
        sum_in_order(parts.iter().map(|p| p.1)),
    )
}

/// `Σ_{i,j} K(a_i, b_j)`.
fn cross<F: Float, K: Kernel<F>>(k: &K, a: &Points<'_, F>, b: &Points<'_, F>) -> f64 {
    let n = a.n();
    let parts: Vec<f64> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|blk| {
            let mut s = 0.0;
            for i in blk * BLOCK..((blk + 1) * BLOCK).min(n) {
                let ai = a.row(i);
                for bj in b.rows() {
                    s += k.eval(ai, bj);
                }
            }
            s
        })
        .collect();
    sum_in_order(parts)
}

/// MMD² from the within-sample sums `(Σ diag, Σ_{i<k})` of X and of Y and
/// the cross sum.
fn combine(
    stat: Statistic,
    n: usize,
    m: usize,
    (dx, ox): (f64, f64),
    (dy, oy): (f64, f64),
    sxy: f64,
) -> f64 {
    let means = |diag: f64, half_off: f64, n: usize| {
        let nf = n as f64;
        Within {
            all: (diag + 2.0 * half_off) / (nf * nf),
            diag: diag / nf,
        }
    };
    stat.of_pair_sums(n, m, means(dx, ox, n), means(dy, oy, m), sxy)
}

impl<K> Naive<K> {
    /// The prepared fast loops, for the energy kernel on data of a moderate
    /// range of magnitudes.
    fn energy_plan<F: Float>(&self, x: &Points<'_, F>, y: &Points<'_, F>) -> Option<EnergyPlan>
    where
        K: Kernel<F>,
    {
        if self.kernel.riesz_exponent() != Some(1.0) {
            return None;
        }
        if self.arithmetic == Arithmetic::DataType && F::PRECISION == Precision::Single {
            if let Some(plan) = Plan::<f32>::new(x, y) {
                return Some(EnergyPlan::Narrow(plan));
            }
            // too wide a range of magnitudes for f32 lanes: f64 lanes
        }
        Plan::<f64>::new(x, y).map(EnergyPlan::Wide)
    }
}

impl<K> Reseed for Naive<K> {
    /// Nothing to re-seed: the exact estimator draws nothing.
    fn reseed(&mut self, _seed: u64) {}
}

impl<F: Float, K: Kernel<F>> MmdEstimator<F> for Naive<K> {
    fn name(&self) -> &'static str {
        "naive"
    }

    fn shortcut(&self) -> Shortcut<'_, F> {
        Shortcut::PairSums(&self.kernel)
    }

    fn estimate(&self, x: &Points<'_, F>, y: &Points<'_, F>, stat: Statistic) -> Result<Estimate> {
        check_pair(x, y)?;
        self.kernel.check_dim(x.d())?;
        check_statistic(stat, x.n(), y.n())?;
        if let Some(plan) = self.energy_plan(x, y) {
            let (wx, wy, sxy) = plan.sums();
            let mmd2 = combine(stat, x.n(), y.n(), wx, wy, sxy);
            return Ok(Estimate {
                mmd2: check_finite::<F>("naive", mmd2, &[])?,
                std_error: None,
            });
        }
        let wx = within(&self.kernel, x);
        let wy = within(&self.kernel, y);
        let sxy = cross(&self.kernel, x, y);
        let mmd2 = combine(stat, x.n(), y.n(), wx, wy, sxy);
        Ok(Estimate {
            mmd2: check_finite::<F>("naive", mmd2, &[])?,
            std_error: None,
        })
    }

    fn grad_into(&self, x: &Points<'_, F>, y: &Points<'_, F>, out: &mut [F]) -> Result<f64> {
        check_pair(x, y)?;
        self.kernel.check_dim(x.d())?;
        let (n, m, d) = (x.n(), y.n(), x.d());
        check_buffer(out.len(), n, d)?;
        let (nf, mf) = (n as f64, m as f64);
        let (wxx, wxy) = (2.0 / (nf * nf), -2.0 / (nf * mf));
        let k = &self.kernel;
        if let Some(plan) = self.energy_plan(x, y) {
            let (ox, sxy) = plan.grad(wxx, wxy, out);
            let wy = plan.within_y();
            let v = combine(Statistic::V, n, m, (0.0, ox), wy, sxy);
            return check_finite("naive", v, out);
        }
        // Per block: (Σ diag, Σ_{i != k} K(x_i, x_k), Σ K(x_i, y_j)).
        let parts: Vec<(f64, f64, f64)> = out
            .par_chunks_mut(BLOCK * d)
            .enumerate()
            .map(|(blk, chunk)| {
                let mut g = vec![0.0f64; d];
                let (mut diag, mut off, mut sxy) = (0.0, 0.0, 0.0);
                for (r, orow) in chunk.chunks_exact_mut(d).enumerate() {
                    let i = blk * BLOCK + r;
                    let xi = x.row(i);
                    g.iter_mut().for_each(|v| *v = 0.0);
                    for (kk, xk) in x.rows().enumerate() {
                        let kv = k.eval(xi, xk);
                        if kk == i {
                            diag += kv;
                        } else {
                            off += kv;
                        }
                        k.grad_acc(xi, xk, wxx, &mut g);
                    }
                    for yj in y.rows() {
                        sxy += k.eval(xi, yj);
                        k.grad_acc(xi, yj, wxy, &mut g);
                    }
                    for (o, &v) in orow.iter_mut().zip(&g) {
                        *o = F::from_f64(v);
                    }
                }
                (diag, off, sxy)
            })
            .collect();
        let dx = sum_in_order(parts.iter().map(|p| p.0));
        let ox = 0.5 * sum_in_order(parts.iter().map(|p| p.1));
        let sxy = sum_in_order(parts.iter().map(|p| p.2));
        let wy = within(k, y);
        check_finite("naive", combine(Statistic::V, n, m, (dx, ox), wy, sxy), out)
    }
}
