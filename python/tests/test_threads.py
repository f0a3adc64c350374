"""Seeds, thread counts and the GIL."""

import threading
import time

import numpy as np
import pytest

import sliced_mmd


def test_same_seed_same_result_any_thread_count(rng):
    x = rng.normal(size=(500, 8))
    y = rng.normal(size=(400, 8)) + 0.1
    a = sliced_mmd.mmd(x, y, estimator="sliced", n_slices=300, seed=7)
    b = sliced_mmd.mmd(x, y, estimator="sliced", n_slices=300, seed=7, threads=1)
    c = sliced_mmd.mmd(x, y, estimator="sliced", n_slices=300, seed=7, threads=3)
    assert a == b == c  # same bits
    assert sliced_mmd.mmd(x, y, estimator="sliced", n_slices=300, seed=8).value != a.value
    g1 = sliced_mmd.mmd_grad(x, y, estimator="sliced", n_slices=300, seed=7, threads=1)[1]
    g2 = sliced_mmd.mmd_grad(x, y, estimator="sliced", n_slices=300, seed=7, threads=2)[1]
    np.testing.assert_array_equal(g1, g2)
    e1 = sliced_mmd.energy_distance(x, y, threads=1)
    e2 = sliced_mmd.energy_distance(x, y, threads=2)
    assert e1 == e2
    f1 = sliced_mmd.mmd(x, y, "gaussian", estimator="features", seed=3, threads=1)
    f2 = sliced_mmd.mmd(x, y, "gaussian", estimator="features", seed=3)
    assert f1 == f2


def test_gil_is_released_during_a_long_call(rng):
    # A call of about half a second (exact energy distance on one thread).
    # While it runs in a second thread, this thread keeps executing Python
    # code and records the time of each iteration. Inside the call's time
    # window the longest pause between two records stays far below the
    # call's duration; a call that held the GIL would stall this loop for
    # the whole window (pause = duration).
    x = rng.normal(size=(6000, 16))
    y = rng.normal(size=(6000, 16))
    go = threading.Event()
    window = {}

    def work():
        go.wait()
        window["start"] = time.perf_counter()
        window["value"] = sliced_mmd.energy_distance(x, y, method="exact", threads=1)
        window["end"] = time.perf_counter()

    worker = threading.Thread(target=work)
    worker.start()
    stamps = [time.perf_counter()]
    go.set()
    while worker.is_alive():
        stamps.append(time.perf_counter())
    worker.join()
    start, end = window["start"], window["end"]
    duration = end - start
    assert window["value"] > 0
    assert duration > 0.05, "call too short to measure"
    inside = [start] + [t for t in stamps if start < t < end] + [end]
    longest = max(b - a for a, b in zip(inside, inside[1:]))
    assert longest < duration / 4, (longest, duration)


def test_threads_run_calls_in_parallel(rng):
    # several Python threads calling at once get correct, independent results
    x = rng.normal(size=(300, 4))
    ys = [rng.normal(size=(200, 4)) + k for k in range(4)]
    expected = [sliced_mmd.energy_distance(x, y) for y in ys]
    results = [None] * 4

    def run(k):
        results[k] = sliced_mmd.energy_distance(x, ys[k], threads=1)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected
