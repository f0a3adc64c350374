//! Every bad input the library can be given returns a typed error (never a
//! panic), and each error message names the offending value.

use sliced_mmd::kernel::median_heuristic;
use sliced_mmd::sort1d::riesz_mmd2_1d;
use sliced_mmd::{
    AnyKernel, Directions, Estimator, Gaussian, Laplace, MmdError, MmdEstimator, Naive, Points,
    Riesz, Sample, SlicedKernel, SlicedSort, Statistic,
};

/// Every estimator configuration, for checks that must hold for all.
fn estimators_f64() -> Vec<(&'static str, Box<dyn MmdEstimator<f64>>)> {
    vec![
        (
            "naive riesz",
            Box::new(Naive::new(Riesz::new(0.5).unwrap())),
        ),
        (
            "naive gaussian",
            Box::new(Naive::new(Gaussian::new(1.0).unwrap())),
        ),
        (
            "naive laplace",
            Box::new(Naive::new(Laplace::new(1.0).unwrap())),
        ),
        (
            "naive any",
            Box::new(Naive::new(AnyKernel::from(Riesz::energy()))),
        ),
        ("sliced", Box::new(SlicedSort::new(5).unwrap())),
        (
            "sliced r=1.5",
            Box::new(
                SlicedSort::new(3)
                    .unwrap()
                    .with_kernel(Riesz::new(1.5).unwrap()),
            ),
        ),
        (
            "estimator enum",
            Box::new(Estimator::SlicedSort(SlicedSort::new(4).unwrap())),
        ),
    ]
}

fn estimators_f32() -> Vec<(&'static str, Box<dyn MmdEstimator<f32>>)> {
    vec![
        ("naive riesz", Box::new(Naive::new(Riesz::energy()))),
        ("sliced", Box::new(SlicedSort::new(5).unwrap())),
    ]
}

#[track_caller]
fn says(err: &MmdError, parts: &[&str]) {
    let msg = err.to_string();
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} should contain {p:?}");
    }
    // one lowercase line
    assert!(!msg.contains('\n'), "{msg:?}");
    assert!(
        msg.chars().next().unwrap().is_lowercase(),
        "message should start lowercase: {msg:?}"
    );
}

#[test]
fn non_finite_values_are_located() {
    for (bad, shown) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        let mut data = vec![0.0f64; 12];
        data[7] = bad; // row 2, column 1 of a 4 x 3 sample
        let err = Points::new(&data, 4, 3).unwrap_err();
        match err {
            MmdError::NonFinite {
                sample,
                row,
                col,
                value,
            } => {
                assert_eq!((sample, row, col), (None, 2, 1));
                assert!(value.is_nan() == bad.is_nan() && (bad.is_nan() || value == bad));
            }
            other => panic!("{other:?}"),
        }
        says(&err, &[shown, "row 2", "column 1"]);
        let err = err.in_sample(Sample::Y);
        says(&err, &[shown, "row 2", "column 1", "sample Y"]);
        // f32, from_vec, from_1d, from_matrix
        let d32: Vec<f32> = data.iter().map(|&v| v as f32).collect();
        assert!(matches!(
            Points::new(&d32, 4, 3),
            Err(MmdError::NonFinite { row: 2, col: 1, .. })
        ));
        assert!(matches!(
            Points::from_vec(data.clone(), 4, 3),
            Err(MmdError::NonFinite { row: 2, col: 1, .. })
        ));
        assert!(matches!(
            Points::from_1d(&data),
            Err(MmdError::NonFinite { row: 7, col: 0, .. })
        ));
        let m = nalgebra::DMatrix::from_row_slice(4, 3, &data);
        assert!(matches!(
            Points::from_matrix(&m),
            Err(MmdError::NonFinite { row: 2, col: 1, .. })
        ));
    }
    // the first bad value is reported
    let data = [1.0, f64::NAN, f64::INFINITY, 2.0];
    assert!(matches!(
        Points::new(&data, 2, 2),
        Err(MmdError::NonFinite { row: 0, col: 1, .. })
    ));
}

