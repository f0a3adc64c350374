//! Errors of the generative crate.

use std::path::PathBuf;

use sliced_mmd::io::ReadError;
use sliced_mmd::plot::PlotError;
use sliced_mmd::MmdError;

/// Everything that can go wrong while training, saving, loading or
/// sampling a chain.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenError {
    /// An estimator or flow error of the core crate.
    #[error(transparent)]
    Mmd(#[from] MmdError),
    /// A data file could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// A figure could not be drawn.
    #[error(transparent)]
    Plot(#[from] PlotError),
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The manifest of a model folder is missing a field or is not JSON.
    #[error("{path}: not a valid manifest: {message}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Network weights could not be saved or loaded.
    #[error("{path}: network weights: {message}")]
    Weights {
        /// The weights file.
        path: PathBuf,
        /// The underlying error.
        message: String,
    },
    /// A marginal map file does not hold what the manifest says
    /// ([`crate::marginal::MarginalMap::load`]).
    #[error("{path}: marginal map: {message}")]
    Marginals {
        /// The map's file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// An option out of its range.
    #[error("invalid {name} = {value}: {expected}")]
    InvalidOption {
        /// The option.
        name: &'static str,
        /// Its value, as text.
        value: String,
        /// What it should be.
        expected: &'static str,
    },
    /// The data do not fit the request (for example a pyramid level that
    /// does not divide the image size).
    #[error("{0}")]
    Data(String),
    /// The data or the network produced a value that is not finite.
    #[error("{what} is not finite (row {row})")]
    NotFinite {
        /// What was being computed.
        what: &'static str,
        /// The first offending row.
        row: usize,
    },
}

/// Result with [`GenError`].
pub type Result<T> = std::result::Result<T, GenError>;

impl GenError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        GenError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn invalid(
        name: &'static str,
        value: impl ToString,
        expected: &'static str,
    ) -> Self {
        GenError::InvalidOption {
            name,
            value: value.to_string(),
            expected,
        }
    }
}
