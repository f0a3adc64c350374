"""Shared helpers of the sliced_mmd tests."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def pair_sums(x, y, exponent=1.0):
    """The three mean distances E|X-Y|^a, E|X-X'|^a, E|Y-Y'|^a (with the
    diagonal) by scipy, in float64."""
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    return (
        np.mean(cdist(x, y) ** exponent),
        np.mean(cdist(x, x) ** exponent),
        np.mean(cdist(y, y) ** exponent),
    )


def energy_scale(x, y, exponent=1.0):
    """The size of the terms whose difference is the energy distance: the
    rounding error of any way of summing them is a small multiple of
    (number of terms) * 2^-53 times this, so a difference of two correct
    implementations is bounded by ~1e-13 of it; the tests allow 1e-10."""
    xy, xx, yy = pair_sums(x, y, exponent)
    return 2 * xy + xx + yy
