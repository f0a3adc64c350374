//! LSD radix sort of `(key, index)` items by key.
//!
//! Invariants: the sorted items end in `items` (with `vals.len()` of them)
//! on return of [`sort_values`]; [`sort_indices`] leaves only their indices,
//! in its `order`, for callers that need the permutation alone. One pass
//! counts every digit; passes whose digit is the same for every item are
//! skipped (common for the high bits of floats of one scale), so `f32` keys
//! take at most 3 scatter passes and `f64` keys at most 6. Below `SMALL`
//! items a comparison sort is faster and is used instead.
//!
//! Digits: `f64` keys take six digits of 11 bits. `f32` keys take digits
//! of 10, 10 and 12 bits, lowest first. A scatter pass spends its time on
//! stores that miss the first-level cache, about one cache line per busy
//! bucket: the low digits of floats spread evenly over all their buckets,
//! so they get the narrow digits, while the top digit (sign, exponent and
//! three bits of mantissa) has few busy buckets for the values of one
//! slice. Each digit's loop is its own instance with the shift and mask as
//! constants. Measured on 40000 `f32` values, one core (`cargo bench
//! --bench flow_step -- flow_step/sort`): 183 us against 202 us for digits
//! of 11, 11 and 10 bits in the same run; 10/9/13 and 9/9/14 were within
//! 1 % of 10/10/12, 8/10/14 took 200 us.
//!
//! Measured against the standard library (same 40000 normal `f32` values,
//! one core): this sort of `(key, index)` items takes about a third of the
//! time of `sort_unstable_by(f32::total_cmp)` on the bare values.

use crate::float::Float;

const SMALL: usize = 512;

/// `(shift, bits)` of the digits of `f32` keys, lowest first.
const DIGITS_32: [(u32, u32); 3] = [(0, 10), (10, 10), (20, 12)];
/// `(shift, bits)` of the digits of `f64` keys, lowest first.
const DIGITS_64: [(u32, u32); 6] = [(0, 11), (11, 11), (22, 11), (33, 11), (44, 11), (55, 11)];

/// Whether `F`'s keys take the digits of `f32` keys ([`DIGITS_32`]) rather
/// than those of `f64` keys ([`DIGITS_64`]): the one place that chooses.
fn short_keys<F: Float>() -> bool {
    F::KEY_BITS <= 32
}

/// The digits of `F`'s keys.
fn digits<F: Float>() -> &'static [(u32, u32)] {
    if short_keys::<F>() {
        &DIGITS_32
    } else {
        &DIGITS_64
    }
}

/// Where each digit's histogram starts in one buffer, and its length.
const fn bases(digits: &[(u32, u32)]) -> ([usize; 7], usize) {
    let mut b = [0; 7];
    let mut k = 0;
    while k < digits.len() {
        b[k + 1] = b[k] + (1 << digits[k].1);
        k += 1;
    }
    (b, b[digits.len()])
}

/// [`bases`] of [`DIGITS_32`] and of [`DIGITS_64`]: constants, so that the
/// counting loop indexes fixed-size histograms with no bounds checks.
const BASES_32: ([usize; 7], usize) = bases(&DIGITS_32);
const BASES_64: ([usize; 7], usize) = bases(&DIGITS_64);

/// [`bases`] of `F`'s digits.
fn layout<F: Float>() -> ([usize; 7], usize) {
    if short_keys::<F>() {
        BASES_32
    } else {
        BASES_64
    }
}

/// `items` = the `(sort key, index)` items of `vals`, sorted by key. The
/// first pass that moves anything makes the items from `vals` as it
/// scatters them, which saves writing them once in input order.
pub(crate) fn sort_values<F: Float>(
    vals: &[F],
    items: &mut Vec<F::SortItem>,
    scratch: &mut Vec<F::SortItem>,
) {
    let len = vals.len();
    if len < SMALL {
        small(vals, items);
        return;
    }
    let digits = digits::<F>().len();
    let mut counts = Counts::of(vals);
    let Some(first) = (0..digits).find(|&k| moves(counts.digit(k), len)) else {
        in_input_order(vals, items);
        return;
    };
    set_len(items, len);
    let h = counts.digit(first);
    offsets(h);
    pass::<F, _, _>(first, vals.iter().enumerate(), items, h, |(i, v)| {
        let it = v.sort_item(i as u32);
        (F::item_key(it), it)
    });
    set_len(scratch, len);
    for k in first + 1..digits {
        let h = counts.digit(k);
        if !moves(h, len) {
            continue;
        }
        offsets(h);
        pass::<F, _, _>(k, items.iter(), scratch, h, |&it| (F::item_key(it), it));
        std::mem::swap(items, scratch);
    }
}

