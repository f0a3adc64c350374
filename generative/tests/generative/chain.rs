//! Training a chain, reloading it, sampling from it.

use std::path::Path;

use sliced_mmd::flow::shapes;
use sliced_mmd::DirectionDesign;
use smmd_generative::chain::{Manifest, Noise};
use smmd_generative::eval::energy_distance;
use smmd_generative::images::ImageShape;
use smmd_generative::marginal::MarginalMap;
use smmd_generative::net::FitOptions;
use smmd_generative::train::renewal_seed;
use smmd_generative::{train, Chain, TrainConfig, TrainData};

fn rings(n: usize, seed: u64) -> Vec<f32> {
    shapes::generate("rings", n, seed)
        .unwrap()
        .into_iter()
        .map(|v| v as f32)
        .collect()
}

/// A thin ring: radius 2, radial standard deviation 0.1, around the
/// uniform noise on [-1, 1]^2.
fn ring(n: usize, seed: u64) -> Vec<f32> {
    use rand::RngExt;
    use rand_distr::{Distribution, StandardNormal};
    let mut rng = smmd_generative::rng::substream(seed, 0);
    (0..n)
        .flat_map(|_| {
            let k: f32 = rng.random::<f32>() * std::f32::consts::TAU;
            let r = 2.0
                + 0.1 * <StandardNormal as Distribution<f32>>::sample(&StandardNormal, &mut rng);
            [r * k.cos(), r * k.sin()]
        })
        .collect()
}

/// Fit options with `epochs` and `batch`, the rest default.
fn fit_options(epochs: usize, batch: usize) -> FitOptions {
    FitOptions {
        epochs,
        batch,
        ..FitOptions::default()
    }
}

fn toy_config() -> TrainConfig {
    TrainConfig {
        particles: 1500,
        slices: 100,
        step_size: 0.02,
        momentum: 0.7,
        blocks: 6,
        first_steps: 15,
        growth: 1.3,
        hidden: 64,
        layers: 2,
        fit: fit_options(40, 100),
        ..TrainConfig::default()
    }
}

/// A few short blocks of small networks: the chain tests that check
/// bookkeeping rather than quality.
fn quick_config(particles: usize, blocks: usize) -> TrainConfig {
    TrainConfig {
        particles,
        blocks,
        first_steps: 5,
        hidden: 16,
        fit: fit_options(2, 64),
        ..toy_config()
    }
}

/// 2-D points (`data` holds x, y pairs) as training data.
fn planar<'a>(data: &'a [f32], name: &'a str) -> TrainData<'a> {
    TrainData {
        values: data,
        n: data.len() / 2,
        dim: 2,
        image: None,
        name,
    }
}

/// Train a chain on 2-D `data` (the rings shape) into `dir`.
fn train_rings(data: &[f32], cfg: &TrainConfig, dir: &Path) -> Chain {
    train(planar(data, "rings"), cfg, dir, &mut |_| {}).unwrap()
}

fn train_toy(dir: &Path) -> Chain {
    let data = ring(2000, 1);
    let cfg = TrainConfig {
        particles: 2000,
        step_size: 0.05,
        blocks: 8,
        first_steps: 20,
        noise: Some(Noise {
            low: -1.0,
            high: 1.0,
        }),
        hidden: 128,
        layers: 3,
        fit: fit_options(100, 100),
        ..toy_config()
    };
    train(planar(&data, "ring"), &cfg, dir, &mut |_| {}).unwrap()
}

#[test]
fn learned_chain_brings_fresh_noise_ten_times_closer_to_a_2d_target() {
    let dir = tempfile::tempdir().unwrap();
    let chain = train_toy(dir.path());
    // fresh noise and a fresh sample of the target, neither seen in training
    let count = 2000;
    let target = ring(count, 99);
    let noise = chain.noise(count, 12345).unwrap();
    let samples = chain.push(noise.clone(), count).unwrap();
    let before = energy_distance(&noise, &target, 2).unwrap();
    let after = energy_distance(&samples, &target, 2).unwrap();
    // the floor: two independent samples of the target
    let floor = energy_distance(&ring(count, 7), &target, 2).unwrap();
    eprintln!("energy distance: noise {before:.4e}, chain {after:.4e}, target floor {floor:.4e}");
    assert!(
        after * 10.0 <= before,
        "noise {before:.4e} -> samples {after:.4e}"
    );

    // the manifest records every block
    let m = chain.manifest();
    assert_eq!(m.networks(), 8);
    let steps: Vec<usize> = m.stages[0].nets.iter().map(|r| r.flow_steps).collect();
    let cfg = TrainConfig {
        first_steps: 20,
        ..toy_config()
    };
    assert_eq!(steps, (0..8).map(|k| cfg.steps(k)).collect::<Vec<_>>());
    assert!(steps.windows(2).all(|w| w[1] > w[0]), "{steps:?}");
}

