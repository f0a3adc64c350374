//! The convolutional network option: identity at the start, warm starts,
//! bit-identical reload.

use smmd_generative::images::ImageShape;
use smmd_generative::net::{fit, fit_from, ConvShape, FitOptions, Net, NetShape};

const IMAGE: ImageShape = ImageShape {
    width: 6,
    height: 5,
    channels: 1,
};

fn shape() -> NetShape {
    NetShape {
        dim: 30,
        hidden: 32,
        layers: 2,
        skip: true,
        conv: Some(ConvShape {
            image: IMAGE,
            channels: 4,
        }),
    }
}

/// `n` images: a smooth function of two per-row parameters.
fn images(n: usize) -> Vec<f32> {
    (0..n)
        .flat_map(|i| {
            let (a, b) = ((i % 17) as f32 / 17.0, (i % 13) as f32 / 13.0);
            (0..30).map(move |p| (a * (p % 6) as f32 / 6.0 + b * (p / 6) as f32 / 5.0).sin())
        })
        .collect()
}

/// A displacement field that is local in the image: each pixel moves by
/// a third of its left neighbour minus a quarter of itself.
fn field(x: &[f32]) -> Vec<f32> {
    x.chunks(30)
        .flat_map(|r| {
            (0..30).map(move |p| {
                let left = if p % 6 == 0 { 0.0 } else { r[p - 1] };
                left / 3.0 - r[p] / 4.0
            })
        })
        .collect()
}

#[test]
fn an_untrained_conv_network_is_the_identity() {
    let net = Net::untrained(shape(), 11).unwrap();
    let x = images(50);
    // the last layer of every branch is zero, so the displacement is an
    // exact sum of zeros
    assert!(net.displacement(&x, 50).unwrap().iter().all(|&v| v == 0.0));
    let mut y = x.clone();
    net.push(&mut y, 50).unwrap();
    assert_eq!(x, y);
    // the perceptron alone is not (it starts at random weights)
    let mlp = Net::untrained(
        NetShape {
            conv: None,
            ..shape()
        },
        11,
    )
    .unwrap();
    assert!(mlp.displacement(&x, 50).unwrap().iter().any(|&v| v != 0.0));
    // a branch that does not fit the dimension is an error
    let bad = NetShape { dim: 31, ..shape() };
    assert!(Net::untrained(bad, 0).is_err());
}

#[test]
fn conv_fit_learns_warm_starts_and_reloads_bit_identical() {
    let n = 600;
    let x = images(n);
    let t = field(&x);
    let opts = FitOptions {
        epochs: 15,
        batch: 50,
        learning_rate: 3e-3,
        ..FitOptions::default()
    };
    let (net, report) = fit(shape(), &x, &t, n, &opts).unwrap();
    // zero start: the initial loss is the targets' normalised mean square
    // over the training rows, about 1
    assert!((report.initial_loss - 1.0).abs() < 0.2, "{report:?}");
    assert!(report.train() < 0.2 * report.initial_loss, "{report:?}");

    // warm start on the same data: it starts where the previous fit ended
    let (_, warm) = fit_from(shape(), &x, &t, n, &opts, Some(&net)).unwrap();
    assert!(warm.initial_loss < 0.5 * report.initial_loss, "{warm:?}");
    assert!(
        warm.initial_loss <= 2.0 * report.train(),
        "{warm:?} {report:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.safetensors");
    net.save(&path).unwrap();
    let back = Net::load(&path, shape(), net.normalization()).unwrap();
    assert_eq!(
        net.displacement(&x, n).unwrap(),
        back.displacement(&x, n).unwrap()
    );
    // the same file does not load as the perceptron alone
    assert!(Net::load(
        &path,
        NetShape {
            conv: None,
            ..shape()
        },
        net.normalization()
    )
    .is_err());
}
