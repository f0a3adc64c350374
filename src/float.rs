//! The sealed float trait: `f32` and `f64` only.
//!
//! Everything generic in the crate is generic over [`Float`]. Besides the
//! arithmetic of `num_traits::Float` it carries the few precision-specific
//! pieces the hot loops need: a lossless widening to `f64` (long sums are
//! always accumulated in `f64`), an order-preserving integer key for
//! sorting, and the matching single- or double-precision matrix product.

/// The precision-specific pieces the hot loops need, out of users' reach:
/// the trait is public in name only (its module is private), so it seals
/// [`Float`] and hides these items from the public API.
pub(crate) mod sealed {
    /// See the [module docs](self).
    pub trait Sealed: Sized {
        /// A sortable `(key, index)` pair (packed into one `u64` for `f32`).
        type SortItem: Copy + Send + Sync + Default + Ord + 'static;

        /// Number of significant bits of [`super::Float::sort_key`].
        const KEY_BITS: u32;

        /// The item of value `self` at pooled index `idx`.
        fn sort_item(self, idx: u32) -> Self::SortItem;

        /// The key of an item.
        fn item_key(item: Self::SortItem) -> u64;

        /// The index of an item.
        fn item_index(item: Self::SortItem) -> u32;

        /// `C = alpha A B + beta C` with arbitrary strides (elements).
        ///
        /// # Safety
        /// The pointers must be valid for the given shapes and strides and `c`
        /// must not alias `a` or `b`.
        #[allow(clippy::too_many_arguments)]
        unsafe fn gemm_raw(
            m: usize,
            k: usize,
            n: usize,
            alpha: Self,
            a: *const Self,
            rsa: isize,
            csa: isize,
            b: *const Self,
            rsb: isize,
            csb: isize,
            beta: Self,
            c: *mut Self,
            rsc: isize,
            csc: isize,
        );
    }
}

/// The two precisions of [`Float`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// `f32`.
    Single,
    /// `f64`.
    Double,
}

impl std::str::FromStr for Precision {
    type Err = crate::error::MmdError;

    /// `f32` (single) or `f64` (double), the names of [`Float::NAME`].
    ///
    /// # Errors
    /// [`MmdError::UnknownName`](crate::MmdError::UnknownName) for any
    /// other name.
    ///
    /// # Examples
    /// ```
    /// use sliced_mmd::Precision;
    /// assert_eq!("f32".parse::<Precision>()?, Precision::Single);
    /// assert!("f16".parse::<Precision>().is_err());
    /// # Ok::<(), sliced_mmd::MmdError>(())
    /// ```
    fn from_str(s: &str) -> crate::error::Result<Self> {
        match s {
            "f32" => Ok(Precision::Single),
            "f64" => Ok(Precision::Double),
            _ => Err(crate::error::MmdError::UnknownName {
                kind: "precision",
                name: s.to_string(),
                expected: "f32, f64",
            }),
        }
    }
}

/// A floating-point type the crate computes in: `f32` or `f64`.
///
/// This trait is sealed; it cannot be implemented outside the crate.
pub trait Float:
    num_traits::Float
    + nalgebra::Scalar
    + Default
    + Send
    + Sync
    + std::fmt::Display
    + std::iter::Sum
    + sealed::Sealed
    + 'static
{
    /// `"f32"` or `"f64"` (for messages and file headers).
    const NAME: &'static str;

    /// Single (`f32`) or double (`f64`) precision: what code that must
    /// treat the two types differently tests.
    const PRECISION: Precision;

    /// Widen (or keep) to `f64`. Exact for both types.
    fn as_f64(self) -> f64;

    /// Round an `f64` to this type.
    fn from_f64(v: f64) -> Self;

    /// An unsigned key whose order is the order of the (non-NaN) values, with
    /// `-0.0` and `+0.0` mapped to the same key so that they count as a tie.
    fn sort_key(self) -> u64;

    /// The inverse of [`Float::sort_key`] (returns `+0.0` for either zero).
    fn from_sort_key(key: u64) -> Self;
}

impl sealed::Sealed for f32 {
    type SortItem = u64;
    const KEY_BITS: u32 = 32;

    #[inline(always)]
    fn sort_item(self, idx: u32) -> u64 {
        (self.sort_key() << 32) | idx as u64
    }

    #[inline(always)]
    fn item_key(item: u64) -> u64 {
        item >> 32
    }

    #[inline(always)]
    fn item_index(item: u64) -> u32 {
        item as u32
    }

    unsafe fn gemm_raw(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: *const Self,
        rsa: isize,
        csa: isize,
        b: *const Self,
        rsb: isize,
        csb: isize,
        beta: Self,
        c: *mut Self,
        rsc: isize,
        csc: isize,
    ) {
        gemm_single(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);
    }
}

impl Float for f32 {
    const NAME: &'static str = "f32";
    const PRECISION: Precision = Precision::Single;

