//! A trained chain of networks: its manifest, its files, and sampling.
//!
//! A model folder holds `manifest.json` ([`Manifest`]) and one
//! safetensors file per network. Sampling needs nothing else: fresh noise,
//! uniform on `[low, high]^d` at the first stage's resolution, is pushed
//! through the networks of each stage in order (`x <- x + net(x)`), and
//! upsampled (nearest neighbour) between stages; a chain trained with
//! [`TrainConfig::bounded`] clips every network's output to the noise
//! range. A chain trained with [`TrainConfig::marginals`] also holds a
//! [`MarginalMap`] (`marginals.npy`), applied after the last network.

use std::path::{Path, PathBuf};

use crate::rng::substream;
use serde::{Deserialize, Serialize};

use crate::error::{GenError, Result};
use crate::images::{upsample, ImageShape};
use crate::marginal::MarginalMap;
use crate::net::{FitReport, Net, NetShape, Normalization};
use crate::train::TrainConfig;

/// Version of the manifest format written by this crate.
pub const MANIFEST_VERSION: u32 = 1;

/// File name of the manifest in a model folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// File name of the marginal map in a model folder (when the chain has
/// one, [`MarginalRecord::file`]).
pub const MARGINALS_FILE: &str = "marginals.npy";

/// The uniform noise the chain starts from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Noise {
    /// Lower end of every coordinate.
    pub low: f32,
    /// Upper end of every coordinate.
    pub high: f32,
}

impl Noise {
    /// Clip every value of `x` to `[low, high]`.
    pub fn clip(&self, x: &mut [f32]) {
        for v in x {
            *v = v.clamp(self.low, self.high);
        }
    }
}

/// One network of the chain, as the manifest records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetRecord {
    /// The weights file, relative to the model folder.
    pub file: String,
    /// Layer sizes.
    pub shape: NetShape,
    /// Normalisation around the network.
    pub norm: Normalization,
    /// Flow steps of the block the network learned.
    pub flow_steps: usize,
    /// Seed of the block's flow directions.
    pub flow_seed: u64,
    /// Sliced MMD² (fixed directions) of the particles at the start of the
    /// block, at the end of its flow, and after the network's move.
    pub mmd2: [f64; 3],
    /// Sliced MMD² (same directions) of fresh noise pushed through the
    /// chain up to and including this network.
    #[serde(default)]
    pub fresh_mmd2: f64,
    /// How the fit went.
    pub fit: FitReport,
}

/// One resolution of the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// Values per sample at this stage.
    pub dim: usize,
    /// Image shape at this stage (none for data that are not images).
    pub image: Option<ImageShape>,
    /// Upsampling factor applied to the previous stage's output before
    /// this stage (1 for the first stage).
    pub upsample: usize,
    /// The networks, in order.
    pub nets: Vec<NetRecord>,
}

/// The per-coordinate quantile map applied after the last network, as the
/// manifest records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarginalRecord {
    /// The knots file ([`MarginalMap::save`]), relative to the model folder.
    pub file: String,
    /// Knots per coordinate.
    pub knots: usize,
    /// Chain outputs the map was fitted on (the training particles after
    /// the last network).
    pub samples: usize,
}

/// How the chain was trained (for the record; sampling does not read it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecord {
    /// Where the data came from.
    pub data: String,
    /// Training samples used as the flow's target.
    pub samples: usize,
    /// Every training option, seeds included.
    pub config: TrainConfig,
    /// Wall time of the training in seconds.
    pub seconds: f64,
}

/// The contents of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`MANIFEST_VERSION`].
    pub version: u32,
    /// The starting noise.
    pub noise: Noise,
    /// Every network's output is clipped to the noise range
    /// ([`TrainConfig::bounded`]); `false` in manifests written before the
    /// option existed.
    #[serde(default)]
    pub bounded: bool,
    /// The stages, coarsest first.
    pub stages: Vec<Stage>,
    /// The quantile map after the last network, if the chain was trained
    /// with [`TrainConfig::marginals`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marginals: Option<MarginalRecord>,
    /// How it was trained.
    pub training: TrainingRecord,
}

impl Manifest {
    /// Values per sample of the chain's output.
    pub fn output_dim(&self) -> usize {
        self.stages.last().map_or(0, |s| s.dim)
    }

    /// Image shape of the output, if the data are images.
    pub fn output_image(&self) -> Option<ImageShape> {
        self.stages.last().and_then(|s| s.image)
    }

    /// Number of networks over all stages.
    pub fn networks(&self) -> usize {
        self.stages.iter().map(|s| s.nets.len()).sum()
    }

