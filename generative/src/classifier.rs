//! A small convolutional classifier, trained by the crate on the training
//! split only, whose penultimate features feed the Fréchet distance and
//! the k-NN precision/recall of [`crate::metrics`], and whose predictions
//! give the class histogram of generated samples.
//!
//! Two 3x3 convolutions of stride 2 (16 and 32 channels, ReLU), a linear
//! layer to [`FEATURES`] features (ReLU: the penultimate features), and a
//! linear layer to the classes; Adam on the cross-entropy. Weights come
//! from the seed's own streams, so a training repeats bit for bit.

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::loss::CrossEntropyLossConfig;
use burn::nn::{Linear, PaddingConfig2d, Relu};
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use rand::seq::SliceRandom;
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::error::{GenError, Result};
use crate::images::ImageShape;
use crate::rng::substream;

/// Width of the penultimate layer.
pub const FEATURES: usize = 64;

/// Rows per forward pass outside training.
const APPLY_BATCH: usize = 500;

/// The network (a burn [`Module`]).
#[derive(Module, Debug)]
pub struct Cnn {
    conv1: Conv2d,
    conv2: Conv2d,
    hidden: Linear,
    out: Linear,
    act: Relu,
}

/// Uniform values on `(-k, k)`, `k = 1/sqrt(fan_in)`, from stream `stream`
/// of `seed`.
fn draw(seed: u64, stream: u64, len: usize, fan_in: usize) -> Vec<f32> {
    let k = (1.0 / fan_in as f64).sqrt() as f32;
    let mut rng = substream(seed, (1 << 33) + stream);
    (0..len).map(|_| rng.random_range(-k..k)).collect()
}