/// `order` = the indices of `vals` in sorted order (the indices of the
/// items [`sort_values`] leaves in `items`): the last pass that moves
/// anything writes the indices alone, instead of items that a further pass
/// would take apart. `items` and `scratch` are working buffers here, left
/// with unspecified contents. (One function for both, with an optional
/// `order`, made the estimator's 1-D pass slower: 0.147-0.160 s against
/// 0.136-0.139 s in three interleaved pairs of `perf_report --directions
/// hadamard`, so the two stay apart.)
pub(crate) fn sort_indices<F: Float>(
    vals: &[F],
    items: &mut Vec<F::SortItem>,
    scratch: &mut Vec<F::SortItem>,
    order: &mut Vec<u32>,
) {
    let len = vals.len();
    let indices = |items: &[F::SortItem], order: &mut Vec<u32>| {
        order.clear();
        order.extend(items.iter().map(|&it| F::item_index(it)));
    };
    if len < SMALL {
        small(vals, items);
        indices(items, order);
        return;
    }
    let mut counts = Counts::of(vals);
    // the digits that move, at most six: no allocation per call
    let (mut moving, mut n_moving) = ([0usize; 6], 0);
    for k in 0..digits::<F>().len() {
        if moves(counts.digit(k), len) {
            moving[n_moving] = k;
            n_moving += 1;
        }
    }
    let Some((&last, before)) = moving[..n_moving].split_last() else {
        in_input_order(vals, items);
        indices(items, order);
        return;
    };
    set_len(order, len);
    if let Some((&first, middle)) = before.split_first() {
        let h = counts.digit(first);
        offsets(h);
        set_len(items, len);
        pass::<F, _, _>(first, vals.iter().enumerate(), items, h, |(i, v)| {
            let it = v.sort_item(i as u32);
            (F::item_key(it), it)
        });
        set_len(scratch, len);
        for &k in middle {
            let h = counts.digit(k);
            offsets(h);
            pass::<F, _, _>(k, items.iter(), scratch, h, |&it| (F::item_key(it), it));
            std::mem::swap(items, scratch);
        }
        let h = counts.digit(last);
        offsets(h);
        pass::<F, _, _>(last, items.iter(), order, h, |&it| {
            (F::item_key(it), F::item_index(it))
        });
    } else {
        // one digit moves: its pass goes from the values to the indices
        let h = counts.digit(last);
        offsets(h);
        pass::<F, _, _>(last, vals.iter().enumerate(), order, h, |(i, v)| {
            (v.sort_key(), i as u32)
        });
    }
}

/// The counts of every digit of the keys of some values, in one buffer
/// laid out as [`bases`] says.
struct Counts {
    hist: Vec<u32>,
    base: [usize; 7],
}

impl Counts {
    /// Count every digit of the keys of `vals`.
    fn of<F: Float>(vals: &[F]) -> Self {
        let (base, len) = layout::<F>();
        let mut hist = vec![0u32; len];
        count_all(vals, &mut hist);
        Counts { hist, base }
    }

    /// The counts of digit `k`, one per bucket.
    fn digit(&mut self, k: usize) -> &mut [u32] {
        &mut self.hist[self.base[k]..self.base[k + 1]]
    }
}

/// The items of fewer than [`SMALL`] values, sorted by a comparison sort.
fn small<F: Float>(vals: &[F], items: &mut Vec<F::SortItem>) {
    in_input_order(vals, items);
    // items order by key, then index: the order a stable sort gives
    items.sort_unstable();
}

/// The items of `vals` in input order: sorted when all keys are equal.
fn in_input_order<F: Float>(vals: &[F], items: &mut Vec<F::SortItem>) {
    items.clear();
    items.extend(vals.iter().enumerate().map(|(i, v)| v.sort_item(i as u32)));
}

/// Whether a digit with counts `h` over `len` items moves anything: a
/// digit with one value for every item does not.
fn moves(h: &[u32], len: usize) -> bool {
    h.iter().all(|&c| c as usize != len)
}

