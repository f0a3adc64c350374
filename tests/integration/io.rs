//! The `.npy` and `.csv` readers and the `.npy` writer.
#![cfg(feature = "io")]

use std::path::{Path, PathBuf};

use sliced_mmd::io::{read_points, read_points_as, write_npy, Format, ReadError, WriteError};

/// A `.npy` file written by hand: version 1.0, the given header fields, and
/// the raw data bytes.
fn npy_bytes(descr: &str, fortran: bool, shape: &str, data: &[u8]) -> Vec<u8> {
    let order = if fortran { "True" } else { "False" };
    let mut header =
        format!("{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend((header.len() as u16).to_le_bytes());
    out.extend(header.as_bytes());
    out.extend(data);
    out
}

fn f64_le(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn shape_and_data(path: &Path) -> (usize, usize, Vec<f64>) {
    let p = read_points(path).unwrap();
    (p.n(), p.d(), p.as_slice().to_vec())
}

#[test]
fn npy_c_order_f64_and_f32() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "a.npy",
        &npy_bytes("<f8", false, "(3, 2)", &f64_le(&[1., 2., 3., 4., 5., 6.])),
    );
    assert_eq!(shape_and_data(&p), (3, 2, vec![1., 2., 3., 4., 5., 6.]));

    let bytes: Vec<u8> = [0.5f32, -1.25, 3.0, 8.0]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let p = write(
        dir.path(),
        "b.npy",
        &npy_bytes("<f4", false, "(2, 2)", &bytes),
    );
    assert_eq!(shape_and_data(&p), (2, 2, vec![0.5, -1.25, 3.0, 8.0]));
}

#[test]
fn npy_big_endian() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = [1.5f64, -2.0]
        .iter()
        .flat_map(|x| x.to_be_bytes())
        .collect();
    let p = write(
        dir.path(),
        "be.npy",
        &npy_bytes(">f8", false, "(1, 2)", &bytes),
    );
    assert_eq!(shape_and_data(&p), (1, 2, vec![1.5, -2.0]));
    let bytes: Vec<u8> = [1.5f32, 7.0].iter().flat_map(|x| x.to_be_bytes()).collect();
    let p = write(
        dir.path(),
        "be4.npy",
        &npy_bytes(">f4", false, "(2,)", &bytes),
    );
    assert_eq!(shape_and_data(&p), (2, 1, vec![1.5, 7.0]));
}

#[test]
fn npy_fortran_order_is_transposed() {
    let dir = tempfile::tempdir().unwrap();
    // the matrix [[1, 2], [3, 4], [5, 6]] stored column by column
    let p = write(
        dir.path(),
        "f.npy",
        &npy_bytes("<f8", true, "(3, 2)", &f64_le(&[1., 3., 5., 2., 4., 6.])),
    );
    assert_eq!(shape_and_data(&p), (3, 2, vec![1., 2., 3., 4., 5., 6.]));
    let bytes: Vec<u8> = [1f32, 4., 2., 5., 3., 6.]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let p = write(
        dir.path(),
        "f4.npy",
        &npy_bytes("<f4", true, "(2, 3)", &bytes),
    );
    assert_eq!(shape_and_data(&p), (2, 3, vec![1., 2., 3., 4., 5., 6.]));
}

#[test]
fn npy_one_dimensional_is_one_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "v.npy",
        &npy_bytes("<f8", false, "(4,)", &f64_le(&[4., 3., 2., 1.])),
    );
    assert_eq!(shape_and_data(&p), (4, 1, vec![4., 3., 2., 1.]));
    let p = write(
        dir.path(),
        "vf.npy",
        &npy_bytes("<f8", true, "(2,)", &f64_le(&[4., 3.])),
    );
    assert_eq!(shape_and_data(&p), (2, 1, vec![4., 3.]));
}

#[test]
fn npy_integers_are_converted() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = [-3i64, 7].iter().flat_map(|x| x.to_le_bytes()).collect();
    let p = write(
        dir.path(),
        "i.npy",
        &npy_bytes("<i8", false, "(2, 1)", &bytes),
    );
    assert_eq!(shape_and_data(&p), (2, 1, vec![-3., 7.]));
    let p = write(
        dir.path(),
        "u.npy",
        &npy_bytes("|u1", false, "(2, 2)", &[0, 255, 17, 1]),
    );
    assert_eq!(shape_and_data(&p), (2, 2, vec![0., 255., 17., 1.]));
    let bytes: Vec<u8> = [-5i16, 300].iter().flat_map(|x| x.to_be_bytes()).collect();
    let p = write(
        dir.path(),
        "i2.npy",
        &npy_bytes(">i2", false, "(2,)", &bytes),
    );
    assert_eq!(shape_and_data(&p), (2, 1, vec![-5., 300.]));
}

