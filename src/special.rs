//! Special functions: log-Gamma and the slicing constant `c_{d,r}`.

use crate::error::{MmdError, Result};

/// Smallest argument at which the Stirling series is used directly.
const STIRLING_MIN: f64 = 12.0;

/// `ln Gamma(x) - ((x - 1/2) ln x - x + ln(2 pi)/2)` for `x >= STIRLING_MIN`:
/// the Stirling series, whose next term is below `1e-17` there.
fn stirling_tail(x: f64) -> f64 {
    let x2 = x * x;
    // Bernoulli coefficients B_{2k} / (2k (2k-1)).
    (1.0 / 12.0
        - (1.0 / 360.0 - (1.0 / 1260.0 - (1.0 / 1680.0 - 1.0 / (1188.0 * x2)) / x2) / x2) / x2)
        / x
}

/// `ln Gamma(a) - ln Gamma(b)` for `a, b > 0`, without the cancellation of
/// two large log-Gammas: accurate to a few ulps of the result even for
/// `a, b ~ 1e6`. Returns NaN unless both arguments are positive and finite.
///
/// # Examples
/// ```
/// use sliced_mmd::special::ln_gamma_ratio;
/// // Gamma(5) / Gamma(3) = 24 / 2
/// assert!((ln_gamma_ratio(5.0, 3.0) - 12f64.ln()).abs() < 1e-14);
/// ```
pub fn ln_gamma_ratio(a: f64, b: f64) -> f64 {
    if !(a > 0.0 && b > 0.0 && a.is_finite() && b.is_finite()) {
        return f64::NAN;
    }
    // Shift both arguments above STIRLING_MIN with Gamma(x+1) = x Gamma(x).
    let mut a = a;
    let mut b = b;
    let mut acc = 0.0;
    while a < STIRLING_MIN || b < STIRLING_MIN {
        acc += (b / a).ln();
        a += 1.0;
        b += 1.0;
    }
    // (a - 1/2) ln a - (b - 1/2) ln b - (a - b)
    //   = (a - 1/2) ln(1 + (a-b)/b) + (a - b) ln b - (a - b)
    let delta = a - b;
    let main = (a - 0.5) * (delta / b).ln_1p() + delta * (b.ln() - 1.0);
    acc + main + stirling_tail(a) - stirling_tail(b)
}

/// `ln Gamma(x)` for `x > 0` (NaN for other arguments, as `f64::ln` does).
///
/// # Examples
/// ```
/// use sliced_mmd::special::ln_gamma;
/// assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-15);
/// ```
pub fn ln_gamma(x: f64) -> f64 {
    ln_gamma_ratio(x, 1.0)
}

/// The slicing constant `c_{d,r} = E_xi |<xi, z>|^r / ||z||^r` for `xi`
/// uniform on the sphere `S^{d-1}`:
///
/// ```text
/// c_{d,r} = Gamma(d/2) Gamma((r+1)/2) / ( sqrt(pi) Gamma((d+r)/2) )
/// ```
///
/// Closed forms: `c_{1,r} = 1`, `c_{2,1} = 2/pi`, `c_{d,2} = 1/d`. Computed
/// through log-Gamma ratios, so it is accurate for `d` up to `1e6` and
/// beyond. Defined here for `r` in `(0, 2]` (the closed form at `r = 2` is
/// useful for checks; the Riesz kernel itself needs `r < 2`).
///
/// # Errors
/// [`MmdError::ZeroDimension`] for `d = 0`, [`MmdError::InvalidExponent`]
/// for `r` outside `(0, 2]`.
///
/// # Examples
/// ```
/// use sliced_mmd::special::slicing_constant;
/// let c = slicing_constant(2, 1.0)?;
/// assert!((c - 2.0 / std::f64::consts::PI).abs() < 1e-15);
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
pub fn slicing_constant(d: usize, r: f64) -> Result<f64> {
    if d == 0 {
        return Err(MmdError::ZeroDimension);
    }
    if !(r > 0.0 && r <= 2.0) {
        return Err(MmdError::InvalidExponent { r });
    }
    if d == 1 {
        // Gamma(1/2) Gamma((r+1)/2) / (sqrt(pi) Gamma((1+r)/2)) = 1 exactly
        return Ok(1.0);
    }
    let d = d as f64;
    let ln_c = ln_gamma_ratio(d / 2.0, (d + r) / 2.0) + ln_gamma((r + 1.0) / 2.0)
        - 0.5 * std::f64::consts::PI.ln();
    Ok(ln_c.exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_at_integers_and_half_integers() {
        let mut fact = 1.0f64;
        for n in 1..30 {
            // Gamma(n) = (n-1)!
            let got = ln_gamma(n as f64);
            assert!(
                (got - fact.ln()).abs() <= 1e-14 * fact.ln().abs().max(1.0),
                "n = {n}: {got} vs {}",
                fact.ln()
            );
            fact *= n as f64;
        }
        // Gamma(n + 1/2) = (2n)! sqrt(pi) / (4^n n!)
        let g = |n: u32| {
            let mut v = std::f64::consts::PI.sqrt();
            for k in 1..=n {
                v *= (k as f64) - 0.5;
            }
            v
        };
        for n in 0..20 {
            let want = g(n).ln();
            let got = ln_gamma(n as f64 + 0.5);
            assert!((got - want).abs() <= 1e-14 * want.abs().max(1.0), "n = {n}");
        }
    }

    #[test]
    fn ratio_matches_large_argument_asymptotics() {
        // Gamma(x + 1/2) / Gamma(x) = sqrt(x) (1 - 1/(8x) + 1/(128x^2) + ...)
        for &x in &[1e3, 1e4, 1e5, 1e6] {
            let got = ln_gamma_ratio(x + 0.5, x);
            let want = 0.5 * f64::ln(x)
                + f64::ln(
                    1.0 - 1.0 / (8.0 * x) + 1.0 / (128.0 * x * x) + 5.0 / (1024.0 * x * x * x),
                );
            assert!((got - want).abs() < 1e-13, "x = {x}: {got} vs {want}");
        }
    }
}