    #[inline(always)]
    fn as_f64(self) -> f64 {
        self as f64
    }

    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }

    #[inline(always)]
    fn sort_key(self) -> u64 {
        // -0.0 + 0.0 = +0.0, and v + 0.0 = v for every other non-NaN v
        // (round to nearest): one addition instead of a compare and a select
        let v = self + 0.0f32;
        let b = v.to_bits();
        let k = if b & 0x8000_0000 != 0 {
            !b
        } else {
            b | 0x8000_0000
        };
        k as u64
    }

    #[inline(always)]
    fn from_sort_key(key: u64) -> Self {
        let k = key as u32;
        let b = if k & 0x8000_0000 != 0 {
            k & 0x7fff_ffff
        } else {
            !k
        };
        f32::from_bits(b)
    }
}

impl sealed::Sealed for f64 {
    type SortItem = (u64, u32);
    const KEY_BITS: u32 = 64;

    #[inline(always)]
    fn sort_item(self, idx: u32) -> (u64, u32) {
        (self.sort_key(), idx)
    }

    #[inline(always)]
    fn item_key(item: (u64, u32)) -> u64 {
        item.0
    }

    #[inline(always)]
    fn item_index(item: (u64, u32)) -> u32 {
        item.1
    }

    unsafe fn gemm_raw(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: *const Self,
        rsa: isize,
        csa: isize,
        b: *const Self,
        rsb: isize,
        csb: isize,
        beta: Self,
        c: *mut Self,
        rsc: isize,
        csc: isize,
    ) {
        gemm_single(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);
    }
}

impl Float for f64 {
    const NAME: &'static str = "f64";
    const PRECISION: Precision = Precision::Double;

    #[inline(always)]
    fn as_f64(self) -> f64 {
        self
    }

    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }

    #[inline(always)]
    fn sort_key(self) -> u64 {
        // -0.0 + 0.0 = +0.0, and v + 0.0 = v for every other non-NaN v
        // (round to nearest): one addition instead of a compare and a select
        let v = self + 0.0f64;
        let b = v.to_bits();
        if b & 0x8000_0000_0000_0000 != 0 {
            !b
        } else {
            b | 0x8000_0000_0000_0000
        }
    }

    #[inline(always)]
    fn from_sort_key(key: u64) -> Self {
        let b = if key & 0x8000_0000_0000_0000 != 0 {
            key & 0x7fff_ffff_ffff_ffff
        } else {
            !key
        };
        f64::from_bits(b)
    }
}

/// Sum of an iterator of `f64` in the order given (the crate's fixed fold order).
#[inline]
pub(crate) fn sum_in_order(it: impl IntoIterator<Item = f64>) -> f64 {
    it.into_iter().fold(0.0, |acc, v| acc + v)
}

/// `C = alpha A B + beta C` on one thread, by the `gemm` crate (its
/// kernels are picked at run time: AVX-512, AVX2/FMA or portable), in the
/// argument order of `matrixmultiply`.
///
/// # Safety
/// As `Sealed::gemm_raw`.
#[allow(clippy::too_many_arguments)]
#[inline]
unsafe fn gemm_single<T: 'static + Copy + num_traits::Zero>(
    m: usize,
    k: usize,
    n: usize,
    alpha: T,
    a: *const T,
    rsa: isize,
    csa: isize,
    b: *const T,
    rsb: isize,
    csb: isize,
    beta: T,
    c: *mut T,
    rsc: isize,
    csc: isize,
) {
    // `gemm::gemm` computes `dst = alpha_g dst + beta_g lhs rhs`, reading
    // `dst` only when asked to, and takes column strides first.
    ::gemm::gemm(
        m,
        n,
        k,
        c,
        csc,
        rsc,
        !beta.is_zero(),
        a,
        csa,
        rsa,
        b,
        csb,
        rsb,
        beta,
        alpha,
        false,
        false,
        false,
        ::gemm::Parallelism::None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_preserve_order_and_round_trip() {
        let vals = [
            f64::MIN,
            -1e300,
            -1.5,
            -1e-310,
            -0.0,
            0.0,
            1e-310,
            2.0,
            1e300,
            f64::MAX,
        ];
        for w in vals.windows(2) {
            assert!(w[0].sort_key() <= w[1].sort_key(), "{} {}", w[0], w[1]);
            assert_eq!(w[0] < w[1], w[0].sort_key() < w[1].sort_key());
        }
        for &v in &vals {
            assert_eq!(f64::from_sort_key(v.sort_key()), v + 0.0);
            let s = v as f32;
            if s.is_finite() {
                assert_eq!(f32::from_sort_key(s.sort_key()), s + 0.0);
            }
        }
        assert_eq!((-0.0f32).sort_key(), 0.0f32.sort_key());
        assert!((-1.0f32).sort_key() < (-0.5f32).sort_key());
        assert!((0.5f32).sort_key() < (1.0f32).sort_key());
    }
}
