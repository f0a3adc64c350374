//! The networks of the chain: small multilayer perceptrons that map the
//! position of a particle at the start of a flow block to its displacement
//! over the block.
//!
//! A [`Net`] is an [`Mlp`] (`dim -> hidden -> ... -> hidden -> dim`, ReLU)
//! wrapped in a fixed affine normalisation ([`Normalization`]): the input is
//! centred and scaled to unit spread, the output is the network's value
//! times the root mean square of the displacements it was fitted to, so the
//! regression is equally well conditioned whether a block moves particles
//! far (the first blocks) or hardly at all (the last ones). [`fit`] trains
//! one with Adam on the mean squared error, keeps the epoch with the lowest
//! loss on held-out particles, and reports both losses as fractions of the
//! displacements' energy (`0` = perfect, `1` = no better than zero).
//!
//! For images a network can also have a residual convolutional branch
//! ([`NetShape::conv`], [`ConvShape`]): one small perceptron, shared by
//! every block of pixels, maps the square around a block to the block's
//! displacement. Its weight sharing makes it a denoiser that the
//! perceptron is not.
//!
//! The tensors run on burn's pure-Rust `flex` CPU backend. Initialisation
//! and batch order come from the fit's seed, so a fit is reproducible.

use std::path::Path;

use crate::rng::substream;
use burn::module::Module;
use burn::module::Param;
use burn::nn::loss::{MseLoss, Reduction};
use burn::nn::{Linear, Relu};
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use burn::store::{ModuleSnapshot, SafetensorsStore};
use rand::seq::SliceRandom;
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{GenError, Result};
use crate::images::ImageShape;

/// Rows per forward pass when a network is applied to many particles.
const APPLY_BATCH: usize = 2048;

/// Rows per forward pass for a network of `shape`: [`APPLY_BATCH`], fewer
/// when the convolutional branch's squares would take more than 2^23
/// values (32 MiB).
fn apply_batch(shape: &NetShape) -> usize {
    shape.conv.map_or(APPLY_BATCH, |c| {
        let per_row = c.blocks() * c.patch_len().max(c.channels).max(c.block_len());
        ((1usize << 23) / per_row.max(1)).clamp(1, APPLY_BATCH)
    })
}

/// The layer sizes of a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetShape {
    /// Input and output dimension (pixels of an image).
    pub dim: usize,
    /// Width of each hidden layer.
    pub hidden: usize,
    /// Number of hidden layers (at least 1).
    pub layers: usize,
    /// Add a full linear map `dim -> dim` to the perceptron's output: the
    /// part of a displacement that is linear in the position (shrinking
    /// the starting noise of each pixel, for example) then costs the
    /// hidden layers nothing.
    #[serde(default)]
    pub skip: bool,
    /// Add a residual convolutional branch ([`ConvShape`]: one small
    /// perceptron shared by all blocks of pixels, from the square around
    /// a block to its displacement) to the output, and start the network
    /// at zero displacement (the identity map): the last layer of the
    /// perceptron, the skip map and the branch's last layer are initialised
    /// to zero.
    #[serde(default)]
    pub conv: Option<ConvShape>,
}

/// The convolutional branch of a network ([`NetShape::conv`]): the image
/// is cut into blocks of `stride x stride` pixels, and a perceptron
/// `kernel² c -> channels -> channels -> stride² c` maps the
/// `kernel x kernel` square centred on each block (zero outside the image)
/// to the block's displacement, with the same weights for every block.
/// With `stride = 1` that is a convolutional network (a
/// `kernel x kernel` convolution followed by two 1x1 convolutions); a
/// larger stride is the same with the convolutions strided and the last
/// one transposed. It is computed as matrix products on the squares of the
/// input, which the fit never differentiates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvShape {
    /// The image the `dim` values are (CHW order).
    pub image: ImageShape,
    /// Channels of the two hidden layers.
    pub channels: usize,
    /// Side of the square each block's displacement is computed from: at
    /// least `stride`, and `kernel - stride` even (the square is centred
    /// on its block).
    pub kernel: usize,
    /// Side of the blocks; divides the image's width and height.
    pub stride: usize,
}

