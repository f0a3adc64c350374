//! The random-feature estimator: Fourier features for the Gaussian and
//! Laplace kernels, (direction, threshold) indicator features for the
//! energy kernel.
//!
//! Invariants: feature `k` is drawn from its own substream of the seed, so
//! the features do not depend on the chunking; features are processed in
//! chunks of `chunk`, each feature's sums are sequential `f64` loops and the
//! matrix products have fixed blocks (see `gemm`), so the result is the same
//! bits whatever the thread count. Working memory `O((N+M) chunk + chunk d)`
//! (plus `D d` for the directions of the energy kernel).

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use super::{check_buffer, check_chunk, check_finite, MmdEstimator, Reseed, SlicedSort};
use crate::directions::Directions;
use crate::error::{MmdError, Result};
use crate::float::Float;
use crate::kernel::AnyKernel;
use crate::linalg;
use crate::points::{check_pair, Points};
use crate::rng::{substream, Rng};
use crate::special::slicing_constant;
use crate::statistic::{check_statistic, Estimate, Statistic, Within};

/// Default number of features `D` (used by [`super::Estimator::auto`]).
pub const DEFAULT_FEATURES: usize = 1024;

/// Features processed together.
const CHUNK: usize = 64;

/// First substream of the thresholds of the energy features (the
/// directions use streams `0..D`, as [`Directions::iid`]).
const THRESHOLD_STREAM: u64 = 1 << 63;

/// The kernels with a feature representation.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Family {
    Gaussian { sigma: f64 },
    Laplace { sigma: f64 },
    Energy,
}

