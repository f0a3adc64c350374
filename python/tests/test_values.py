"""Values against dcor and scipy on many shapes, and the sliced and random
feature estimates against the exact values."""

import dcor
import numpy as np
import pytest
import scipy.stats
from scipy.spatial.distance import cdist, pdist

import sliced_mmd
from conftest import energy_scale

# (N, M, d): single points, unequal sizes, d = 1, moderate and larger d
SHAPES = [
    (1, 1, 1),
    (1, 5, 3),
    (2, 3, 1),
    (7, 4, 2),
    (10, 7, 3),
    (50, 60, 1),
    (64, 64, 8),
    (100, 80, 16),
    (200, 150, 5),
    (33, 300, 40),
]

# 1e-10 of the size of the summed terms (see conftest.energy_scale): the
# exact estimator and dcor both sum in float64, so they may differ by the
# rounding of ~(N+M)^2 terms, about 1e-13 of that size; a wrong formula
# (a missing pair, a wrong divisor) is off by far more.
TOL = 1e-10


def samples(rng, n, m, d, shift=0.3, dtype=np.float64):
    x = rng.normal(size=(n, d)).astype(dtype)
    y = (rng.normal(size=(m, d)) * 1.3 + shift).astype(dtype)
    if d == 1 and rng.random() < 0.5:
        x, y = x[:, 0], y[:, 0]  # 1-D arrays: one column
    return x, y


@pytest.mark.parametrize("n,m,d", SHAPES)
@pytest.mark.parametrize("exponent", [0.5, 1.0, 1.5])
def test_energy_distance_v_equals_dcor(rng, n, m, d, exponent):
    x, y = samples(rng, n, m, d)
    ours = sliced_mmd.energy_distance(x, y, exponent=exponent, method="exact")
    ref = dcor.energy_distance(x, y, exponent=exponent)
    assert abs(ours - ref) <= TOL * energy_scale(x, y, exponent)
    # the samples differ, so the value is not a rounding residue: also relative
    assert abs(ours - ref) <= 1e-9 * abs(ref) + 1e-300
    # "auto" is exact at these sizes
    assert sliced_mmd.energy_distance(x, y, exponent=exponent) == ours


@pytest.mark.parametrize("n,m,d", [s for s in SHAPES if s[0] >= 2 and s[1] >= 2])
@pytest.mark.parametrize("stat", ["U", "u_statistic", dcor.EstimationStatistic.U_STATISTIC])
def test_energy_distance_u_equals_dcor(rng, n, m, d, stat):
    x, y = samples(rng, n, m, d)
    ours = sliced_mmd.energy_distance(x, y, estimation_stat=stat, method="exact")
    ref = dcor.energy_distance(x, y, estimation_stat="U")
    assert abs(ours - ref) <= TOL * energy_scale(x, y)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_same_distribution_small_value(rng, dtype):
    # same distribution: the value is small against the terms, so only the
    # absolute bound in the terms' scale is meaningful
    x = rng.uniform(size=(300, 4)).astype(dtype)
    y = rng.uniform(size=(250, 4)).astype(dtype)
    ours = sliced_mmd.energy_distance(x, y)
    # the exact estimator widens float32 data exactly and sums in float64;
    # dcor computes float32 data in float32 (off by ~1e-8 here), so the
    # reference is dcor on the same values in float64
    ref = dcor.energy_distance(x.astype(np.float64), y.astype(np.float64))
    assert abs(ours - ref) <= TOL * energy_scale(x, y)
    # identical samples: zero up to the rounding of the difference of sums
    assert abs(sliced_mmd.energy_distance(x, x)) <= 1e-13 * energy_scale(x, x)


def test_dcor_docstring_example():
    a = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]])
    b = np.array([[1, 0, 0, 1], [0, 1, 1, 1], [1, 1, 1, 1]])
    for e in (1, 1.5):
        ours = sliced_mmd.energy_distance(a, b, exponent=e)
        assert ours == pytest.approx(dcor.energy_distance(a, b, exponent=e), rel=1e-12)
    assert sliced_mmd.energy_distance(a, a) == 0.0


@pytest.mark.parametrize("n,m", [(1, 1), (2, 9), (100, 100), (1000, 700), (5000, 4000)])
def test_one_dimension_equals_scipy(rng, n, m):
    # scipy.stats.energy_distance is the square root of the V-statistic
    u = rng.normal(size=n)
    v = rng.exponential(size=m)
    ours = sliced_mmd.energy_distance(u, v)
    ref = scipy.stats.energy_distance(u, v)
    assert np.sqrt(ours) == pytest.approx(ref, rel=1e-10)
    # in 1-D the sliced estimator is exact whatever its directions
    sliced = sliced_mmd.energy_distance(u, v, method="sliced", n_slices=3, seed=9)
    assert sliced == pytest.approx(ours, rel=1e-10, abs=1e-14)


def test_one_dimension_ties(rng):
    # repeated values: the sort-based exact path counts ties as the pair sums do
    u = rng.integers(0, 5, size=200).astype(np.float64)
    v = rng.integers(1, 7, size=150).astype(np.float64)
    for stat in ("V", "U"):
        ours = sliced_mmd.energy_distance(u, v, estimation_stat=stat)
        ref = dcor.energy_distance(u, v, estimation_stat=stat)
        assert abs(ours - ref) <= TOL * energy_scale(u, v)