    /// Write the manifest to `dir/manifest.json`.
    ///
    /// # Errors
    /// [`GenError::Io`] if it cannot be written.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(MANIFEST_FILE);
        let text = serde_json::to_string_pretty(self).map_err(|e| GenError::Manifest {
            path: path.clone(),
            message: e.to_string(),
        })?;
        std::fs::write(&path, text + "\n").map_err(|e| GenError::io(&path, e))
    }

    /// Read `dir/manifest.json`.
    ///
    /// # Errors
    /// [`GenError::Io`] if it is missing; [`GenError::Manifest`] if it is
    /// not a manifest of this version or is inconsistent.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| GenError::io(&path, e))?;
        let bad = |message: String| GenError::Manifest {
            path: path.clone(),
            message,
        };
        let m: Manifest = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        if m.version != MANIFEST_VERSION {
            return Err(bad(format!(
                "version {} (this build reads version {MANIFEST_VERSION})",
                m.version
            )));
        }
        if m.stages.is_empty() {
            return Err(bad("no stages".into()));
        }
        if !(m.noise.low.is_finite() && m.noise.high.is_finite() && m.noise.low <= m.noise.high) {
            return Err(bad(format!(
                "noise range [{}, {}] is not an interval",
                m.noise.low, m.noise.high
            )));
        }
        let mut prev: Option<&Stage> = None;
        for (i, s) in m.stages.iter().enumerate() {
            if let Some(img) = s.image {
                if img.dim() != s.dim {
                    return Err(bad(format!(
                        "stage {i}: image shape does not match dim {}",
                        s.dim
                    )));
                }
            }
            for net in &s.nets {
                if net.shape.dim != s.dim {
                    return Err(bad(format!(
                        "stage {i}: network {} has dimension {}, the stage {}",
                        net.file, net.shape.dim, s.dim
                    )));
                }
            }
            if let Some(p) = prev {
                let ok = match (p.image, s.image) {
                    (Some(a), Some(b)) => {
                        s.upsample >= 1
                            && a.resized(a.height * s.upsample, a.width * s.upsample) == b
                    }
                    _ => false,
                };
                if !ok {
                    return Err(bad(format!(
                        "stage {i} is not stage {} upsampled by {}",
                        i - 1,
                        s.upsample
                    )));
                }
            } else if s.dim == 0 {
                return Err(bad("stage 0 has dimension 0".into()));
            }
            prev = Some(s);
        }
        Ok(m)
    }
}

/// A chain loaded from a model folder, ready to sample.
#[derive(Debug, Clone)]
pub struct Chain {
    manifest: Manifest,
    nets: Vec<Vec<Net>>,
    marginals: Option<MarginalMap>,
}