fn conv(cin: usize, cout: usize, device: &Device, seed: u64, stream: u64) -> Conv2d {
    let mut c = Conv2dConfig::new([cin, cout], [3, 3])
        .with_stride([2, 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(device);
    let fan_in = cin * 9;
    c.weight = Param::from_data(
        TensorData::new(
            draw(seed, stream, cout * cin * 9, fan_in),
            [cout, cin, 3, 3],
        ),
        device,
    );
    c.bias = Some(Param::from_data(
        TensorData::new(draw(seed, stream + 1, cout, fan_in), [cout]),
        device,
    ));
    c
}

fn linear(input: usize, output: usize, device: &Device, seed: u64, stream: u64) -> Linear {
    Linear {
        weight: Param::from_data(
            TensorData::new(draw(seed, stream, input * output, input), [input, output]),
            device,
        ),
        bias: Some(Param::from_data(
            TensorData::new(draw(seed, stream + 1, output, input), [output]),
            device,
        )),
    }
}

/// Side after a 3x3 convolution of stride 2 and padding 1.
fn halve(s: usize) -> usize {
    s.div_ceil(2)
}

impl Cnn {
    fn new(shape: ImageShape, classes: usize, device: &Device, seed: u64) -> Cnn {
        let flat = 32 * halve(halve(shape.height)) * halve(halve(shape.width));
        Cnn {
            conv1: conv(shape.channels, 16, device, seed, 0),
            conv2: conv(16, 32, device, seed, 2),
            hidden: linear(flat, FEATURES, device, seed, 4),
            out: linear(FEATURES, classes, device, seed, 6),
            act: Relu::new(),
        }
    }

    /// Penultimate features of a batch of images `[n, c, h, w]`.
    fn features(&self, x: Tensor<4>) -> Tensor<2> {
        let h = self.act.forward(self.conv1.forward(x));
        let h = self.act.forward(self.conv2.forward(h));
        let h: Tensor<2> = h.flatten(1, 3);
        self.act.forward(self.hidden.forward(h))
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        self.out.forward(self.features(x))
    }
}

/// How [`Classifier::train`] trains.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassifierOptions {
    /// Passes over the training images.
    pub epochs: usize,
    /// Images per Adam step.
    pub batch: usize,
    /// Adam's step size.
    pub learning_rate: f64,
    /// Seed of the weights and the batch order.
    pub seed: u64,
}

impl Default for ClassifierOptions {
    fn default() -> Self {
        ClassifierOptions {
            epochs: 8,
            batch: 64,
            learning_rate: 2e-3,
            seed: 0,
        }
    }
}

/// A trained classifier.
#[derive(Debug, Clone)]
pub struct Classifier {
    cnn: Cnn,
    shape: ImageShape,
    classes: usize,
    device: Device,
}

impl Classifier {
    /// Train on the `n` images of `shape` in `images` (row-major, CHW) with
    /// their `labels` (below `classes`).
    ///
    /// # Errors
    /// [`GenError::Data`] for buffers of the wrong length, no images or a
    /// label `>= classes`; [`GenError::InvalidOption`] for zero epochs,
    /// batch or classes; [`GenError::NotFinite`] if the loss diverges.
    pub fn train(
        images: &[f32],
        labels: &[u8],
        shape: ImageShape,
        classes: usize,
        opts: &ClassifierOptions,
    ) -> Result<Classifier> {
        let d = shape.dim();
        let n = labels.len();
        if n == 0 || d == 0 || images.len() != n * d {
            return Err(GenError::Data(format!(
                "classifier: {} values and {n} labels are not whole images of {d}",
                images.len()
            )));
        }
        if classes == 0 || opts.epochs == 0 || opts.batch == 0 {
            return Err(GenError::invalid(
                "classifier epochs, batch and classes",
                0,
                "at least 1",
            ));
        }
        if let Some(l) = labels.iter().find(|&&l| usize::from(l) >= classes) {
            return Err(GenError::Data(format!(
                "classifier: label {l} is not below {classes}"
            )));
        }
        let plain = Device::flex();
        let dev = plain.clone().autodiff();
        let mut model = Cnn::new(shape, classes, &dev, opts.seed);
        let mut adam = AdamConfig::new().init();
        let loss_fn = CrossEntropyLossConfig::new().init(&dev);
        let mut order: Vec<usize> = (0..n).collect();
        let batch = opts.batch.min(n);
        for epoch in 0..opts.epochs {
            order.shuffle(&mut substream(opts.seed, epoch as u64));
            for rows in order.chunks_exact(batch) {
                let mut x = Vec::with_capacity(rows.len() * d);
                for &r in rows {
                    x.extend_from_slice(&images[r * d..(r + 1) * d]);
                }
                let y: Vec<i64> = rows.iter().map(|&r| i64::from(labels[r])).collect();
                let x = Tensor::<4>::from_data(
                    TensorData::new(x, [rows.len(), shape.channels, shape.height, shape.width]),
                    &dev,
                );
                let y = Tensor::<1, Int>::from_data(TensorData::new(y, [rows.len()]), &dev);
                let loss = loss_fn.forward(model.forward(x), y);
                let value = f64::from(loss.clone().into_scalar::<f32>());
                if !value.is_finite() {
                    return Err(GenError::NotFinite {
                        what: "classifier loss",
                        row: epoch,
                    });
                }
                let grads = GradientsParams::from_grads(loss.backward(), &model);
                model = adam.step(opts.learning_rate, model, grads);
            }
        }
        Ok(Classifier {
            cnn: model.valid(),
            shape,
            classes,
            device: plain,
        })
    }

    /// The image shape it classifies.
    pub fn shape(&self) -> ImageShape {
        self.shape
    }

    fn batches(&self, images: &[f32], mut each: impl FnMut(Tensor<4>) -> Result<()>) -> Result<()> {
        let d = self.shape.dim();
        if images.is_empty() || !images.len().is_multiple_of(d) {
            return Err(GenError::Data(format!(
                "classifier: {} values are not whole images of {d}",
                images.len()
            )));
        }
        for chunk in images.chunks(APPLY_BATCH * d) {
            let rows = chunk.len() / d;
            each(Tensor::<4>::from_data(
                TensorData::new(
                    chunk.to_vec(),
                    [
                        rows,
                        self.shape.channels,
                        self.shape.height,
                        self.shape.width,
                    ],
                ),
                &self.device,
            ))?;
        }
        Ok(())
    }

    /// The penultimate features of each image ([`FEATURES`] per row,
    /// row-major).
    ///
    /// # Errors
    /// [`GenError::Data`] if `images` is not whole images of the shape.
    pub fn features(&self, images: &[f32]) -> Result<Vec<f32>> {
        let mut out = Vec::with_capacity(images.len() / self.shape.dim() * FEATURES);
        self.batches(images, |x| {
            let f = self.cnn.features(x).into_data();
            out.extend(
                f.try_to_vec::<f32>()
                    .map_err(|e| GenError::Data(format!("classifier output: {e:?}")))?,
            );
            Ok(())
        })?;
        Ok(out)
    }

    /// The most likely class of each image.
    ///
    /// # Errors
    /// [`GenError::Data`] if `images` is not whole images of the shape.
    pub fn predict(&self, images: &[f32]) -> Result<Vec<usize>> {
        let mut out = Vec::with_capacity(images.len() / self.shape.dim());
        let k = self.classes;
        self.batches(images, |x| {
            let logits = self
                .cnn
                .forward(x)
                .into_data()
                .try_to_vec::<f32>()
                .map_err(|e| GenError::Data(format!("classifier output: {e:?}")))?;
            out.extend(logits.chunks_exact(k).map(|row| {
                let mut best = 0;
                for (i, v) in row.iter().enumerate() {
                    if *v > row[best] {
                        best = i;
                    }
                }
                best
            }));
            Ok(())
        })?;
        Ok(out)
    }

    /// The fraction of `images` predicted as their `labels`.
    ///
    /// # Errors
    /// As [`Classifier::predict`]; [`GenError::Data`] if the counts differ.
    pub fn accuracy(&self, images: &[f32], labels: &[u8]) -> Result<f64> {
        let p = self.predict(images)?;
        if p.len() != labels.len() {
            return Err(GenError::Data(format!(
                "classifier: {} images and {} labels",
                p.len(),
                labels.len()
            )));
        }
        let right = p
            .iter()
            .zip(labels)
            .filter(|(a, b)| **a == usize::from(**b))
            .count();
        Ok(right as f64 / p.len() as f64)
    }
}

/// The figures that see the grain (see [`quality`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// Samples of each kind compared.
    pub count: usize,
    /// The classifier's accuracy on all held-out images.
    pub classifier_accuracy: f64,
    /// Fréchet distance of the classifier's features, generated vs
    /// held-out.
    pub frechet: f64,
    /// The same for training vs held-out images (the floor).
    pub frechet_floor: f64,
    /// k-NN precision and recall (k = 3) of the generated features against
    /// the held-out ones.
    pub precision_recall: crate::metrics::PrecisionRecall,
    /// The same for training images against held-out ones (the floor).
    pub precision_recall_floor: crate::metrics::PrecisionRecall,
    /// How many generated samples the classifier puts in each class.
    pub class_histogram: Vec<usize>,
    /// Pixels that are background in at least 99% of training images.
    pub background_pixels: usize,
    /// Mean |pixel| of the generated samples on those pixels.
    pub background_generated: f64,
    /// The same for the held-out images.
    pub background_heldout: f64,
    /// Isolated bright pixels per generated image
    /// ([`crate::metrics::isolated_pixels`] above
    /// [`crate::metrics::ISOLATED_MIN`]); 0 in reports written before it.
    #[serde(default)]
    pub isolated_generated: f64,
    /// The same for the held-out images.
    #[serde(default)]
    pub isolated_heldout: f64,
}

