//! `r = 1` on the line: MMD² and its gradient from one sort.
//!
//! Invariants: `items` holds `(key, index)` for the pooled values, sorted by
//! key; indices `< n` are points of X, the others of Y. Equal keys are equal
//! values (`-0.0` and `+0.0` share a key), and form one tie group.

use super::SliceStats;
use crate::float::Float;

/// Reusable buffers of one worker: the items, the radix sort's scratch, and
/// a gradient buffer with one spare slot (see [`walk`]).
#[derive(Debug)]
pub(crate) struct Buffers<F: Float> {
    pub items: Vec<F::SortItem>,
    scratch: Vec<F::SortItem>,
    grad: Vec<F>,
}

impl<F: Float> Default for Buffers<F> {
    fn default() -> Self {
        Buffers {
            items: Vec::new(),
            scratch: Vec::new(),
            grad: Vec::new(),
        }
    }
}

/// Fill `bufs.items` with the `(sort key, index)` items of `vals`, sorted by key.
pub(crate) fn sort_items<F: Float>(vals: &[F], bufs: &mut Buffers<F>) {
    super::radix::sort_values(vals, &mut bufs.items, &mut bufs.scratch);
}

/// `order` = the indices of `vals` in sorted order, with `bufs` as working
/// buffers (their items are not left sorted).
pub(crate) fn sort_indices<F: Float>(vals: &[F], bufs: &mut Buffers<F>, order: &mut Vec<u32>) {
    super::radix::sort_indices(vals, &mut bufs.items, &mut bufs.scratch, order);
}

/// Walk the sorted pooled sample `bufs.items` once.
///
/// Value: `V = 2 Σ_k gap_k (F_μ - F_ν)²` over the gaps between consecutive
/// distinct values, and the within-sample sums
/// `Σ_{i,k}|x_i-x_k| / N² = 2 Σ_k gap_k F_μ (1 - F_μ)` (likewise for Y).
///
/// Gradient (when `grad = Some((g, scale))`): for each point `x_i`,
/// `g[i] = scale * ( 2/(NM) (#{y < x_i} - #{y > x_i}) - 2/N² (#{x < x_i} - #{x > x_i}) )`.
/// The within-sample sums serve the U-statistic only, which has no
/// gradient: along with a gradient they are not computed (`NaN`).
///
/// The loop has no branch that depends on which sample an item comes from
/// (such a branch is taken at random and mispredicted half the time):
/// counts add the comparison `index < n`, and the gradient is written for
/// every item, those of Y into one spare slot at the end of a buffer.
/// Counts are integers, converted to `f64` (exactly) where they are used;
/// each gradient value is one constant times an exact integer, and each
/// gap term the gap times the square of one (see [`Consts`]).
/// The gap terms go to eight partial sums by sorted position (see
/// [`LANES`]). For `f32` on a CPU with AVX-512, runs of untied values go
/// eight at a time through a vector loop ([`avx512::blocks`]) that gives the
/// same bits, for slices of up to [`SIMD_MAX_ITEMS`] values.
pub(crate) fn walk<F: Float>(
    bufs: &mut Buffers<F>,
    n: usize,
    m: usize,
    grad: Option<(&mut [F], f64)>,
) -> SliceStats {
    debug_assert_eq!(bufs.items.len(), n + m);
    match grad {
        Some((g, scale)) => {
            // every slot below n is written by the walk (each point of X once)
            let gbuf = &mut bufs.grad;
            gbuf.truncate(n + 1);
            gbuf.resize(n + 1, F::zero());
            let stats = if simd::<F>() && n + m <= SIMD_MAX_ITEMS {
                walk_impl::<F, true, true>(&bufs.items, n, m, gbuf, scale)
            } else {
                walk_impl::<F, true, false>(&bufs.items, n, m, gbuf, scale)
            };
            g.copy_from_slice(&gbuf[..n]);
            stats
        }
        None if simd::<F>() && n + m <= SIMD_MAX_ITEMS => {
            walk_impl::<F, false, true>(&bufs.items, n, m, &mut [], 0.0)
        }
        None => walk_impl::<F, false, false>(&bufs.items, n, m, &mut [], 0.0),
    }
}

/// Largest pooled sample the AVX-512 loop walks. Beyond it the scalar loop
/// is faster: the vector loop's gradient scatter waits on memory once the
/// gradient no longer fits in cache. Measured (`perf_report`, d = 16,
/// P = 20 to 40, 2 threads), 1-D pass vector / scalar: 0.084 / 0.105 s at
/// N = M = 2.5·10⁵, 0.735 / 0.740 s at 10⁶, 2.00 / 1.88 s at 2·10⁶,
/// 1.99 / 1.67 s at 4·10⁶. Both loops give the same bits.
const SIMD_MAX_ITEMS: usize = 1 << 21;

