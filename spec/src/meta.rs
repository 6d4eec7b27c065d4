//! The RVFMETA encoding of META segments, upstream's
//! (`rvf_types::metadata`, the only encoding the published runtime
//! accepts): its magics, footer, version, snapshot flag and decoding
//! limits, re-exported here so every host takes them from one place.
//! `loader::meta_seg` decodes with upstream's decoder; the JS host, which
//! decodes itself, reads these from the generated facts.

pub use rvf_types::metadata::{
    MAX_META_DECODED_BYTES, MAX_META_FIELDS, MAX_META_NAME_BYTES, MAX_META_RECORDS,
    MAX_META_VALUE_BYTES, META_COMPLETE_MAGIC, META_COMPLETION_FOOTER_SIZE,
    META_FLAG_FULL_SNAPSHOT, META_MAGIC, META_VERSION,
};

#[cfg(test)]
mod tests {
    #[test]
    fn a_label_entry_fits_one_metadata_value() {
        assert_eq!(crate::labels::MAX_ENTRY_BYTES, super::MAX_META_VALUE_BYTES);
    }
}