#[test]
fn chain_reloads_and_samples_deterministically_from_its_seed() {
    let dir = tempfile::tempdir().unwrap();
    let data = rings(400, 3);
    let cfg = TrainConfig {
        particles: 400,
        blocks: 2,
        first_steps: 5,
        hidden: 16,
        fit: fit_options(3, 64),
        ..toy_config()
    };
    let trained = train_rings(&data, &cfg, dir.path());
    let loaded = Chain::load(dir.path()).unwrap();
    assert_eq!(loaded.manifest(), trained.manifest());
    let bits = |v: Vec<f32>| v.into_iter().map(f32::to_bits).collect::<Vec<_>>();
    let a = bits(trained.sample(500, 9).unwrap());
    assert_eq!(
        a,
        bits(loaded.sample(500, 9).unwrap()),
        "reloaded chain differs"
    );
    assert_eq!(a, bits(loaded.sample(500, 9).unwrap()), "same seed differs");
    assert_ne!(a, bits(loaded.sample(500, 10).unwrap()), "other seed equal");
    // whatever the number of threads
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let b = pool.install(|| bits(loaded.sample(500, 9).unwrap()));
        assert_eq!(a, b, "{threads} threads");
    }
    // the first rows do not depend on how many are drawn
    assert_eq!(&a[..20], &bits(loaded.sample(10, 9).unwrap())[..]);

    // training itself is reproducible
    let dir2 = tempfile::tempdir().unwrap();
    let again = train_rings(&data, &cfg, dir2.path());
    assert_eq!(a, bits(again.sample(500, 9).unwrap()));
}

#[test]
fn broken_model_folders_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let e = Chain::load(dir.path()).unwrap_err().to_string();
    assert!(e.contains("manifest.json"), "{e}");
    std::fs::write(dir.path().join("manifest.json"), "{\"version\": 1}").unwrap();
    let e = Chain::load(dir.path()).unwrap_err().to_string();
    assert!(e.contains("not a valid manifest"), "{e}");

    // a real manifest whose weights file is gone
    let data = rings(200, 3);
    let cfg = TrainConfig {
        particles: 200,
        blocks: 1,
        first_steps: 2,
        hidden: 8,
        fit: fit_options(1, 50),
        ..toy_config()
    };
    let model = tempfile::tempdir().unwrap();
    train_rings(&data, &cfg, model.path());
    let m = Manifest::read(model.path()).unwrap();
    std::fs::remove_file(model.path().join(&m.stages[0].nets[0].file)).unwrap();
    let e = Chain::load(model.path()).unwrap_err().to_string();
    assert!(e.contains("stage0-block00.safetensors"), "{e}");

    // a manifest from a newer format
    let mut newer = m.clone();
    newer.version = 99;
    newer.write(model.path()).unwrap();
    let e = Chain::load(model.path()).unwrap_err().to_string();
    assert!(e.contains("version 99"), "{e}");
}

