//! The sliced estimator of the CIFAR recipe: `P` directions on the whole
//! image plus `L` directions restricted to local patches.
//!
//! Directions supported on a small square of pixels compare the local
//! statistics of the particles and the data (edges, textures) that random
//! directions over thousands of pixels average away. With `L > 0` the
//! quantity flowed along is no longer the energy distance of the images
//! but the average of the sliced MMD² over both families; with `L = 0` this
//! is exactly [`SlicedSort`] with iid directions.

use sliced_mmd::Reseed;
use sliced_mmd::{Directions, Float, MmdEstimator, Points, SlicedSort};
use sliced_mmd::{Estimate, Statistic};

use crate::error::{GenError, Result};
use crate::images::{patch_directions, ImageShape};

/// Sliced-sort MMD² with `full` iid directions and `local` patch
/// directions ([`patch_directions`]), redrawn from the seed.
///
/// # Examples
/// ```
/// use sliced_mmd::{MmdEstimator, Points};
/// use smmd_generative::images::ImageShape;
/// use smmd_generative::local::PatchSliced;
/// let shape = ImageShape { channels: 1, height: 4, width: 4 };
/// let est = PatchSliced::new(shape, 20, 30, 2)?.with_seed(7);
/// let x = vec![0.25f64; 3 * 16];
/// let y: Vec<f64> = (0..2 * 16).map(|i| (i % 5) as f64 / 5.0).collect();
/// let (v, g) = est.grad(&Points::new(&x, 3, 16)?, &Points::new(&y, 2, 16)?)?;
/// assert!(v > 0.0 && g.len() == 48);
/// # Ok::<(), smmd_generative::GenError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PatchSliced {
    shape: ImageShape,
    full: usize,
    local: usize,
    patch: usize,
    seed: u64,
    inner: SlicedSort,
}

impl PatchSliced {
    /// `full` directions over the whole image and `local` on `patch x patch`
    /// squares of images of `shape`, seed 0.
    ///
    /// # Errors
    /// [`GenError::InvalidOption`] if there are no directions at all;
    /// [`GenError::Data`] if the patch does not fit the image.
    pub fn new(shape: ImageShape, full: usize, local: usize, patch: usize) -> Result<Self> {
        if full + local == 0 {
            return Err(GenError::invalid(
                "directions",
                0,
                "at least one full or local direction",
            ));
        }
        if local > 0 {
            patch_directions(shape, patch, 1, 0)?;
        }
        let mut est = PatchSliced {
            shape,
            full,
            local,
            patch,
            seed: 0,
            inner: SlicedSort::new(1)?,
        };
        est.inner = est.build(0)?;
        Ok(est)
    }

    /// The same estimator drawing from `seed`.
    ///
    /// # Panics
    /// Never: the shape was checked by [`PatchSliced::new`].
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.reseed(seed);
        self
    }

    fn build(&self, seed: u64) -> Result<SlicedSort> {
        let d = self.shape.dim();
        let mut data = Vec::with_capacity((self.full + self.local) * d);
        if self.full > 0 {
            data.extend_from_slice(Directions::iid(self.full, d, seed)?.as_slice());
        }
        if self.local > 0 {
            data.extend(patch_directions(
                self.shape,
                self.patch,
                self.local,
                seed ^ 0x5eed_10ca_1d1e_c7ed,
            )?);
        }
        let dirs = Directions::new(data, self.full + self.local, d)?;
        Ok(SlicedSort::from_directions(dirs))
    }
}

impl Reseed for PatchSliced {
    /// New directions from `seed`.
    ///
    /// # Panics
    /// Never: the shape was checked by [`PatchSliced::new`].
    fn reseed(&mut self, seed: u64) {
        self.seed = seed;
        self.inner = self
            .build(seed)
            .expect("directions of a checked configuration");
    }
}

impl<F: Float> MmdEstimator<F> for PatchSliced {
    fn name(&self) -> &'static str {
        "sliced-patches"
    }

    fn estimate(
        &self,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        stat: Statistic,
    ) -> sliced_mmd::Result<Estimate> {
        self.inner.estimate(x, y, stat)
    }

    fn grad_into(
        &self,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
        out: &mut [F],
    ) -> sliced_mmd::Result<f64> {
        self.inner.grad_into(x, y, out)
    }
}