#[test]
fn empty_zero_dimension_and_shape() {
    let err = Points::<f64>::new(&[], 0, 3).unwrap_err();
    assert!(matches!(err, MmdError::EmptySample { .. }));
    says(&err, &["empty"]);
    says(&err.clone().in_sample(Sample::Y), &["sample Y", "empty"]);
    assert!(matches!(
        Points::<f32>::from_1d(&[]),
        Err(MmdError::EmptySample { .. })
    ));
    let m = nalgebra::DMatrix::<f64>::zeros(0, 4);
    assert!(matches!(
        Points::from_matrix(&m),
        Err(MmdError::EmptySample { .. })
    ));

    let err = Points::<f64>::new(&[1.0, 2.0], 2, 0).unwrap_err();
    assert_eq!(err, MmdError::ZeroDimension);
    says(&err, &["d = 0"]);
    assert_eq!(
        Points::<f64>::new(&[], 0, 0).unwrap_err(),
        MmdError::ZeroDimension
    );

    let err = Points::<f64>::new(&[1.0; 7], 2, 3).unwrap_err();
    assert_eq!(
        err,
        MmdError::ShapeMismatch {
            len: 7,
            rows: 2,
            cols: 3
        }
    );
    says(&err, &["7", "2 rows", "dimension 3"]);
    // n * d overflows usize: a shape error, not a panic
    assert!(matches!(
        Points::<f64>::new(&[1.0], usize::MAX, 2),
        Err(MmdError::ShapeMismatch { .. })
    ));
}

#[test]
fn dimension_mismatch_from_every_estimator() {
    let x = Points::new(&[0.0f64, 1.0, 2.0, 3.0], 2, 2).unwrap();
    let y = Points::new(&[0.0f64, 1.0, 2.0, 3.0, 4.0, 5.0], 2, 3).unwrap();
    let want = MmdError::DimensionMismatch { x_d: 2, y_d: 3 };
    for (name, est) in estimators_f64() {
        for stat in [Statistic::V, Statistic::U] {
            assert_eq!(est.estimate(&x, &y, stat), Err(want.clone()), "{name}");
        }
        assert_eq!(est.mmd2(&x, &y), Err(want.clone()), "{name}");
        let mut out = vec![0.0; 4];
        assert_eq!(est.grad_into(&x, &y, &mut out), Err(want.clone()), "{name}");
        assert_eq!(est.grad(&x, &y), Err(want.clone()), "{name}");
    }
    let (x32, y32) = (x.cast::<f32>().unwrap(), y.cast::<f32>().unwrap());
    for (name, est) in estimators_f32() {
        assert_eq!(est.mmd2(&x32, &y32), Err(want.clone()), "{name}");
        let mut out = vec![0.0f32; 4];
        assert_eq!(
            est.grad_into(&x32, &y32, &mut out),
            Err(want.clone()),
            "{name}"
        );
    }
    says(&want, &["X has d = 2", "Y has d = 3"]);
    assert_eq!(median_heuristic(&x, &y, 0), Err(want));
}

#[test]
fn invalid_riesz_exponent() {
    for r in [0.0, 2.0, -1.0, 2.5, f64::INFINITY, f64::NEG_INFINITY, -0.0] {
        let err = Riesz::new(r).unwrap_err();
        assert_eq!(err, MmdError::InvalidExponent { r }, "r = {r}");
        says(&err, &[&format!("r = {r}"), "(0, 2)"]);
    }
    let err = Riesz::new(f64::NAN).unwrap_err();
    assert!(matches!(err, MmdError::InvalidExponent { r } if r.is_nan()));
    says(&err, &["r = NaN"]);
    // the limits just inside are fine
    assert!(Riesz::new(f64::MIN_POSITIVE).is_ok());
    assert!(Riesz::new(2.0 - f64::EPSILON).is_ok());
}

