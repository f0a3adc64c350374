"""Bad inputs raise Python exceptions with the crate's messages; memory
layouts and dtypes give the same numbers."""

import numpy as np
import pytest

import sliced_mmd
from sliced_mmd import MmdError, _core


@pytest.fixture
def xy(rng):
    return rng.normal(size=(20, 3)), rng.normal(size=(15, 3)) + 0.5


# (call, exception, part of the message): the messages are the crate's
BAD = [
    (lambda x, y: sliced_mmd.energy_distance(x, y[:, :2]), MmdError, "dimension mismatch: X has d = 3 but Y has d = 2"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, exponent=2), MmdError, "invalid Riesz exponent r = 2"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, exponent=0), MmdError, "open interval (0, 2)"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, exponent=float("nan")), MmdError, "invalid Riesz exponent"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, exponent="1"), TypeError, ""),
    (lambda x, y: sliced_mmd.energy_distance(np.vstack([x, [[0, np.nan, 0]]]), y), MmdError, "non-finite value NaN in row 20, column 1 of sample X"),
    (lambda x, y: sliced_mmd.energy_distance(x, np.vstack([y, [[0, 0, np.inf]]])), MmdError, "non-finite value inf in row 15, column 2 of sample Y"),
    (lambda x, y: sliced_mmd.energy_distance(np.zeros((0, 3)), y), MmdError, "sample X is empty"),
    (lambda x, y: sliced_mmd.energy_distance(x, np.zeros(0)), MmdError, "sample Y is empty"),
    (lambda x, y: sliced_mmd.energy_distance(np.zeros((4, 0)), np.zeros((4, 0))), MmdError, "dimension d = 0"),
    (lambda x, y: sliced_mmd.energy_distance(np.zeros((2, 2, 2)), y), MmdError, "must be a 1-D or 2-D array"),
    (lambda x, y: sliced_mmd.energy_distance(np.float64(1.0), y), MmdError, "must be a 1-D or 2-D array"),
    (lambda x, y: sliced_mmd.energy_distance(["a", "b"], y), TypeError, "real numbers"),
    (lambda x, y: sliced_mmd.energy_distance(x + 1j, y), TypeError, "real numbers"),
    (lambda x, y: sliced_mmd.energy_distance(None, y), TypeError, "real numbers"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, estimation_stat="W"), MmdError, "unknown statistic 'W'"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, estimation_stat=3), TypeError, ""),
    (lambda x, y: sliced_mmd.energy_distance(x[:1], y, estimation_stat="U"), MmdError, "the U-statistic needs at least 2 points per sample, but X has 1"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, method="fast"), MmdError, "unknown estimator 'fast'"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, method="sliced", n_slices=0), MmdError, "invalid number of slices P = 0: it must be at least 1"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, method="sliced", n_slices=-4), MmdError, "invalid number of slices P = -4"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, method="sliced", n_slices=2.5), TypeError, "number of slices P must be an integer"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, directions="random"), MmdError, "unknown direction design 'random'"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, method="sliced", directions=[[1, 1, 0]]), MmdError, "direction 0 is not a finite unit vector"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, method="sliced", directions=[[1, 0]]), MmdError, "directions have dimension 2 but the data has d = 3"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, method="sliced", directions=np.zeros((0, 3))), MmdError, "number of slices P = 0"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, method="sliced", directions=np.ones((2, 2, 2))), ValueError, "(P, d) array"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, seed=-1), MmdError, "invalid seed = -1"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, seed=2**64), MmdError, "invalid seed"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, seed="0"), TypeError, "seed must be an integer"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, threads=0), MmdError, "invalid number of threads = 0"),
    (lambda x, y: sliced_mmd.energy_distance(x, y, threads=-2), MmdError, "invalid number of threads = -2"),
    (lambda x, y: sliced_mmd.mmd(x, y, "cosine"), MmdError, "unknown kernel 'cosine'"),
    (lambda x, y: sliced_mmd.mmd(x, y, 3), TypeError, "kernel must be a string"),
    (lambda x, y: sliced_mmd.mmd(x, y, "gaussian", sigma=0), MmdError, "invalid bandwidth sigma = 0"),
    (lambda x, y: sliced_mmd.mmd(x, y, "laplace", sigma=-1.0), MmdError, "invalid bandwidth sigma = -1"),
    (lambda x, y: sliced_mmd.mmd(x, y, "gaussian", estimator="sliced"), MmdError, "the sliced estimator does not support the gaussian kernel"),
    (lambda x, y: sliced_mmd.mmd(x, y, r=1.5, estimator="features"), MmdError, "features"),
    (lambda x, y: sliced_mmd.mmd(x, y, "gaussian", estimator="features", n_features=0), MmdError, "invalid number of features D = 0"),
    (lambda x, y: sliced_mmd.mmd_grad(x, y[:, :1]), MmdError, "dimension mismatch"),
    (lambda x, y: sliced_mmd.energy_test(x, y, num_resamples=-1), MmdError, "invalid number of permutations B = -1"),
    (lambda x, y: sliced_mmd.energy_test(x, y, memory_budget=0), MmdError, "invalid memory budget (bytes) = 0"),
    (lambda x, y: sliced_mmd.energy_test(x, y, num_resamples=9).reject(1.5), MmdError, "invalid significance level alpha = 1.5"),
    (lambda x, y: sliced_mmd.flow(x, y, steps=3, step_size=-1.0), MmdError, "invalid step size = -1"),
    (lambda x, y: sliced_mmd.flow(x, y, steps=3, momentum=1.0), MmdError, "invalid momentum = 1"),
    (lambda x, y: sliced_mmd.flow(x, y, steps=3, optimizer="lbfgs"), MmdError, "unknown optimizer 'lbfgs'"),
    (lambda x, y: sliced_mmd.flow(x, y, steps=3, optimizer="adam", betas=(0.9, 1.0)), MmdError, "invalid beta2 = 1"),
    (lambda x, y: sliced_mmd.flow(x, y, steps=-1), MmdError, "invalid number of steps = -1"),
    (lambda x, y: sliced_mmd.flow(0, y, steps=3), MmdError, "invalid number of particles = 0"),
    (lambda x, y: sliced_mmd.flow(x, y, steps=3, snapshot_every=0), MmdError, "invalid snapshot interval = 0"),
    (lambda x, y: sliced_mmd.flow(x, y[:, :2], steps=3), MmdError, "dimension mismatch"),
    (lambda x, y: sliced_mmd.flow(x, y, steps=3, optimizer="gd", step_size=1e308), MmdError, ("the flow diverged at step", "overflowed to a non-finite result")),
    (lambda x, y: sliced_mmd.flow(x, np.ones((5, 3)), steps=3), MmdError, "give step_size"),
]


