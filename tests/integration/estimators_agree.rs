//! Estimators against each other and against the exact baseline:
//!
//! * the contract battery (`check_estimator`) for every configuration;
//! * sliced-sort with given directions = naive estimator of the sliced
//!   kernel with the same directions (V, U, gradient; ties, N != M, d = 1,
//!   chunk sizes), by proptest;
//! * in d = 1 sliced-sort = exact energy distance, by proptest;
//! * f32 input accumulates in f64;
//! * seeds, chunking, the run-time `Estimator` enum.

use crate::common;

use common::{
    assert_close, assert_close_vec, bits, case_strategy, estimator_contract, gaussian_case,
    kernel_magnitude, pair_sum_error, sliced_agreement_tol, tied_case, Case, Contract,
};
use proptest::prelude::*;
use sliced_mmd::estimator::DEFAULT_FEATURES;
use sliced_mmd::{
    AnyKernel, DirectionDesign, Directions, Estimator, Gaussian, Laplace, MmdEstimator, Naive,
    Points, RandomFeatures, Riesz, SlicedKernel, SlicedSort, Statistic, Timings,
};
use std::time::Duration;

fn riesz(r: f64) -> Riesz {
    Riesz::new(r).unwrap()
}

fn iid(p: usize, d: usize, seed: u64) -> Directions {
    Directions::iid(p, d, seed).unwrap()
}

/// Sliced-sort with these directions and exponent, its contract against
/// the naive sliced kernel.
fn sliced_dirs(case: Case, p: usize, seed: u64, r: f64, chunk: usize) -> (SlicedSort, Contract) {
    let dirs = iid(p, case.d, seed);
    let est = SlicedSort::from_directions(dirs.clone())
        .with_kernel(riesz(r))
        .with_chunk_size(chunk);
    (est, Contract::sliced(case, dirs, r))
}

/// In d = 1 the exact energy distance is the baseline.
fn sliced_one_dim(case: Case, p: usize, seed: u64) -> (SlicedSort, Contract) {
    assert_eq!(case.d, 1);
    let est = SlicedSort::new(p).unwrap().with_seed(seed);
    let mut contract = Contract::exact(&Riesz::energy(), case).against(Naive::new(Riesz::energy()));
    contract.precision = common::Precision::Sliced {
        directions: iid(p, 1, seed),
        r: 1.0,
    };
    (est, contract)
}