/// Make `v` `len` long without rewriting what it holds: every element is
/// overwritten by a scatter pass before it is read (zero-filling 2 x 16 MB
/// per slice of 10⁶ + 10⁶ points cost more than a radix pass).
fn set_len<T: Copy + Default>(v: &mut Vec<T>, len: usize) {
    v.truncate(len);
    v.resize(len, T::default());
}

/// Turn the counts of one digit into the starting offsets of its buckets.
fn offsets(h: &mut [u32]) {
    let mut acc = 0u32;
    for c in h.iter_mut() {
        let t = *c;
        *c = acc;
        acc += t;
    }
}

/// Count every digit of every key of `vals` into its histogram (laid out
/// as [`bases`] says). The digits and the histograms' places are
/// constants here: the shifts and masks are immediates, and the compiler
/// sees that every index is inside the fixed-size buffer. (With the places
/// in registers and a bounds check on each count, the argsort of 40000
/// normal `f32` values took 202-204 us against 186-196 us, three
/// interleaved runs of `cargo bench --bench flow_step -- flow_step/sort`.)
/// The keys of [`KEY_CHUNK`] values at a time come first, in a loop of
/// their own, then their counts: the loop that did both, value by value,
/// spent more instructions per value (the counting alone of 40000 `f32`
/// values took 55-59 us against 39-40 us; the argsort 183-194 us against
/// 167-180 us, three alternating runs of the bench binaries).
fn count_all<F: Float>(vals: &[F], hist: &mut [u32]) {
    /// `K`: the key type, as narrow as the keys (the key loop vectorises
    /// better on `u32` keys: counting 40000 `f32` values took 39 us
    /// against 45-49 us with `u64` keys, in one run).
    #[inline(always)]
    fn count<F: Float, K: Copy + Default + Into<u64>, const D: usize, const LEN: usize>(
        vals: &[F],
        hist: &mut [u32],
        digits: &[(u32, u32); D],
        base: &[usize; 7],
        narrow: impl Fn(u64) -> K,
    ) {
        let hist: &mut [u32; LEN] = hist
            .first_chunk_mut()
            .expect("Counts::of sizes the buffer for the digits");
        let mut keys = [K::default(); KEY_CHUNK];
        for chunk in vals.chunks(KEY_CHUNK) {
            let keys = &mut keys[..chunk.len()];
            for (k, v) in keys.iter_mut().zip(chunk) {
                *k = narrow(v.sort_key());
            }
            for &key in keys.iter() {
                let key: u64 = key.into();
                for (k, &(shift, bits)) in digits.iter().enumerate() {
                    let b = ((key >> shift) & ((1 << bits) - 1)) as usize;
                    hist[base[k] + b] += 1;
                }
            }
        }
    }
    if short_keys::<F>() {
        // the keys of F fit in 32 bits (short_keys)
        count::<F, u32, 3, { BASES_32.1 }>(vals, hist, &DIGITS_32, &BASES_32.0, |k| k as u32)
    } else {
        count::<F, u64, 6, { BASES_64.1 }>(vals, hist, &DIGITS_64, &BASES_64.0, |k| k)
    }
}

/// Values whose keys the counting loop computes at a time, in a loop of
/// their own (which the compiler vectorises) before it counts them.
const KEY_CHUNK: usize = 64;