impl Quality {
    /// `frechet / frechet_floor`: the target is at most 3.
    pub fn frechet_ratio(&self) -> f64 {
        self.frechet / self.frechet_floor
    }

    /// The smallest class's share of the generated samples.
    pub fn smallest_class(&self) -> f64 {
        let total: usize = self.class_histogram.iter().sum();
        let min = self.class_histogram.iter().copied().min().unwrap_or(0);
        min as f64 / total.max(1) as f64
    }
}

/// Mean and standard error of a figure over independent draws.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Mean over the draws.
    pub mean: f64,
    /// Standard error of the mean: the draws' sample standard deviation
    /// (divisor `draws - 1`) over `√draws`.
    pub std_error: f64,
    /// Number of draws.
    pub draws: usize,
}

impl Spread {
    /// The mean and standard error of `values` (sums in `f64`).
    ///
    /// # Errors
    /// [`GenError::Data`] for fewer than 2 values (no spread to measure)
    /// or a value that is not finite.
    ///
    /// # Examples
    /// ```
    /// use smmd_generative::classifier::Spread;
    /// let s = Spread::of(&[1.0, 2.0, 3.0, 4.0])?;
    /// assert_eq!(s.mean, 2.5);
    /// // sample variance 5/3, standard error sqrt(5/3 / 4)
    /// assert!((s.std_error - (5.0f64 / 12.0).sqrt()).abs() < 1e-15);
    /// # Ok::<(), smmd_generative::GenError>(())
    /// ```
    pub fn of(values: &[f64]) -> Result<Spread> {
        let n = values.len();
        if n < 2 {
            return Err(GenError::Data(format!(
                "a spread needs at least 2 draws, got {n}"
            )));
        }
        if let Some(v) = values.iter().find(|v| !v.is_finite()) {
            return Err(GenError::Data(format!("a draw's figure is {v}")));
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        Ok(Spread {
            mean,
            std_error: (var / n as f64).sqrt(),
            draws: n,
        })
    }
}

/// The classifier's figures over several draws (see
/// [`QualityReference::draws`]). On MNIST the Fréchet distance of one
/// draw of 1000 images has a standard deviation of 11% to 16% of its
/// mean from one noise seed to the next, so a mean over draws with its
/// standard error says more than any single draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draws {
    /// Fréchet distance, each generated draw against the held-out images.
    pub frechet: Spread,
    /// Fréchet distance, each disjoint set of training images against the
    /// held-out images (the floor).
    pub frechet_floor: Spread,
    /// k-NN precision (k = 3) of each generated draw.
    pub precision: Spread,
    /// k-NN recall (k = 3) of each generated draw.
    pub recall: Spread,
    /// k-NN precision of each set of training images (the floor).
    pub precision_floor: Spread,
    /// k-NN recall of each set of training images (the floor).
    pub recall_floor: Spread,
}