// N > 64 and N > 256 so that the naive blocks and the GEMM row blocks are
// split between threads in the 1/2/3-thread comparison; some sliced cases
// have N + M >= 512 so that slices take the radix-sort path.
estimator_contract! {
    naive_riesz_05 => {
        let c = gaussian_case(150, 110, 3, 1);
        (Naive::new(riesz(0.5)), Contract::exact(&riesz(0.5), c))
    };
    naive_riesz_1_ties => {
        let c = tied_case(150, 100, 3, 2);
        (Naive::new(Riesz::energy()), Contract::exact(&Riesz::energy(), c))
    };
    naive_riesz_17 => {
        let c = gaussian_case(90, 130, 2, 3);
        (Naive::new(riesz(1.7)), Contract::exact(&riesz(1.7), c))
    };
    naive_gaussian => {
        let k = Gaussian::new(1.5).unwrap();
        (Naive::new(k), Contract::exact(&k, gaussian_case(140, 70, 4, 4)))
    };
    naive_laplace_ties => {
        let k = Laplace::new(0.8).unwrap();
        (Naive::new(k), Contract::exact(&k, tied_case(130, 90, 2, 5)))
    };
    naive_sliced_kernel => {
        let k = SlicedKernel::new(Riesz::energy(), iid(16, 3, 3));
        let c = Contract::exact(&k, gaussian_case(100, 80, 3, 6));
        (Naive::new(k), c)
    };
    naive_any_kernel => {
        let c = Contract::exact(&riesz(0.8), gaussian_case(70, 60, 3, 7));
        (Naive::new(AnyKernel::from(riesz(0.8))), c.same_as(Naive::new(riesz(0.8))))
    };
    estimator_enum_naive => {
        let k = Gaussian::new(0.9).unwrap();
        let c = Contract::exact(&k, tied_case(80, 70, 2, 8)).same_as(Naive::new(k));
        (Estimator::Naive(Naive::new(k.into())), c)
    };
    sliced_r1 => sliced_dirs(gaussian_case(300, 230, 4, 9), 24, 5, 1.0, 64);
    sliced_r1_ties_chunk7 => sliced_dirs(tied_case(300, 240, 3, 10), 24, 6, 1.0, 7);
    sliced_r1_high_dim => sliced_dirs(gaussian_case(40, 30, 300, 17), 10, 9, 1.0, 4);
    sliced_r05 => sliced_dirs(gaussian_case(60, 50, 3, 11), 10, 7, 0.5, 3);
    sliced_r15_ties => sliced_dirs(tied_case(60, 40, 2, 12), 10, 8, 1.5, 4);
    sliced_iid_seed => {
        let c = gaussian_case(280, 60, 5, 13);
        let contract = Contract::sliced(c, iid(20, 5, 9), 1.0);
        (SlicedSort::new(20).unwrap().with_seed(9), contract)
    };
    sliced_d1 => sliced_one_dim(gaussian_case(300, 250, 1, 14), 13, 3);
    sliced_d1_ties => sliced_one_dim(tied_case(280, 250, 1, 15), 5, 4);
    estimator_enum_sliced => {
        let c = gaussian_case(120, 130, 3, 16);
        let contract = Contract::sliced(c, iid(30, 3, 2), 1.0);
        (Estimator::SlicedSort(SlicedSort::new(30).unwrap().with_seed(2)), contract)
    };
}

fn statistics(n: usize, m: usize) -> Vec<Statistic> {
    if n >= 2 && m >= 2 {
        vec![Statistic::V, Statistic::U]
    } else {
        vec![Statistic::V]
    }
}

