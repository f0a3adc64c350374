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
        return Err(MmdError::TooLarge {
            what: "dimension of Sobol' directions (the Joe-Kuo table)",
            count: d as u64,
            max: SOBOL_MAX_DIM as u64,
        });
    }
    if u32::try_from(p).is_err() {
        return Err(MmdError::TooLarge {
            what: "number of Sobol' directions",
            count: p as u64,
            max: u32::MAX as u64,
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
            *o = crate::special::inverse_normal_cdf(u);
        }
        let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
        // norm > 0: |Φ⁻¹(u)| >= Φ⁻¹(1/2 + 2^-33) > 0 for every cell midpoint
        row.iter_mut().for_each(|v| *v /= norm);
    });
    Ok(data)
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
            let got = crate::special::inverse_normal_cdf(p);
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
