//! The `.npy` reader and writer.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use npyz::{DType, Endianness, NpyHeader, Order, TypeChar};

use super::ReadError;
use crate::float::Float;

/// `T::from_{le,be}_bytes` of a slice of exactly `size_of::<T>()` bytes.
macro_rules! num {
    ($t:ty, $b:expr, $big:expr) => {{
        let mut a = [0u8; std::mem::size_of::<$t>()];
        a.copy_from_slice($b);
        if $big {
            <$t>::from_be_bytes(a)
        } else {
            <$t>::from_le_bytes(a)
        }
    }};
}

/// Read a 1-D or 2-D numeric array as row-major `f64` values with its shape.
pub(super) fn read(path: &Path) -> Result<(Vec<f64>, usize, usize), ReadError> {
    let file = File::open(path).map_err(|source| ReadError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
    if size == 0 {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let mut reader = BufReader::new(file);
    let invalid = |reason: String| ReadError::InvalidNpy {
        path: path.to_path_buf(),
        reason,
    };
    let header = NpyHeader::from_reader(&mut reader).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData => {
            invalid(super::lowercase_first(&e.to_string()))
        }
        _ => ReadError::Io {
            path: path.to_path_buf(),
            source: e,
        },
    })?;

    let (n, d) = match *header.shape() {
        [n] => (n, 1),
        [n, d] => (n, d),
        _ => {
            return Err(ReadError::UnsupportedShape {
                path: path.to_path_buf(),
                shape: header.shape().to_vec(),
            })
        }
    };
    let dtype = header.dtype();
    let (kind, width, big) = match &dtype {
        DType::Plain(ts) if !ts.uses_pickled_array() => {
            let big = ts.endianness() == Endianness::Big;
            (ts.type_char(), ts.size_field(), big)
        }
        DType::Plain(ts) => {
            return Err(unsupported(path, ts.to_string()));
        }
        other => {
            let descr = other.descr();
            return Err(unsupported(path, descr.trim_matches('\'').to_string()));
        }
    };
    let plain = |dtype: &DType| match dtype {
        DType::Plain(ts) => ts.to_string(),
        other => other.descr(),
    };
    let decode: fn(&[u8], bool) -> f64 = match (kind, width) {
        (TypeChar::Float, 4) => |b, big| f64::from(num!(f32, b, big)),
        (TypeChar::Float, 8) => |b, big| num!(f64, b, big),
        (TypeChar::Int, 1) => |b, _| f64::from(b[0] as i8),
        (TypeChar::Int, 2) => |b, big| f64::from(num!(i16, b, big)),
        (TypeChar::Int, 4) => |b, big| f64::from(num!(i32, b, big)),
        (TypeChar::Int, 8) => |b, big| num!(i64, b, big) as f64,
        (TypeChar::Uint, 1) => |b, _| f64::from(b[0]),
        (TypeChar::Uint, 2) => |b, big| f64::from(num!(u16, b, big)),
        (TypeChar::Uint, 4) => |b, big| f64::from(num!(u32, b, big)),
        (TypeChar::Uint, 8) => |b, big| num!(u64, b, big) as f64,
        _ => return Err(unsupported(path, plain(&dtype))),
    };
    let width = width as usize;

    let too_large = || invalid(format!("shape ({n}, {d}) is too large"));
    let n = usize::try_from(n).map_err(|_| too_large())?;
    let d = usize::try_from(d).map_err(|_| too_large())?;
    let len = n.checked_mul(d).ok_or_else(too_large)?;
    let bytes_needed = len.checked_mul(width).ok_or_else(too_large)?;

    let mut bytes = Vec::with_capacity(bytes_needed.min(1 << 30));
    reader
        .read_to_end(&mut bytes)
        .map_err(|source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() != bytes_needed {
        return Err(invalid(format!(
            "the data has {} bytes, but shape {} of '{}' needs {bytes_needed}",
            bytes.len(),
            super::ShapeDisplay(header.shape()),
            plain(&dtype),
        )));
    }
    let stored: Vec<f64> = bytes.chunks_exact(width).map(|b| decode(b, big)).collect();
    drop(bytes);
    let data = if header.order() == Order::Fortran && d > 1 && n > 1 {
        // element (i, j) is stored at j * n + i
        let mut out = vec![0.0; len];
        for (j, col) in stored.chunks_exact(n).enumerate() {
            for (i, &v) in col.iter().enumerate() {
                out[i * d + j] = v;
            }
        }
        out
    } else {
        stored
    };
    if let Some(pos) = data.iter().position(|v| !v.is_finite()) {
        return Err(ReadError::NonFinite {
            path: path.to_path_buf(),
            row: pos / d,
            column: pos % d,
            line: None,
            value: data[pos],
        });
    }
    Ok((data, n, d))
}

fn unsupported(path: &Path, dtype: String) -> ReadError {
    ReadError::UnsupportedDtype {
        path: path.to_path_buf(),
        dtype,
    }
}

/// Write a C-order `(n, d)` array of `F` (little endian).
pub(super) fn write<F: Float>(path: &Path, data: &[F], n: usize, d: usize) -> std::io::Result<()> {
    let descr = if F::NAME == "f32" { "<f4" } else { "<f8" };
    let mut header =
        format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': ({n}, {d}), }}");
    // magic (6) + version (2) + header length (2) + header + '\n', to a multiple of 64
    let unpadded = 10 + header.len() + 1;
    header.push_str(&" ".repeat(unpadded.next_multiple_of(64) - unpadded));
    header.push('\n');
    let header_len = u16::try_from(header.len())
        .map_err(|_| std::io::Error::other("the .npy header is too long"))?;

    let mut w = BufWriter::new(File::create(path)?);
    w.write_all(b"\x93NUMPY\x01\x00")?;
    w.write_all(&header_len.to_le_bytes())?;
    w.write_all(header.as_bytes())?;
    if F::NAME == "f32" {
        for v in data {
            // exact: the value is an f32
            w.write_all(&(v.as_f64() as f32).to_le_bytes())?;
        }
    } else {
        for v in data {
            w.write_all(&v.as_f64().to_le_bytes())?;
        }
    }
    w.flush()
}
