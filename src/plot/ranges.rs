//! Axis ranges and tick labels shared by the line and scatter plots.

/// Compact tick text: plain decimals from `1e-3` to `1e5`, else
/// scientific notation.
pub(super) fn tick(v: &f64) -> String {
    let a = v.abs();
    if *v == 0.0 {
        "0".into()
    } else if (1e-3..1e5).contains(&a) {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".into()
        } else {
            s.into()
        }
    } else {
        format!("{v:.1e}").replace(".0e", "e")
    }
}

/// `(lo, hi)` of finite values widened by 5% on each side; a single value
/// gets a range around it. Never non-finite.
pub(super) fn linear_range(lo: f64, hi: f64) -> (f64, f64) {
    let (c, half) = centre_half(lo, hi);
    let half = half.max(c.abs() * 1e-9);
    let half = if half == 0.0 { 1.0 } else { half * 1.05 };
    (clamp_finite(c - half), clamp_finite(c + half))
}

/// Centre and half-width of `[lo, hi]`, without overflow.
pub(super) fn centre_half(lo: f64, hi: f64) -> (f64, f64) {
    (lo / 2.0 + hi / 2.0, hi / 2.0 - lo / 2.0)
}

/// Largest coordinate drawn: larger ones (and NaN, infinities) are skipped,
/// so that axis ranges stay finite and never wider than `f64::MAX`.
pub(super) const LIMIT: f64 = f64::MAX / 4.0;

/// Whether a coordinate can be drawn: finite and at most [`LIMIT`] in size.
pub(super) fn drawable(v: f64) -> bool {
    v.abs() <= LIMIT
}

/// An axis bound kept within `±f64::MAX / 2`, so a range is never wider
/// than `f64::MAX` (plotters needs a finite width).
pub(super) fn clamp_finite(v: f64) -> f64 {
    v.clamp(-f64::MAX / 2.0, f64::MAX / 2.0)
}

/// `[lo / f, hi * f]` for positive finite `lo <= hi`, kept positive and
/// finite.
pub(super) fn log_range(lo: f64, hi: f64, f: f64) -> std::ops::Range<f64> {
    let a = lo / f;
    let a = if a > 0.0 { a } else { lo };
    a..clamp_finite(hi * f)
}

/// Smallest and largest value of an iterator (`None` when empty).
pub(super) fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}