/// The random-feature MMD² estimator.
///
/// `D` is the number of random draws: frequencies `ω_k` (each giving a
/// `cos`/`sin` pair) or (direction, threshold) pairs.
///
/// # Formula
///
/// **Gaussian and Laplace** (random Fourier features). By Bochner's
/// theorem `K(x,y) = E_ω cos(<ω, x-y>)` with `ω` drawn from the kernel's
/// spectral density:
///
/// * Gaussian `exp(-‖x-y‖²/(2σ²))`: `ω ~ N(0, I/σ²)`;
/// * Laplace `exp(-‖x-y‖/σ)` on `R^d`: the Fourier transform is
///   `∝ (1 + σ²‖ω‖²)^{-(d+1)/2}`, the multivariate Cauchy (Student t with one
///   degree of freedom, scale `1/σ`), drawn as `ω = z / (σ |g|)` with
///   `z ~ N(0, I_d)`, `g ~ N(0, 1)` (one `g` for all coordinates).
///
/// With `C_X(ω) = 1/N Σ_i cos<ω,x_i>`, `S_X(ω) = 1/N Σ_i sin<ω,x_i>` (and
/// likewise for Y), the per-feature term
/// `T(ω) = (C_X - C_Y)² + (S_X - S_Y)²` is `‖mean φ(X) - mean φ(Y)‖²` for the
/// feature map `φ = (cos<ω,·>, sin<ω,·>)`, and expands into
/// `1/N² Σ cos<ω,x_i-x_k> + 1/M² Σ cos<ω,y_j-y_l> - 2/(NM) Σ cos<ω,x_i-y_j>`:
/// its expectation over `ω` is exactly the V-statistic of `K` on the given
/// samples. The estimate is the mean of `T(ω_k)` over the `D` features. The
/// U-statistic term removes the diagonal:
/// `(N (C_X²+S_X²) - 1)/(N-1) + (M (C_Y²+S_Y²) - 1)/(M-1) - 2 (C_X C_Y + S_X S_Y)`,
/// unbiased for the U-statistic of `K`. The gradient is the exact gradient
/// of the feature estimate,
/// `∇_{x_i} = 1/D Σ_k 2/N ((S_X-S_Y) cos<ω_k,x_i> - (C_X-C_Y) sin<ω_k,x_i>) ω_k`,
/// unbiased for the gradient of the V-statistic.
///
/// **Riesz, `r = 1`** (energy distance). By the slicing theorem and the 1-D
/// identity `MMD²_1D = 2 ∫ (F_μ - F_ν)²`,
/// `MMD² = 2/c_{d,1} E_ξ ∫ (F^ξ_μ(t) - F^ξ_ν(t))² dt`. Feature `k` is an iid
/// uniform direction `ξ_k` and a threshold `t_k` uniform on the pooled range
/// `[a_k, b_k]` of the projections `<ξ_k, ·>` (outside it `F_μ = F_ν`), with
/// importance weight `b_k - a_k`:
/// `T_k = 2/c_{d,1} (b_k - a_k) (F_X(t_k) - F_Y(t_k))²` with the indicator
/// features `1{<ξ_k, x> ≤ t_k}`, an unbiased estimate of the V-statistic
/// (U-statistic: `F_X²` replaced by `(N F_X² - F_X)/(N-1)`, likewise for Y).
/// Indicators have a zero derivative almost everywhere, so the gradient
/// integrates the threshold out exactly: it is the sliced-sort gradient of
/// the same directions ([`SlicedSort`]), `O(D (N+M)(d + log(N+M)))`;
/// [`MmdEstimator::grad_into`] still returns the threshold-feature value, the
/// same as [`MmdEstimator::estimate`].
///
/// **Riesz, `r ≠ 1`**: not supported ([`MmdError::Unsupported`]). The
/// threshold representation is special to `r = 1`, and the spectral measure
/// of `-‖x‖^r` (`∝ ‖ω‖^{-d-r}`) is infinite, so it cannot be sampled; use
/// [`SlicedSort`] or [`super::Naive`].
///
/// The standard error comes from the `D` per-feature terms, which are
/// independent given the samples (each feature is its own block):
/// their spread over `√D`.
///
/// Cost `O(D (N+M) d)` (two matrix products and `D (N+M)` sines and
/// cosines); memory `O((N+M) chunk + chunk d)` per chunk of features.
///
/// # Examples
/// ```
/// use sliced_mmd::estimator::RandomFeatures;
/// use sliced_mmd::{Gaussian, MmdEstimator, Naive, Points};
/// let x: Vec<f64> = (0..200).map(|i| (i as f64 * 0.37).sin()).collect();
/// let y: Vec<f64> = (0..200).map(|i| (i as f64 * 0.53).cos() + 0.5).collect();
/// let (x, y) = (Points::new(&x, 100, 2)?, Points::new(&y, 100, 2)?);
/// let k = Gaussian::new(1.0)?;
/// let exact = Naive::new(k).mmd2(&x, &y)?;
/// let est = RandomFeatures::new(k, 4000)?.with_seed(3).estimate(&x, &y, Default::default())?;
/// assert!((est.mmd2 - exact).abs() < 5.0 * est.std_error.unwrap());
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RandomFeatures {
    kernel: AnyKernel,
    family: Family,
    features: usize,
    seed: u64,
    chunk: usize,
}

impl RandomFeatures {
    /// `features` random features for `kernel`, drawn from seed 0 (see
    /// [`RandomFeatures::with_seed`]).
    ///
    /// # Errors
    /// [`MmdError::InvalidCount`] if `features = 0`; [`MmdError::Unsupported`]
    /// for a Riesz kernel with `r ≠ 1` or a sliced kernel.
    pub fn new(kernel: impl Into<AnyKernel>, features: usize) -> Result<Self> {
        let kernel = kernel.into();
        if features == 0 {
            return Err(MmdError::InvalidCount {
                what: "number of features D",
                value: 0,
                min: 1,
            });
        }
        match &kernel {
            AnyKernel::Riesz(k) if k.r() != 1.0 => Err(MmdError::Unsupported {
                estimator: "features",
                what: "Riesz kernels with r != 1 (only r = 1 has threshold features; use the sliced or naive estimator)",
            }),
            _ => Self::from_parts(kernel, features).ok_or(MmdError::Unsupported {
                estimator: "features",
                what: "this kernel (only gaussian, laplace and riesz with r = 1)",
            }),
        }
    }