@pytest.mark.parametrize("design", ["iid", "orthogonal", "sobol"])
def test_sliced_within_five_standard_errors(rng, design):
    # the sliced estimate is unbiased with the reported standard error; for
    # a fixed seed the check is deterministic, and a correct estimator
    # fails it with probability ~6e-7 (normal tail at 5 sigma)
    x = rng.normal(size=(400, 6))
    y = rng.normal(size=(300, 6)) + 0.2
    exact = sliced_mmd.energy_distance(x, y)
    res = sliced_mmd.mmd(x, y, estimator="sliced", n_slices=1000, directions=design, seed=3)
    assert res.estimator == "sliced"
    assert res.std_error > 0
    assert abs(res.value - exact) < 5 * res.std_error
    # energy_distance(method="sliced") is the same estimate
    assert sliced_mmd.energy_distance(
        x, y, method="sliced", n_slices=1000, directions=design, seed=3
    ) == res.value


def test_sliced_u_statistic_within_five_standard_errors(rng):
    x = rng.normal(size=(300, 3))
    y = rng.normal(size=(200, 3)) * 1.2
    exact = sliced_mmd.energy_distance(x, y, estimation_stat="U")
    value, se = sliced_mmd.mmd(x, y, estimator="sliced", estimation_stat="U", n_slices=2000)
    assert abs(value - exact) < 5 * se


def test_given_directions_are_coordinate_slices(rng):
    # with the two coordinate axes as directions, the sliced estimate is the
    # mean of the per-coordinate 1-D energy distances divided by
    # c_{2,1} = 2/pi (the slicing constant)
    x = rng.normal(size=(120, 2))
    y = rng.normal(size=(90, 2)) + [0.5, -0.2]
    per_axis = [scipy.stats.energy_distance(x[:, j], y[:, j]) ** 2 for j in range(2)]
    expected = np.mean(per_axis) / (2 / np.pi)
    dirs = np.eye(2)
    value, _ = sliced_mmd.mmd(x, y, estimator="sliced", directions=dirs)
    assert value == pytest.approx(expected, rel=1e-10)
    # seed and n_slices do not matter with given directions
    assert sliced_mmd.mmd(x, y, estimator="sliced", directions=dirs, seed=5, n_slices=7).value == value


def test_auto_switches_to_sliced_for_large_samples(rng):
    # (N+M)^2 > 1e8: sliced for the energy kernel, exact for r != 1
    x = rng.normal(size=(6000, 2))
    y = rng.normal(size=(5000, 2))
    assert sliced_mmd.mmd(x, y, n_slices=50).estimator == "sliced"
    assert sliced_mmd.mmd(x[:100], y[:100]).estimator == "exact"
    assert sliced_mmd.mmd(x[:, :1], y[:, :1]).estimator == "exact"  # 1-D: by sorting


def gaussian_mmd2(x, y, sigma, unbiased=False):
    k = lambda a, b: np.exp(-cdist(a, b, "sqeuclidean") / (2 * sigma**2))
    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    n, m = len(x), len(y)
    if unbiased:
        return (
            (kxx.sum() - n) / (n * (n - 1))
            + (kyy.sum() - m) / (m * (m - 1))
            - 2 * kxy.mean()
        )
    return kxx.mean() + kyy.mean() - 2 * kxy.mean()


def laplace_mmd2(x, y, sigma):
    k = lambda a, b: np.exp(-cdist(a, b) / sigma)
    return k(x, x).mean() + k(y, y).mean() - 2 * k(x, y).mean()


def test_gaussian_and_laplace_against_scipy(rng):
    x = rng.normal(size=(150, 4))
    y = rng.normal(size=(120, 4)) * 1.5
    for sigma in (0.5, 2.0):
        res = sliced_mmd.mmd(x, y, "gaussian", sigma=sigma)
        assert res.std_error is None and res.sigma == sigma
        assert res.value == pytest.approx(gaussian_mmd2(x, y, sigma), rel=1e-10, abs=1e-14)
        u = sliced_mmd.mmd(x, y, "gaussian", sigma=sigma, estimation_stat="U").value
        assert u == pytest.approx(gaussian_mmd2(x, y, sigma, True), rel=1e-10, abs=1e-14)
        lap = sliced_mmd.mmd(x, y, "laplace", sigma=sigma).value
        assert lap == pytest.approx(laplace_mmd2(x, y, sigma), rel=1e-10, abs=1e-14)


def test_median_heuristic_is_the_median_distance(rng):
    # fewer than 1000 pooled points: all pairs are used
    x = rng.normal(size=(200, 3))
    y = rng.normal(size=(100, 3)) + 1
    med = np.median(pdist(np.vstack([x, y])))
    assert sliced_mmd.median_heuristic(x, y) == pytest.approx(med, rel=1e-12)
    res = sliced_mmd.mmd(x, y, "gaussian")
    assert res.sigma == pytest.approx(med, rel=1e-12)
    assert res.value == pytest.approx(gaussian_mmd2(x, y, res.sigma), rel=1e-10)


@pytest.mark.parametrize("kernel", ["gaussian", "laplace", "riesz"])
def test_random_features_within_five_standard_errors(rng, kernel):
    x = rng.normal(size=(300, 3))
    y = rng.normal(size=(250, 3)) + 0.4
    exact = sliced_mmd.mmd(x, y, kernel, sigma=1.5).value
    res = sliced_mmd.mmd(x, y, kernel, sigma=1.5, estimator="features", n_features=4096, seed=2)
    assert res.estimator == "features"
    assert abs(res.value - exact) < 5 * res.std_error


def test_result_unpacks_to_value_and_standard_error(rng):
    x, y = rng.normal(size=(50, 2)), rng.normal(size=(40, 2))
    res = sliced_mmd.mmd(x, y)
    value, se = res
    assert value == res.value == float(res) and se is None


def test_docstring_examples():
    import doctest

    failures, tried = doctest.testmod(sliced_mmd, optionflags=doctest.ELLIPSIS)
    assert tried > 10
    assert failures == 0
