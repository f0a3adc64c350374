//! The image pipeline end to end on tiny synthetic datasets written in the
//! FashionMNIST (IDX) and CIFAR-10 (binary batch) formats: `smmd-gen train`
//! with held-out evaluation, then `smmd-gen generate`.

use std::path::{Path, PathBuf};
use std::process::Command;

use sliced_mmd::io::{read_points, ImageSet};
use smmd_generative::images::{downsample, load_dataset, patch_directions, upsample, ImageShape};

fn smmd_gen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_smmd-gen"))
        .args(args)
        .output()
        .expect("smmd-gen runs")
}

/// Image `i`: a bright bar whose position depends on `i`, on a dim
/// gradient shifted by `i`, so that no two images are equal (bytes, `i < 200`).
fn synthetic(i: usize, channels: usize, side: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(channels * side * side);
    for c in 0..channels {
        for r in 0..side {
            for col in 0..side {
                let bar = (col + c) % side == (i * 7) % side || r == (i * 3) % side;
                out.push(if bar {
                    230
                } else {
                    ((r + col) * 40 / side + i) as u8
                });
            }
        }
    }
    out
}

/// FashionMNIST layout: train-images-idx3-ubyte and train-labels-idx1-ubyte.
fn write_fashion(dir: &Path, n: usize) {
    let mut images = vec![0, 0, 8, 3];
    for v in [n as u32, 28, 28] {
        images.extend(v.to_be_bytes());
    }
    let mut labels = vec![0, 0, 8, 1];
    labels.extend((n as u32).to_be_bytes());
    for i in 0..n {
        images.extend(synthetic(i, 1, 28));
        labels.push((i % 10) as u8);
    }
    std::fs::write(dir.join("train-images-idx3-ubyte"), images).unwrap();
    std::fs::write(dir.join("train-labels-idx1-ubyte"), labels).unwrap();
}

/// CIFAR-10 layout: data_batch_1.bin, records of a label byte and 3 planes
/// of 32x32 bytes, inside cifar-10-batches-bin/ as the archive unpacks.
fn write_cifar(dir: &Path, n: usize) -> PathBuf {
    let sub = dir.join("cifar-10-batches-bin");
    std::fs::create_dir_all(&sub).unwrap();
    let mut batch = Vec::with_capacity(n * 3073);
    for i in 0..n {
        batch.push((i % 10) as u8);
        batch.extend(synthetic(i, 3, 32));
    }
    std::fs::write(sub.join("data_batch_1.bin"), batch).unwrap();
    sub
}

/// Shape of a samples file; every value finite, and inside [0, 1] when the
/// samples were clamped.
fn read_npy(path: &Path, clamped: bool) -> (usize, usize) {
    let p = read_points(path).unwrap();
    assert!(
        p.rows().flatten().all(|v| v.is_finite()),
        "non-finite sample"
    );
    if clamped {
        assert!(
            p.rows().flatten().all(|v| (0.0..=1.0).contains(v)),
            "pixels outside [0, 1]"
        );
    }
    (p.n(), p.d())
}

fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

#[test]
fn folders_are_recognised() {
    let dir = tempfile::tempdir().unwrap();
    write_fashion(dir.path(), 12);
    let set: ImageSet = load_dataset(dir.path()).unwrap();
    assert_eq!((set.n, set.shape.to_string()), (12, "28x28".to_string()));
    assert_eq!(set.labels.as_deref().map(|l| l[11]), Some(1));
    assert_eq!(set.image(3)[0], 3.0 / 255.0);

    let cdir = tempfile::tempdir().unwrap();
    let sub = write_cifar(cdir.path(), 5);
    for path in [cdir.path(), sub.as_path()] {
        let set = load_dataset(path).unwrap();
        assert_eq!((set.n, set.shape.to_string()), (5, "32x32x3".to_string()));
        // CHW: the first plane of image 1 is its red channel as written
        let raw = synthetic(1, 3, 32);
        assert_eq!(set.image(1)[1024 + 5], raw[1024 + 5] as f32 / 255.0);
    }

    let empty = tempfile::tempdir().unwrap();
    let e = load_dataset(empty.path()).unwrap_err().to_string();
    assert!(
        e.contains("no dataset found") && e.contains("data_batch_1.bin"),
        "{e}"
    );
}

