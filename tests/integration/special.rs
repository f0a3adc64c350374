//! Special functions: `ln_gamma`, `ln_gamma_ratio` and the slicing constant
//! `c_{d,r} = Γ(d/2) Γ((r+1)/2) / (√π Γ((d+r)/2))` against closed forms,
//! high-precision reference values, monotonicity up to d = 1e6, and a
//! Monte Carlo estimate of `E |<ξ, e_1>|^r`.

// Reference values are quoted with all the digits mpmath gave, so that
// they can be compared with their source; the compiler rounds them.
#![allow(clippy::excessive_precision)]

use sliced_mmd::special::{ln_gamma, ln_gamma_ratio, slicing_constant};
use sliced_mmd::Directions;
use std::f64::consts::PI;

fn c(d: usize, r: f64) -> f64 {
    slicing_constant(d, r).unwrap()
}

#[track_caller]
fn rel_close(what: &str, got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * want.abs(),
        "{what}: {got:e} vs {want:e} (relative error {:e} > {rel:e})",
        ((got - want) / want).abs()
    );
}

/// Reference values of ln Γ(x), frozen from mpmath 1.3.0 with 40 digits:
/// `mpmath.mp.dps = 40; mpmath.loggamma(mpmath.mpf(x))` (for 1/3 the f64
/// nearest to 1/3 was passed). Each is accurate to the last digit shown.
const LN_GAMMA: &[(f64, f64)] = &[
    (0.5, 0.5723649429247000870717137),
    (1.0, 0.0),
    (2.0, 0.0),
    (3.5, 1.200973602347074224816022),
    (0.1, 2.252712651734205959869702),
    (1.0 / 3.0, 0.985420646927767127141441),
    (7.25, 7.052185450738539444925749),
    (12.0, 17.50230784587388583928765),
    (12.5, 18.73434751193644570163412),
    (100.0, 359.134205369575398776044),
    (1e-8, 18.42068073818020890537531),
    (1e3, 5905.220423209181211826077),
    (123456.789, 1323902.018795063123806101),
    (1e6, 12815504.56914761165997697),
    (1e10, 220258509288.8105814700419),
];

/// ln Γ is accurate to a few ulps of max(|ln Γ(x)|, 1): the tolerance is
/// `1e-14` relative (about 45 ulps), absolute `1e-14` near the zeros at 1, 2.
#[test]
fn ln_gamma_reference_values() {
    for &(x, want) in LN_GAMMA {
        let got = ln_gamma(x);
        assert!(
            (got - want).abs() <= 1e-14 * want.abs().max(1.0),
            "ln_gamma({x}) = {got} vs {want}"
        );
    }
}

/// Γ(x+1) = x Γ(x): ln Γ(x+1) - ln Γ(x) = ln x, through the ratio function
/// (which avoids the cancellation) and through ln_gamma.
#[test]
fn ln_gamma_recurrence() {
    for &x in &[0.01, 0.3, 1.7, 5.5, 11.9, 12.1, 40.0, 1e4, 1e7] {
        let ratio = ln_gamma_ratio(x + 1.0, x);
        assert!(
            (ratio - x.ln()).abs() <= 1e-14 * x.ln().abs().max(1.0),
            "x = {x}: {ratio} vs {}",
            x.ln()
        );
        let diff = ln_gamma(x + 1.0) - ln_gamma(x);
        // the difference of two values of size ln Γ(x) loses their ulps
        let tol = 1e-14 * ln_gamma(x + 1.0).abs().max(1.0);
        assert!((diff - x.ln()).abs() <= tol, "x = {x}");
    }
    // ln Γ(a) - ln Γ(b) antisymmetric, zero for a = b
    assert_eq!(ln_gamma_ratio(3.3, 3.3), 0.0);
    let (a, b) = (7.5, 2.25);
    assert!((ln_gamma_ratio(a, b) + ln_gamma_ratio(b, a)).abs() <= 1e-15);
    // Γ(1/2)² = π
    rel_close("Γ(1/2)²", (2.0 * ln_gamma(0.5)).exp(), PI, 4e-16 * 8.0);
}

/// Closed forms: `c_{1,r} = 1` (ξ = ±1); `c_{2,1} = 2/π`; `c_{3,r} = 1/(r+1)`
/// (in R³, <ξ, e_1> is uniform on [-1, 1], Archimedes); `c_{d,2} = 1/d`
/// (E ξ_1² = 1/d); `c_{4,1} = 4/(3π)`. The log-Gamma route loses a few
/// ulps of `ln c` (|ln c| <= 12 here): 1e-13 relative covers it.
#[test]
fn slicing_constant_closed_forms() {
    for r in [0.01, 0.5, 1.0, 1.3, 1.99, 2.0] {
        rel_close(&format!("c_(1,{r})"), c(1, r), 1.0, 1e-13);
        rel_close(&format!("c_(3,{r})"), c(3, r), 1.0 / (r + 1.0), 1e-13);
    }
    rel_close("c_(2,1)", c(2, 1.0), 2.0 / PI, 1e-13);
    rel_close("c_(3,1)", c(3, 1.0), 0.5, 1e-13);
    rel_close("c_(4,1)", c(4, 1.0), 4.0 / (3.0 * PI), 1e-13);
    for d in 1..=100_000usize {
        let got = c(d, 2.0);
        let want = 1.0 / d as f64;
        assert!(
            (got - want).abs() <= 1e-13 * want,
            "c_({d},2) = {got:e} vs {want:e}"
        );
    }
}