    /// The estimator for a kernel with a feature family (`None` for the
    /// others), without checking `features`.
    pub(crate) fn from_parts(kernel: AnyKernel, features: usize) -> Option<Self> {
        let family = match &kernel {
            AnyKernel::Gaussian(k) => Family::Gaussian { sigma: k.sigma() },
            AnyKernel::Laplace(k) => Family::Laplace { sigma: k.sigma() },
            AnyKernel::Riesz(k) if k.r() == 1.0 => Family::Energy,
            _ => return None,
        };
        Some(RandomFeatures {
            kernel,
            family,
            features,
            seed: 0,
            chunk: CHUNK,
        })
    }

    /// The seed of the features (default 0).
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Features processed together (default 64); memory grows linearly
    /// with it. A chunk size of 0 is reported by the methods that compute
    /// ([`MmdError::InvalidCount`]).
    #[must_use]
    pub fn with_chunk_size(mut self, chunk: usize) -> Self {
        self.chunk = chunk;
        self
    }

    /// The seed of the features.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Features processed together.
    pub fn chunk_size(&self) -> usize {
        self.chunk
    }

    /// Check the settings that the setters do not check.
    fn check_settings(&self) -> Result<()> {
        check_chunk(self.chunk)
    }

    /// Number of features `D`.
    pub fn features(&self) -> usize {
        self.features
    }

    /// The kernel.
    pub fn kernel(&self) -> &AnyKernel {
        &self.kernel
    }

    /// The frequencies `ω_1..ω_D` (row-major `D x d`) used on data of
    /// dimension `d`, for the Gaussian and Laplace kernels: with them the
    /// estimate is exactly the MMD² of the kernel `1/D Σ_k cos<ω_k, x-y>`.
    ///
    /// # Errors
    /// [`MmdError::ZeroDimension`] for `d = 0`; [`MmdError::Unsupported`]
    /// for the energy kernel (whose features are directions and thresholds).
    pub fn frequencies(&self, d: usize) -> Result<Vec<f64>> {
        if d == 0 {
            return Err(MmdError::ZeroDimension);
        }
        if self.family == Family::Energy {
            return Err(MmdError::Unsupported {
                estimator: "features",
                what:
                    "frequencies for the riesz kernel (its features are directions and thresholds)",
            });
        }
        let mut w = vec![0.0; self.features * d];
        self.draw_frequencies(0, d, &mut w);
        Ok(w)
    }

    /// Frequencies `start..start + out.len()/d` into `out`.
    fn draw_frequencies(&self, start: usize, d: usize, out: &mut [f64]) {
        let family = self.family;
        out.par_chunks_mut(d).enumerate().for_each(|(k, row)| {
            let mut rng = substream(self.seed, (start + k) as u64);
            for v in row.iter_mut() {
                *v = StandardNormal.sample(&mut rng);
            }
            let scale = match family {
                Family::Gaussian { sigma } => 1.0 / sigma,
                Family::Laplace { sigma } => 1.0 / (sigma * nonzero_normal(&mut rng).abs()),
                Family::Energy => unreachable!("energy features have no frequencies"),
            };
            row.iter_mut().for_each(|v| *v *= scale);
        });
    }