impl Chain {
    /// Load the manifest, every network and the marginal map (if any) of a
    /// model folder.
    ///
    /// # Errors
    /// As [`Manifest::read`], [`Net::load`] and [`MarginalMap::load`].
    ///
    /// # Examples
    /// ```no_run
    /// use smmd_generative::Chain;
    /// let chain = Chain::load("models/mnist".as_ref())?;
    /// let samples = chain.sample(16, 1)?; // 16 x 784, row-major
    /// assert_eq!(samples.len(), 16 * chain.manifest().output_dim());
    /// # Ok::<(), smmd_generative::GenError>(())
    /// ```
    pub fn load(dir: &Path) -> Result<Chain> {
        let manifest = Manifest::read(dir)?;
        let nets = manifest
            .stages
            .iter()
            .map(|s| {
                s.nets
                    .iter()
                    .map(|r| Net::load(&dir.join(&r.file), r.shape, r.norm))
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        let marginals = manifest
            .marginals
            .as_ref()
            .map(|r| MarginalMap::load(&dir.join(&r.file), manifest.output_dim(), r.knots))
            .transpose()?;
        Ok(Chain {
            manifest,
            nets,
            marginals,
        })
    }

    /// A chain from a manifest, its networks and its marginal map (as
    /// training builds it).
    pub(crate) fn from_parts(
        manifest: Manifest,
        nets: Vec<Vec<Net>>,
        marginals: Option<MarginalMap>,
    ) -> Chain {
        Chain {
            manifest,
            nets,
            marginals,
        }
    }

    /// The quantile map applied after the last network, if any.
    pub fn marginals(&self) -> Option<&MarginalMap> {
        self.marginals.as_ref()
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// `count` noise samples of the first stage: row `i` is uniform on
    /// `[low, high]^d` from stream `i` of `seed`.
    ///
    /// # Errors
    /// [`GenError::InvalidOption`] for `count = 0`.
    pub fn noise(&self, count: usize, seed: u64) -> Result<Vec<f32>> {
        noise(
            count,
            self.manifest.stages[0].dim,
            self.manifest.noise,
            seed,
        )
    }

    /// Push `count` first-stage samples through the whole chain (and its
    /// marginal map, if it has one).
    ///
    /// # Errors
    /// [`GenError::Data`] for a buffer that is not `count` first-stage
    /// samples; [`GenError::NotFinite`] if a network returns non-finite
    /// values.
    pub fn push(&self, x: Vec<f32>, count: usize) -> Result<Vec<f32>> {
        self.push_observed(x, count, &mut |_, _| {})
    }

    /// Push `count` first-stage samples through the chain like
    /// [`Chain::push`], calling `observe(k, x)` with the samples before the
    /// first network (`k = 0`) and after each network `k = 1, 2, ...`
    /// (after upsampling, at stage changes). The returned samples have
    /// been through the marginal map, if the chain has one; the observed
    /// ones have not.
    ///
    /// # Errors
    /// As [`Chain::push`].
    pub fn push_observed(
        &self,
        mut x: Vec<f32>,
        count: usize,
        observe: &mut dyn FnMut(usize, &[f32]),
    ) -> Result<Vec<f32>> {
        let bounded = self.manifest.bounded.then_some(self.manifest.noise);
        x = push_stages(
            &self.manifest.stages,
            &self.nets,
            bounded,
            x,
            count,
            observe,
        )?;
        if let Some(map) = &self.marginals {
            map.apply(&mut x)?;
        }
        Ok(x)
    }

    /// `count` new samples from fresh noise drawn from `seed`: the same
    /// seed gives the same samples, bit for bit.
    ///
    /// # Errors
    /// As [`Chain::noise`] and [`Chain::push`].
    pub fn sample(&self, count: usize, seed: u64) -> Result<Vec<f32>> {
        let x = self.noise(count, seed)?;
        self.push(x, count)
    }

    /// The chain of the first `networks` networks (in sampling order, over
    /// all stages): the model as it was when training had fitted them,
    /// at the resolution of the stage the last of them belongs to. The
    /// marginal map, fitted to the whole chain's output, is kept only when
    /// `networks` is all of them.
    ///
    /// # Errors
    /// [`GenError::InvalidOption`] unless `1 <= networks <=`
    /// [`Manifest::networks`].
    pub fn truncated(&self, networks: usize) -> Result<Chain> {
        let total = self.manifest.networks();
        if networks == 0 || networks > total {
            return Err(GenError::InvalidOption {
                name: "networks",
                value: networks.to_string(),
                expected: "between 1 and the chain's number of networks",
            });
        }
        let mut manifest = self.manifest.clone();
        let mut nets = Vec::new();
        let mut left = networks;
        manifest.stages.clear();
        for (stage, stage_nets) in self.manifest.stages.iter().zip(&self.nets) {
            if left == 0 {
                break;
            }
            let take = left.min(stage_nets.len());
            let mut stage = stage.clone();
            stage.nets.truncate(take);
            manifest.stages.push(stage);
            nets.push(stage_nets[..take].to_vec());
            left -= take;
        }
        let marginals = if networks == total {
            self.marginals.clone()
        } else {
            manifest.marginals = None;
            None
        };
        Ok(Chain {
            manifest,
            nets,
            marginals,
        })
    }

    /// Paths of the weight files (and of the marginal map's, last).
    pub fn files(&self, dir: &Path) -> Vec<PathBuf> {
        self.manifest
            .stages
            .iter()
            .flat_map(|s| s.nets.iter().map(|r| dir.join(&r.file)))
            .chain(self.manifest.marginals.iter().map(|r| dir.join(&r.file)))
            .collect()
    }
}

/// Push `count` first-stage samples through `nets` (one list per stage of
/// `stages`, upsampling at stage changes, clipping to `bounded` after every
/// network), calling `observe` as [`Chain::push_observed`] does. The
/// stages may hold fewer networks than their records (training pushes
/// through the networks fitted so far).
pub(crate) fn push_stages(
    stages: &[Stage],
    nets: &[Vec<Net>],
    bounded: Option<Noise>,
    mut x: Vec<f32>,
    count: usize,
    observe: &mut dyn FnMut(usize, &[f32]),
) -> Result<Vec<f32>> {
    if x.len() != count * stages[0].dim {
        return Err(GenError::Data(format!(
            "{} values are not {count} samples of dimension {}",
            x.len(),
            stages[0].dim
        )));
    }
    observe(0, &x);
    let mut k = 0;
    for (i, (stage, nets)) in stages.iter().zip(nets).enumerate() {
        if i > 0 {
            let from = stages[i - 1].image.ok_or_else(|| {
                GenError::Data("stages without image shapes cannot be upsampled".into())
            })?;
            x = upsample(&x, count, from, stage.upsample)?;
        }
        for net in nets {
            net.push(&mut x, count)?;
            if let Some(range) = bounded {
                range.clip(&mut x);
            }
            k += 1;
            observe(k, &x);
        }
    }
    Ok(x)
}

/// `count` rows of dimension `d`, uniform on `[low, high]`; row `i` from
/// stream `i` of `seed`.
///
/// # Errors
/// [`GenError::InvalidOption`] for `count = 0` or `d = 0`.
pub fn noise(count: usize, d: usize, range: Noise, seed: u64) -> Result<Vec<f32>> {
    use rand::RngExt;
    if count == 0 {
        return Err(GenError::invalid("count", 0, "at least 1"));
    }
    if d == 0 {
        return Err(GenError::invalid("dimension", 0, "at least 1"));
    }
    let mut out = Vec::with_capacity(count * d);
    let width = range.high - range.low;
    for i in 0..count {
        let mut rng = substream(seed, i as u64);
        for _ in 0..d {
            let u: f32 = rng.random();
            out.push(range.low + u * width);
        }
    }
    Ok(out)
}
