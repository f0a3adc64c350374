//! The `.csv` reader.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::ReadError;

/// Parse one field as a number (`None` if it is not one).
fn parse(field: &[u8]) -> Option<f64> {
    std::str::from_utf8(field).ok()?.parse().ok()
}

/// The error of the CSV parser as a [`ReadError`]: an I/O error keeps its
/// kind and message, unequal row lengths are a ragged row, anything else
/// is an invalid `.csv` file at the line where it happened.
fn parser_error(path: &Path, e: ::csv::Error) -> ReadError {
    let path = path.to_path_buf();
    let line = e.position().map(::csv::Position::line);
    let reason = e.to_string();
    match e.into_kind() {
        ::csv::ErrorKind::Io(source) => ReadError::Io { path, source },
        ::csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => ReadError::RaggedRow {
            path,
            line: pos.map_or(0, |p| p.line()),
            found: usize::try_from(len).unwrap_or(usize::MAX),
            expected: usize::try_from(expected_len).unwrap_or(usize::MAX),
        },
        _ => ReadError::InvalidCsv {
            path,
            line,
            reason: super::lowercase_first(&reason),
        },
    }
}

/// Read comma-separated rows of numbers, skipping a header line whose fields
/// are not all numbers, as row-major `f64` values with their shape.
pub(super) fn read(path: &Path) -> Result<(Vec<f64>, usize, usize), ReadError> {
    let file = File::open(path).map_err(|source| ReadError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(BufReader::new(file));

    let mut data = Vec::new();
    let mut n = 0usize;
    let mut expected: Option<usize> = None;
    let mut first = true;
    let mut record = ::csv::ByteRecord::new();
    loop {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| parser_error(path, e))?;
        if !more {
            break;
        }
        if record.get(0).is_some_and(|f| f.starts_with(b"#")) {
            // a comment (the csv crate's own comment support miscounts lines)
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        let found = record.len();
        match expected {
            Some(expected) if found != expected => {
                return Err(ReadError::RaggedRow {
                    path: path.to_path_buf(),
                    line,
                    found,
                    expected,
                });
            }
            _ => expected = Some(found),
        }
        if std::mem::take(&mut first) && record.iter().any(|f| parse(f).is_none()) {
            continue; // a header
        }
        for (j, field) in record.iter().enumerate() {
            let value = parse(field).ok_or_else(|| ReadError::NotANumber {
                path: path.to_path_buf(),
                line,
                field: j + 1,
                value: String::from_utf8_lossy(field).into_owned(),
            })?;
            if !value.is_finite() {
                return Err(ReadError::NonFinite {
                    path: path.to_path_buf(),
                    row: n,
                    column: j,
                    line: Some(line),
                    value,
                });
            }
            data.push(value);
        }
        n += 1;
    }
    Ok((data, n, expected.unwrap_or(0)))
}