/// One scatter pass on digit `k`: for each `s` of `src`, in order,
/// `(key, out) = make(s)`, and `out` goes to `dst` at the offset `h` of
/// the key's digit (advanced as it is used). Each digit gets its own
/// instance of the loop, with its shift and mask as constants.
#[inline(always)]
fn pass<F: Float, S, T>(
    k: usize,
    src: impl Iterator<Item = S>,
    dst: &mut [T],
    h: &mut [u32],
    make: impl Fn(S) -> (u64, T),
) {
    #[inline(always)]
    fn run<S, T, const SHIFT: u32, const BITS: u32>(
        src: impl Iterator<Item = S>,
        dst: &mut [T],
        h: &mut [u32],
        make: impl Fn(S) -> (u64, T),
    ) {
        let h = &mut h[..1 << BITS];
        let len = dst.len();
        for s in src {
            let (key, it) = make(s);
            let b = ((key >> SHIFT) & ((1 << BITS) - 1)) as usize;
            let o = h[b] as usize;
            // the offsets of bucket b stay below its end, and the ends sum
            // to len: o < len
            debug_assert!(o < len);
            // SAFETY: see above; dst.len() = len
            unsafe { *dst.get_unchecked_mut(o) = it };
            h[b] += 1;
        }
    }
    macro_rules! digit {
        ($table:ident, $k:literal) => {
            run::<S, T, { $table[$k].0 }, { $table[$k].1 }>(src, dst, h, make)
        };
    }
    match (short_keys::<F>(), k) {
        (true, 0) => digit!(DIGITS_32, 0),
        (true, 1) => digit!(DIGITS_32, 1),
        (true, _) => digit!(DIGITS_32, 2),
        (false, 0) => digit!(DIGITS_64, 0),
        (false, 1) => digit!(DIGITS_64, 1),
        (false, 2) => digit!(DIGITS_64, 2),
        (false, 3) => digit!(DIGITS_64, 3),
        (false, 4) => digit!(DIGITS_64, 4),
        (false, _) => digit!(DIGITS_64, 5),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<F: Float>(vals: &[F]) {
        let (mut items, mut scratch) = (Vec::new(), Vec::new());
        sort_values::<F>(vals, &mut items, &mut scratch);
        assert_eq!(items.len(), vals.len());
        let mut seen = vec![false; vals.len()];
        for w in items.windows(2) {
            assert!(F::item_key(w[0]) <= F::item_key(w[1]));
            if F::item_key(w[0]) == F::item_key(w[1]) {
                // equal keys in input order
                assert!(F::item_index(w[0]) < F::item_index(w[1]));
            }
        }
        for &it in &items {
            let i = F::item_index(it) as usize;
            assert!(!seen[i]);
            seen[i] = true;
            assert_eq!(F::item_key(it), vals[i].sort_key());
        }
        // the indices alone, with buffers left over from another input
        let mut order = vec![7; 3];
        let (mut i2, mut s2) = (vec![F::zero().sort_item(9); 5], Vec::new());
        sort_indices::<F>(vals, &mut i2, &mut s2, &mut order);
        let want: Vec<u32> = items.iter().map(|&it| F::item_index(it)).collect();
        assert_eq!(order, want);
    }

    #[test]
    fn digits_tile_the_key_bits() {
        for (table, key_bits) in [(&DIGITS_32[..], 32), (&DIGITS_64[..], 64)] {
            let mut next = 0;
            for &(shift, bits) in table {
                assert_eq!(shift, next, "{table:?}");
                next += bits;
            }
            // every key bit in some digit, no digit wholly above the key
            assert!(next >= key_bits, "{table:?}");
            assert!(table.last().unwrap().0 < key_bits, "{table:?}");
        }
        assert_eq!(digits::<f32>(), &DIGITS_32[..]);
        assert_eq!(digits::<f64>(), &DIGITS_64[..]);
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
        // one digit constant, the others not; every digit constant but one
        check::<f32>(&(0..3000).map(|i| 1.0 + i as f32 * 1e-6).collect::<Vec<_>>());
        check::<f64>(&(0..3000).map(|i| (i % 7) as f64).collect::<Vec<_>>());
        // the low digits constant (multiples of 1024, shuffled): the first
        // pass that moves anything is not the first digit
        let spaced: Vec<f32> = (0..3000)
            .map(|i| ((i * 7919) % 3000) as f32 * 1024.0)
            .collect();
        check::<f32>(&spaced);
        check::<f64>(&spaced.iter().map(|&v| v as f64).collect::<Vec<_>>());
    }

    /// Inputs larger than the per-core cache: same contract, including
    /// equal keys in input order.
    #[test]
    fn large_inputs_sort_like_a_comparison_sort() {
        let n = (1 << 17) + 12345;
        let vals: Vec<f64> = (0..n as u64)
            .map(|i| {
                let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
                match i % 13 {
                    0 => 0.0,
                    1 => -0.0,
                    2 => 2.5,
                    _ => (h as f64 / 1e4 - 800.0) * 10f64.powi((i % 5) as i32 - 2),
                }
            })
            .collect();
        check::<f64>(&vals);
        check::<f32>(&vals.iter().map(|&v| v as f32).collect::<Vec<_>>());
        // narrow ranges: only the low digits vary
        check::<f32>(
            &(0..n)
                .map(|i| 1.0 + (i % 1000) as f32 * 1e-7)
                .collect::<Vec<_>>(),
        );
        check::<f64>(&(0..n).map(|i| (i % 3) as f64).collect::<Vec<_>>());
        check::<f32>(&vec![-4.0f32; n]);
    }
}