/// Reference values frozen from mpmath 1.3.0 (40 digits):
/// `gamma(d/2) * gamma((r+1)/2) / (sqrt(pi) * gamma((d+r)/2))`.
#[test]
fn slicing_constant_reference_values() {
    let refs: &[(usize, f64, f64)] = &[
        (3, 0.5, 0.6666666666666666666666667),
        (5, 0.25, 0.7384615384615384615384615),
        (10, 1.5, 0.1557817973796766357260759),
        (784, 1.0, 0.02850496531351847746875228),
        (1000, 0.5, 0.1462338121906196672176134),
        (3072, 1.0, 0.01439676112503293814516476),
        (100_000, 1.0, 0.00252313882985934978921846),
        (1_000_000, 1.0, 0.0007978847602740304904575888),
        (1_000_000, 1.5, 0.00002719685748708769341205522),
    ];
    for &(d, r, want) in refs {
        rel_close(&format!("c_({d},{r})"), c(d, r), want, 1e-13);
    }
}

/// `c_{d,r}` is finite, positive and strictly decreasing in d (it behaves
/// like `(2/d)^{r/2}`, so consecutive values differ by a relative
/// `r/(2d) >= 2.5e-7` at d = 1e6, far above the 1e-13 accuracy). All d up
/// to 1e5, then a geometric grid and consecutive pairs up to 1e6.
#[test]
fn slicing_constant_decreases_in_d() {
    for r in [0.5, 1.0, 1.5] {
        let mut prev = c(1, r);
        assert!((prev - 1.0).abs() < 1e-13);
        for d in 2..=100_000usize {
            let v = c(d, r);
            assert!(
                v.is_finite() && v > 0.0 && v < prev,
                "r = {r}, d = {d}: {v} !< {prev}"
            );
            prev = v;
        }
        let mut d = 100_000usize;
        while d <= 1_000_000 {
            let (a, b) = (c(d, r), c(d + 1, r));
            assert!(
                b.is_finite() && b > 0.0 && b < a && a <= prev,
                "r = {r}, d = {d}"
            );
            prev = a;
            d = d * 11 / 10;
        }
        let (a, b) = (c(999_999, r), c(1_000_000, r));
        assert!(b < a && b > 0.0);
        // large-d asymptotics: c_{d,r} (d/2)^{r/2} -> Γ((r+1)/2)/√π, with a
        // relative correction -r(r-2)/(4d) + O(1/d²): at d = 1e6 the leading
        // term alone is good to 1e-6
        let lim = ln_gamma((r + 1.0) / 2.0).exp() / PI.sqrt();
        let scaled = c(1_000_000, r) * 500_000f64.powf(r / 2.0);
        let corrected = lim * (1.0 - r * (r - 2.0) / 4e6);
        rel_close("asymptotics", scaled, corrected, 1e-11);
    }
}

/// Monte Carlo: `c_{d,r} = E |ξ_1|^r` for ξ uniform on the sphere. With
/// 1e5 directions from `Directions::iid`, the sample mean of |ξ_1|^r has a
/// standard error estimated from the same sample; a correct constant (and
/// a correct sampler) is within 4 of them except with probability ~6e-5
/// per check (normal approximation: the terms are bounded in [0, 1], the
/// mean of 1e5 of them is very nearly normal).
#[test]
fn slicing_constant_monte_carlo() {
    let p = 100_000;
    for (d, seed) in [(2usize, 1u64), (5, 2), (50, 3)] {
        let dirs = Directions::iid(p, d, seed).unwrap();
        for r in [0.5, 1.0, 1.5] {
            let vals: Vec<f64> = (0..p).map(|i| dirs.row(i)[0].abs().powf(r)).collect();
            let mean = vals.iter().sum::<f64>() / p as f64;
            let var = vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (p - 1) as f64;
            let se = (var / p as f64).sqrt();
            let want = c(d, r);
            assert!(
                (mean - want).abs() <= 4.0 * se,
                "d = {d}, r = {r}: MC {mean} ± {se} vs c = {want}"
            );
        }
    }
}

#[test]
fn slicing_constant_rejects_bad_arguments() {
    assert_eq!(
        slicing_constant(0, 1.0),
        Err(sliced_mmd::MmdError::ZeroDimension)
    );
    for r in [0.0, -1.0, 2.0000001, 3.0, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(
            slicing_constant(3, r),
            Err(sliced_mmd::MmdError::InvalidExponent { r }),
            "r = {r}"
        );
    }
    assert!(matches!(
        slicing_constant(3, f64::NAN),
        Err(sliced_mmd::MmdError::InvalidExponent { r }) if r.is_nan()
    ));
    // r = 2 is allowed here (closed form 1/d), unlike for the Riesz kernel
    assert!(slicing_constant(3, 2.0).is_ok());
}