    /// Per-feature terms of `stat`; with `grad`, the gradient of the V
    /// estimate is written there (Fourier features only).
    fn fourier<F: Float>(
        &self,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        stat: Statistic,
        mut grad: Option<&mut [F]>,
    ) -> Vec<f64> {
        let (n, m, d) = (x.n(), y.n(), x.d());
        let l = n + m;
        let (nf, mf) = (n as f64, m as f64);
        let big_d = self.features;
        let chunk = self.chunk.min(big_d);
        let mut w = vec![0.0f64; chunk * d];
        let mut wf = vec![F::zero(); chunk * d];
        let mut proj = vec![F::zero(); chunk * l];
        let mut coef = if grad.is_some() {
            vec![F::zero(); chunk * n]
        } else {
            Vec::new()
        };
        if let Some(g) = grad.as_deref_mut() {
            g.iter_mut().for_each(|v| *v = F::zero());
        }
        let gscale = 2.0 / (nf * big_d as f64);
        let mut terms = Vec::with_capacity(big_d);
        let mut start = 0;
        while start < big_d {
            let end = (start + chunk).min(big_d);
            let cs = end - start;
            self.draw_frequencies(start, d, &mut w[..cs * d]);
            for (o, &v) in wf.iter_mut().zip(&w[..cs * d]) {
                *o = F::from_f64(v);
            }
            let wc = &wf[..cs * d];
            linalg::project(x.as_slice(), n, d, wc, cs, &mut proj, l, 0);
            linalg::project(y.as_slice(), m, d, wc, cs, &mut proj, l, n);
            let sums: Vec<[f64; 4]> = proj[..cs * l]
                .par_chunks(l)
                .map(|vals| {
                    let (cx, sx) = cos_sin_sum(&vals[..n]);
                    let (cy, sy) = cos_sin_sum(&vals[n..]);
                    [cx / nf, sx / nf, cy / mf, sy / mf]
                })
                .collect();
            // per feature, K(x, x') = cos<ω, x - x'>: A_x = cx² + sx², D_x = 1
            terms.extend(sums.iter().map(|&[cx, sx, cy, sy]| {
                let v = (cx - cy).powi(2) + (sx - sy).powi(2);
                let within = |c: f64, s: f64| Within {
                    all: c * c + s * s,
                    diag: 1.0,
                };
                stat.of_v(v, n, m, within(cx, sx), within(cy, sy))
            }));
            if let Some(g) = grad.as_deref_mut() {
                let cf = &mut coef[..cs * n];
                cf.par_chunks_mut(n)
                    .zip(proj[..cs * l].par_chunks(l))
                    .zip(sums.par_iter())
                    .for_each(|((c, vals), &[cx, sx, cy, sy])| {
                        let (dc, ds) = (cx - cy, sx - sy);
                        for (o, &v) in c.iter_mut().zip(&vals[..n]) {
                            let (s, co) = v.as_f64().sin_cos();
                            *o = F::from_f64(gscale * (ds * co - dc * s));
                        }
                    });
                linalg::back_project(cf, n, wc, cs, d, g);
            }
            start = end;
        }
        terms
    }