impl ConvShape {
    /// The default side of the squares (`smmd-gen --conv-kernel`).
    pub const DEFAULT_KERNEL: usize = 6;
    /// The default side of the blocks (`smmd-gen --conv-stride`).
    pub const DEFAULT_STRIDE: usize = 2;
    /// The default channels of the hidden layers (`smmd-gen --conv-channels`).
    pub const DEFAULT_CHANNELS: usize = 32;

    /// Values per square: `kernel² x channels of the image`.
    pub fn patch_len(&self) -> usize {
        self.kernel * self.kernel * self.image.channels
    }

    /// Blocks per image.
    pub fn blocks(&self) -> usize {
        (self.image.height / self.stride) * (self.image.width / self.stride)
    }

    /// Values of a block's displacement: `stride² x channels of the image`.
    pub fn block_len(&self) -> usize {
        self.stride * self.stride * self.image.channels
    }

    /// Check the sizes against each other.
    ///
    /// # Errors
    /// [`GenError::InvalidOption`] naming the size that does not fit.
    pub fn validate(&self) -> Result<()> {
        let ImageShape { width, height, .. } = self.image;
        if self.channels == 0 {
            return Err(GenError::invalid("convolution channels", 0, "at least 1"));
        }
        if self.stride == 0 || width % self.stride != 0 || height % self.stride != 0 {
            return Err(GenError::invalid(
                "convolution stride",
                self.stride,
                "a divisor of the image's width and height",
            ));
        }
        if self.kernel < self.stride || !(self.kernel - self.stride).is_multiple_of(2) {
            return Err(GenError::invalid(
                "convolution kernel",
                self.kernel,
                "at least the stride, with kernel - stride even (the square is centred on its block)",
            ));
        }
        Ok(())
    }

    /// The squares of the `n` rows of `x` (each an image in CHW order):
    /// `n x blocks` rows of [`ConvShape::patch_len`] values, blocks in
    /// row-major order, each square ordered by row, column, channel; zero
    /// outside the image (and for rows that `x` is too short to hold).
    pub fn patches(&self, x: &[f32], n: usize) -> Vec<f32> {
        let ImageShape {
            width: w,
            height: h,
            channels: c,
        } = self.image;
        let (k, s) = (self.kernel, self.stride);
        let margin = (k - s) / 2;
        let (hb, wb) = (h / s, w / s);
        let len = self.patch_len();
        let mut out = vec![0.0f32; n * hb * wb * len];
        out.par_chunks_mut(hb * wb * len)
            .zip(x.par_chunks(c * h * w))
            .take(n)
            .for_each(|(dst, img)| {
                for bi in 0..hb {
                    for bj in 0..wb {
                        let row = &mut dst[(bi * wb + bj) * len..(bi * wb + bj + 1) * len];
                        for di in 0..k {
                            let Some(i) = (bi * s + di).checked_sub(margin).filter(|&v| v < h)
                            else {
                                continue;
                            };
                            for dj in 0..k {
                                let Some(j) = (bj * s + dj).checked_sub(margin).filter(|&v| v < w)
                                else {
                                    continue;
                                };
                                for ch in 0..c {
                                    row[(di * k + dj) * c + ch] = img[(ch * h + i) * w + j];
                                }
                            }
                        }
                    }
                }
            });
        out
    }
}

impl NetShape {
    /// Check the sizes.
    ///
    /// # Errors
    /// [`GenError::InvalidOption`] for a zero size.
    pub fn validate(&self) -> Result<()> {
        if self.dim == 0 {
            return Err(GenError::invalid("network dimension", 0, "at least 1"));
        }
        if self.hidden == 0 {
            return Err(GenError::invalid("hidden width", 0, "at least 1"));
        }
        if self.layers == 0 {
            return Err(GenError::invalid("hidden layers", 0, "at least 1"));
        }
        if let Some(c) = self.conv {
            if c.image.dim() != self.dim {
                return Err(GenError::invalid(
                    "convolution image",
                    c.image.dim(),
                    "an image of the network's dimension",
                ));
            }
            c.validate()?;
        }
        Ok(())
    }

