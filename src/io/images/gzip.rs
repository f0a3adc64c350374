//! Reading a file whole, decompressing it when it is gzip-compressed.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;

use crate::io::ReadError;

/// Whether the file name ends in `.gz` (case-insensitive).
fn has_gz_suffix(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The bytes of a file, decompressed when it is gzip-compressed: it starts
/// with the gzip magic bytes `1f 8b` or its name ends in `.gz`.
pub(super) fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut file = File::open(path).map_err(|source| ReadError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let size = file.metadata().map_or(0, |m| m.len());
    let mut raw = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 30));
    file.read_to_end(&mut raw).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let gzip_magic = raw.starts_with(&[0x1f, 0x8b]);
    if !gzip_magic && !has_gz_suffix(path) {
        return Ok(raw);
    }
    let decompress = |source| ReadError::Decompress {
        path: path.to_path_buf(),
        source,
    };
    if !gzip_magic {
        return Err(decompress(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "the name ends in .gz, but the data does not start with the gzip magic bytes 1f 8b",
        )));
    }
    let mut out = Vec::with_capacity(raw.len().saturating_mul(4).min(1 << 30));
    MultiGzDecoder::new(raw.as_slice())
        .read_to_end(&mut out)
        .map_err(decompress)?;
    Ok(out)
}

/// The first `limit` bytes of a file, decompressed when it starts with the
/// gzip magic bytes `1f 8b` (whatever its name), for guessing its format.
pub(crate) fn read_head(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = File::open(path).map_err(|source| ReadError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = BufReader::new(file);
    let gzip_magic = reader.fill_buf().map_err(io)?.starts_with(&[0x1f, 0x8b]);
    let mut head = Vec::new();
    if gzip_magic {
        MultiGzDecoder::new(reader)
            .take(limit)
            .read_to_end(&mut head)
            .map_err(|source| ReadError::Decompress {
                path: path.to_path_buf(),
                source,
            })?;
    } else {
        reader.take(limit).read_to_end(&mut head).map_err(io)?;
    }
    Ok(head)
}
