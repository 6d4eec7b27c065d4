//! META_SEG (type 0x07) in the `rvf_types::metadata` ("RVFMETA") encoding,
//! the only one the published runtime accepts. Decoding is delegated to
//! `rvf_types`, whose decoder bounds every count by the input.

use crate::error::{Error, PayloadKind, Result};
pub use rvf_types::metadata::{
    FileMetadataRecord, MetadataDecodeError, MetadataRecord, MetadataRecordOp, MetadataSchemaEntry,
    MetadataSegment, MetadataType, MetadataValue, MAX_META_DELTAS,
};

/// Decode a META payload.
pub fn decode(payload: &[u8]) -> Result<MetadataSegment> {
    MetadataSegment::decode(payload).map_err(|e| Error::BadPayload {
        kind: PayloadKind::Meta,
        what: match e {
            rvf_types::metadata::MetadataDecodeError::InvalidMagic => "not an RVFMETA payload",
            rvf_types::metadata::MetadataDecodeError::InvalidChecksum => {
                "RVFDONE checksum mismatch"
            }
            rvf_types::metadata::MetadataDecodeError::Truncated => "truncated",
            _ => "invalid RVFMETA encoding",
        },
    })
}