#[test]
fn bad_training_options_are_errors() {
    let data = rings(100, 3);
    let values = planar(&data, "rings");
    let dir = tempfile::tempdir().unwrap();
    for (cfg, needle) in [
        (
            TrainConfig {
                particles: 0,
                ..toy_config()
            },
            "particles",
        ),
        (
            TrainConfig {
                momentum: 1.0,
                ..toy_config()
            },
            "momentum",
        ),
        (
            TrainConfig {
                growth: 0.5,
                ..toy_config()
            },
            "growth",
        ),
        (
            TrainConfig {
                step_decay: 0.0,
                ..toy_config()
            },
            "step decay",
        ),
        (
            TrainConfig {
                step_decay: 1.5,
                ..toy_config()
            },
            "step decay",
        ),
        (
            TrainConfig {
                pyramid: vec![2, 1],
                ..toy_config()
            },
            "pyramid",
        ),
        (
            TrainConfig {
                local_slices: 10,
                ..toy_config()
            },
            "patch",
        ),
        (
            TrainConfig {
                pyramid: vec![1, 2],
                ..toy_config()
            },
            "pyramid",
        ),
    ] {
        let e = train(values, &cfg, dir.path(), &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(e.contains(needle), "{needle}: {e}");
    }
}

/// Convolutional branches that do not fit the images of every stage are
/// refused before any work, with the size that does not fit named.
#[test]
fn bad_convolution_options_are_errors() {
    let image = ImageShape {
        width: 8,
        height: 8,
        channels: 1,
    };
    let values: Vec<f32> = (0..20 * 64).map(|i| (i % 7) as f32 / 7.0).collect();
    let data = TrainData {
        values: &values,
        n: 20,
        dim: 64,
        image: Some(image),
        name: "tiny",
    };
    let conv = |kernel, stride, pyramid: Vec<usize>| TrainConfig {
        particles: 20,
        blocks: 1,
        conv_channels: 4,
        conv_kernel: kernel,
        conv_stride: stride,
        pyramid,
        ..toy_config()
    };
    let dir = tempfile::tempdir().unwrap();
    for (cfg, needle) in [
        // 3 does not divide 8
        (conv(3, 3, vec![1]), "convolution stride"),
        // the 4x4 images of the first stage are not cut into 8x8 blocks
        (conv(8, 8, vec![2, 1]), "convolution stride"),
        // a square not centred on its block
        (conv(4, 1, vec![1]), "convolution kernel"),
        (conv(1, 2, vec![1]), "convolution kernel"),
    ] {
        let e = train(data, &cfg, dir.path(), &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(e.contains(needle), "{needle}: {e}");
    }
    // no branch for data that are not images
    let ring = rings(100, 3);
    let e = train(
        planar(&ring, "rings"),
        &conv(3, 1, vec![1]),
        dir.path(),
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("convolution channels"), "{e}");
    // nothing was written
    assert!(!dir.path().join("manifest.json").exists());
}

/// `directions`: the flow's design is recorded in the manifest and
/// changes the chain; the patch estimator of `local_slices` draws its own
/// directions, so another design with it is refused.
#[test]
fn the_flow_direction_design_is_recorded_and_used() {
    let image = ImageShape {
        width: 8,
        height: 8,
        channels: 1,
    };
    let values: Vec<f32> = (0..40 * 64)
        .map(|i| ((i * 37) % 11) as f32 / 11.0)
        .collect();
    let data = TrainData {
        values: &values,
        n: 40,
        dim: 64,
        image: Some(image),
        name: "tiny",
    };
    let cfg = |directions| TrainConfig {
        particles: 40,
        blocks: 2,
        first_steps: 5,
        hidden: 16,
        fit: fit_options(2, 16),
        directions,
        ..toy_config()
    };
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let iid = train(
        data,
        &cfg(DirectionDesign::Iid),
        dirs[0].path(),
        &mut |_| {},
    )
    .unwrap();
    let hadamard = cfg(DirectionDesign::Hadamard);
    train(data, &hadamard, dirs[1].path(), &mut |_| {}).unwrap();
    let reloaded = Chain::load(dirs[1].path()).unwrap();
    assert_eq!(
        reloaded.manifest().training.config.directions,
        DirectionDesign::Hadamard
    );
    assert_ne!(reloaded.sample(10, 3).unwrap(), iid.sample(10, 3).unwrap());
    let local = TrainConfig {
        local_slices: 10,
        patch: 3,
        ..hadamard
    };
    let e = local.validate(64, Some(image)).unwrap_err().to_string();
    assert!(e.contains("directions"), "{e}");
    assert!(TrainConfig {
        directions: DirectionDesign::Iid,
        ..local
    }
    .validate(64, Some(image))
    .is_ok());

    // manifests written before `renew` and `directions` existed load as
    // iid without renewal, the training of those versions
    let path = dirs[0].path().join("manifest.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let config = json["training"]["config"].as_object_mut().unwrap();
    assert_eq!(config.remove("directions"), Some("iid".into()));
    assert_eq!(config.remove("renew"), Some(false.into()));
    std::fs::write(&path, serde_json::to_string(&json).unwrap()).unwrap();
    let old = Chain::load(dirs[0].path()).unwrap();
    assert_eq!(old.manifest(), iid.manifest());
    assert_eq!(old.sample(10, 3).unwrap(), iid.sample(10, 3).unwrap());
}

#[test]
fn step_decay_shrinks_the_step_block_by_block_and_is_recorded() {
    let cfg = TrainConfig {
        step_size: 0.5,
        step_decay: 0.5,
        ..toy_config()
    };
    // exact in binary floating point: powers of two
    assert_eq!(cfg.step_size_of(0), 0.5);
    assert_eq!(cfg.step_size_of(3), 0.0625);
    assert_eq!(TrainConfig::default().step_size_of(7), 0.5);

    // a smaller step moves the particles less: with the step decayed to
    // 1e-3 of its start in the second block, that block's flow barely
    // changes the sliced MMD² while the same block at full step does
    let data = rings(300, 11);
    let values = planar(&data, "rings");
    let run = |decay: f64| {
        let dir = tempfile::tempdir().unwrap();
        let cfg = TrainConfig {
            particles: 600,
            blocks: 2,
            step_decay: decay,
            fit: fit_options(5, 100),
            ..toy_config()
        };
        let mut blocks = Vec::new();
        train(values, &cfg, dir.path(), &mut |b| blocks.push(b.mmd2)).unwrap();
        let manifest = Manifest::read(dir.path()).unwrap();
        assert_eq!(manifest.training.config.step_decay, decay);
        blocks[1]
    };
    let [start, flowed, _] = run(1e-3);
    let [start_full, flowed_full, _] = run(1.0);
    assert_eq!(start, start_full, "the first block is the same");
    // to first order the flow's change of MMD² is proportional to its
    // step (the monitor's directions are fixed per stage, so both runs
    // measure with the same ones): a ratio of 1e-3, a hundred times below
    // the bound, which leaves room for the second-order terms
    let moved_small = (start - flowed).abs() / start;
    let moved_full = (start_full - flowed_full).abs() / start_full;
    assert!(
        moved_small < 0.1 * moved_full,
        "decayed block changed MMD² by {moved_small}, full-step block by {moved_full}"
    );
}

/// Background levels per block: images whose border is exactly 0 (a bright
/// 2x2 square of varying brightness in the middle of 6x6), noise uniform
/// on [0, 1], so the level starts at 1/2.
#[test]
fn block_reports_give_background_levels_for_images_only() {
    use smmd_generative::images::ImageShape;
    let side = 6;
    let n = 300;
    let mut values = vec![0f32; n * side * side];
    for (i, img) in values.chunks_exact_mut(side * side).enumerate() {
        for (r, c) in [(2, 2), (2, 3), (3, 2), (3, 3)] {
            img[r * side + c] = 0.5 + 0.5 * (i as f32 / n as f32);
        }
    }
    let data = TrainData {
        values: &values,
        n,
        dim: side * side,
        image: Some(ImageShape {
            channels: 1,
            height: side,
            width: side,
        }),
        name: "squares",
    };
    let particles = 400;
    let cfg = TrainConfig {
        particles,
        blocks: 2,
        slices: 50,
        step_size: 0.5,
        fit: fit_options(3, 100),
        ..toy_config()
    };
    let dir = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    train(data, &cfg, dir.path(), &mut |b| reports.push(b.background)).unwrap();
    // 32 border pixels per particle, each uniform at the start: mean 1/2,
    // standard error sqrt(1/12) / sqrt(32 particles)
    let se = (1.0f64 / 12.0).sqrt() / ((32 * particles) as f64).sqrt();
    let [flowed, _, _] = reports[0].expect("images have background levels");
    assert!(
        flowed < 0.5 - 6.0 * se,
        "the flow towards black borders left the border at {flowed}"
    );
    for b in &reports {
        let b = b.unwrap();
        assert!(b.iter().all(|v| v.is_finite() && *v >= 0.0), "{b:?}");
    }

    // not images: no background levels
    let ring = rings(200, 5);
    let mut none = Vec::new();
    let cfg = TrainConfig {
        blocks: 1,
        particles: 200,
        ..cfg
    };
    let dir = tempfile::tempdir().unwrap();
    train(planar(&ring, "rings"), &cfg, dir.path(), &mut |b| {
        none.push(b.background)
    })
    .unwrap();
    assert_eq!(none, vec![None]);
}

/// Bounded training: images in `[0, 1]` (a bright square on a black
/// border), particles and samples clipped to the noise range `[0, 1]`.
#[test]
fn bounded_chains_keep_every_sample_in_the_noise_range() {
    let side = 6;
    let n = 300;
    let mut values = vec![0f32; n * side * side];
    for (i, img) in values.chunks_exact_mut(side * side).enumerate() {
        for (r, c) in [(2, 2), (2, 3), (3, 2), (3, 3)] {
            img[r * side + c] = 0.5 + 0.5 * (i as f32 / n as f32);
        }
    }
    let image = ImageShape {
        channels: 1,
        height: side,
        width: side,
    };
    let data = TrainData {
        values: &values,
        n,
        dim: side * side,
        image: Some(image),
        name: "squares",
    };
    let cfg = TrainConfig {
        particles: 400,
        blocks: 3,
        slices: 50,
        step_size: 0.5,
        bounded: true,
        fit: fit_options(3, 100),
        ..toy_config()
    };
    let dir = tempfile::tempdir().unwrap();
    let chain = train(data, &cfg, dir.path(), &mut |_| {}).unwrap();
    assert!(chain.manifest().bounded);
    let count = 500;
    let samples = chain.sample(count, 77).unwrap();
    assert!(
        samples.iter().all(|v| (0.0..=1.0).contains(v)),
        "a sample left [0, 1]"
    );
    // every network's output is clipped, not only the last: with the
    // flag removed from the manifest, the same noise goes elsewhere
    let reloaded = Chain::load(dir.path()).unwrap();
    assert_eq!(reloaded.sample(count, 77).unwrap(), samples);
    let mut manifest = Manifest::read(dir.path()).unwrap();
    manifest.bounded = false;
    manifest.write(dir.path()).unwrap();
    let free = Chain::load(dir.path()).unwrap().sample(count, 77).unwrap();
    let clipped_at_end: Vec<f32> = free.iter().map(|v| v.clamp(0.0, 1.0)).collect();
    assert_ne!(clipped_at_end, samples);

    // the range must hold the data: a value above it is refused before
    // anything is written
    let mut high = values.clone();
    high[0] = 1.5;
    let dir = tempfile::tempdir().unwrap();
    let err = train(
        TrainData {
            values: &high,
            ..data
        },
        &cfg,
        dir.path(),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(err.to_string().contains("noise range"), "{err}");
    assert!(!dir.path().join("manifest.json").exists());
}

#[test]
fn training_into_a_folder_that_holds_a_model_is_refused() {
    let data = rings(200, 4);
    let cfg = TrainConfig {
        particles: 200,
        blocks: 1,
        fit: fit_options(2, 50),
        ..toy_config()
    };
    let dir = tempfile::tempdir().unwrap();
    let first = train_rings(&data, &cfg, dir.path());
    let before = std::fs::read(dir.path().join("manifest.json")).unwrap();
    let cfg2 = TrainConfig { seed: 9, ..cfg };
    let err = train(planar(&data, "rings"), &cfg2, dir.path(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("already holds a model"), "{err}");
    // the first model is untouched
    assert_eq!(
        std::fs::read(dir.path().join("manifest.json")).unwrap(),
        before
    );
    let again = Chain::load(dir.path()).unwrap();
    assert_eq!(again.sample(50, 3).unwrap(), first.sample(50, 3).unwrap());
}

#[test]
fn a_truncated_chain_samples_what_the_chain_had_after_its_first_networks() {
    let dir = tempfile::tempdir().unwrap();
    let data = rings(300, 6);
    let cfg = quick_config(300, 3);
    let chain = train_rings(&data, &cfg, dir.path());
    let count = 100;
    let mut states = Vec::new();
    chain
        .push_observed(chain.noise(count, 4).unwrap(), count, &mut |_, x| {
            states.push(x.to_vec())
        })
        .unwrap();
    assert_eq!(
        states.len(),
        4,
        "the noise and one state after each network"
    );
    for (k, state) in states.iter().enumerate().skip(1) {
        let short = chain.truncated(k).unwrap();
        assert_eq!(short.manifest().networks(), k);
        assert_eq!(
            short.manifest().stages[0].nets[..],
            chain.manifest().stages[0].nets[..k]
        );
        assert_eq!(&short.sample(count, 4).unwrap(), state, "{k} networks");
    }
    for bad in [0, 4] {
        let err = chain.truncated(bad).unwrap_err();
        assert!(err.to_string().contains("networks"), "{err}");
    }
}

/// `marginals`: a quantile map fitted after the last network, recorded in
/// the manifest, saved next to the networks and applied in sampling only
/// by the whole chain.
#[test]
fn a_chain_with_marginals_maps_its_output_into_the_data_marginals() {
    let dir = tempfile::tempdir().unwrap();
    let data = rings(300, 8);
    let cfg = TrainConfig {
        marginals: 16,
        ..quick_config(300, 2)
    };
    let chain = train_rings(&data, &cfg, dir.path());
    let record = chain.manifest().marginals.clone().unwrap();
    assert_eq!((record.knots, record.samples), (16, 300));
    assert!(dir.path().join(&record.file).exists());
    let map = chain.marginals().unwrap();
    // the target knots are the data's quantiles: its extremes at the ends
    for j in 0..2 {
        let column: Vec<f32> = data.iter().skip(j).step_by(2).copied().collect();
        let (lo, hi) = column
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let (_, t) = map.coordinate(j);
        assert_eq!((t[0], t[15]), (lo, hi));
    }
    let count = 400;
    let samples = chain.sample(count, 5).unwrap();
    for (i, v) in samples.iter().enumerate() {
        let (_, t) = map.coordinate(i % 2);
        assert!(*v >= t[0] && *v <= t[15], "sample value {i}: {v}");
    }
    // reloaded: the same samples; the map is the last step of sampling
    let reloaded = Chain::load(dir.path()).unwrap();
    assert_eq!(reloaded.sample(count, 5).unwrap(), samples);
    assert_eq!(reloaded.marginals(), Some(map));
    let mut raw = chain.truncated(1).unwrap();
    assert!(raw.marginals().is_none() && raw.manifest().marginals.is_none());
    raw = chain.truncated(2).unwrap();
    assert_eq!(raw.sample(count, 5).unwrap(), samples);
    let mut manifest = Manifest::read(dir.path()).unwrap();
    manifest.marginals = None;
    manifest.write(dir.path()).unwrap();
    let unmapped = Chain::load(dir.path()).unwrap().sample(count, 5).unwrap();
    assert_ne!(unmapped, samples);
    let mut mapped = unmapped;
    map.apply(&mut mapped).unwrap();
    assert_eq!(mapped, samples);

    // one knot is no map
    let bad = TrainConfig {
        marginals: 1,
        ..cfg
    };
    let err = bad.validate(2, None).unwrap_err();
    assert!(err.to_string().contains("marginals"), "{err}");
}

/// `renew`: every block after the first starts its flow from new noise
/// pushed through the networks fitted so far. The first network is the
/// one training without `renew` fits; the particles after the last
/// network, which the marginal map is fitted to, are the chain's output on
/// the last block's renewal noise.
#[test]
fn renewed_blocks_start_from_new_noise_through_the_chain_so_far() {
    let data = rings(300, 8);
    let cfg = TrainConfig {
        renew: true,
        marginals: 16,
        ..quick_config(300, 3)
    };
    let count = 50;
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut reports = Vec::new();
    let renewed = train(planar(&data, "rings"), &cfg, dirs[0].path(), &mut |r| {
        reports.push(r.mmd2)
    })
    .unwrap();
    let unmapped = train_rings(
        &data,
        &TrainConfig {
            marginals: 0,
            ..cfg.clone()
        },
        dirs[1].path(),
    );
    let plain = train_rings(
        &data,
        &TrainConfig {
            renew: false,
            ..cfg.clone()
        },
        dirs[2].path(),
    );
    let first = |c: &Chain| c.truncated(1).unwrap().sample(count, 4).unwrap();
    let two = |c: &Chain| c.truncated(2).unwrap().sample(count, 4).unwrap();
    assert_eq!(first(&renewed), first(&plain));
    assert_ne!(two(&renewed), two(&plain));
    // the particles after the last network come from the last block's
    // renewal noise; the map, fitted after them, leaves the networks alone
    let last = renewal_seed(cfg.seed, 0, cfg.blocks - 1);
    assert_eq!(cfg.last_noise_seed(), last);
    // an unchecked configuration without blocks or stages does not panic
    let empty = TrainConfig {
        blocks: 0,
        pyramid: Vec::new(),
        ..cfg.clone()
    };
    assert_eq!(empty.last_noise_seed(), renewal_seed(cfg.seed, 0, 0));
    let particles = unmapped.sample(cfg.particles, last).unwrap();
    let map = MarginalMap::fit(&particles, &data, 2, 16).unwrap();
    assert_eq!(renewed.marginals(), Some(&map));
    let mut mapped = unmapped.sample(count, 4).unwrap();
    map.apply(&mut mapped).unwrap();
    assert_eq!(mapped, renewed.sample(count, 4).unwrap());
    // each block's start is measured on its new particles, not on the
    // previous block's network output
    for k in 1..cfg.blocks {
        assert_ne!(reports[k][0], reports[k - 1][2], "block {k}");
    }
    assert!(
        Chain::load(dirs[0].path())
            .unwrap()
            .manifest()
            .training
            .config
            .renew
    );
}
