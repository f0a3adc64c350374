//! Scrambled Sobol' directions and the inverse normal CDF.
//!
//! Invariants: the scrambled direction numbers of coordinate `j` come from
//! substream `2^61 + j` of the seed; point `i` is then a pure function of
//! `i`, so rows are independent tasks and the bits do not depend on the
//! thread count.

use std::sync::OnceLock;

use rand::RngExt;
use rayon::prelude::*;
use sobol::params::JoeKuoD6;
use sobol::Sobol;

use crate::error::{MmdError, Result};
use crate::rng::substream;

/// Largest dimension of the Sobol' design: the Joe-Kuo `new-joe-kuo-6.21201`
/// table.
pub const SOBOL_MAX_DIM: usize = 21201;

/// Bits per coordinate.
const BITS: usize = 32;

/// First substream of the per-coordinate scrambles.
const SCRAMBLE_STREAM: u64 = 1 << 61;

fn params() -> &'static JoeKuoD6 {
    static PARAMS: OnceLock<JoeKuoD6> = OnceLock::new();
    PARAMS.get_or_init(JoeKuoD6::extended)
}

/// Apply the lower-triangular (unit diagonal) binary matrix given by its
/// row masks to a 32-digit number, digit 0 being the most significant bit.
fn scramble(masks: &[u32; BITS], v: u32) -> u32 {
    masks.iter().enumerate().fold(0u32, |acc, (k, &mask)| {
        acc | (((v & mask).count_ones() & 1) << (BITS - 1 - k))
    })
}

/// Per coordinate: the `BITS` scrambled direction numbers and the shift.
fn scrambled_numbers(d: usize, seed: u64) -> Vec<([u32; BITS], u32)> {
    let raw = Sobol::<u32>::init_direction_vals::<u32>(d, BITS, params());
    raw.into_par_iter()
        .enumerate()
        .map(|(j, v)| {
            let mut rng = substream(seed, SCRAMBLE_STREAM + j as u64);
            let mut masks = [0u32; BITS];
            for (k, mask) in masks.iter_mut().enumerate() {
                let r: u32 = rng.random();
                // digits l < k sit in the k highest bits
                let lower = if k == 0 { 0 } else { r & (!0u32 << (BITS - k)) };
                *mask = lower | (1 << (BITS - 1 - k));
            }
            let shift: u32 = rng.random();
            let mut out = [0u32; BITS];
            for (o, &vb) in out.iter_mut().zip(&v) {
                *o = scramble(&masks, vb);
            }
            (out, shift)
        })
        .collect()
}

/// `p x d` row-major unit vectors from points `0..p` of the scrambled sequence.
pub(super) fn draw(p: usize, d: usize, seed: u64) -> Result<Vec<f64>> {
    if d > SOBOL_MAX_DIM {
        return Err(MmdError::Unsupported {
            estimator: "sobol directions",
            what: "dimensions above 21201 (the Joe-Kuo table)",
        });
    }
    if u32::try_from(p).is_err() {
        return Err(MmdError::Unsupported {
            estimator: "sobol directions",
            what: "more than 2^32 - 1 directions",
        });
    }
    let numbers = scrambled_numbers(d, seed);
    let mut data = vec![0.0; p * d];
    data.par_chunks_mut(d).enumerate().for_each(|(i, row)| {
        // Gray-code order, as the usual Sobol' generators
        let g = (i ^ (i >> 1)) as u32;
        for (o, (dirs, shift)) in row.iter_mut().zip(&numbers) {
            let mut x = *shift;
            let mut bits = g;
            while bits != 0 {
                let b = bits.trailing_zeros() as usize;
                x ^= dirs[b];
                bits &= bits - 1;
            }
            // midpoint of the 2^-32 cell: never 0 or 1
            let u = (f64::from(x) + 0.5) * (1.0 / 4294967296.0);
            *o = inverse_normal_cdf(u);
        }
        let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
        // norm > 0: |Φ⁻¹(u)| >= Φ⁻¹(1/2 + 2^-33) > 0 for every cell midpoint
        row.iter_mut().for_each(|v| *v /= norm);
    });
    Ok(data)
}

/// The standard normal quantile `Φ⁻¹(p)` for `0 < p < 1` (Wichura's
/// algorithm AS 241, `PPND16`: relative error about `1e-16`). Returns
/// `-∞` at 0, `+∞` at 1 and NaN outside `[0, 1]`.
///
/// # Examples
/// ```
/// use sliced_mmd::directions::inverse_normal_cdf;
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
    fn quantiles_match_reference_values() {
        // scipy.stats.norm.ppf
        let cases = [
            (0.975, 1.959963984540054),
            (0.3, -0.5244005127080407),
            (0.01, -2.3263478740408408),
            (0.999, 3.090232306167813),
            (1e-5, -4.264890793922825),
            (1e-10, -6.361340902404056),
        ];
        for (p, want) in cases {
            let got = inverse_normal_cdf(p);
            assert!(
                (got - want).abs() <= 4e-15 * want.abs(),
                "p = {p}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn scramble_keeps_leading_digit_structure() {
        // identity matrix: unchanged
        let mut id = [0u32; BITS];
        for (k, m) in id.iter_mut().enumerate() {
            *m = 1 << (BITS - 1 - k);
        }
        assert_eq!(scramble(&id, 0xdead_beef), 0xdead_beef);
    }
}
