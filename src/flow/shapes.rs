//! Built-in two-dimensional targets for flow demonstrations: shapes made
//! in code, so that a flow can be shown without any data file.
//!
//! Every shape lies roughly in `[-1, 1]²`, is drawn from a seed
//! (point `i` from stream `i`), and comes as a row-major `n x 2` buffer.
//!
//! ```
//! use sliced_mmd::flow::shapes;
//! let y = shapes::generate("spiral", 1000, 0)?;
//! assert_eq!(y.len(), 2000);
//! assert!(y.iter().all(|v| v.abs() <= 1.2));
//! # Ok::<(), sliced_mmd::MmdError>(())
//! ```

use std::f64::consts::PI;

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

use crate::error::{MmdError, Result};
use crate::rng::{substream, Rng};

/// The names [`generate`] knows.
pub const NAMES: [&str; 4] = ["spiral", "rings", "checkerboard", "smiley"];

/// `n` points of the shape `name` (one of [`NAMES`]).
///
/// * `spiral`: two interleaved arms of an Archimedean spiral, with a little
///   Gaussian blur;
/// * `rings`: three concentric circles, points in proportion to their length;
/// * `checkerboard`: uniform on the dark squares of a 4 x 4 board;
/// * `smiley`: a face outline, two eyes and a smile.
///
/// # Errors
/// [`MmdError::UnknownName`] for an unknown name (the message lists the
/// known ones); [`MmdError::InvalidCount`] for `n = 0`.
pub fn generate(name: &str, n: usize, seed: u64) -> Result<Vec<f64>> {
    if n == 0 {
        return Err(MmdError::InvalidCount {
            what: "number of target points",
            value: 0,
            min: 1,
        });
    }
    let f: fn(&mut Rng) -> (f64, f64) = match name {
        "spiral" => spiral,
        "rings" => rings,
        "checkerboard" => checkerboard,
        "smiley" => smiley,
        _ => {
            return Err(MmdError::UnknownName {
                kind: "demo shape",
                name: name.to_string(),
                expected: "spiral, rings, checkerboard, smiley",
            })
        }
    };
    let mut out = Vec::with_capacity(2 * n);
    for i in 0..n {
        let mut rng = substream(seed, i as u64);
        let (a, b) = f(&mut rng);
        out.push(a);
        out.push(b);
    }
    Ok(out)
}

fn gauss(rng: &mut Rng) -> f64 {
    StandardNormal.sample(rng)
}

fn spiral(rng: &mut Rng) -> (f64, f64) {
    // radius grows linearly with the angle; the density along the arm is
    // uniform in the angle, which puts more points near the centre per
    // unit length: take sqrt to make it uniform in arc length instead
    let u: f64 = rng.random();
    let t = u.sqrt() * 3.0 * PI;
    let arm = if rng.random::<bool>() { 0.0 } else { PI };
    let r = t / (3.0 * PI);
    let (s, c) = (t + arm).sin_cos();
    (r * c + 0.02 * gauss(rng), r * s + 0.02 * gauss(rng))
}

fn rings(rng: &mut Rng) -> (f64, f64) {
    // radii 1/3, 2/3, 1: lengths in proportion 1 : 2 : 3
    let u: f64 = rng.random();
    let r = if u < 1.0 / 6.0 {
        1.0 / 3.0
    } else if u < 0.5 {
        2.0 / 3.0
    } else {
        1.0
    };
    let t = 2.0 * PI * rng.random::<f64>();
    let (s, c) = t.sin_cos();
    (r * c + 0.01 * gauss(rng), r * s + 0.01 * gauss(rng))
}

fn checkerboard(rng: &mut Rng) -> (f64, f64) {
    // 8 dark squares of side 1/2 in [-1, 1]^2: pick one, then a point in it
    let k = (rng.random::<f64>() * 8.0).floor().min(7.0) as usize;
    let row = k / 2;
    let col = 2 * (k % 2) + (row % 2);
    let x = -1.0 + 0.5 * (col as f64 + rng.random::<f64>());
    let y = -1.0 + 0.5 * (row as f64 + rng.random::<f64>());
    (x, y)
}

fn smiley(rng: &mut Rng) -> (f64, f64) {
    let u: f64 = rng.random();
    let t: f64 = rng.random();
    let (cx, cy, r, a0, a1) = if u < 0.55 {
        (0.0, 0.0, 1.0, 0.0, 2.0 * PI) // outline
    } else if u < 0.65 {
        (-0.35, 0.35, 0.1, 0.0, 2.0 * PI) // left eye
    } else if u < 0.75 {
        (0.35, 0.35, 0.1, 0.0, 2.0 * PI) // right eye
    } else {
        (0.0, 0.0, 0.55, 1.15 * PI, 1.85 * PI) // smile
    };
    let a = a0 + t * (a1 - a0);
    let (s, c) = a.sin_cos();
    (
        cx + r * c + 0.015 * gauss(rng),
        cy + r * s + 0.015 * gauss(rng),
    )
}
