//! Blocks of randomised Hadamard rotations, and their fast transforms.
//!
//! Let `D` be the smallest power of two `>= d` and `H` the unnormalised
//! `D x D` Walsh-Hadamard matrix (`H_{pk} = (-1)^{popcount(p & k)}`, so
//! `H H = D I`). Block `b` draws three diagonal sign matrices `S_1, S_2,
//! S_3` from substream `HADAMARD_STREAM + b` of the seed and forms the
//! integer matrix `I = H S_3 H S_2 H S_1` and the orthogonal matrix
//! `R = I / D^{3/2}`. Direction `p` of the block is the first `d`
//! coordinates of row `p` of `I`, normalised:
//! `ξ_p = I_{p,<d} / √K_p` with `K_p = Σ_{k<d} I_{pk}²`.
//!
//! `K_p` is an integer (the entries of `I` are integers of size at most
//! `D^{3/2}`), computed exactly as `D³ - Σ_{k>=d} I_{pk}²` from the padded
//! columns only (none when `d` is a power of two, and then `K_p = D³`). If
//! some used row keeps less than [`DEGENERATE`] of its squared norm in the
//! first `d` coordinates (possible with positive probability only for tiny
//! `D`: a row of `I` can be a multiple of a padded unit vector), the block's
//! signs are drawn again from the same stream.
//!
//! Projection of a point `x` on the block: pad `x` with zeros to `R^D`,
//! apply `S_1`, `H`, `S_2`, `H`, `S_3`, `H` and multiply coordinate `p` by
//! `w_p = 1/√K_p`. Back-projection of slice values `s_p`: multiply by
//! `w_p`, apply `H`, `S_3`, `H`, `S_2`, `H`, `S_1` (the transpose, since `H`
//! is symmetric) and keep the first `d` coordinates. Both cost
//! `3 D log₂ D` additions per point instead of `2 d D` multiply-adds.
//!
//! Invariants: blocks are drawn independently of each other; the fast
//! transforms work on tiles of [`LANES`] points, each point's outputs are
//! computed by one fixed sequence of operations whatever the tile and
//! thread, so the bits do not depend on the thread count.

use rand::Rng as _;
use rayon::prelude::*;

use crate::float::Float;
use crate::linalg::SendPtr;
use crate::rng::substream;

/// First substream of the blocks (other designs use `0..P`, `2^61 + j`,
/// `2^62 + f`).
const HADAMARD_STREAM: u64 = (1 << 62) + (1 << 61);

/// Smallest share `K_p / D³` of a row's squared norm that the first `d`
/// coordinates must keep; below it the block is drawn again. It bounds the
/// amplification of rounding by `w_p` (to 100x); for `D >= 64` it is never
/// reached in practice.
pub(crate) const DEGENERATE: f64 = 1e-4;

/// Points per tile of the fast transforms (the tile is `D x LANES`, the
/// points side by side, so every butterfly works on contiguous lanes).
pub(crate) const LANES: usize = 16;

/// One block: its signs and the row weights `1/√K_p` of its used rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    /// `neg[r][k]`: whether `S_{r+1}` has `-1` at `k`.
    neg: [Vec<bool>; 3],
    /// `w_p = 1/√K_p` for the used rows `p < rows`.
    weight: Vec<f64>,
}

/// The blocks of one draw of `p` directions in `R^d`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    d: usize,
    big_d: usize,
    p: usize,
    blocks: Vec<Block>,
}

/// In-place unnormalised Walsh-Hadamard transform of `v` (length a power
/// of two), natural (Sylvester) order.
pub(crate) fn fwht(v: &mut [f64]) {
    let len = v.len();
    debug_assert!(len.is_power_of_two());
    let mut h = 1;
    while h < len {
        for pair in v.chunks_exact_mut(2 * h) {
            let (lo, hi) = pair.split_at_mut(h);
            for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
                let (u, w) = (*a, *b);
                *a = u + w;
                *b = u - w;
            }
        }
        h *= 2;
    }
}