    /// Number of trainable parameters.
    pub fn parameters(&self) -> usize {
        let (d, h) = (self.dim, self.hidden);
        let conv = self.conv.map_or(0, |c| {
            let k = c.channels;
            (c.patch_len() * k + k) + (k * k + k) + (k * c.block_len() + c.block_len())
        });
        (d * h + h)
            + (self.layers - 1) * (h * h + h)
            + (h * d + d)
            + usize::from(self.skip) * d * d
            + conv
    }
}

/// The fixed affine maps around a network:
/// `displacement(x) = out_scale * mlp((x - in_mean) / in_std)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Normalization {
    /// Mean of all input coordinates the network was fitted on.
    pub in_mean: f32,
    /// Their standard deviation (1 if they were all equal).
    pub in_std: f32,
    /// Root mean square of the fitted displacements (1 if all were zero).
    pub out_scale: f32,
}

/// The convolutional branch of an [`Mlp`]: the perceptron of
/// [`ConvShape`] on the square around every block of pixels.
#[derive(Module, Debug)]
pub struct ConvBranch {
    patch: Linear,
    mix: Linear,
    out: Linear,
    act: Relu,
    #[module(skip)]
    shape: ConvShape,
}

impl ConvBranch {
    /// The displacements (`n` rows in CHW order) of the `n` rows of `x`.
    /// The squares are cut on the CPU from `x`'s values: the input of a
    /// network is never differentiated, so only the products that follow
    /// are recorded for the gradient.
    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let n = x.dims()[0];
        let ImageShape {
            width: w,
            height: h,
            channels: c,
        } = self.shape.image;
        let values = x
            .clone()
            .into_data()
            .try_into_vec::<f32>()
            .expect("network inputs are f32");
        let blocks = self.shape.blocks();
        let patches = Tensor::<2>::from_data(
            TensorData::new(
                self.shape.patches(&values, n),
                [n * blocks, self.shape.patch_len()],
            ),
            &x.device(),
        );
        let y = self.act.forward(self.patch.forward(patches));
        let y = self.act.forward(self.mix.forward(y));
        let y = self.out.forward(y);
        let s = self.shape.stride;
        let (hb, wb) = (h / s, w / s);
        if s == 1 && c == 1 {
            return y.reshape([n, h * w]);
        }
        // [n, block row, block column, row in block, column in block, channel]
        // -> [n, channel, block row, row in block, block column, column in block]
        y.reshape([n, hb, wb, s, s, c])
            .permute([0, 5, 1, 3, 2, 4])
            .reshape([n, c * h * w])
    }
}

/// The perceptron itself (a burn [`Module`]), with its optional
/// convolutional branch.
#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
    skip: Option<Linear>,
    conv: Option<ConvBranch>,
    act: Relu,
}

impl Mlp {
    /// A freshly initialised network of `shape` on `device`: every weight
    /// and bias uniform on `(-k, k)` with `k = 1/sqrt(fan_in)` (the
    /// Kaiming-uniform default of burn's `Linear`), drawn from substreams of
    /// `seed` rather than the backend's global generator, so that fits
    /// running at the same time in one process stay reproducible.
    pub fn new(shape: &NetShape, device: &Device, seed: u64) -> Self {
        let mut stream = 0u64;
        let mut draw = |len: usize, fan_in: usize, zero: bool| -> Vec<f32> {
            let k = (1.0 / fan_in as f64).sqrt() as f32;
            // streams 2^32.. (the split and batch orders use 0, 1, ...)
            let mut rng = substream(seed, (1 << 32) + stream);
            stream += 1;
            if zero {
                return vec![0.0; len];
            }
            (0..len).map(|_| rng.random_range(-k..k)).collect()
        };
        let zero_last = shape.conv.is_some();
        let mut linear = |input: usize, output: usize, bias: bool, zero: bool| {
            let mut draw = |len: usize| draw(len, input, zero);
            let weight = Param::from_data(
                TensorData::new(draw(input * output), [input, output]),
                device,
            );
            let bias =
                bias.then(|| Param::from_data(TensorData::new(draw(output), [output]), device));
            Linear { weight, bias }
        };
        let mut layers = Vec::with_capacity(shape.layers + 1);
        let mut input = shape.dim;
        for _ in 0..shape.layers {
            layers.push(linear(input, shape.hidden, true, false));
            input = shape.hidden;
        }
        layers.push(linear(input, shape.dim, true, zero_last));
        let skip = shape
            .skip
            .then(|| linear(shape.dim, shape.dim, false, zero_last));
        let conv = shape.conv.map(|c| ConvBranch {
            patch: linear(c.patch_len(), c.channels, true, false),
            mix: linear(c.channels, c.channels, true, false),
            out: linear(c.channels, c.block_len(), true, true),
            act: Relu::new(),
            shape: c,
        });
        Mlp {
            layers,
            skip,
            conv,
            act: Relu::new(),
        }
    }

