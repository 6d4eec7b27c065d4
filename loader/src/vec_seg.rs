//! VEC_SEG (type 0x01) in the runtime row layout that `rvf-runtime` 0.5.0
//! reads: `dim u16, count u32`, then `count × (id u64, dim × f32 LE)`.
//!
//! Rows start at byte 6 with a stride of 8 + 4·dim, so f32s are not
//! 4-byte aligned: values are decoded, never cast.

use crate::bytes::{range, u16_at, u32_at, u64_at};
use crate::error::{Error, PayloadKind, Result};
use rvf_spec::vectors::{at, stride, HEADER_LEN, ID_LEN, VALUE_LEN};

pub const VEC_HEADER_LEN: u64 = HEADER_LEN as u64;

/// A view of a runtime-format vector segment.
#[derive(Clone, Copy, Debug)]
pub struct VectorSegment<'a> {
    pub dim: u16,
    pub count: u32,
    rows: &'a [u8],
}

impl<'a> VectorSegment<'a> {
    /// Check the payload holds exactly `count` rows of `dim` floats.
    pub fn parse(payload: &'a [u8]) -> Result<Self> {
        let bad = |what| Error::BadPayload {
            kind: PayloadKind::Vectors,
            what,
        };
        let dim = u16_at(payload, at::DIM as u64).ok_or(bad("shorter than the 6-byte header"))?;
        let count =
            u32_at(payload, at::COUNT as u64).ok_or(bad("shorter than the 6-byte header"))?;
        let stride = stride(dim) as u64;
        let need = (count as u64)
            .checked_mul(stride)
            .and_then(|x| x.checked_add(VEC_HEADER_LEN))
            .ok_or(Error::CountOverflow {
                kind: PayloadKind::Vectors,
                what: "count × stride",
            })?;
        if need != payload.len() as u64 {
            return Err(bad("payload length is not 6 + count × (8 + 4·dim)"));
        }
        Ok(VectorSegment {
            dim,
            count,
            rows: &payload[VEC_HEADER_LEN as usize..],
        })
    }

    pub fn stride(&self) -> usize {
        stride(self.dim)
    }

    /// Raw bytes of all rows (for host functions that serve ranges).
    pub fn row_bytes(&self) -> &'a [u8] {
        self.rows
    }

    /// Id of row `i`.
    pub fn id(&self, i: u32) -> Option<u64> {
        u64_at(self.rows, i as u64 * self.stride() as u64)
    }

    /// Values of row `i`, decoded.
    pub fn values(&self, i: u32) -> Option<impl Iterator<Item = f32> + 'a> {
        let off = i as u64 * self.stride() as u64 + ID_LEN as u64;
        let b = range(self.rows, off, (VALUE_LEN * self.dim as usize) as u64)?;
        Some(
            b.chunks_exact(VALUE_LEN)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        )
    }

    /// Iterate `(id, values)` over all rows.
    pub fn iter(&self) -> impl Iterator<Item = (u64, alloc::vec::Vec<f32>)> + '_ {
        (0..self.count).filter_map(move |i| Some((self.id(i)?, self.values(i)?.collect())))
    }
}
