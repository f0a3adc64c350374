//! Particle flows: optimizers, convergence, determinism, observers, errors.

use crate::common;

use std::time::Instant;

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use std::sync::{Arc, Mutex};

use sliced_mmd::flow::{shapes, uniform_box, uniform_cube, FlowState};
use sliced_mmd::{
    Adam, AnyOptimizer, Estimate, Flow, GradientDescent, MmdError, MmdEstimator, MmdTrace,
    Momentum, Naive, Optimizer, Points, Reseed, Riesz, SlicedSort, Snapshots, Statistic, Stop,
};

/// Row-major `v` with `d` columns as owned points.
fn pts<F: sliced_mmd::Float>(v: Vec<F>, d: usize) -> Points<'static, F> {
    let n = v.len() / d;
    Points::from_vec(v, n, d).expect("valid particles")
}

/// A sliced estimator that records the seeds a flow gives it.
#[derive(Clone)]
struct Recording {
    inner: SlicedSort,
    seeds: Arc<Mutex<Vec<u64>>>,
}

impl Reseed for Recording {
    fn reseed(&mut self, seed: u64) {
        self.seeds.lock().unwrap().push(seed);
        self.inner.reseed(seed);
    }
}

impl MmdEstimator<f64> for Recording {
    fn name(&self) -> &'static str {
        "recording"
    }
    fn estimate(
        &self,
        x: &Points<'_, f64>,
        y: &Points<'_, f64>,
        s: Statistic,
    ) -> sliced_mmd::Result<Estimate> {
        self.inner.estimate(x, y, s)
    }
    fn grad_into(
        &self,
        x: &Points<'_, f64>,
        y: &Points<'_, f64>,
        out: &mut [f64],
    ) -> sliced_mmd::Result<f64> {
        self.inner.grad_into(x, y, out)
    }
}

/// `n` points of `N(mean, A Aᵀ)` in the plane.
fn gaussian(n: usize, mean: [f64; 2], a: [[f64; 2]; 2], seed: u64) -> Vec<f64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::with_capacity(2 * n);
    for _ in 0..n {
        let z: [f64; 2] = [
            StandardNormal.sample(&mut rng),
            StandardNormal.sample(&mut rng),
        ];
        out.push(mean[0] + a[0][0] * z[0] + a[0][1] * z[1]);
        out.push(mean[1] + a[1][0] * z[0] + a[1][1] * z[1]);
    }
    out
}

fn exact(x: &[f64], y: &Points<'_, f64>) -> f64 {
    let x = Points::new(x, x.len() / y.d(), y.d()).unwrap();
    Naive::new(Riesz::energy()).mmd2(&x, y).unwrap()
}

fn moments(x: &[f64]) -> ([f64; 2], [[f64; 2]; 2]) {
    let n = (x.len() / 2) as f64;
    let mut m = [0.0; 2];
    for p in x.chunks(2) {
        m[0] += p[0] / n;
        m[1] += p[1] / n;
    }
    let mut c = [[0.0; 2]; 2];
    for p in x.chunks(2) {
        for i in 0..2 {
            for j in 0..2 {
                c[i][j] += (p[i] - m[i]) * (p[j] - m[j]) / n;
            }
        }
    }
    (m, c)
}