    /// The network's output for a batch of (normalised) inputs.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        let linear = self.skip.as_ref().map(|s| s.forward(x.clone()));
        let conv = self.conv.as_ref().map(|c| c.forward(x.clone()));
        let mut h = x;
        for (i, layer) in self.layers.iter().enumerate() {
            h = layer.forward(h);
            if i < last {
                h = self.act.forward(h);
            }
        }
        if let Some(l) = linear {
            h = h + l;
        }
        if let Some(c) = conv {
            h = h + c;
        }
        h
    }
}

/// A fitted network with its normalisation: a map from positions to
/// displacements.
#[derive(Debug, Clone)]
pub struct Net {
    mlp: Mlp,
    shape: NetShape,
    norm: Normalization,
    device: Device,
}

/// The CPU device every network runs on.
fn device() -> Device {
    Device::flex()
}

impl Net {
    /// An untrained network of `shape` from `seed`, with the identity
    /// normalisation: with [`NetShape::conv`] it maps every position to a
    /// displacement of exactly zero.
    ///
    /// # Errors
    /// As [`NetShape::validate`].
    pub fn untrained(shape: NetShape, seed: u64) -> Result<Net> {
        shape.validate()?;
        let device = device();
        Ok(Net {
            mlp: Mlp::new(&shape, &device, seed),
            shape,
            norm: Normalization {
                in_mean: 0.0,
                in_std: 1.0,
                out_scale: 1.0,
            },
            device,
        })
    }

    /// The layer sizes.
    pub fn shape(&self) -> NetShape {
        self.shape
    }

    /// The normalisation.
    pub fn normalization(&self) -> Normalization {
        self.norm
    }

    /// The predicted displacement of each of the `n` rows of `x` (row-major,
    /// `n x dim`), in batches.
    ///
    /// # Errors
    /// [`GenError::Data`] if `x` is not `n x dim`; [`GenError::NotFinite`]
    /// if the network returns a value that is not finite.
    pub fn displacement(&self, x: &[f32], n: usize) -> Result<Vec<f32>> {
        let d = self.shape.dim;
        if x.len() != n * d {
            return Err(GenError::Data(format!(
                "network input has {} values, expected {n} rows of {d}",
                x.len()
            )));
        }
        let mut out = Vec::with_capacity(n * d);
        let (mean, inv) = (self.norm.in_mean, 1.0 / self.norm.in_std);
        let batch = apply_batch(&self.shape);
        for start in (0..n).step_by(batch) {
            let rows = batch.min(n - start);
            let batch: Vec<f32> = x[start * d..(start + rows) * d]
                .iter()
                .map(|v| (v - mean) * inv)
                .collect();
            let t = Tensor::<2>::from_data(TensorData::new(batch, [rows, d]), &self.device);
            let y = self.mlp.forward(t).into_data();
            let y = y
                .try_to_vec::<f32>()
                .map_err(|e| GenError::Data(format!("network output: {e:?}")))?;
            out.extend(y.into_iter().map(|v| v * self.norm.out_scale));
        }
        if let Some(i) = out.iter().position(|v| !v.is_finite()) {
            return Err(GenError::NotFinite {
                what: "network output",
                row: i / d,
            });
        }
        Ok(out)
    }