proptest! {
    #![proptest_config(common::proptest_config(96, "proptest-regressions/estimators_agree.txt"))]

    /// Sliced-sort with given directions computes exactly the MMD² of the
    /// sliced kernel with those directions: V, U and gradient, for ties
    /// and duplicates (integer data, rows of Y copied from X), N != M,
    /// d = 1, any chunk size (P need not be a multiple of it), r = 1 and
    /// the pairwise path r != 1. Tolerances: [`sliced_agreement_tol`]
    /// (1e-10 of the magnitude of the terms plus the propagated rounding of
    /// the projections).
    #[test]
    fn sliced_sort_equals_naive_sliced_kernel(
        case in case_strategy(12, 4),
        p in 1usize..=13,
        chunk in 1usize..=6,
        seed in any::<u64>(),
        r in prop_oneof![Just(1.0), Just(0.5), Just(1.5)],
    ) {
        let dirs = iid(p, case.d, seed);
        let kernel = SlicedKernel::new(riesz(r), dirs.clone());
        let magnitude = kernel_magnitude(&kernel, &case);
        let tol = sliced_agreement_tol(&case, &dirs, r, magnitude);
        prop_assume!(tol.is_some(), "near-tie of projections");
        let (vtol, gtol) = tol.unwrap();
        let est = SlicedSort::from_directions(dirs).with_kernel(riesz(r)).with_chunk_size(chunk);
        let naive = Naive::new(kernel);
        let (px, py) = (case.px(), case.py());
        for stat in statistics(case.n, case.m) {
            let a = est.estimate(&px, &py, stat).unwrap();
            let b = naive.estimate(&px, &py, stat).unwrap();
            assert_close(&format!("{stat:?}"), a.mmd2, b.mmd2, vtol);
            prop_assert_eq!(a.std_error.is_some(), p > 1);
        }
        let (va, ga) = est.grad(&px, &py).unwrap();
        let (vb, gb) = naive.grad(&px, &py).unwrap();
        assert_close("grad value", va, vb, vtol);
        assert_close_vec("gradient", &ga, &gb, |i| gtol[i]);
    }

    /// In d = 1 the directions are ±1 and c_{1,1} = 1, so sliced-sort is
    /// the exact energy distance for any seed and P: V, U, gradient. Both
    /// are f64 sums of the same terms in different orders; 1e-10 of the
    /// magnitude of the terms bounds their difference (worst case
    /// (L² + P) u, about 1e-13 here). Integer data make many ties.
    #[test]
    fn sliced_sort_in_one_dimension_is_exact(
        case in case_strategy(15, 1),
        p in 1usize..=9,
        seed in any::<u64>(),
    ) {
        let est = SlicedSort::new(p).unwrap().with_seed(seed);
        let exact = Naive::new(Riesz::energy());
        let (px, py) = (case.px(), case.py());
        let s = kernel_magnitude(&Riesz::energy(), &case);
        for stat in statistics(case.n, case.m) {
            let a = est.estimate(&px, &py, stat).unwrap().mmd2;
            let b = exact.estimate(&px, &py, stat).unwrap().mmd2;
            assert_close(&format!("{stat:?}"), a, b, 1e-10 * s);
        }
        let (_, ga) = est.grad(&px, &py).unwrap();
        let (_, gb) = exact.grad(&px, &py).unwrap();
        // gradient entries are sums of ±2/N², ±2/(NM): magnitude <= 4/N
        let gmag = 4.0 / case.n as f64;
        assert_close_vec("gradient", &ga, &gb, |_| 1e-10 * gmag);
    }

    /// The same in d = 1 with N + M >= 512, where slices are sorted by the
    /// radix sort (f64 keys, and f32 keys packed with the index): values of
    /// mixed signs and scales (so that different digit passes are skipped
    /// or not), signed zeros and many ties. The f32 run sees the same
    /// (f32-representable) values: its projections ±x are exact, so it must
    /// agree with the f64 run to the same 1e-10.
    #[test]
    fn radix_path_in_one_dimension(
        vals in prop::collection::vec(
            prop_oneof![
                (-40i32..40).prop_map(|k| f64::from(k) / 4.0),
                (-1e3f64..1e3).prop_map(common::f32r),
                (-1e-3f64..1e-3).prop_map(common::f32r),
                Just(0.0),
                Just(-0.0),
            ],
            520..700,
        ),
        split in 2usize..518,
        p in 1usize..4,
        seed in any::<u64>(),
    ) {
        let n = split;
        let case = Case::new(vals[..n].to_vec(), vals[n..].to_vec(), n, vals.len() - n, 1);
        let est = SlicedSort::new(p).unwrap().with_seed(seed);
        let (px, py) = (case.px(), case.py());
        let s = kernel_magnitude(&Riesz::energy(), &case);
        let exact = Naive::new(Riesz::energy());
        let a = est.estimate(&px, &py, Statistic::U).unwrap().mmd2;
        let b = exact.estimate(&px, &py, Statistic::U).unwrap().mmd2;
        assert_close("U", a, b, 1e-10 * s);
        let (va, ga) = est.grad(&px, &py).unwrap();
        let (vb, gb) = exact.grad(&px, &py).unwrap();
        assert_close("V", va, vb, 1e-10 * s);
        let gmag = 4.0 / n as f64;
        assert_close_vec("gradient", &ga, &gb, |_| 1e-10 * gmag);
        let (x32, y32) = (px.cast::<f32>().unwrap(), py.cast::<f32>().unwrap());
        let (v32, g32) = est.grad(&x32, &y32).unwrap();
        assert_close("f32 V", v32, vb, 1e-10 * s);
        // one f32 rounding per slice value and P f32 additions
        let g32: Vec<f64> = g32.iter().map(|&t| f64::from(t)).collect();
        assert_close_vec("f32 gradient", &g32, &gb, |_| (p as f64 + 2.0) * common::U32 * gmag);
    }

    /// The public 1-D core `riesz_mmd2_1d` is the exact V-statistic of the
    /// Riesz kernel on the line, for r = 1 (sorting) and r != 1 (pairs).
    #[test]
    fn one_dimensional_core_is_exact(
        case in case_strategy(20, 1),
        r in prop_oneof![Just(1.0), 0.1f64..1.95],
    ) {
        let k = riesz(r);
        let a = sliced_mmd::sort1d::riesz_mmd2_1d(&case.x, &case.y, k).unwrap();
        let b = Naive::new(k).mmd2(&case.px(), &case.py()).unwrap();
        let eps = pair_sum_error(&case, kernel_magnitude(&k, &case));
        assert_close("riesz_mmd2_1d", a, b, 2.0 * eps);
        let x32: Vec<f32> = case.x.iter().map(|&v| v as f32).collect();
        let y32: Vec<f32> = case.y.iter().map(|&v| v as f32).collect();
        let a32 = sliced_mmd::sort1d::riesz_mmd2_1d(&x32, &y32, k).unwrap();
        assert_close("riesz_mmd2_1d f32", a32, b, 2.0 * eps);
    }
}

