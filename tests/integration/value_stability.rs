//! Golden values per seed, so that a change of output is noticed.
//!
//! The numbers below were frozen from this version of the crate (0.1.0, the
//! ChaCha8 generator of rand_chacha 0.10 and the normal sampler of
//! rand_distr 0.6) by running the code once and printing with `{:?}` (which
//! round-trips f64 exactly). If a test here fails, the output of the crate
//! has changed for a given seed: that is a **value-breaking** change, and it
//! must be noted in the CHANGELOG (users rely on seeds to reproduce
//! results) before the golden numbers are updated.
//!
//! Tolerances: the directions are drawn and normalised by the same
//! operations on every platform (1e-15 absolute covers a libm `sqrt`/`ln`
//! that is not correctly rounded). The f64 estimates allow 1e-13 relative
//! for platform differences in the matrix product (FMA or not changes the
//! last bits of projections); any real change (other directions, another
//! formula) moves them by about the Monte Carlo error, 1e-2 relative. The
//! f32 estimate allows 1e-6 relative (f32 projections, with or without
//! FMA, differ by about `d u32`), still 1e4 times below a real change.

use sliced_mmd::{Directions, MmdEstimator, Naive, Points, Riesz, SlicedSort, Statistic};

#[track_caller]
fn close(what: &str, got: f64, want: f64, abs: f64, rel: f64) {
    let tol = abs + rel * want.abs();
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:?}, golden {want:?} (value-breaking change? see the module doc)"
    );
}

#[track_caller]
fn golden_rows(p: usize, d: usize, seed: u64, want: &[&[f64]]) {
    let dirs = Directions::iid(p, d, seed).unwrap();
    for (i, row) in want.iter().enumerate() {
        for (k, &w) in row.iter().enumerate() {
            close(
                &format!("iid({p}, {d}, {seed}) row {i} col {k}"),
                dirs.row(i)[k],
                w,
                1e-15,
                0.0,
            );
        }
    }
}

#[test]
fn iid_directions_seed_0() {
    golden_rows(
        4,
        3,
        0,
        &[
            &[0.9018144455982852, -0.18560591519216726, 0.3902321744243236],
            &[0.8075775086907692, 0.4907626491571866, 0.3270635865531821],
            &[-0.496334548152244, 0.6436035318146756, 0.5826032184481852],
            &[
                -0.6706916561304741,
                -0.6673313501525953,
                -0.3237924821555874,
            ],
        ],
    );
    // d = 1: signs only
    let one = Directions::iid(3, 1, 0).unwrap();
    assert_eq!(one.as_slice(), &[1.0, 1.0, -1.0]);
}

#[test]
fn iid_directions_seed_42() {
    golden_rows(
        4,
        5,
        42,
        &[
            &[
                0.2998048052608212,
                0.8367708759543556,
                -0.13226218906031537,
                0.2987797119857176,
            ],
            &[
                0.23244879331103305,
                -0.3353826063238232,
                -0.018237184695045358,
                0.717920702502107,
            ],
            &[
                0.023899177037610103,
                -0.9855957926623159,
                -0.14504670226113064,
                -0.04591639803739907,
            ],
            &[
                -0.30117808335282503,
                0.1454662136523025,
                0.3749568760767781,
                -0.00025815863660064994,
            ],
        ],
    );
    // d = 784, the MNIST dimension
    golden_rows(
        3,
        784,
        42,
        &[
            &[
                0.017536452155746368,
                0.04894515422702982,
                -0.007736398849420323,
                0.017476491478470392,
            ],
            &[
                0.022631731857647316,
                -0.03265359698332919,
                -0.0017756128908115335,
                0.06989835740872519,
            ],
            &[
                0.0013718978078015342,
                -0.05657670576706431,
                -0.008326196862249183,
                -0.0026357646420426552,
            ],
        ],
    );
}

/// A fixed dataset that does not depend on any generator: 20 points of X
/// and 15 of Y in R^3 (the pattern of the crate-level example).
fn data() -> (Vec<f64>, Vec<f64>) {
    let x = (0..60).map(|i| ((i * 37) % 101) as f64 / 101.0).collect();
    let y = (0..45)
        .map(|i| ((i * 53) % 103) as f64 / 103.0 + 0.25)
        .collect();
    (x, y)
}