#[test]
fn pyramid_resampling_and_patches() {
    let shape = ImageShape {
        channels: 3,
        height: 4,
        width: 6,
    };
    let x: Vec<f32> = (0..2 * 72).map(|i| (i * 37 % 101) as f32 / 101.0).collect();
    let small = downsample(&x, 2, shape, 2).unwrap();
    assert_eq!(small.len(), 2 * 3 * 2 * 3);
    // pixel (0, 0) of channel 1 of image 1 averages a 2x2 block
    let b = 72 + 24;
    let want = (x[b] + x[b + 1] + x[b + 6] + x[b + 7]) / 4.0;
    assert!((small[18 + 6] - want).abs() < 1e-6);
    // upsampling then averaging gives the coarse images back exactly
    let coarse = shape.resized(2, 3);
    let up = upsample(&small, 2, coarse, 2).unwrap();
    assert_eq!(downsample(&up, 2, shape, 2).unwrap(), small);
    assert!(downsample(&x, 2, shape, 4).is_err(), "4 does not divide 6");
    assert!(upsample(&x[..5], 1, shape, 2).is_err());

    let dirs = patch_directions(shape, 2, 50, 3).unwrap();
    for row in dirs.chunks(72) {
        let norm: f64 = row.iter().map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-12);
        // support: one 2x2 square, the same in every channel
        let support: Vec<usize> = (0..72).filter(|&j| row[j] != 0.0).collect();
        assert_eq!(support.len(), 12);
        let pix: Vec<usize> = support.iter().map(|j| j % 24).collect();
        let (r0, c0) = (pix[0] / 6, pix[0] % 6);
        for p in &pix {
            assert!(
                (p / 6 - r0) < 2 && (p % 6 - c0) < 2 && p % 6 >= c0,
                "{pix:?}"
            );
        }
    }
    assert_eq!(dirs, patch_directions(shape, 2, 50, 3).unwrap());
    assert!(patch_directions(shape, 5, 1, 0).is_err());
}