@pytest.mark.parametrize("call,exc,message", BAD, ids=range(len(BAD)))
def test_bad_input_raises(xy, call, exc, message):
    with pytest.raises(exc) as info:
        call(*xy)
    # one message, or one of several where either error is right (a flow
    # that blows up is caught by the estimator or by the step)
    messages = message if isinstance(message, tuple) else (message,)
    assert any(m in str(info.value) for m in messages), str(info.value)


def test_mmd_error_is_a_value_error():
    assert issubclass(MmdError, ValueError)
    with pytest.raises(ValueError):
        sliced_mmd.energy_distance([1.0], [2.0], exponent=3)


def test_float32_overflow_is_an_error_not_inf():
    # float32 data near the top of the range: the projections of the
    # sliced estimator overflow, which is reported, never returned as inf
    x = np.full((10, 4), 3e38, dtype=np.float32)
    x[::2] *= -1
    y = np.zeros((10, 4), dtype=np.float32)
    with pytest.raises(MmdError, match="overflowed"):
        sliced_mmd.mmd_grad(x, y, estimator="sliced", n_slices=8)


def layouts(a):
    """The same values in other memory layouts."""
    yield "fortran", np.asfortranarray(a)
    big = np.zeros((a.shape[0] * 2, a.shape[1] * 3), dtype=a.dtype)
    big[::2, ::3] = a
    yield "strided", big[::2, ::3]
    yield "reversed", a[::-1][::-1]
    yield "transposed view", np.ascontiguousarray(a.T).T
    yield "byteswapped", a.astype(a.dtype.newbyteorder(">"))
    ro = a.copy()
    ro.flags.writeable = False
    yield "read-only", ro
    raw = np.zeros(a.nbytes + 1, dtype=np.uint8)
    un = np.frombuffer(raw.data, dtype=a.dtype, count=a.size, offset=1).reshape(a.shape)
    un[...] = a
    yield "unaligned", un


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layouts_give_the_same_numbers(rng, dtype):
    x = rng.normal(size=(30, 4)).astype(dtype)
    y = rng.normal(size=(25, 4)).astype(dtype) + 1
    assert _core._is_zero_copy(x)  # C-contiguous: read in place
    ref = sliced_mmd.energy_distance(x, y)
    ref_s = sliced_mmd.mmd(x, y, estimator="sliced", n_slices=32).value
    ref_g = sliced_mmd.mmd_grad(x, y)[1]
    for name, xl in layouts(x):
        assert np.array_equal(xl, x), name
        if name in ("fortran", "strided", "transposed view", "unaligned"):
            assert not _core._is_zero_copy(xl), name
        assert sliced_mmd.energy_distance(xl, y) == ref, name
        assert sliced_mmd.energy_distance(y, xl) == sliced_mmd.energy_distance(y, x), name
        assert sliced_mmd.mmd(xl, y, estimator="sliced", n_slices=32).value == ref_s, name
        np.testing.assert_array_equal(sliced_mmd.mmd_grad(xl, y)[1], ref_g, err_msg=name)


