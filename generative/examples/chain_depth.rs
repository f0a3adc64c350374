//! How the held-out figures of a trained chain change with its depth: the
//! chain cut after its first `k` networks ([`Chain::truncated`]), for
//! every `k` in steps of `--every`, evaluated like `smmd-gen train` does at
//! the end of a run (the same split, noise and classifier).
//!
//! ```sh
//! smmd-gen train --data data/mnist_5k.csv.gz --holdout 1000 --out models/mnist
//! cargo run --release -p sliced-mmd-generative --example chain_depth -- \
//!     models/mnist data/mnist_5k.csv.gz 1000 0 2
//! ```
//!
//! Arguments: the model folder, the data it was trained on, the number of
//! held-out images and the split seed given to `smmd-gen train` (defaults
//! 1000 and 0), the step between depths (default 2) and, optionally, the
//! word `clip`: the samples are clipped to `[0, 1]` before the figures,
//! which says what clipping a chain's output buys against training it
//! `--bounded`. The figures need labelled images (the MNIST CSV, IDX files
//! with their labels).

mod common;

use common::{Error, HeldOutFigures, HEADER};
use smmd_generative::images::{clamp_unit, read_data};
use smmd_generative::Chain;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err("usage: chain_depth MODEL DATA [HOLDOUT] [SEED] [EVERY] [clip]".into());
    }
    let number = |i: usize, default: usize| -> Result<usize, Error> {
        Ok(args
            .get(i)
            .map(|s| s.parse())
            .transpose()?
            .unwrap_or(default))
    };
    let (holdout, seed, every) = (number(2, 1000)?, number(3, 0)? as u64, number(4, 2)?.max(1));
    let clip = match args.get(5).map(String::as_str) {
        None => false,
        Some("clip") => true,
        Some(other) => {
            return Err(format!("{other}: the sixth argument is `clip` or nothing").into())
        }
    };
    let chain = Chain::load(args[0].as_ref())?;
    let data = read_data(args[1].as_ref(), None)?;
    let figures = HeldOutFigures::new(&data, holdout, seed)?;
    println!("networks,{HEADER}");
    let total = chain.manifest().networks();
    let mut depths: Vec<usize> = (every..=total).step_by(every).collect();
    if depths.last() != Some(&total) {
        depths.push(total);
    }
    for k in depths {
        let short = chain.truncated(k)?;
        if short.manifest().output_dim() != data.dim {
            continue; // an earlier stage of a pyramid: another resolution
        }
        // the noise of `smmd-gen train`'s figures
        let mut generated = short.sample(figures.count(), seed.wrapping_add(1))?;
        if clip {
            clamp_unit(&mut generated);
        }
        println!("{k},{}", figures.row(&generated)?);
    }
    Ok(())
}
