//! Any `r ∈ (0, 2)` on the line, by summing all pairs: `O((N+M)²)` per slice.
//!
//! `vals` holds the pooled values, X first (`n` of them), then Y.

use super::SliceStats;
use crate::float::Float;

#[inline]
fn pow_r(t: f64, r: f64) -> f64 {
    if r == 1.0 {
        t
    } else {
        t.powf(r)
    }
}

/// `d/ds |s - t|^r = r |s-t|^{r-1} sign(s-t)`, zero at `s = t`.
#[inline]
fn dpow_r(diff: f64, r: f64) -> f64 {
    if diff == 0.0 {
        0.0
    } else if r == 1.0 {
        diff.signum()
    } else {
        r * diff.abs().powf(r - 1.0) * diff.signum()
    }
}

/// Pair sums of one slice, and optionally `g[i] = scale * d MMD²_1D / d x_i`.
pub(crate) fn slice<F: Float>(
    vals: &[F],
    n: usize,
    r: f64,
    grad: Option<(&mut [F], f64)>,
) -> SliceStats {
    let m = vals.len() - n;
    let (nf, mf) = (n as f64, m as f64);
    let (xs, ys) = vals.split_at(n);
    let mut syy = 0.0;
    for (j, &yj) in ys.iter().enumerate() {
        let yj = yj.as_f64();
        for &yl in &ys[j + 1..] {
            syy += pow_r((yj - yl.as_f64()).abs(), r);
        }
    }
    syy *= 2.0 / (mf * mf);
    let (mut sxx, mut sxy) = (0.0, 0.0);
    match grad {
        None => {
            for (i, &xi) in xs.iter().enumerate() {
                let xi = xi.as_f64();
                for &xk in &xs[i + 1..] {
                    sxx += 2.0 * pow_r((xi - xk.as_f64()).abs(), r);
                }
                for &yj in ys {
                    sxy += pow_r((xi - yj.as_f64()).abs(), r);
                }
            }
        }
        Some((g, scale)) => {
            for (i, &xi) in xs.iter().enumerate() {
                let xi = xi.as_f64();
                let (mut gxx, mut gxy) = (0.0, 0.0);
                for &xk in xs {
                    let diff = xi - xk.as_f64();
                    sxx += pow_r(diff.abs(), r);
                    gxx += dpow_r(diff, r);
                }
                for &yj in ys {
                    let diff = xi - yj.as_f64();
                    sxy += pow_r(diff.abs(), r);
                    gxy += dpow_r(diff, r);
                }
                let gi = 2.0 / (nf * mf) * gxy - 2.0 / (nf * nf) * gxx;
                g[i] = F::from_f64(gi * scale);
            }
        }
    }
    sxx /= nf * nf;
    sxy /= nf * mf;
    SliceStats {
        v: 2.0 * sxy - sxx - syy,
        sxx,
        syy,
    }
}