struct Golden {
    seed: u64,
    v: f64,
    v_se: f64,
    u: f64,
    u_se: f64,
    grad: [f64; 6],
    v32: f64,
    r15: f64,
    r15_se: f64,
}

const GOLDEN: [Golden; 2] = [
    Golden {
        seed: 0,
        v: 0.27201131389702055,
        v_se: 0.022773281749732616,
        u: 0.1938116225748799,
        u_se: 0.023840116576774633,
        grad: [
            -0.010532216610159744,
            -0.019882704078595673,
            -0.017363995684340643,
            -0.032528302156627775,
            -0.03263086343577568,
            -0.027394962455625775,
        ],
        v32: 0.27201130660888284,
        r15: 0.37182251062452076,
        r15_se: 0.04706748327619504,
    },
    Golden {
        seed: 42,
        v: 0.2373358989651132,
        v_se: 0.021691295618188486,
        u: 0.15989024259908294,
        u_se: 0.023059949716793482,
        grad: [
            -0.009870138903353476,
            -0.013029560006782735,
            -0.011979222877166787,
            -0.022212594494033292,
            -0.02599197533431635,
            -0.01506715794791906,
        ],
        v32: 0.23733590046083575,
        r15: 0.24607191460247624,
        r15_se: 0.0425235371951887,
    },
];

#[test]
fn sliced_sort_estimates_per_seed() {
    let (x, y) = data();
    let (px, py) = (
        Points::new(&x, 20, 3).unwrap(),
        Points::new(&y, 15, 3).unwrap(),
    );
    for g in &GOLDEN {
        let s = g.seed;
        let est = SlicedSort::new(50).unwrap().with_seed(s);
        let v = est.estimate(&px, &py, Statistic::V).unwrap();
        let u = est.estimate(&px, &py, Statistic::U).unwrap();
        close(&format!("seed {s} V"), v.mmd2, g.v, 0.0, 1e-13);
        close(
            &format!("seed {s} V se"),
            v.std_error.unwrap(),
            g.v_se,
            0.0,
            1e-13,
        );
        close(&format!("seed {s} U"), u.mmd2, g.u, 0.0, 1e-13);
        close(
            &format!("seed {s} U se"),
            u.std_error.unwrap(),
            g.u_se,
            0.0,
            1e-13,
        );
        let (gv, grad) = est.grad(&px, &py).unwrap();
        close(&format!("seed {s} grad value"), gv, g.v, 0.0, 1e-13);
        for (k, (&a, &b)) in grad.iter().zip(&g.grad).enumerate() {
            close(&format!("seed {s} grad[{k}]"), a, b, 1e-17, 1e-13);
        }
        let v32 = est
            .mmd2(&px.cast::<f32>().unwrap(), &py.cast::<f32>().unwrap())
            .unwrap();
        close(&format!("seed {s} V f32"), v32, g.v32, 0.0, 1e-6);
        let r15 = SlicedSort::new(20)
            .unwrap()
            .with_seed(s)
            .with_kernel(Riesz::new(1.5).unwrap())
            .estimate(&px, &py, Statistic::V)
            .unwrap();
        close(&format!("seed {s} r = 1.5"), r15.mmd2, g.r15, 0.0, 1e-13);
        close(
            &format!("seed {s} r = 1.5 se"),
            r15.std_error.unwrap(),
            g.r15_se,
            0.0,
            1e-13,
        );
    }
}

/// The exact estimator has no seed; its value is frozen too (a change of
/// formula or convention, V vs U, would show here).
#[test]
fn naive_energy_distance() {
    let (x, y) = data();
    let (px, py) = (
        Points::new(&x, 20, 3).unwrap(),
        Points::new(&y, 15, 3).unwrap(),
    );
    let est = Naive::new(Riesz::energy());
    close(
        "naive V",
        est.mmd2(&px, &py).unwrap(),
        0.2506412682911485,
        0.0,
        1e-13,
    );
    let u = est.estimate(&px, &py, Statistic::U).unwrap().mmd2;
    close("naive U", u, 0.17332778710757424, 0.0, 1e-13);
}
