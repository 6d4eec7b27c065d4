//! Typed errors of the read side.
//!
//! Every variant names the rule that was broken and where (segment index
//! and/or file offset), so a user can find the bad bytes with a hex dump.

use crate::hash::HashStatus;
use crate::manifest::ManifestError;
use core::fmt;

/// Which directory the segment index in an error refers to.
pub type SegIndex = usize;

/// Everything that can be wrong with an RVF file, as the loader sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Fewer than 64 bytes remain for a segment header at `offset`.
    TruncatedHeader { offset: u64 },
    /// The 4 magic bytes at `offset` are not `53 46 56 52`.
    BadMagic { offset: u64, found: u32 },
    /// The segment header version at `offset` is not 1.
    BadVersion { offset: u64, found: u8 },
    /// `payload_length` (+ header) at `offset` runs past the end of the data.
    PayloadPastEof {
        offset: u64,
        payload_length: u64,
        file_len: u64,
    },
    /// An offset + length computation overflowed u64.
    OffsetOverflow { offset: u64, length: u64 },
    /// No valid MANIFEST_SEG was found scanning back from the tail.
    /// `rejected` candidates looked like manifests but failed; `newest`
    /// says where the newest of them was and why.
    ManifestNotFound {
        rejected: u32,
        newest: Option<ManifestRejection>,
    },
    /// Directory entry `index` points outside the file.
    DirectoryEntryOutOfBounds {
        index: SegIndex,
        offset: u64,
        payload_length: u64,
    },
    /// Directory entry `index` does not point at a segment header that matches it.
    DirectoryEntryMismatch {
        index: SegIndex,
        offset: u64,
        what: &'static str,
    },
    /// Directory entries `first` and `second` describe overlapping byte ranges.
    OverlappingSegments { first: SegIndex, second: SegIndex },
    /// No directory entry `index` (the directory has `count`).
    NoSuchSegment { index: SegIndex, count: usize },
    /// A typed payload (WASM / sparse / vector) is malformed.
    BadPayload {
        kind: PayloadKind,
        what: &'static str,
    },
    /// The payload is compressed with an algorithm this reader does not decode.
    UnsupportedCompression { offset: u64, compression: u8 },
    /// A count read from the file would overflow when multiplied out.
    CountOverflow {
        kind: PayloadKind,
        what: &'static str,
    },
    /// I/O error opening or mapping `path` (std only).
    Io {
        path: alloc::string::String,
        what: &'static str,
        detail: alloc::string::String,
    },
    /// `path` is not a regular file (a directory, FIFO, device, socket):
    /// refused before anything is read, so nothing blocks.
    NotAFile {
        path: alloc::string::String,
        kind: &'static str,
    },
}

/// A manifest candidate the tail scan passed over, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManifestRejection {
    /// File offset of the candidate's segment header.
    pub offset: u64,
    pub fault: ManifestFault,
}

/// Why a manifest candidate was passed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManifestFault {
    /// Its content hash does not verify (or uses an algorithm we refuse).
    Hash(HashStatus),
    /// Its payload breaks a manifest rule.
    Payload(ManifestError),
}

impl fmt::Display for ManifestRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.fault {
            ManifestFault::Hash(h) => write!(
                f,
                "the newest candidate (offset {}) has content hash {}",
                self.offset,
                h.label()
            ),
            ManifestFault::Payload(e) => {
                write!(f, "the newest candidate (offset {}): {e}", self.offset)
            }
        }
    }
}

impl Error {
    /// A stable machine name for the rule broken (the conformance set and
    /// the JavaScript host use these names).
    pub fn class(&self) -> &'static str {
        match self {
            Error::TruncatedHeader { .. } => "truncated_header",
            Error::BadMagic { .. } => "bad_magic",
            Error::BadVersion { .. } => "bad_version",
            Error::PayloadPastEof { .. } => "payload_past_eof",
            Error::OffsetOverflow { .. } => "offset_overflow",
            Error::ManifestNotFound { .. } => "manifest_not_found",
            Error::DirectoryEntryOutOfBounds { .. } => "directory_entry_out_of_bounds",
            Error::DirectoryEntryMismatch { .. } => "directory_entry_mismatch",
            Error::OverlappingSegments { .. } => "overlapping_segments",
            Error::NoSuchSegment { .. } => "no_such_segment",
            Error::BadPayload { .. } => "bad_payload",
            Error::UnsupportedCompression { .. } => "unsupported_compression",
            Error::CountOverflow { .. } => "count_overflow",
            Error::Io { .. } => "io",
            Error::NotAFile { .. } => "not_a_file",
        }
    }
}

/// The kind of typed payload an error refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadKind {
    Wasm,
    Sparse,
    Vectors,
    Meta,
}

impl fmt::Display for PayloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PayloadKind::Wasm => "WASM",
            PayloadKind::Sparse => "sparse",
            PayloadKind::Vectors => "vector",
            PayloadKind::Meta => "META",
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TruncatedHeader { offset } => {
                write!(f, "truncated segment header at offset {offset}")
            }
            Error::BadMagic { offset, found } => write!(
                f,
                "bad segment magic at offset {offset}: found {found:#010x}, expected 0x52564653"
            ),
            Error::BadVersion { offset, found } => {
                write!(f, "unsupported segment version {found} at offset {offset} (expected 1)")
            }
            Error::PayloadPastEof { offset, payload_length, file_len } => write!(
                f,
                "segment at offset {offset} claims a {payload_length}-byte payload, past the end of the {file_len}-byte file"
            ),
            Error::OffsetOverflow { offset, length } => {
                write!(f, "offset {offset} + length {length} overflows")
            }
            Error::ManifestNotFound { rejected: 0, .. } => f.write_str(
                "not an RVF file: no MANIFEST segment found scanning back from the end",
            ),
            Error::ManifestNotFound { rejected, newest } => {
                write!(
                    f,
                    "no valid MANIFEST segment: {rejected} candidate(s) rejected"
                )?;
                if let Some(n) = newest {
                    write!(f, "; {n}")?;
                }
                Ok(())
            }
            Error::DirectoryEntryOutOfBounds { index, offset, payload_length } => write!(
                f,
                "directory entry {index} (offset {offset}, payload {payload_length}) lies outside the file"
            ),
            Error::DirectoryEntryMismatch { index, offset, what } => {
                write!(f, "directory entry {index} at offset {offset}: {what}")
            }
            Error::OverlappingSegments { first, second } => {
                write!(f, "directory entries {first} and {second} overlap")
            }
            Error::NoSuchSegment { index, count } => write!(
                f,
                "there is no segment {index}: the directory lists {count} (0..{count})"
            ),
            Error::BadPayload { kind, what } => write!(f, "malformed {kind} payload: {what}"),
            Error::UnsupportedCompression { offset, compression } => write!(
                f,
                "segment at offset {offset} uses compression {compression}, which this reader does not decode"
            ),
            Error::CountOverflow { kind, what } => {
                write!(f, "{kind} payload: {what} overflows")
            }
            Error::Io { path, what, detail } => write!(f, "{path}: {what}: {detail}"),
            Error::NotAFile { path, kind } => write!(
                f,
                "{path}: is a {kind}, not a regular file (inputs are read whole, from regular files)"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

pub type Result<T, E = Error> = core::result::Result<T, E>;