#[test]
fn write_npy_round_trips_and_npyz_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let data = [0.1f64, 0.2, 0.3, 1e-300, -7.0, 2.5];
    let p = dir.path().join("w.npy");
    write_npy(&p, &data, 2, 3).unwrap();
    assert_eq!(shape_and_data(&p), (2, 3, data.to_vec()));
    let npy = npyz::NpyFile::new(std::fs::File::open(&p).unwrap()).unwrap();
    assert_eq!(npy.shape(), &[2, 3]);
    assert_eq!(npy.order(), npyz::Order::C);
    assert_eq!(npy.dtype().descr(), "'<f8'");
    assert_eq!(npy.into_vec::<f64>().unwrap(), data);

    let data32 = [0.1f32, -0.2, 3.5];
    let p = dir.path().join("w32.npy");
    write_npy(&p, &data32, 3, 1).unwrap();
    let npy = npyz::NpyFile::new(std::fs::File::open(&p).unwrap()).unwrap();
    assert_eq!(npy.shape(), &[3, 1]);
    assert_eq!(npy.dtype().descr(), "'<f4'");
    assert_eq!(npy.into_vec::<f32>().unwrap(), data32);
    let back = read_points(&p).unwrap();
    assert_eq!(back.as_slice(), &[0.1f32 as f64, -0.2f32 as f64, 3.5]);

    let e = write_npy(dir.path().join("bad.npy"), &[1.0f64, 2.0, 3.0], 2, 2).unwrap_err();
    assert!(matches!(
        e,
        WriteError::ShapeMismatch {
            len: 3,
            n: 2,
            d: 2,
            ..
        }
    ));
    let e = write_npy(dir.path().join("no/such/dir.npy"), &[1.0f64], 1, 1).unwrap_err();
    assert!(matches!(e, WriteError::Io { .. }), "{e}");
}

#[test]
fn csv_with_and_without_header() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "a.csv", b"1,2,3\n4.5, -6e-1 ,7\n");
    assert_eq!(shape_and_data(&p), (2, 3, vec![1., 2., 3., 4.5, -0.6, 7.]));
    let p = write(dir.path(), "h.csv", b"x,y\n1,2\n3,4\n");
    assert_eq!(shape_and_data(&p), (2, 2, vec![1., 2., 3., 4.]));
    // a header with one numeric name is still a header
    let p = write(dir.path(), "h2.csv", b",0\n1,2\n");
    assert_eq!(shape_and_data(&p), (1, 2, vec![1., 2.]));
    // numpy.savetxt style comments, CRLF line ends, no final newline
    let p = write(dir.path(), "c.csv", b"# a comment\r\n1\r\n2\r\n\r\n3");
    assert_eq!(shape_and_data(&p), (3, 1, vec![1., 2., 3.]));
    // the extension is case-insensitive
    let p = write(dir.path(), "upper.CSV", b"1,2\n");
    assert_eq!(shape_and_data(&p), (1, 2, vec![1., 2.]));
    assert_eq!(Format::from_path(Path::new("a.NPY")), Some(Format::Npy));
    assert_eq!(Format::from_path(Path::new("a.txt")), None);
}

#[test]
fn missing_file() {
    for name in ["missing.npy", "missing.csv"] {
        let e = read_points(Path::new("/nonexistent/dir").join(name)).unwrap_err();
        assert!(matches!(e, ReadError::Open { .. }), "{e}");
        let msg = e.to_string();
        assert!(
            msg.starts_with(&format!("/nonexistent/dir/{name}: cannot open: ")),
            "{msg}"
        );
        assert_eq!(e.path(), Path::new("/nonexistent/dir").join(name));
    }
}

/// A `.csv` path that opens but cannot be read (a directory, on Unix):
/// the failure is a read error that keeps the system's error kind, never
/// an error of another format.
#[cfg(unix)]
#[test]
fn csv_read_failure_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rows.csv");
    std::fs::create_dir(&p).unwrap();
    let e = read_points(&p).unwrap_err();
    let ReadError::Io { path, source } = &e else {
        panic!("expected ReadError::Io, got {e:?}");
    };
    assert_eq!(path, &p);
    assert_eq!(source.kind(), std::io::ErrorKind::IsADirectory, "{source}");
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!("{}: cannot read: ", p.display())) && !msg.contains("npy"),
        "{msg}"
    );
}

