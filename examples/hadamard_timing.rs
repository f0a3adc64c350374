//! Projection and back-projection time of the flagship gradient step
//! (N = M = 20000, d = 784, P = 1000, f32) with drawn Hadamard directions
//! (fast Walsh-Hadamard transforms) against iid directions (dense matrix
//! products), measured in the same process, alternating, median of the
//! repeats.
//!
//! Run: `cargo run --release --example hadamard_timing [-- N D P REPEATS]`

use std::time::Duration;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use sliced_mmd::{DirectionDesign, Points, SlicedSort, Timings};

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let get = |i: usize, def: usize| args.get(i).copied().unwrap_or(def);
    let (n, d, p, reps) = (get(0, 20000), get(1, 784), get(2, 1000), get(3, 3));
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut draw = |shift: f32| -> Vec<f32> {
        (0..n * d)
            .map(|i| {
                let z: f32 = StandardNormal.sample(&mut rng);
                z + if i % d == 0 { shift } else { 0.0 }
            })
            .collect()
    };
    let (xs, ys) = (draw(0.0), draw(1.0));
    let (x, y) = (Points::new(&xs, n, d)?, Points::new(&ys, n, d)?);
    let mut g = vec![0.0f32; n * d];
    let mut runs: Vec<(DirectionDesign, Vec<Timings>)> = vec![
        (DirectionDesign::Iid, Vec::new()),
        (DirectionDesign::Hadamard, Vec::new()),
    ];
    println!(
        "N = M = {n}, d = {d}, P = {p}, f32, {} threads, median of {reps}",
        rayon::current_num_threads()
    );
    for rep in 0..reps {
        for (design, times) in runs.iter_mut() {
            let est = SlicedSort::new(p)?
                .with_seed(rep as u64)
                .with_design(*design);
            let (_, t) = est.grad_profiled(&x, &y, &mut g)?;
            times.push(t);
        }
    }
    println!("design      directions  projection  sort      back-proj  proj+back  total   (s)");
    let mut pb = Vec::new();
    for (design, times) in &runs {
        let col = |f: fn(&Timings) -> Duration| median(times.iter().map(f).collect());
        let both = col(|t| t.projection + t.back_projection);
        pb.push(both);
        println!(
            "{:<11} {:<11.4} {:<11.4} {:<9.4} {:<10.4} {:<10.4} {:.4}",
            design.name(),
            col(|t| t.directions),
            col(|t| t.projection),
            col(|t| t.sort),
            col(|t| t.back_projection),
            both,
            col(|t| t.total),
        );
    }
    println!(
        "projection + back-projection, hadamard / dense: {:.3}",
        pb[1] / pb[0]
    );
    Ok(())
}