/// f32 data: sliced-sort accumulates in f64. In d = 1 the projections are
/// ±x, exact in f32, and gaps of f32 values are exact in f64, so the f32
/// computation must equal the f64 one on the same data up to f64
/// rounding of the sums. With L = 40000 points, an f32 accumulation would
/// err by ~sqrt(L) u32 ≈ 1e-5 relative; the tolerance is
/// `pair_sum_error`-like: `(L + P) u64` of the magnitude, about 5e-12.
/// The same holds for the naive estimator (kernel values in f64).
#[test]
fn f32_input_accumulates_in_f64() {
    let case = gaussian_case(25_000, 15_000, 1, 21);
    let (px, py) = (case.px(), case.py());
    let (x32, y32) = (px.cast::<f32>().unwrap(), py.cast::<f32>().unwrap());
    let est = SlicedSort::new(4).unwrap().with_seed(1);
    let a: f64 = est.mmd2(&px, &py).unwrap();
    let b = est.mmd2(&x32, &y32).unwrap();
    // V = 2 ∫ (F_μ - F_ν)² over a range of ~10: its terms add up to at most
    // 2 * range
    let mag = 2.0 * 12.0;
    let tol = (case.len() as f64 + 8.0) * common::U64 * mag;
    assert_close("sliced f32 vs f64", b, a, tol);
    // gradient: counts are exact; each entry is one f32 rounding of the f64 value
    let (_, g64) = est.grad(&px, &py).unwrap();
    let (_, g32) = est.grad(&x32, &y32).unwrap();
    for (i, (&s, &t)) in g32.iter().zip(&g64).enumerate() {
        // the per-slice value is rounded to f32 and P = 4 of them are summed in f32
        let tol = 8.0 * common::U32 * 4.0 / case.n as f64;
        assert!((s as f64 - t).abs() <= tol, "entry {i}: {s} vs {t}");
    }

    let small = gaussian_case(300, 200, 3, 22);
    let naive = Naive::new(riesz(0.7));
    let (px, py) = (small.px(), small.py());
    let a = naive.mmd2(&px, &py).unwrap();
    let b = naive
        .mmd2(&px.cast::<f32>().unwrap(), &py.cast::<f32>().unwrap())
        .unwrap();
    let eps = pair_sum_error(&small, kernel_magnitude(&riesz(0.7), &small));
    assert_close("naive f32 vs f64", b, a, eps);
}

