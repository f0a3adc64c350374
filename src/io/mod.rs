//! Reading samples from `.npy` and `.csv` files, and writing `.npy` files
//! (feature `io`).
//!
//! Rows are points. [`read_points`] picks the format from the file
//! extension and returns a validated [`Points`] in `f64` (every value is
//! finite, there is at least one point of dimension at least one):
//!
//! * `.npy`: a 1-D array (`d = 1`) or a 2-D array `(n, d)` of floats
//!   (`f4`, `f8`) or integers (`i1`..`i8`, `u1`..`u8`, converted to `f64`),
//!   little or big endian, C or Fortran order (Fortran order is transposed
//!   to row-major).
//! * `.csv`: comma-separated numbers, one point per line, every line with
//!   the same number of fields; the first line is taken as a header when
//!   one of its fields is not a number. Blank lines and lines starting with
//!   `#` (the header `numpy.savetxt` writes) are skipped; spaces around a
//!   field are ignored.
//!
//! [`write_npy`] writes an `n x d` buffer as a C-order `.npy` file of the
//! buffer's precision.
//!
//! Errors name the file and the place in it, as one lowercase line:
//!
//! ```text
//! data/x.csv: line 7 has 3 fields, expected 4
//! x.npy: unsupported dtype '<c16'
//! x.npy: cannot open: No such file or directory (os error 2)
//! ```
//!
//! # Examples
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use sliced_mmd::io::{read_points, write_npy};
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("x.npy");
//! write_npy(&path, &[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], 3, 2)?;
//! let x = read_points(&path)?;
//! assert_eq!((x.n(), x.d()), (3, 2));
//! assert_eq!(x.row(2), &[5.0, 6.0]);
//! # Ok(()) }
//! ```

mod csv;
mod npy;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::float::Float;
use crate::points::Points;

/// Why a sample file could not be read.
///
/// Every message starts with the path of the file and is one lowercase line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened (missing, a directory, no permission).
    #[error("{}: cannot open: {source}", .path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// Reading failed after the file was opened.
    #[error("{}: cannot read: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The extension is neither `.npy` nor `.csv`.
    #[error("{}: unknown file format: expected a .npy or .csv extension", .path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The file holds no data: it is empty, holds only a header or comments,
    /// or holds an array with no elements.
    #[error("{}: no data: at least one point with at least one coordinate is needed", .path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// A `.npy` file whose header or data is malformed (bad magic string,
    /// unreadable header, truncated data).
    #[error("{}: not a valid .npy file: {reason}", .path.display())]
    InvalidNpy {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A `.npy` file of a type other than float or integer.
    #[error("{}: unsupported dtype '{dtype}': expected floats or integers", .path.display())]
    UnsupportedDtype {
        /// The file.
        path: PathBuf,
        /// The numpy type string, such as `<c16` or `|b1`.
        dtype: String,
    },
    /// A `.npy` array that is neither 1-D nor 2-D.
    #[error("{}: unsupported shape {}: expected a 1-d or 2-d array", .path.display(), ShapeDisplay(.shape))]
    UnsupportedShape {
        /// The file.
        path: PathBuf,
        /// The shape of the array.
        shape: Vec<u64>,
    },
    /// A `.csv` line with another number of fields than the first line.
    #[error("{}: line {line} has {found} field{}, expected {expected}", .path.display(), if *.found == 1 { "" } else { "s" })]
    RaggedRow {
        /// The file.
        path: PathBuf,
        /// Line number in the file, from 1.
        line: u64,
        /// Number of fields on that line.
        found: usize,
        /// Number of fields on the first line.
        expected: usize,
    },
    /// A `.csv` field that is not a number.
    #[error("{}: line {line}, field {field}: cannot parse '{value}' as a number", .path.display())]
    NotANumber {
        /// The file.
        path: PathBuf,
        /// Line number in the file, from 1.
        line: u64,
        /// Field number on the line, from 1.
        field: usize,
        /// The text of the field.
        value: String,
    },
    /// A NaN or infinite value.
    #[error("{}: non-finite value {value} in row {row}, column {column}{}", .path.display(), LineSuffix(*.line))]
    NonFinite {
        /// The file.
        path: PathBuf,
        /// Point (row) index, from 0.
        row: usize,
        /// Coordinate (column) index, from 0.
        column: usize,
        /// The line of a `.csv` file, from 1; `None` for `.npy`.
        line: Option<u64>,
        /// The value.
        value: f64,
    },
}