impl Draws {
    /// The mean Fréchet distance of the generated draws over that of the
    /// training sets: the target is at most 3.
    pub fn frechet_ratio(&self) -> f64 {
        self.frechet.mean / self.frechet_floor.mean
    }
}

/// `v` holds at least `count` rows of `d` values.
fn need(name: &str, v: &[f32], count: usize, d: usize) -> Result<()> {
    if v.len() < count * d {
        return Err(GenError::Data(format!(
            "{name}: {} rows, the figures need {count}",
            v.len() / d.max(1)
        )));
    }
    Ok(())
}

/// What [`quality`] compares generated samples with, computed once: the
/// classifier trained on the training split, the features of the first
/// `count` held-out images, the floor's figures (the first `count`
/// training images against them) and the background pixels. Compare many
/// generated sets (a chain at every depth, with and without a map) with
/// [`QualityReference::quality`] without training the classifier again.
#[derive(Debug)]
pub struct QualityReference {
    classifier: Classifier,
    classes: usize,
    count: usize,
    accuracy: f64,
    heldout_features: Vec<f32>,
    frechet_floor: f64,
    precision_recall_floor: crate::metrics::PrecisionRecall,
    mask: Vec<bool>,
    background_heldout: f64,
    isolated_heldout: f64,
}

impl QualityReference {
    /// Train the classifier on `train` (with `train_labels`) and prepare
    /// the comparison with the first `count` held-out rows; the accuracy
    /// is measured on all of `heldout`, the background pixels on all
    /// training images.
    ///
    /// # Errors
    /// As [`Classifier::train`] and the metrics; [`GenError::Data`] if a
    /// set has fewer than `count` rows.
    pub fn new(
        train: &[f32],
        train_labels: &[u8],
        heldout: &[f32],
        heldout_labels: &[u8],
        shape: ImageShape,
        count: usize,
        opts: &ClassifierOptions,
    ) -> Result<QualityReference> {
        use crate::metrics::{
            background_level, background_mask, frechet_distance, isolated_pixels, precision_recall,
            ISOLATED_MIN,
        };
        let d = shape.dim();
        need("training", train, count, d)?;
        need("held-out", heldout, count, d)?;
        let classes = train_labels
            .iter()
            .map(|&l| usize::from(l) + 1)
            .max()
            .unwrap_or(1);
        let classifier = Classifier::train(train, train_labels, shape, classes, opts)?;
        let (t, h) = (&train[..count * d], &heldout[..count * d]);
        let (ft, fh) = (classifier.features(t)?, classifier.features(h)?);
        let mask = background_mask(train, d, 0.99)?;
        Ok(QualityReference {
            accuracy: classifier.accuracy(heldout, heldout_labels)?,
            frechet_floor: frechet_distance(&ft, &fh, FEATURES)?,
            precision_recall_floor: precision_recall(&fh, &ft, FEATURES, 3)?,
            background_heldout: background_level(h, &mask)?,
            isolated_heldout: isolated_pixels(h, shape, ISOLATED_MIN)?,
            classifier,
            classes,
            count,
            heldout_features: fh,
            mask,
        })
    }