/// V(X, X) = 0 and its gradient is 0, exactly, for sliced-sort with
/// r = 1: every tie group holds as many points of X as of Y, so
/// F_μ = F_ν on every gap and the counts cancel. Also with Y = X repeated
/// twice (F_μ = F_ν still: 2k/(2n) and k/n round to the same double).
/// The pairwise path (r != 1) cancels `2 sxy - sxx - syy` instead, so
/// there the value is zero only up to [`pair_sum_error`].
#[test]
fn sliced_self_distance_is_exactly_zero() {
    for case in [gaussian_case(50, 2, 3, 1), tied_case(40, 2, 2, 2)] {
        let (n, d) = (case.n, case.d);
        let x = Points::new(&case.x, n, d).unwrap();
        let doubled: Vec<f64> = case.x.iter().chain(&case.x).copied().collect();
        let y2 = Points::new(&doubled, 2 * n, d).unwrap();
        let est = SlicedSort::new(17).unwrap().with_seed(3);
        assert_eq!(est.mmd2(&x, &x).unwrap(), 0.0);
        let (v, g) = est.grad(&x, &x).unwrap();
        assert_eq!(v, 0.0);
        assert!(g.iter().all(|&t| t == 0.0), "{g:?}");
        assert_eq!(est.mmd2(&x, &y2).unwrap(), 0.0);
        let (_, g2) = est.grad(&x, &y2).unwrap();
        assert!(g2.iter().all(|&t| t == 0.0));

        let xx = Case::new(case.x.clone(), case.x.clone(), n, n, d);
        let dirs = iid(5, d, 1);
        let k = SlicedKernel::new(riesz(1.5), dirs.clone());
        let eps = pair_sum_error(&xx, kernel_magnitude(&k, &xx));
        let est = SlicedSort::from_directions(dirs).with_kernel(riesz(1.5));
        assert!(est.mmd2(&x, &x).unwrap().abs() <= eps);
    }
}

/// Signed zeros are one value: x = -0 and y = +0 coincide.
#[test]
fn signed_zeros_tie() {
    let x = Points::from_1d(&[-0.0f64, 1.0]).unwrap();
    let y = Points::from_1d(&[0.0f64, 1.0]).unwrap();
    let est = SlicedSort::new(3).unwrap();
    assert_eq!(est.mmd2(&x, &y).unwrap(), 0.0);
    let (_, g) = est.grad(&x, &y).unwrap();
    assert_eq!(g, vec![0.0, 0.0]);
    let (_, g) = Naive::new(Riesz::energy()).grad(&x, &y).unwrap();
    assert_eq!(g, vec![0.0, 0.0]);
}

/// A seed names the directions: `new(P).with_seed(s)` is `with_directions`
/// of `Directions::iid(P, d, s)`, bit for bit; `directions_for` says so.
#[test]
fn seed_names_the_directions() {
    let case = gaussian_case(40, 30, 4, 31);
    let (px, py) = (case.px(), case.py());
    let a = SlicedSort::new(25).unwrap().with_seed(77);
    assert_eq!(a.slices(), 25);
    let dirs = iid(25, 4, 77);
    assert_eq!(*a.directions_for(4).unwrap(), dirs);
    let b = SlicedSort::from_directions(dirs);
    assert_eq!(b.slices(), 25);
    let (ea, eb) = (
        a.estimate(&px, &py, Statistic::U).unwrap(),
        b.estimate(&px, &py, Statistic::U).unwrap(),
    );
    assert_eq!(ea, eb);
    assert_eq!(
        bits(&a.grad(&px, &py).unwrap().1),
        bits(&b.grad(&px, &py).unwrap().1)
    );
    // another seed, other directions, another value
    let c = SlicedSort::new(25).unwrap().with_seed(78);
    assert_ne!(c.mmd2(&px, &py).unwrap(), ea.mmd2);
    // the default seed is 0
    let d0 = SlicedSort::new(25).unwrap();
    assert_eq!(*d0.directions_for(4).unwrap(), iid(25, 4, 0));
}

