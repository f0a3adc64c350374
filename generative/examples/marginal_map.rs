//! What a marginal map ([`MarginalMap`], `smmd-gen train --marginals`)
//! buys a chain that was trained without one: the map is fitted here, from
//! the chain's output on fresh noise to the training split, with each
//! number of knots given, and the held-out figures of the mapped samples
//! are printed next to those of the raw ones (the same split, noise and
//! classifier as `smmd-gen train`).
//!
//! ```sh
//! smmd-gen train --data data/mnist_5k.csv.gz --holdout 1000 --out models/mnist
//! cargo run --release -p sliced-mmd-generative --example marginal_map -- \
//!     models/mnist data/mnist_5k.csv.gz 256 64
//! ```
//!
//! Arguments: the model folder, the data it was trained on and one or
//! more numbers of knots. The chain's training particles after its last
//! network are its output on the noise of
//! [`TrainConfig::last_noise_seed`](smmd_generative::TrainConfig::last_noise_seed),
//! so by default (`--fit-seed` that seed, `--samples` the training particles) the map is the one
//! `--marginals` would have fitted; another
//! `--fit-seed` fits it on other noise. `--holdout H`: as given to
//! `smmd-gen train` (default 1000; the split's seed is the training
//! seed). The figures need labelled images.
//!
//! `--variants`: after the rows of the knots, rows of partial maps built
//! from the first knot count's map `T` and the raw value `x` (each value
//! clipped to `[0, 1]`): `clip` (no map), `darken` (`min(x, T(x))`: the
//! map may only lower a value), `background` (`0` where `T(x) = 0`, `x`
//! elsewhere) and `blend-L` (`x + L (T(x) - x)`, L = 0.25, 0.5, 0.75).

mod common;

use common::{Error, HeldOutFigures, HEADER};
use smmd_generative::images::read_data;
use smmd_generative::marginal::MarginalMap;
use smmd_generative::metrics::clip_unit;
use smmd_generative::Chain;

fn main() -> Result<(), Error> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let variants = match args.iter().position(|a| a == "--variants") {
        Some(i) => {
            args.remove(i);
            true
        }
        None => false,
    };
    let mut option = |name: &str| -> Result<Option<usize>, Error> {
        match args.iter().position(|a| a == name) {
            None => Ok(None),
            Some(i) if i + 1 < args.len() => {
                let v = args.remove(i + 1).parse()?;
                args.remove(i);
                Ok(Some(v))
            }
            Some(_) => Err(format!("{name} needs a value").into()),
        }
    };
    let samples = option("--samples")?;
    let fit_seed = option("--fit-seed")?;
    let holdout = option("--holdout")?.unwrap_or(1000);
    if args.len() < 3 {
        return Err(
            "usage: marginal_map MODEL DATA KNOTS... [--fit-seed S] [--samples N] [--holdout H] [--variants]"
                .into(),
        );
    }
    let chain = Chain::load(args[0].as_ref())?;
    let config = &chain.manifest().training.config;
    let split_seed = config.seed;
    let fit_seed = fit_seed.map_or(config.last_noise_seed(), |s| s as u64);
    let fit_rows = samples.unwrap_or(config.particles);
    if chain.marginals().is_some() {
        return Err(format!("{}: the chain has a marginal map already", args[0]).into());
    }
    let data = read_data(args[1].as_ref(), None)?;
    let knots = args[2..]
        .iter()
        .map(|s| s.parse::<usize>())
        .collect::<Result<Vec<_>, _>>()?;
    if chain.manifest().output_dim() != data.dim {
        return Err("the chain's output is not of the data's dimension".into());
    }
    let figures = HeldOutFigures::new(&data, holdout, split_seed)?;
    let fit = chain.sample(fit_rows, fit_seed)?;
    // the noise of `smmd-gen train`'s figures
    let generated = chain.sample(figures.count(), split_seed.wrapping_add(1))?;
    println!("knots,{HEADER}");
    println!("none,{}", figures.row(&generated)?);
    let mut first = None;
    for &k in &knots {
        let mut g = generated.clone();
        MarginalMap::fit(&fit, figures.train(), data.dim, k)?.apply(&mut g)?;
        println!("{k},{}", figures.row(&g)?);
        first.get_or_insert(g);
    }
    if let (true, Some(mapped)) = (variants, first) {
        // the raw values clipped; the map's values are the data's, in [0, 1]
        // already, so every partial map below stays in [0, 1]
        let clipped = clip_unit(&generated);
        let partial = |f: &dyn Fn(f32, f32) -> f32| -> Vec<f32> {
            clipped
                .iter()
                .zip(&mapped)
                .map(|(&x, &t)| f(x, t))
                .collect()
        };
        println!("clip,{}", figures.row(&clipped)?);
        println!("darken,{}", figures.row(&partial(&|x, t| x.min(t)))?);
        let background = partial(&|x, t| if t == 0.0 { 0.0 } else { x });
        println!("background,{}", figures.row(&background)?);
        for l in [0.25f32, 0.5, 0.75] {
            let blend = partial(&|x, t| x + l * (t - x));
            println!("blend-{l},{}", figures.row(&blend)?);
        }
    }
    Ok(())
}