    /// Per-feature terms of `stat` for the energy kernel.
    fn energy<F: Float>(
        &self,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        stat: Statistic,
    ) -> Result<Vec<f64>> {
        let (n, m, d) = (x.n(), y.n(), x.d());
        let l = n + m;
        let (nf, mf) = (n as f64, m as f64);
        let c = slicing_constant(d, 1.0)?;
        let dirs = Directions::iid(self.features, d, self.seed)?;
        let big_d = self.features;
        let chunk = self.chunk.min(big_d);
        let mut wf = vec![F::zero(); chunk * d];
        let mut proj = vec![F::zero(); chunk * l];
        let mut terms = Vec::with_capacity(big_d);
        let mut start = 0;
        while start < big_d {
            let end = (start + chunk).min(big_d);
            let cs = end - start;
            for (o, &v) in wf.iter_mut().zip(dirs.rows_range(start, end)) {
                *o = F::from_f64(v);
            }
            let wc = &wf[..cs * d];
            linalg::project(x.as_slice(), n, d, wc, cs, &mut proj, l, 0);
            linalg::project(y.as_slice(), m, d, wc, cs, &mut proj, l, n);
            let chunk_terms: Vec<f64> = proj[..cs * l]
                .par_chunks(l)
                .enumerate()
                .map(|(k, vals)| {
                    let mut rng = substream(self.seed, THRESHOLD_STREAM + (start + k) as u64);
                    let u: f64 = rng.random();
                    let (lo, hi) = vals
                        .iter()
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                            (a.min(v.as_f64()), b.max(v.as_f64()))
                        });
                    let width = hi - lo;
                    let t = lo + u * width;
                    let below = |s: &[F]| s.iter().filter(|v| v.as_f64() <= t).count() as f64;
                    let fx = below(&vals[..n]) / nf;
                    let fy = below(&vals[n..]) / mf;
                    // K(x, x') = 1{<ξ,x> <= t} 1{<ξ,x'> <= t}: A_x = fx², D_x = fx
                    let within = |f: f64| Within {
                        all: f * f,
                        diag: f,
                    };
                    let inner = stat.of_v((fx - fy) * (fx - fy), n, m, within(fx), within(fy));
                    2.0 / c * width * inner
                })
                .collect();
            terms.extend(chunk_terms);
            start = end;
        }
        Ok(terms)
    }

    fn terms<F: Float>(
        &self,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        stat: Statistic,
    ) -> Result<Vec<f64>> {
        self.check_settings()?;
        check_pair(x, y)?;
        check_statistic(stat, x.n(), y.n())?;
        match self.family {
            Family::Energy => self.energy(x, y, stat),
            _ => Ok(self.fourier(x, y, stat, None)),
        }
    }
}

/// A standard normal draw, redrawn in the (probability zero) case of 0.
fn nonzero_normal(rng: &mut Rng) -> f64 {
    loop {
        let g: f64 = StandardNormal.sample(rng);
        if g != 0.0 {
            return g;
        }
    }
}

/// `(Σ cos v, Σ sin v)` in `f64`.
fn cos_sin_sum<F: Float>(vals: &[F]) -> (f64, f64) {
    vals.iter().fold((0.0, 0.0), |(c, s), v| {
        let (sv, cv) = v.as_f64().sin_cos();
        (c + cv, s + sv)
    })
}

/// Mean of the per-feature terms and its standard error.
fn summarize(terms: &[f64]) -> Estimate {
    let p = terms.len() as f64;
    let mean = terms.iter().sum::<f64>() / p;
    let std_error = (terms.len() > 1).then(|| {
        let var = terms.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (p - 1.0);
        (var / p).sqrt()
    });
    Estimate {
        mmd2: mean,
        std_error,
    }
}

impl Reseed for RandomFeatures {
    fn reseed(&mut self, seed: u64) {
        self.seed = seed;
    }
}

impl<F: Float> MmdEstimator<F> for RandomFeatures {
    fn name(&self) -> &'static str {
        "features"
    }

    fn estimate(&self, x: &Points<'_, F>, y: &Points<'_, F>, stat: Statistic) -> Result<Estimate> {
        let est = summarize(&self.terms(x, y, stat)?);
        check_finite::<F>("features", est.mmd2, &[])?;
        Ok(est)
    }

    fn grad_into(&self, x: &Points<'_, F>, y: &Points<'_, F>, out: &mut [F]) -> Result<f64> {
        self.check_settings()?;
        check_pair(x, y)?;
        check_buffer(out.len(), x.n(), x.d())?;
        match self.family {
            Family::Energy => {
                let dirs = Directions::iid(self.features, x.d(), self.seed)?;
                let sliced = SlicedSort::from_directions(dirs).with_chunk_size(self.chunk);
                sliced.grad_into(x, y, out)?;
                let v = summarize(&self.energy(x, y, Statistic::V)?).mmd2;
                check_finite("features", v, out)
            }
            _ => {
                let terms = self.fourier(x, y, Statistic::V, Some(&mut *out));
                check_finite("features", summarize(&terms).mmd2, out)
            }
        }
    }
}
