//! Labels: names for the rows of a vector set or the nodes of a matrix,
//! stored by the packer and read the same way by every host
//! (docs/FORMAT.md, "Labels").
//!
//! They are **file-metadata entries** of a META segment (RVFMETA), not
//! per-vector records: the published runtime refuses a record that names no
//! live vector, and a node is not a vector. One entry holds the labels of
//! consecutive indices from `first`, joined by [`SEPARATOR`] (a label holds
//! no line break); its key is [`PREFIX`] + target + `.` + `first` (decimal),
//! the target being [`VECTORS`] (row *i* of the file's vector set, as
//! `--query-index` and k-NN hits number them) or [`MATRIX`] + `.` + the hex
//! SHAKE-256/128 of the matrix's SPARSE payload (so labels stay attached
//! through append and sign, which keep the payload). Labels longer than one
//! entry may hold are split over several entries. META segments are read
//! in directory order; a later entry with the same key replaces an earlier
//! one, as the published runtime's metadata chain does.

use alloc::format;
use alloc::string::String;

/// Prefix of every label entry's key.
pub const PREFIX: &str = "rvf-boot.labels.";
/// Target name of the vector set's rows.
pub const VECTORS: &str = "vectors";
/// Target name of a matrix's nodes (followed by `.` and its payload digest).
pub const MATRIX: &str = "matrix";
/// Between the labels of one entry.
pub const SEPARATOR: char = '\n';
/// Longest label accepted at pack time, in bytes (UTF-8).
pub const MAX_LABEL_BYTES: usize = 1024;
/// Longest entry value (RVFMETA's `MAX_META_VALUE_BYTES`).
pub const MAX_ENTRY_BYTES: usize = 16 * 1024 * 1024;
/// Most label bytes one pack command stores (the published runtime reads
/// at most 256 MiB of metadata per file).
pub const MAX_TOTAL_BYTES: usize = 64 * 1024 * 1024;

/// What an entry labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    Vectors,
    /// A matrix, by the hex SHAKE-256/128 of its payload (32 digits).
    Matrix(&'a str),
}

/// The key of the entry labelling `target` from index `first`.
pub fn key(target: Target<'_>, first: u64) -> String {
    match target {
        Target::Vectors => format!("{PREFIX}{VECTORS}.{first}"),
        Target::Matrix(digest) => format!("{PREFIX}{MATRIX}.{digest}.{first}"),
    }
}

/// The target and first index of a label entry's key (`None` for any other key).
pub fn parse_key(key: &str) -> Option<(Target<'_>, u64)> {
    let rest = key.strip_prefix(PREFIX)?;
    let (target, first) = rest.rsplit_once('.')?;
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let first = first.parse().ok()?;
    let target = match target.split_once('.') {
        None if target == VECTORS => Target::Vectors,
        Some((MATRIX, d)) if d.len() == 32 && d.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Target::Matrix(d)
        }
        _ => return None,
    };
    Some((target, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_strangers_are_not_labels() {
        let d = "00112233445566778899aabbccddeeff";
        for t in [Target::Vectors, Target::Matrix(d)] {
            assert_eq!(parse_key(&key(t, 42)), Some((t, 42)));
        }
        assert_eq!(key(Target::Vectors, 0), "rvf-boot.labels.vectors.0");
        for k in [
            "dataset",
            "rvf-boot.labels.vectors",
            "rvf-boot.labels.vectors.x",
            "rvf-boot.labels.matrix.abc.0",
            "rvf-boot.labels.nodes.0",
            "rvf-boot.labels.vectors.-1",
        ] {
            assert_eq!(parse_key(k), None, "{k}");
        }
    }
}
