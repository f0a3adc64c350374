//! The public radix argsort against a stable comparison sort: the same
//! permutation (`-0.0` equal to `0.0`, equal values in input order), with
//! one `ArgSorter` reused over inputs whose length grows and shrinks.

use proptest::prelude::*;
use sliced_mmd::sort1d::{sort_order, ArgSorter};

/// The permutation a stable comparison sort gives.
fn reference(v: &[f32]) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..v.len() as u32).collect();
    // `+ 0.0` maps -0.0 to 0.0; partial_cmp is total on finite values
    idx.sort_by(|&a, &b| {
        (v[a as usize] + 0.0)
            .partial_cmp(&(v[b as usize] + 0.0))
            .unwrap()
    });
    idx
}

/// Values with many ties, both zeros, and a spread of scales; lengths
/// on both sides of the comparison-sort cutoff.
fn values() -> impl Strategy<Value = Vec<f32>> {
    let value = prop_oneof![
        Just(0.0f32),
        Just(-0.0f32),
        (-3i32..3).prop_map(|k| k as f32),
        (-1e6f32..1e6f32),
        (-1e-30f32..1e-30f32),
    ];
    prop::collection::vec(value, 1..3000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn reused_sorter_matches_a_stable_comparison_sort(inputs in prop::collection::vec(values(), 1..6)) {
        let mut sorter = ArgSorter::<f32>::new();
        for v in &inputs {
            let want = reference(v);
            prop_assert_eq!(sorter.sort(v).unwrap(), &want[..]);
            prop_assert_eq!(sort_order(v).unwrap(), want);
        }
    }
}

#[test]
fn bad_values_are_errors_and_the_sorter_stays_usable() {
    let mut sorter = ArgSorter::<f64>::new();
    assert!(sorter.sort(&[]).is_err());
    let err = sorter.sort(&[1.0, f64::NAN]).unwrap_err().to_string();
    assert!(err.contains("NaN") || err.contains("finite"), "{err}");
    assert_eq!(sorter.sort(&[2.0, -1.0]).unwrap(), &[1, 0]);
}