/// The same transform on a tile of `rows x LANES` values, row-major:
/// every lane (column) is transformed. Two stages per pass (radix 4),
/// which performs exactly the additions of the radix-2 stages in the same
/// order, so the bits are those of [`fwht`] lane by lane.
#[inline(always)]
fn fwht_tile<F: Float>(tile: &mut [F], rows: usize) {
    debug_assert_eq!(tile.len(), rows * LANES);
    let len = rows * LANES;
    let mut h = LANES;
    while 4 * h <= len {
        for quad in tile.chunks_exact_mut(4 * h) {
            let (ab, cd) = quad.split_at_mut(2 * h);
            let (a, b) = ab.split_at_mut(h);
            let (c, d) = cd.split_at_mut(h);
            for (((a, b), c), d) in a
                .iter_mut()
                .zip(b.iter_mut())
                .zip(c.iter_mut())
                .zip(d.iter_mut())
            {
                let (s0, d0) = (*a + *b, *a - *b);
                let (s1, d1) = (*c + *d, *c - *d);
                *a = s0 + s1;
                *b = d0 + d1;
                *c = s0 - s1;
                *d = d0 - d1;
            }
        }
        h *= 4;
    }
    if 2 * h <= len {
        let (lo, hi) = tile.split_at_mut(h);
        for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
            let (u, w) = (*a, *b);
            *a = u + w;
            *b = u - w;
        }
    }
}

/// Negate the rows `k` of the tile where `neg[k]`.
#[inline(always)]
fn flip_tile<F: Float>(tile: &mut [F], neg: &[bool]) {
    for (row, &s) in tile.chunks_exact_mut(LANES).zip(neg) {
        if s {
            row.iter_mut().for_each(|v| *v = -*v);
        }
    }
}

/// `H S_b H S_a H` applied to every lane of the tile, `[a, b]` = `signs`.
#[inline(always)]
fn transform_tile_generic<F: Float>(tile: &mut [F], rows: usize, signs: [&[bool]; 2]) {
    fwht_tile(tile, rows);
    flip_tile(tile, signs[0]);
    fwht_tile(tile, rows);
    flip_tile(tile, signs[1]);
    fwht_tile(tile, rows);
}

/// [`transform_tile_generic`] compiled for AVX2.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn transform_tile_avx2<F: Float>(tile: &mut [F], rows: usize, signs: [&[bool]; 2]) {
    transform_tile_generic(tile, rows, signs);
}

/// `H S_b H S_a H` on every lane of the tile, with wider vectors where the
/// CPU has them. Additions, subtractions and negations are exact IEEE
/// operations whatever the vector width, so the bits are the same.
fn transform_tile<F: Float>(tile: &mut [F], rows: usize, signs: [&[bool]; 2]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 is available (checked just above).
        unsafe { transform_tile_avx2(tile, rows, signs) };
        return;
    }
    transform_tile_generic(tile, rows, signs);
}

fn flip(v: &mut [f64], neg: &[bool]) {
    for (x, &s) in v.iter_mut().zip(neg) {
        if s {
            *x = -*x;
        }
    }
}

impl Block {
    /// Column `k` of `I = H S_3 H S_2 H S_1` (exact integers in `f64` for
    /// `D <= 2^17`).
    fn column(&self, k: usize, big_d: usize) -> Vec<f64> {
        let mut v = vec![0.0; big_d];
        v[k] = if self.neg[0][k] { -1.0 } else { 1.0 };
        fwht(&mut v);
        flip(&mut v, &self.neg[1]);
        fwht(&mut v);
        flip(&mut v, &self.neg[2]);
        fwht(&mut v);
        v
    }

    /// Row `p` of `I`, that is `Iᵀ e_p = S_1 H S_2 H S_3 H e_p`.
    fn row(&self, p: usize, big_d: usize) -> Vec<f64> {
        let mut v = vec![0.0; big_d];
        v[p] = 1.0;
        fwht(&mut v);
        flip(&mut v, &self.neg[2]);
        fwht(&mut v);
        flip(&mut v, &self.neg[1]);
        fwht(&mut v);
        flip(&mut v, &self.neg[0]);
        v
    }

    /// Draw the signs of block `b` (rows `0..rows` used) and their weights.
    fn draw(seed: u64, b: usize, rows: usize, d: usize, big_d: usize) -> Block {
        let mut rng = substream(seed, HADAMARD_STREAM + b as u64);
        let d3 = (big_d as f64).powi(3);
        loop {
            let mut neg: [Vec<bool>; 3] = Default::default();
            for signs in neg.iter_mut() {
                let mut bits = 0u64;
                *signs = (0..big_d)
                    .map(|k| {
                        if k % 64 == 0 {
                            bits = rng.next_u64();
                        }
                        (bits >> (k % 64)) & 1 == 1
                    })
                    .collect();
            }
            let mut block = Block {
                neg,
                weight: Vec::new(),
            };
            // K_p = D³ - Σ_{k >= d} I_pk²: exact integer arithmetic
            let padded: Vec<Vec<f64>> = (d..big_d)
                .into_par_iter()
                .map(|k| block.column(k, big_d))
                .collect();
            let mut kp = vec![d3; rows];
            for col in &padded {
                for (kv, c) in kp.iter_mut().zip(col) {
                    *kv -= c * c;
                }
            }
            if kp.iter().all(|&k| k >= DEGENERATE * d3) {
                block.weight = kp.iter().map(|&k| 1.0 / k.sqrt()).collect();
                return block;
            }
        }
    }
}

