//! How `smmd-gen train --data` tells the format of a file: from its
//! content first (not from words in its name), and `--format` overrides.

use std::path::{Path, PathBuf};
use std::process::Command;

use smmd_generative::images::{read_data, DataFormat};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// `n` lines of the MNIST CSV: 784 pixel values (image `i` has the byte
/// `(i + j) % 256` at pixel `j`) and then the label `i % 10`.
fn mnist_csv(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        for j in 0..784 {
            text += &format!("{},", (i + j) % 256);
        }
        text += &format!("{}\n", i % 10);
    }
    text
}

#[test]
fn mnist_csv_is_known_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let text = mnist_csv(3);
    // none of these names says "mnist"
    for name in ["digits.csv", "digits.txt", "digits"] {
        let p = write(dir.path(), name, text.as_bytes());
        assert_eq!(
            DataFormat::detect(&p).unwrap(),
            DataFormat::MnistCsv,
            "{name}"
        );
        let data = read_data(&p, None).unwrap();
        assert_eq!((data.n, data.dim), (3, 784), "{name}");
        assert_eq!(data.image.map(|s| s.to_string()), Some("28x28".into()));
        assert_eq!(data.values[1], 1.0 / 255.0);
    }

    // label first, under a header naming it
    let mut labelled = format!("label,{}\n", vec!["p"; 784].join(","));
    labelled += &mnist_csv(2);
    let p = write(dir.path(), "train.csv", labelled.as_bytes());
    assert_eq!(DataFormat::detect(&p).unwrap(), DataFormat::MnistCsv);
}

#[test]
fn points_are_not_taken_for_images() {
    let dir = tempfile::tempdir().unwrap();
    // a name with "mnist" in it no longer makes a file images
    let p = write(dir.path(), "mnist_embedding.csv", b"0.5,1.5\n2,3\n4,5\n");
    assert_eq!(DataFormat::detect(&p).unwrap(), DataFormat::Csv);
    let data = read_data(&p, None).unwrap();
    assert_eq!((data.n, data.dim, data.image), (3, 2, None));
    // integer bytes, but too few columns to be square images
    let p = write(dir.path(), "small.csv", b"1,2,3,4,5\n6,7,8,9,10\n");
    assert_eq!(DataFormat::detect(&p).unwrap(), DataFormat::Csv);
    // .npy by its magic string, whatever the name
    let p = dir.path().join("points.bin");
    sliced_mmd::io::write_npy(&p, &[1.0f32, 2.0, 3.0, 4.0], 2, 2).unwrap();
    assert_eq!(DataFormat::detect(&p).unwrap(), DataFormat::Npy);
    assert_eq!(
        read_data(&p, None).unwrap().values,
        vec![1.0, 2.0, 3.0, 4.0]
    );
    // IDX by its magic number
    let mut idx = vec![0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2];
    idx.extend([0, 51, 102, 255]);
    let p = write(dir.path(), "images.dat", &idx);
    assert_eq!(DataFormat::detect(&p).unwrap(), DataFormat::Idx);
    assert_eq!(
        read_data(&p, None).unwrap().values,
        vec![0.0, 0.2, 0.4, 1.0]
    );
    // binary data of no known kind, under no known name
    let p = write(dir.path(), "noise.dat", &[0xff, 0, 0x80, 7]);
    let e = DataFormat::detect(&p).unwrap_err().to_string();
    assert!(e.contains("--format"), "{e}");
}

#[test]
fn format_overrides_detection() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "digits.csv", mnist_csv(2).as_bytes());
    // the same file as 2 points of dimension 785
    let data = read_data(&p, Some(DataFormat::Csv)).unwrap();
    assert_eq!((data.n, data.dim, data.image), (2, 785, None));
    // points in a file whose name reads_points does not know
    let q = write(dir.path(), "points.txt", b"1,2\n3,4\n");
    let data = read_data(&q, Some(DataFormat::Csv)).unwrap();
    assert_eq!(data.values, vec![1.0, 2.0, 3.0, 4.0]);
    // a folder is searched by name: no --format
    let e = read_data(dir.path(), Some(DataFormat::Idx)).unwrap_err();
    assert!(e.to_string().contains("format"), "{e}");

    // the command line: --format idx makes the csv an (invalid) idx file
    let out = Command::new(env!("CARGO_BIN_EXE_smmd-gen"))
        .args(["train", "--data"])
        .arg(&p)
        .args(["--format", "idx", "--out"])
        .arg(dir.path().join("model"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a valid idx file"), "{stderr}");
    let out = Command::new(env!("CARGO_BIN_EXE_smmd-gen"))
        .args(["train", "--data", "x.csv", "--format", "png", "--out", "m"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mnist-csv"), "{stderr}");
}

#[test]
fn format_names_are_the_command_line_values() {
    use clap::ValueEnum;
    for f in DataFormat::value_variants() {
        let value = f.to_possible_value().unwrap();
        assert_eq!(value.get_name(), f.name());
    }
}

/// `Dataset::split`, the split of `smmd-gen train --holdout` that the
/// examples repeat: the held-out and training rows are disjoint and cover
/// the data, each row and label is the dataset's at its index, the same
/// seed gives the same split and another seed another.
#[test]
fn the_split_is_a_seeded_partition_of_the_rows_and_their_labels() {
    use smmd_generative::images::Dataset;
    let (n, d) = (50, 3);
    let data = Dataset {
        values: (0..n * d).map(|v| v as f32).collect(),
        n,
        dim: d,
        image: None,
        labels: Some((0..n).map(|i| (i * 7 % 10) as u8).collect()),
    };
    let split = data.split(12, 5, None).unwrap();
    assert_eq!(
        (split.heldout_index.len(), split.train_index.len()),
        (12, 38)
    );
    let mut all: Vec<usize> = split
        .heldout_index
        .iter()
        .chain(&split.train_index)
        .copied()
        .collect();
    all.sort_unstable();
    assert_eq!(all, (0..n).collect::<Vec<_>>());
    for (index, rows, labels) in [
        (&split.train_index, &split.train, &split.train_labels),
        (&split.heldout_index, &split.heldout, &split.heldout_labels),
    ] {
        let labels = labels.as_ref().unwrap();
        for (k, &i) in index.iter().enumerate() {
            assert_eq!(rows[k * d..(k + 1) * d], data.values[i * d..(i + 1) * d]);
            assert_eq!(labels[k], data.labels.as_ref().unwrap()[i]);
        }
    }
    assert_eq!(data.split(12, 5, None).unwrap(), split);
    assert_ne!(
        data.split(12, 6, None).unwrap().heldout_index,
        split.heldout_index
    );
    // a training size keeps the first training rows of the same shuffle
    let small = data.split(12, 5, Some(10)).unwrap();
    assert_eq!(small.heldout_index, split.heldout_index);
    assert_eq!(small.train_index, split.train_index[..10]);
    let err = data.split(n, 5, None).unwrap_err();
    assert!(err.to_string().contains("holdout"), "{err}");
}
