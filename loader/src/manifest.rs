//! The runtime-format MANIFEST_SEG payload (what `rvf-runtime` 0.5.0 and
//! `rvf-cli` 0.3.0 read and write): header, segment directory, deletion
//! list, optional `FileIdentity` ("FIDI") and optional per-segment hash
//! trailer ("SHDG").
//!
//! Never allocates from an unchecked count: every count is bounded by the
//! bytes that remain in the payload before anything is reserved.

use crate::bytes::{u16_at, u32_at, u64_at, Cursor};
use alloc::vec::Vec;
use core::fmt;
use rvf_spec::manifest::{at, entry};
pub use rvf_spec::manifest::{
    DELETED_ID_LEN, DIR_ENTRY_LEN, FIDI_MARKER, FILE_IDENTITY_LEN, FIXED_LEN, SHDG_ENTRY_LEN,
    SHDG_MARKER,
};

/// Which rule a manifest payload breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManifestError {
    /// Shorter than the 22-byte fixed header.
    TooShort { len: usize },
    /// The payload ends inside the named part.
    Truncated { part: &'static str },
    /// `seg_count` directory entries of 25 bytes do not fit in what remains.
    DirectoryCount { count: u32, room: usize },
    /// The deletion count does not fit in what remains.
    DeletionCount { count: u32, room: usize },
    /// An `SHDG` hash trailer whose count does not consume the payload exactly.
    HashTrailer { count: u32, room: usize },
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestError::TooShort { len } => {
                write!(
                    f,
                    "payload of {len} bytes is shorter than the {FIXED_LEN}-byte manifest header"
                )
            }
            ManifestError::Truncated { part } => write!(f, "truncated inside the {part}"),
            ManifestError::DirectoryCount { count, room } => write!(
                f,
                "seg_count {count} needs {} bytes of directory, {room} remain",
                *count as u64 * DIR_ENTRY_LEN as u64
            ),
            ManifestError::DeletionCount { count, room } => write!(
                f,
                "deletion count {count} needs {} bytes, {room} remain",
                *count as u64 * DELETED_ID_LEN as u64
            ),
            ManifestError::HashTrailer { count, room } => write!(
                f,
                "segment-hash trailer count {count} needs {} bytes, {room} remain",
                *count as u64 * SHDG_ENTRY_LEN as u64
            ),
        }
    }
}

/// One directory entry: where a segment's header is and what it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub segment_id: u64,
    /// File offset of the segment **header**.
    pub offset: u64,
    /// Payload length (excludes header and padding).
    pub payload_length: u64,
    pub seg_type: u8,
}

/// `rvf_types::FileIdentity` in its 68 wire bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileIdentity {
    pub file_id: [u8; 16],
    pub parent_id: [u8; 16],
    pub parent_hash: [u8; 32],
    pub lineage_depth: u32,
}

impl FileIdentity {
    pub fn to_bytes(&self) -> [u8; FILE_IDENTITY_LEN] {
        let mut b = [0u8; FILE_IDENTITY_LEN];
        b[0..16].copy_from_slice(&self.file_id);
        b[16..32].copy_from_slice(&self.parent_id);
        b[32..64].copy_from_slice(&self.parent_hash);
        b[64..68].copy_from_slice(&self.lineage_depth.to_le_bytes());
        b
    }
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        let mut c = Cursor::new(b);
        Some(FileIdentity {
            file_id: c.take(16)?.try_into().ok()?,
            parent_id: c.take(16)?.try_into().ok()?,
            parent_hash: c.take(32)?.try_into().ok()?,
            lineage_depth: c.u32()?,
        })
    }
}

/// A parsed manifest payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    pub epoch: u32,
    pub dimension: u16,
    pub total_vectors: u64,
    pub profile_id: u8,
    /// 0 = L2, 1 = inner product, 2 = cosine (0 in legacy files).
    pub metric_id: u8,
    pub directory: Vec<DirEntry>,
    pub deleted_ids: Vec<u64>,
    pub file_identity: Option<FileIdentity>,
    /// `(segment_id, content_hash)` pairs of a signed store, if present.
    pub segment_hashes: Option<Vec<(u64, [u8; 16])>>,
    /// Bytes after everything we understood (tolerated, reported by `verify`).
    pub trailing_bytes: usize,
}

