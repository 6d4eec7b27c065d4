//! The 64-byte segment header: decoding, encoding and structural checks.
//!
//! Uses `rvf_types::SegmentHeader` as the in-memory type; the byte layout is
//! written out field by field (little-endian) so it does not depend on the
//! host's endianness or on `repr(C)` padding.

use crate::bytes::{array, u16_at, u32_at, u64_at};
use crate::error::{Error, Result};
use rvf_spec::format::{SEGMENT_MAGIC, SEGMENT_VERSION};
use rvf_spec::segment::{at, CONTENT_HASH_LEN, LEN};
pub use rvf_types::SegmentHeader;

pub const HEADER_LEN: u64 = LEN as u64;

/// Decode the header at `offset`, checking only that 64 bytes exist, the
/// magic and the version. Lengths are checked by the caller against its view
/// of the file.
pub fn decode_at(data: &[u8], offset: u64) -> Result<SegmentHeader> {
    let b: [u8; LEN] = array(data, offset).ok_or(Error::TruncatedHeader { offset })?;
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

/// Decode 64 bytes into a header without judging it (offsets: `rvf_spec::segment`).
pub fn decode(b: &[u8; LEN]) -> SegmentHeader {
    let b = &b[..];
    // Every read below is in range of the 64-byte array.
    let u16_ = |o: usize| u16_at(b, o as u64).unwrap_or(0);
    let u32_ = |o: usize| u32_at(b, o as u64).unwrap_or(0);
    let u64_ = |o: usize| u64_at(b, o as u64).unwrap_or(0);
    SegmentHeader {
        magic: u32_(at::MAGIC),
        version: b[at::VERSION],
        seg_type: b[at::SEG_TYPE],
        flags: u16_(at::FLAGS),
        segment_id: u64_(at::SEGMENT_ID),
        payload_length: u64_(at::PAYLOAD_LENGTH),
        timestamp_ns: u64_(at::TIMESTAMP_NS),
        checksum_algo: b[at::CHECKSUM_ALGO],
        compression: b[at::COMPRESSION],
        reserved_0: u16_(at::RESERVED_0),
        reserved_1: u32_(at::RESERVED_1),
        content_hash: array(b, at::CONTENT_HASH as u64).unwrap_or([0; CONTENT_HASH_LEN]),
        uncompressed_len: u32_(at::UNCOMPRESSED_LEN),
        alignment_pad: u32_(at::ALIGNMENT_PAD),
    }
}

/// Encode a header to its 64 wire bytes (offsets: `rvf_spec::segment`).
pub fn encode(h: &SegmentHeader) -> [u8; LEN] {
    let mut b = [0u8; LEN];
    let mut put = |o: usize, v: &[u8]| b[o..o + v.len()].copy_from_slice(v);
    put(at::MAGIC, &h.magic.to_le_bytes());
    put(at::VERSION, &[h.version]);
    put(at::SEG_TYPE, &[h.seg_type]);
    put(at::FLAGS, &h.flags.to_le_bytes());
    put(at::SEGMENT_ID, &h.segment_id.to_le_bytes());
    put(at::PAYLOAD_LENGTH, &h.payload_length.to_le_bytes());
    put(at::TIMESTAMP_NS, &h.timestamp_ns.to_le_bytes());
    put(at::CHECKSUM_ALGO, &[h.checksum_algo]);
    put(at::COMPRESSION, &[h.compression]);
    put(at::RESERVED_0, &h.reserved_0.to_le_bytes());
    put(at::RESERVED_1, &h.reserved_1.to_le_bytes());
    put(at::CONTENT_HASH, &h.content_hash);
    put(at::UNCOMPRESSED_LEN, &h.uncompressed_len.to_le_bytes());
    put(at::ALIGNMENT_PAD, &h.alignment_pad.to_le_bytes());
    b
}

/// True when a plausible header (magic + version 1) starts at `offset`.
pub fn looks_like_header(data: &[u8], offset: u64) -> bool {
    matches!(u32_at(data, offset), Some(SEGMENT_MAGIC))
        && crate::bytes::range(data, offset + at::VERSION as u64, 1) == Some(&[SEGMENT_VERSION][..])
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
