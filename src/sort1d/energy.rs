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
///
/// The loop has no branch that depends on which sample an item comes from
/// (such a branch is taken at random and mispredicted half the time):
/// counts add the comparison `index < n`, and the gradient is written for
/// every item, those of Y into one spare slot at the end of a buffer.
pub(crate) fn walk<F: Float>(
    bufs: &mut Buffers<F>,
    n: usize,
    m: usize,
    grad: Option<(&mut [F], f64)>,
) -> SliceStats {
    let items = &bufs.items[..];
    let len = items.len();
    debug_assert_eq!(len, n + m);
    let (nf, mf) = (n as f64, m as f64);
    let (inv_n, inv_m) = (1.0 / nf, 1.0 / mf);
    let n32 = n as u32;
    let want_grad = grad.is_some();
    let scale = grad.as_ref().map_or(0.0, |g| g.1);
    let (c_xy, c_xx) = (2.0 / (nf * mf), 2.0 / (nf * nf));
    let gbuf = &mut bufs.grad;
    if want_grad {
        // every slot below n is written below (each point of X once)
        gbuf.truncate(n + 1);
        gbuf.resize(n + 1, F::zero());
    }
    // counts kept as exact integers in f64 (conversions from u64 cost
    // several instructions on baseline x86-64, from u32 one)
    let (mut cx, mut cy) = (0.0f64, 0.0f64);
    let (mut v, mut a, mut b) = (0.0f64, 0.0f64, 0.0f64);
    let mut i = 0;
    let mut key = if len > 0 { F::item_key(items[0]) } else { 0 };
    let mut value = F::from_sort_key(key).as_f64();
    while i < len {
        // the tie group items[i..j] (almost always a single item)
        let mut j = i + 1;
        while j < len && F::item_key(items[j]) == key {
            j += 1;
        }
        let group = &items[i..j];
        let gx_n: u32 = group
            .iter()
            .map(|&e| u32::from(F::item_index(e) < n32))
            .sum();
        let gx = f64::from(gx_n);
        let gy = f64::from((j - i) as u32 - gx_n);
        if want_grad {
            // #{y < x} - #{y > x} = 2 cy + gy - m, likewise for x (exact
            // integers in f64)
            let dy = 2.0 * cy + gy - mf;
            let dx = 2.0 * cx + gx - nf;
            let val = F::from_f64((c_xy * dy - c_xx * dx) * scale);
            for &e in group {
                let idx = F::item_index(e).min(n32) as usize;
                // SAFETY: idx <= n < gbuf.len() = n + 1
                unsafe { *gbuf.get_unchecked_mut(idx) = val };
            }
        }
        cx += gx;
        cy += gy;
        if j < len {
            let next_key = F::item_key(items[j]);
            let next = F::from_sort_key(next_key).as_f64();
            let gap = next - value;
            let fx = cx * inv_n;
            let fy = cy * inv_m;
            let diff = fx - fy;
            v += gap * diff * diff;
            a += gap * fx * (1.0 - fx);
            b += gap * fy * (1.0 - fy);
            key = next_key;
            value = next;
        }
        i = j;
    }
    if let Some((g, _)) = grad {
        g.copy_from_slice(&gbuf[..n]);
    }
    SliceStats {
        v: 2.0 * v,
        sxx: 2.0 * a,
        syy: 2.0 * b,
    }
}
