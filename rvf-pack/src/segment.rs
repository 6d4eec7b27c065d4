//! One segment on the wire: its spec (type and payload), the 64-byte
//! header with its content hash, flags and padding, and its encoding. The
//! layout rules (64-byte alignment, `alignment_pad` counting the zero bytes
//! after the payload and any signature footer) live here once.

use crate::payload::VecRows;
use loader::bytes::align64;
use loader::hash;
use loader::header::{self, SegmentHeader, HEADER_LEN};
use loader::signature::FOOTER_LEN;

/// A segment to be written: its type and payload.
#[derive(Clone, Debug)]
pub struct SegmentSpec {
    pub seg_type: u8,
    pub payload: Payload,
}

/// A segment's payload: bytes in memory, or vectors encoded while they are
/// written (a VEC_SEG as large as the vectors is never built).
#[derive(Clone, Debug)]
pub enum Payload {
    Bytes(Vec<u8>),
    Vectors(VecRows),
}

impl Payload {
    pub fn len(&self) -> usize {
        match self {
            Payload::Bytes(b) => b.len(),
            Payload::Vectors(v) => v.byte_len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<Vec<u8>> for Payload {
    fn from(b: Vec<u8>) -> Self {
        Payload::Bytes(b)
    }
}

/// Zero bytes after a segment written at `at` with a `payload_len`-byte
/// payload, up to the next 64-byte boundary.
pub(crate) fn padding(at: u64, payload_len: usize) -> usize {
    let end = at + HEADER_LEN + payload_len as u64;
    (align64(end).unwrap_or(end) - end) as usize
}

/// The header of a segment written at file offset `at`, and its padding.
pub fn segment_header(
    seg_type: u8,
    segment_id: u64,
    payload: &[u8],
    checksum_algo: u8,
    at: u64,
) -> ([u8; 64], usize) {
    let content_hash = hash::content_hash(checksum_algo, payload).unwrap_or([0; 16]);
    let h = header_for(
        seg_type,
        segment_id,
        payload.len(),
        checksum_algo,
        content_hash,
        at,
    );
    (h, padding(at, payload.len()))
}

/// The header of a segment whose payload hashed to `content_hash`.
fn header_for(
    seg_type: u8,
    segment_id: u64,
    payload_len: usize,
    checksum_algo: u8,
    content_hash: [u8; 16],
    at: u64,
) -> [u8; 64] {
    signed_header_for(
        seg_type,
        segment_id,
        payload_len,
        checksum_algo,
        content_hash,
        at,
        false,
    )
}

/// The same, with the SIGNED flag and the padding after a footer when `signed`.
pub(crate) fn signed_header_for(
    seg_type: u8,
    segment_id: u64,
    payload_len: usize,
    checksum_algo: u8,
    content_hash: [u8; 16],
    at: u64,
    signed: bool,
) -> [u8; 64] {
    let mut h = SegmentHeader::new(seg_type, segment_id);
    h.payload_length = payload_len as u64;
    h.checksum_algo = checksum_algo;
    h.content_hash = content_hash;
    let footer = if signed { FOOTER_LEN } else { 0 };
    if signed {
        h.flags |= loader::signature::SIGNED;
    }
    h.alignment_pad = padding(at, payload_len + footer) as u32;
    header::encode(&h)
}

/// Encode one segment (header + payload + zero padding) at file offset `at`.
pub fn encode_segment(
    seg_type: u8,
    segment_id: u64,
    payload: &[u8],
    checksum_algo: u8,
    at: u64,
) -> Vec<u8> {
    let (h, pad) = segment_header(seg_type, segment_id, payload, checksum_algo, at);
    let mut out = Vec::with_capacity(64 + payload.len() + pad);
    out.extend_from_slice(&h);
    out.extend_from_slice(payload);
    out.resize(out.len() + pad, 0);
    out
}