impl Manifest {
    /// A manifest with this epoch and directory and nothing else
    /// (no vectors, deletions, identity or hash trailer).
    pub fn with_directory(epoch: u32, directory: Vec<DirEntry>) -> Manifest {
        Manifest {
            epoch,
            dimension: 0,
            total_vectors: 0,
            profile_id: 0,
            metric_id: 0,
            directory,
            deleted_ids: Vec::new(),
            file_identity: None,
            segment_hashes: None,
            trailing_bytes: 0,
        }
    }

    /// Parse a manifest payload, naming the rule broken when it does not.
    pub fn parse(payload: &[u8]) -> Result<Manifest, ManifestError> {
        if payload.len() < FIXED_LEN {
            return Err(ManifestError::TooShort { len: payload.len() });
        }
        let cut = |part| ManifestError::Truncated { part };
        // The fixed header, field by field (rvf_spec::manifest::at); the
        // length check above puts every field in range.
        let u16_ = |o: usize| u16_at(payload, o as u64).ok_or(cut("header"));
        let u32_ = |o: usize| u32_at(payload, o as u64).ok_or(cut("header"));
        let epoch = u32_(at::EPOCH)?;
        let dimension = u16_(at::DIMENSION)?;
        let total_vectors = u64_at(payload, at::TOTAL_VECTORS as u64).ok_or(cut("header"))?;
        let seg_count = u32_(at::SEG_COUNT)?;
        let profile_id = payload[at::PROFILE_ID];
        let metric_id = payload[at::METRIC_ID];
        let rest = &payload[FIXED_LEN..];
        if seg_count as usize > rest.len() / DIR_ENTRY_LEN {
            return Err(ManifestError::DirectoryCount {
                count: seg_count,
                room: rest.len(),
            });
        }
        let dir_len = seg_count as usize * DIR_ENTRY_LEN;
        let directory: Vec<DirEntry> = rest[..dir_len]
            .chunks_exact(DIR_ENTRY_LEN)
            .map(|e| DirEntry {
                segment_id: u64_at(e, entry::SEGMENT_ID as u64).unwrap_or(0),
                offset: u64_at(e, entry::OFFSET as u64).unwrap_or(0),
                payload_length: u64_at(e, entry::PAYLOAD_LENGTH as u64).unwrap_or(0),
                seg_type: e[entry::SEG_TYPE],
            })
            .collect();
        let mut c = Cursor::new(&rest[dir_len..]);
        let mut deleted_ids = Vec::new();
        if c.remaining() >= 4 {
            let del_count = c.u32().ok_or(cut("deletion list"))?;
            if del_count as usize > c.remaining() / DELETED_ID_LEN {
                return Err(ManifestError::DeletionCount {
                    count: del_count,
                    room: c.remaining(),
                });
            }
            deleted_ids.reserve_exact(del_count as usize);
            for _ in 0..del_count {
                deleted_ids.push(c.u64().ok_or(cut("deletion list"))?);
            }
        }
        let mut file_identity = None;
        if c.remaining() >= 4 + FILE_IDENTITY_LEN && c.peek_u32() == Some(FIDI_MARKER) {
            c.u32();
            file_identity =
                FileIdentity::from_bytes(c.take(FILE_IDENTITY_LEN).ok_or(cut("file identity"))?);
        }
        let mut segment_hashes = None;
        if c.remaining() >= 8 && c.peek_u32() == Some(SHDG_MARKER) {
            c.u32();
            let count = c.u32().ok_or(cut("hash trailer"))?;
            // As upstream: a present trailer must consume the payload exactly.
            if (count as usize).checked_mul(SHDG_ENTRY_LEN) != Some(c.remaining()) {
                return Err(ManifestError::HashTrailer {
                    count,
                    room: c.remaining(),
                });
            }
            let mut v = Vec::with_capacity(count as usize);
            for _ in 0..count {
                let id = c.u64().ok_or(cut("hash trailer"))?;
                let h: [u8; 16] = c
                    .take(16)
                    .and_then(|s| s.try_into().ok())
                    .ok_or(cut("hash trailer"))?;
                v.push((id, h));
            }
            segment_hashes = Some(v);
        }
        Ok(Manifest {
            epoch,
            dimension,
            total_vectors,
            profile_id,
            metric_id,
            directory,
            deleted_ids,
            file_identity,
            segment_hashes,
            trailing_bytes: c.remaining(),
        })
    }