#[test]
fn unknown_extension() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "x.txt", b"1,2\n");
    let e = read_points(&p).unwrap_err();
    assert!(matches!(e, ReadError::UnknownFormat { .. }), "{e}");
    assert!(e.to_string().contains("x.txt"));
    let e = read_points(dir.path().join("noext")).unwrap_err();
    assert!(matches!(e, ReadError::UnknownFormat { .. }), "{e}");
}

#[test]
fn ragged_csv_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "r.csv", b"a,b,c,d\n1,2,3,4\n# comment\n1,2,3\n");
    let e = read_points(&p).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::RaggedRow {
                line: 4,
                found: 3,
                expected: 4,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!("{}: line 4 has 3 fields, expected 4", p.display())
    );
}

#[test]
fn non_numeric_csv_cell() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "n.csv", b"x,y\n1,2\n3,abc\n");
    let e = read_points(&p).unwrap_err();
    match &e {
        ReadError::NotANumber {
            line, field, value, ..
        } => assert_eq!((*line, *field, value.as_str()), (3, 2, "abc")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        e.to_string(),
        format!(
            "{}: line 3, field 2: cannot parse 'abc' as a number",
            p.display()
        )
    );
    // an empty field
    let p = write(dir.path(), "e.csv", b"1,2\n3,\n");
    assert!(matches!(
        read_points(&p).unwrap_err(),
        ReadError::NotANumber {
            line: 2,
            field: 2,
            ..
        }
    ));
}

#[test]
fn non_finite_values() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "nan.csv", b"x,y\n1,2\n3,NaN\n");
    let e = read_points(&p).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::NonFinite {
                row: 1,
                column: 1,
                line: Some(3),
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        format!(
            "{}: non-finite value NaN in row 1, column 1 (line 3)",
            p.display()
        )
    );
    let p = write(dir.path(), "inf.csv", b"1,-inf\n");
    assert!(matches!(
        read_points(&p).unwrap_err(),
        ReadError::NonFinite { row: 0, column: 1, value, .. } if value == f64::NEG_INFINITY
    ));
    let p = write(
        dir.path(),
        "nan.npy",
        &npy_bytes("<f8", false, "(2, 2)", &f64_le(&[1., 2., 3., f64::NAN])),
    );
    let e = read_points(&p).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::NonFinite {
                row: 1,
                column: 1,
                line: None,
                ..
            }
        ),
        "{e:?}"
    );
    // the position is that of the point, also in Fortran order
    let p = write(
        dir.path(),
        "nanf.npy",
        &npy_bytes(
            "<f8",
            true,
            "(2, 3)",
            &f64_le(&[1., 2., f64::INFINITY, 4., 5., 6.]),
        ),
    );
    assert!(matches!(
        read_points(&p).unwrap_err(),
        ReadError::NonFinite {
            row: 0,
            column: 1,
            ..
        }
    ));
}

#[test]
fn unsupported_dtypes() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "c.npy",
        &npy_bytes("<c16", false, "(1, 1)", &[0u8; 16]),
    );
    let e = read_points(&p).unwrap_err();
    match &e {
        ReadError::UnsupportedDtype { dtype, .. } => assert_eq!(dtype, "<c16"),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("unsupported dtype '<c16'"), "{e}");
    let p = write(
        dir.path(),
        "b.npy",
        &npy_bytes("|b1", false, "(2,)", &[0, 1]),
    );
    assert!(matches!(
        read_points(&p).unwrap_err(),
        ReadError::UnsupportedDtype { .. }
    ));
    let p = write(
        dir.path(),
        "h.npy",
        &npy_bytes("<f2", false, "(2,)", &[0; 4]),
    );
    assert!(matches!(
        read_points(&p).unwrap_err(),
        ReadError::UnsupportedDtype { .. }
    ));
}

#[test]
fn three_dimensional_npy() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "t.npy",
        &npy_bytes("<f8", false, "(2, 2, 2)", &f64_le(&[0.0; 8])),
    );
    let e = read_points(&p).unwrap_err();
    match &e {
        ReadError::UnsupportedShape { shape, .. } => assert_eq!(shape, &[2, 2, 2]),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("unsupported shape (2, 2, 2)"), "{e}");
    let p = write(
        dir.path(),
        "s.npy",
        &npy_bytes("<f8", false, "()", &f64_le(&[1.0])),
    );
    assert!(matches!(
        read_points(&p).unwrap_err(),
        ReadError::UnsupportedShape { .. }
    ));
}

