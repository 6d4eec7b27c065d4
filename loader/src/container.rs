//! The container: dialect detection, the tail scan for the newest manifest,
//! the checked segment directory, and a plain walk of all headers.
//!
//! Reading follows the published 0.5.0 reader (`read_path::mode_for_file`,
//! `find_latest_manifest`) but trusts nothing: every directory entry is
//! checked against the real file size and against the header it points at,
//! and overlapping entries are an error. Segment ids are not assumed unique.

use crate::bytes::{align64, range};
use crate::error::{Error, ManifestFault, ManifestRejection, Result, SegIndex};
use crate::hash::{verify_content_hash, HashStatus};
use crate::header::{self, SegmentHeader, HEADER_LEN};
use crate::manifest::{DirEntry, Manifest};
use alloc::vec::Vec;

use rvf_spec::format::{ROOT_MANIFEST_MAGIC, ROOT_MANIFEST_SIZE};
use rvf_spec::manifest::scan::{BUDGET_BYTES, HEAVY_PAYLOAD, MAX_HEAVY_ATTEMPTS};

pub const ROOT_PAGE_LEN: u64 = ROOT_MANIFEST_SIZE as u64;
pub const ROOT_PAGE_MAGIC: [u8; 4] = ROOT_MANIFEST_MAGIC.to_le_bytes();

/// How segments are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// 0.5.0 "wire dialect": every segment starts on a 64-byte boundary.
    Aligned,
    /// ≤ 0.4 "legacy": segments back to back, no padding.
    Legacy,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Aligned => "wire (64-byte aligned)",
            Dialect::Legacy => "legacy (unpadded)",
        }
    }
}

/// End of the segment area: the file length, less a trailing signed root page.
pub fn body_end(data: &[u8]) -> (u64, bool) {
    let len = data.len() as u64;
    if len >= ROOT_PAGE_LEN + HEADER_LEN
        && range(data, len - ROOT_PAGE_LEN, 4) == Some(&ROOT_PAGE_MAGIC[..])
    {
        (len - ROOT_PAGE_LEN, true)
    } else {
        (len, false)
    }
}

/// Decide the dialect as `rvf-runtime` 0.5.0 does: look at up to 8 headers
/// from offset 0; at the first segment whose end is not 64-aligned, see
/// whether the next header sits at the padded or the unpadded position.
pub fn detect_dialect(data: &[u8], end: u64) -> Dialect {
    let body = &data[..end as usize];
    let mut off = 0u64;
    let mut first_algo = None;
    for _ in 0..8 {
        let Ok(h) = header::decode_at(body, off) else {
            break;
        };
        first_algo.get_or_insert(h.checksum_algo);
        let Ok(pend) = header::payload_end(off, &h, end) else {
            break;
        };
        let pend = pend + stored_footer(body, &h, pend, end);
        if !pend.is_multiple_of(64) {
            let padded = align64(pend).unwrap_or(u64::MAX);
            let at_padded = header::looks_like_header(body, padded);
            let at_unpadded = header::looks_like_header(body, pend);
            return match (at_padded, at_unpadded) {
                (true, _) => Dialect::Aligned,
                (false, true) => Dialect::Legacy,
                (false, false) if first_algo == Some(0) => Dialect::Legacy,
                _ => Dialect::Aligned,
            };
        }
        off = pend;
    }
    Dialect::Aligned
}

/// Bytes of signature footer a segment with header `h`, whose payload
/// ends at `payload_end`, stores after its payload (0 when unsigned).
fn stored_footer(data: &[u8], h: &SegmentHeader, payload_end: u64, limit: u64) -> u64 {
    if h.flags & crate::signature::SIGNED != 0 {
        crate::signature::footer_len(data, payload_end, limit)
    } else {
        0
    }
}

/// A segment located in the file: its header and the payload bytes.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    pub offset: u64,
    pub header: SegmentHeader,
    pub payload: &'a [u8],
    /// Bytes of signature footer after the payload (0 when unsigned).
    pub footer_len: u64,
}

