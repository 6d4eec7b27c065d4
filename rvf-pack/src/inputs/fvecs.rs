//! `.fvecs`: each vector is `dim i32 LE` then `dim × f32 LE`; all vectors
//! must share one dimension.

use super::{check_finite_f32, Vectors};
use crate::error::{PackError, Result};
use std::fs::File;
use std::io::{BufReader, ErrorKind, Read};
use std::path::Path;

/// Read the file through a 1 MiB buffer: peak memory is the vectors, not the
/// file and the vectors.
pub fn read(path: &Path) -> Result<Vectors> {
    let io = |e| PackError::io(path, e);
    let f = File::open(path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    parse(path, BufReader::with_capacity(1 << 20, f), len)
}

/// Parse `len` bytes of `.fvecs` from `r`.
pub fn parse(path: &Path, mut r: impl Read, len: u64) -> Result<Vectors> {
    let err =
        |off: u64, what: &str| PackError::input(path, Some(format!("byte offset {off}")), what);
    if len == 0 {
        return Err(err(0, "empty file: no vectors"));
    }
    let mut head = [0u8; 4];
    let mut read = |buf: &mut [u8], off: u64, what: &str| {
        r.read_exact(buf).map_err(|e| match e.kind() {
            ErrorKind::UnexpectedEof => err(off, what),
            _ => PackError::io(path, e),
        })
    };
    read(&mut head, 0, "truncated dimension")?;
    let dim = i32::from_le_bytes(head);
    if !(1..=u16::MAX as i32).contains(&dim) {
        return Err(err(0, &format!("dimension {dim} is not in 1..=65535")));
    }
    let dim = dim as usize;
    let stride = 4 + 4 * dim as u64;
    if !len.is_multiple_of(stride) {
        return Err(err(
            len - len % stride,
            "file length is not a whole number of vectors",
        ));
    }
    let count = len / stride;
    // Bounded by the file's length, which is on disk.
    let mut data = Vec::with_capacity(usize::try_from(count * dim as u64).unwrap_or(0));
    let mut rec = vec![0u8; 4 * dim];
    for i in 0..count {
        let off = i * stride;
        if i > 0 {
            read(&mut head, off, "file ended early")?;
            let d = i32::from_le_bytes(head);
            if d as usize != dim {
                return Err(err(
                    off,
                    &format!("vector {i} has dimension {d}, expected {dim}"),
                ));
            }
        }
        read(&mut rec, off + 4, "file ended early")?;
        data.extend(
            rec.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
    }
    check_finite_f32(path, &data, dim)?;
    Ok(Vectors { dim, data })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_vectors() -> Vec<u8> {
        let mut b = Vec::new();
        for v in [[1.0f32, 2.0], [3.0, -4.5]] {
            b.extend_from_slice(&2i32.to_le_bytes());
            v.iter().for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
        }
        b
    }

    #[test]
    fn reads_records_and_names_where_a_short_read_ends() {
        let b = two_vectors();
        let p = Path::new("v.fvecs");
        let v = parse(p, &b[..], b.len() as u64).unwrap();
        assert_eq!((v.dim, v.data), (2, vec![1.0, 2.0, 3.0, -4.5]));
        // The file shrinks between its length being taken and being read.
        for (cut, at) in [(14, "byte offset 12"), (3, "byte offset 0")] {
            let e = parse(p, &b[..cut], b.len() as u64).unwrap_err().to_string();
            assert!(e.contains(at), "cut {cut}: {e}");
        }
        let e = parse(p, &b[..], 0).unwrap_err().to_string();
        assert!(e.contains("empty file"), "{e}");
    }
}
