//! The training loop of the generative sliced MMD flow.
//!
//! Particles start as uniform noise. For each block `k` of each stage:
//!
//! 1. run `S_k` steps of the sliced-sort MMD² flow towards the training
//!    data (heavy-ball momentum, fresh directions every step, the
//!    momentum reset at the start of the block);
//! 2. fit network `k` to map each particle's position at the start of the
//!    block to its displacement over the block ([`crate::net::fit`]);
//! 3. continue from the *network's* output for every particle, so the next
//!    block learns to correct what this network got wrong, exactly as
//!    fresh noise pushed through the chain will need.
//!
//! `S_k` grows geometrically from block to block (the first blocks move
//! far, the last ones refine). With a resolution pyramid the data are
//! first averaged down, the chain's first stage is learned at the coarse
//! resolution, and the particles are upsampled (nearest neighbour) into
//! the next stage. Each network is saved as soon as it is fitted, with the
//! manifest rewritten, so a model folder is usable at every point.

use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sliced_mmd::{DirectionDesign, MmdEstimator, Points, SlicedSort};
use sliced_mmd::{Flow, Momentum, Reseed, Stop};

use crate::chain::{
    noise, push_stages, Chain, Manifest, MarginalRecord, NetRecord, Noise, Stage, TrainingRecord,
    MANIFEST_FILE, MANIFEST_VERSION, MARGINALS_FILE,
};
use crate::error::{GenError, Result};
use crate::images::{downsample, upsample, ImageShape};
use crate::local::PatchSliced;
use crate::marginal::MarginalMap;
use crate::metrics::{background_level, background_mask};
use crate::net::{fit_from, ConvShape, FitOptions, FitReport, Net, NetShape};

/// Options of [`train`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Number of particles flowed (the networks' training rows).
    pub particles: usize,
    /// Directions over the whole sample per flow step.
    pub slices: usize,
    /// Extra directions restricted to `patch x patch` squares (images only).
    pub local_slices: usize,
    /// Side of the patches of `local_slices`.
    pub patch: usize,
    /// Flow step size of the first block of each stage.
    pub step_size: f64,
    /// Factor of the step size from one block to the next: block `k` of a
    /// stage flows with `step_size * step_decay^k`. 1 keeps it constant;
    /// below 1 the late blocks, which refine, take smaller steps and the
    /// jitter that the random directions leave on the particles shrinks
    /// with them.
    #[serde(default = "one")]
    pub step_decay: f64,
    /// Heavy-ball momentum of the flow.
    pub momentum: f64,
    /// Blocks (networks) per stage.
    pub blocks: usize,
    /// Flow steps of the first block, `S_1`.
    pub first_steps: usize,
    /// `S_{k+1} = round(S_1 growth^k)`.
    pub growth: f64,
    /// Longest block, in flow steps: `S_k` stops growing at this length
    /// (`None`: no limit). Long late blocks move each particle towards its
    /// own part of the data, which the networks cannot learn from its
    /// position; capped blocks spend the same time on more networks.
    #[serde(default)]
    pub max_steps: Option<usize>,
    /// Width of the networks' hidden layers.
    pub hidden: usize,
    /// Number of hidden layers.
    pub layers: usize,
    /// Give each network a linear skip map ([`NetShape::skip`]).
    pub skip: bool,
    /// Channels of each network's residual convolutional branch
    /// ([`NetShape::conv`], images only); 0: the perceptron alone.
    pub conv_channels: usize,
    /// Side of the square of pixels the convolutional branch computes each
    /// block's displacement from ([`ConvShape::kernel`]: at least the
    /// stride, `kernel - stride` even).
    #[serde(default = "default_conv_kernel")]
    pub conv_kernel: usize,
    /// Side of the blocks of pixels whose displacement the convolutional
    /// branch computes from one square ([`ConvShape::stride`]).
    #[serde(default = "default_conv_stride")]
    pub conv_stride: usize,
    /// Start each network's fit from the previous network's weights (same
    /// stage) instead of a fresh initialisation.
    pub warm_start: bool,
    /// Clip every network's output to the noise range `[low, high]` (for
    /// images `[0, 1]`, where the data's pixels lie), in training and in
    /// sampling ([`Manifest::bounded`]). The range holds every training
    /// value, so clipping moves no sample further from any of them. The
    /// flow's own steps are not clipped: a clipped step makes the block's
    /// displacement a kinked function of the start, which the networks fit
    /// worse.
    #[serde(default)]
    pub bounded: bool,
    /// Knots per coordinate of a [`MarginalMap`] fitted after the last
    /// network, from the training particles' values to the training
    /// data's, and applied by [`Chain::push`] after the last network; `0`:
    /// no map.
    #[serde(default)]
    pub marginals: usize,
    /// Start every block's flow (after the first) from new noise, drawn
    /// from [`renewal_seed`], pushed through the networks fitted so far,
    /// instead of from the previous block's particles. Each network then
    /// learns from samples the earlier networks were not fitted to, as
    /// sampling's fresh noise will be, so it corrects what they got wrong
    /// on new noise rather than on their own training particles. Costs a
    /// pass of the particles through the chain so far per block.
    #[serde(default)]
    pub renew: bool,
    /// How the flow draws its `slices` directions each step
    /// ([`DirectionDesign`]): `Hadamard` projects by the fast transform;
    /// on MNIST its flow steps take 0.5x to 0.65x the time of `Iid` ones. `Iid` only with `local_slices`, whose estimator
    /// draws its own.
    #[serde(default)]
    pub directions: DirectionDesign,
    /// How each network is fitted (its seed is replaced per block).
    pub fit: FitOptions,
    /// Downsampling factors of the stages, coarsest first, ending with 1;
    /// each divides the one before (for example `[2, 1]`: 16x16 then 32x32
    /// for CIFAR-10). `[1]` is a single stage at full resolution.
    pub pyramid: Vec<usize>,
    /// The starting noise; `None`: `[0, 1]` for images, else the data's
    /// smallest and largest value.
    pub noise: Option<Noise>,
    /// Seed of the noise, the flows and the fits.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            particles: 8000,
            slices: 500,
            local_slices: 0,
            patch: 7,
            step_size: 0.5,
            step_decay: 1.0,
            momentum: 0.7,
            blocks: 20,
            first_steps: 10,
            growth: 1.2,
            max_steps: None,
            hidden: 512,
            layers: 2,
            skip: true,
            conv_channels: 0,
            conv_kernel: ConvShape::DEFAULT_KERNEL,
            conv_stride: ConvShape::DEFAULT_STRIDE,
            warm_start: false,
            bounded: false,
            marginals: 0,
            renew: false,
            directions: DirectionDesign::Iid,
            fit: FitOptions::default(),
            pyramid: vec![1],
            noise: None,
            seed: 0,
        }
    }
}