impl<'a> Segment<'a> {
    /// Check the stored content hash against the payload.
    pub fn hash_status(&self) -> HashStatus {
        verify_content_hash(
            self.header.checksum_algo,
            &self.header.content_hash,
            self.payload,
        )
    }
    /// End of the payload (excludes any footer and padding).
    pub fn payload_end(&self) -> u64 {
        self.offset + HEADER_LEN + self.header.payload_length
    }
    /// End of what the segment stores before its padding (payload and footer).
    pub fn stored_end(&self) -> u64 {
        self.payload_end() + self.footer_len
    }
    /// True when the header says a signature footer follows the payload.
    pub fn is_signed(&self) -> bool {
        self.header.flags & crate::signature::SIGNED != 0
    }
    /// The padding the aligned layout needs after the payload and footer.
    pub fn expected_pad(&self, dialect: Dialect) -> u32 {
        match dialect {
            Dialect::Legacy => 0,
            Dialect::Aligned => ((64 - self.stored_end() % 64) % 64) as u32,
        }
    }
}

/// Read the segment at `offset` within `data[..end]`, checking magic,
/// version and that the payload lies inside.
pub fn segment_at(data: &[u8], offset: u64, end: u64) -> Result<Segment<'_>> {
    let body = data.get(..end as usize).unwrap_or(data);
    let h = header::decode_at(body, offset)?;
    let pend = header::payload_end(offset, &h, end)?;
    let payload = range(body, offset + HEADER_LEN, pend - offset - HEADER_LEN).ok_or(
        Error::PayloadPastEof {
            offset,
            payload_length: h.payload_length,
            file_len: end,
        },
    )?;
    Ok(Segment {
        offset,
        header: h,
        payload,
        footer_len: stored_footer(body, &h, pend, end),
    })
}

/// Result of a plain header walk from offset 0.
#[derive(Debug)]
pub struct Walk<'a> {
    pub segments: Vec<Segment<'a>>,
    /// Why the walk stopped before the end of the body, if it did.
    pub stopped: Option<Error>,
}

/// Walk every segment header from offset 0 to `end`, following payload
/// lengths. Zero fill up to the next 64-byte boundary between segments is
/// skipped (0.5.0 writers zero-fill when appending to a legacy tail).
pub fn walk(data: &[u8], end: u64, dialect: Dialect) -> Walk<'_> {
    let mut segments = Vec::new();
    let mut off = 0u64;
    while off < end {
        let seg = match segment_at(data, off, end) {
            Ok(s) => s,
            Err(e) => {
                // Tolerate a zero-filled gap up to the next boundary.
                let next = align64(off).unwrap_or(u64::MAX);
                let gap_zero = next > off
                    && next < end
                    && range(data, off, next - off).is_some_and(|g| g.iter().all(|&b| b == 0));
                if gap_zero {
                    off = next;
                    continue;
                }
                return Walk {
                    segments,
                    stopped: Some(e),
                };
            }
        };
        let pend = seg.stored_end();
        segments.push(seg);
        off = match dialect {
            Dialect::Legacy => pend,
            Dialect::Aligned => align64(pend).unwrap_or(u64::MAX).min(end),
        };
    }
    Walk {
        segments,
        stopped: None,
    }
}

/// The newest manifest found by the tail scan.
#[derive(Clone, Debug)]
pub struct ManifestLocation {
    pub offset: u64,
    pub header: SegmentHeader,
    pub manifest: Manifest,
    /// Newer manifest candidates that were rejected (bad hash, bad payload).
    pub rejected_newer: u32,
}

/// How far from the end the byte-by-byte pass of the tail scan looks.
/// Writers put the manifest last, so it lies near the end; only a legacy
/// (unaligned) file with a torn tail longer than this goes unread (aligned
/// files are also scanned at every 64th offset over their whole length).
pub const BYTE_SCAN_WINDOW: u64 = rvf_spec::manifest::scan::BYTE_SCAN_WINDOW;

/// Scan backward from `end` for the newest MANIFEST_SEG that parses and whose
/// content hash (when set) verifies. Aligned files are scanned at every 64th
/// offset over the whole body, then (as upstream) byte by byte over the last
/// [`BYTE_SCAN_WINDOW`] bytes if that finds nothing: the work is bounded by
/// size/64 + the window, whatever the file holds (an 8 GiB file of zeros
/// is refused in a fraction of a second).
pub fn find_latest_manifest(data: &[u8], end: u64, dialect: Dialect) -> Result<ManifestLocation> {
    scan(data, end, dialect, BYTE_SCAN_WINDOW).0
}

