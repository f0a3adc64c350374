//! Direction designs: unit vectors, the right count, reproducible from the
//! seed and independent of the thread count; exactly the documented shapes
//! are refused; orthogonal frames are orthonormal; the iid design is
//! `Directions::iid`.

use crate::common;

use sliced_mmd::directions::{DirectionDesign, SOBOL_MAX_DIM};
use sliced_mmd::special::inverse_normal_cdf;
use sliced_mmd::{Directions, MmdError, SlicedSort};

/// f64 rounding of a norm of `d` terms: `d u` with u = 2^-53, and some room.
fn unit_tol(d: usize) -> f64 {
    4.0 * (d as f64 + 2.0) * f64::EPSILON
}

/// The documented limits of [`Directions::draw`]: the Sobol' design is
/// `TooLarge` above [`SOBOL_MAX_DIM`] dimensions (the size of the
/// Joe-Kuo table) and for more than `2^32 - 1` directions; every design
/// supports every other shape with `p, d >= 1`.
fn unsupported(design: DirectionDesign, p: usize, d: usize) -> bool {
    match design {
        DirectionDesign::Sobol => d > SOBOL_MAX_DIM || p > u32::MAX as usize,
        _ => false,
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn every_design_gives_p_unit_vectors_reproducibly() {
    for design in DirectionDesign::ALL {
        for &(p, d) in &[(1, 1), (5, 1), (7, 3), (10, 10), (25, 8), (300, 17)] {
            let a = Directions::draw(design, p, d, 11).unwrap();
            assert_eq!((a.len(), a.dim()), (p, d), "{design}");
            for i in 0..p {
                let r = a.row(i);
                assert!(r.iter().all(|v| v.is_finite()));
                let norm = dot(r, r).sqrt();
                assert!(
                    (norm - 1.0).abs() <= unit_tol(d),
                    "{design} p={p} d={d} row {i}: {norm}"
                );
            }
            assert_eq!(a, Directions::draw(design, p, d, 11).unwrap(), "{design}");
            if p * d > 1 {
                assert_ne!(a, Directions::draw(design, p, d, 12).unwrap(), "{design}");
            }
        }
    }
}

#[test]
fn designs_do_not_depend_on_threads() {
    for design in DirectionDesign::ALL {
        let draw = |t| common::with_threads(t, || Directions::draw(design, 700, 40, 3).unwrap());
        let one = draw(1);
        assert_eq!(one, draw(2), "{design}");
        assert_eq!(one, draw(3), "{design}");
    }
}

#[test]
fn iid_design_is_the_iid_stream() {
    assert_eq!(
        Directions::draw(DirectionDesign::Iid, 50, 6, 9).unwrap(),
        Directions::iid(50, 6, 9).unwrap()
    );
    assert_eq!(DirectionDesign::default(), DirectionDesign::Iid);
}

#[test]
fn orthogonal_frames_are_orthonormal() {
    // P = 2.5 d: two full frames and a truncated one
    let (d, p) = (24, 60);
    let q = Directions::orthogonal(p, d, 5).unwrap();
    for f in 0..p.div_ceil(d) {
        let rows: Vec<&[f64]> = (f * d..((f + 1) * d).min(p)).map(|i| q.row(i)).collect();
        for (i, a) in rows.iter().enumerate() {
            for (j, b) in rows.iter().enumerate() {
                let want = if i == j { 1.0 } else { 0.0 };
                let got = dot(a, b);
                assert!((got - want).abs() < 1e-12, "frame {f} ({i},{j}): {got}");
            }
        }
    }
    // different frames are independent, not orthogonal
    assert!(dot(q.row(0), q.row(d)).abs() > 0.0);
    // the first k rows of a frame do not depend on P
    let short = Directions::orthogonal(d + 3, d, 5).unwrap();
    assert_eq!(short.as_slice(), &q.as_slice()[..(d + 3) * d]);
}

/// Every design on a grid of shapes: `p` below, equal to and above `d`
/// (several orthogonal frames and Hadamard blocks), `d` from 1 to beyond
/// the Sobol' table, and the exact edges of the Sobol' limits. A
/// combination succeeds with `p` unit vectors in `R^d` unless
/// [`unsupported`] says otherwise, and then it is an
/// `MmdError::TooLarge` error. (`p > 2^32 - 1` is only tried where it is
/// refused: a success would hold `2^32 d` numbers. The Hadamard design
/// skips the two edge dimensions of the table: it pads them to `D = 2^15`,
/// and drawing a block then costs `O((D - d) D log D)`, about half a
/// minute; it is tried at `2^14 - 1` (padded), `2^14` and `2^15` instead.)
#[test]
fn exactly_the_documented_shapes_are_unsupported() {
    let mut shapes = Vec::new();
    for p in [1, 2, 5, 64, 130] {
        for d in [1, 2, 3, 8, 17, 64] {
            shapes.push((p, d));
        }
    }
    let edges = [SOBOL_MAX_DIM, SOBOL_MAX_DIM + 1];
    for d in [(1 << 14) - 1, 1 << 14, 1 << 15].into_iter().chain(edges) {
        shapes.extend([(1, d), (3, d)]);
    }
    let too_many = u32::MAX as usize + 1;
    let mut refused = 0;
    for design in DirectionDesign::ALL {
        let huge: &[(usize, usize)] = if design == DirectionDesign::Sobol {
            &[(too_many, 1), (too_many, 5)]
        } else {
            &[]
        };
        for &(p, d) in shapes.iter().chain(huge) {
            if design == DirectionDesign::Hadamard && edges.contains(&d) {
                continue;
            }
            let got = Directions::draw(design, p, d, 4);
            if unsupported(design, p, d) {
                refused += 1;
                assert!(
                    matches!(got, Err(MmdError::TooLarge { .. })),
                    "{design} p={p} d={d}: {got:?}"
                );
                continue;
            }
            let dirs = got.unwrap_or_else(|e| panic!("{design} p={p} d={d}: {e}"));
            assert_eq!((dirs.len(), dirs.dim()), (p, d), "{design}");
            for i in 0..p {
                let r = dirs.row(i);
                let norm = dot(r, r).sqrt();
                assert!(
                    r.iter().all(|v| v.is_finite()) && (norm - 1.0).abs() <= unit_tol(d),
                    "{design} p={p} d={d} row {i}: {norm}"
                );
            }
        }
    }
    // Sobol' beyond the table (2 dims x 2 counts) and beyond 2^32 - 1 (2)
    assert_eq!(refused, 6);
}

/// The Sobol' design covers the CIFAR10 dimension (3 x 32 x 32).
#[test]
fn sobol_reaches_cifar_dimension() {
    let s = Directions::sobol(4, 3072, 1).unwrap();
    assert_eq!((s.len(), s.dim()), (4, 3072));
    for i in 0..4 {
        assert!((dot(s.row(i), s.row(i)) - 1.0).abs() <= unit_tol(3072));
    }
}

#[test]
fn bad_shapes_are_errors() {
    for design in DirectionDesign::ALL {
        assert_eq!(
            Directions::draw(design, 0, 3, 1),
            Err(MmdError::InvalidCount {
                what: "number of slices P",
                value: 0,
                min: 1
            })
        );
        assert_eq!(
            Directions::draw(design, 3, 0, 1),
            Err(MmdError::ZeroDimension)
        );
    }
}

#[test]
fn design_names_round_trip() {
    for design in DirectionDesign::ALL {
        assert_eq!(design.name().parse::<DirectionDesign>().unwrap(), design);
        assert_eq!(design.to_string(), design.name());
    }
    assert!("halton".parse::<DirectionDesign>().is_err());
}

#[test]
fn sliced_sort_draws_from_its_design() {
    for design in DirectionDesign::ALL {
        let est = SlicedSort::new(30)
            .unwrap()
            .with_seed(8)
            .with_design(design);
        assert_eq!(
            est.directions_for(5).unwrap().into_owned(),
            Directions::draw(design, 30, 5, 8).unwrap()
        );
    }
}

/// Each design's directions have mean zero: the mean of the first
/// coordinate over P directions has variance at most 1/(d P) under the iid
/// design (each coordinate has variance 1/d) and no more under the coupled
/// ones; 5 standard deviations.
#[test]
fn designs_are_centred() {
    let (p, d) = (1024, 4);
    for design in DirectionDesign::ALL {
        let s = Directions::draw(design, p, d, 21).unwrap();
        for k in 0..d {
            let mean = (0..p).map(|i| s.row(i)[k]).sum::<f64>() / p as f64;
            assert!(
                mean.abs() < 5.0 / ((d * p) as f64).sqrt(),
                "{design} coord {k}: {mean}"
            );
        }
    }
}

#[test]
fn inverse_normal_cdf_is_symmetric_and_monotone() {
    let mut prev = f64::NEG_INFINITY;
    for i in 1..2000 {
        let p = i as f64 / 2000.0;
        let x = inverse_normal_cdf(p);
        assert!(x > prev, "p = {p}");
        prev = x;
        assert!((x + inverse_normal_cdf(1.0 - p)).abs() < 1e-14 * x.abs().max(1.0));
    }
    assert!(inverse_normal_cdf(-0.1).is_nan());
    assert_eq!(inverse_normal_cdf(0.0), f64::NEG_INFINITY);
}