impl ReadError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Open { path, .. }
            | ReadError::Io { path, .. }
            | ReadError::UnknownFormat { path }
            | ReadError::Empty { path }
            | ReadError::InvalidNpy { path, .. }
            | ReadError::UnsupportedDtype { path, .. }
            | ReadError::UnsupportedShape { path, .. }
            | ReadError::RaggedRow { path, .. }
            | ReadError::NotANumber { path, .. }
            | ReadError::NonFinite { path, .. } => path,
        }
    }
}

/// Why a `.npy` file could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// Creating or writing the file failed.
    #[error("{}: cannot write: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The buffer does not hold `n * d` values.
    #[error("{}: buffer of length {len} cannot hold {n} rows of dimension {d}", .path.display())]
    ShapeMismatch {
        /// The file.
        path: PathBuf,
        /// Length of the buffer.
        len: usize,
        /// Announced number of rows.
        n: usize,
        /// Announced number of columns.
        d: usize,
    },
}

struct ShapeDisplay<'a>(&'a [u64]);

impl fmt::Display for ShapeDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(")?;
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{s}")?;
        }
        if self.0.len() == 1 {
            f.write_str(",")?;
        }
        f.write_str(")")
    }
}

struct LineSuffix(Option<u64>);

impl fmt::Display for LineSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(line) => write!(f, " (line {line})"),
            None => Ok(()),
        }
    }
}

/// The file formats [`read_points`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// NumPy's `.npy`.
    Npy,
    /// Comma-separated values.
    Csv,
}

impl Format {
    /// The format of a path, from its extension (case-insensitive); `None`
    /// for any other extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "npy" => Some(Format::Npy),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// Read a sample (rows are points) from a `.npy` or `.csv` file, chosen by
/// the extension; see the [module documentation](self) for what each
/// format may hold. Values are converted to `f64`; use [`Points::cast`] for
/// `f32`.
///
/// # Errors
/// [`ReadError::UnknownFormat`] for another extension,
/// [`ReadError::Open`] / [`ReadError::Io`] when the file cannot be read,
/// [`ReadError::Empty`] when it holds no point, [`ReadError::NonFinite`]
/// for the first NaN or infinite value, and the format-specific variants
/// ([`ReadError::InvalidNpy`], [`ReadError::UnsupportedDtype`],
/// [`ReadError::UnsupportedShape`], [`ReadError::RaggedRow`],
/// [`ReadError::NotANumber`]).
pub fn read_points(path: impl AsRef<Path>) -> Result<Points<'static, f64>, ReadError> {
    let path = path.as_ref();
    let (data, n, d) = match Format::from_path(path) {
        Some(Format::Npy) => npy::read(path)?,
        Some(Format::Csv) => csv::read(path)?,
        None => {
            return Err(ReadError::UnknownFormat {
                path: path.to_path_buf(),
            })
        }
    };
    if n == 0 || d == 0 {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    // The readers have checked the shape and that every value is finite.
    Points::from_vec(data, n, d).map_err(|e| ReadError::InvalidNpy {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Write a row-major `n x d` buffer as a C-order `.npy` array of shape
/// `(n, d)` and dtype `<f4` or `<f8` (the precision of `F`).
///
/// # Errors
/// [`WriteError::ShapeMismatch`] if `data.len() != n * d`, and
/// [`WriteError::Io`] if the file cannot be created or written.
pub fn write_npy<F: Float>(
    path: impl AsRef<Path>,
    data: &[F],
    n: usize,
    d: usize,
) -> Result<(), WriteError> {
    let path = path.as_ref();
    if n.checked_mul(d) != Some(data.len()) {
        return Err(WriteError::ShapeMismatch {
            path: path.to_path_buf(),
            len: data.len(),
            n,
            d,
        });
    }
    npy::write(path, data, n, d).map_err(|source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    })
}