impl Plan {
    /// The blocks of `p >= 1` directions in `R^d`, `d >= 1`.
    pub(crate) fn draw(p: usize, d: usize, seed: u64) -> Plan {
        assert!(p > 0 && d > 0);
        let big_d = d.next_power_of_two();
        let blocks = (0..p.div_ceil(big_d))
            .map(|b| Block::draw(seed, b, big_d.min(p - b * big_d), d, big_d))
            .collect();
        Plan {
            d,
            big_d,
            p,
            blocks,
        }
    }

    /// The padded dimension `D`.
    pub(crate) fn padded_dim(&self) -> usize {
        self.big_d
    }

    /// Number of blocks.
    pub(crate) fn blocks(&self) -> usize {
        self.blocks.len()
    }

    /// Directions `start..end` of block `b`.
    pub(crate) fn block_range(&self, b: usize) -> (usize, usize) {
        let start = b * self.big_d;
        (start, (start + self.big_d).min(self.p))
    }

    /// The directions, materialised: `p x d` row-major.
    pub(crate) fn materialise(&self) -> Vec<f64> {
        let (d, big_d) = (self.d, self.big_d);
        let mut data = vec![0.0; self.p * d];
        for (b, block) in self.blocks.iter().enumerate() {
            let (start, end) = self.block_range(b);
            data[start * d..end * d]
                .par_chunks_mut(d)
                .enumerate()
                .for_each(|(p, out)| {
                    let row = block.row(p, big_d);
                    let w = block.weight[p];
                    for (o, v) in out.iter_mut().zip(&row) {
                        *o = v * w;
                    }
                });
        }
        data
    }

