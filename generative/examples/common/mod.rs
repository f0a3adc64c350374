//! What the examples `chain_depth` and `marginal_map` share: the held-out
//! figures of `smmd-gen train` (the same split, classifier and count),
//! one CSV row per generated set, with the classifier trained once.

// each example is compiled with its own copy and uses part of it
#![allow(dead_code)]

use smmd_generative::classifier::{ClassifierOptions, QualityReference};
use smmd_generative::eval::energy_distance;
use smmd_generative::images::Dataset;

pub type Error = Box<dyn std::error::Error>;

/// The columns of [`HeldOutFigures::row`].
pub const HEADER: &str =
    "energy_ratio,frechet_ratio,precision,recall,background_ratio,smallest_class,isolated";

/// The split of `smmd-gen train --holdout` with `seed`, the energy
/// distance's floor and the classifier's reference.
pub struct HeldOutFigures {
    train: Vec<f32>,
    held: Vec<f32>,
    dim: usize,
    floor: f64,
    reference: QualityReference,
}

impl HeldOutFigures {
    /// The figures of `smmd-gen train` for `data` split with `holdout`
    /// and `seed` (labelled images only).
    pub fn new(data: &Dataset, holdout: usize, seed: u64) -> Result<HeldOutFigures, Error> {
        let image = data.image.ok_or("the data are not images")?;
        if holdout == 0 {
            return Err("holdout 0: the figures need held-out images".into());
        }
        let split = data.split(holdout, seed, None)?;
        let (Some(train_labels), Some(held_labels)) = (&split.train_labels, &split.heldout_labels)
        else {
            return Err("the data have no labels".into());
        };
        let (d, count) = (data.dim, holdout.min(1000).min(split.train_index.len()));
        let floor = energy_distance(&split.train[..count * d], &split.heldout[..count * d], d)?;
        let reference = QualityReference::new(
            &split.train,
            train_labels,
            &split.heldout,
            held_labels,
            image,
            count,
            &ClassifierOptions {
                seed,
                ..ClassifierOptions::default()
            },
        )?;
        Ok(HeldOutFigures {
            train: split.train,
            held: split.heldout,
            dim: d,
            floor,
            reference,
        })
    }

    /// Generated samples each row compares (at most 1000).
    pub fn count(&self) -> usize {
        self.reference.count()
    }

    /// The training split (row-major).
    pub fn train(&self) -> &[f32] {
        &self.train
    }

    /// The figures of `generated` (its first [`Self::count`] rows), in the
    /// columns of [`HEADER`].
    pub fn row(&self, generated: &[f32]) -> Result<String, Error> {
        let v = self.values(generated)?;
        Ok(format!(
            "{:.3},{:.2},{:.3},{:.3},{:.2},{:.3},{:.3}",
            v[0], v[1], v[2], v[3], v[4], v[5], v[6]
        ))
    }

    /// The numbers of [`Self::row`], in the columns of [`HEADER`].
    pub fn values(&self, generated: &[f32]) -> Result<[f64; 7], Error> {
        let n = self.count() * self.dim;
        let energy = energy_distance(&generated[..n], &self.held[..n], self.dim)?;
        let q = self.reference.quality(generated)?;
        Ok([
            energy / self.floor,
            q.frechet_ratio(),
            q.precision_recall.precision,
            q.precision_recall.recall,
            q.background_generated / q.background_heldout,
            q.smallest_class(),
            q.isolated_generated,
        ])
    }
}