#[test]
fn invalid_bandwidth() {
    for sigma in [0.0, -0.0, -1.0, f64::INFINITY, f64::NEG_INFINITY] {
        let e = Gaussian::new(sigma).unwrap_err();
        assert_eq!(e, MmdError::InvalidBandwidth { sigma });
        says(&e, &[&format!("sigma = {sigma}")]);
        let e = Laplace::new(sigma).unwrap_err();
        assert_eq!(e, MmdError::InvalidBandwidth { sigma });
        says(&e, &[&format!("sigma = {sigma}")]);
    }
    assert!(matches!(
        Gaussian::new(f64::NAN),
        Err(MmdError::InvalidBandwidth { sigma }) if sigma.is_nan()
    ));
    assert!(matches!(
        Laplace::new(f64::NAN),
        Err(MmdError::InvalidBandwidth { sigma }) if sigma.is_nan()
    ));
    says(&Laplace::new(-2.5).unwrap_err(), &["sigma = -2.5"]);
}

#[test]
fn zero_slices_and_chunk() {
    let e = SlicedSort::new(0).unwrap_err();
    assert_eq!(
        e,
        MmdError::InvalidCount {
            what: "number of slices P",
            value: 0,
            min: 1
        }
    );
    says(&e, &["P = 0"]);
    assert_eq!(
        Directions::iid(0, 3, 1),
        Err(MmdError::InvalidCount {
            what: "number of slices P",
            value: 0,
            min: 1
        })
    );
    assert_eq!(
        Directions::new(vec![], 0, 3),
        Err(MmdError::InvalidCount {
            what: "number of slices P",
            value: 0,
            min: 1
        })
    );
    assert_eq!(Directions::iid(3, 0, 1), Err(MmdError::ZeroDimension));
    // setters never fail: a chunk size of 0 is reported when the estimator runs
    let x = Points::from_1d(&[0.0f64, 1.0]).unwrap();
    let e = SlicedSort::new(4)
        .unwrap()
        .with_chunk_size(0)
        .mmd2(&x, &x)
        .unwrap_err();
    assert_eq!(
        e,
        MmdError::InvalidCount {
            what: "chunk size",
            value: 0,
            min: 1
        }
    );
    says(&e, &["chunk size = 0", "at least 1"]);
}

#[test]
fn directions_of_the_wrong_dimension() {
    let dirs = Directions::iid(4, 3, 1).unwrap();
    let x = Points::new(&[0.0f64, 1.0, 2.0, 3.0], 2, 2).unwrap();
    let want = MmdError::DirectionDimension {
        directions_d: 3,
        data_d: 2,
    };
    let sliced = SlicedSort::from_directions(dirs.clone());
    assert_eq!(sliced.mmd2(&x, &x), Err(want.clone()));
    assert_eq!(sliced.grad(&x, &x), Err(want.clone()));
    assert_eq!(sliced.directions_for(2).unwrap_err(), want);
    let naive = Naive::new(SlicedKernel::new(Riesz::energy(), dirs));
    assert_eq!(naive.mmd2(&x, &x), Err(want.clone()));
    assert_eq!(naive.grad(&x, &x), Err(want.clone()));
    says(&want, &["dimension 3", "d = 2"]);
    assert_eq!(
        SlicedSort::new(3).unwrap().directions_for(0).unwrap_err(),
        MmdError::ZeroDimension
    );
}

