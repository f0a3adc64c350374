"""Permutation tests: dcor's statistic, the p-value convention, paths."""

import dcor
import numpy as np
import pytest

import sliced_mmd


def test_statistic_is_dcor_energy_test_statistic(rng):
    x = rng.normal(size=(40, 3))
    y = rng.normal(size=(30, 3)) + 0.4
    for stat in ("V", "U"):
        res = sliced_mmd.energy_test(x, y, num_resamples=50, estimation_stat=stat)
        ref = dcor.homogeneity.energy_test(x, y, num_resamples=0, estimation_stat=stat)
        # the statistic is N M / (N + M) times the energy distance
        assert res.statistic == pytest.approx(ref.statistic, rel=1e-10)
        e = sliced_mmd.energy_distance(x, y, estimation_stat=stat)
        assert res.mmd2 == pytest.approx(e, rel=1e-12)
        assert res.statistic == pytest.approx(40 * 30 / 70 * e, rel=1e-12)
        assert res.null_statistics.shape == (50,)
        assert res.path == "naive_cached" and res.estimator == "exact"


def test_no_resamples_is_dcors_default(rng):
    x = rng.normal(size=(20, 2))
    y = rng.normal(size=(25, 2))
    res = sliced_mmd.energy_test(x, y, num_resamples=0)
    ref = dcor.homogeneity.energy_test(x, y)
    assert res.pvalue == ref.pvalue == 1.0
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert res.null_statistics.size == 0 and res.path == "none"


def test_pvalue_convention(rng):
    # p = (1 + #{b : T_b >= T}) / (1 + B), from the returned null statistics
    x = rng.normal(size=(30, 2))
    y = rng.normal(size=(30, 2)) + 0.3
    res = sliced_mmd.energy_test(x, y, num_resamples=99, seed=1)
    expected = (1 + np.count_nonzero(res.null_statistics >= res.statistic)) / 100
    assert res.pvalue == pytest.approx(expected, rel=1e-12)
    # disjoint samples: no relabeling reaches the observed statistic
    far = sliced_mmd.energy_test(x, x + 100, num_resamples=99)
    assert far.pvalue == 0.01 and far.reject(0.05)
    # identical samples: every relabeling is as extreme, ties count (>=)
    same = sliced_mmd.energy_test(np.zeros((10, 2)), np.zeros((12, 2)), num_resamples=19)
    assert same.statistic == 0.0 and same.pvalue == 1.0 and not same.reject(0.05)


def test_pvalue_agrees_with_dcor_in_distribution(rng):
    # both estimate the same permutation p-value with different random
    # permutations; each has standard deviation sqrt(p (1-p) / B), so the
    # difference stays within 5 standard deviations of the difference
    # (plus the 1/(1+B) offset of the formula) unless the convention differs
    x = rng.normal(size=(40, 2))
    y = rng.normal(size=(40, 2)) + 0.25
    b = 400
    ours = sliced_mmd.energy_test(x, y, num_resamples=b, seed=3).pvalue
    ref = dcor.homogeneity.energy_test(x, y, num_resamples=b, random_state=3).pvalue
    p = (ours + ref) / 2
    sd = np.sqrt(max(p * (1 - p), 0.01) * 2 / b)
    assert abs(ours - ref) <= 5 * sd + 1 / (1 + b)


def test_under_the_null_the_pvalue_is_not_small_every_time(rng):
    # 20 independent null data sets: a valid p-value falls below 0.05 in
    # about 1 of them (binomial(20, 0.05)); more than 6 has probability < 1e-4
    small = 0
    for k in range(20):
        x = rng.normal(size=(25, 2))
        y = rng.normal(size=(25, 2))
        small += sliced_mmd.energy_test(x, y, num_resamples=99, seed=k).pvalue <= 0.05
    assert small <= 6


def test_sliced_path(rng):
    x = rng.normal(size=(300, 4))
    y = rng.normal(size=(300, 4)) + 0.3
    res = sliced_mmd.energy_test(x, y, num_resamples=99, method="sliced", n_slices=100, seed=2)
    assert res.path == "sliced_sort" and res.estimator == "sliced"
    # the observed statistic is the sliced estimate with the same seed
    est = sliced_mmd.energy_distance(x, y, method="sliced", n_slices=100, seed=2)
    assert res.mmd2 == pytest.approx(est, rel=1e-12)
    assert res.pvalue == 0.01


def test_mmd_test_with_gaussian_kernel(rng):
    x = rng.normal(size=(60, 2))
    y = rng.normal(size=(60, 2)) * 2
    res = sliced_mmd.mmd_test(x, y, "gaussian", num_resamples=99)
    assert res.statistic == res.mmd2 == pytest.approx(
        sliced_mmd.mmd(x, y, "gaussian").value, rel=1e-12
    )
    assert res.pvalue == 0.01
    assert res.num_resamples == 99


def test_same_seed_same_permutations(rng):
    x = rng.normal(size=(50, 3))
    y = rng.normal(size=(40, 3))
    a = sliced_mmd.energy_test(x, y, num_resamples=200, seed=11)
    b = sliced_mmd.energy_test(x, y, num_resamples=200, seed=11, threads=1)
    c = sliced_mmd.energy_test(x, y, num_resamples=200, seed=12)
    np.testing.assert_array_equal(a.null_statistics, b.null_statistics)
    assert a.pvalue == b.pvalue
    assert not np.array_equal(a.null_statistics, c.null_statistics)
