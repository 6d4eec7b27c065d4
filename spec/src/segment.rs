//! The 64-byte segment header every segment starts with (docs/FORMAT.md).
//! Its layout is upstream's: `rvf_types::SegmentHeader` is `repr(C)` with
//! the wire layout, so each offset here is `offset_of!` of its field and
//! cannot drift from the type. All fields are little-endian.
//! `loader::header` decodes and encodes by these; the JS host reads them
//! from the generated facts.

use core::mem::{offset_of, size_of};
pub use rvf_types::SegmentHeader;

/// The header's length (`rvf_types::constants::SEGMENT_HEADER_SIZE`).
pub const LEN: usize = rvf_types::constants::SEGMENT_HEADER_SIZE;
const _: () = assert!(size_of::<SegmentHeader>() == LEN);

/// Byte offset of each field.
pub mod at {
    use super::{offset_of, SegmentHeader};
    pub const MAGIC: usize = offset_of!(SegmentHeader, magic);
    pub const VERSION: usize = offset_of!(SegmentHeader, version);
    pub const SEG_TYPE: usize = offset_of!(SegmentHeader, seg_type);
    pub const FLAGS: usize = offset_of!(SegmentHeader, flags);
    pub const SEGMENT_ID: usize = offset_of!(SegmentHeader, segment_id);
    pub const PAYLOAD_LENGTH: usize = offset_of!(SegmentHeader, payload_length);
    pub const TIMESTAMP_NS: usize = offset_of!(SegmentHeader, timestamp_ns);
    pub const CHECKSUM_ALGO: usize = offset_of!(SegmentHeader, checksum_algo);
    pub const COMPRESSION: usize = offset_of!(SegmentHeader, compression);
    pub const RESERVED_0: usize = offset_of!(SegmentHeader, reserved_0);
    pub const RESERVED_1: usize = offset_of!(SegmentHeader, reserved_1);
    pub const CONTENT_HASH: usize = offset_of!(SegmentHeader, content_hash);
    pub const UNCOMPRESSED_LEN: usize = offset_of!(SegmentHeader, uncompressed_len);
    pub const ALIGNMENT_PAD: usize = offset_of!(SegmentHeader, alignment_pad);
}

/// Bytes of the stored content hash (the first 128 bits of the digest).
pub const CONTENT_HASH_LEN: usize = at::UNCOMPRESSED_LEN - at::CONTENT_HASH;

/// Every field: (name, offset), in wire order (the generated facts).
pub const FIELDS: [(&str, usize); 14] = [
    ("magic", at::MAGIC),
    ("version", at::VERSION),
    ("seg_type", at::SEG_TYPE),
    ("flags", at::FLAGS),
    ("segment_id", at::SEGMENT_ID),
    ("payload_length", at::PAYLOAD_LENGTH),
    ("timestamp_ns", at::TIMESTAMP_NS),
    ("checksum_algo", at::CHECKSUM_ALGO),
    ("compression", at::COMPRESSION),
    ("reserved_0", at::RESERVED_0),
    ("reserved_1", at::RESERVED_1),
    ("content_hash", at::CONTENT_HASH),
    ("uncompressed_len", at::UNCOMPRESSED_LEN),
    ("alignment_pad", at::ALIGNMENT_PAD),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_offsets() {
        // docs/FORMAT.md's table, by hand.
        let want = [
            0x00, 0x04, 0x05, 0x06, 0x08, 0x10, 0x18, 0x20, 0x21, 0x22, 0x24, 0x28, 0x38, 0x3C,
        ];
        let have: [usize; 14] = core::array::from_fn(|i| FIELDS[i].1);
        assert_eq!(have, want);
        assert_eq!(CONTENT_HASH_LEN, 16);
        assert_eq!(LEN, 64);
    }
}
