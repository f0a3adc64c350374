//! Network fits and weight files.

use smmd_generative::net::{fit, FitOptions, Net, NetShape};

/// A smooth displacement field on [-1, 1]^2: a rotation plus a radial pull.
fn field(n: usize) -> (Vec<f32>, Vec<f32>) {
    let side = (n as f64).sqrt().ceil() as usize;
    let x: Vec<f32> = (0..n)
        .flat_map(|i| {
            let (a, b) = (i % side, i / side);
            [
                2.0 * a as f32 / (side - 1) as f32 - 1.0,
                2.0 * b as f32 / (side - 1) as f32 - 1.0,
            ]
        })
        .collect();
    let t = x
        .chunks(2)
        .flat_map(|p| {
            let r2 = p[0] * p[0] + p[1] * p[1];
            [-0.3 * p[1] - 0.2 * p[0] * r2, 0.3 * p[0] - 0.2 * p[1] * r2]
        })
        .collect();
    (x, t)
}

#[test]
fn fit_reduces_the_loss_on_a_smooth_field() {
    let n = 1024;
    let (x, t) = field(n);
    let shape = NetShape {
        dim: 2,
        hidden: 64,
        layers: 2,
        skip: false,
        conv: None,
    };
    let opts = FitOptions {
        epochs: 60,
        batch: 64,
        validation: 0.2,
        ..FitOptions::default()
    };
    let (net, report) = fit(shape, &x, &t, n, &opts).unwrap();
    // the losses are fractions of the field's mean square: an untrained
    // network explains nothing (about 1), a fitted smooth field almost all
    assert!(report.initial_loss > 0.3, "{report:?}");
    let held = report.validation().unwrap();
    assert!(held < 0.05, "held-out loss {held} of {report:?}");
    assert!(report.train() < report.initial_loss / 10.0);
    assert_eq!(report.rows, (819, 205));
    assert_eq!(report.train_loss.len(), 60);
    // the network's displacement is the fitted field in original units
    let d = net.displacement(&x, n).unwrap();
    let err: f64 = d
        .iter()
        .zip(&t)
        .map(|(a, b)| ((a - b) as f64).powi(2))
        .sum::<f64>();
    let energy: f64 = t.iter().map(|&b| (b as f64).powi(2)).sum();
    assert!(err / energy < 0.05, "relative error {}", err / energy);
}

#[test]
fn fit_is_reproducible_from_its_seed() {
    let n = 256;
    let (x, t) = field(n);
    let shape = NetShape {
        dim: 2,
        hidden: 16,
        layers: 1,
        skip: true,
        conv: None,
    };
    let opts = FitOptions {
        epochs: 3,
        batch: 32,
        seed: 5,
        ..FitOptions::default()
    };
    let (a, ra) = fit(shape, &x, &t, n, &opts).unwrap();
    let (b, rb) = fit(shape, &x, &t, n, &opts).unwrap();
    assert_eq!(ra.train_loss, rb.train_loss);
    let (da, db) = (
        a.displacement(&x, n).unwrap(),
        b.displacement(&x, n).unwrap(),
    );
    assert!(da.iter().zip(&db).all(|(p, q)| p.to_bits() == q.to_bits()));
    let (c, _) = fit(shape, &x, &t, n, &FitOptions { seed: 6, ..opts }).unwrap();
    assert_ne!(c.displacement(&x, n).unwrap(), da);
}

#[test]
fn saved_weights_reload_to_identical_outputs() {
    let n = 300;
    let (x, t) = field(n);
    let shape = NetShape {
        dim: 2,
        hidden: 24,
        layers: 3,
        skip: true,
        conv: None,
    };
    let opts = FitOptions {
        epochs: 2,
        batch: 50,
        ..FitOptions::default()
    };
    let (net, _) = fit(shape, &x, &t, n, &opts).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.safetensors");
    net.save(&path).unwrap();
    let back = Net::load(&path, shape, net.normalization()).unwrap();
    let (a, b) = (
        net.displacement(&x, n).unwrap(),
        back.displacement(&x, n).unwrap(),
    );
    assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));

    // a file of another shape is an error that names the file
    for other in [
        NetShape {
            hidden: 25,
            ..shape
        },
        NetShape {
            skip: false,
            conv: None,
            ..shape
        },
        NetShape { layers: 2, ..shape },
    ] {
        let err = Net::load(&path, other, net.normalization())
            .unwrap_err()
            .to_string();
        assert!(err.contains("net.safetensors"), "{other:?}: {err}");
    }
    let err = Net::load(
        &dir.path().join("missing.safetensors"),
        shape,
        net.normalization(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("missing.safetensors") && err.contains("not found"),
        "{err}"
    );
}

#[test]
fn bad_fit_inputs_are_errors() {
    let shape = NetShape {
        dim: 2,
        hidden: 4,
        layers: 1,
        skip: false,
        conv: None,
    };
    let ok = FitOptions::default();
    let x = vec![0.0f32; 8];
    assert!(fit(shape, &x, &x[..6], 4, &ok).is_err());
    assert!(fit(shape, &x[..2], &x[..2], 1, &ok).is_err());
    let mut bad = x.clone();
    bad[3] = f32::NAN;
    let e = fit(shape, &bad, &x, 4, &ok).unwrap_err().to_string();
    assert!(e.contains("not finite") && e.contains("row 1"), "{e}");
    for opts in [
        FitOptions { epochs: 0, ..ok },
        FitOptions { batch: 0, ..ok },
        FitOptions {
            learning_rate: -1.0,
            ..ok
        },
        FitOptions {
            validation: 0.9,
            ..ok
        },
    ] {
        assert!(fit(shape, &x, &x, 4, &opts).is_err());
    }
    assert!(fit(NetShape { layers: 0, ..shape }, &x, &x, 4, &ok).is_err());
}
