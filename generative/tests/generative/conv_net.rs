//! The convolutional network option: identity at the start, warm starts,
//! bit-identical reload.

use rand::RngExt;
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
            kernel: 3,
            stride: 1,
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
    // a branch that does not fit the dimension is an error, and so is a
    // square without a centre
    let bad = NetShape { dim: 31, ..shape() };
    assert!(Net::untrained(bad, 0).is_err());
    let even = NetShape {
        conv: Some(ConvShape {
            kernel: 4,
            ..shape().conv.unwrap()
        }),
        ..shape()
    };
    let err = Net::untrained(even, 0).unwrap_err().to_string();
    assert!(err.contains("kernel") && err.contains("even"), "{err}");
}

/// The squares the branch reads, against a direct reading of the image:
/// in block `(bi, bj)`, offset `(di, dj)` of channel `ch` is the image's
/// pixel `(bi s + di - m, bj s + dj - m)` with `m = (kernel - stride) / 2`,
/// zero outside; two channels, strides 1 and 2, squares up to larger
/// than the image's width.
#[test]
fn the_squares_are_the_neighbourhoods_of_each_block() {
    let image = ImageShape {
        width: 4,
        height: 6,
        channels: 2,
    };
    let d = image.dim();
    for (kernel, stride) in [(1, 1), (3, 1), (5, 1), (2, 2), (4, 2), (6, 2)] {
        let conv = ConvShape {
            image,
            channels: 1,
            kernel,
            stride,
        };
        conv.validate().unwrap();
        let n = 2;
        let x: Vec<f32> = (0..n * d).map(|v| v as f32 + 1.0).collect();
        let p = conv.patches(&x, n);
        let len = conv.patch_len();
        let (hb, wb) = (6 / stride, 4 / stride);
        assert_eq!(len, kernel * kernel * 2);
        assert_eq!(conv.blocks(), hb * wb);
        assert_eq!(p.len(), n * hb * wb * len);
        let m = ((kernel - stride) / 2) as isize;
        let (k, s) = (kernel as isize, stride as isize);
        for row in 0..n {
            for bi in 0..hb as isize {
                for bj in 0..wb as isize {
                    for di in 0..k {
                        for dj in 0..k {
                            for ch in 0..2 {
                                let (i, j) = (bi * s + di - m, bj * s + dj - m);
                                let want = if (0..6).contains(&i) && (0..4).contains(&j) {
                                    x[row * d + ch * 24 + (i * 4 + j) as usize]
                                } else {
                                    0.0
                                };
                                let block = row * hb * wb + (bi * wb as isize + bj) as usize;
                                let at = block * len + ((di * k + dj) * 2) as usize + ch;
                                assert_eq!(
                                    p[at], want,
                                    "kernel {kernel} stride {stride} row {row} block ({bi},{bj}) ({di},{dj}) ch {ch}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    // strides that do not divide the image, squares not centred on their
    // block or smaller than it, and no channels are refused
    for (kernel, stride, channels, what) in [
        (5, 4, 1, "stride"),
        (3, 2, 1, "kernel"),
        (1, 2, 1, "kernel"),
        (3, 1, 0, "channels"),
    ] {
        let bad = ConvShape {
            image,
            channels,
            kernel,
            stride,
        };
        let err = bad.validate().unwrap_err().to_string();
        assert!(err.contains(what), "{kernel} {stride} {channels}: {err}");
    }
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

/// The branch alone fits a field it can represent exactly and a perceptron
/// of width 1 cannot: on two-channel images, channel 0 moves by half the
/// positive part of its left neighbour in channel 1, channel 1 by minus a
/// quarter of itself. A 3x3 square holds both inputs, so the branch (with
/// the displacements back in CHW order) can drive the loss to zero; the
/// perceptron's output, `w relu(a.x + b) + c`, lies on a line, so its mean
/// squared error is at least the field's variance off its first principal
/// axis (the best rank-1 affine fit), whatever its weights.
#[test]
fn the_branch_fits_a_local_field_on_two_channels() {
    let image = ImageShape {
        width: 6,
        height: 4,
        channels: 2,
    };
    let d = image.dim();
    let n = 600;
    // independent uniform inputs on [-1, 1)
    let mut rng = smmd_generative::rng::substream(11, 0);
    let x: Vec<f32> = (0..n * d)
        .map(|_| 2.0 * rng.random::<f32>() - 1.0)
        .collect();
    let t: Vec<f32> = x
        .chunks(d)
        .flat_map(|r| {
            (0..d).map(move |p| {
                let (ch, q) = (p / 24, p % 24);
                if ch == 0 {
                    let left = if q % 6 == 0 { 0.0 } else { r[24 + q - 1] };
                    left.max(0.0) / 2.0
                } else {
                    -r[p] / 4.0
                }
            })
        })
        .collect();
    let narrow = NetShape {
        dim: d,
        hidden: 1,
        layers: 1,
        skip: false,
        conv: None,
    };
    let opts = FitOptions {
        epochs: 60,
        batch: 50,
        learning_rate: 3e-3,
        ..FitOptions::default()
    };
    // the loss unit: the displacements' mean square; the bound: the
    // covariance's eigenvalues but the largest, per coordinate. For uniform
    // inputs it is 0.73: total variance 24/48 + 20 (1/24 - 1/64) = 1.021,
    // largest eigenvalue (9 + 65^0.5)/384 = 0.044 (a pixel of channel 1
    // with its right neighbour of channel 0), mean square 4/3 per 48; a
    // sample of 600 rows stays well above 0.5
    let mean_square = t.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / t.len() as f64;
    let mut centred = nalgebra::DMatrix::from_row_slice(n, d, &t).map(f64::from);
    for mut column in centred.column_iter_mut() {
        let mean = column.mean();
        column.add_scalar_mut(-mean);
    }
    let covariance = centred.transpose() * &centred / n as f64;
    let eigen = covariance.symmetric_eigenvalues();
    let bound = (eigen.sum() - eigen.max()) / d as f64 / mean_square;
    assert!(bound > 0.5, "the field is nearly rank 1: bound {bound}");
    let (net, alone) = fit(narrow, &x, &t, n, &opts).unwrap();
    let got = net.displacement(&x, n).unwrap();
    let loss = got
        .iter()
        .zip(&t)
        .map(|(&g, &v)| f64::from(g - v).powi(2))
        .sum::<f64>()
        / t.len() as f64
        / mean_square;
    // f32 arithmetic in the network: relative 1e-4 is far above its rounding
    assert!(loss >= bound * (1.0 - 1e-4), "{loss} < {bound}: {alone:?}");
    // stride 2: blocks of 2x2 pixels from 4x4 squares, which hold the left
    // neighbour of every pixel of the block; 16 channels hold the 4
    // positive parts and the 4 pairs relu(v), relu(-v) of a block
    for (kernel, stride) in [(3, 1), (4, 2)] {
        let with_branch = NetShape {
            conv: Some(ConvShape {
                image,
                channels: 16,
                kernel,
                stride,
            }),
            ..narrow
        };
        let (_, conv) = fit(with_branch, &x, &t, n, &opts).unwrap();
        assert!(
            conv.train() < 0.1 * bound,
            "kernel {kernel} stride {stride}: {conv:?}, bound {bound}"
        );
    }
}
