//! Random orthonormal frames, stacked.
//!
//! Invariants: frame `f` (rows `f d .. min((f+1) d, P)`) is drawn from its
//! own substream and orthonormalised on its own, so frames are independent
//! tasks and the bits do not depend on the thread count.

use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use crate::rng::substream;

/// First substream of the frames (the iid design uses streams `0..P`).
const FRAME_STREAM: u64 = 1 << 62;

/// A new vector whose norm falls below this fraction of its norm before
/// the projections is drawn again (probability zero for `k < d` vectors).
const DEGENERATE: f64 = 1e-8;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    // four partial sums: faster, and the same bits on every run
    let mut s = [0.0f64; 4];
    let (ca, ra) = a.split_at(a.len() - a.len() % 4);
    let (cb, rb) = b.split_at(ca.len());
    for (x, y) in ca.chunks_exact(4).zip(cb.chunks_exact(4)) {
        for k in 0..4 {
            s[k] += x[k] * y[k];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    (s[0] + s[1]) + (s[2] + s[3]) + tail
}

/// Orthonormalise row `k` of `frame` against rows `0..k` (classical
/// Gram-Schmidt applied twice); false if the row was (nearly) dependent.
fn orthonormalise(frame: &mut [f64], k: usize, d: usize) -> bool {
    let (done, rest) = frame.split_at_mut(k * d);
    let v = &mut rest[..d];
    let norm0 = dot(v, v).sqrt();
    for _ in 0..2 {
        let coeffs: Vec<f64> = done.chunks_exact(d).map(|q| dot(q, v)).collect();
        for (q, c) in done.chunks_exact(d).zip(coeffs) {
            v.iter_mut().zip(q).for_each(|(a, b)| *a -= c * b);
        }
    }
    let norm = dot(v, v).sqrt();
    if norm.is_nan() || norm <= DEGENERATE * norm0 {
        return false;
    }
    v.iter_mut().for_each(|a| *a /= norm);
    true
}

/// `p x d` row-major: `⌈p/d⌉` Haar frames, the last one truncated.
pub(super) fn draw(p: usize, d: usize, seed: u64) -> Vec<f64> {
    let mut data = vec![0.0; p * d];
    data.par_chunks_mut(d * d)
        .enumerate()
        .for_each(|(f, frame)| {
            let mut rng = substream(seed, FRAME_STREAM + f as u64);
            let rows = frame.len() / d;
            for k in 0..rows {
                loop {
                    for v in frame[k * d..(k + 1) * d].iter_mut() {
                        *v = StandardNormal.sample(&mut rng);
                    }
                    if orthonormalise(frame, k, d) {
                        break;
                    }
                }
            }
        });
    data
}
