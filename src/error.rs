//! The one error type of the crate.

use std::fmt;

/// Which of the two samples a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sample {
    /// The first sample `X` (the particles).
    X,
    /// The second sample `Y` (the target).
    Y,
}

impl fmt::Display for Sample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sample::X => "X",
            Sample::Y => "Y",
        })
    }
}

/// Everything that can go wrong in `sliced_mmd`.
///
/// Messages are lowercase and name the offending value, so that a
/// command-line tool can print them as they are.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MmdError {
    /// The Riesz exponent lies outside the open interval (0, 2).
    #[error("invalid Riesz exponent r = {r}: it must lie in the open interval (0, 2)")]
    InvalidExponent {
        /// The exponent that was given.
        r: f64,
    },
    /// A bandwidth was not finite and positive.
    #[error("invalid bandwidth sigma = {sigma}: it must be finite and > 0")]
    InvalidBandwidth {
        /// The bandwidth that was given.
        sigma: f64,
    },
    /// A count (slices, features, permutations, chunk size, memory budget,
    /// observer interval, ...) below its smallest allowed value.
    #[error("invalid {what} = {value}: it must be at least {min}")]
    InvalidCount {
        /// Which count, in words (`number of slices`, `chunk size`, ...).
        what: &'static str,
        /// The value that was given.
        value: usize,
        /// The smallest allowed value.
        min: usize,
    },
    /// A sample without points.
    #[error("sample {sample} is empty: at least one point is needed")]
    EmptySample {
        /// Which sample.
        sample: Sample,
    },
    /// A point of dimension zero.
    #[error("points of dimension d = 0 are not allowed")]
    ZeroDimension,
    /// A flat buffer whose length does not match the announced shape.
    #[error("buffer of length {len} cannot hold {rows} rows of dimension {cols}")]
    ShapeMismatch {
        /// Length of the buffer.
        len: usize,
        /// Announced number of rows.
        rows: usize,
        /// Announced number of columns.
        cols: usize,
    },
    /// A NaN or infinite coordinate.
    #[error("non-finite value {value} in row {row}, column {col}{}", sample_suffix(.sample))]
    NonFinite {
        /// Which sample, where known.
        sample: Option<Sample>,
        /// Row (point) index, from 0.
        row: usize,
        /// Column (coordinate) index, from 0.
        col: usize,
        /// The offending value.
        value: f64,
    },
    /// The two samples live in spaces of different dimension.
    #[error("dimension mismatch: X has d = {x_d} but Y has d = {y_d}")]
    DimensionMismatch {
        /// Dimension of X.
        x_d: usize,
        /// Dimension of Y.
        y_d: usize,
    },
    /// Directions of another dimension than the data.
    #[error("directions have dimension {directions_d} but the data has d = {data_d}")]
    DirectionDimension {
        /// Dimension of the directions.
        directions_d: usize,
        /// Dimension of the data.
        data_d: usize,
    },
    /// A direction that is not a finite unit vector.
    #[error("direction {index} is not a finite unit vector (norm {norm})")]
    NotUnitDirection {
        /// Index of the direction.
        index: usize,
        /// Its Euclidean norm.
        norm: f64,
    },
    /// The U-statistic needs two points per sample.
    #[error("the U-statistic needs at least 2 points per sample, but {sample} has {n}")]
    TooFewForUnbiased {
        /// Which sample.
        sample: Sample,
        /// Its number of points.
        n: usize,
    },
    /// A caller buffer of the wrong length.
    #[error("output buffer has length {got}, expected {expected} (n x d)")]
    BufferLength {
        /// Length of the buffer.
        got: usize,
        /// Length needed.
        expected: usize,
    },
    /// The computation left the range of the floating-point type (for
    /// example `f32` data near `1e38`, whose projections overflow).
    #[error("the {estimator} estimator overflowed to a non-finite result: rescale the data or compute in f64")]
    Overflow {
        /// The estimator.
        estimator: &'static str,
    },
    /// A combination that an estimator does not support (a kernel it has no
    /// formula for, or gradients it cannot give).
    #[error("the {estimator} estimator does not support {what}")]
    Unsupported {
        /// The estimator (its bare name, as [`crate::MmdEstimator::name`] gives it).
        estimator: &'static str,
        /// What was asked of it.
        what: &'static str,
    },
    /// More values than an operation can index (a size limit of the
    /// algorithm, such as the 32-bit indices of the sort).
    #[error("{what}: {count} is more than the largest supported, {max}")]
    TooLarge {
        /// What was counted, in words (`pooled points of the sliced estimator`, ...).
        what: &'static str,
        /// The count that was given.
        count: u64,
        /// The largest supported count.
        max: u64,
    },
    /// A name that is not one of the known names of its kind.
    #[error("unknown {kind} '{name}': expected one of {expected}")]
    UnknownName {
        /// The kind of name (`direction design`, `demo`, ...).
        kind: &'static str,
        /// The name that was given.
        name: String,
        /// The known names, comma-separated.
        expected: &'static str,
    },
    /// A flow or optimizer parameter outside its range.
    #[error("invalid {name} = {value}: it must be {expected}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// The value that was given.
        value: f64,
        /// The allowed range, in words.
        expected: &'static str,
    },
    /// A particle flow left the floating-point range.
    #[error("the flow diverged at step {step}: particle {row} is no longer finite (lower the step size)")]
    Diverged {
        /// The step whose update produced the non-finite value.
        step: usize,
        /// The first particle that is not finite.
        row: usize,
    },
    /// A significance level outside the open interval (0, 1).
    #[error("invalid significance level alpha = {alpha}: it must lie in the open interval (0, 1)")]
    InvalidAlpha {
        /// The level that was given.
        alpha: f64,
    },
}

fn sample_suffix(sample: &Option<Sample>) -> String {
    match sample {
        Some(s) => format!(" of sample {s}"),
        None => String::new(),
    }
}

impl MmdError {
    /// Attach the sample to a [`MmdError::NonFinite`] or [`MmdError::EmptySample`]
    /// error that was raised before the sample was known.
    #[must_use]
    pub fn in_sample(self, which: Sample) -> Self {
        match self {
            MmdError::NonFinite {
                row, col, value, ..
            } => MmdError::NonFinite {
                sample: Some(which),
                row,
                col,
                value,
            },
            MmdError::EmptySample { .. } => MmdError::EmptySample { sample: which },
            other => other,
        }
    }
}

/// Shorthand for `Result<T, MmdError>`.
pub type Result<T> = std::result::Result<T, MmdError>;