    /// Rows of each set compared.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The figures of the first `count` rows of `generated`.
    ///
    /// # Errors
    /// As the metrics; [`GenError::Data`] if `generated` has fewer than
    /// `count` rows.
    pub fn quality(&self, generated: &[f32]) -> Result<Quality> {
        use crate::metrics::{
            background_level, class_histogram, frechet_distance, isolated_pixels, precision_recall,
            ISOLATED_MIN,
        };
        let d = self.classifier.shape().dim();
        need("generated", generated, self.count, d)?;
        let g = &generated[..self.count * d];
        let fg = self.classifier.features(g)?;
        let fh = &self.heldout_features;
        Ok(Quality {
            count: self.count,
            classifier_accuracy: self.accuracy,
            frechet: frechet_distance(&fg, fh, FEATURES)?,
            frechet_floor: self.frechet_floor,
            precision_recall: precision_recall(fh, &fg, FEATURES, 3)?,
            precision_recall_floor: self.precision_recall_floor,
            class_histogram: class_histogram(&self.classifier.predict(g)?, self.classes),
            background_pixels: self.mask.iter().filter(|&&m| m).count(),
            background_generated: background_level(g, &self.mask)?,
            background_heldout: self.background_heldout,
            isolated_generated: isolated_pixels(g, self.classifier.shape(), ISOLATED_MIN)?,
            isolated_heldout: self.isolated_heldout,
        })
    }
}

impl QualityReference {
    /// The Fréchet distance, precision and recall over several draws:
    /// each of `generated` (its first `count` rows) against the held-out
    /// images, and each disjoint set of `count` rows of `train` (the
    /// training images, `train[..count]` being [`Quality`]'s floor)
    /// against them, each as a mean with its standard error.
    ///
    /// # Errors
    /// As the metrics; [`GenError::Data`] for fewer than 2 generated sets,
    /// a set with fewer than `count` rows, or fewer than `2 count` training
    /// rows.
    pub fn draws(&self, generated: &[&[f32]], train: &[f32]) -> Result<Draws> {
        use crate::metrics::{frechet_distance, precision_recall};
        let d = self.classifier.shape().dim();
        let n = self.count * d;
        if generated.len() < 2 {
            return Err(GenError::Data(format!(
                "draws: {} generated sets, at least 2 needed",
                generated.len()
            )));
        }
        for g in generated {
            need("generated", g, self.count, d)?;
        }
        need("training", train, 2 * self.count, d)?;
        let fh = &self.heldout_features;
        // (Fréchet, precision, recall) of each set's first `count` rows
        let figures = |sets: &[&[f32]]| -> Result<[Vec<f64>; 3]> {
            let mut out = [Vec::new(), Vec::new(), Vec::new()];
            for set in sets {
                let f = self.classifier.features(&set[..n])?;
                let pr = precision_recall(fh, &f, FEATURES, 3)?;
                out[0].push(frechet_distance(&f, fh, FEATURES)?);
                out[1].push(pr.precision);
                out[2].push(pr.recall);
            }
            Ok(out)
        };
        let train_sets: Vec<&[f32]> = train.chunks_exact(n).collect();
        let [fg, pg, rg] = figures(generated)?;
        let [ft, pt, rt] = figures(&train_sets)?;
        Ok(Draws {
            frechet: Spread::of(&fg)?,
            frechet_floor: Spread::of(&ft)?,
            precision: Spread::of(&pg)?,
            recall: Spread::of(&rg)?,
            precision_floor: Spread::of(&pt)?,
            recall_floor: Spread::of(&rt)?,
        })
    }
}

/// Train a classifier on `train` (with `train_labels`) and compare the
/// first `count` rows of `generated` and of `train` with the first `count`
/// held-out rows in its features; the accuracy is measured on all of
/// `heldout`, the background on all training images. For many generated
/// sets against the same data, [`QualityReference`] trains once.
///
/// # Errors
/// As [`Classifier::train`] and the metrics; [`GenError::Data`] if a set
/// has fewer than `count` rows.
#[allow(clippy::too_many_arguments)]
pub fn quality(
    generated: &[f32],
    train: &[f32],
    train_labels: &[u8],
    heldout: &[f32],
    heldout_labels: &[u8],
    shape: ImageShape,
    count: usize,
    opts: &ClassifierOptions,
) -> Result<Quality> {
    // the generated set is checked before the classifier is trained
    need("generated", generated, count, shape.dim())?;
    QualityReference::new(
        train,
        train_labels,
        heldout,
        heldout_labels,
        shape,
        count,
        opts,
    )?
    .quality(generated)
}
