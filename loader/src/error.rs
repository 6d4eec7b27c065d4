//! Typed errors of the read side.
//!
//! Every variant names the rule that was broken and where (segment index
//! and/or file offset), so a user can find the bad bytes with a hex dump.

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
    ManifestNotFound,
    /// The manifest payload at `offset` is malformed (`what` says how).
    BadManifest { offset: u64, what: &'static str },
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
    /// A segment's `alignment_pad` disagrees with the dialect's layout.
    BadAlignmentPad {
        offset: u64,
        found: u32,
        expected: u32,
    },
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
    /// I/O error opening or mapping a file (std only).
    Io {
        what: &'static str,
        detail: alloc::string::String,
    },
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
            Error::ManifestNotFound => f.write_str("no valid MANIFEST segment found in the file"),
            Error::BadManifest { offset, what } => {
                write!(f, "malformed manifest at offset {offset}: {what}")
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
            Error::BadAlignmentPad { offset, found, expected } => write!(
                f,
                "segment at offset {offset}: alignment_pad is {found}, layout needs {expected}"
            ),
            Error::BadPayload { kind, what } => write!(f, "malformed {kind} payload: {what}"),
            Error::UnsupportedCompression { offset, compression } => write!(
                f,
                "segment at offset {offset} uses compression {compression}, which this reader does not decode"
            ),
            Error::CountOverflow { kind, what } => {
                write!(f, "{kind} payload: {what} overflows")
            }
            Error::Io { what, detail } => write!(f, "{what}: {detail}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

pub type Result<T, E = Error> = core::result::Result<T, E>;
