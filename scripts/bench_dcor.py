#!/usr/bin/env python3
"""Time dcor's energy test on the data of `cargo bench --bench two_sample -- naive`.

Run the bench first (it writes target/two_sample_bench/{x,y}.npy: N = M = 2000
standard Gaussians in d = 16, Y shifted by 0.05), then

    python3 scripts/bench_dcor.py [DIR] [--resamples 200]

It prints the wall time of dcor.homogeneity.energy_test (one job, 200
resamples, after a small warm-up call) and its statistic, which is N M / (N + M) times the V-statistic
energy distance that `sliced-mmd` reports (the bench prints both).
"""
import argparse
import time

import numpy as np
import dcor


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default="target/two_sample_bench")
    ap.add_argument("--resamples", type=int, default=200)
    args = ap.parse_args()
    x = np.load(f"{args.dir}/x.npy")
    y = np.load(f"{args.dir}/y.npy")
    # warm-up on a small sample, so that one-time compilation (numba) is not timed
    dcor.homogeneity.energy_test(x[:50], y[:50], num_resamples=5, random_state=0, n_jobs=1)
    t = time.perf_counter()
    res = dcor.homogeneity.energy_test(
        x, y, num_resamples=args.resamples, random_state=0, n_jobs=1
    )
    secs = time.perf_counter() - t
    n, m = len(x), len(y)
    v = dcor.energy_distance(x, y)
    print(
        f"dcor {dcor.__version__} energy_test N={n} M={m} d={x.shape[1]} "
        f"B={args.resamples} n_jobs=1: {secs:.3f} s; statistic {res.statistic:.10e} "
        f"(= N M/(N+M) energy_distance = {n * m / (n + m) * v:.10e}), p = {res.pvalue}"
    )


if __name__ == "__main__":
    main()
