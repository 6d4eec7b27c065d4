//! Writing RVF files in the published 0.5.0 wire dialect: every segment on
//! a 64-byte boundary, zero padding with `alignment_pad` set, flags /
//! timestamp / reserved 0, `checksum_algo` 2 (SHAKE-256/128) by default, and
//! a runtime-format MANIFEST written last whose directory lists every segment.
//!
//! Files are written atomically: into a temporary file in the destination's
//! directory, fsynced, then renamed over the destination (and the directory
//! fsynced). Appending copies the old bytes, adds segments and a new
//! manifest, and replaces the file the same way, so a crash leaves either
//! the complete old file or the complete new one. Writers of an existing
//! file hold its `lock::FileLock` from their first read to the rename, so
//! concurrent appends are serialised and none is lost.

use crate::error::{PackError, Result};
use crate::lock::FileLock;
use crate::signing::SegmentSigner;
use loader::hash::{self, algo};
use loader::manifest::{DirEntry, FileIdentity, Manifest};
use rvf_spec::format::seg;
use std::io::Write;
use std::path::Path;

pub use crate::packer::Packer;
pub use crate::segment::{encode_segment, segment_header, Payload, SegmentSpec};

/// Manifest-level facts about a file being written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileSummary {
    pub dimension: u16,
    pub total_vectors: u64,
    pub metric_id: u8,
}

/// Deterministic file identity from a content digest (see `Packer::content_id`).
pub fn derive_file_id(content_digest: &[u8; 16]) -> FileIdentity {
    FileIdentity {
        file_id: *content_digest,
        parent_id: [0; 16],
        parent_hash: [0; 32],
        lineage_depth: 0,
    }
}

/// The `checksum_algo` values a writer may choose: XXH3-128 (the published
/// runtime's default: fast, but it only detects accidental damage) or
/// SHAKE-256/128 (our default: collision-resistant): the ones
/// `hash::ContentHasher` hashes.
fn writable(checksum_algo: u8) -> Result<u8> {
    match hash::ContentHasher::new(checksum_algo) {
        Some(_) => Ok(checksum_algo),
        None => Err(PackError::Usage(format!(
            "checksum_algo {checksum_algo} cannot be written: use 1 (XXH3-128) or 2 (SHAKE-256/128)"
        ))),
    }
}

/// Create a new file at `dest` with `segments` and a manifest (replacing
/// any file there, after any writer of it has finished), hashing every
/// segment with SHAKE-256/128.
pub fn create(dest: &Path, segments: &[SegmentSpec], summary: FileSummary) -> Result<()> {
    create_with(dest, segments, summary, algo::SHAKE256_128)
}

/// `create` with each segment's content hash under `checksum_algo` (see
/// `loader::hash::algo`; 1 or 2).
pub fn create_with(
    dest: &Path,
    segments: &[SegmentSpec],
    summary: FileSummary,
    checksum_algo: u8,
) -> Result<()> {
    create_signed(dest, segments, summary, checksum_algo, None)
}

/// `create_with`, signing the segments `signer` chooses.
pub fn create_signed(
    dest: &Path,
    segments: &[SegmentSpec],
    summary: FileSummary,
    checksum_algo: u8,
    signer: Option<&SegmentSigner>,
) -> Result<()> {
    let checksum_algo = writable(checksum_algo)?;
    let _lock = FileLock::acquire(dest, || {})?;
    crate::output::write_atomically(dest, |w| {
        let ioerr = |e| PackError::io(dest, e);
        let mut p = Packer::new(w, 0, 1, checksum_algo).with_signer(signer);
        p.write_many(segments).map_err(ioerr)?;
        let fid = derive_file_id(&p.content_id());
        let manifest = new_manifest(1, summary, Some(fid));
        p.finish(manifest, &[]).map_err(ioerr)?;
        Ok(())
    })
}

fn new_manifest(epoch: u32, s: FileSummary, fi: Option<FileIdentity>) -> Manifest {
    Manifest {
        dimension: s.dimension,
        total_vectors: s.total_vectors,
        metric_id: s.metric_id,
        file_identity: fi,
        ..Manifest::with_directory(epoch, Vec::new())
    }
}

