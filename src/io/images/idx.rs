//! The IDX format of MNIST and Fashion-MNIST.

use std::path::Path;

use super::gzip::read_bytes;
use super::{scale, ImageSet, ImageShape};
use crate::io::ReadError;

/// The magic number of IDX images of unsigned bytes (3 dimensions).
const IDX_IMAGES: u32 = 0x0000_0803;
/// The magic number of IDX labels of unsigned bytes (1 dimension).
const IDX_LABELS: u32 = 0x0000_0801;

fn idx_kind(magic: u32) -> Option<&'static str> {
    match magic {
        IDX_IMAGES => Some("images"),
        IDX_LABELS => Some("labels"),
        _ => None,
    }
}

/// The name of an IDX data type code other than unsigned byte.
pub(crate) fn idx_type_name(code: u8) -> Option<&'static str> {
    match code {
        0x09 => Some("signed byte"),
        0x0B => Some("16-bit integer"),
        0x0C => Some("32-bit integer"),
        0x0D => Some("32-bit float"),
        0x0E => Some("64-bit float"),
        _ => None,
    }
}

/// Whether `head`, the start of a file, begins like an IDX file: two zero
/// bytes, a data type byte (`0x08` or one of the unsupported types) and 1
/// to 3 dimensions.
pub(super) fn sniff(head: &[u8]) -> bool {
    match head {
        [0, 0, code, dims, ..] => {
            (*code == 0x08 || idx_type_name(*code).is_some()) && (1..=3).contains(dims)
        }
        _ => false,
    }
}

/// Check the header of an IDX file of unsigned bytes with magic number
/// `magic` and return its dimensions and data.
fn parse_idx<'b>(
    path: &Path,
    bytes: &'b [u8],
    magic: u32,
) -> Result<(Vec<usize>, &'b [u8]), ReadError> {
    let invalid = |reason: String| ReadError::InvalidIdx {
        path: path.to_path_buf(),
        reason,
    };
    let ndims = (magic & 0xff) as usize;
    let header_len = 4 + 4 * ndims;
    if bytes.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    if bytes.len() < 4 {
        return Err(invalid(format!(
            "truncated header: expected at least {header_len} bytes, found {}",
            bytes.len()
        )));
    }
    let found = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if found != magic {
        if bytes[0] == 0 && bytes[1] == 0 && idx_type_name(bytes[2]).is_some() {
            return Err(ReadError::UnsupportedIdxType {
                path: path.to_path_buf(),
                code: bytes[2],
            });
        }
        let what = |m: u32| idx_kind(m).map_or(String::new(), |k| format!(" ({k})"));
        return Err(invalid(format!(
            "bad magic number 0x{found:08x}{}, expected 0x{magic:08x}{}",
            what(found),
            what(magic)
        )));
    }
    if bytes.len() < header_len {
        return Err(invalid(format!(
            "truncated header: expected {header_len} bytes, found {}",
            bytes.len()
        )));
    }
    let dims: Vec<u64> = bytes[4..header_len]
        .chunks_exact(4)
        .map(|b| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])))
        .collect();
    let too_large = || {
        invalid(format!(
            "dimensions {} are too large",
            crate::io::ShapeDisplay(&dims)
        ))
    };
    let data_len = dims
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(d))
        .ok_or_else(too_large)?;
    let expected = data_len
        .checked_add(header_len as u64)
        .ok_or_else(too_large)?;
    let found = bytes.len() as u64;
    if found != expected {
        return Err(ReadError::WrongLength {
            path: path.to_path_buf(),
            expected,
            found,
        });
    }
    // the data fits in memory, so every dimension fits in a usize
    let dims = dims.iter().map(|&d| d as usize).collect();
    Ok((dims, &bytes[header_len..]))
}

/// Read IDX images (the MNIST and Fashion-MNIST format) and optionally
/// their labels; either file may be gzip-compressed. See the
/// [module documentation](crate::io#image-datasets) for the format.
///
/// # Errors
/// [`ReadError::Open`], [`ReadError::Io`] or [`ReadError::Decompress`]
/// when a file cannot be read, [`ReadError::InvalidIdx`] for a bad magic
/// number or header, [`ReadError::UnsupportedIdxType`] for data other than
/// unsigned bytes, [`ReadError::WrongLength`] when a file is shorter or
/// longer than its header announces, [`ReadError::Empty`] for an empty
/// file or zero images or pixels, and [`ReadError::LabelCount`] when the
/// two files hold different numbers of items.
///
/// # Examples
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sliced_mmd::io::read_idx;
/// let dir = tempfile::tempdir()?;
/// // one 2 x 2 image
/// let mut images = vec![0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2];
/// images.extend([0, 51, 102, 255]);
/// std::fs::write(dir.path().join("images-idx3-ubyte"), images)?;
/// std::fs::write(dir.path().join("labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 1, 7])?;
/// let labels = dir.path().join("labels-idx1-ubyte");
/// let set = read_idx(dir.path().join("images-idx3-ubyte"), Some(&labels))?;
/// assert_eq!(set.image(0), &[0.0, 0.2, 0.4, 1.0]);
/// assert_eq!(set.labels, Some(vec![7]));
/// # Ok(()) }
/// ```
pub fn read_idx(images: impl AsRef<Path>, labels: Option<&Path>) -> Result<ImageSet, ReadError> {
    let path = images.as_ref();
    let bytes = read_bytes(path)?;
    let (dims, data) = parse_idx(path, &bytes, IDX_IMAGES)?;
    let (n, height, width) = (dims[0], dims[1], dims[2]);
    if data.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let pixels = scale(data);
    drop(bytes);
    let labels = match labels {
        Some(labels_path) => Some(read_idx_labels(labels_path, n, path)?),
        None => None,
    };
    Ok(ImageSet {
        pixels,
        labels,
        n,
        shape: ImageShape {
            width,
            height,
            channels: 1,
        },
    })
}

/// Read an IDX labels file that must hold `n` labels for `images`.
fn read_idx_labels(path: &Path, n: usize, images: &Path) -> Result<Vec<u8>, ReadError> {
    let bytes = read_bytes(path)?;
    let (dims, data) = parse_idx(path, &bytes, IDX_LABELS)?;
    if dims[0] != n {
        return Err(ReadError::LabelCount {
            path: path.to_path_buf(),
            labels: dims[0],
            images: n,
            images_path: images.to_path_buf(),
        });
    }
    Ok(data.to_vec())
}
