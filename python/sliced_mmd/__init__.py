"""Fast maximum mean discrepancy (MMD) and energy distance for NumPy arrays.

Rows are points: ``x`` is an ``(N, d)`` array (a 1-D array is one column,
``d = 1``), ``y`` an ``(M, d)`` array. ``float32`` and ``float64`` arrays
are read as they are (without a copy when C-contiguous); other real dtypes
are converted to ``float64``. The computation runs in Rust without the
GIL, on all cores unless ``threads`` says otherwise, and gives the same
numbers whatever the number of threads.

Functions
---------
energy_distance
    The energy distance, equal to ``dcor.energy_distance`` (exact), or its
    sliced-sort estimate for large samples.
mmd
    MMD² for the Riesz (energy), Gaussian or Laplace kernel, exact or
    estimated, with a standard error for the estimates.
mmd_grad
    MMD² and its gradient with respect to the points of ``x``.
energy_test, mmd_test
    Two-sample permutation tests (``energy_test`` reports dcor's statistic).
flow
    A particle flow that moves points towards a target along ``-N ∇ MMD²``.
median_heuristic
    The default bandwidth of the Gaussian and Laplace kernels.

Every bad input raises :class:`MmdError` (a ``ValueError``) with the
message of the Rust crate, or ``TypeError`` for an argument of the wrong
type.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np

try:
    from . import _core
except ImportError as e:  # pragma: no cover - only without the built extension
    raise ImportError(
        "the compiled extension sliced_mmd._core is missing: install the package "
        "(pip install ./python from the repository root) instead of importing "
        "the source folder"
    ) from e

from ._core import MmdError

__version__: str = _core.__version__

__all__ = [
    "MmdError",
    "MmdResult",
    "TestResult",
    "FlowResult",
    "energy_distance",
    "mmd",
    "mmd_grad",
    "energy_test",
    "mmd_test",
    "flow",
    "median_heuristic",
    "__version__",
]

ArrayLike = Any
"""Anything :func:`numpy.asarray` turns into a 1-D or 2-D array of reals."""

Directions = Union[str, ArrayLike]


# ---------------------------------------------------------------- inputs


def _sample(a: ArrayLike, name: str) -> np.ndarray:
    """``a`` as an ndarray of float32 or float64 (no copy when it already is)."""
    arr = np.asarray(a)
    dt = arr.dtype
    if dt.kind == "f" and dt.itemsize in (4, 8):
        if not dt.isnative:
            arr = arr.astype(dt.newbyteorder("="))
        return arr
    if dt.kind in "biuf":
        # bool, integers, float16, long double: computed in float64
        return arr.astype(np.float64)
    raise TypeError(
        f"{name} must be an array of real numbers, but its dtype is {dt}"
    )


def _pair(x: ArrayLike, y: ArrayLike) -> Tuple[np.ndarray, np.ndarray, np.dtype]:
    """Both samples in one floating-point type, and the dtype of ``x``."""
    xa, ya = _sample(x, "x"), _sample(y, "y")
    x_dtype = xa.dtype
    if xa.dtype != ya.dtype:
        # float32 with float64: compute in float64
        xa, ya = xa.astype(np.float64), ya.astype(np.float64)
    return xa, ya, x_dtype


def _directions(directions: Directions) -> Tuple[str, Optional[np.ndarray]]:
    """A design name, or an explicit ``(P, d)`` array of unit directions."""
    if isinstance(directions, str):
        return directions, None
    arr = np.asarray(directions)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            "directions must be a design name (iid, orthogonal, sobol, hadamard) "
            f"or an array of unit vectors, not dtype {arr.dtype}"
        )
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2:
        raise ValueError(
            f"directions must be a (P, d) array of unit vectors, but it has shape {arr.shape}"
        )
    return "iid", arr


_STATISTICS = {"U": "u", "U_STATISTIC": "u", "V": "v", "V_STATISTIC": "v"}


def _statistic(estimation_stat: Any) -> str:
    """``"v"`` or ``"u"`` from dcor's spellings (``"V"``, ``"u_statistic"``,
    ``dcor.EstimationStatistic.U_STATISTIC``, ...)."""
    name = getattr(estimation_stat, "name", estimation_stat)
    if not isinstance(name, str):
        raise TypeError(
            f"estimation_stat must be 'V' or 'U', not {type(estimation_stat).__name__}"
        )
    # unknown names go to the crate, which reports them
    return _STATISTICS.get(name.upper(), name)


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, not {type(value).__name__}")
    return value


def _estimator_options(
    kernel: str,
    r: float,
    sigma: Optional[float],
    estimator: str,
    n_slices: int,
    n_features: int,
    directions: Directions,
    seed: int,
    threads: Optional[int],
) -> Dict[str, Any]:
    design, dirs = _directions(directions)
    return dict(
        kernel=_name(kernel, "kernel"),
        r=r,
        sigma=sigma,
        estimator=_name(estimator, "estimator"),
        n_slices=n_slices,
        n_features=n_features,
        design=design,
        directions=dirs,
        seed=seed,
        threads=threads,
    )


# ---------------------------------------------------------------- results


@dataclasses.dataclass(frozen=True)
class MmdResult:
    """An MMD² value with its standard error.

    Unpacks as ``value, std_error = mmd(x, y)``; ``float(result)`` is the value.

    Attributes
    ----------
    value : float
        The MMD² estimate (V- or U-statistic).
    std_error : float or None
        Standard error of a Monte Carlo estimate (sliced or random
        features), from the spread of its independent terms; ``None`` for
        the exact estimator.
    estimator : str
        The estimator used: ``"exact"``, ``"sliced"`` or ``"features"``.
    sigma : float or None
        The bandwidth of the Gaussian or Laplace kernel (the median
        heuristic unless given); ``None`` for the Riesz kernel.
    """

    value: float
    std_error: Optional[float]
    estimator: str
    sigma: Optional[float] = None

    def __iter__(self) -> Iterator[Optional[float]]:
        return iter((self.value, self.std_error))

    def __float__(self) -> float:
        return self.value


@dataclasses.dataclass(frozen=True)
class TestResult:
    """The outcome of a two-sample permutation test.

    Attributes
    ----------
    pvalue : float
        ``(1 + #{b : T_b >= T}) / (1 + B)`` with ``B = num_resamples``
        (``1.0`` when ``B = 0``).
    statistic : float
        The observed statistic ``T``: ``N M / (N + M)`` times the energy
        distance for :func:`energy_test` (dcor's), the MMD² estimate
        for :func:`mmd_test`.
    null_statistics : numpy.ndarray
        ``T_1 .. T_B``, in the same scale as ``statistic``, in permutation order.
    mmd2 : float
        The unscaled MMD² estimate (the energy distance for :func:`energy_test`).
    num_resamples : int
        Number of permutations ``B``.
    estimator : str
        ``"exact"``, ``"sliced"`` or ``"features"``.
    path : str
        How the null statistics were computed: ``"naive_cached"`` (pooled
        kernel matrix kept), ``"naive_blocked"``, ``"sliced_sort"`` (sorted
        projections kept), ``"plain"`` (estimator re-run), or ``"none"``
        for ``B = 0``.
    """

    __test__ = False  # not a pytest test class

    pvalue: float
    statistic: float
    null_statistics: np.ndarray
    mmd2: float
    num_resamples: int
    estimator: str
    path: str

    def reject(self, alpha: float = 0.05) -> bool:
        """Whether the test rejects at level ``alpha``: ``pvalue <= alpha``.

        Parameters
        ----------
        alpha : float, default 0.05
            Significance level in the open interval (0, 1).

        Raises
        ------
        MmdError
            If ``alpha`` is not in (0, 1).
        """
        if not 0.0 < alpha < 1.0:
            raise MmdError(
                f"invalid significance level alpha = {alpha}: it must lie in the open interval (0, 1)"
            )
        return self.pvalue <= alpha


@dataclasses.dataclass(frozen=True)
class FlowResult:
    """The outcome of :func:`flow`.

    Attributes
    ----------
    particles : numpy.ndarray
        The particles after the last step, shape and dtype of the start.
    mmd2 : numpy.ndarray
        The estimator's MMD² (V-statistic) of states ``0 .. steps``: entry
        ``s`` is the value at the particles after ``s`` steps (the flow's own
        estimate, a by-product of each gradient; the last entry is computed
        after the run).
    seconds : numpy.ndarray
        Wall time of each step.
    steps : int
        Steps taken (fewer than asked when ``tol`` stopped the flow).
    converged : bool
        Whether ``tol`` stopped the flow.
    snapshots : list of (int, numpy.ndarray)
        ``(state, particles)`` every ``snapshot_every`` states, from state 0.
    estimator : str
        The estimator used.
    step_size : float
        The step size used (the default is derived from the target).
    """

    particles: np.ndarray
    mmd2: np.ndarray
    seconds: np.ndarray
    steps: int
    converged: bool
    snapshots: List[Tuple[int, np.ndarray]]
    estimator: str
    step_size: float


# ---------------------------------------------------------------- functions


def energy_distance(
    x: ArrayLike,
    y: ArrayLike,
    *,
    exponent: float = 1,
    estimation_stat: Any = "V",
    method: str = "auto",
    n_slices: int = 500,
    directions: Directions = "iid",
    seed: int = 0,
    threads: Optional[int] = None,
) -> float:
    r"""Energy distance of two samples, as ``dcor.energy_distance``.

    .. math::

        E = \frac{2}{NM} \sum_{i,j} \|x_i - y_j\|^a
            - \frac{1}{N^2} \sum_{i,k} \|x_i - x_k\|^a
            - \frac{1}{M^2} \sum_{j,l} \|y_j - y_l\|^a

    with ``a = exponent`` (the V-statistic; the U-statistic divides the
    within-sample sums by ``N(N-1)`` and ``M(M-1)`` and leaves out
    ``i = k``). This is MMD² with the Riesz kernel ``-‖x - y‖^a``.

    Parameters
    ----------
    x : array_like, shape (N, d) or (N,)
        First sample, one point per row (a 1-D array is one column).
    y : array_like, shape (M, d) or (M,)
        Second sample.
    exponent : float, default 1
        Exponent ``a`` of the distance, in the open interval (0, 2).
    estimation_stat : {"V", "U"} or dcor.EstimationStatistic, default "V"
        V-statistic (biased, never negative) or U-statistic (unbiased).
        dcor's spellings (``"v_statistic"``, ``"U_STATISTIC"``, its enum)
        are accepted.
    method : {"auto", "exact", "sliced", "features"}, default "auto"
        ``"exact"``: all pairs, ``O((N+M)² d)``, equal to dcor to rounding
        (in one dimension with ``exponent = 1``, one sort,
        ``O((N+M) log(N+M))``). ``"sliced"``: the average over ``n_slices``
        random directions of the one-dimensional energy distance of the
        projections, rescaled (unbiased, error ``O(sqrt(d / n_slices))``;
        ``O(P (N+M) (d + log(N+M)))`` for ``exponent = 1``).
        ``"features"``: random direction-threshold features (``exponent =
        1`` only). ``"auto"``: exact while ``(N+M)² <= 1e8``, in one
        dimension, or when ``exponent != 1``; else sliced.
    n_slices : int, default 500
        Number of directions of the sliced estimator.
    directions : {"iid", "orthogonal", "sobol", "hadamard"} or array_like, default "iid"
        How the sliced estimator draws its directions, or the directions
        themselves as a ``(P, d)`` array of unit vectors (then
        ``n_slices`` and ``seed`` are not used).
    seed : int, default 0
        Seed of the random directions (the same seed gives the same result
        on any number of threads).
    threads : int, optional
        Number of worker threads; all cores by default.

    Returns
    -------
    float
        The energy distance (an estimate of it for ``"sliced"``; use
        :func:`mmd` for its standard error).

    Raises
    ------
    MmdError
        For bad input: NaN or infinite values, an empty sample, samples of
        different dimension, ``exponent`` outside (0, 2), ``n_slices < 1``,
        an unknown name. (dcor only warns for an exponent outside (0, 2).)
    TypeError
        For arrays that do not hold real numbers or arguments of the wrong type.

    See Also
    --------
    mmd : other kernels, and the standard error of estimates.
    energy_test : the two-sample test built on this statistic.

    Notes
    -----
    ``scipy.stats.energy_distance(u, v)`` for 1-D samples is the square root
    of ``energy_distance(u, v)``.

    Examples
    --------
    >>> import numpy as np
    >>> import sliced_mmd
    >>> a = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]])
    >>> b = np.array([[1, 0, 0, 1], [0, 1, 1, 1], [1, 1, 1, 1]])
    >>> round(sliced_mmd.energy_distance(a, b), 6)   # dcor: 20.5780594...
    20.578059
    >>> round(sliced_mmd.energy_distance(a, b, exponent=1.5), 5)   # dcor: 99.7863955...
    99.7864
    >>> sliced_mmd.energy_distance(a, a)
    0.0
    """
    xa, ya, _ = _pair(x, y)
    opts = _estimator_options(
        "riesz", exponent, None, method, n_slices, 1024, directions, seed, threads
    )
    value, _se, _est, _sigma = _core.mmd(
        xa, ya, statistic=_statistic(estimation_stat), **opts
    )
    return value


def mmd(
    x: ArrayLike,
    y: ArrayLike,
    kernel: str = "riesz",
    *,
    r: float = 1.0,
    sigma: Optional[float] = None,
    estimator: str = "auto",
    estimation_stat: Any = "V",
    n_slices: int = 500,
    n_features: int = 1024,
    directions: Directions = "iid",
    seed: int = 0,
    threads: Optional[int] = None,
) -> MmdResult:
    r"""MMD² of two samples for a kernel, with a standard error for estimates.

    .. math::

        \mathrm{MMD}^2 = \frac{1}{N^2} \sum_{i,k} K(x_i, x_k)
            + \frac{1}{M^2} \sum_{j,l} K(y_j, y_l)
            - \frac{2}{NM} \sum_{i,j} K(x_i, y_j)

    (the V-statistic; the U-statistic leaves out the diagonal terms and
    divides by ``N(N-1)`` and ``M(M-1)``).

    Parameters
    ----------
    x : array_like, shape (N, d) or (N,)
        First sample, one point per row.
    y : array_like, shape (M, d) or (M,)
        Second sample.
    kernel : {"riesz", "energy", "gaussian", "laplace"}, default "riesz"
        ``"riesz"`` (alias ``"energy"``): ``-‖x - y‖^r``, ``r = 1`` is the
        energy distance. ``"gaussian"``: ``exp(-‖x - y‖² / (2 sigma²))``.
        ``"laplace"``: ``exp(-‖x - y‖ / sigma)``.
    r : float, default 1.0
        Riesz exponent, in the open interval (0, 2).
    sigma : float, optional
        Bandwidth of the Gaussian and Laplace kernels; by default the
        median heuristic (:func:`median_heuristic` with this ``seed``).
    estimator : {"auto", "exact", "sliced", "features"}, default "auto"
        ``"exact"`` (alias ``"naive"``): all pairs. ``"sliced"``: Riesz
        kernels only, ``n_slices`` random directions. ``"features"``:
        ``n_features`` random features (Gaussian, Laplace, and Riesz with
        ``r = 1``). ``"auto"``: exact while ``(N+M)² <= 1e8`` (and always
        for Riesz ``r != 1``), else sliced for the Riesz kernel and
        features for the others (the energy kernel in one dimension is
        always exact: one sort).
    estimation_stat : {"V", "U"}, default "V"
        V-statistic (never negative) or U-statistic (unbiased).
    n_slices : int, default 500
        Directions of the sliced estimator.
    n_features : int, default 1024
        Random features of the features estimator.
    directions : {"iid", "orthogonal", "sobol", "hadamard"} or array_like, default "iid"
        Design of the sliced directions, or a ``(P, d)`` array of unit vectors.
    seed : int, default 0
        Seed of directions, features and the median heuristic's subsample.
    threads : int, optional
        Number of worker threads; all cores by default.

    Returns
    -------
    MmdResult
        ``value`` and ``std_error`` (``None`` for the exact estimator); it
        unpacks as ``value, std_error``. Also ``estimator`` (the one used)
        and ``sigma``.

    Raises
    ------
    MmdError
        For bad input (see :func:`energy_distance`), ``sigma <= 0``, or an
        estimator that does not support the kernel.
    TypeError
        For arrays that do not hold real numbers or arguments of the wrong type.

    Examples
    --------
    >>> import numpy as np
    >>> import sliced_mmd
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(size=(300, 5)), rng.normal(size=(300, 5)) + 0.3
    >>> exact = sliced_mmd.mmd(x, y).value
    >>> value, se = sliced_mmd.mmd(x, y, estimator="sliced", n_slices=2000, seed=1)
    >>> bool(abs(value - exact) < 5 * se)
    True
    >>> res = sliced_mmd.mmd(x, y, "gaussian")
    >>> res.estimator, res.sigma is not None
    ('exact', True)
    """
    xa, ya, _ = _pair(x, y)
    opts = _estimator_options(
        kernel, r, sigma, estimator, n_slices, n_features, directions, seed, threads
    )
    value, se, est, sig = _core.mmd(
        xa, ya, statistic=_statistic(estimation_stat), **opts
    )
    return MmdResult(value, se, est, sig)


def mmd_grad(
    x: ArrayLike,
    y: ArrayLike,
    kernel: str = "riesz",
    *,
    r: float = 1.0,
    sigma: Optional[float] = None,
    estimator: str = "auto",
    n_slices: int = 500,
    n_features: int = 1024,
    directions: Directions = "iid",
    seed: int = 0,
    threads: Optional[int] = None,
) -> Tuple[float, np.ndarray]:
    r"""MMD² (V-statistic) and its gradient with respect to the points of ``x``.

    The gradient is of MMD² itself: row ``i`` is
    :math:`\nabla_{x_i} \mathrm{MMD}^2`, of order ``1/N`` (a flow moves
    particle ``i`` along ``-N`` times it). For the sliced estimator it is
    the exact gradient of the sliced estimate with its directions (so the
    same ``seed`` gives a consistent value and gradient).

    Parameters
    ----------
    x : array_like, shape (N, d) or (N,)
        The points to differentiate with respect to.
    y : array_like, shape (M, d) or (M,)
        The other sample.
    kernel, r, sigma, estimator, n_slices, n_features, directions, seed, threads
        As for :func:`mmd`.

    Returns
    -------
    value : float
        The V-statistic MMD² (estimated for sliced or features).
    grad : numpy.ndarray
        Same shape as ``x``, in the dtype of ``x`` (``float32`` or
        ``float64``; ``float64`` for other input dtypes).

    Raises
    ------
    MmdError, TypeError
        As :func:`mmd`.

    Examples
    --------
    >>> import numpy as np
    >>> import sliced_mmd
    >>> x = np.array([[0.0, 0.0], [1.0, 0.0]])
    >>> y = np.array([[0.0, 1.0], [1.0, 1.0]])
    >>> value, grad = sliced_mmd.mmd_grad(x, y)
    >>> grad.shape, grad.dtype
    ((2, 2), dtype('float64'))
    """
    xa, ya, x_dtype = _pair(x, y)
    opts = _estimator_options(
        kernel, r, sigma, estimator, n_slices, n_features, directions, seed, threads
    )
    value, grad, _est, _sig = _core.mmd_grad(xa, ya, **opts)
    if x_dtype == np.float32 and grad.dtype != np.float32:
        grad = grad.astype(np.float32)
    return value, grad


def _test(
    x: ArrayLike,
    y: ArrayLike,
    num_resamples: int,
    scaled: bool,
    stat: str,
    opts: Dict[str, Any],
    memory_budget: Optional[int],
) -> TestResult:
    xa, ya, _ = _pair(x, y)
    if isinstance(num_resamples, (int, np.integer)) and not isinstance(
        num_resamples, bool
    ) and num_resamples == 0:
        # dcor's convention: no permutations, p-value 1
        value, _se, est, _sig = _core.mmd(xa, ya, statistic=stat, **opts)
        t, pvalue, null, path = value, 1.0, np.empty(0), "none"
    else:
        # pvalue = (1 + #{b : T_b >= T}) / (1 + B), from the crate
        t, pvalue, null, path, est, _sig = _core.permutation_test(
            xa,
            ya,
            permutations=num_resamples,
            statistic=stat,
            memory_budget=memory_budget,
            **opts,
        )
    n, m = xa.shape[0], ya.shape[0]
    scale = n * m / (n + m) if scaled else 1.0
    return TestResult(
        pvalue=pvalue,
        statistic=scale * t,
        null_statistics=scale * null,
        mmd2=t,
        num_resamples=len(null),
        estimator=est,
        path=path,
    )


def energy_test(
    x: ArrayLike,
    y: ArrayLike,
    *,
    num_resamples: int = 1000,
    exponent: float = 1,
    estimation_stat: Any = "V",
    method: str = "auto",
    n_slices: int = 500,
    directions: Directions = "iid",
    seed: int = 0,
    memory_budget: Optional[int] = None,
    threads: Optional[int] = None,
) -> TestResult:
    r"""Two-sample permutation test of equal distributions on the energy distance.

    The statistic is dcor's (``dcor.homogeneity.energy_test``) and R
    ``energy``'s ``eqdist.etest``: :math:`T = \frac{NM}{N+M} E`, with ``E``
    the energy distance of :func:`energy_distance`. ``T_1 .. T_B`` are the
    same statistic after ``B`` random relabelings of the pooled sample
    (permutation ``b`` from stream ``b`` of ``seed``), and

    .. math::

        p = \frac{1 + \#\{b : T_b \ge T\}}{1 + B}

    a valid p-value for any ``B >= 1``. dcor counts ``T_b > T`` strictly;
    the two differ only when a permuted statistic equals the observed one
    exactly (ties, as for samples with repeated points), where this
    p-value is the larger, conservative one. The permutations themselves
    differ from dcor's (NumPy's generator there, ChaCha8 here), so the
    p-values agree in distribution, not digit for digit.

    Parameters
    ----------
    x : array_like, shape (N, d) or (N,)
        First sample.
    y : array_like, shape (M, d) or (M,)
        Second sample.
    num_resamples : int, default 1000
        Number of permutations ``B``. ``0`` gives the statistic alone with
        p-value 1, as dcor (whose default is 0).
    exponent, estimation_stat, method, n_slices, directions
        As for :func:`energy_distance`. The exact method keeps the pooled
        distance matrix (``8 (N+M)²`` bytes, up to ``memory_budget``) and
        turns blocks of permutations into matrix products; the sliced
        method sorts each projection once and relabels the stored order,
        ``O(P (N+M))`` per permutation.
    seed : int, default 0
        Seed of the permutations and of the sliced directions.
    memory_budget : int, optional
        Largest pooled distance matrix kept in memory, in bytes (default
        2 GiB); above it the matrix is recomputed in blocks.
    threads : int, optional
        Number of worker threads; all cores by default.

    Returns
    -------
    TestResult
        ``pvalue``, ``statistic`` (dcor's scale), ``null_statistics`` (same
        scale), ``mmd2`` (the energy distance), ``num_resamples``,
        ``estimator``, ``path``.

    Raises
    ------
    MmdError, TypeError
        As :func:`energy_distance`; ``num_resamples < 0``.

    Examples
    --------
    >>> import numpy as np
    >>> import sliced_mmd
    >>> x = np.linspace(0, 1, 40)
    >>> res = sliced_mmd.energy_test(x, x + 2, num_resamples=99, seed=7)
    >>> res.pvalue   # no relabeling is as extreme as the observed split
    0.01
    """
    opts = _estimator_options(
        "riesz", exponent, None, method, n_slices, 1024, directions, seed, threads
    )
    return _test(
        x, y, num_resamples, True, _statistic(estimation_stat), opts, memory_budget
    )


def mmd_test(
    x: ArrayLike,
    y: ArrayLike,
    kernel: str = "riesz",
    *,
    num_resamples: int = 1000,
    r: float = 1.0,
    sigma: Optional[float] = None,
    estimator: str = "auto",
    estimation_stat: Any = "V",
    n_slices: int = 500,
    n_features: int = 1024,
    directions: Directions = "iid",
    seed: int = 0,
    memory_budget: Optional[int] = None,
    threads: Optional[int] = None,
) -> TestResult:
    """Two-sample permutation test on the MMD² of any kernel.

    As :func:`energy_test`, with the unscaled MMD² estimate as the
    statistic and the kernel options of :func:`mmd`. With the Gaussian or
    Laplace kernel the bandwidth is fixed once (median heuristic of the
    pooled sample unless ``sigma`` is given) for all permutations.

    Parameters
    ----------
    x, y : array_like
        The samples, one point per row.
    kernel, r, sigma, estimator, estimation_stat, n_slices, n_features, directions
        As for :func:`mmd`.
    num_resamples : int, default 1000
        Number of permutations ``B`` (``0``: the statistic alone, p-value 1).
    seed : int, default 0
        Seed of the permutations, directions and features.
    memory_budget : int, optional
        As for :func:`energy_test`.
    threads : int, optional
        Number of worker threads; all cores by default.

    Returns
    -------
    TestResult
        ``statistic`` and ``null_statistics`` are MMD² estimates (``mmd2 ==
        statistic``).

    Raises
    ------
    MmdError, TypeError
        As :func:`mmd`; ``num_resamples < 0``.
    """
    opts = _estimator_options(
        kernel, r, sigma, estimator, n_slices, n_features, directions, seed, threads
    )
    return _test(
        x, y, num_resamples, False, _statistic(estimation_stat), opts, memory_budget
    )


def flow(
    x0: Union[ArrayLike, int],
    y: ArrayLike,
    *,
    steps: int = 500,
    optimizer: str = "momentum",
    step_size: Optional[float] = None,
    momentum: float = 0.7,
    betas: Sequence[float] = (0.9, 0.999),
    epsilon: float = 1e-8,
    kernel: str = "riesz",
    r: float = 1.0,
    sigma: Optional[float] = None,
    estimator: str = "sliced",
    n_slices: int = 200,
    n_features: int = 1024,
    directions: Directions = "iid",
    seed: int = 0,
    redraw: bool = True,
    tol: Optional[float] = None,
    snapshot_every: Optional[int] = None,
    threads: Optional[int] = None,
) -> FlowResult:
    r"""Move particles towards a target along the MMD² gradient flow.

    Each step computes the gradient of the V-statistic MMD² at the current
    particles, multiplies it by ``N`` (the velocity of a particle then does
    not depend on how many there are) and hands it to the optimizer:

    * ``"gd"``: ``x <- x - step_size * g``;
    * ``"momentum"`` (heavy ball, as the reference MNIST flows with
      ``momentum = 0.7``): ``v <- g + momentum * v``, ``x <- x - step_size * v``;
    * ``"adam"``: Adam with ``betas`` and ``epsilon``.

    With ``redraw`` the estimator's random directions (or features) are
    drawn afresh at every step, from a stream fixed by ``seed``: a flow is
    reproducible bit for bit on any number of threads.

    Parameters
    ----------
    x0 : array_like, shape (N, d) or (N,), or int
        The starting particles, or a number ``N`` of particles drawn
        uniformly on the bounding box of ``y`` (from ``seed``).
    y : array_like, shape (M, d) or (M,)
        The target sample.
    steps : int, default 500
        Number of steps (0 is allowed: only the MMD² of the start).
    optimizer : {"momentum", "gd", "adam"}, default "momentum"
        The update rule.
    step_size : float, optional
        Step size; by default 1/100 of the diagonal of the target's
        bounding box (1/1000 for Adam).
    momentum : float, default 0.7
        Momentum in [0, 1) of the ``"momentum"`` optimizer.
    betas : (float, float), default (0.9, 0.999)
        Adam's decay rates, each in [0, 1).
    epsilon : float, default 1e-8
        Adam's epsilon (> 0).
    kernel, r, sigma, estimator, n_slices, n_features, directions
        As for :func:`mmd` (default: sliced-sort with 200 directions per
        step); the estimator must have a gradient.
    seed : int, default 0
        Seed of the directions of every step (and of ``x0`` when it is a count).
    redraw : bool, default True
        Draw fresh directions every step; ``False`` keeps those of ``seed``.
    tol : float, optional
        Stop once the MMD² estimate of a state falls below ``tol``.
    snapshot_every : int, optional
        Keep a copy of the particles every ``snapshot_every`` states.
    threads : int, optional
        Number of worker threads; all cores by default.

    Returns
    -------
    FlowResult
        ``particles``, the trace ``mmd2`` (states ``0 .. steps``) and
        ``seconds`` (per step), ``steps``, ``converged``, ``snapshots``,
        ``estimator``, ``step_size``.

    Raises
    ------
    MmdError
        For bad input, bad optimizer settings, an estimator without a
        gradient, or a flow that diverges (lower the step size).
    TypeError
        For arguments of the wrong type.

    Examples
    --------
    >>> import numpy as np
    >>> import sliced_mmd
    >>> rng = np.random.default_rng(0)
    >>> target = rng.normal(size=(500, 2))
    >>> res = sliced_mmd.flow(500, target, steps=200, seed=1)
    >>> bool(res.mmd2[-1] < res.mmd2[0] / 10)
    True
    """
    if isinstance(x0, (int, np.integer)) and not isinstance(x0, bool):
        ya = _sample(y, "y")
        xa: Any = x0
    else:
        xa, ya, _ = _pair(x0, y)
    if len(betas) != 2:
        raise ValueError(f"betas must be two numbers, got {len(betas)}")
    opts = _estimator_options(
        kernel, r, sigma, estimator, n_slices, n_features, directions, seed, threads
    )
    particles, mmd2, seconds, converged, frames, est, tau = _core.flow(
        xa,
        ya,
        steps=steps,
        optimizer=_name(optimizer, "optimizer"),
        step_size=step_size,
        momentum=momentum,
        beta1=betas[0],
        beta2=betas[1],
        epsilon=epsilon,
        redraw=bool(redraw),
        tol=tol,
        snapshot_every=snapshot_every,
        **opts,
    )
    return FlowResult(
        particles=particles,
        mmd2=np.asarray(mmd2, dtype=np.float64),
        seconds=np.asarray(seconds, dtype=np.float64),
        steps=len(seconds),
        converged=bool(converged),
        snapshots=list(frames),
        estimator=est,
        step_size=tau,
    )


def median_heuristic(x: ArrayLike, y: ArrayLike, *, seed: int = 0) -> float:
    """The median pairwise distance of the pooled sample.

    Computed on a seeded random subsample of at most 1000 pooled points
    (all points when fewer); the smallest positive distance when the median
    is 0, and 1 when all points coincide. The default ``sigma`` of the
    Gaussian and Laplace kernels.

    Parameters
    ----------
    x, y : array_like
        The samples, one point per row.
    seed : int, default 0
        Seed of the subsample.

    Returns
    -------
    float
        A valid bandwidth (finite and > 0).

    Raises
    ------
    MmdError, TypeError
        For bad input.
    """
    xa, ya, _ = _pair(x, y)
    return _core.median_heuristic(xa, ya, seed=seed)