/// The tail scan, with the byte-wise window given, and the number of
/// offsets it examined.
fn scan(data: &[u8], end: u64, dialect: Dialect, window: u64) -> (Result<ManifestLocation>, u64) {
    let strides: &[u64] = match dialect {
        Dialect::Aligned => &[64, 1],
        Dialect::Legacy => &[1],
    };
    let mut rejected = 0u32;
    let mut newest: Option<ManifestRejection> = None;
    let mut work = 0u64;
    for &stride in strides {
        let floor = if stride == 1 {
            end.saturating_sub(window)
        } else {
            0
        };
        let mut heavy_attempts = 0u32;
        // Heavy candidates (payload over HEAVY_PAYLOAD) and candidate bytes
        // parsed per pass are bounded (rvf_spec::manifest::scan).
        let mut budget = BUDGET_BYTES.max(data.len() as u64);
        if end < HEADER_LEN {
            break;
        }
        let mut pos = end - HEADER_LEN;
        if stride == 64 {
            pos &= !63;
        }
        loop {
            work += 1;
            // The byte-wise pass skips offsets the aligned pass already judged.
            let seen = stride == 1 && strides[0] == 64 && pos.is_multiple_of(64);
            if !seen && is_manifest_candidate(data, pos) {
                if let Ok(seg) = segment_at(data, pos, end) {
                    let plen = seg.header.payload_length;
                    let heavy = plen > HEAVY_PAYLOAD;
                    if heavy {
                        heavy_attempts += 1;
                    }
                    if (heavy && heavy_attempts > MAX_HEAVY_ATTEMPTS) || plen > budget {
                        break;
                    }
                    budget -= plen;
                    let hash = seg.hash_status();
                    let fault = match Manifest::parse(seg.payload) {
                        _ if matches!(
                            hash,
                            HashStatus::Mismatch | HashStatus::UnsupportedAlgo(_)
                        ) =>
                        {
                            ManifestFault::Hash(hash)
                        }
                        Ok(manifest) => {
                            let found = ManifestLocation {
                                offset: pos,
                                header: seg.header,
                                manifest,
                                rejected_newer: rejected,
                            };
                            return (Ok(found), work);
                        }
                        Err(e) => ManifestFault::Payload(e),
                    };
                    rejected += 1;
                    newest.get_or_insert(ManifestRejection { offset: pos, fault });
                }
            }
            if pos < stride || pos - stride < floor {
                break;
            }
            pos -= stride;
        }
    }
    (Err(Error::ManifestNotFound { rejected, newest }), work)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan's work is bounded by size/64 plus the byte window, not the
    /// size (a huge file of zeros used to cost ~7 s/GiB).
    #[test]
    fn tail_scan_work_is_bounded() {
        let zeros = alloc::vec![0u8; 8 << 20];
        let window = 1 << 20;
        let (r, work) = scan(&zeros, zeros.len() as u64, Dialect::Aligned, window);
        assert!(matches!(
            r,
            Err(Error::ManifestNotFound { rejected: 0, .. })
        ));
        let bound = zeros.len() as u64 / 64 + window + 2;
        assert!(work <= bound, "{work} offsets examined, bound {bound}");
        assert!(work >= window, "the window is scanned");
        let (_, work) = scan(&zeros, zeros.len() as u64, Dialect::Legacy, window);
        assert!(work <= window + 2, "{work}");
    }
}

fn is_manifest_candidate(data: &[u8], pos: u64) -> bool {
    header::looks_like_header(data, pos)
        && range(data, pos + rvf_spec::segment::at::SEG_TYPE as u64, 1)
            == Some(&[rvf_spec::format::seg::MANIFEST][..])
}

/// An opened RVF file: a view over its bytes with a checked directory.
#[derive(Clone, Debug)]
pub struct RvfFile<'a> {
    data: &'a [u8],
    end: u64,
    root_page: bool,
    dialect: Dialect,
    manifest: ManifestLocation,
}

