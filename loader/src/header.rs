//! The 64-byte segment header: decoding, encoding and structural checks.
//!
//! Uses `rvf_types::SegmentHeader` as the in-memory type; the byte layout is
//! written out field by field (little-endian) so it does not depend on the
//! host's endianness or on `repr(C)` padding.

use crate::bytes::{array, u16_at, u32_at, u64_at};
use crate::error::{Error, Result};
pub use rvf_types::SegmentHeader;

pub const HEADER_LEN: u64 = 64;
use rvf_spec::format::{SEGMENT_MAGIC, SEGMENT_VERSION};

/// Decode the header at `offset`, checking only that 64 bytes exist, the
/// magic and the version. Lengths are checked by the caller against its view
/// of the file.
pub fn decode_at(data: &[u8], offset: u64) -> Result<SegmentHeader> {
    let b: [u8; 64] = array(data, offset).ok_or(Error::TruncatedHeader { offset })?;
    let h = decode(&b);
    if h.magic != SEGMENT_MAGIC {
        return Err(Error::BadMagic {
            offset,
            found: h.magic,
        });
    }
    if h.version != SEGMENT_VERSION {
        return Err(Error::BadVersion {
            offset,
            found: h.version,
        });
    }
    Ok(h)
}

/// Decode 64 bytes into a header without judging it.
pub fn decode(b: &[u8; 64]) -> SegmentHeader {
    let b = &b[..];
    // Every read below is in range of the 64-byte array.
    let u16_ = |o| u16_at(b, o).unwrap_or(0);
    let u32_ = |o| u32_at(b, o).unwrap_or(0);
    let u64_ = |o| u64_at(b, o).unwrap_or(0);
    SegmentHeader {
        magic: u32_(0x00),
        version: b[0x04],
        seg_type: b[0x05],
        flags: u16_(0x06),
        segment_id: u64_(0x08),
        payload_length: u64_(0x10),
        timestamp_ns: u64_(0x18),
        checksum_algo: b[0x20],
        compression: b[0x21],
        reserved_0: u16_(0x22),
        reserved_1: u32_(0x24),
        content_hash: array(b, 0x28).unwrap_or([0; 16]),
        uncompressed_len: u32_(0x38),
        alignment_pad: u32_(0x3C),
    }
}

/// Encode a header to its 64 wire bytes.
pub fn encode(h: &SegmentHeader) -> [u8; 64] {
    let mut b = [0u8; 64];
    b[0x00..0x04].copy_from_slice(&h.magic.to_le_bytes());
    b[0x04] = h.version;
    b[0x05] = h.seg_type;
    b[0x06..0x08].copy_from_slice(&h.flags.to_le_bytes());
    b[0x08..0x10].copy_from_slice(&h.segment_id.to_le_bytes());
    b[0x10..0x18].copy_from_slice(&h.payload_length.to_le_bytes());
    b[0x18..0x20].copy_from_slice(&h.timestamp_ns.to_le_bytes());
    b[0x20] = h.checksum_algo;
    b[0x21] = h.compression;
    b[0x22..0x24].copy_from_slice(&h.reserved_0.to_le_bytes());
    b[0x24..0x28].copy_from_slice(&h.reserved_1.to_le_bytes());
    b[0x28..0x38].copy_from_slice(&h.content_hash);
    b[0x38..0x3C].copy_from_slice(&h.uncompressed_len.to_le_bytes());
    b[0x3C..0x40].copy_from_slice(&h.alignment_pad.to_le_bytes());
    b
}

/// True when a plausible header (magic + version 1) starts at `offset`.
pub fn looks_like_header(data: &[u8], offset: u64) -> bool {
    matches!(u32_at(data, offset), Some(SEGMENT_MAGIC))
        && crate::bytes::range(data, offset + 4, 1) == Some(&[SEGMENT_VERSION][..])
}

/// Offset one past the payload of the segment at `offset`, checked against
/// `limit` (the end of the segment area).
pub fn payload_end(offset: u64, h: &SegmentHeader, limit: u64) -> Result<u64> {
    let start = offset
        .checked_add(HEADER_LEN)
        .ok_or(Error::OffsetOverflow {
            offset,
            length: HEADER_LEN,
        })?;
    let end = start
        .checked_add(h.payload_length)
        .ok_or(Error::OffsetOverflow {
            offset: start,
            length: h.payload_length,
        })?;
    if end > limit {
        return Err(Error::PayloadPastEof {
            offset,
            payload_length: h.payload_length,
            file_len: limit,
        });
    }
    Ok(end)
}
