//! Judging a parsed file: every hash, every typed payload, the padding
//! rules. Parsing (`container`) shows what is there; this module decides
//! whether it is sound, so `inspect` can show a segment `verify` fails.

use crate::container::{Dialect, RvfFile, Segment};
use crate::error::Error;
use crate::hash::HashStatus;
use crate::meta_seg;
use crate::sparse_seg::SparseMatrix;
use crate::vec_seg::VectorSegment;
use crate::wasm_seg::{BytecodeHashStatus, WasmSegment};
use alloc::vec::Vec;
use rvf_spec::format::seg;

/// One finding about one segment.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// The content hash matches (which rule).
    HashVerified(crate::hash::HashRule),
    /// The content hash is all zero: nothing was checked.
    HashNotSet,
    HashMismatch,
    HashAlgoUnsupported(u8),
    /// WASM bytecode hash result.
    Bytecode(BytecodeHashStatus),
    /// `alignment_pad` disagrees with the layout.
    BadPad {
        found: u32,
        expected: u32,
    },
    /// Padding bytes after the payload are not zero.
    NonZeroPadding,
    /// Reserved header fields are not zero, or compression is set.
    NonCanonicalHeader(&'static str),
    /// The typed payload failed to decode or validate.
    Payload(Error),
    /// A well-formed signature footer follows the payload (who signed it
    /// is known only against a key: see `signature`).
    Signed,
    /// The SIGNED flag is set but the footer is malformed.
    BadFooter(crate::signature::SigError),
}

impl Finding {
    /// True when this finding fails verification.
    pub fn is_failure(&self) -> bool {
        match self {
            Finding::HashVerified(_) | Finding::HashNotSet | Finding::Signed => false,
            Finding::Bytecode(s) => *s == BytecodeHashStatus::Mismatch,
            Finding::NonCanonicalHeader(_) => false,
            _ => true,
        }
    }
    /// True for things worth a warning (not verified, but not wrong).
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            Finding::HashNotSet
                | Finding::NonCanonicalHeader(_)
                | Finding::Bytecode(BytecodeHashStatus::NotSet | BytecodeHashStatus::UpstreamFold)
        )
    }
}

impl core::fmt::Display for Finding {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Finding::HashVerified(r) => write!(f, "content hash verified ({})", r.name()),
            Finding::HashNotSet => f.write_str("content hash not set (unverified)"),
            Finding::HashMismatch => f.write_str("content hash MISMATCH"),
            Finding::HashAlgoUnsupported(a) => write!(f, "checksum_algo {a} unsupported"),
            Finding::Bytecode(s) => write!(f, "bytecode hash: {}", s.label()),
            Finding::BadPad { found, expected } => {
                write!(f, "alignment_pad {found}, layout needs {expected}")
            }
            Finding::NonZeroPadding => f.write_str("padding bytes are not zero"),
            Finding::NonCanonicalHeader(w) => write!(f, "non-canonical header: {w}"),
            Finding::Payload(e) => write!(f, "{e}"),
            Finding::Signed => f.write_str("signed (Ed25519 footer)"),
            Finding::BadFooter(e) => write!(f, "signature footer: {e}"),
        }
    }
}

/// The verdict on one segment.
#[derive(Clone, Debug)]
pub struct SegmentVerdict {
    /// Index in the directory; `None` for the manifest itself.
    pub index: Option<usize>,
    pub offset: u64,
    pub seg_type: u8,
    pub segment_id: u64,
    pub payload_length: u64,
    pub findings: Vec<Finding>,
}

impl SegmentVerdict {
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(Finding::is_failure)
    }
}

/// The verdict on a whole file.
#[derive(Clone, Debug)]
pub struct FileVerdict {
    pub segments: Vec<SegmentVerdict>,
    /// Segments found by walking the file that no directory entry lists.
    pub unlisted: Vec<(u64, u8)>,
    /// Why the header walk stopped early, if it did.
    pub walk_stopped: Option<Error>,
    /// Newer manifest candidates rejected by the tail scan.
    pub rejected_newer_manifests: u32,
    /// The witness chain across all WITNESS segments.
    pub witness: Result<crate::witness::Chain, crate::witness::ChainError>,
    /// False when the manifest in use is not a segment of the file's own
    /// header chain (e.g. a manifest planted inside another payload).
    pub manifest_on_chain: bool,
}

impl FileVerdict {
    /// Segments whose content hash is unset (directory index; `None` for
    /// the manifest): nothing was verified for them.
    pub fn unhashed(&self) -> Vec<Option<usize>> {
        self.segments
            .iter()
            .filter(|s| s.findings.contains(&Finding::HashNotSet))
            .map(|s| s.index)
            .collect()
    }