/// What an append did.
#[derive(Clone, Debug)]
pub struct AppendOutcome {
    pub new_entries: Vec<DirEntry>,
    pub epoch: u32,
}

/// Append `segments` to the RVF file at `path`: the old bytes are kept
/// verbatim, the new segments and a new manifest (listing the old
/// directory, the old manifest and the new segments) follow.
/// `extra_vectors` adds to the manifest's vector count; its dimension must
/// agree with the file's. Waits for any other writer of the file.
pub fn append(
    path: &Path,
    segments: &[SegmentSpec],
    extra_vectors: Option<(u16, u64)>,
) -> Result<AppendOutcome> {
    let lock = FileLock::acquire(path, || {})?;
    append_locked(&lock, segments, extra_vectors, algo::SHAKE256_128)
}

/// `append` to the file of a lock the caller holds (to keep other writers
/// out across its own read of the file, or to report waiting for the lock),
/// hashing the new segments under `checksum_algo` (1 or 2).
pub fn append_locked(
    lock: &FileLock,
    segments: &[SegmentSpec],
    extra_vectors: Option<(u16, u64)>,
    checksum_algo: u8,
) -> Result<AppendOutcome> {
    append_signed(lock, segments, extra_vectors, checksum_algo, None)
}

/// `append_locked`, signing the new segments `signer` chooses.
pub fn append_signed(
    lock: &FileLock,
    segments: &[SegmentSpec],
    extra_vectors: Option<(u16, u64)>,
    checksum_algo: u8,
    signer: Option<&SegmentSigner>,
) -> Result<AppendOutcome> {
    let checksum_algo = writable(checksum_algo)?;
    let path = lock.path();
    let mapped = loader::MappedFile::open(path)?;
    let old = mapped.bytes();
    let file = loader::RvfFile::parse(old)?;
    if file.has_root_page() {
        return Err(PackError::Usage(
            "the file is a signed store (it ends in a signed root page); appending would drop its signature".into(),
        ));
    }
    let m = file.manifest();
    let mut summary = FileSummary {
        dimension: m.manifest.dimension,
        total_vectors: m.manifest.total_vectors,
        metric_id: m.manifest.metric_id,
    };
    if let Some((dim, n)) = extra_vectors {
        if summary.total_vectors > 0 && summary.dimension != dim {
            return Err(PackError::Usage(format!(
                "the file holds {}-dimensional vectors; cannot add {dim}-dimensional ones",
                summary.dimension
            )));
        }
        summary.dimension = dim;
        summary.total_vectors += n;
    }
    let mut prior = file.directory().to_vec();
    prior.push(DirEntry {
        segment_id: m.header.segment_id,
        offset: m.offset,
        payload_length: m.header.payload_length,
        seg_type: seg::MANIFEST,
    });
    let next_id = prior.iter().map(|e| e.segment_id).max().unwrap_or(0) + 1;
    let epoch = m.manifest.epoch.wrapping_add(1);
    let identity = m.manifest.file_identity;
    let body_end = file.body_end();
    let mut outcome = AppendOutcome {
        new_entries: Vec::new(),
        epoch,
    };
    crate::output::write_atomically(path, |w| {
        let ioerr = |e| PackError::io(path, e);
        w.write_all(&old[..body_end as usize]).map_err(ioerr)?;
        let mut p = Packer::new(w, body_end, next_id, checksum_algo).with_signer(signer);
        p.align().map_err(ioerr)?;
        p.write_many(segments).map_err(ioerr)?;
        outcome.new_entries = p.directory().to_vec();
        let fid = identity.or_else(|| {
            Some(derive_file_id(&hash::shake256::<16>(
                &old[..body_end as usize],
            )))
        });
        p.finish(new_manifest(epoch, summary, fid), &prior)
            .map_err(ioerr)?;
        Ok(())
    })?;
    Ok(outcome)
}

