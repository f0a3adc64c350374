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
/// Counts are integers, converted to `f64` (exactly) where they are used.
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
            let stats = walk_impl::<F, true>(&bufs.items, n, m, gbuf, scale);
            g.copy_from_slice(&gbuf[..n]);
            stats
        }
        None => walk_impl::<F, false>(&bufs.items, n, m, &mut [], 0.0),
    }
}

/// The loop of [`walk`]: with `GRAD` the gradient into `gbuf` (`n + 1`
/// slots) and `v` only; without, `v`, `sxx` and `syy`.
#[inline(always)]
fn walk_impl<F: Float, const GRAD: bool>(
    items: &[F::SortItem],
    n: usize,
    m: usize,
    gbuf: &mut [F],
    scale: f64,
) -> SliceStats {
    let len = items.len();
    let (nf, mf) = (n as f64, m as f64);
    let (inv_n, inv_m) = (1.0 / nf, 1.0 / mf);
    let n32 = n as u32;
    let (c_xy, c_xx) = (2.0 / (nf * mf), 2.0 / (nf * nf));
    // items of X and in all before the current tie group (len < 2^32)
    let (mut cx, mut done) = (0u32, 0u32);
    let (mut v, mut a, mut b) = (0.0f64, 0.0f64, 0.0f64);
    let mut i = 0;
    let mut key = if len > 0 { F::item_key(items[0]) } else { 0 };
    let mut value = F::from_sort_key(key).as_f64();
    while i < len {
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
        let g_n = (j - i) as u32;
        if GRAD {
            // #{y < x} - #{y > x} = 2 cy + gy - m, likewise for x: exact
            // integers (|.| < 2^33), exactly converted
            let cy = done - cx;
            let gy_n = g_n - gx_n;
            let dy = (2 * i64::from(cy) + i64::from(gy_n) - m as i64) as f64;
            let dx = (2 * i64::from(cx) + i64::from(gx_n) - n as i64) as f64;
            let val = F::from_f64((c_xy * dy - c_xx * dx) * scale);
            for &e in &items[i..j] {
                let idx = F::item_index(e).min(n32) as usize;
                // SAFETY: idx <= n < gbuf.len() = n + 1
                unsafe { *gbuf.get_unchecked_mut(idx) = val };
            }
        }
        cx += gx_n;
        done += g_n;
        if j < len {
            let next = F::from_sort_key(next_key).as_f64();
            let gap = next - value;
            let fx = f64::from(cx) * inv_n;
            let fy = f64::from(done - cx) * inv_m;
            let diff = fx - fy;
            v += gap * diff * diff;
            if !GRAD {
                a += gap * fx * (1.0 - fx);
                b += gap * fy * (1.0 - fy);
            }
            key = next_key;
            value = next;
        }
        i = j;
    }
    let (sxx, syy) = if GRAD {
        (f64::NAN, f64::NAN)
    } else {
        (2.0 * a, 2.0 * b)
    };
    SliceStats {
        v: 2.0 * v,
        sxx,
        syy,
    }
}