#[test]
fn empty_files() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("e.npy", Vec::new()),
        ("e.csv", Vec::new()),
        ("h.csv", b"x,y\n".to_vec()),
        ("c.csv", b"# only a comment, really\n\n".to_vec()),
        ("z.npy", npy_bytes("<f8", false, "(0, 3)", &[])),
        ("z1.npy", npy_bytes("<f8", false, "(0,)", &[])),
        ("zd.npy", npy_bytes("<f8", false, "(3, 0)", &[])),
    ] {
        let p = write(dir.path(), name, &bytes);
        let e = read_points(&p).unwrap_err();
        assert!(matches!(e, ReadError::Empty { .. }), "{name}: {e:?}");
        assert!(e.to_string().starts_with(&p.display().to_string()));
    }
}

#[test]
fn malformed_npy() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "g.npy", b"this is not a numpy file at all");
    let e = read_points(&p).unwrap_err();
    assert!(matches!(e, ReadError::InvalidNpy { .. }), "{e:?}");
    // truncated data
    let p = write(
        dir.path(),
        "t.npy",
        &npy_bytes("<f8", false, "(3, 2)", &f64_le(&[1., 2., 3.])),
    );
    let e = read_points(&p).unwrap_err();
    assert!(matches!(e, ReadError::InvalidNpy { .. }), "{e:?}");
    assert!(e.to_string().contains("needs 48"), "{e}");
    // truncated header
    let mut bytes = npy_bytes("<f8", false, "(1, 1)", &f64_le(&[1.]));
    bytes.truncate(20);
    let p = write(dir.path(), "th.npy", &bytes);
    let e = read_points(&p).unwrap_err();
    assert!(matches!(e, ReadError::InvalidNpy { .. }), "{e:?}");
}

#[test]
fn messages_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a.csv", b"1,2\n3\n".to_vec()),
        ("b.csv", b"1,2\nx,y\n".to_vec()),
        ("c.npy", b"garbage".to_vec()),
        ("d.npy", npy_bytes("<U3", false, "(1,)", &[0; 12])),
    ];
    for (name, bytes) in cases {
        let p = write(dir.path(), name, &bytes);
        let msg = read_points(&p).unwrap_err().to_string();
        assert!(!msg.contains('\n'), "{msg}");
        assert!(msg.starts_with(&p.display().to_string()), "{msg}");
    }
}

#[test]
fn csv_line_numbers_count_blank_and_comment_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "l.csv", b"# x, y\n\n1,2\n\n# c\n3,4\n5,6,7\n");
    assert!(matches!(
        read_points(&p).unwrap_err(),
        ReadError::RaggedRow {
            line: 7,
            found: 3,
            expected: 2,
            ..
        }
    ));
    let p = write(dir.path(), "q.csv", b"\"a\nb\",c\n1,2\n3,x\n");
    assert!(matches!(
        read_points(&p).unwrap_err(),
        ReadError::NotANumber {
            line: 4,
            field: 2,
            ..
        }
    ));
}

#[test]
fn format_from_content_and_read_points_as() {
    let dir = tempfile::tempdir().unwrap();
    let from = |p: &Path| Format::from_content(p).unwrap();
    let npy = dir.path().join("x.bin");
    write_npy(&npy, &[1.0f64, 2.0, 3.0, 4.0], 2, 2).unwrap();
    assert_eq!(from(&npy), Some(Format::Npy));
    let csv = write(dir.path(), "x.txt", "# é\n1,2\n3,4\n".as_bytes());
    assert_eq!(from(&csv), Some(Format::Csv));
    for (name, bytes) in [
        ("binary", &[0x93, b'N', 0, 1, 2][..]),
        ("latin1", &[b'a', 0xe9, b'\n'][..]),
        ("empty", &[][..]),
    ] {
        let p = write(dir.path(), name, bytes);
        assert_eq!(from(&p), None, "{name}");
    }
    // text cut inside a character at 8 KiB is still text
    let mut long = "1,2\n".repeat(2047).into_bytes();
    long.extend("111é\n".as_bytes());
    assert_eq!(long[8191], 0xc3);
    let p = write(dir.path(), "long", &long);
    assert_eq!(from(&p), Some(Format::Csv));
    let e = Format::from_content(&dir.path().join("missing")).unwrap_err();
    assert!(matches!(e, ReadError::Open { .. }), "{e}");

    // read in a given format whatever the name
    for (p, f) in [(&npy, Format::Npy), (&csv, Format::Csv)] {
        assert_eq!(shape_and_data_as(p, f), (2, 2, vec![1., 2., 3., 4.]));
    }
    // the wrong format is an error of that format
    let e = read_points_as(&csv, Format::Npy).unwrap_err();
    assert!(matches!(e, ReadError::InvalidNpy { .. }), "{e}");
}

fn shape_and_data_as(path: &Path, format: Format) -> (usize, usize, Vec<f64>) {
    let p = read_points_as(path, format).unwrap();
    (p.n(), p.d(), p.as_slice().to_vec())
}