/// Train on a folder, evaluate on held-out images, sample; check shapes,
/// figures and that generation repeats exactly.
fn end_to_end(data: &Path, extra: &[&str], dim: usize, side: u32) {
    let model = tempfile::tempdir().unwrap();
    let m = model.path().to_str().unwrap();
    let mut args = vec![
        "train",
        "--data",
        data.to_str().unwrap(),
        "--out",
        m,
        "--holdout",
        "20",
        "--eval-count",
        "20",
        "--particles",
        "60",
        "--slices",
        "20",
        "--blocks",
        "2",
        "--first-steps",
        "3",
        "--hidden",
        "16",
        "--epochs",
        "2",
        "--batch",
        "16",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let out = smmd_gen(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("generated vs held-out") && stdout.contains("floor"),
        "{stdout}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model.path().join("report.json")).unwrap())
            .unwrap();
    for key in [
        "generated",
        "floor",
        "ceiling",
        "nearest_generated",
        "nearest_heldout",
    ] {
        let v = report["held_out"][key].as_f64().unwrap();
        assert!(v.is_finite() && v > 0.0, "{key} = {v}");
    }
    // labelled images: the classifier's figures of the report's draw, and
    // over 8 draws against the 3 disjoint sets of 20 of the 60 training
    // images, the report's floor being the first
    let (quality, draws) = (&report["quality"], &report["draws"]);
    assert_eq!(draws["frechet"]["draws"].as_u64(), Some(8), "{report}");
    assert_eq!(draws["frechet_floor"]["draws"].as_u64(), Some(3));
    for key in ["frechet", "frechet_floor", "precision", "recall"] {
        let (m, e) = (
            draws[key]["mean"].as_f64(),
            draws[key]["std_error"].as_f64(),
        );
        assert!(
            m.unwrap().is_finite() && e.unwrap() >= 0.0,
            "{key}: {m:?} {e:?}"
        );
    }
    assert!(quality["frechet"].as_f64().unwrap() >= 0.0);
    assert!(stdout.contains("over 8 draws of 20 samples"), "{stdout}");
    // with a marginal map the samples need no clamping: every value is
    // one of the map's target knots or between two, inside the data's range
    let mapped = extra.contains(&"--marginals");
    assert_eq!(
        read_npy(&model.path().join("samples.npy"), mapped),
        (20, dim)
    );
    assert_eq!(model.path().join("marginals.npy").is_file(), mapped);
    for png in ["samples.png", "nearest.png", "blocks.png", "background.png"] {
        assert!(model.path().join(png).is_file(), "{png}");
    }
    // blocks.csv: a row per network, the last three columns the background
    // levels (mean |pixel|, so at least 0)
    let csv = std::fs::read_to_string(model.path().join("blocks.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header[header.len() - 3..],
        ["background_flow", "background_net", "background_fresh"]
    );
    let rows: Vec<&str> = lines.collect();
    let networks = report["networks"].as_u64().unwrap() as usize;
    assert_eq!(rows.len(), networks);
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{row}");
        for cell in &cells[cells.len() - 3..] {
            let v: f64 = cell.parse().unwrap();
            assert!(v.is_finite() && v >= 0.0, "{row}");
        }
    }

    let npy = model.path().join("gen.npy");
    let grid = model.path().join("gen.png");
    let gen = |npy: &Path| {
        let out = smmd_gen(&[
            "generate",
            "--model",
            m,
            "--count",
            "12",
            "--seed",
            "4",
            "--out",
            npy.to_str().unwrap(),
            "--png",
            grid.to_str().unwrap(),
            "--columns",
            "6",
            "--clamp",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read(npy).unwrap()
    };
    let first = gen(&npy);
    assert_eq!(read_npy(&npy, true), (12, dim));
    // image_grid: 2 rows of 6 images at scale 2 with 2-pixel gaps
    assert_eq!(
        png_size(&grid),
        (2 + 6 * (2 * side + 2), 2 + 2 * (2 * side + 2))
    );
    assert_eq!(
        first,
        gen(&model.path().join("again.npy")),
        "same seed, different samples"
    );
}

#[test]
fn fashion_mnist_idx_folder_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    write_fashion(dir.path(), 80);
    end_to_end(dir.path(), &[], 784, 28);
}

#[test]
fn cifar10_folder_with_pyramid_and_patches_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    write_cifar(dir.path(), 80);
    let extra = [
        "--pyramid",
        "2,1",
        "--local-slices",
        "10",
        "--patch",
        "4",
        "--marginals",
        "8",
    ];
    end_to_end(dir.path(), &extra, 3072, 32);
    // the manifest has a 16x16 stage, then the 32x32 one upsampled by 2
    let model = tempfile::tempdir().unwrap();
    let mut args = vec![
        "train",
        "--data",
        dir.path().to_str().unwrap(),
        "--out",
        model.path().to_str().unwrap(),
        "--particles",
        "30",
        "--slices",
        "10",
        "--blocks",
        "1",
        "--first-steps",
        "2",
        "--hidden",
        "8",
        "--epochs",
        "1",
        "--batch",
        "10",
        "--quiet",
    ];
    args.extend_from_slice(&extra);
    assert!(smmd_gen(&args).status.success());
    let m = smmd_generative::Manifest::read(model.path()).unwrap();
    let shapes: Vec<_> = m
        .stages
        .iter()
        .map(|s| (s.image.unwrap().height, s.upsample, s.nets.len()))
        .collect();
    assert_eq!(shapes, vec![(16, 1, 1), (32, 2, 1)]);
}

#[test]
fn bad_command_lines_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    write_cifar(dir.path(), 10);
    let d = dir.path().to_str().unwrap();
    let out_dir = dir.path().join("model");
    let o = out_dir.to_str().unwrap();
    for (args, needle) in [
        (
            vec!["train", "--data", "/nonexistent/folder/x.csv", "--out", o],
            "x.csv",
        ),
        (
            vec!["train", "--data", d, "--out", o, "--pyramid", "3,1"],
            "pyramid factor 3",
        ),
        (
            vec![
                "train",
                "--data",
                d,
                "--out",
                o,
                "--local-slices",
                "5",
                "--patch",
                "40",
            ],
            "patch size 40",
        ),
        (
            vec!["train", "--data", d, "--out", o, "--holdout", "10"],
            "holdout",
        ),
        (
            vec![
                "train",
                "--data",
                d,
                "--out",
                o,
                "--holdout",
                "2",
                "--eval-count",
                "0",
            ],
            "eval-count",
        ),
        (vec!["generate", "--model", d, "--out", o], "manifest.json"),
    ] {
        let out = smmd_gen(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            err.starts_with("smmd-gen: ") && err.contains(needle),
            "{args:?}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}
