//! What the convolutional branch costs a network fit, as a ratio to the
//! perceptron alone, measured in the same run.
//!
//! ```sh
//! cargo run --release -p sliced-mmd-generative --example branch_cost
//! cargo run --release -p sliced-mmd-generative --example branch_cost -- 5,1,16 6,2,32
//! ```
//!
//! Each argument is `kernel,stride,channels` of a branch ([`ConvShape`]);
//! without arguments a few are timed. Every fit is 4 epochs of 2000 rows of
//! 28x28 images (batch 256, the MNIST network: perceptron 784-512-512-784
//! with skip map), repeated three times; the best time is printed.

use std::time::Instant;

use smmd_generative::images::ImageShape;
use smmd_generative::net::{fit, ConvShape, FitOptions, NetShape};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (n, d) = (2000, 784);
    // smooth images and a displacement that depends on the neighbourhood
    let x: Vec<f32> = (0..n * d)
        .map(|i| {
            let (r, p) = (i / d, i % d);
            let (a, b) = ((r % 17) as f32 / 17.0, (r % 13) as f32 / 13.0);
            (a * (p % 28) as f32 / 28.0 + b * (p / 28) as f32 / 28.0).sin()
        })
        .collect();
    let t: Vec<f32> = x
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let left = if i % 28 == 0 { 0.0 } else { x[i - 1] };
            left.max(0.0) / 3.0 - v / 4.0
        })
        .collect();
    let image = ImageShape {
        width: 28,
        height: 28,
        channels: 1,
    };
    let mlp = NetShape {
        dim: d,
        hidden: 512,
        layers: 2,
        skip: true,
        conv: None,
    };
    let opts = FitOptions {
        epochs: 4,
        ..FitOptions::default()
    };
    let mut branches: Vec<(usize, usize, usize)> = Vec::new();
    for arg in std::env::args().skip(1) {
        let v: Vec<usize> = arg
            .split(',')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{arg}: expected kernel,stride,channels ({e})"))?;
        match v[..] {
            [k, s, c] => branches.push((k, s, c)),
            _ => return Err(format!("{arg}: expected kernel,stride,channels").into()),
        }
    }
    if branches.is_empty() {
        branches = vec![(3, 1, 8), (5, 1, 16), (6, 2, 32), (8, 4, 64)];
    }
    let time = |shape: NetShape| -> Result<(f64, f64), Box<dyn std::error::Error>> {
        let mut best = f64::INFINITY;
        let mut loss = 0.0;
        for _ in 0..3 {
            let start = Instant::now();
            let (_, report) = fit(shape, &x, &t, n, &opts)?;
            best = best.min(start.elapsed().as_secs_f64());
            loss = report.train();
        }
        Ok((best, loss))
    };
    let (base, base_loss) = time(mlp)?;
    println!("perceptron alone: {base:.2} s, fit loss {base_loss:.3}");
    for (kernel, stride, channels) in branches {
        let conv = ConvShape {
            image,
            channels,
            kernel,
            stride,
        };
        let shape = NetShape {
            conv: Some(conv),
            ..mlp
        };
        shape.validate()?;
        let (secs, loss) = time(shape)?;
        println!(
            "+ branch kernel {kernel} stride {stride} channels {channels}: {secs:.2} s ({:.2}x the perceptron alone; branch {} parameters), fit loss {loss:.3}",
            secs / base,
            shape.parameters() - mlp.parameters()
        );
    }
    Ok(())
}