#[test]
fn directions_must_be_unit_vectors() {
    let e = Directions::new(vec![1.0, 0.0, 1.0, 1.0], 2, 2).unwrap_err();
    match e {
        MmdError::NotUnitDirection { index, norm } => {
            assert_eq!(index, 1);
            assert!((norm - 2f64.sqrt()).abs() < 1e-15);
        }
        ref other => panic!("{other:?}"),
    }
    says(&e, &["direction 1", "1.414"]);
    // within 1e-6 of unit is accepted, beyond is not
    assert!(Directions::new(vec![1.0 + 0.9e-6], 1, 1).is_ok());
    assert!(Directions::new(vec![1.0 + 1.1e-6], 1, 1).is_err());
    for bad in [f64::NAN, f64::INFINITY] {
        assert!(matches!(
            Directions::new(vec![bad, 0.0], 1, 2),
            Err(MmdError::NotUnitDirection { index: 0, .. })
        ));
        assert!(matches!(
            Directions::normalized(vec![bad, 0.0], 1, 2),
            Err(MmdError::NotUnitDirection { index: 0, .. })
        ));
    }
    let e = Directions::normalized(vec![3.0, 4.0, 0.0, 0.0], 2, 2).unwrap_err();
    assert_eq!(
        e,
        MmdError::NotUnitDirection {
            index: 1,
            norm: 0.0
        }
    );
    says(&e, &["direction 1", "norm 0"]);
    let ok = Directions::normalized(vec![3.0, 4.0], 1, 2).unwrap();
    assert_eq!(ok.row(0), &[0.6, 0.8]);
    assert!(matches!(
        Directions::new(vec![1.0; 5], 2, 2),
        Err(MmdError::ShapeMismatch {
            len: 5,
            rows: 2,
            cols: 2
        })
    ));
    assert!(matches!(
        Directions::normalized(vec![1.0; 5], 2, 2),
        Err(MmdError::ShapeMismatch { .. })
    ));
    assert_eq!(Directions::new(vec![], 2, 0), Err(MmdError::ZeroDimension));
}

#[test]
fn unbiased_needs_two_points_per_sample() {
    let one = Points::new(&[0.5f64, 1.0], 1, 2).unwrap();
    let two = Points::new(&[0.0f64, 1.0, 2.0, 3.0], 2, 2).unwrap();
    for (name, est) in estimators_f64() {
        assert_eq!(
            est.estimate(&one, &two, Statistic::U),
            Err(MmdError::TooFewForUnbiased {
                sample: Sample::X,
                n: 1
            }),
            "{name}"
        );
        assert_eq!(
            est.estimate(&two, &one, Statistic::U),
            Err(MmdError::TooFewForUnbiased {
                sample: Sample::Y,
                n: 1
            }),
            "{name}"
        );
        // the V-statistic and the gradient are fine with one point
        assert!(est
            .estimate(&one, &two, Statistic::V)
            .unwrap()
            .mmd2
            .is_finite());
        assert!(est.grad(&one, &one).is_ok(), "{name}");
    }
    let e = MmdError::TooFewForUnbiased {
        sample: Sample::Y,
        n: 1,
    };
    says(&e, &["at least 2", "Y has 1"]);
}

#[test]
fn gradient_buffer_of_the_wrong_length() {
    let x = Points::new(&[0.0f64, 1.0, 2.0, 3.0, 4.0, 5.0], 3, 2).unwrap();
    let y = Points::new(&[1.0f64, 1.0], 1, 2).unwrap();
    for (name, est) in estimators_f64() {
        for len in [0, 5, 7, 2] {
            let mut out = vec![0.0; len];
            assert_eq!(
                est.grad_into(&x, &y, &mut out),
                Err(MmdError::BufferLength {
                    got: len,
                    expected: 6
                }),
                "{name}, len {len}"
            );
        }
    }
    let mut out = vec![0.0f64; 5];
    let e = SlicedSort::new(2)
        .unwrap()
        .grad_profiled(&x, &y, &mut out)
        .unwrap_err();
    assert_eq!(
        e,
        MmdError::BufferLength {
            got: 5,
            expected: 6
        }
    );
    says(&e, &["length 5", "expected 6"]);
}

