//! LSD radix sort of `(key, index)` items by key, 11 bits per pass.
//!
//! Invariants: `items` and `scratch` have the same length on return of
//! [`sort`]; the sorted items end in `items`. Passes whose digit is the same
//! for every item are skipped (common for the high bits of floats of one
//! scale), so `f32` keys take at most 3 passes and `f64` keys at most 6.
//! Below `SMALL` items a comparison sort is faster and is used instead.

use crate::float::Float;

const BITS: u32 = 11;
const BUCKETS: usize = 1 << BITS;
const SMALL: usize = 512;

/// Sort `items` by key, using `scratch` as the second buffer.
pub(crate) fn sort<F: Float>(items: &mut Vec<F::SortItem>, scratch: &mut Vec<F::SortItem>) {
    let len = items.len();
    if len < SMALL {
        items.sort_unstable_by_key(|&it| F::item_key(it));
        return;
    }
    let passes = F::KEY_BITS.div_ceil(BITS) as usize;
    let mut hist = vec![[0u32; BUCKETS]; passes];
    for &it in items.iter() {
        let k = F::item_key(it);
        for (p, h) in hist.iter_mut().enumerate() {
            h[((k >> (BITS * p as u32)) as usize) & (BUCKETS - 1)] += 1;
        }
    }
    scratch.clear();
    scratch.resize(len, F::SortItem::default());
    for (p, h) in hist.iter().enumerate() {
        if h.iter().any(|&c| c as usize == len) {
            continue; // every item has the same digit here
        }
        let mut offsets = [0u32; BUCKETS];
        let mut acc = 0u32;
        for (o, &c) in offsets.iter_mut().zip(h.iter()) {
            *o = acc;
            acc += c;
        }
        let shift = BITS * p as u32;
        for &it in items.iter() {
            let b = ((F::item_key(it) >> shift) as usize) & (BUCKETS - 1);
            scratch[offsets[b] as usize] = it;
            offsets[b] += 1;
        }
        std::mem::swap(items, scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<F: Float>(vals: &[F]) {
        let mut items: Vec<F::SortItem> = vals
            .iter()
            .enumerate()
            .map(|(i, v)| v.sort_item(i as u32))
            .collect();
        let mut scratch = Vec::new();
        sort::<F>(&mut items, &mut scratch);
        assert_eq!(items.len(), vals.len());
        let mut seen = vec![false; vals.len()];
        for w in items.windows(2) {
            assert!(F::item_key(w[0]) <= F::item_key(w[1]));
        }
        for &it in &items {
            let i = F::item_index(it) as usize;
            assert!(!seen[i]);
            seen[i] = true;
            assert_eq!(F::item_key(it), vals[i].sort_key());
        }
    }

    #[test]
    fn sorts_like_a_comparison_sort() {
        // a deterministic mix of signs, scales, zeros of both signs and ties
        let vals: Vec<f64> = (0..5000u64)
            .map(|i| {
                let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
                let v = (h as f64 / 1e3 - 8000.0) * 10f64.powi((i % 7) as i32 - 3);
                match i % 11 {
                    0 => 0.0,
                    1 => -0.0,
                    2 => 1.5,
                    _ => v,
                }
            })
            .collect();
        check::<f64>(&vals);
        check::<f32>(&vals.iter().map(|&v| v as f32).collect::<Vec<_>>());
        check::<f64>(&vals[..100]);
        check::<f32>(&vec![3.0f32; 2000]);
    }
}