    /// Projections of the `rows` points `z` (row-major `rows x d`) on the
    /// directions of block `b`, written slice-contiguous:
    /// `out[q * ld + offset + i] = <ξ_{start+q}, z_i>`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn project<F: Float>(
        &self,
        b: usize,
        z: &[F],
        rows: usize,
        out: &mut [F],
        ld: usize,
        offset: usize,
    ) {
        let (d, big_d) = (self.d, self.big_d);
        let block = &self.blocks[b];
        let used = block.weight.len();
        assert!(z.len() == rows * d && (used - 1) * ld + offset + rows <= out.len());
        let w: Vec<F> = block.weight.iter().map(|&v| F::from_f64(v)).collect();
        let ptr = SendPtr(out.as_mut_ptr());
        (0..rows.div_ceil(LANES)).into_par_iter().for_each_init(
            || vec![F::zero(); big_d * LANES],
            |tile, t| {
                let i0 = t * LANES;
                let lanes = LANES.min(rows - i0);
                tile.iter_mut().for_each(|v| *v = F::zero());
                for (l, point) in z[i0 * d..(i0 + lanes) * d].chunks_exact(d).enumerate() {
                    for (k, (&v, &s)) in point.iter().zip(&block.neg[0]).enumerate() {
                        tile[k * LANES + l] = if s { -v } else { v };
                    }
                }
                transform_tile(tile, big_d, [&block.neg[1], &block.neg[2]]);
                for (q, (row, &wq)) in tile.chunks_exact(LANES).zip(&w).enumerate() {
                    // SAFETY: element q ld + offset + i0 + l, l < lanes,
                    // lies in `out` (assertion above); tile t alone
                    // writes points i0..i0+lanes.
                    unsafe {
                        let dst = ptr.get().add(q * ld + offset + i0);
                        for (l, &v) in row[..lanes].iter().enumerate() {
                            *dst.add(l) = v * wq;
                        }
                    }
                }
            },
        );
    }

    /// Back-projection for block `b`: `g_i += Σ_q s[q ld + i] ξ_{start+q}`
    /// for the `n` rows of `g` (row-major `n x d`).
    pub(crate) fn back_project<F: Float>(
        &self,
        b: usize,
        s: &[F],
        ld: usize,
        n: usize,
        g: &mut [F],
    ) {
        let (d, big_d) = (self.d, self.big_d);
        let block = &self.blocks[b];
        let used = block.weight.len();
        assert!(g.len() == n * d && n <= ld && (used - 1) * ld + n <= s.len());
        let w: Vec<F> = block.weight.iter().map(|&v| F::from_f64(v)).collect();
        g.par_chunks_mut(LANES * d).enumerate().for_each_init(
            || vec![F::zero(); big_d * LANES],
            |tile, (t, gblock)| {
                let i0 = t * LANES;
                let lanes = gblock.len() / d;
                tile.iter_mut().for_each(|v| *v = F::zero());
                for (q, (row, &wq)) in tile.chunks_exact_mut(LANES).zip(&w).enumerate() {
                    let src = &s[q * ld + i0..q * ld + i0 + lanes];
                    for (o, &v) in row.iter_mut().zip(src) {
                        *o = v * wq;
                    }
                }
                transform_tile(tile, big_d, [&block.neg[2], &block.neg[1]]);
                for (l, gi) in gblock.chunks_exact_mut(d).enumerate() {
                    for (k, (o, &sg)) in gi.iter_mut().zip(&block.neg[0]).enumerate() {
                        let v = tile[k * LANES + l];
                        *o = *o + if sg { -v } else { v };
                    }
                }
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hadamard_matrix(n: usize) -> Vec<f64> {
        (0..n * n)
            .map(|i| {
                if ((i / n) & (i % n)).count_ones().is_multiple_of(2) {
                    1.0
                } else {
                    -1.0
                }
            })
            .collect()
    }

    #[test]
    fn fwht_is_the_hadamard_matrix() {
        for n in [1, 2, 4, 8, 32, 64, 128, 256, 1024] {
            let h = hadamard_matrix(n);
            let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.7).sin()).collect();
            let mut y = x.clone();
            fwht(&mut y);
            // first-order rounding bounds: the plain sum of n terms errs by
            // at most (n - 1) u Σ|x_k|, the transform's log2(n) levels by
            // log2(n) u Σ|x_k|
            let u = f64::EPSILON / 2.0;
            let abs_sum: f64 = x.iter().map(|v| v.abs()).sum();
            let bound = (n as f64 - 1.0 + (n as f64).log2()) * u * abs_sum;
            for p in 0..n {
                let want: f64 = (0..n).map(|k| h[p * n + k] * x[k]).sum();
                assert!((y[p] - want).abs() <= bound, "n={n} p={p}");
            }
            // the tile transform (radix 4) gives the bits of the plain
            // radix-2 transform, lane by lane
            let column = |l: usize| -> Vec<f64> {
                (0..n)
                    .map(|i| (i as f64 * 0.7).sin() * (1 + l) as f64 + l as f64 * 1e-3)
                    .collect()
            };
            let mut tile = vec![0.0f64; n * LANES];
            for l in 0..LANES {
                for (i, v) in column(l).into_iter().enumerate() {
                    tile[i * LANES + l] = v;
                }
            }
            fwht_tile(&mut tile, n);
            for l in 0..LANES {
                let mut want = column(l);
                fwht(&mut want);
                for p in 0..n {
                    assert_eq!(
                        tile[p * LANES + l].to_bits(),
                        want[p].to_bits(),
                        "n={n} p={p}"
                    );
                }
            }
        }
    }

    #[test]
    fn rows_and_columns_of_one_block_agree_and_norms_are_exact() {
        for d in [1, 3, 5, 8, 20] {
            let plan = Plan::draw(7, d, 3);
            let big_d = plan.padded_dim();
            let block = &plan.blocks[0];
            let cols: Vec<Vec<f64>> = (0..big_d).map(|k| block.column(k, big_d)).collect();
            for (p, &w) in block.weight.iter().enumerate() {
                let row = block.row(p, big_d);
                for k in 0..big_d {
                    assert_eq!(row[k], cols[k][p]);
                    assert_eq!(row[k], row[k].round(), "integer entries");
                }
                let kp: f64 = row[..d].iter().map(|v| v * v).sum();
                assert_eq!(w, 1.0 / kp.sqrt());
            }
        }
    }

    #[test]
    fn power_of_two_blocks_are_orthogonal() {
        for d in [1, 2, 4, 16, 64] {
            let plan = Plan::draw(d, d, 9);
            let r = plan.materialise();
            for i in 0..d {
                for j in 0..d {
                    let dot: f64 = (0..d).map(|k| r[i * d + k] * r[j * d + k]).sum();
                    let want = if i == j { 1.0 } else { 0.0 };
                    assert!((dot - want).abs() < 1e-12, "d={d} ({i},{j}): {dot}");
                }
            }
        }
    }
}
