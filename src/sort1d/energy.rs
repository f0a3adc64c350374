//! `r = 1` on the line: MMD² and its gradient from one sort.
//!
//! Invariants: `items` holds `(key, index)` for the pooled values, sorted by
//! key; indices `< n` are points of X, the others of Y. Equal keys are equal
//! values (`-0.0` and `+0.0` share a key), and form one tie group.

use super::SliceStats;
use crate::float::Float;

/// Reusable buffers of one worker: the items and the radix sort's scratch.
pub(crate) type Buffers<F> = (Vec<<F as Float>::SortItem>, Vec<<F as Float>::SortItem>);

/// Fill `bufs.0` with the `(sort key, index)` items of `vals`, sorted by key.
pub(crate) fn sort_items<F: Float>(vals: &[F], bufs: &mut Buffers<F>) {
    let (items, scratch) = bufs;
    items.clear();
    items.extend(vals.iter().enumerate().map(|(i, v)| v.sort_item(i as u32)));
    super::radix::sort::<F>(items, scratch);
}

/// Walk the sorted pooled sample once.
///
/// Value: `V = 2 Σ_k gap_k (F_μ - F_ν)²` over the gaps between consecutive
/// distinct values, and the within-sample sums
/// `Σ_{i,k}|x_i-x_k| / N² = 2 Σ_k gap_k F_μ (1 - F_μ)` (likewise for Y).
///
/// Gradient (when `grad = Some((g, scale))`): for each point `x_i`,
/// `g[i] = scale * ( 2/(NM) (#{y < x_i} - #{y > x_i}) - 2/N² (#{x < x_i} - #{x > x_i}) )`.
pub(crate) fn walk<F: Float>(
    items: &[F::SortItem],
    n: usize,
    m: usize,
    mut grad: Option<(&mut [F], f64)>,
) -> SliceStats {
    let len = items.len();
    debug_assert_eq!(len, n + m);
    let (nf, mf) = (n as f64, m as f64);
    let (inv_n, inv_m) = (1.0 / nf, 1.0 / mf);
    let c_xy = 2.0 / (nf * mf);
    let c_xx = 2.0 / (nf * nf);
    let n32 = n as u32;
    let (mut cx, mut cy) = (0usize, 0usize);
    let (mut v, mut a, mut b) = (0.0f64, 0.0f64, 0.0f64);
    let mut i = 0;
    while i < len {
        let key = F::item_key(items[i]);
        let mut j = i;
        let (mut gx, mut gy) = (0usize, 0usize);
        while j < len && F::item_key(items[j]) == key {
            if F::item_index(items[j]) < n32 {
                gx += 1;
            } else {
                gy += 1;
            }
            j += 1;
        }
        if let Some((g, scale)) = grad.as_mut() {
            if gx > 0 {
                let y_before = cy as f64;
                let y_after = (m - cy - gy) as f64;
                let x_before = cx as f64;
                let x_after = (n - cx - gx) as f64;
                let val = c_xy * (y_before - y_after) - c_xx * (x_before - x_after);
                let val = F::from_f64(val * *scale);
                for &e in &items[i..j] {
                    let idx = F::item_index(e);
                    if idx < n32 {
                        g[idx as usize] = val;
                    }
                }
            }
        }
        cx += gx;
        cy += gy;
        if j < len {
            let gap =
                F::from_sort_key(F::item_key(items[j])).as_f64() - F::from_sort_key(key).as_f64();
            let fx = cx as f64 * inv_n;
            let fy = cy as f64 * inv_m;
            let diff = fx - fy;
            v += gap * diff * diff;
            a += gap * fx * (1.0 - fx);
            b += gap * fy * (1.0 - fy);
        }
        i = j;
    }
    SliceStats {
        v: 2.0 * v,
        sxx: 2.0 * a,
        syy: 2.0 * b,
    }
}
