"""Gradients against central finite differences of the value."""

import numpy as np
import pytest

import sliced_mmd


def finite_differences(f, x, h):
    """Central differences of f at every coordinate of x (float64)."""
    g = np.zeros_like(x, dtype=np.float64)
    flat = g.reshape(-1)
    for k in range(x.size):
        xp = x.copy().reshape(-1)
        xm = x.copy().reshape(-1)
        xp[k] += h
        xm[k] -= h
        flat[k] = (f(xp.reshape(x.shape)) - f(xm.reshape(x.shape))) / (2 * h)
    return g


# Central differences with step h err by O(h^2 |f'''|) + O(eps |f| / h):
# with h = 1e-5, data of scale 1 and separated points both are below
# ~1e-9, while gradient entries are of order 1/N ~ 1e-2. The sliced and
# feature estimates with a fixed seed are (piecewise) smooth functions of x
# with fixed directions, so their gradients are checked the same way
# (a 1e-5 move does not reorder the projections of these samples).
H = 1e-5
ATOL = 1e-7
RTOL = 1e-5

CASES = [
    dict(kernel="riesz", r=1.0, estimator="exact"),
    dict(kernel="riesz", r=1.5, estimator="exact"),
    dict(kernel="riesz", r=0.7, estimator="exact"),
    dict(kernel="gaussian", sigma=1.3, estimator="exact"),
    dict(kernel="laplace", sigma=0.8, estimator="exact"),
    dict(kernel="riesz", r=1.0, estimator="sliced", n_slices=64, seed=4),
    dict(kernel="gaussian", sigma=1.3, estimator="features", n_features=256, seed=4),
    dict(kernel="laplace", sigma=0.8, estimator="features", n_features=256, seed=4),
]


@pytest.mark.parametrize("opts", CASES, ids=lambda o: f"{o['kernel']}-{o['estimator']}")
def test_gradient_matches_finite_differences(rng, opts):
    x = rng.normal(size=(12, 3))
    y = rng.normal(size=(9, 3)) + 0.5
    value, grad = sliced_mmd.mmd_grad(x, y, **opts)
    assert grad.shape == x.shape and grad.dtype == np.float64
    # the value returned with the gradient is the V-statistic of mmd()
    assert value == pytest.approx(sliced_mmd.mmd(x, y, **opts).value, rel=1e-12)
    fd = finite_differences(lambda z: sliced_mmd.mmd(z, y, **opts).value, x, H)
    np.testing.assert_allclose(grad, fd, rtol=RTOL, atol=ATOL)


def test_sliced_gradient_one_dimension_is_exact_gradient(rng):
    # in 1-D the sliced gradient (any directions) is the exact one
    x = rng.normal(size=30)
    y = rng.normal(size=25) * 2
    v_exact, g_exact = sliced_mmd.mmd_grad(x, y, estimator="exact")
    v_sliced, g_sliced = sliced_mmd.mmd_grad(x, y, estimator="sliced", n_slices=5)
    assert g_exact.shape == (30,)  # a 1-D sample gets a 1-D gradient
    assert v_sliced == pytest.approx(v_exact, rel=1e-12)
    np.testing.assert_allclose(g_sliced, g_exact, rtol=1e-12, atol=1e-15)
    fd = finite_differences(lambda z: sliced_mmd.energy_distance(z, y), x, H)
    np.testing.assert_allclose(g_exact, fd, rtol=RTOL, atol=ATOL)


def test_float32_gradient_has_float32_dtype(rng):
    x = rng.normal(size=(40, 4))
    y = rng.normal(size=(30, 4))
    v64, g64 = sliced_mmd.mmd_grad(x, y)
    v32, g32 = sliced_mmd.mmd_grad(x.astype(np.float32), y.astype(np.float32))
    assert g32.dtype == np.float32 and g32.shape == x.shape
    # float32 rounding of the data (2^-24 relative) moves the result by ~1e-7
    np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-6)
    assert v32 == pytest.approx(v64, rel=1e-5)
    # x float32 with y float64: computed in float64, returned in x's dtype
    _, g_mixed = sliced_mmd.mmd_grad(x.astype(np.float32), y)
    assert g_mixed.dtype == np.float32
    # integer input: float64
    _, g_int = sliced_mmd.mmd_grad(np.arange(6).reshape(3, 2), y[:, :2])
    assert g_int.dtype == np.float64


def test_gradient_descent_lowers_the_value(rng):
    # a step along -grad lowers MMD^2 (first-order check of the sign)
    x = rng.normal(size=(50, 2))
    y = rng.normal(size=(50, 2)) + 1
    v0, g = sliced_mmd.mmd_grad(x, y)
    v1 = sliced_mmd.energy_distance(x - 0.5 * len(x) * 1e-2 * g, y)
    assert v1 < v0
