//! `.fvecs`: each vector is `dim i32 LE` then `dim × f32 LE`; all vectors
//! must share one dimension.

use super::{check_finite_f32, read_all, Vectors};
use crate::error::{PackError, Result};
use std::path::Path;

pub fn read(path: &Path) -> Result<Vectors> {
    parse(path, &read_all(path)?)
}

pub fn parse(path: &Path, b: &[u8]) -> Result<Vectors> {
    let err =
        |off: usize, what: &str| PackError::input(path, Some(format!("byte offset {off}")), what);
    if b.is_empty() {
        return Err(err(0, "empty file: no vectors"));
    }
    let head: [u8; 4] = b
        .get(..4)
        .and_then(|s| s.try_into().ok())
        .ok_or(err(0, "truncated dimension"))?;
    let dim = i32::from_le_bytes(head);
    if !(1..=u16::MAX as i32).contains(&dim) {
        return Err(err(0, &format!("dimension {dim} is not in 1..=65535")));
    }
    let dim = dim as usize;
    let stride = 4 + 4 * dim;
    if !b.len().is_multiple_of(stride) {
        return Err(err(
            b.len() - b.len() % stride,
            "file length is not a whole number of vectors",
        ));
    }
    let mut data = Vec::with_capacity(b.len() / stride * dim);
    for (i, rec) in b.chunks_exact(stride).enumerate() {
        let d = i32::from_le_bytes([rec[0], rec[1], rec[2], rec[3]]);
        if d as usize != dim {
            return Err(err(
                i * stride,
                &format!("vector {i} has dimension {d}, expected {dim}"),
            ));
        }
        data.extend(
            rec[4..]
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
    }
    check_finite_f32(path, &data, dim)?;
    Ok(Vectors { dim, data })
}