/// Each optimizer, driven by the exact gradient, brings MMD² down by at
/// least 10x on a small problem where it starts far from the target.
#[test]
fn every_optimizer_decreases_mmd2() {
    let y = gaussian(80, [2.0, 0.0], [[0.5, 0.0], [0.0, 0.5]], 1);
    let target = Points::new(&y, 80, 2).unwrap();
    let x0 = gaussian(60, [0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 2);
    let start = exact(&x0, &target);
    let optimizers: Vec<AnyOptimizer<f64>> = vec![
        AnyOptimizer::GradientDescent(GradientDescent::new(0.02).unwrap()),
        AnyOptimizer::Momentum(Momentum::new(0.02, 0.7).unwrap()),
        AnyOptimizer::Adam(Adam::new(0.01).unwrap()),
    ];
    for opt in optimizers {
        let name = Optimizer::<f64>::name(&opt);
        let mut flow = Flow::new(
            pts(x0.clone(), 2),
            &target,
            Naive::new(Riesz::energy()),
            opt,
        )
        .unwrap();
        flow.run(Stop::new(300), &mut []).unwrap();
        let end = exact(flow.particles(), &target);
        assert!(end < start / 10.0, "{name}: {start} -> {end}");
    }
}

/// Gradient descent with the exact gradient and a small step is a descent
/// method: MMD² never increases by more than the rounding of its sums.
#[test]
fn small_gradient_steps_descend() {
    let y = gaussian(50, [1.0, 1.0], [[0.3, 0.0], [0.1, 0.3]], 3);
    let target = Points::new(&y, 50, 2).unwrap();
    let x0 = gaussian(40, [0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 4);
    let mut flow = Flow::new(
        pts(x0, 2),
        &target,
        Naive::new(Riesz::energy()),
        GradientDescent::new(1e-3).unwrap(),
    )
    .unwrap();
    let mut last = f64::INFINITY;
    for r in flow.by_ref().take(200) {
        let r = r.unwrap();
        assert!(
            r.mmd2 <= last + 1e-12,
            "step {}: {} after {last}",
            r.step,
            r.mmd2
        );
        last = r.mmd2;
    }
}

/// A sliced flow from N(0, I) to N(μ, Σ) ends with the target's mean and
/// covariance, to within the sampling error of N points of the target
/// (3 standard errors: σ/√N for a mean, σ_i σ_j √(2/N) for a covariance).
#[test]
fn gaussian_flows_to_shifted_gaussian() {
    let n = 400;
    let a = [[0.5, 0.0], [0.6, 1.2]];
    let y = gaussian(n, [2.0, -1.0], a, 5);
    let target = Points::new(&y, n, 2).unwrap();
    let x0 = gaussian(n, [0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 6);
    let est = SlicedSort::new(100).unwrap();
    // the energy flow is slow at fine scales: heavy momentum and a few
    // thousand cheap steps
    let mut flow = Flow::new(pts(x0, 2), &target, est, Momentum::new(0.02, 0.9).unwrap())
        .unwrap()
        .with_seed(7);
    flow.run(Stop::new(3000), &mut []).unwrap();
    let (mx, cx) = moments(flow.particles());
    let (my, cy) = moments(&y);
    let sd = [cy[0][0].sqrt(), cy[1][1].sqrt()];
    for i in 0..2 {
        let tol = 3.0 * sd[i] / (n as f64).sqrt();
        assert!((mx[i] - my[i]).abs() <= tol, "mean {i}: {mx:?} vs {my:?}");
        for j in 0..2 {
            let tol = 3.0 * sd[i] * sd[j] * (2.0 / n as f64).sqrt();
            assert!(
                (cx[i][j] - cy[i][j]).abs() <= tol,
                "cov {i}{j}: {cx:?} vs {cy:?}"
            );
        }
    }
    // and the start was far outside these bounds
    let (m0, _) = moments(&gaussian(n, [0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 6));
    assert!((m0[0] - my[0]).abs() > 1.0);
}

fn spiral_flow(threads: usize, seed: u64) -> Vec<f32> {
    common::with_threads(threads, || {
        let y: Vec<f32> = shapes::generate("spiral", 500, 1)
            .unwrap()
            .iter()
            .map(|&v| v as f32)
            .collect();
        let target = Points::new(&y, 500, 2).unwrap();
        let x0 = uniform_box(&target, 300, seed).unwrap();
        let mut flow = Flow::new(
            pts(x0, 2),
            &target,
            SlicedSort::new(64).unwrap(),
            Adam::new(0.01).unwrap(),
        )
        .unwrap()
        .with_seed(seed);
        flow.run(Stop::new(40), &mut []).unwrap();
        flow.into_particles()
    })
}

/// Same seed, same bits, whatever the number of threads; another seed
/// gives another flow.
#[test]
fn flows_are_deterministic() {
    let a = spiral_flow(1, 3);
    let b = spiral_flow(2, 3);
    let c = spiral_flow(3, 3);
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(bits(&a), bits(&c));
    assert_ne!(bits(&a), bits(&spiral_flow(2, 4)));
}

/// The directions are redrawn every step from the flow's seed: with
/// `redraw(false)` the estimator's own seed is used every step instead,
/// which gives a different flow.
#[test]
fn directions_are_redrawn_from_the_flow_seed() {
    let y = gaussian(30, [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 8);
    let target = Points::new(&y, 30, 2).unwrap();
    let x0 = gaussian(20, [0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 9);
    let est = SlicedSort::new(5).unwrap().with_seed(11);
    // the seeds a flow hands its estimator, step by step
    let seeds_of = |flow_seed: u64, steps: usize| -> Vec<u64> {
        let seeds = Arc::new(Mutex::new(Vec::new()));
        let rec = Recording {
            inner: est.clone(),
            seeds: Arc::clone(&seeds),
        };
        let mut flow = Flow::new(
            pts(x0.clone(), 2),
            &target,
            rec,
            GradientDescent::new(0.1).unwrap(),
        )
        .unwrap()
        .with_seed(flow_seed);
        for _ in 0..steps {
            flow.step().unwrap();
        }
        let got = seeds.lock().unwrap().clone();
        got
    };
    let s2 = seeds_of(2, 3);
    assert_eq!(s2.len(), 3, "one re-seeding per step");
    // a step's seed depends on the flow's seed and the step, and on nothing
    // else (a second flow with the same seed gets the same seeds)
    assert_eq!(seeds_of(2, 3), s2);
    assert!(s2[0] != s2[1] && s2[1] != s2[2] && s2[0] != s2[2], "{s2:?}");
    assert_ne!(seeds_of(3, 1)[0], s2[0]);

    let mut flow = Flow::new(
        pts(x0.clone(), 2),
        &target,
        est.clone(),
        GradientDescent::new(0.1).unwrap(),
    )
    .unwrap()
    .with_seed(2);
    let r1 = flow.step().unwrap();
    // by hand: the gradient of the estimator re-seeded for step 0, times N
    let mut at0 = est.clone();
    at0.reseed(s2[0]);
    let (v, g) = at0
        .grad(&Points::new(&x0, 20, 2).unwrap(), &target)
        .unwrap();
    assert_eq!(r1.mmd2, v);
    let want: Vec<f64> = x0
        .iter()
        .zip(&g)
        .map(|(x, g)| x - 0.1 * (g * 20.0))
        .collect();
    assert_eq!(flow.particles(), &want[..]);

    let mut fixed = Flow::new(
        pts(x0.clone(), 2),
        &target,
        est.clone(),
        GradientDescent::new(0.1).unwrap(),
    )
    .unwrap()
    .with_redraw(false);
    let (v_fixed, _) = est
        .grad(&Points::new(&x0, 20, 2).unwrap(), &target)
        .unwrap();
    assert_eq!(fixed.step().unwrap().mmd2, v_fixed);
    assert_ne!(v_fixed, v);
}

/// Observers see the initial state and every step, in order; the trace
/// and the snapshots keep exactly the states they were asked for; the
/// reported times are the steps' wall times (see the checks at the end).
#[test]
fn observers_see_every_step_they_ask_for() {
    let y = gaussian(40, [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 10);
    let target = Points::new(&y, 40, 2).unwrap();
    let x0 = gaussian(30, [0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 11);
    let mut flow = Flow::new(
        pts(x0.clone(), 2),
        &target,
        SlicedSort::new(16).unwrap(),
        Momentum::new(0.05, 0.5).unwrap(),
    )
    .unwrap();
    let mut seen = Vec::new();
    let mut reports = Vec::new();
    let mut elapsed = Vec::new();
    let mut clock = Vec::new();
    let mut all = |s: &FlowState<'_, f64>| -> sliced_mmd::Result<()> {
        clock.push(Instant::now());
        seen.push(s.step);
        reports.push(s.report);
        elapsed.push(s.elapsed);
        assert_eq!(s.particles.len(), 60);
        Ok(())
    };
    let mut trace = MmdTrace::new(7).unwrap();
    let exact_every = |p: &Points<'_, f64>| Naive::new(Riesz::energy()).mmd2(p, &target);
    let mut exact_trace = MmdTrace::new(10).unwrap().with_value(exact_every);
    let mut every = Snapshots::new(25).unwrap();
    let mut at = Snapshots::at(&[0, 3, 49, 50, 99]).with_max_rows(5);
    let start = Instant::now();
    let summary = flow
        .run(
            Stop::new(50),
            &mut [&mut all, &mut trace, &mut exact_trace, &mut every, &mut at],
        )
        .unwrap();
    let wall = start.elapsed();
    assert_eq!(summary.steps, 50);
    assert_eq!(seen, (0..=50).collect::<Vec<_>>());
    assert!(reports[0].is_none());
    for (k, r) in reports.iter().enumerate().skip(1) {
        let r = r.unwrap();
        assert_eq!(r.step, k);
        assert!(r.mmd2 >= 0.0);
    }
    let states: Vec<usize> = trace.rows().iter().map(|r| r.0).collect();
    assert_eq!(states, vec![0, 7, 14, 21, 28, 35, 42, 49]);
    // the trace's value of state s is the one reported by step s + 1
    for &(s, v, _) in trace.rows() {
        assert_eq!(v, reports[s + 1].unwrap().mmd2);
    }
    let exact_states: Vec<usize> = exact_trace.rows().iter().map(|r| r.0).collect();
    assert_eq!(exact_states, vec![0, 10, 20, 30, 40, 50]);
    assert_eq!(exact_trace.rows()[0].1, exact(&x0, &target));
    assert_eq!(exact_trace.rows()[5].1, exact(flow.particles(), &target));
    let got: Vec<usize> = every.frames().iter().map(|f| f.0).collect();
    assert_eq!(got, vec![0, 25, 50]);
    assert_eq!(every.frames()[0].1, x0);
    assert_eq!(every.frames()[2].1, flow.particles());
    let got: Vec<usize> = at.frames().iter().map(|f| f.0).collect();
    assert_eq!(got, vec![0, 3, 49, 50]);
    assert!(at.frames().iter().all(|f| f.1.len() == 10));

    // Times. Step k runs after the first observer saw state k - 1 and
    // before it sees state k, so its wall time is at most the time between
    // those two calls; it is not zero (a gradient of 30 points against 40
    // on 16 slices takes microseconds, the monotonic clock counts
    // nanoseconds). Both are converted by `Duration::as_secs_f64`, which is
    // monotone, so the comparison needs no slack.
    for k in 1..=50 {
        let r = reports[k].unwrap();
        let between = clock[k].duration_since(clock[k - 1]).as_secs_f64();
        assert!(
            r.seconds > 0.0 && r.seconds <= between,
            "step {k}: {} s reported, {between} s between the observer calls",
            r.seconds
        );
    }
    // The elapsed time of state k is the sum of the first k step times, in
    // step order, and the summary's total is that of the last state.
    let mut sum = 0.0;
    for k in 0..=50 {
        if let Some(r) = reports[k] {
            sum += r.seconds;
        }
        assert_eq!(elapsed[k], sum, "state {k}");
    }
    assert_eq!(summary.seconds, sum);
    for &(s, _, t) in exact_trace.rows() {
        assert_eq!(t, elapsed[s], "exact trace at state {s}");
    }
    // The steps are disjoint intervals inside the run, so their exact total
    // is at most the run's wall time. The reported total adds 50 converted
    // durations: each conversion is within 2u of its duration (u = 2^-53;
    // one rounding of nanoseconds / 10^9, one of adding the whole seconds)
    // and the 49 additions are within 49u of the total, so the total is
    // within 51u of the exact one (first order); converting the wall time
    // costs 2u more. Hence the factor 1 + 53u, and no additive slack.
    let u = f64::EPSILON / 2.0;
    let wall = wall.as_secs_f64();
    assert!(
        summary.seconds > 0.0 && summary.seconds <= wall * (1.0 + 53.0 * u),
        "steps took {} s in total, the run {wall} s",
        summary.seconds
    );
}

/// The tolerance rule stops the run once a step reports MMD² below it.
#[test]
fn stops_when_mmd2_is_below_the_tolerance() {
    let y = gaussian(60, [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 12);
    let target = Points::new(&y, 60, 2).unwrap();
    let x0 = gaussian(60, [0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 13);
    let start = exact(&x0, &target);
    let tol = start / 20.0;
    let mut flow = Flow::new(
        pts(x0, 2),
        &target,
        Naive::new(Riesz::energy()),
        Momentum::new(0.02, 0.7).unwrap(),
    )
    .unwrap();
    let mut values = Vec::new();
    let mut watch = |s: &FlowState<'_, f64>| -> sliced_mmd::Result<()> {
        if let Some(r) = s.report {
            values.push(r.mmd2);
        }
        Ok(())
    };
    let s = flow
        .run(Stop::new(10_000).with_mmd2_below(tol), &mut [&mut watch])
        .unwrap();
    assert!(s.converged);
    assert!(s.steps < 10_000);
    assert!(s.last_mmd2 < tol);
    assert!(values[..values.len() - 1].iter().all(|&v| v >= tol));
    // the same sums in another order: equal to rounding
    assert!((s.first_mmd2 - start).abs() < 1e-12 * start);
}

/// An observer's error ends the run and is returned.
#[test]
fn observer_errors_stop_the_run() {
    let y = [0.0, 1.0, 2.0];
    let target = Points::new(&y, 3, 1).unwrap();
    let mut flow = Flow::new(
        pts(vec![5.0, 6.0], 1),
        &target,
        SlicedSort::new(1).unwrap(),
        GradientDescent::new(0.1).unwrap(),
    )
    .unwrap();
    let mut stop_at_3 = |s: &FlowState<'_, f64>| -> sliced_mmd::Result<()> {
        if s.step == 3 {
            Err(MmdError::InvalidCount {
                what: "test",
                value: 3,
                min: 4,
            })
        } else {
            Ok(())
        }
    };
    let e = flow.run(Stop::new(10), &mut [&mut stop_at_3]).unwrap_err();
    assert!(matches!(e, MmdError::InvalidCount { value: 3, .. }));
    assert_eq!(flow.steps_done(), 3);
}

/// An estimator without a gradient cannot drive a flow.
#[derive(Clone)]
struct ValueOnly;

impl MmdEstimator<f64> for ValueOnly {
    fn name(&self) -> &'static str {
        "value-only"
    }
    fn estimate(
        &self,
        x: &Points<'_, f64>,
        y: &Points<'_, f64>,
        s: Statistic,
    ) -> sliced_mmd::Result<Estimate> {
        Naive::new(Riesz::energy()).estimate(x, y, s)
    }
    fn has_gradient(&self) -> bool {
        false
    }
    fn grad_into(
        &self,
        _: &Points<'_, f64>,
        _: &Points<'_, f64>,
        _: &mut [f64],
    ) -> sliced_mmd::Result<f64> {
        Err(MmdError::Unsupported {
            estimator: "value-only",
            what: "gradients",
        })
    }
}

impl Reseed for ValueOnly {
    fn reseed(&mut self, _: u64) {}
}

#[test]
fn bad_flows_are_errors() {
    let y = [0.0, 1.0, 2.0, 3.0];
    let target = Points::new(&y, 2, 2).unwrap();
    let gd = || GradientDescent::new(0.1).unwrap();
    let est = || SlicedSort::new(4).unwrap();
    // parameters
    for tau in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = GradientDescent::new(tau).unwrap_err();
        assert!(matches!(
            e,
            MmdError::InvalidParameter {
                name: "step size",
                ..
            }
        ));
        assert!(e.to_string().contains("step size"), "{e}");
        assert!(Momentum::<f32>::new(tau, 0.5).is_err());
        assert!(Adam::<f64>::new(tau).is_err());
    }
    for m in [1.0, -0.1, f64::NAN] {
        let e = Momentum::<f64>::new(0.1, m).unwrap_err();
        assert!(e.to_string().contains("momentum"), "{e}");
    }
    // Adam's settings are checked by its first step
    let mut x = [0.0f64; 2];
    for (adam, name) in [
        (
            Adam::<f64>::new(0.1).unwrap().with_betas(1.0, 0.999),
            "beta1",
        ),
        (
            Adam::<f64>::new(0.1).unwrap().with_betas(0.9, -0.1),
            "beta2",
        ),
        (Adam::<f64>::new(0.1).unwrap().with_epsilon(0.0), "epsilon"),
    ] {
        let mut adam = adam;
        let e = adam.step(&mut x, &[1.0, 1.0]).unwrap_err();
        assert!(matches!(e, MmdError::InvalidParameter { .. }), "{e:?}");
        assert!(e.to_string().contains(name), "{e}");
        assert_eq!(x, [0.0, 0.0], "a refused step moves nothing");
    }
    // the particles are Points, checked when they are made; the flow
    // checks that they live where the target does
    assert!(matches!(
        Flow::new(pts(vec![1.0, 2.0, 3.0], 3), &target, est(), gd()).unwrap_err(),
        MmdError::DimensionMismatch { x_d: 3, y_d: 2 }
    ));
    let e = Flow::new(pts(vec![1.0, 2.0], 2), &target, ValueOnly, gd()).unwrap_err();
    assert!(matches!(e, MmdError::Unsupported { .. }));
    assert!(e.to_string().contains("flow"), "{e}");
    // a step so large that the particles overflow
    let mut flow = Flow::new(
        pts(vec![1e300, 2.0], 2),
        &target,
        Naive::new(Riesz::energy()),
        GradientDescent::new(f64::MAX).unwrap(),
    )
    .unwrap();
    let e = flow.step().unwrap_err();
    assert!(matches!(e, MmdError::Diverged { step: 1, row: 0 }), "{e:?}");
    assert!(e.to_string().contains("step size"));
    // observer intervals
    assert!(MmdTrace::<f64>::new(0).is_err());
    assert!(Snapshots::<f64>::new(0).is_err());
    // optimizers refuse buffers of another length
    let mut m = Momentum::<f64>::new(0.1, 0.5).unwrap();
    let mut x = vec![0.0; 4];
    m.step(&mut x, &[1.0; 4]).unwrap();
    assert!(matches!(
        m.step(&mut x[..2], &[1.0; 2]).unwrap_err(),
        MmdError::BufferLength { .. }
    ));
    assert!(m.step(&mut x, &[1.0; 3]).is_err());
    m.reset();
    assert!(m.step(&mut x[..2], &[1.0; 2]).is_ok());
}

/// The update rules, on one coordinate, against their formulas.
#[test]
fn optimizer_formulas() {
    let mut x = vec![1.0f64];
    let mut gd = GradientDescent::new(0.5).unwrap();
    gd.step(&mut x, &[2.0]).unwrap();
    assert_eq!(x, [0.0]);

    // v1 = g1 = 1; x = 1 - 0.1 = 0.9; v2 = g2 + 0.5 v1 = 3 + 0.5 = 3.5; x = 0.9 - 0.35
    let mut x = vec![1.0f64];
    let mut m = Momentum::new(0.1, 0.5).unwrap();
    m.step(&mut x, &[1.0]).unwrap();
    m.step(&mut x, &[3.0]).unwrap();
    assert!((x[0] - 0.55).abs() < 1e-15, "{x:?}");
    assert_eq!(m.velocity(), &[3.5]);

    // Adam's first step is τ g / (|g| + ε): about τ sign(g) whatever the
    // scale of g
    for g in [1e-3, 1.0, -1e6] {
        let mut x = vec![0.0f64];
        let mut a = Adam::new(0.01).unwrap();
        a.step(&mut x, &[g]).unwrap();
        let want = -0.01 * g / (g.abs() + 1e-8);
        assert!((x[0] - want).abs() < 1e-15, "g = {g}: {x:?} vs {want}");
    }
}

#[test]
fn starting_noise_and_shapes() {
    let y = [0.0, -1.0, 2.0, 3.0, 1.0, 0.0];
    let target = Points::new(&y, 3, 2).unwrap();
    let x = uniform_box(&target, 1000, 4).unwrap();
    assert_eq!(x.len(), 2000);
    assert!(x
        .chunks(2)
        .all(|p| (0.0..=2.0).contains(&p[0]) && (-1.0..=3.0).contains(&p[1])));
    // it fills the box: the extremes come within 1% of its sides
    let max0 = x.chunks(2).map(|p| p[0]).fold(f64::MIN, f64::max);
    assert!(max0 > 1.98);
    assert_eq!(x, uniform_box(&target, 1000, 4).unwrap());
    let c: Vec<f32> = uniform_cube(10, 3, 1).unwrap();
    assert!(c.iter().all(|v| (0.0..=1.0).contains(v)));
    assert!(uniform_cube::<f64>(0, 3, 1).is_err());
    assert!(uniform_cube::<f64>(3, 0, 1).is_err());

    for name in shapes::NAMES {
        let s = shapes::generate(name, 3000, 2).unwrap();
        assert_eq!(s.len(), 6000);
        assert!(s.iter().all(|v| v.abs() < 1.2), "{name}");
        assert_eq!(s, shapes::generate(name, 3000, 2).unwrap());
        // spread over the plane: both coordinates take both signs
        assert!(s.chunks(2).any(|p| p[0] < -0.5) && s.chunks(2).any(|p| p[0] > 0.5));
    }
    let e = shapes::generate("square", 10, 0).unwrap_err();
    assert!(e.to_string().contains("spiral"), "{e}");
    assert!(shapes::generate("spiral", 0, 0).is_err());
}