/// Whether the walk of `F` items can use the AVX-512 loop: `f32` items
/// (`u64`) on a CPU with AVX-512F.
fn simd<F: Float>() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::any::TypeId::of::<F>() == std::any::TypeId::of::<f32>()
            && std::mem::size_of::<F::SortItem>() == 8
            && avx512::available()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Number of interleaved partial sums of the gap terms: the term of the
/// tie group ending at sorted position `k` goes to sum `k % LANES`, and the
/// sums are added in lane order at the end. The scalar loop and the vector
/// loop (which handles 8 positions at once) use the same assignment, so
/// they give the same bits.
const LANES: usize = 8;

/// The partial sums of one walk: `v` always, `a` and `b` (the within-sample
/// sums) without a gradient.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    v: [f64; LANES],
    a: [f64; LANES],
    b: [f64; LANES],
}

/// Sum of the partial sums, in lane order.
fn total(lanes: &[f64; LANES]) -> f64 {
    lanes.iter().fold(0.0, |acc, &x| acc + x)
}

/// The constants of one walk, in the forms both loops use.
///
/// The gradient of a tie group `items[i..j]` (`g = j - i` items, `gx` of
/// them from X, `cx` items of X before it, `cy = i - cx` of Y) is
///
/// ```text
/// scale (2/(NM) (2cy + g - gx - M) - 2/N² (2cx + gx - N))  =  K I,
/// K = 2 scale / (N² M),
/// I = (2N i - 2(N+M) cx) + (N (g - gx) - M gx),
/// ```
///
/// with `I` an integer, exact in `f64` (below `2^53` for `N + M` up to
/// about `6·10⁷`): one rounding, in the product, and `I = 0` exactly where
/// the counts cancel (`Y = X`, or `Y` = `X` repeated). Its last term
/// ([`Consts::tail`]) is `-M` for every untied point of X. The value's
/// term of the gap after a tie group ending at position `j` is
/// `gap (F_μ - F_ν)² = gap D² / (NM)²` with the integer
/// `D = (cx + gx)(N + M) - j N`, likewise exact.
#[derive(Debug, Clone, Copy)]
struct Consts {
    n: u32,
    nf: f64,
    mf: f64,
    inv_n: f64,
    inv_m: f64,
    /// `N + M`.
    nm: f64,
    /// `2N` and `2(N + M)`, the factors of `i` and `cx` in `I`.
    n2: f64,
    nm2: f64,
    /// `K`.
    k: f64,
}

impl Consts {
    fn new(n: usize, m: usize, scale: f64) -> Self {
        let (nf, mf) = (n as f64, m as f64);
        Consts {
            n: n as u32,
            nf,
            mf,
            inv_n: 1.0 / nf,
            inv_m: 1.0 / mf,
            nm: nf + mf,
            n2: 2.0 * nf,
            nm2: 2.0 * (nf + mf),
            k: 2.0 * scale / (nf * nf * mf),
        }
    }

    /// The last term of `I` for a tie group of `g` items, `gx` of them
    /// from X.
    #[inline(always)]
    fn tail(&self, g: f64, gx: f64) -> f64 {
        self.nf * (g - gx) - self.mf * gx
    }
}