    /// Encode in the runtime format (no hash trailer; FIDI when present).
    pub fn encode(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(
            FIXED_LEN
                + self.directory.len() * DIR_ENTRY_LEN
                + 4
                + self.deleted_ids.len() * DELETED_ID_LEN
                + 4
                + FILE_IDENTITY_LEN,
        );
        let mut fixed = [0u8; FIXED_LEN];
        let mut put = |o: usize, v: &[u8]| fixed[o..o + v.len()].copy_from_slice(v);
        put(at::EPOCH, &self.epoch.to_le_bytes());
        put(at::DIMENSION, &self.dimension.to_le_bytes());
        put(at::TOTAL_VECTORS, &self.total_vectors.to_le_bytes());
        put(at::SEG_COUNT, &(self.directory.len() as u32).to_le_bytes());
        put(at::PROFILE_ID, &[self.profile_id]);
        put(at::METRIC_ID, &[self.metric_id]);
        p.extend_from_slice(&fixed);
        for e in &self.directory {
            let mut b = [0u8; DIR_ENTRY_LEN];
            b[entry::SEGMENT_ID..entry::SEGMENT_ID + 8]
                .copy_from_slice(&e.segment_id.to_le_bytes());
            b[entry::OFFSET..entry::OFFSET + 8].copy_from_slice(&e.offset.to_le_bytes());
            b[entry::PAYLOAD_LENGTH..entry::PAYLOAD_LENGTH + 8]
                .copy_from_slice(&e.payload_length.to_le_bytes());
            b[entry::SEG_TYPE] = e.seg_type;
            p.extend_from_slice(&b);
        }
        p.extend_from_slice(&(self.deleted_ids.len() as u32).to_le_bytes());
        for d in &self.deleted_ids {
            p.extend_from_slice(&d.to_le_bytes());
        }
        if let Some(fi) = &self.file_identity {
            p.extend_from_slice(&FIDI_MARKER.to_le_bytes());
            p.extend_from_slice(&fi.to_bytes());
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_counts_are_refused_without_allocating() {
        let mut p = alloc::vec![0u8; 22];
        p[14..18].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            Manifest::parse(&p),
            Err(ManifestError::DirectoryCount {
                count: u32::MAX,
                room: 0
            })
        );
        let mut p = alloc::vec![0u8; 26];
        p[22..26].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            Manifest::parse(&p),
            Err(ManifestError::DeletionCount {
                count: u32::MAX,
                room: 0
            })
        );
        assert_eq!(
            Manifest::parse(&[0; 21]),
            Err(ManifestError::TooShort { len: 21 })
        );
    }

    #[test]
    fn fresh_store_shape_is_98_bytes() {
        // rvf-wire.md §1.6.1: a fresh store's manifest is 22 + 0 + 4 + 72 bytes.
        let m = Manifest {
            epoch: 0,
            dimension: 4,
            total_vectors: 0,
            profile_id: 0,
            metric_id: 0,
            directory: Vec::new(),
            deleted_ids: Vec::new(),
            file_identity: Some(FileIdentity {
                file_id: [7; 16],
                parent_id: [0; 16],
                parent_hash: [0; 32],
                lineage_depth: 0,
            }),
            segment_hashes: None,
            trailing_bytes: 0,
        };
        let b = m.encode();
        assert_eq!(b.len(), 98);
        assert_eq!(Manifest::parse(&b).unwrap(), m);
    }
}