    /// Move the `n` rows of `x` by their predicted displacement.
    ///
    /// # Errors
    /// As [`Net::displacement`].
    pub fn push(&self, x: &mut [f32], n: usize) -> Result<()> {
        let disp = self.displacement(x, n)?;
        for (v, dv) in x.iter_mut().zip(disp) {
            *v += dv;
        }
        Ok(())
    }

    /// Write the weights to `path` (safetensors).
    ///
    /// # Errors
    /// [`GenError::Weights`] if the file cannot be written.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut store = SafetensorsStore::from_file(path.to_path_buf()).overwrite(true);
        self.mlp
            .save_into(&mut store)
            .map_err(|e| GenError::Weights {
                path: path.to_path_buf(),
                message: format!("{e:?}"),
            })
    }

    /// Read weights written by [`Net::save`] for a network of `shape` with
    /// normalisation `norm`.
    ///
    /// # Errors
    /// [`GenError::Io`] if the file is missing; [`GenError::Weights`] if it
    /// does not hold the weights of a network of this shape.
    pub fn load(path: &Path, shape: NetShape, norm: Normalization) -> Result<Net> {
        shape.validate()?;
        if !path.is_file() {
            return Err(GenError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "weights file not found"),
            ));
        }
        let device = device();
        let mut mlp = Mlp::new(&shape, &device, 0);
        let mut store = SafetensorsStore::from_file(path.to_path_buf());
        let applied = mlp.load_from(&mut store).map_err(|e| GenError::Weights {
            path: path.to_path_buf(),
            message: format!("{e:?}"),
        })?;
        if !applied.missing.is_empty() || !applied.unused.is_empty() || !applied.errors.is_empty() {
            let skip = if shape.skip {
                " with skip map"
            } else {
                " without skip map"
            };
            let missing: Vec<&str> = applied.missing.iter().map(|(p, _)| p.as_str()).collect();
            return Err(GenError::Weights {
                path: path.to_path_buf(),
                message: format!(
                    "does not match a {}-{}x{} network{skip} (missing {:?}, unexpected {:?}, errors {:?})",
                    shape.dim, shape.hidden, shape.layers, missing, applied.unused, applied.errors
                ),
            });
        }
        Ok(Net {
            mlp,
            shape,
            norm,
            device,
        })
    }
}

/// How [`fit`] trains.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// Passes over the training rows.
    pub epochs: usize,
    /// Rows per Adam step.
    pub batch: usize,
    /// Adam's step size at the start; it decays along a half cosine to a
    /// tenth of this by the last epoch.
    pub learning_rate: f64,
    /// Fraction of the rows held out to choose the epoch (0 keeps the last
    /// epoch and reports no held-out loss).
    pub validation: f64,
    /// Seed of the initialisation, the split and the batch order.
    pub seed: u64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            epochs: 20,
            batch: 256,
            learning_rate: 1e-3,
            validation: 0.1,
            seed: 0,
        }
    }
}

impl FitOptions {
    /// Check the options.
    ///
    /// # Errors
    /// [`GenError::InvalidOption`] for zero epochs or batch, a step size
    /// that is not positive and finite, or a validation fraction outside
    /// `[0, 0.5]`.
    pub fn validate(&self) -> Result<()> {
        if self.epochs == 0 {
            return Err(GenError::invalid("epochs", 0, "at least 1"));
        }
        if self.batch == 0 {
            return Err(GenError::invalid("batch", 0, "at least 1"));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(GenError::invalid(
                "learning rate",
                self.learning_rate,
                "a positive number",
            ));
        }
        if !(0.0..=0.5).contains(&self.validation) {
            return Err(GenError::invalid(
                "validation fraction",
                self.validation,
                "between 0 and 0.5",
            ));
        }
        Ok(())
    }
}

/// What a fit did. Losses are mean squared errors of the normalised
/// displacements, that is fractions of the displacements' mean square.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    /// Loss of the untrained network on the training rows.
    pub initial_loss: f64,
    /// Training loss of each epoch (mean over its batches).
    pub train_loss: Vec<f64>,
    /// Held-out loss after each epoch (empty without held-out rows).
    pub validation_loss: Vec<f64>,
    /// The epoch kept (1-based): lowest held-out loss, else the last.
    pub kept_epoch: usize,
    /// Rows trained on and held out.
    pub rows: (usize, usize),
    /// Wall time of the fit in seconds.
    pub seconds: f64,
}

