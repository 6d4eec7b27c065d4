//! The runtime-format MANIFEST payload (what `rvf-runtime` 0.5.0 and
//! `rvf-cli` 0.3.0 read and write): a 22-byte fixed header, the segment
//! directory, the deletion list, an optional `FileIdentity` ("FIDI") and an
//! optional per-segment hash trailer ("SHDG"); and the bounds of the tail
//! scan that finds the newest manifest. `loader::manifest` and
//! `loader::container` parse by these; the JS host reads them from the
//! generated facts. All little-endian.

/// The fixed header's length.
pub const FIXED_LEN: usize = 22;

/// Byte offsets in the fixed header (20..22 reserved).
pub mod at {
    pub const EPOCH: usize = 0;
    pub const DIMENSION: usize = 4;
    pub const TOTAL_VECTORS: usize = 6;
    pub const SEG_COUNT: usize = 14;
    pub const PROFILE_ID: usize = 18;
    pub const METRIC_ID: usize = 19;
}

/// One directory entry's length.
pub const DIR_ENTRY_LEN: usize = 25;

/// Byte offsets in a directory entry.
pub mod entry {
    pub const SEGMENT_ID: usize = 0;
    /// File offset of the segment's **header**.
    pub const OFFSET: usize = 8;
    /// Payload length (excludes header and padding).
    pub const PAYLOAD_LENGTH: usize = 16;
    pub const SEG_TYPE: usize = 24;
}

/// One deleted id (u64) of the deletion list, after its u32 count.
pub const DELETED_ID_LEN: usize = 8;
/// Marker (u32) before a `FileIdentity`: "FIDI" as a number (its bytes
/// in the file, little-endian, are "IDIF"; upstream's value).
pub const FIDI_MARKER: u32 = 0x4649_4449;
/// `rvf_types::FileIdentity` in its wire bytes: file id 16, parent id 16,
/// parent hash 32, lineage depth u32.
pub const FILE_IDENTITY_LEN: usize = 68;
/// Marker (u32) before the segment-hash trailer (its bytes in the file are "SHDG");
/// then a u32 count and that many entries, which must end the payload.
pub const SHDG_MARKER: u32 = 0x4744_4853;
/// A hash-trailer entry: segment id u64, content hash 16 bytes.
pub const SHDG_ENTRY_LEN: usize = 24;

/// Bounds of the tail scan for the newest manifest (`loader::container`).
pub mod scan {
    /// A candidate whose payload is longer than this is "heavy".
    pub const HEAVY_PAYLOAD: u64 = 4096;
    /// Heavy candidates parsed per pass at most.
    pub const MAX_HEAVY_ATTEMPTS: u32 = 256;
    /// Candidate payload bytes parsed per pass at most: this or the file's
    /// length, whichever is larger.
    pub const BUDGET_BYTES: u64 = 16 << 20;
    /// How far from the end the byte-by-byte pass looks (aligned files are
    /// also scanned at every 64th offset over their whole length).
    pub const BYTE_SCAN_WINDOW: u64 = 64 << 20;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_tile_the_fixed_header_and_the_entry() {
        // epoch u32, dimension u16, total_vectors u64, seg_count u32,
        // profile_id u8, metric_id u8, 2 reserved.
        assert_eq!(at::DIMENSION, at::EPOCH + 4);
        assert_eq!(at::TOTAL_VECTORS, at::DIMENSION + 2);
        assert_eq!(at::SEG_COUNT, at::TOTAL_VECTORS + 8);
        assert_eq!(at::PROFILE_ID, at::SEG_COUNT + 4);
        assert_eq!(at::METRIC_ID, at::PROFILE_ID + 1);
        assert_eq!(FIXED_LEN, at::METRIC_ID + 1 + 2);
        assert_eq!(DIR_ENTRY_LEN, entry::SEG_TYPE + 1);
        assert_eq!(&FIDI_MARKER.to_le_bytes(), b"IDIF");
        assert_eq!(&SHDG_MARKER.to_le_bytes(), b"SHDG");
    }
}