#[test]
fn one_dimensional_core_validates() {
    assert_eq!(
        riesz_mmd2_1d::<f64>(&[], &[1.0], Riesz::energy()),
        Err(MmdError::EmptySample { sample: Sample::X })
    );
    assert_eq!(
        riesz_mmd2_1d::<f64>(&[1.0], &[], Riesz::energy()),
        Err(MmdError::EmptySample { sample: Sample::Y })
    );
    let e = riesz_mmd2_1d(&[1.0f32], &[2.0, f32::NAN], Riesz::energy()).unwrap_err();
    assert!(matches!(
        e,
        MmdError::NonFinite {
            sample: Some(Sample::Y),
            row: 1,
            col: 0,
            ..
        }
    ));
    says(&e, &["NaN", "row 1", "sample Y"]);
    // and computes: energy distance of {0} and {1} is 2; r = 0.5 the same
    assert_eq!(riesz_mmd2_1d(&[0.0f64], &[1.0], Riesz::energy()), Ok(2.0));
    assert_eq!(
        riesz_mmd2_1d(&[0.0f64], &[1.0], Riesz::new(0.5).unwrap()),
        Ok(2.0)
    );
}

#[test]
fn auto_refuses_zero_features() {
    // Past the exact limit a Gaussian or Laplace kernel gets random
    // features; asking for none of them is an error naming the size.
    let e = Estimator::auto_with_features(
        Laplace::new(1.0).unwrap().into(),
        10_001,
        0,
        SlicedSort::new(1).unwrap(),
        0,
    )
    .unwrap_err();
    assert!(
        matches!(e, MmdError::InvalidCount { value: 0, .. }),
        "{e:?}"
    );
    says(&e, &["features", "0"]);
    // below the limit the exact estimator needs no features
    assert!(Estimator::auto_with_features(
        Laplace::new(1.0).unwrap().into(),
        10,
        10,
        SlicedSort::new(1).unwrap(),
        0,
    )
    .is_ok());
}

/// Narrowing f64 data to f32 can overflow (1e300 becomes inf); the cast
/// reports that as `NonFinite` with the position, so a `Points` is always
/// finite.
#[test]
fn cast_to_f32_keeps_points_finite() {
    let x = Points::new(&[0.5f64, 1e300], 2, 1).unwrap();
    let e = x.cast::<f32>().unwrap_err();
    assert!(
        matches!(e, MmdError::NonFinite { row: 1, col: 0, .. }),
        "{e:?}"
    );
    says(&e, &["inf", "row 1"]);
    // values that fit are converted
    let ok = Points::new(&[0.5f64, -3e38], 2, 1)
        .unwrap()
        .cast::<f32>()
        .unwrap();
    assert_eq!(ok.as_slice(), &[0.5f32, -3e38f32]);
}

/// Data whose results leave the range of the type give `Overflow`, not a
/// NaN value and not a panic: f32 projections of coordinates near f32::MAX
/// in d = 64 overflow in the projection product (sliced); f64 coordinates
/// of opposite sign near f64::MAX have an infinite distance (naive).
#[test]
fn overflow_is_an_error() {
    let (n, d) = (4, 64);
    let (xs, ys) = (vec![3e38f32; n * d], vec![-3e38f32; n * d]);
    let x = Points::new(&xs, n, d).unwrap();
    let y = Points::new(&ys, n, d).unwrap();
    let sliced = SlicedSort::new(3).unwrap();
    let want = MmdError::Overflow {
        estimator: "sliced",
    };
    assert_eq!(sliced.mmd2(&x, &y), Err(want.clone()));
    assert_eq!(sliced.grad(&x, &y), Err(want.clone()));
    says(&want, &["sliced", "non-finite"]);

    let x = Points::new(&[1.7e308f64, 0.0], 2, 1).unwrap();
    let y = Points::new(&[-1.7e308f64, 1.0], 2, 1).unwrap();
    let naive = Naive::new(Riesz::energy());
    let want = MmdError::Overflow { estimator: "naive" };
    assert_eq!(naive.mmd2(&x, &y), Err(want.clone()));
    assert_eq!(naive.grad(&x, &y), Err(want));
}