impl FitReport {
    /// Training loss of the kept epoch.
    pub fn train(&self) -> f64 {
        self.train_loss[self.kept_epoch - 1]
    }

    /// Held-out loss of the kept epoch, if rows were held out.
    pub fn validation(&self) -> Option<f64> {
        self.validation_loss.get(self.kept_epoch - 1).copied()
    }
}

/// Mean and standard deviation of all values (f64 sums).
fn moments(x: &[f32]) -> (f32, f32) {
    let n = x.len().max(1) as f64;
    let mean = x.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = x.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
    let std = if var > 0.0 { var.sqrt() } else { 1.0 };
    (mean as f32, std as f32)
}

/// Fit a network of `shape` to map each of the `n` rows of `inputs` to the
/// same row of `targets` (both row-major `n x shape.dim`).
///
/// # Errors
/// [`GenError::InvalidOption`] for bad options; [`GenError::Data`] for
/// buffers of the wrong length or fewer than 2 rows; [`GenError::NotFinite`]
/// for non-finite data or a loss that diverges.
///
/// # Examples
/// ```
/// use smmd_generative::net::{fit, FitOptions, NetShape};
/// // displacement field (x, y) -> (-y, x) / 4 on 512 points of a grid
/// let n = 512;
/// let x: Vec<f32> = (0..n).flat_map(|i| [(i % 32) as f32 / 16.0 - 1.0, (i / 32) as f32 / 8.0 - 1.0]).collect();
/// let t: Vec<f32> = x.chunks(2).flat_map(|p| [-p[1] / 4.0, p[0] / 4.0]).collect();
/// let shape = NetShape { dim: 2, hidden: 32, layers: 2, skip: false, conv: None };
/// let opts = FitOptions { epochs: 30, batch: 64, ..FitOptions::default() };
/// let (net, report) = fit(shape, &x, &t, n, &opts)?;
/// assert!(report.train() < report.initial_loss / 10.0);
/// let d = net.displacement(&x[..2], 1)?;
/// assert_eq!(d.len(), 2);
/// # Ok::<(), smmd_generative::GenError>(())
/// ```
pub fn fit(
    shape: NetShape,
    inputs: &[f32],
    targets: &[f32],
    n: usize,
    opts: &FitOptions,
) -> Result<(Net, FitReport)> {
    fit_from(shape, inputs, targets, n, opts, None)
}

