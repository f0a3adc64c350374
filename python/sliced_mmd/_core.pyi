"""Type stubs of the extension module ``sliced_mmd._core``.

The documented API is the package ``sliced_mmd``; these functions take the
samples as NumPy arrays of one dtype, float32 or float64.
"""

from typing import List, Optional, Tuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "__version__",
    "MmdError",
    "mmd",
    "mmd_grad",
    "permutation_test",
    "flow",
    "median_heuristic",
    "_is_zero_copy",
]

__version__: str

class MmdError(ValueError):
    """Bad input or a failed computation, with the core crate's message."""

_Float = npt.NDArray[np.floating]

def mmd(
    x: _Float,
    y: _Float,
    *,
    kernel: str = "riesz",
    r: float = 1.0,
    sigma: Optional[float] = None,
    estimator: str = "auto",
    statistic: str = "v",
    n_slices: Optional[int] = None,
    n_features: Optional[int] = None,
    design: str = "iid",
    directions: Optional[npt.NDArray[np.float64]] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
) -> Tuple[float, Optional[float], str, Optional[float]]: ...
def mmd_grad(
    x: _Float,
    y: _Float,
    *,
    kernel: str = "riesz",
    r: float = 1.0,
    sigma: Optional[float] = None,
    estimator: str = "auto",
    n_slices: Optional[int] = None,
    n_features: Optional[int] = None,
    design: str = "iid",
    directions: Optional[npt.NDArray[np.float64]] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
) -> Tuple[float, _Float, str, Optional[float]]: ...
def permutation_test(
    x: _Float,
    y: _Float,
    *,
    permutations: int,
    kernel: str = "riesz",
    r: float = 1.0,
    sigma: Optional[float] = None,
    estimator: str = "auto",
    statistic: str = "v",
    n_slices: Optional[int] = None,
    n_features: Optional[int] = None,
    design: str = "iid",
    directions: Optional[npt.NDArray[np.float64]] = None,
    seed: Optional[int] = None,
    memory_budget: Optional[int] = None,
    threads: Optional[int] = None,
) -> Tuple[float, float, npt.NDArray[np.float64], str, str, Optional[float]]: ...
def flow(
    x0: _Float | int,
    y: _Float,
    *,
    steps: int,
    optimizer: str = "momentum",
    step_size: Optional[float] = None,
    momentum: float = 0.7,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
    kernel: str = "riesz",
    r: float = 1.0,
    sigma: Optional[float] = None,
    estimator: str = "sliced",
    n_slices: Optional[int] = None,
    n_features: Optional[int] = None,
    design: str = "iid",
    directions: Optional[npt.NDArray[np.float64]] = None,
    seed: Optional[int] = None,
    redraw: bool = True,
    tol: Optional[float] = None,
    snapshot_every: Optional[int] = None,
    threads: Optional[int] = None,
) -> Tuple[_Float, List[float], List[float], bool, List[Tuple[int, _Float]], str, float]: ...
def median_heuristic(x: _Float, y: _Float, *, seed: Optional[int] = None) -> float: ...
def _is_zero_copy(a: _Float) -> bool: ...
