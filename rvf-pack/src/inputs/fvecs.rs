//! `.fvecs`: each vector is `dim i32 LE` then `dim × f32 LE`; all vectors
//! must share one dimension.

use super::source::{self, Role, Source};
use super::{check_finite_f32, memory, Format, Loaded, Vectors};
use crate::error::{PackError, Result};
use std::io::{BufReader, ErrorKind, Read};
use std::path::Path;

/// Read a file (or stdin for `-`) through a 1 MiB buffer: peak memory is
/// the vectors, not the file and the vectors.
pub fn read(path: &Path) -> Result<Vectors> {
    Ok(read_source(source::open(path, Role::Vectors, &())?)?.value)
}

/// Read an opened source; its length, when known, bounds the reservation.
pub fn read_source(src: Source) -> Result<Loaded<Vectors>> {
    let (name, len) = (src.name.clone(), src.len);
    let v = parse_opt(&name, BufReader::with_capacity(1 << 20, src), len)?;
    let count = v.count();
    Ok(Loaded::new(v, &name, Format::Fvecs).fact("records", count))
}

/// Parse `len` bytes of `.fvecs` from `r`.
pub fn parse(path: &Path, r: impl Read, len: u64) -> Result<Vectors> {
    parse_opt(path, r, Some(len))
}

/// Parse `.fvecs` from `r`: `len` bytes when known, else up to the end of
/// the stream (standard input).
pub fn parse_opt(path: &Path, mut r: impl Read, len: Option<u64>) -> Result<Vectors> {
    let err =
        |off: u64, what: &str| PackError::input(path, Some(format!("byte offset {off}")), what);
    if len == Some(0) {
        return Err(err(0, "empty file: no vectors"));
    }
    // Fill `buf`; Ok(false) at a clean end of the input before any byte.
    let mut read = |buf: &mut [u8], off: u64, what: &str| -> Result<bool> {
        let mut got = 0;
        while got < buf.len() {
            match r.read(&mut buf[got..]) {
                Ok(0) if got == 0 && len.is_none() => return Ok(false),
                Ok(0) => return Err(err(off, what)),
                Ok(n) => got += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(PackError::io(path, e)),
            }
        }
        Ok(true)
    };
    let mut head = [0u8; 4];
    if !read(&mut head, 0, "truncated dimension")? {
        return Err(err(0, "empty input: no vectors"));
    }
    let dim = i32::from_le_bytes(head);
    if !(1..=u16::MAX as i32).contains(&dim) {
        return Err(err(0, &format!("dimension {dim} is not in 1..=65535")));
    }
    let dim = dim as usize;
    let stride = 4 + 4 * dim as u64;
    let mem = |off: u64, e: memory::MemoryError| err(off, &e.to_string());
    let mut data: Vec<f32> = match len {
        Some(len) if !len.is_multiple_of(stride) => {
            return Err(err(
                len - len % stride,
                "file length is not a whole number of vectors",
            ));
        }
        // Bounded by the file's length, which is on disk; still fallible.
        Some(len) => memory::with_capacity((len / stride * dim as u64) as usize, "the vectors")
            .map_err(|e| mem(0, e))?,
        None => Vec::new(),
    };
    let count = len.map(|l| l / stride);
    let mut rec = vec![0u8; 4 * dim];
    let mut i = 0u64;
    while count.is_none_or(|c| i < c) {
        let off = i * stride;
        if i > 0 {
            if !read(&mut head, off, "file ended early")? {
                break;
            }
            let d = i32::from_le_bytes(head);
            if d as usize != dim {
                return Err(err(
                    off,
                    &format!("vector {i} has dimension {d}, expected {dim}"),
                ));
            }
        }
        read(&mut rec, off + 4, "file ended early")?;
        if count.is_none() {
            memory::grow(&mut data, dim, "the vectors").map_err(|e| mem(off, e))?;
        }
        data.extend(
            rec.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
        i += 1;
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

#[cfg(test)]
mod stream_tests {
    use super::*;

    #[test]
    fn a_stream_of_unknown_length_reads_to_its_end() {
        let mut b = Vec::new();
        for v in [[1.0f32, 2.0], [3.0, -4.5]] {
            b.extend_from_slice(&2i32.to_le_bytes());
            v.iter().for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
        }
        let p = Path::new("<stdin>");
        let v = parse_opt(p, &b[..], None).unwrap();
        assert_eq!((v.dim, v.count()), (2, 2));
        let e = parse_opt(p, &b[..14], None).unwrap_err().to_string();
        assert!(e.contains("byte offset 12: file ended early"), "{e}");
        let e = parse_opt(p, &b[..0], None).unwrap_err().to_string();
        assert!(e.contains("no vectors"), "{e}");
        let e = parse_opt(p, &[0u8; 64][..], None).unwrap_err().to_string();
        assert!(e.contains("dimension 0"), "{e}");
    }
}