    pub fn ok(&self) -> bool {
        self.segments.iter().all(SegmentVerdict::ok)
            && self.walk_stopped.is_none()
            && self.witness.is_ok()
            && self.manifest_on_chain
    }
}

/// Check one segment: content hash, header canonical form, padding and the
/// typed payload (full O(n) validation for sparse systems).
pub fn verify_segment(
    file: &RvfFile<'_>,
    index: Option<usize>,
    seg: &Segment<'_>,
) -> SegmentVerdict {
    let mut findings = Vec::new();
    findings.push(match seg.hash_status() {
        HashStatus::Verified(r) => Finding::HashVerified(r),
        HashStatus::NotSet => Finding::HashNotSet,
        HashStatus::Mismatch => Finding::HashMismatch,
        HashStatus::UnsupportedAlgo(a) => Finding::HashAlgoUnsupported(a),
    });
    let h = &seg.header;
    if h.reserved_0 != 0 || h.reserved_1 != 0 {
        findings.push(Finding::NonCanonicalHeader("reserved fields set"));
    }
    if h.compression != 0 {
        findings.push(Finding::Payload(Error::UnsupportedCompression {
            offset: seg.offset,
            compression: h.compression,
        }));
    }
    let expected = seg.expected_pad(file.dialect());
    if file.dialect() == Dialect::Aligned {
        if h.alignment_pad != expected {
            findings.push(Finding::BadPad {
                found: h.alignment_pad,
                expected,
            });
        }
        let pad_start = seg.stored_end();
        let pad = crate::bytes::range(file.bytes(), pad_start, expected as u64);
        if pad.is_some_and(|p| p.iter().any(|&b| b != 0)) {
            findings.push(Finding::NonZeroPadding);
        }
    }
    if seg.is_signed() {
        let limit = file.body_end();
        findings.push(
            match crate::signature::footer(file.bytes(), seg.payload_end(), limit) {
                Ok(_) => Finding::Signed,
                Err(e) => Finding::BadFooter(e),
            },
        );
    }
    if h.compression == 0 {
        match h.seg_type {
            seg::WASM => match WasmSegment::parse(seg.payload) {
                Ok(w) => match w.code(crate::wasm_seg::MAX_DECOMPRESSED) {
                    Ok(code) => findings.push(Finding::Bytecode(
                        crate::wasm_seg::bytecode_hash_status(&w.header.bytecode_hash, &code),
                    )),
                    Err(e) => findings.push(Finding::Payload(e)),
                },
                Err(e) => findings.push(Finding::Payload(e)),
            },
            seg::SPARSE => {
                if let Err(e) = SparseMatrix::parse(seg.payload).and_then(|m| m.validate()) {
                    findings.push(Finding::Payload(e));
                }
            }
            seg::VEC => {
                if let Err(e) = VectorSegment::parse(seg.payload) {
                    findings.push(Finding::Payload(e));
                }
            }
            seg::META => {
                if let Err(e) = meta_seg::decode(seg.payload) {
                    findings.push(Finding::Payload(e));
                }
            }
            _ => {}
        }
    }
    SegmentVerdict {
        index,
        offset: seg.offset,
        seg_type: h.seg_type,
        segment_id: h.segment_id,
        payload_length: h.payload_length,
        findings,
    }
}

/// Verify every listed segment and the manifest, and walk the file for
/// segments the directory does not list.
pub fn verify_file(file: &RvfFile<'_>) -> FileVerdict {
    let mut segments = Vec::new();
    for (i, seg) in file.segments() {
        match seg {
            Ok(s) => segments.push(verify_segment(file, Some(i), &s)),
            Err(e) => {
                let d = file.directory()[i];
                segments.push(SegmentVerdict {
                    index: Some(i),
                    offset: d.offset,
                    seg_type: d.seg_type,
                    segment_id: d.segment_id,
                    payload_length: d.payload_length,
                    findings: alloc::vec![Finding::Payload(e)],
                })
            }
        }
    }
    if let Ok(m) = file.manifest_segment() {
        segments.push(verify_segment(file, None, &m));
    }
    let walk = file.walk();
    let listed: Vec<u64> = file
        .directory()
        .iter()
        .map(|d| d.offset)
        .chain(core::iter::once(file.manifest().offset))
        .collect();
    let unlisted = walk
        .segments
        .iter()
        .filter(|s| !listed.contains(&s.offset))
        .map(|s| (s.offset, s.header.seg_type))
        .collect();
    let manifest_on_chain = walk
        .segments
        .iter()
        .any(|s| s.offset == file.manifest().offset);
    FileVerdict {
        manifest_on_chain,
        witness: crate::witness::verify_chain(file),
        segments,
        unlisted,
        walk_stopped: walk.stopped,
        rejected_newer_manifests: file.manifest().rejected_newer,
    }
}