/// The chunk size only changes how slices are grouped and the shape of the
/// projection products, so the projections move by their rounding only:
/// `|δ| <= γ_d max‖z‖` with `γ_d = d u / (1 - d u)` (unit directions). The
/// 1-D V-statistic `2 E|X-Y| - E|X-X'| - E|Y-Y'|` is 8-Lipschitz in the
/// largest move of a projected value, so V and each per-slice value move
/// by at most `8 γ_d max‖z‖ / c` (the standard error, a spread of those
/// values over `√P`, by no more). The gradient, summed chunk by chunk,
/// changes within the rounding of P terms of size <= 4/(N c P) (the
/// projections of the tied points stay tied: equal points project equally).
#[test]
fn chunk_size_does_not_change_the_result() {
    let case = tied_case(70, 50, 3, 41);
    let (px, py) = (case.px(), case.py());
    let base = SlicedSort::new(23).unwrap().with_seed(5);
    let v0 = base.estimate(&px, &py, Statistic::V).unwrap();
    let (_, g0) = base.grad(&px, &py).unwrap();
    let c = sliced_mmd::special::slicing_constant(3, 1.0).unwrap();
    let zmax = px
        .rows()
        .chain(py.rows())
        .map(|r| r.iter().map(|v| v * v).sum::<f64>().sqrt())
        .fold(0.0, f64::max);
    let gamma = 3.0 * common::U64 / (1.0 - 3.0 * common::U64);
    let vtol = 8.0 * gamma * zmax / c;
    let gtol = 2.0 * 23.0 * common::U64 * 4.0 / (70.0 * c);
    for chunk in [1, 2, 5, 22, 23, 24, 1000] {
        let est = base.clone().with_chunk_size(chunk);
        let v = est.estimate(&px, &py, Statistic::V).unwrap();
        assert!(
            (v.mmd2 - v0.mmd2).abs() <= vtol,
            "chunk {chunk}: {v:?} vs {v0:?}"
        );
        let se = (v.std_error.unwrap() - v0.std_error.unwrap()).abs();
        assert!(se <= vtol, "chunk {chunk}: {v:?} vs {v0:?}");
        let (_, g) = est.grad(&px, &py).unwrap();
        assert_close_vec(&format!("chunk {chunk}"), &g, &g0, |_| gtol);
    }
}

/// Directions::iid: direction i comes from stream i, so the first k of P
/// directions do not depend on P, and rows are unit vectors to rounding.
#[test]
fn iid_directions_are_prefix_stable_and_unit() {
    let a = iid(10, 6, 3);
    let b = iid(4, 6, 3);
    assert_eq!(&a.as_slice()[..24], b.as_slice());
    for i in 0..10 {
        let n: f64 = a.row(i).iter().map(|v| v * v).sum::<f64>().sqrt();
        // normalising divides by a computed norm: (d + 3) u
        assert!((n - 1.0).abs() <= 9.0 * common::U64, "row {i}: {n}");
    }
    // d = 1: exactly ±1
    let one = iid(50, 1, 9);
    assert!(one.as_slice().iter().all(|&v| v == 1.0 || v == -1.0));
    assert!(one.as_slice().contains(&1.0) && one.as_slice().contains(&-1.0));
    assert_eq!(a.len(), 10);
    assert_eq!(a.dim(), 6);
    assert!(!a.is_empty());
    // drawn in parallel, one stream per direction: the same bits on any pool
    let big = |t| common::with_threads(t, || iid(3000, 7, 12));
    assert_eq!(big(1), big(2));
    assert_eq!(big(1), big(3));
}

