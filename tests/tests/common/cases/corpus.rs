//! The malformed corpus: how each file parses.

use super::*;

/// The malformed corpus: how each file parses.
pub(super) fn corpus_cases() -> Vec<Case> {
    let parse: [(&str, Result<(), &'static str>); 22] = [
        ("alignment_pad_inconsistent", Ok(())),
        ("bad_magic", Err("directory_entry_mismatch")),
        ("bad_version", Err("directory_entry_mismatch")),
        ("count_u64_max", Err("directory_entry_out_of_bounds")),
        ("dir_entry_inside_segment", Err("directory_entry_mismatch")),
        (
            "dir_entry_outside_file",
            Err("directory_entry_out_of_bounds"),
        ),
        ("dir_payload_past_eof", Err("directory_entry_out_of_bounds")),
        ("fake_manifest_in_payload", Ok(())),
        (
            "manifest_seg_count_exceeds_payload",
            Err("manifest_not_found"),
        ),
        ("offset_length_wraps", Err("directory_entry_out_of_bounds")),
        ("overlapping_segments", Err("overlapping_segments")),
        ("payload_past_eof", Err("manifest_not_found")),
        ("sparse_arrays_exceed_payload", Ok(())),
        ("sparse_col_out_of_range", Ok(())),
        ("sparse_inf_value", Ok(())),
        ("sparse_nan_value", Ok(())),
        ("sparse_nnz_u64_max", Ok(())),
        ("sparse_row_ptr_not_monotone", Ok(())),
        ("unknown_segment_type", Ok(())),
        ("vec_dim_count_overflow", Ok(())),
        ("wasm_bytecode_size_mismatch", Ok(())),
        ("zero_content_hash", Ok(())),
    ];
    parse
        .into_iter()
        .map(|(name, p)| Case {
            file: format!("../corpus/{name}.rvf"),
            what: "malformed corpus",
            bytes: None,
            parse: p,
            hashes: Vec::new(),
            selections: Vec::new(),
            runs: Vec::new(),
        })
        .collect()
}
