//! Seeded relabelings of the pooled sample.
//!
//! The pooled sample is `Z = (x_1..x_N, y_1..y_M)`, indices `0..L`. Label set
//! `s = 0` is the observed split (X = indices `0..N`); label set `s = b + 1`
//! is permutation `b`, drawn from stream `b` of the seed by the first `N`
//! steps of a forward Fisher-Yates shuffle (so its first `N` entries are a
//! uniform random `N`-subset). Every path of the test uses these same sets,
//! whatever the thread count.

use rand::Rng as _;

use crate::rng::{substream, Rng};

/// A uniform integer in `0..bound` (`bound > 0`), by Lemire's method with
/// rejection: portable and exactly uniform.
fn below(rng: &mut Rng, bound: u64) -> u64 {
    let threshold = bound.wrapping_neg() % bound;
    loop {
        let prod = u128::from(rng.next_u64()) * u128::from(bound);
        if (prod as u64) >= threshold {
            return (prod >> 64) as u64;
        }
    }
}

/// The pooled indices arranged so that the first `n` are the points labelled
/// X in label set `set` (see the module notes), and the rest are labelled Y.
pub(crate) fn arrangement(seed: u64, set: usize, n: usize, l: usize) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..l as u32).collect();
    if set == 0 {
        return idx;
    }
    let mut rng = substream(seed, (set - 1) as u64);
    for i in 0..n.min(l.saturating_sub(1)) {
        let j = i + below(&mut rng, (l - i) as u64) as usize;
        idx.swap(i, j);
    }
    idx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrangements_are_permutations_and_reproducible() {
        let (n, l) = (7, 20);
        assert_eq!(arrangement(3, 0, n, l), (0..20).collect::<Vec<u32>>());
        for set in 1..50 {
            let a = arrangement(3, set, n, l);
            assert_eq!(a, arrangement(3, set, n, l));
            let mut s = a.clone();
            s.sort_unstable();
            assert_eq!(s, (0..20).collect::<Vec<u32>>());
        }
        assert_ne!(arrangement(3, 1, n, l), arrangement(3, 2, n, l));
        assert_ne!(arrangement(3, 1, n, l), arrangement(4, 1, n, l));
    }

    #[test]
    fn every_point_is_equally_likely_in_x() {
        // 4000 draws of a 3-subset of 6 points: each point in X with
        // probability 1/2; the count is Binomial(4000, 1/2), sd 31.6, so a
        // 5.5 sd band (|c - 2000| < 174) fails with probability < 1e-7.
        let mut counts = [0usize; 6];
        for set in 1..=4000 {
            for &i in &arrangement(11, set, 3, 6)[..3] {
                counts[i as usize] += 1;
            }
        }
        for c in counts {
            assert!(c.abs_diff(2000) < 174, "{counts:?}");
        }
    }
}