fn one() -> f64 {
    1.0
}

fn default_conv_kernel() -> usize {
    ConvShape::DEFAULT_KERNEL
}

fn default_conv_stride() -> usize {
    ConvShape::DEFAULT_STRIDE
}

impl TrainConfig {
    /// Seed of the noise the training particles after the last network
    /// came from: [`TrainConfig::seed`], or with [`TrainConfig::renew`] the
    /// last block's [`renewal_seed`]. `Chain::sample(particles, seed)`
    /// gives those particles (before any marginal map).
    pub fn last_noise_seed(&self) -> u64 {
        if self.renew {
            // saturating: an unchecked configuration must not panic
            let last = |n: usize| n.saturating_sub(1);
            renewal_seed(self.seed, last(self.pyramid.len()), last(self.blocks))
        } else {
            self.seed
        }
    }

    /// Flow step size of block `k` (0-based) of a stage.
    pub fn step_size_of(&self, k: usize) -> f64 {
        self.step_size * self.step_decay.powi(k as i32)
    }

    /// Flow steps of block `k` (0-based).
    pub fn steps(&self, k: usize) -> usize {
        let s = ((self.first_steps as f64) * self.growth.powi(k as i32))
            .round()
            .max(1.0) as usize;
        self.max_steps.map_or(s, |m| s.min(m))
    }

    /// The convolutional branch of the networks of a stage whose images
    /// are `image`.
    pub fn conv_shape(&self, image: ImageShape) -> ConvShape {
        ConvShape {
            image,
            channels: self.conv_channels,
            kernel: self.conv_kernel,
            stride: self.conv_stride,
        }
    }

