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
    Ok(slicing_constant_valid(d, r))
}

/// [`slicing_constant`] for arguments already known valid (`d ≥ 1`,
/// `0 < r ≤ 2`).
pub(crate) fn slicing_constant_valid(d: usize, r: f64) -> f64 {
    if d <= 1 {
        // Gamma(1/2) Gamma((r+1)/2) / (sqrt(pi) Gamma((1+r)/2)) = 1 exactly
        return 1.0;
    }
    let d = d as f64;
    let ln_c = ln_gamma_ratio(d / 2.0, (d + r) / 2.0) + ln_gamma((r + 1.0) / 2.0)
        - 0.5 * std::f64::consts::PI.ln();
    ln_c.exp()
}

/// The standard normal quantile `Φ⁻¹(p)` for `0 < p < 1` (Wichura's
/// algorithm AS 241, `PPND16`: relative error about `1e-16`). Returns
/// `-∞` at 0, `+∞` at 1 and NaN outside `[0, 1]`.
///
/// # Examples
/// ```
/// use sliced_mmd::special::inverse_normal_cdf;
/// assert!((inverse_normal_cdf(0.975) - 1.959963984540054).abs() < 1e-14);
/// assert_eq!(inverse_normal_cdf(0.5), 0.0);
/// ```
#[allow(clippy::excessive_precision)]
pub fn inverse_normal_cdf(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let num = ((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r
            + 6.7265770927008700853e4)
            * r
            + 4.5921953931549871457e4)
            * r
            + 1.3731693765509461125e4)
            * r
            + 1.9715909503065514427e3)
            * r
            + 1.3314166789178437745e2)
            * r
            + 3.3871328727963666080e0;
        let den = ((((((5.2264952788528545610e3 * r + 2.8729085735721942674e4) * r
            + 3.9307895800092710610e4)
            * r
            + 2.1213794301586595867e4)
            * r
            + 5.3941960214247511077e3)
            * r
            + 6.8718700749205790830e2)
            * r
            + 4.2313330701600911252e1)
            * r
            + 1.0;
        return q * num / den;
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-tail.ln()).sqrt();
    let x = if r <= 5.0 {
        r -= 1.6;
        let num = ((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r
            + 2.41780725177450611770e-1)
            * r
            + 1.27045825245236838258e0)
            * r
            + 3.64784832476320460504e0)
            * r
            + 5.76949722146069140550e0)
            * r
            + 4.63033784615654529590e0)
            * r
            + 1.42343711074968357734e0;
        let den = ((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r
            + 1.51986665636164571966e-2)
            * r
            + 1.48103976427480074590e-1)
            * r
            + 6.89767334985100004550e-1)
            * r
            + 1.67638483018380384940e0)
            * r
            + 2.05319162663775882187e0)
            * r
            + 1.0;
        num / den
    } else {
        r -= 5.0;
        let num = ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
            + 1.24266094738807843860e-3)
            * r
            + 2.65321895265761230930e-2)
            * r
            + 2.96560571828504891230e-1)
            * r
            + 1.78482653991729133580e0)
            * r
            + 5.46378491116411436990e0)
            * r
            + 6.65790464350110377720e0;
        let den = ((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r
            + 1.84631831751005468180e-5)
            * r
            + 7.86869131145613259100e-4)
            * r
            + 1.48753612908506148525e-2)
            * r
            + 1.36929880922735805310e-1)
            * r
            + 5.99832206555887937690e-1)
            * r
            + 1.0;
        num / den
    };
    if q < 0.0 {
        -x
    } else {
        x
    }
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
