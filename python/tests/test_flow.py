"""Particle flows: they approach the target, with every optimizer."""

import numpy as np
import pytest

import sliced_mmd


@pytest.fixture
def target(rng):
    # a ring of radius 2 around (1, 1)
    t = rng.uniform(0, 2 * np.pi, size=400)
    return np.c_[1 + 2 * np.cos(t), 1 + 2 * np.sin(t)] + 0.05 * rng.normal(size=(400, 2))


@pytest.mark.parametrize(
    "optimizer,estimator",
    [("momentum", "sliced"), ("gd", "sliced"), ("adam", "sliced"), ("momentum", "exact")],
)
def test_flow_approaches_the_target(rng, target, optimizer, estimator):
    x0 = rng.uniform(-3, 5, size=(400, 2))
    before = sliced_mmd.energy_distance(x0, target)
    res = sliced_mmd.flow(x0, target, steps=300, optimizer=optimizer, estimator=estimator, seed=1)
    after = sliced_mmd.energy_distance(res.particles, target)
    # measured: 30x to 200x lower after 300 steps; 10x leaves a wide margin
    assert after < before / 10, (before, after)
    assert res.steps == 300 and not res.converged
    assert res.mmd2.shape == (301,) and res.seconds.shape == (300,)
    assert res.particles.shape == x0.shape and res.particles.dtype == np.float64
    assert res.estimator == estimator
    # the default step size: 1/100 of the target's bounding-box diagonal (1/1000 for Adam)
    diag = np.linalg.norm(target.max(0) - target.min(0))
    assert res.step_size == pytest.approx(diag / (1000 if optimizer == "adam" else 100))
    # the input is not modified
    assert sliced_mmd.energy_distance(x0, target) == before


def test_trace_is_the_estimate_of_each_state(rng, target):
    x0 = rng.uniform(-3, 5, size=(100, 2))
    res = sliced_mmd.flow(x0, target, steps=5, estimator="exact", snapshot_every=2)
    # with the exact estimator, mmd2[s] is the exact value at state s
    for s, frame in res.snapshots:
        assert res.mmd2[s] == pytest.approx(sliced_mmd.energy_distance(frame, target), rel=1e-12)
    assert [s for s, _ in res.snapshots] == [0, 2, 4]
    np.testing.assert_array_equal(res.snapshots[0][1], x0)
    assert res.mmd2[-1] == pytest.approx(sliced_mmd.energy_distance(res.particles, target), rel=1e-12)


def test_particle_count_start_tolerance_and_float32(rng, target):
    res = sliced_mmd.flow(300, target.astype(np.float32), steps=2000, tol=1e-3, seed=5)
    assert res.particles.shape == (300, 2) and res.particles.dtype == np.float32
    assert res.converged and res.steps < 2000
    assert res.mmd2[res.steps - 1] < 1e-3
    # seeded: the same run again gives the same bits, on any number of threads
    again = sliced_mmd.flow(300, target.astype(np.float32), steps=2000, tol=1e-3, seed=5, threads=1)
    np.testing.assert_array_equal(res.particles, again.particles)


def test_one_dimensional_flow(rng):
    y = rng.normal(size=300) * 0.5 + 2
    res = sliced_mmd.flow(np.zeros(300) + rng.uniform(size=300), y, steps=200, optimizer="gd", step_size=0.02)
    assert res.particles.shape == (300,)
    assert res.mmd2[-1] < res.mmd2[0] / 50


def test_zero_steps(rng, target):
    x0 = rng.normal(size=(50, 2))
    res = sliced_mmd.flow(x0, target, steps=0)
    assert res.steps == 0 and res.mmd2.shape == (1,)
    np.testing.assert_array_equal(res.particles, x0)