/// `Estimator::auto`: exact while (N+M)² <= 1e8; beyond, sliced for the
/// energy kernel, exact for Riesz r != 1 and random features for Gaussian
/// and Laplace.
#[test]
fn auto_picks_the_documented_estimator() {
    let sliced = SlicedSort::new(10).unwrap().with_seed(4);
    let k: AnyKernel = Riesz::energy().into();
    match Estimator::auto(k.clone(), 5000, 5000, sliced.clone()) {
        Estimator::Naive(n) => assert_eq!(n.kernel(), &k),
        other => panic!("{other:?}"),
    }
    match Estimator::auto(k.clone(), 5000, 5001, sliced.clone()) {
        Estimator::SlicedSort(s) => assert_eq!(s, sliced.clone()),
        other => panic!("{other:?}"),
    }
    // r != 1 has no sorting shortcut: exact at any size
    let half: AnyKernel = riesz(0.5).into();
    match Estimator::auto(half.clone(), 5000, 5001, sliced.clone()) {
        Estimator::Naive(n) => assert_eq!(n.kernel(), &half),
        other => panic!("{other:?}"),
    }
    let g: AnyKernel = Gaussian::new(1.0).unwrap().into();
    match Estimator::auto(g.clone(), 20000, 1, sliced) {
        Estimator::Features(f) => {
            assert_eq!(
                f,
                RandomFeatures::new(g, DEFAULT_FEATURES)
                    .unwrap()
                    .with_seed(4)
            )
        }
        other => panic!("{other:?}"),
    }
    let e = Estimator::Naive(Naive::new(k));
    assert_eq!(MmdEstimator::<f64>::name(&e), "naive");
    let s = Estimator::SlicedSort(SlicedSort::new(3).unwrap());
    assert_eq!(MmdEstimator::<f32>::name(&s), "sliced");
    assert!(MmdEstimator::<f64>::has_gradient(&s));
}

/// `Naive::kernel` returns the kernel; the naive U-statistic for a
/// closed-form case. X = {0, 1}, Y = {1, 2} in d = 1, energy kernel:
/// U = 2 E|X-Y| - E_{i≠k}|x_i-x_k| - E_{j≠l}|y_j-y_l| = 2 - 1 - 1 = 0;
/// V = 2 - 1/2 - 1/2 = 1 (the doc example). Exact in binary.
#[test]
fn naive_closed_form() {
    let x = Points::from_1d(&[0.0f64, 1.0]).unwrap();
    let y = Points::from_1d(&[1.0f64, 2.0]).unwrap();
    let est = Naive::new(Riesz::energy());
    assert_eq!(est.kernel(), &Riesz::energy());
    assert_eq!(est.estimate(&x, &y, Statistic::V).unwrap().mmd2, 1.0);
    assert_eq!(est.estimate(&x, &y, Statistic::U).unwrap().mmd2, 0.0);
    assert_eq!(est.estimate(&x, &y, Statistic::V).unwrap().std_error, None);
    // ∇_{x_i} V = 2/N² Σ_k -sign(x_i - x_k) - 2/(NM) Σ_j -sign(x_i - y_j):
    // x_1 = 0: 2/4 (0 + 1) - 2/4 (1 + 1) = -0.5
    // x_2 = 1: 2/4 (-1 + 0) - 2/4 (0 + 1) = -1
    let (_, g) = est.grad(&x, &y).unwrap();
    assert_eq!(g, vec![-0.5, -1.0]);
    // sliced-sort in d = 1: the same up to the rounding of c_{1,1} and of
    // the mean over 7 slices
    let (_, gs) = SlicedSort::new(7).unwrap().grad(&x, &y).unwrap();
    assert_close_vec("sliced", &gs, &g, |i| 16.0 * common::U64 * g[i].abs());
}

/// The profiled entry points return the same bits as the plain ones, and
/// their timings are consistent (each part at most the total).
#[test]
fn profiled_matches_plain() {
    let case = gaussian_case(300, 250, 3, 51);
    let (px, py) = (case.px(), case.py());
    let est = SlicedSort::new(70)
        .unwrap()
        .with_seed(8)
        .with_chunk_size(16);
    let (e, t) = est.estimate_profiled(&px, &py, Statistic::U).unwrap();
    assert_eq!(e, est.estimate(&px, &py, Statistic::U).unwrap());
    assert!(t.directions + t.projection + t.sort <= t.total);
    assert_eq!(t.back_projection, std::time::Duration::ZERO);
    let mut g = vec![0.0; 300 * 3];
    let (v, t) = est.grad_profiled(&px, &py, &mut g).unwrap();
    let (v2, g2) = est.grad(&px, &py).unwrap();
    assert_eq!(v.to_bits(), v2.to_bits());
    assert_eq!(bits(&g), bits(&g2));
    assert!(t.directions + t.projection + t.sort + t.back_projection <= t.total);
}

/// The split of the 1-D pass: the sorts' and the sums' CPU times are
/// measured inside the pass, one slice per thread at a time, so together
/// they are at most the pass's wall time times the number of threads; the
/// pairwise path (`r ≠ 1`) has no separate sort.
#[test]
fn profiled_split_of_the_one_d_pass() {
    let case = gaussian_case(300, 250, 4, 52);
    let (px, py) = (case.px(), case.py());
    let threads = rayon::current_num_threads() as u32;
    let check = |t: Timings, what: &str| {
        assert!(t.sort_cpu > Duration::ZERO, "{what}: {t:?}");
        assert!(t.sums_cpu > Duration::ZERO, "{what}: {t:?}");
        assert!(t.sort_cpu + t.sums_cpu <= t.sort * threads, "{what}: {t:?}");
    };
    let mut g = vec![0.0; 300 * 4];
    for design in [DirectionDesign::Iid, DirectionDesign::Hadamard] {
        let est = SlicedSort::new(40)
            .unwrap()
            .with_seed(9)
            .with_design(design);
        check(
            est.grad_profiled(&px, &py, &mut g).unwrap().1,
            &format!("{design} gradient"),
        );
        let e = est.estimate_profiled(&px, &py, Statistic::U).unwrap();
        check(e.1, &format!("{design} value"));
    }
    let est = SlicedSort::new(40).unwrap().with_kernel(riesz(1.5));
    let (_, t) = est.grad_profiled(&px, &py, &mut g).unwrap();
    assert_eq!(t.sort_cpu, Duration::ZERO);
    assert!(
        t.sums_cpu > Duration::ZERO && t.sums_cpu <= t.sort * threads,
        "{t:?}"
    );
}

/// nalgebra input: `Points::from_matrix` takes rows as points, from an
/// owned matrix or a view, and gives the same estimates as the slice.
#[test]
fn nalgebra_input_is_rows() {
    let case = gaussian_case(12, 9, 3, 61);
    let mx = nalgebra::DMatrix::from_row_slice(12, 3, &case.x);
    let px = Points::from_matrix(&mx).unwrap();
    assert_eq!(px, case.px());
    assert_eq!(px.to_matrix(), mx);
    // a view of rows 2..7
    let view = mx.rows(2, 5);
    let pv = Points::from_matrix(&view).unwrap();
    assert_eq!(pv.as_slice(), &case.x[6..21]);
    let est = SlicedSort::new(9).unwrap();
    assert_eq!(
        est.mmd2(&px, &case.py()).unwrap(),
        est.mmd2(&case.px(), &case.py()).unwrap()
    );
    // a fixed-size matrix works too
    let m2 = nalgebra::Matrix2x3::new(1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0);
    assert_eq!(
        Points::from_matrix(&m2).unwrap().row(1),
        &[4.0f32, 5.0, 6.0]
    );
}

/// The exact V-statistic is the MMD² of two measures, so never negative,
/// and for a sample against itself it is 0 up to the rounding of its three
/// pair sums (`pair_sum_error`): the cancelling sum may round below zero,
/// and the estimator returns such a value as 0.
#[test]
fn exact_v_statistic_of_a_sample_with_itself_is_never_negative() {
    let kernels: Vec<AnyKernel> = vec![
        Riesz::energy().into(),
        riesz(0.7).into(),
        Gaussian::new(0.8).unwrap().into(),
    ];
    for seed in 0..40 {
        let case = gaussian_case(17 + seed as usize % 5, 9, 3, seed);
        let same = Case::new(case.x.clone(), case.x.clone(), case.n, case.n, case.d);
        for k in &kernels {
            let v = Naive::new(k.clone()).mmd2(&same.px(), &same.py()).unwrap();
            let eps = pair_sum_error(&same, kernel_magnitude(k, &same));
            assert!(
                (0.0..=eps).contains(&v),
                "{k:?} seed {seed}: {v:e} (eps {eps:e})"
            );
        }
    }
}
