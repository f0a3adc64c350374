"""Side-by-side timings of sliced_mmd against dcor, POT and scipy.

Every comparison runs on the same data in this one process and prints the
two times, their ratio and how far the two numbers are apart:

* exact energy distance (``dcor.energy_distance``), N = M = --n, d = --d;
* permutation test (``dcor.homogeneity.energy_test``), N = M = --test-n,
  --resamples permutations (the p-values differ by the random
  permutations only; the statistics are compared);
* a sliced distance with --slices directions on the --n data: POT's
  ``ot.sliced_wasserstein_distance`` (sliced Wasserstein-2) against the
  sliced energy distance: different quantities, the same kind of work
  (project on P directions, sort);
* one-dimensional energy distance (``scipy.stats.energy_distance``, the
  square root of ours), N = M = --n1.

Usage (from the repository root, after ``pip install ./python pot dcor scipy``)::

    python python/bench/bench.py                 # the sizes of docs/python.md
    python python/bench/bench.py --n 2000        # a quick run

sliced_mmd's time is the median of --repeat calls after one warm-up call;
the other packages are timed once (dcor takes minutes at the full size).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

import sliced_mmd


def timed(f, repeat=1, warmup=False):
    """(result, median seconds over `repeat` calls)."""
    if warmup:
        f()
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times)


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="points per sample, energy distance and sliced")
    ap.add_argument("--d", type=int, default=16, help="dimension")
    ap.add_argument("--test-n", type=int, default=1000, help="points per sample of the permutation test")
    ap.add_argument("--resamples", type=int, default=200, help="permutations of the test")
    ap.add_argument("--slices", type=int, default=500, help="directions of the sliced distances")
    ap.add_argument("--n1", type=int, default=1_000_000, help="points per sample in 1-D")
    ap.add_argument("--repeat", type=int, default=5, help="calls of sliced_mmd per figure (median)")
    ap.add_argument("--threads", type=int, default=None, help="sliced_mmd threads (default: all cores)")
    ap.add_argument("--skip", default="", help="comma-separated: dcor, test, pot, scipy")
    a = ap.parse_args()
    skip = set(filter(None, a.skip.split(",")))

    import scipy

    try:
        from dcor._utils import _can_be_numpy_double

        fast = _can_be_numpy_double(np.zeros(1))
        print(f"dcor takes its scipy (cdist) path for NumPy arrays: {fast}")
    except ImportError:
        pass
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"sliced_mmd {sliced_mmd.__version__}, {os.cpu_count()} logical CPUs, "
        f"threads={a.threads or 'all'}"
    )
    rng = np.random.default_rng(0)
    rows = []

    def row(task, size, other, t_other, t_ours, diff):
        rows.append((task, size, other, t_other, t_ours, t_other / t_ours, diff))
        print(
            f"  {task}: {other} {t_other:.4g} s, sliced_mmd {t_ours:.4g} s, "
            f"{t_other / t_ours:.1f}x, {diff}",
            flush=True,
        )

    x = rng.normal(size=(a.n, a.d))
    y = rng.normal(size=(a.n, a.d)) * 1.1 + 0.1

    if "dcor" not in skip:
        import dcor

        dcor.energy_distance(x[:10], y[:10])  # first-call costs (imports, JIT) not timed
        ours, t_ours = timed(
            lambda: sliced_mmd.energy_distance(x, y, method="exact", threads=a.threads),
            a.repeat,
            warmup=True,
        )
        ref, t_ref = timed(lambda: dcor.energy_distance(x, y))
        row(
            "exact energy distance", f"N=M={a.n}, d={a.d}", f"dcor {dcor.__version__}",
            t_ref, t_ours, f"relative difference {rel(ours, ref):.1e}",
        )
        # dcor computes with scipy's cdist only when its array-namespace
        # check says NumPy; with array_api_compat's NumPy wrapper it falls
        # back to broadcasting (N x M x d temporaries). The scipy path,
        # timed here, is the faster baseline.
        from scipy.spatial.distance import cdist

        def cdist_energy():
            return 2 * cdist(x, y).mean() - cdist(x, x).mean() - cdist(y, y).mean()

        ref, t_ref = timed(cdist_energy)
        row(
            "exact energy distance", f"N=M={a.n}, d={a.d}", "scipy cdist (3 matrices)",
            t_ref, t_ours, f"relative difference {rel(ours, ref):.1e}",
        )

    if "test" not in skip:
        import dcor

        xt, yt = x[: a.test_n], y[: a.test_n]
        dcor.homogeneity.energy_test(xt[:10], yt[:10], num_resamples=2)
        ours, t_ours = timed(
            lambda: sliced_mmd.energy_test(
                xt, yt, num_resamples=a.resamples, seed=1, threads=a.threads
            ),
            a.repeat,
            warmup=True,
        )
        ref, t_ref = timed(
            lambda: dcor.homogeneity.energy_test(
                xt, yt, num_resamples=a.resamples, random_state=1
            )
        )
        row(
            "energy test", f"N=M={a.test_n}, d={a.d}, B={a.resamples}",
            f"dcor {dcor.__version__}", t_ref, t_ours,
            f"statistic rel. diff. {rel(ours.statistic, float(ref.statistic)):.1e}, "
            f"p {ours.pvalue:.4f} vs {ref.pvalue:.4f}",
        )

    if "pot" not in skip:
        import ot

        ours, t_ours = timed(
            lambda: sliced_mmd.mmd(
                x, y, estimator="sliced", n_slices=a.slices, seed=1, threads=a.threads
            ),
            a.repeat,
            warmup=True,
        )
        ref, t_ref = timed(
            lambda: ot.sliced_wasserstein_distance(x, y, n_projections=a.slices, seed=1),
            a.repeat,
            warmup=True,
        )
        row(
            "sliced distance", f"N=M={a.n}, d={a.d}, P={a.slices}", f"POT {ot.__version__} SW2",
            t_ref, t_ours, f"(different quantities: SW2 {float(ref):.4g}, "
            f"sliced energy {ours.value:.4g} +- {ours.std_error:.1g})",
        )

    if "scipy" not in skip:
        import scipy.stats

        u = rng.normal(size=a.n1)
        v = rng.normal(size=a.n1) + 0.01
        ours, t_ours = timed(
            lambda: sliced_mmd.energy_distance(u, v, threads=a.threads), a.repeat, warmup=True
        )
        ref, t_ref = timed(lambda: scipy.stats.energy_distance(u, v), a.repeat, warmup=True)
        row(
            "1-D energy distance", f"N=M={a.n1}", f"scipy {scipy.__version__}",
            t_ref, t_ours, f"relative difference {rel(np.sqrt(ours), ref):.1e} (scipy = sqrt)",
        )

    print()
    print("| task | size | other package | its time | sliced_mmd | ratio | agreement |")
    print("|---|---|---|---|---|---|---|")
    for task, size, other, t_other, t_ours, ratio, diff in rows:
        print(
            f"| {task} | {size} | {other} | {t_other:.3g} s | {t_ours:.3g} s | "
            f"{ratio:.0f}x | {diff} |"
        )


if __name__ == "__main__":
    main()