def test_strided_one_dimensional(rng):
    u = rng.normal(size=200)
    v = rng.normal(size=100)
    assert not _core._is_zero_copy(u[::2])
    assert sliced_mmd.energy_distance(u[::2], v) == sliced_mmd.energy_distance(u[::2].copy(), v)
    # a column of a 2-D array and the 1-D array are the same sample
    assert sliced_mmd.energy_distance(u[:, None], v) == sliced_mmd.energy_distance(u, v)


def test_other_dtypes_are_computed_in_float64(rng):
    xi = rng.integers(-5, 5, size=(20, 2))
    yi = rng.integers(-5, 5, size=(20, 2))
    ref = sliced_mmd.energy_distance(xi.astype(np.float64), yi.astype(np.float64))
    assert sliced_mmd.energy_distance(xi, yi) == ref
    assert sliced_mmd.energy_distance(xi.astype(np.float16), yi) == ref
    assert sliced_mmd.energy_distance(xi.tolist(), yi.tolist()) == ref
    assert sliced_mmd.energy_distance(xi > 0, yi > 0) == sliced_mmd.energy_distance(
        (xi > 0).astype(float), (yi > 0).astype(float)
    )


def test_float32_exact_equals_float64_of_the_same_values(rng):
    # float32 data are widened exactly: the same value as float64 data
    x = rng.normal(size=(60, 5)).astype(np.float32)
    y = rng.normal(size=(50, 5)).astype(np.float32)
    v32 = sliced_mmd.energy_distance(x, y)
    v64 = sliced_mmd.energy_distance(x.astype(np.float64), y.astype(np.float64))
    assert v32 == pytest.approx(v64, rel=1e-13)
    # mixed float32 / float64: computed in float64
    assert sliced_mmd.energy_distance(x, y.astype(np.float64)) == pytest.approx(v64, rel=1e-13)


def test_the_extension_checks_its_own_arguments(rng):
    # the private module is not the API, but it must not crash either
    x = rng.normal(size=(5, 2))
    with pytest.raises(TypeError, match="float32 or float64"):
        _core.mmd(x, x.astype(np.float32))
    with pytest.raises(TypeError):
        _core.mmd([[1.0]], [[2.0]])
    with pytest.raises(TypeError):
        _core.mmd(x.astype(np.int64), x.astype(np.int64))
