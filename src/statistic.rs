//! What is estimated: the V- or U-statistic of MMD², and an estimate of it.
//!
//! Every estimator and the permutation tests derive the U-statistic from
//! the V-statistic in one place, `Statistic::of_v` (crate-internal):
//!
//! ```text
//! V = A_x + A_y - 2 S_xy,    A_x = 1/N² Σ_{i,k} K(x_i,x_k),   S_xy = 1/(NM) Σ_{i,j} K(x_i,y_j)
//! U = V + (A_x - D_x)/(N-1) + (A_y - D_y)/(M-1),              D_x = 1/N  Σ_i K(x_i,x_i)
//! ```
//!
//! which is the definition `U = Σ_{i≠k} K(x_i,x_k)/(N(N-1)) + ... - 2 S_xy`
//! rearranged: `Σ_{i≠k} = N² A_x - N D_x`, and
//! `(N² A_x - N D_x)/(N(N-1)) = A_x + (A_x - D_x)/(N-1)`. An estimator may
//! compute `V` in a form that does not cancel (the sum of gaps of the
//! sorted slices, a squared difference of feature means) and hand it here.

use crate::error::{MmdError, Result, Sample};

/// Which estimate of MMD² to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Statistic {
    /// The V-statistic: MMD² of the two empirical measures. Never negative;
    /// what a flow minimises. The default.
    #[default]
    V,
    /// The U-statistic: within-sample sums over `i ≠ k`, divided by
    /// `N(N-1)` and `M(M-1)`. Unbiased; can be negative. Needs `N, M ≥ 2`.
    U,
}

impl std::str::FromStr for Statistic {
    type Err = MmdError;

    /// `v` or `u` (either case).
    ///
    /// # Errors
    /// [`MmdError::UnknownName`] for anything else.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "v" | "V" => Ok(Statistic::V),
            "u" | "U" => Ok(Statistic::U),
            _ => Err(MmdError::UnknownName {
                kind: "statistic",
                name: s.to_string(),
                expected: "v, u",
            }),
        }
    }
}

/// An MMD² estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The estimate of MMD².
    pub mmd2: f64,
    /// For Monte Carlo estimators, the standard error of `mmd2` estimated
    /// from the estimator's own independent terms (for example the spread
    /// of the per-slice values over `√P`); `None` for exact estimators.
    pub std_error: Option<f64>,
}

/// The within-sample means of one sample that the U-statistic needs
/// besides the V-statistic (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Within {
    /// `A = 1/N² Σ_{i,k} K(x_i, x_k)`, all pairs.
    pub all: f64,
    /// `D = 1/N Σ_i K(x_i, x_i)`, the diagonal (zero for Riesz kernels).
    pub diag: f64,
}

impl Statistic {
    /// This statistic from the V-statistic `v` and the within-sample means
    /// of X (`N` points) and Y (`M` points): `v` itself, or
    /// `v + (A_x - D_x)/(N-1) + (A_y - D_y)/(M-1)`.
    pub(crate) fn of_v(self, v: f64, n: usize, m: usize, wx: Within, wy: Within) -> f64 {
        match self {
            Statistic::V => v,
            Statistic::U => {
                v + (wx.all - wx.diag) / (n as f64 - 1.0) + (wy.all - wy.diag) / (m as f64 - 1.0)
            }
        }
    }

    /// This statistic from the three pair sums: `V = A_x + A_y - 2 S_xy`,
    /// then [`Statistic::of_v`]. `sxy` is the plain sum `Σ_{i,j} K(x_i,y_j)`.
    /// The V-statistic is the MMD² of two measures, never negative for the
    /// crate's kernels (all conditionally positive definite); the cancelling
    /// sum can round to a tiny negative number (`-2e-16` for identical
    /// samples), which is returned as 0. The U-statistic is formed from the
    /// unrounded value.
    pub(crate) fn of_pair_sums(self, n: usize, m: usize, wx: Within, wy: Within, sxy: f64) -> f64 {
        let v = wx.all + wy.all - 2.0 * sxy / (n as f64 * m as f64);
        match self {
            Statistic::V => v.max(0.0),
            Statistic::U => self.of_v(v, n, m, wx, wy),
        }
    }
}

/// Check that `stat` is defined for sample sizes `n`, `m`: the U-statistic
/// needs two points in each sample.
pub(crate) fn check_statistic(stat: Statistic, n: usize, m: usize) -> Result<()> {
    if stat == Statistic::U {
        if n < 2 {
            return Err(MmdError::TooFewForUnbiased {
                sample: Sample::X,
                n,
            });
        }
        if m < 2 {
            return Err(MmdError::TooFewForUnbiased {
                sample: Sample::Y,
                n: m,
            });
        }
    }
    Ok(())
}