/// Sign segments of an existing file, append-only: each segment at a
/// directory index of `indices` is written again, signed by `signer` (with
/// a new segment id, since the id is part of what is signed, and a
/// SHAKE-256 content hash), and a new manifest lists the signed copy in the
/// original's place, so directory indices do not change. The original
/// bytes stay in the file, unlisted. The manifest itself is never signed.
///
/// Each segment must verify as stored first (content hash, its typed
/// payload, a WASM module's bytecode hash: `loader::verify::verify_segment`),
/// since the copy is hashed afresh and the signature vouches for it; a
/// segment whose content hash is unset is signed only with
/// `allow_unhashed`.
pub fn sign_segments(
    lock: &FileLock,
    indices: &[usize],
    signer: &SegmentSigner,
    allow_unhashed: bool,
) -> Result<AppendOutcome> {
    let path = lock.path();
    let mapped = loader::MappedFile::open(path)?;
    let old = mapped.bytes();
    let file = loader::RvfFile::parse(old)?;
    if file.has_root_page() {
        return Err(PackError::Usage(
            "the file is a signed store (it ends in a signed root page); rewriting it would drop that signature".into(),
        ));
    }
    let m = file.manifest();
    let mut directory = file.directory().to_vec();
    let mut copies = Vec::with_capacity(indices.len());
    for &i in indices {
        let seg = file.segment(i)?;
        if seg.header.seg_type == seg::MANIFEST {
            return Err(PackError::Usage(format!(
                "segment {i} is a manifest: manifests are never signed with a footer"
            )));
        }
        let verdict = loader::verify::verify_segment(&file, Some(i), &seg);
        if let Some(f) = verdict.findings.iter().find(|f| f.is_failure()) {
            return Err(PackError::Unverified {
                index: i,
                what: f.to_string(),
                unhashed: false,
            });
        }
        if !allow_unhashed
            && verdict
                .findings
                .contains(&loader::verify::Finding::HashNotSet)
        {
            return Err(PackError::Unverified {
                index: i,
                what: loader::verify::Finding::HashNotSet.to_string(),
                unhashed: true,
            });
        }
        copies.push(crate::segment::SegmentSpec {
            seg_type: seg.header.seg_type,
            payload: seg.payload.to_vec().into(),
        });
    }
    let mut prior_manifests = vec![DirEntry {
        segment_id: m.header.segment_id,
        offset: m.offset,
        payload_length: m.header.payload_length,
        seg_type: seg::MANIFEST,
    }];
    let next_id = directory
        .iter()
        .chain(&prior_manifests)
        .map(|e| e.segment_id)
        .max()
        .unwrap_or(0)
        + 1;
    let epoch = m.manifest.epoch.wrapping_add(1);
    let summary = FileSummary {
        dimension: m.manifest.dimension,
        total_vectors: m.manifest.total_vectors,
        metric_id: m.manifest.metric_id,
    };
    let identity = m.manifest.file_identity;
    let body_end = file.body_end();
    let mut outcome = AppendOutcome {
        new_entries: Vec::new(),
        epoch,
    };
    // Every copy is signed: sign them whatever their type.
    let all = SegmentSigner::sharing_key(signer, crate::signing::Which::All);
    crate::output::write_atomically(path, |w| {
        let ioerr = |e| PackError::io(path, e);
        w.write_all(&old[..body_end as usize]).map_err(ioerr)?;
        let mut p = crate::packer::Packer::new(w, body_end, next_id, algo::SHAKE256_128)
            .with_signer(Some(&all));
        p.align().map_err(ioerr)?;
        p.write_many(&copies).map_err(ioerr)?;
        outcome.new_entries = p.directory().to_vec();
        for (&i, e) in indices.iter().zip(&outcome.new_entries) {
            directory[i] = *e;
        }
        directory.append(&mut prior_manifests);
        let fid = identity.or_else(|| {
            Some(derive_file_id(&hash::shake256::<16>(
                &old[..body_end as usize],
            )))
        });
        p.finish_with_directory(new_manifest(epoch, summary, fid), directory.clone())
            .map_err(ioerr)?;
        Ok(())
    })?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Vectors;
    use crate::packer::PIECE_BYTES;
    use crate::payload::VecRows;
    use std::io::Cursor;
    use std::io::{self, Seek, SeekFrom};

    /// The runtime row layout written out by hand, independently of
    /// `payload::VecRows`.
    fn rows_by_hand(v: &Vectors, first_id: u64) -> Vec<u8> {
        let mut p = (v.dim as u16).to_le_bytes().to_vec();
        p.extend_from_slice(&(v.count() as u32).to_le_bytes());
        for (i, row) in v.data.chunks_exact(v.dim.max(1)).enumerate() {
            p.extend_from_slice(&(first_id + i as u64).to_le_bytes());
            for x in row {
                p.extend_from_slice(&x.to_le_bytes());
            }
        }
        p
    }

    /// `write_many` produces the bytes, directory and file identity of one
    /// `write` per segment (given the whole payload), from the start of a
    /// file and after a prefix, under both hashes; vector payloads are
    /// streamed in one piece, in several, and with no rows.
    #[test]
    fn write_many_equals_sequential_writes() {
        let mut segments: Vec<SegmentSpec> = [0usize, 1, 63, 64, 65, 1000, 4096 + 7]
            .iter()
            .enumerate()
            .map(|(i, &len)| SegmentSpec {
                seg_type: [seg::VEC, seg::WASM, seg::SPARSE][i % 3],
                payload: (0..len)
                    .map(|k| (k * 31 + i) as u8)
                    .collect::<Vec<_>>()
                    .into(),
            })
            .collect();
        let mut whole = Vec::new();
        // 5 000 rows of 520 bytes: three pieces, the last one short.
        for (dim, count, first_id) in [(3usize, 2usize, 7u64), (128, 5000, 0), (4, 0, 9)] {
            let v = Vectors {
                dim,
                data: (0..dim * count).map(|k| k as f32 * 0.25 - 3.0).collect(),
            };
            whole.push(rows_by_hand(&v, first_id));
            let rows = VecRows::new(std::sync::Arc::new(v), first_id).unwrap();
            assert_eq!(rows.byte_len(), whole.last().unwrap().len());
            segments.insert(
                2 * whole.len(),
                SegmentSpec {
                    seg_type: seg::VEC,
                    payload: Payload::Vectors(rows),
                },
            );
        }
        assert!(whole[1].len() > 2 * PIECE_BYTES);
        let bytes_of = |s: &SegmentSpec| -> Vec<u8> {
            match &s.payload {
                Payload::Bytes(b) => b.clone(),
                Payload::Vectors(v) => whole
                    .iter()
                    .find(|w| w.len() == v.byte_len())
                    .unwrap()
                    .clone(),
            }
        };
        for algo in [algo::SHAKE256_128, algo::XXH3_128] {
            for prefix in [0usize, 128] {
                let start = vec![0xAB; prefix];
                let mut one = Packer::new(start.clone(), prefix as u64, 5, algo);
                for s in &segments {
                    one.write(s.seg_type, &bytes_of(s)).unwrap();
                }
                let mut cur = Cursor::new(start);
                cur.set_position(prefix as u64);
                let mut many = Packer::new(cur, prefix as u64, 5, algo);
                many.write_many(&segments).unwrap();
                assert_eq!(one.directory(), many.directory());
                assert_eq!(one.position(), many.position());
                assert_eq!(one.content_id(), many.content_id());
                let m = || new_manifest(1, FileSummary::default(), None);
                let a = one.finish(m(), &[]).unwrap();
                let b = many.finish(m(), &[]).unwrap().into_inner();
                assert_eq!(a, b, "algo {algo}, prefix {prefix}");
            }
        }
    }

    /// A writer that fails part-way through a streamed payload: the error
    /// comes back (no hang, no panic) and the hashing thread is joined.
    #[test]
    fn write_many_reports_a_failing_writer() {
        struct FailAfter(usize, Cursor<Vec<u8>>);
        impl Write for FailAfter {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                if self.1.get_ref().len() + b.len() > self.0 {
                    return Err(io::Error::other("disk full"));
                }
                self.1.write(b)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        impl Seek for FailAfter {
            fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
                self.1.seek(to)
            }
        }
        let v = Vectors {
            dim: 64,
            data: vec![1.0; 64 * 20_000],
        };
        let seg = SegmentSpec {
            seg_type: seg::VEC,
            payload: Payload::Vectors(VecRows::new(std::sync::Arc::new(v), 0).unwrap()),
        };
        for limit in [10, 3 * PIECE_BYTES] {
            let mut p = Packer::new(
                FailAfter(limit, Cursor::new(Vec::new())),
                0,
                1,
                algo::SHAKE256_128,
            );
            let e = p.write_many(std::slice::from_ref(&seg)).unwrap_err();
            assert_eq!(e.to_string(), "disk full");
        }
    }
}
