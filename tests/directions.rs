//! Direction designs: unit vectors, the right count, reproducible from the
//! seed and independent of the thread count; orthogonal frames are
//! orthonormal; the iid design is `Directions::iid`.

mod common;

use sliced_mmd::directions::{inverse_normal_cdf, DirectionDesign, SOBOL_MAX_DIM};
use sliced_mmd::{Directions, MmdError, SlicedSort};

/// f64 rounding of a norm of `d` terms: `d u` with u = 2^-53, and some room.
fn unit_tol(d: usize) -> f64 {
    4.0 * (d as f64 + 2.0) * f64::EPSILON
}

/// The designs this build provides (the Sobol' design needs the Joe-Kuo
/// table of the `sobol` crate; without it, it is a clear `Unsupported`).
fn designs() -> Vec<DirectionDesign> {
    DirectionDesign::ALL
        .into_iter()
        .filter(|&g| match Directions::draw(g, 1, 1, 0) {
            Err(MmdError::Unsupported { .. }) => false,
            other => {
                other.unwrap();
                true
            }
        })
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn every_design_gives_p_unit_vectors_reproducibly() {
    for design in designs() {
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
    for design in designs() {
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

#[test]
fn sobol_reaches_cifar_dimension_and_refuses_beyond_the_table() {
    if !designs().contains(&DirectionDesign::Sobol) {
        return;
    }
    let s = Directions::sobol(4, 3072, 1).unwrap();
    assert_eq!((s.len(), s.dim()), (4, 3072));
    for i in 0..4 {
        assert!((dot(s.row(i), s.row(i)) - 1.0).abs() <= unit_tol(3072));
    }
    assert!(matches!(
        Directions::sobol(2, SOBOL_MAX_DIM + 1, 1),
        Err(MmdError::Unsupported { .. })
    ));
}

#[test]
fn bad_shapes_are_errors() {
    for design in designs() {
        assert_eq!(
            Directions::draw(design, 0, 3, 1),
            Err(MmdError::InvalidSlices { slices: 0 })
        );
        assert_eq!(
            Directions::draw(design, 3, 0, 1),
            Err(MmdError::ZeroDimension)
        );
    }
}

#[test]
fn design_names_round_trip() {
    for design in designs() {
        assert_eq!(design.name().parse::<DirectionDesign>().unwrap(), design);
        assert_eq!(design.to_string(), design.name());
    }
    assert!("halton".parse::<DirectionDesign>().is_err());
}

#[test]
fn sliced_sort_draws_from_its_design() {
    for design in designs() {
        let est = SlicedSort::new(30).unwrap().seed(8).design(design);
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
    for design in designs() {
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