/// The loop of [`walk`]: with `GRAD` the gradient into `gbuf` (`n + 1`
/// slots) and `v` only; without, `v`, `sxx` and `syy`. With `SIMD` (only
/// for `f32` items on a CPU with AVX-512, checked by the caller) runs of
/// eight untied values at a time go through [`avx512::blocks`]. Both loops
/// evaluate the forms of [`Consts`] with the same operations in the same
/// order.
#[inline(always)]
fn walk_impl<F: Float, const GRAD: bool, const SIMD: bool>(
    items: &[F::SortItem],
    n: usize,
    m: usize,
    gbuf: &mut [F],
    scale: f64,
) -> SliceStats {
    let len = items.len();
    let c = Consts::new(n, m, scale);
    let n32 = c.n;
    // items of X before the current tie group; all items before it are i
    // (len < 2^32, so positions fit in u32)
    let mut cx = 0u32;
    let mut sums = Sums::default();
    let mut i = 0;
    let mut key = if len > 0 { F::item_key(items[0]) } else { 0 };
    let mut value = F::from_sort_key(key).as_f64();
    while i < len {
        #[cfg(target_arch = "x86_64")]
        if SIMD && i + avx512::BLOCK < len {
            // SAFETY: the caller checked that F is f32 (so items are u64
            // and gbuf holds f32) and that the CPU has AVX-512F
            let next = unsafe {
                let items64 = std::slice::from_raw_parts(items.as_ptr().cast::<u64>(), len);
                let g32 = gbuf.as_mut_ptr().cast::<f32>();
                avx512::blocks::<GRAD>(items64, i, &mut cx, &mut sums, g32, &c)
            };
            if next != i {
                i = next;
                key = F::item_key(items[i]);
                value = F::from_sort_key(key).as_f64();
            }
        }
        // the tie group items[i..j]: almost always the single item i
        let mut j = i + 1;
        let mut next_key = if j < len { F::item_key(items[j]) } else { !key };
        let gx_n: u32 = if next_key != key {
            u32::from(F::item_index(items[i]) < n32)
        } else {
            while j < len && next_key == key {
                j += 1;
                next_key = if j < len { F::item_key(items[j]) } else { !key };
            }
            items[i..j]
                .iter()
                .map(|&e| u32::from(F::item_index(e) < n32))
                .sum()
        };
        if GRAD {
            // counts and positions are exact integers in f64 (< 2^33)
            let tail = c.tail((j - i) as f64, f64::from(gx_n));
            let val = F::from_f64(((c.n2 * i as f64 - c.nm2 * f64::from(cx)) + tail) * c.k);
            for &e in &items[i..j] {
                let idx = F::item_index(e).min(n32) as usize;
                // SAFETY: idx <= n < gbuf.len() = n + 1
                unsafe { *gbuf.get_unchecked_mut(idx) = val };
            }
        }
        cx += gx_n;
        if j < len {
            let next = F::from_sort_key(next_key).as_f64();
            let gap = next - value;
            let cxf = f64::from(cx);
            let jf = j as f64;
            let d = cxf * c.nm - jf * c.nf;
            let lane = (j - 1) % LANES;
            sums.v[lane] += gap * d * d;
            if !GRAD {
                let fx = cxf * c.inv_n;
                let fy = (jf - cxf) * c.inv_m;
                sums.a[lane] += gap * fx * (1.0 - fx);
                sums.b[lane] += gap * fy * (1.0 - fy);
            }
            key = next_key;
            value = next;
        }
        i = j;
    }
    let (sxx, syy) = if GRAD {
        (f64::NAN, f64::NAN)
    } else {
        (2.0 * total(&sums.a), 2.0 * total(&sums.b))
    };
    let nm = c.nf * c.mf;
    SliceStats {
        v: 2.0 * total(&sums.v) / (nm * nm),
        sxx,
        syy,
    }
}

