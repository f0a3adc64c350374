//! How much the held-out figures of `smmd-gen train` move from one draw
//! of 1000 images to the next. The report's first figures are one draw:
//! 1000 samples from one noise seed against the 1000 held-out images,
//! and a floor from the first 1000 training images; `smmd-gen train
//! --draws` adds the classifier's Fréchet distance, precision and recall
//! over several draws ([`QualityReference::draws`]). This example does
//! the same for every figure of the report and for several models at
//! once: each model is sampled with `--sets K` noise seeds (the first is
//! the report's, the others 1000 apart, as `--draws`), and the floor is
//! taken from every disjoint set of 1000 training images; each figure is
//! printed per draw, then as a mean with its standard error
//! ([`Spread`]).
//!
//! [`QualityReference::draws`]: smmd_generative::classifier::QualityReference::draws
//!
//! ```sh
//! smmd-gen train --data data/mnist_5k.csv.gz --holdout 1000 --out models/mnist
//! cargo run --release -p sliced-mmd-generative --example draws -- \
//!     data/mnist_5k.csv.gz models/mnist --sets 8
//! ```
//!
//! Arguments: the data the models were trained on, one or more model
//! folders (trained with `--holdout 1000` and the same seed), `--sets K`
//! (default 8). The ratios of every row are to the report's floors (the
//! first 1000 training images'), so a training set's row shows how far
//! that set is from the held-out images in those units; the last line of
//! each model divides its mean by the training sets' mean.

mod common;

use common::{Error, HeldOutFigures, HEADER};
use smmd_generative::classifier::Spread;
use smmd_generative::eval::draw_seed;
use smmd_generative::images::read_data;
use smmd_generative::Chain;

/// Mean and standard error of each column, printed as one line.
fn print_summary(name: &str, rows: &[[f64; 7]]) -> Result<Vec<Spread>, Error> {
    let s = (0..7)
        .map(|c| Spread::of(&rows.iter().map(|r| r[c]).collect::<Vec<f64>>()))
        .collect::<Result<Vec<Spread>, _>>()?;
    let cells: Vec<String> = s
        .iter()
        .map(|x| format!("{:.3} ± {:.3}", x.mean, x.std_error))
        .collect();
    println!("{name},mean ± s.e. of {},{}", rows.len(), cells.join(","));
    Ok(s)
}

fn main() -> Result<(), Error> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let sets = match args.iter().position(|a| a == "--sets") {
        Some(i) if i + 1 < args.len() => {
            let k: u64 = args.remove(i + 1).parse()?;
            args.remove(i);
            k
        }
        Some(_) => return Err("--sets needs a value".into()),
        None => 8,
    };
    if args.len() < 2 || sets < 2 {
        return Err("usage: draws DATA MODEL... [--sets K >= 2]".into());
    }
    let data = read_data(args[0].as_ref(), None)?;
    let mut figures: Option<(u64, HeldOutFigures)> = None;
    let mut floor: Vec<Spread> = Vec::new();
    println!("draw,set,{HEADER}");
    for dir in &args[1..] {
        let chain = Chain::load(dir.as_ref())?;
        let seed = chain.manifest().training.config.seed;
        let (first, f) = match &figures {
            Some(found) => found,
            None => {
                let f = HeldOutFigures::new(&data, 1000, seed)?;
                let (n, d) = (f.count(), data.dim);
                let mut rows = Vec::new();
                for (k, set) in f.train().chunks_exact(n * d).enumerate() {
                    let v = f.values(set)?;
                    println!("training images,{k},{}", f.row(set)?);
                    rows.push(v);
                }
                if rows.len() < 2 {
                    return Err("fewer than 2 sets of training images".into());
                }
                floor = print_summary("training images", &rows)?;
                figures.insert((seed, f))
            }
        };
        if seed != *first {
            return Err(format!("{dir}: seed {seed}, the first model's is {first}").into());
        }
        let mut rows = Vec::new();
        for k in 0..sets {
            // the report's draw first, then those of `--draws`
            let g = chain.sample(f.count(), draw_seed(seed, k))?;
            println!("{dir},{k},{}", f.row(&g)?);
            rows.push(f.values(&g)?);
        }
        let s = print_summary(dir, &rows)?;
        println!(
            "{dir},mean / training images' mean,energy {:.3},Fréchet {:.3},precision {:.3},recall {:.3}",
            s[0].mean / floor[0].mean,
            s[1].mean / floor[1].mean,
            s[2].mean / floor[2].mean,
            s[3].mean / floor[3].mean
        );
    }
    Ok(())
}