    /// Check the options against data of dimension `dim` (images of
    /// `image`, if they are images).
    ///
    /// # Errors
    /// [`GenError::InvalidOption`] for a value out of range,
    /// [`GenError::Data`] for a pyramid or patch that does not fit.
    pub fn validate(&self, dim: usize, image: Option<ImageShape>) -> Result<()> {
        let positive = |name: &'static str, v: usize| {
            if v == 0 {
                Err(GenError::invalid(name, 0, "at least 1"))
            } else {
                Ok(())
            }
        };
        positive("particles", self.particles)?;
        positive("blocks", self.blocks)?;
        positive("first block steps", self.first_steps)?;
        if let Some(m) = self.max_steps {
            if m < self.first_steps {
                return Err(GenError::invalid(
                    "max steps",
                    m,
                    "at least the first block's steps",
                ));
            }
        }
        positive("hidden width", self.hidden)?;
        positive("hidden layers", self.layers)?;
        if self.conv_channels > 0 && image.is_none() {
            return Err(GenError::invalid(
                "convolution channels",
                self.conv_channels,
                "0 for data that are not images",
            ));
        }
        if self.slices + self.local_slices == 0 {
            return Err(GenError::invalid(
                "slices",
                0,
                "at least one direction per step",
            ));
        }
        if !(self.step_size > 0.0 && self.step_size.is_finite()) {
            return Err(GenError::invalid(
                "step size",
                self.step_size,
                "a positive number",
            ));
        }
        if !(self.step_decay > 0.0 && self.step_decay <= 1.0) {
            return Err(GenError::invalid(
                "step decay",
                self.step_decay,
                "in (0, 1]",
            ));
        }
        if !(0.0..1.0).contains(&self.momentum) {
            return Err(GenError::invalid("momentum", self.momentum, "in [0, 1)"));
        }
        if !(self.growth >= 1.0 && self.growth <= 4.0) {
            return Err(GenError::invalid("growth", self.growth, "between 1 and 4"));
        }
        self.fit.validate()?;
        if let Some(n) = self.noise {
            if !(n.low.is_finite() && n.high.is_finite() && n.low < n.high) {
                return Err(GenError::invalid(
                    "noise range",
                    format!("[{}, {}]", n.low, n.high),
                    "finite with low < high",
                ));
            }
        }
        if self.marginals == 1 {
            return Err(GenError::invalid(
                "marginals",
                1,
                "0 (no marginal map) or at least 2 knots",
            ));
        }
        if self.pyramid.is_empty() || self.pyramid.last() != Some(&1) {
            return Err(GenError::invalid(
                "pyramid",
                format!("{:?}", self.pyramid),
                "downsampling factors ending with 1, for example 2,1",
            ));
        }
        for w in self.pyramid.windows(2) {
            if w[1] == 0 || w[0] <= w[1] || w[0] % w[1] != 0 {
                return Err(GenError::invalid(
                    "pyramid",
                    format!("{:?}", self.pyramid),
                    "decreasing factors, each dividing the one before",
                ));
            }
        }
        match image {
            None => {
                if self.pyramid.len() > 1 {
                    return Err(GenError::Data(
                        "a resolution pyramid needs image data".into(),
                    ));
                }
                if self.local_slices > 0 {
                    return Err(GenError::Data("patch directions need image data".into()));
                }
                if dim == 0 {
                    return Err(GenError::Data("data of dimension 0".into()));
                }
            }
            Some(img) => {
                let f = self.pyramid[0];
                if img.height % f != 0 || img.width % f != 0 {
                    return Err(GenError::Data(format!(
                        "pyramid factor {f} does not divide {}x{} images",
                        img.height, img.width
                    )));
                }
                if self.local_slices > 0 && self.directions != DirectionDesign::Iid {
                    return Err(GenError::invalid(
                        "directions",
                        self.directions,
                        "iid with local slices (their estimator draws its own)",
                    ));
                }
                if self.local_slices > 0
                    && (self.patch == 0
                        || self.patch > img.height / f
                        || self.patch > img.width / f)
                {
                    return Err(GenError::Data(format!(
                        "patch size {} does not fit the coarsest {}x{} images",
                        self.patch,
                        img.height / f,
                        img.width / f
                    )));
                }
                // the coarsest stage divides, so every stage does (each
                // factor divides the one before)
                if self.conv_channels > 0 {
                    for &f in &self.pyramid {
                        self.conv_shape(img.resized(img.height / f, img.width / f))
                            .validate()?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Training data: `n` rows of dimension `dim`, row-major, with the image
/// shape when they are images.
#[derive(Debug, Clone, Copy)]
pub struct TrainData<'a> {
    /// The values.
    pub values: &'a [f32],
    /// Rows.
    pub n: usize,
    /// Values per row.
    pub dim: usize,
    /// Image shape of a row, if rows are images.
    pub image: Option<ImageShape>,
    /// Where the data came from (recorded in the manifest).
    pub name: &'a str,
}

/// What one block did, for progress reports.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockReport {
    /// Stage (0-based) and block within the stage (0-based).
    pub stage: usize,
    /// Block within the stage.
    pub block: usize,
    /// Blocks in all stages before and including this one, and in total.
    pub done: (usize, usize),
    /// Flow steps of the block.
    pub steps: usize,
    /// Sliced MMD² at the block's start, after its flow, after the network.
    pub mmd2: [f64; 3],
    /// Sliced MMD² of fresh noise (never flowed) pushed through the chain
    /// so far: what sampling gives.
    pub fresh_mmd2: f64,
    /// Images only: the background level ([`background_level`], mean
    /// `|pixel|` on the pixels that are background in at least 99% of the
    /// training images at this stage's resolution) of the training
    /// particles after the block's flow, after the network, and of the
    /// fresh noise through the chain so far. Where the grain of the
    /// samples comes from: the flow or the networks.
    pub background: Option<[f64; 3]>,
    /// The network's fit.
    pub fit: FitReport,
    /// Seconds of flow in this block.
    pub flow_seconds: f64,
    /// Seconds since training started.
    pub elapsed: f64,
}

/// Rows of fresh noise followed through the chain during training.
const FRESH_ROWS: usize = 2000;

/// SplitMix64 of a few numbers: distinct seeds for blocks and fits.
fn mix(seed: u64, a: u64, b: u64) -> u64 {
    let mut z =
        seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Seed of the noise that block `block` of stage `stage` starts from
/// when training with [`TrainConfig::renew`] (`seed`: the configuration's
/// seed). With `renew`, the training particles after the last network
/// (those a marginal map is fitted to) are the chain's output on
/// `Chain::noise(particles, renewal_seed(seed, last stage, last block))`.
pub fn renewal_seed(seed: u64, stage: usize, block: usize) -> u64 {
    mix(seed, 0x4e3e_0000 + stage as u64, block as u64)
}

/// Run `steps` flow steps with the optimizer `opt` (fresh, so the momentum
/// starts at zero) from `x` towards `target`.
fn flow_block<E>(
    x: Vec<f32>,
    d: usize,
    target: &Points<'_, f32>,
    est: E,
    opt: Momentum<f32>,
    seed: u64,
    steps: usize,
) -> Result<Vec<f32>>
where
    E: MmdEstimator<f32> + Reseed,
{
    let n = x.len() / d;
    let mut flow = Flow::new(Points::from_vec(x, n, d)?, target, est, opt)?.with_seed(seed);
    flow.run(Stop::new(steps), &mut [])?;
    Ok(flow.into_particles())
}

/// Train a chain on `data` with `config`, writing it to the folder `out`
/// (created if needed), and call `observe` after every block.
///
/// # Errors
/// [`GenError::InvalidOption`] / [`GenError::Data`] for options that do
/// not fit the data; [`GenError::Io`] if the folder already holds a model
/// (`manifest.json`: nothing is overwritten) and [`GenError::Io`] /
/// [`GenError::Weights`] if it cannot be written; flow and fit errors as
/// they happen.
pub fn train(
    data: TrainData<'_>,
    config: &TrainConfig,
    out: &Path,
    observe: &mut dyn FnMut(&BlockReport),
) -> Result<Chain> {
    let start = Instant::now();
    config.validate(data.dim, data.image)?;
    if data.values.len() != data.n * data.dim || data.n == 0 {
        return Err(GenError::Data(format!(
            "{} values are not {} rows of {}",
            data.values.len(),
            data.n,
            data.dim
        )));
    }
    if let Some(i) = data.values.iter().position(|v| !v.is_finite()) {
        return Err(GenError::NotFinite {
            what: "training data",
            row: i / data.dim,
        });
    }
    let existing = out.join(MANIFEST_FILE);
    if existing.exists() {
        return Err(GenError::io(
            &existing,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "the folder already holds a model; train into a new folder or remove this one",
            ),
        ));
    }
    let noise_range = config.noise.unwrap_or_else(|| match data.image {
        Some(_) => Noise {
            low: 0.0,
            high: 1.0,
        },
        None => {
            let lo = data.values.iter().copied().fold(f32::INFINITY, f32::min);
            let hi = data
                .values
                .iter()
                .copied()
                .fold(f32::NEG_INFINITY, f32::max);
            Noise {
                low: lo,
                high: hi.max(lo + f32::EPSILON),
            }
        }
    });

    if config.bounded {
        if let Some(v) = data
            .values
            .iter()
            .find(|v| !(noise_range.low..=noise_range.high).contains(*v))
        {
            return Err(GenError::Data(format!(
                "bounded training needs the data inside the noise range [{}, {}], \
                 but a training value is {v}",
                noise_range.low, noise_range.high
            )));
        }
    }
    std::fs::create_dir_all(out).map_err(|e| GenError::io(out, e))?;
    let mut manifest = Manifest {
        version: MANIFEST_VERSION,
        noise: noise_range,
        bounded: config.bounded,
        stages: Vec::new(),
        marginals: None,
        training: TrainingRecord {
            data: data.name.to_string(),
            samples: data.n,
            config: config.clone(),
            seconds: 0.0,
        },
    };
    let total = config.blocks * config.pyramid.len();
    let n = config.particles;
    let mut nets: Vec<Vec<Net>> = Vec::new();
    let mut x: Vec<f32> = Vec::new();
    // fresh noise, never flowed, pushed through the networks as they come
    let fresh_n = n.min(FRESH_ROWS);
    let fresh_seed = mix(config.seed, 0xf7e5, 0);
    let mut fresh: Vec<f32> = Vec::new();
    let mut prev_image: Option<ImageShape> = None;
    for (s, &factor) in config.pyramid.iter().enumerate() {
        // the target at this stage's resolution
        let (target_values, image) = match data.image {
            Some(img) if factor > 1 => (
                downsample(data.values, data.n, img, factor)?,
                Some(img.resized(img.height / factor, img.width / factor)),
            ),
            img => (data.values.to_vec(), img),
        };
        let d = image.map_or(data.dim, |i| i.dim());
        let up = if s == 0 {
            1
        } else {
            config.pyramid[s - 1] / factor
        };
        if s == 0 {
            x = noise(n, d, noise_range, config.seed)?;
            fresh = noise(fresh_n, d, noise_range, fresh_seed)?;
        } else {
            let from = prev_image.ok_or_else(|| GenError::Data("pyramid without images".into()))?;
            x = upsample(&x, n, from, up)?;
            fresh = upsample(&fresh, fresh_n, from, up)?;
        }
        prev_image = image;
        manifest.stages.push(Stage {
            dim: d,
            image,
            upsample: up,
            nets: Vec::new(),
        });
        nets.push(Vec::new());
        let target = Points::new(&target_values, data.n, d)?;
        let mask = image
            .map(|_| background_mask(&target_values, d, 0.99))
            .transpose()?;
        let monitor =
            SlicedSort::new(config.slices.max(100))?.with_seed(mix(config.seed, 0xfeed, s as u64));
        let mut mmd_start = monitor.mmd2(&Points::new(&x, n, d)?, &target)?;
        let shape = NetShape {
            dim: d,
            hidden: config.hidden,
            layers: config.layers,
            skip: config.skip,
            conv: image
                .filter(|_| config.conv_channels > 0)
                .map(|image| config.conv_shape(image)),
        };
        for k in 0..config.blocks {
            if config.renew && (s, k) != (0, 0) {
                let seed = renewal_seed(config.seed, s, k);
                let renewed = noise(n, manifest.stages[0].dim, noise_range, seed)?;
                let bounded = config.bounded.then_some(noise_range);
                x = push_stages(&manifest.stages, &nets, bounded, renewed, n, &mut |_, _| {})?;
                mmd_start = monitor.mmd2(&Points::new(&x, n, d)?, &target)?;
            }
            let steps = config.steps(k);
            let opt = Momentum::new(config.step_size_of(k), config.momentum)?;
            let flow_seed = mix(config.seed, 1 + s as u64, k as u64);
            let t = Instant::now();
            let end = match image {
                Some(img) if config.local_slices > 0 => {
                    let est =
                        PatchSliced::new(img, config.slices, config.local_slices, config.patch)?;
                    flow_block(x.clone(), d, &target, est, opt, flow_seed, steps)?
                }
                _ => {
                    let est = SlicedSort::new(config.slices)?.with_design(config.directions);
                    flow_block(x.clone(), d, &target, est, opt, flow_seed, steps)?
                }
            };
            let flow_seconds = t.elapsed().as_secs_f64();
            let mmd_end = monitor.mmd2(&Points::new(&end, n, d)?, &target)?;
            let disp: Vec<f32> = end.iter().zip(&x).map(|(a, b)| a - b).collect();
            let opts = FitOptions {
                seed: mix(config.seed, 0x0f17 + s as u64, k as u64),
                ..config.fit
            };
            // warm start: the previous network of this stage
            let warm = nets[s].last().filter(|_| config.warm_start);
            let (net, report) = fit_from(shape, &x, &disp, n, &opts, warm)?;
            net.push(&mut x, n)?;
            net.push(&mut fresh, fresh_n)?;
            if config.bounded {
                noise_range.clip(&mut x);
                noise_range.clip(&mut fresh);
            }
            let mmd_net = monitor.mmd2(&Points::new(&x, n, d)?, &target)?;
            let fresh_mmd2 = monitor.mmd2(&Points::new(&fresh, fresh_n, d)?, &target)?;
            // `end` is the flow's output, `x` and `fresh` the networks'
            let background = mask
                .as_deref()
                .map(|m| -> Result<[f64; 3]> {
                    Ok([
                        background_level(&end, m)?,
                        background_level(&x, m)?,
                        background_level(&fresh, m)?,
                    ])
                })
                .transpose()?;
            let file = format!("stage{s}-block{k:02}.safetensors");
            net.save(&out.join(&file))?;
            let record = NetRecord {
                file,
                shape,
                norm: net.normalization(),
                flow_steps: steps,
                flow_seed,
                mmd2: [mmd_start, mmd_end, mmd_net],
                fresh_mmd2,
                fit: report.clone(),
            };
            manifest.stages[s].nets.push(record);
            manifest.training.seconds = start.elapsed().as_secs_f64();
            manifest.write(out)?;
            nets[s].push(net);
            observe(&BlockReport {
                stage: s,
                block: k,
                done: (s * config.blocks + k + 1, total),
                steps,
                mmd2: [mmd_start, mmd_end, mmd_net],
                fresh_mmd2,
                background,
                fit: report,
                flow_seconds,
                elapsed: start.elapsed().as_secs_f64(),
            });
            mmd_start = mmd_net;
        }
    }
    // the quantile map from the particles after the last network to the
    // training data (at full resolution: the last stage's)
    let marginals = if config.marginals > 0 {
        let d = manifest.output_dim();
        let map = MarginalMap::fit(&x, data.values, d, config.marginals)?;
        let record = MarginalRecord {
            file: MARGINALS_FILE.to_string(),
            knots: config.marginals,
            samples: n,
        };
        map.save(&out.join(&record.file))?;
        manifest.marginals = Some(record);
        manifest.training.seconds = start.elapsed().as_secs_f64();
        manifest.write(out)?;
        Some(map)
    } else {
        None
    };
    Ok(Chain::from_parts(manifest, nets, marginals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_stop_growing_at_the_longest_block() {
        let free = TrainConfig::default();
        let capped = TrainConfig {
            max_steps: Some(40),
            ..TrainConfig::default()
        };
        for k in 0..20 {
            assert_eq!(capped.steps(k), free.steps(k).min(40), "block {k}");
        }
        // 10 1.2^7 = 35.8, 10 1.2^8 = 43.0
        assert_eq!(capped.steps(7), 36);
        assert_eq!(capped.steps(8), 40);
        let bad = TrainConfig {
            max_steps: Some(5),
            ..TrainConfig::default()
        };
        let err = bad.validate(4, None).unwrap_err();
        assert!(err.to_string().contains("max steps"), "{err}");
    }
}