/// The walk, eight untied `f32` items at a time, with AVX-512F.
///
/// For a run of sorted positions `i..i + 8` whose values all differ from
/// the next one (so each item is a tie group of its own), the loop computes
/// in `f64` lanes exactly what the scalar loop computes item by item: the
/// counts (exact integers in `f64`), the gradient of the points of X
/// (scattered to their indices; the points of Y are masked out instead of
/// written to the spare slot), and the gap terms, added to the partial sum
/// of their position modulo 8. Each lane rounds the same operations in the
/// same order as the scalar loop (no fused multiply-add), so the results
/// are the same bits. The count of X and the values carry over from one
/// block to the next in vector registers.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{Consts, Sums};
    use std::arch::x86_64::*;

    /// Items per block.
    pub(super) const BLOCK: usize = 8;

    /// Whether this CPU runs [`blocks`].
    pub(super) fn available() -> bool {
        is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx2")
    }

    /// Byte `l` of `PREFIX[mask]` = the number of set bits of `mask` below
    /// bit `l`: the items of X before lane `l` of a block.
    const PREFIX: [u64; 256] = {
        let mut t = [0u64; 256];
        let mut mask = 0;
        while mask < 256 {
            let mut l = 0;
            while l < 8 {
                let below = (mask as u32 & ((1u32 << l) - 1)).count_ones() as u64;
                t[mask] |= below << (8 * l);
                l += 1;
            }
            mask += 1;
        }
        t
    };

    /// The `f64` values of the `f32` sort keys in the high halves of eight
    /// items (the inverse of `Float::sort_key`, lane by lane).
    #[inline]
    #[target_feature(enable = "avx512f,avx2")]
    fn values(items: __m512i) -> __m512d {
        // the keys as eight 32-bit lanes
        let k = _mm512_cvtepi64_epi32(_mm512_srli_epi64::<32>(items));
        // key with its top bit set: a value >= +0.0, whose bits are the key
        // without that bit; otherwise a negative value, whose bits are !key
        let top = _mm256_srai_epi32::<31>(k);
        // k ^ (!top | 0x8000_0000)
        let flip = _mm256_or_si256(
            _mm256_xor_si256(top, _mm256_set1_epi32(-1)),
            _mm256_set1_epi32(i32::MIN),
        );
        _mm512_cvtps_pd(_mm256_castsi256_ps(_mm256_xor_si256(k, flip)))
    }

    /// Walk blocks of [`BLOCK`] untied items from position `i` (the start of
    /// a tie group, with `i + BLOCK < items.len()`) until a block has a tie
    /// or fewer than `BLOCK + 1` items remain; returns the position reached
    /// (the start of a tie group). `cx` counts the items of X before `i` on
    /// entry and before the returned position on return.
    ///
    /// # Safety
    /// The CPU must have AVX-512F and AVX2; with `GRAD`, `g` must be valid
    /// for writes of `c.n` floats.
    #[target_feature(enable = "avx512f,avx2")]
    pub(super) unsafe fn blocks<const GRAD: bool>(
        items: &[u64],
        mut i: usize,
        cx: &mut u32,
        sums: &mut Sums,
        g: *mut f32,
        c: &Consts,
    ) -> usize {
        let len = items.len();
        debug_assert!(i + BLOCK < len, "the caller leaves a block to walk");
        let iota = _mm512_set_pd(7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0);
        // lane l of a block is position i + l, whose partial sum is
        // (i + l) % 8: rotate the block's terms by i % 8 before adding
        let rot = _mm512_and_si512(
            _mm512_add_epi64(
                _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0),
                _mm512_set1_epi64((BLOCK - i % BLOCK) as i64),
            ),
            _mm512_set1_epi64(BLOCK as i64 - 1),
        );
        // lane 0 from lane 7 of the second operand, lane l from lane l - 1
        // of the first
        let shift_in = _mm512_set_epi64(6, 5, 4, 3, 2, 1, 0, 15);
        let last = _mm512_set1_epi64(7);
        let low = _mm512_set1_epi64(0xffff_ffff);
        let nv = _mm512_set1_epi64(i64::from(c.n));
        let (one, eight) = (_mm512_set1_pd(1.0), _mm512_set1_pd(8.0));
        let (nf, nm) = (_mm512_set1_pd(c.nf), _mm512_set1_pd(c.nm));
        let (inv_n, inv_m) = (_mm512_set1_pd(c.inv_n), _mm512_set1_pd(c.inv_m));
        let (n2, nm2) = (_mm512_set1_pd(c.n2), _mm512_set1_pd(c.nm2));
        let (tail, k) = (_mm512_set1_pd(c.tail(1.0, 1.0)), _mm512_set1_pd(c.k));
        // SAFETY (loads): Sums holds three arrays of 8 f64
        let mut sv = unsafe { _mm512_loadu_pd(sums.v.as_ptr()) };
        let mut sa = unsafe { _mm512_loadu_pd(sums.a.as_ptr()) };
        let mut sb = unsafe { _mm512_loadu_pd(sums.b.as_ptr()) };
        // items of X before the block, positions of its lanes, and the value
        // at position i (in lane 7)
        let mut cxv = _mm512_set1_pd(f64::from(*cx));
        let mut done = _mm512_add_pd(_mm512_set1_pd(i as f64), iota);
        let mut prev = values(_mm512_set1_epi64(items[i] as i64));
        while i + BLOCK < len {
            // SAFETY: items[i..i + 9] are in bounds
            let (cur, nxt) = unsafe {
                let p = items.as_ptr().add(i);
                (
                    _mm512_loadu_si512(p.cast()),
                    _mm512_loadu_si512(p.add(1).cast()),
                )
            };
            let vn = values(nxt);
            let vc = _mm512_permutex2var_pd(vn, shift_in, prev);
            if _mm512_cmp_pd_mask::<_CMP_EQ_OQ>(vc, vn) != 0 {
                break; // a tie: the scalar loop takes this group
            }
            let idx = _mm512_and_si512(cur, low);
            let isx = _mm512_cmplt_epu64_mask(idx, nv);
            let below = _mm512_cvtepi32_pd(_mm256_cvtepu8_epi32(_mm_cvtsi64_si128(
                PREFIX[usize::from(isx)] as i64,
            )));
            // counts before each item, and the item's own count in X (0 or 1)
            let cx_before = _mm512_add_pd(cxv, below);
            let gx = _mm512_maskz_mov_pd(isx, one);
            if GRAD {
                let i_int = _mm512_add_pd(
                    _mm512_sub_pd(_mm512_mul_pd(n2, done), _mm512_mul_pd(nm2, cx_before)),
                    tail,
                );
                let val = _mm512_mul_pd(i_int, k);
                // SAFETY: the lanes of X have indices below n
                unsafe {
                    _mm512_mask_i64scatter_ps::<4>(g, isx, idx, _mm512_cvtpd_ps(val));
                }
            }
            let cx_after = _mm512_add_pd(cx_before, gx);
            let j = _mm512_add_pd(done, one);
            let d = _mm512_sub_pd(_mm512_mul_pd(cx_after, nm), _mm512_mul_pd(j, nf));
            let gap = _mm512_sub_pd(vn, vc);
            let tv = _mm512_mul_pd(_mm512_mul_pd(gap, d), d);
            sv = _mm512_add_pd(sv, _mm512_permutexvar_pd(rot, tv));
            if !GRAD {
                let fx = _mm512_mul_pd(cx_after, inv_n);
                let fy = _mm512_mul_pd(_mm512_sub_pd(j, cx_after), inv_m);
                let ta = _mm512_mul_pd(_mm512_mul_pd(gap, fx), _mm512_sub_pd(one, fx));
                let tb = _mm512_mul_pd(_mm512_mul_pd(gap, fy), _mm512_sub_pd(one, fy));
                sa = _mm512_add_pd(sa, _mm512_permutexvar_pd(rot, ta));
                sb = _mm512_add_pd(sb, _mm512_permutexvar_pd(rot, tb));
            }
            cxv = _mm512_permutexvar_pd(last, cx_after);
            done = _mm512_add_pd(done, eight);
            prev = vn;
            i += BLOCK;
        }
        // SAFETY: as for the loads
        unsafe {
            _mm512_storeu_pd(sums.v.as_mut_ptr(), sv);
            _mm512_storeu_pd(sums.a.as_mut_ptr(), sa);
            _mm512_storeu_pd(sums.b.as_mut_ptr(), sb);
        }
        // an exact integer below 2^32
        *cx = _mm512_cvtsd_f64(cxv) as u32;
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorted items of a pooled sample of `n + m` values with ties: runs of
    /// untied values (about 20 long on average: the vector loop's case)
    /// broken by tie groups mixing both samples (the scalar loop's case).
    fn sorted(n: usize, m: usize, seed: u64) -> Buffers<f32> {
        let mut s = seed;
        let vals: Vec<f32> = (0..n + m)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (s >> 40) as u32;
                match u % 101 {
                    0 => 0.5,
                    1 => -0.0,
                    2 => 0.0,
                    3 => (u % 5) as f32 - 2.0,
                    _ => (u as f32 / 16777216.0 - 0.5) * 7.0,
                }
            })
            .collect();
        let mut bufs = Buffers::default();
        sort_items(&vals, &mut bufs);
        bufs
    }

    /// The vector loop gives the same bits as the scalar loop, for the
    /// value, the within-sample sums and the gradient.
    #[test]
    fn vector_walk_matches_scalar_walk_bit_for_bit() {
        if !simd::<f32>() {
            eprintln!("no AVX-512 on this CPU: only the scalar walk exists here");
            return;
        }
        for (n, m, seed) in [
            (1, 1, 1),
            (9, 1, 2),
            (100, 37, 3),
            (1000, 1500, 4),
            (4096, 4096, 5),
        ] {
            let bufs = sorted(n, m, seed);
            let (mut g0, mut g1) = (vec![0.0f32; n + 1], vec![0.0f32; n + 1]);
            let s0 = walk_impl::<f32, true, false>(&bufs.items, n, m, &mut g0, 0.75);
            let s1 = walk_impl::<f32, true, true>(&bufs.items, n, m, &mut g1, 0.75);
            assert_eq!(s0.v.to_bits(), s1.v.to_bits(), "v, n = {n}, m = {m}");
            let bits = |g: &[f32]| g[..n].iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&g0), bits(&g1), "gradient, n = {n}, m = {m}");
            let s0 = walk_impl::<f32, false, false>(&bufs.items, n, m, &mut [], 0.0);
            let s1 = walk_impl::<f32, false, true>(&bufs.items, n, m, &mut [], 0.0);
            for (a, b) in [(s0.v, s1.v), (s0.sxx, s1.sxx), (s0.syy, s1.syy)] {
                assert_eq!(a.to_bits(), b.to_bits(), "n = {n}, m = {m}");
            }
        }
    }
}