/// As [`fit`], starting from the weights of `warm` (a warm start: the
/// previous block's network) when it is given and has the same shape,
/// instead of a fresh initialisation. The normalisation is this fit's own.
///
/// # Errors
/// As [`fit`].
pub fn fit_from(
    shape: NetShape,
    inputs: &[f32],
    targets: &[f32],
    n: usize,
    opts: &FitOptions,
    warm: Option<&Net>,
) -> Result<(Net, FitReport)> {
    let start = std::time::Instant::now();
    shape.validate()?;
    opts.validate()?;
    let d = shape.dim;
    if inputs.len() != n * d || targets.len() != n * d {
        return Err(GenError::Data(format!(
            "fit: {} inputs and {} targets, expected {n} rows of {d}",
            inputs.len(),
            targets.len()
        )));
    }
    if n < 2 {
        return Err(GenError::Data("fit: needs at least 2 rows".into()));
    }
    for (what, buf) in [("fit input", inputs), ("fit target", targets)] {
        if let Some(i) = buf.iter().position(|v| !v.is_finite()) {
            return Err(GenError::NotFinite { what, row: i / d });
        }
    }
    let (in_mean, in_std) = moments(inputs);
    let ms = targets.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / targets.len() as f64;
    let out_scale = if ms > 0.0 { ms.sqrt() as f32 } else { 1.0 };
    let norm = Normalization {
        in_mean,
        in_std,
        out_scale,
    };
    let xin: Vec<f32> = inputs.iter().map(|v| (v - in_mean) / in_std).collect();
    let tout: Vec<f32> = targets.iter().map(|v| v / out_scale).collect();

    // split: a seeded permutation, the last `held` rows held out
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut substream(opts.seed, 0));
    let held = ((n as f64 * opts.validation).round() as usize).min(n - 1);
    let (train_rows, val_rows) = order.split_at(n - held);
    let mut train_rows = train_rows.to_vec();
    let val_rows = val_rows.to_vec();

    let plain = device();
    let dev = plain.clone().autodiff();
    let mut model = match warm {
        Some(net) if net.shape == shape => net.mlp.clone().fork(&dev).train(),
        _ => Mlp::new(&shape, &dev, opts.seed),
    };
    let mut adam = AdamConfig::new().init();
    let mse = MseLoss::new();

    let gather = |rows: &[usize], src: &[f32]| -> Vec<f32> {
        let mut out = Vec::with_capacity(rows.len() * d);
        for &r in rows {
            out.extend_from_slice(&src[r * d..(r + 1) * d]);
        }
        out
    };
    let eval = |model: &Mlp, rows: &[usize]| -> Result<f64> {
        let inner = model.valid();
        let mut sum = 0.0;
        for chunk in rows.chunks(apply_batch(&shape)) {
            let x = Tensor::<2>::from_data(
                TensorData::new(gather(chunk, &xin), [chunk.len(), d]),
                &plain,
            );
            let y = inner
                .forward(x)
                .into_data()
                .try_to_vec::<f32>()
                .map_err(|e| GenError::Data(format!("network output: {e:?}")))?;
            let t = gather(chunk, &tout);
            sum += y
                .iter()
                .zip(&t)
                .map(|(a, b)| ((a - b) as f64).powi(2))
                .sum::<f64>();
        }
        Ok(sum / (rows.len() * d) as f64)
    };

    let initial_loss = eval(&model, &train_rows)?;
    let mut report = FitReport {
        initial_loss,
        train_loss: Vec::with_capacity(opts.epochs),
        validation_loss: Vec::new(),
        kept_epoch: opts.epochs,
        rows: (train_rows.len(), val_rows.len()),
        seconds: 0.0,
    };
    let mut best: Option<(f64, Mlp)> = None;
    let batch = opts.batch.min(train_rows.len());
    for epoch in 0..opts.epochs {
        let progress = epoch as f64 / opts.epochs.max(2).saturating_sub(1) as f64;
        let lr = opts.learning_rate * (0.55 + 0.45 * (std::f64::consts::PI * progress).cos());
        train_rows.shuffle(&mut substream(opts.seed, 1 + epoch as u64));
        let mut sum = 0.0;
        let mut count = 0usize;
        // whole batches only: a short last batch would get a full step
        for rows in train_rows.chunks_exact(batch) {
            let x =
                Tensor::<2>::from_data(TensorData::new(gather(rows, &xin), [rows.len(), d]), &dev);
            let t =
                Tensor::<2>::from_data(TensorData::new(gather(rows, &tout), [rows.len(), d]), &dev);
            let loss = mse.forward(model.forward(x), t, Reduction::Mean);
            let value = f64::from(loss.clone().into_scalar::<f32>());
            if !value.is_finite() {
                return Err(GenError::NotFinite {
                    what: "training loss",
                    row: epoch,
                });
            }
            sum += value * rows.len() as f64;
            count += rows.len();
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = adam.step(lr, model, grads);
        }
        report.train_loss.push(sum / count as f64);
        if !val_rows.is_empty() {
            let v = eval(&model, &val_rows)?;
            report.validation_loss.push(v);
            if best.as_ref().is_none_or(|(b, _): &(f64, Mlp)| v < *b) {
                best = Some((v, model.clone()));
                report.kept_epoch = epoch + 1;
            }
        }
    }
    let kept = match best {
        Some((_, m)) => m,
        None => model,
    };
    report.seconds = start.elapsed().as_secs_f64();
    Ok((
        Net {
            mlp: kept.valid(),
            shape,
            norm,
            device: plain,
        },
        report,
    ))
}
