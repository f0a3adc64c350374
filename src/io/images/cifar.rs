//! CIFAR-10 binary batches.

use std::path::Path;

use super::gzip::read_bytes;
use super::{ImageSet, ImageShape, UNIT};
use crate::io::ReadError;

/// Bytes of one CIFAR-10 record: a label and 3 x 32 x 32 pixels.
const CIFAR_RECORD: usize = 1 + 3 * 32 * 32;

/// Read CIFAR-10 binary batches (`data_batch_1.bin`, ..., `test_batch.bin`,
/// optionally gzip-compressed) into one set of 32 x 32 RGB images, in the
/// order of the files. See the [module documentation](crate::io#image-datasets)
/// for the format.
///
/// # Errors
/// [`ReadError::NoFiles`] for an empty list, [`ReadError::Open`],
/// [`ReadError::Io`] or [`ReadError::Decompress`] when a file cannot be
/// read, [`ReadError::Empty`] for an empty file, and
/// [`ReadError::InvalidCifar`] when the length of a file is not a multiple
/// of 3073 bytes or a label is not in `0..=9`.
///
/// # Examples
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sliced_mmd::io::read_cifar10;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("data_batch_1.bin");
/// let mut record = vec![0u8; 3073];
/// record[0] = 6; // the label (frog)
/// record[1 + 2 * 1024 + 3 * 32 + 4] = 255; // channel 2 (blue), row 3, column 4
/// std::fs::write(&path, &record)?;
/// let set = read_cifar10(&[path])?;
/// assert_eq!((set.n, set.shape.to_string()), (1, "32x32x3".to_string()));
/// assert_eq!(set.image(0)[2 * 1024 + 3 * 32 + 4], 1.0);
/// assert_eq!(set.labels, Some(vec![6]));
/// # Ok(()) }
/// ```
pub fn read_cifar10<P: AsRef<Path>>(batches: &[P]) -> Result<ImageSet, ReadError> {
    if batches.is_empty() {
        return Err(ReadError::NoFiles);
    }
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for path in batches {
        let path = path.as_ref();
        let bytes = read_bytes(path)?;
        if bytes.is_empty() {
            return Err(ReadError::Empty {
                path: path.to_path_buf(),
            });
        }
        if bytes.len() % CIFAR_RECORD != 0 {
            return Err(ReadError::InvalidCifar {
                path: path.to_path_buf(),
                reason: format!(
                    "length {} is not a multiple of {CIFAR_RECORD} \
                     (a label byte and 3 x 32 x 32 pixel bytes per image)",
                    bytes.len()
                ),
            });
        }
        let records = bytes.len() / CIFAR_RECORD;
        pixels.reserve(records * (CIFAR_RECORD - 1));
        labels.reserve(records);
        for (i, record) in bytes.chunks_exact(CIFAR_RECORD).enumerate() {
            if record[0] > 9 {
                return Err(ReadError::InvalidCifar {
                    path: path.to_path_buf(),
                    reason: format!(
                        "image {i} (byte {}) has label {}, expected 0..=9",
                        i * CIFAR_RECORD,
                        record[0]
                    ),
                });
            }
            labels.push(record[0]);
            pixels.extend(record[1..].iter().map(|&b| UNIT[usize::from(b)]));
        }
    }
    Ok(ImageSet {
        pixels,
        n: labels.len(),
        labels: Some(labels),
        shape: ImageShape {
            width: 32,
            height: 32,
            channels: 3,
        },
    })
}