impl<'a> RvfFile<'a> {
    /// Parse `data` as an RVF file: detect the dialect, find the newest
    /// manifest and check every directory entry against the file.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let (end, root_page) = body_end(data);
        let dialect = detect_dialect(data, end);
        let manifest = find_latest_manifest(data, end, dialect)?;
        let file = RvfFile {
            data,
            end,
            root_page,
            dialect,
            manifest,
        };
        file.check_directory()?;
        Ok(file)
    }

    fn check_directory(&self) -> Result<()> {
        let dir = &self.manifest.manifest.directory;
        // (start, end, index, footer bytes) of every listed segment, plus
        // the manifest itself.
        let mut spans: Vec<(u64, u64, SegIndex, u64)> = Vec::with_capacity(dir.len() + 1);
        for (index, e) in dir.iter().enumerate() {
            let oob = Error::DirectoryEntryOutOfBounds {
                index,
                offset: e.offset,
                payload_length: e.payload_length,
            };
            let seg_end = e
                .offset
                .checked_add(HEADER_LEN)
                .and_then(|x| x.checked_add(e.payload_length))
                .ok_or(oob.clone())?;
            if seg_end > self.end {
                return Err(oob);
            }
            let h = header::decode_at(self.data, e.offset).map_err(|_| {
                Error::DirectoryEntryMismatch {
                    index,
                    offset: e.offset,
                    what: "no valid segment header at this offset",
                }
            })?;
            let mismatch = |what| Error::DirectoryEntryMismatch {
                index,
                offset: e.offset,
                what,
            };
            if h.seg_type != e.seg_type {
                return Err(mismatch("segment type differs from the directory"));
            }
            if h.payload_length != e.payload_length {
                return Err(mismatch("payload length differs from the directory"));
            }
            if h.segment_id != e.segment_id {
                return Err(mismatch("segment id differs from the directory"));
            }
            // A signature footer is part of the segment's bytes.
            let footer = stored_footer(self.data, &h, seg_end, self.end);
            spans.push((e.offset, seg_end + footer, index, footer));
        }
        let m_end = self.manifest.offset + HEADER_LEN + self.manifest.header.payload_length;
        spans.push((self.manifest.offset, m_end, dir.len(), 0));
        spans.sort_unstable();
        for w in spans.windows(2) {
            if w[1].0 < w[0].1 {
                if w[0].1 - w[0].3 <= w[1].0 && w[0].2 < dir.len() {
                    // Only the footer overlaps: its sig_length is wrong.
                    return Err(Error::DirectoryEntryMismatch {
                        index: w[0].2,
                        offset: w[0].0,
                        what: "its signature footer (as long as its sig_length says) runs into the next segment",
                    });
                }
                let (a, b) = (w[0].2.min(w[1].2), w[0].2.max(w[1].2));
                return Err(Error::OverlappingSegments {
                    first: a,
                    second: b,
                });
            }
        }
        Ok(())
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.data
    }
    pub fn len(&self) -> u64 {
        self.data.len() as u64
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    /// End of the segment area (file length minus a trailing root page).
    pub fn body_end(&self) -> u64 {
        self.end
    }
    pub fn has_root_page(&self) -> bool {
        self.root_page
    }
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }
    pub fn manifest(&self) -> &ManifestLocation {
        &self.manifest
    }
    /// The directory of the newest manifest, in its order.
    pub fn directory(&self) -> &[DirEntry] {
        &self.manifest.manifest.directory
    }
    /// Segment `index` of the directory (already bounds-checked at parse).
    pub fn segment(&self, index: usize) -> Result<Segment<'a>> {
        let e = self.directory().get(index).ok_or(Error::NoSuchSegment {
            index,
            count: self.directory().len(),
        })?;
        segment_at(self.data, e.offset, self.end)
    }
    /// Every directory segment with its index.
    pub fn segments(&self) -> impl Iterator<Item = (usize, Result<Segment<'a>>)> + '_ {
        (0..self.directory().len()).map(move |i| (i, self.segment(i)))
    }
    /// The manifest segment itself.
    pub fn manifest_segment(&self) -> Result<Segment<'a>> {
        segment_at(self.data, self.manifest.offset, self.end)
    }
    /// Walk all headers (includes segments the directory does not list).
    pub fn walk(&self) -> Walk<'a> {
        walk(self.data, self.end, self.dialect)
    }
}
