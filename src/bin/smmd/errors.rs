//! Library errors as the one line a user reads.
//!
//! The library checks every value it is given and says which value was
//! wrong; the command line only adds where the value came from: the option
//! (`--slices: invalid number of slices P = 0: ...`) or the file of the sample
//! (`x.npy: non-finite value ...`). This is the one place that translates.

use std::fmt::Display;

use sliced_mmd::{MmdError, Sample};

/// The option whose value a library error rejects, if any.
fn option(e: &MmdError) -> Option<&'static str> {
    Some(match e {
        MmdError::InvalidExponent { .. } => "--r",
        MmdError::InvalidBandwidth { .. } => "--sigma",
        MmdError::InvalidAlpha { .. } => "--alpha",
        MmdError::InvalidCount { what, .. } => match *what {
            "number of slices P" => "--slices",
            "number of features D" => "--features",
            "number of permutations B" => "--permutations",
            "number of particles" => "--particles",
            "number of target points" => "--target-points",
            "observer interval" => "--snapshot-every",
            _ => return None,
        },
        MmdError::InvalidParameter { name, .. } => match *name {
            "step size" => "--step-size",
            "momentum" => "--momentum",
            _ => return None,
        },
        MmdError::UnknownName {
            kind: "demo shape", ..
        } => "--demo",
        _ => return None,
    })
}

/// A library error as one line (without the `error: ` prefix), prefixed
/// with the option whose value it rejects.
pub fn describe(e: MmdError) -> String {
    match option(&e) {
        Some(flag) => format!("{flag}: {e}"),
        None => e.to_string(),
    }
}

/// As [`describe`], naming the sample an error is about (X or Y, usually
/// its file).
pub fn describe_in(e: MmdError, x: impl Display, y: impl Display) -> String {
    let file = |s: Sample| match s {
        Sample::X => x.to_string(),
        Sample::Y => y.to_string(),
    };
    match e {
        MmdError::NonFinite {
            sample: Some(s), ..
        }
        | MmdError::EmptySample { sample: s }
        | MmdError::TooFewForUnbiased { sample: s, .. } => format!("{}: {e}", file(s)),
        MmdError::DimensionMismatch { x_d, y_d } => format!(
            "dimension mismatch: X ({}) has d = {x_d} but Y ({}) has d = {y_d}",
            file(Sample::X),
            file(Sample::Y)
        ),
        other => describe(other),
    }
}
