//! Which kernel and estimator a call asks for, and building them for the
//! samples at hand.

use sliced_mmd::kernel::median_heuristic;
use sliced_mmd::{
    AnyKernel, DirectionDesign, Directions, Estimator, Float, Gaussian, Laplace,
    MmdError as CoreError, Naive, Points, RandomFeatures, Riesz, SlicedSort,
};

/// A kernel by name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KernelName {
    Riesz,
    Gaussian,
    Laplace,
}

impl KernelName {
    pub fn parse(name: &str) -> Result<Self, CoreError> {
        match name.to_ascii_lowercase().as_str() {
            "riesz" | "energy" | "distance" => Ok(KernelName::Riesz),
            "gaussian" | "rbf" => Ok(KernelName::Gaussian),
            "laplace" | "laplacian" => Ok(KernelName::Laplace),
            _ => Err(CoreError::UnknownName {
                kind: "kernel",
                name: name.to_string(),
                expected: "riesz (energy), gaussian, laplace",
            }),
        }
    }
}

/// An estimator by name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EstimatorName {
    Auto,
    Exact,
    Sliced,
    Features,
}

impl EstimatorName {
    pub fn parse(name: &str) -> Result<Self, CoreError> {
        match name.to_ascii_lowercase().as_str() {
            "auto" => Ok(EstimatorName::Auto),
            "exact" | "naive" => Ok(EstimatorName::Exact),
            "sliced" => Ok(EstimatorName::Sliced),
            "features" => Ok(EstimatorName::Features),
            _ => Err(CoreError::UnknownName {
                kind: "estimator",
                name: name.to_string(),
                expected: "auto, exact, sliced, features",
            }),
        }
    }
}

/// Everything that chooses an estimator, checked before any data is read.
#[derive(Debug, Clone)]
pub struct Spec {
    pub kernel: KernelName,
    pub r: f64,
    pub sigma: Option<f64>,
    pub estimator: EstimatorName,
    pub slices: usize,
    pub features: usize,
    pub design: DirectionDesign,
    pub directions: Option<Directions>,
    pub seed: u64,
}

/// An estimator ready to run, with what the caller is told about it.
pub struct Built {
    pub estimator: Estimator,
    /// `exact`, `sliced` or `features`.
    pub name: &'static str,
    /// The bandwidth used (Gaussian and Laplace kernels), else `None`.
    pub sigma: Option<f64>,
}

impl Spec {
    /// The kernel, with the bandwidth from the median heuristic of the
    /// pooled sample when none was given.
    fn kernel<F: Float>(
        &self,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
    ) -> Result<(AnyKernel, Option<f64>), CoreError> {
        Ok(match self.kernel {
            KernelName::Riesz => (Riesz::new(self.r)?.into(), None),
            KernelName::Gaussian | KernelName::Laplace => {
                let sigma = match self.sigma {
                    Some(s) => s,
                    None => median_heuristic(x, y, self.seed)?,
                };
                let k: AnyKernel = if self.kernel == KernelName::Gaussian {
                    Gaussian::new(sigma)?.into()
                } else {
                    Laplace::new(sigma)?.into()
                };
                (k, Some(sigma))
            }
        })
    }

    /// The sliced-sort estimator of these settings for the Riesz kernel `r`.
    fn sliced(&self, r: f64) -> Result<SlicedSort, CoreError> {
        let est = match &self.directions {
            Some(dirs) => SlicedSort::from_directions(dirs.clone()),
            None => SlicedSort::new(self.slices)?
                .with_seed(self.seed)
                .with_design(self.design),
        };
        Ok(est.with_kernel(Riesz::new(r)?))
    }

    /// The estimator for samples `x` and `y`.
    ///
    /// `auto` is exact while `(N+M)² ≤ 10⁸`, in one dimension for the
    /// energy kernel, and for Riesz exponents other than 1 (whose sliced
    /// estimator sums pairs per slice, slower than the exact one), else sliced-sort for the energy kernel and random
    /// features for the Gaussian and Laplace kernels. In one dimension the
    /// exact energy distance is computed by one sort (the sliced-sort
    /// estimator on the direction `+1`, exact there), in
    /// `O((N+M) log(N+M))`.
    pub fn build<F: Float>(
        &self,
        x: &Points<'_, F>,
        y: &Points<'_, F>,
    ) -> Result<Built, CoreError> {
        let (kernel, sigma) = self.kernel(x, y)?;
        let r = match &kernel {
            AnyKernel::Riesz(k) => Some(k.r()),
            _ => None,
        };
        let exact = |kernel: AnyKernel| -> Result<Built, CoreError> {
            let estimator = if r == Some(1.0) && x.d() == 1 && y.d() == 1 {
                let line = Directions::new(vec![1.0], 1, 1)?;
                Estimator::SlicedSort(SlicedSort::from_directions(line))
            } else {
                Estimator::Naive(Naive::new(kernel))
            };
            Ok(Built {
                estimator,
                name: "exact",
                sigma,
            })
        };
        let sliced = |r: Option<f64>| -> Result<Built, CoreError> {
            match r {
                Some(r) => Ok(Built {
                    estimator: Estimator::SlicedSort(self.sliced(r)?),
                    name: "sliced",
                    sigma,
                }),
                None => Err(CoreError::Unsupported {
                    estimator: "sliced",
                    what: match self.kernel {
                        KernelName::Gaussian => {
                            "the gaussian kernel (only riesz kernels are sliced)"
                        }
                        _ => "the laplace kernel (only riesz kernels are sliced)",
                    },
                }),
            }
        };
        let features = |kernel: AnyKernel| -> Result<Built, CoreError> {
            Ok(Built {
                estimator: Estimator::Features(
                    RandomFeatures::new(kernel, self.features)?.with_seed(self.seed),
                ),
                name: "features",
                sigma,
            })
        };
        match self.estimator {
            EstimatorName::Exact => exact(kernel),
            EstimatorName::Sliced => sliced(r),
            EstimatorName::Features => features(kernel),
            EstimatorName::Auto => {
                let l = (x.n() + y.n()) as u128;
                let small = l * l <= sliced_mmd::estimator::AUTO_NAIVE_LIMIT;
                let line = x.d() == 1 && r == Some(1.0);
                if small || line || (r.is_some() && r != Some(1.0)) {
                    exact(kernel)
                } else if r.is_some() {
                    sliced(r)
                } else {
                    features(kernel)
                }
            }
        }
    }
}
