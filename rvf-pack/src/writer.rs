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
use crate::payload::VecRows;
use loader::bytes::align64;
use loader::hash::{self, algo};
use loader::header::SegmentHeader;
use loader::header::{self, HEADER_LEN};
use loader::manifest::{DirEntry, FileIdentity, Manifest};
use rvf_spec::format::seg;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;

/// A segment to be written: its type and payload.
#[derive(Clone, Debug)]
pub struct SegmentSpec {
    pub seg_type: u8,
    pub payload: Payload,
}

/// A segment's payload: bytes in memory, or vectors encoded while they are
/// written (a VEC_SEG as large as the vectors is never built).
#[derive(Clone, Debug)]
pub enum Payload {
    Bytes(Vec<u8>),
    Vectors(VecRows),
}

impl Payload {
    pub fn len(&self) -> usize {
        match self {
            Payload::Bytes(b) => b.len(),
            Payload::Vectors(v) => v.byte_len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<Vec<u8>> for Payload {
    fn from(b: Vec<u8>) -> Self {
        Payload::Bytes(b)
    }
}

/// Encoded vectors are written and hashed in pieces of this size.
const PIECE_BYTES: usize = 1 << 20;
/// Pieces queued for the hashing thread (bounds the memory in flight).
const PIECES_QUEUED: usize = 4;

/// Zero bytes after a segment written at `at` with a `payload_len`-byte
/// payload, up to the next 64-byte boundary.
fn padding(at: u64, payload_len: usize) -> usize {
    let end = at + HEADER_LEN + payload_len as u64;
    (align64(end).unwrap_or(end) - end) as usize
}

/// The header of a segment written at file offset `at`, and its padding.
pub fn segment_header(
    seg_type: u8,
    segment_id: u64,
    payload: &[u8],
    checksum_algo: u8,
    at: u64,
) -> ([u8; 64], usize) {
    let content_hash = hash::content_hash(checksum_algo, payload).unwrap_or([0; 16]);
    let h = header_for(
        seg_type,
        segment_id,
        payload.len(),
        checksum_algo,
        content_hash,
        at,
    );
    (h, padding(at, payload.len()))
}

/// The header of a segment whose payload hashed to `content_hash`.
fn header_for(
    seg_type: u8,
    segment_id: u64,
    payload_len: usize,
    checksum_algo: u8,
    content_hash: [u8; 16],
    at: u64,
) -> [u8; 64] {
    let mut h = SegmentHeader::new(seg_type, segment_id);
    h.payload_length = payload_len as u64;
    h.checksum_algo = checksum_algo;
    h.content_hash = content_hash;
    h.alignment_pad = padding(at, payload_len) as u32;
    header::encode(&h)
}

/// Encode one segment (header + payload + zero padding) at file offset `at`.
pub fn encode_segment(
    seg_type: u8,
    segment_id: u64,
    payload: &[u8],
    checksum_algo: u8,
    at: u64,
) -> Vec<u8> {
    let (h, pad) = segment_header(seg_type, segment_id, payload, checksum_algo, at);
    let mut out = Vec::with_capacity(64 + payload.len() + pad);
    out.extend_from_slice(&h);
    out.extend_from_slice(payload);
    out.resize(out.len() + pad, 0);
    out
}

/// Streams segments to a writer, tracking offsets and the directory.
pub struct Packer<W: Write> {
    out: W,
    pos: u64,
    next_id: u64,
    checksum_algo: u8,
    directory: Vec<DirEntry>,
    /// SHAKE-256 over every segment header written (headers carry each
    /// payload's content hash): the content-derived file identity.
    headers: sha3::Shake256,
}

impl<W: Write> Packer<W> {
    /// Start at file offset `pos` (0 for a new file) with ids from `next_id`.
    pub fn new(out: W, pos: u64, next_id: u64, checksum_algo: u8) -> Self {
        Packer {
            out,
            pos,
            next_id,
            checksum_algo,
            directory: Vec::new(),
            headers: Default::default(),
        }
    }

    /// Append one segment (header, payload, zero padding written in place);
    /// returns its directory entry.
    pub fn write(&mut self, seg_type: u8, payload: &[u8]) -> io::Result<DirEntry> {
        let (h, pad) = segment_header(
            seg_type,
            self.next_id,
            payload,
            self.checksum_algo,
            self.pos,
        );
        self.out.write_all(&h)?;
        self.out.write_all(payload)?;
        self.out.write_all(&[0u8; 64][..pad])?;
        Ok(self.adopt(seg_type, &h, payload.len(), pad))
    }

    /// Record a segment whose header `h` (and payload and padding) is in
    /// place at `self.pos`.
    fn adopt(&mut self, seg_type: u8, h: &[u8; 64], payload_length: usize, pad: usize) -> DirEntry {
        use sha3::digest::Update;
        self.headers.update(h);
        let e = DirEntry {
            segment_id: self.next_id,
            offset: self.pos,
            payload_length: payload_length as u64,
            seg_type,
        };
        self.next_id += 1;
        self.pos += (64 + payload_length + pad) as u64;
        self.directory.push(e);
        e
    }

    /// The content-derived file identity of what was written so far.
    pub fn content_id(&self) -> [u8; 16] {
        use sha3::digest::{ExtendableOutput, XofReader};
        let mut out = [0u8; 16];
        self.headers.clone().finalize_xof().read(&mut out);
        out
    }

    /// Zero-fill up to the next 64-byte boundary (after a legacy tail).
    pub fn align(&mut self) -> io::Result<()> {
        let to = align64(self.pos).unwrap_or(self.pos);
        self.out.write_all(&vec![0u8; (to - self.pos) as usize])?;
        self.pos = to;
        Ok(())
    }

    pub fn position(&self) -> u64 {
        self.pos
    }
    pub fn directory(&self) -> &[DirEntry] {
        &self.directory
    }

    /// Write the manifest last; `manifest.directory` is replaced by
    /// `prior` entries followed by everything this packer wrote.
    pub fn finish(mut self, mut manifest: Manifest, prior: &[DirEntry]) -> io::Result<W> {
        let mut dir = prior.to_vec();
        dir.extend_from_slice(&self.directory);
        manifest.directory = dir;
        let payload = manifest.encode();
        let id = self.next_id;
        let bytes = encode_segment(seg::MANIFEST, id, &payload, self.checksum_algo, self.pos);
        self.out.write_all(&bytes)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// What the writing thread hands the hashing thread.
enum Piece<'a> {
    /// Part of a payload held by the caller.
    Borrowed(&'a [u8]),
    /// Part of an encoded payload; the buffer is handed back for reuse.
    Owned(Vec<u8>),
    /// The current payload is complete.
    End,
}

impl<W: Write + Seek> Packer<W> {
    /// Append every segment, with the same bytes as calling `write` for
    /// each, but hash the payloads on a second thread while they are being
    /// written: each header (which carries its payload's content hash) is
    /// first written as zeros and filled in once the hashes are known.
    /// Vector payloads are encoded in pieces of `PIECE_BYTES`, at most
    /// `PIECES_QUEUED + 2` of them alive at once. The writer's position
    /// must be `self.pos`.
    pub fn write_many(&mut self, segments: &[SegmentSpec]) -> io::Result<()> {
        let (algo, first_id) = (self.checksum_algo, self.next_id);
        // Each segment's offset and padding.
        let mut at = Vec::with_capacity(segments.len());
        let mut end = self.pos;
        for s in segments {
            let pad = padding(end, s.payload.len());
            at.push((end, pad));
            end += HEADER_LEN + (s.payload.len() + pad) as u64;
        }
        let hashes = std::thread::scope(|scope| -> io::Result<Vec<[u8; 16]>> {
            let (to_hasher, pieces) = std::sync::mpsc::sync_channel::<Piece>(PIECES_QUEUED);
            let (give_back, spare) = std::sync::mpsc::channel::<Vec<u8>>();
            let hashing = scope.spawn(move || {
                let mut done = Vec::new();
                let mut h = hash::ContentHasher::new(algo);
                for piece in pieces {
                    match piece {
                        Piece::Borrowed(b) => h.iter_mut().for_each(|h| h.update(b)),
                        Piece::Owned(b) => {
                            h.iter_mut().for_each(|h| h.update(&b));
                            let _ = give_back.send(b);
                        }
                        Piece::End => {
                            let next = hash::ContentHasher::new(algo);
                            done.push(
                                std::mem::replace(&mut h, next).map_or([0; 16], |h| h.finish()),
                            );
                        }
                    }
                }
                done
            });
            let hung_up = || io::Error::other("the hashing thread stopped");
            let mut buf = Vec::new();
            for (s, &(_, pad)) in segments.iter().zip(&at) {
                self.out.write_all(&[0u8; 64])?;
                match &s.payload {
                    Payload::Bytes(b) => {
                        to_hasher.send(Piece::Borrowed(b)).map_err(|_| hung_up())?;
                        self.out.write_all(b)?;
                    }
                    Payload::Vectors(v) => {
                        v.pieces(PIECE_BYTES, &mut buf, |piece| {
                            self.out.write_all(piece)?;
                            let next = spare.try_recv().unwrap_or_default();
                            let full = std::mem::replace(piece, next);
                            to_hasher.send(Piece::Owned(full)).map_err(|_| hung_up())
                        })?;
                    }
                }
                self.out.write_all(&[0u8; 64][..pad])?;
                to_hasher.send(Piece::End).map_err(|_| hung_up())?;
            }
            drop(to_hasher);
            Ok(hashing
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p)))
        })?;
        for ((s, &(a, pad)), (hash, id)) in segments
            .iter()
            .zip(&at)
            .zip(hashes.into_iter().zip(first_id..))
        {
            let h = header_for(s.seg_type, id, s.payload.len(), algo, hash, a);
            self.out.seek(SeekFrom::Start(a))?;
            self.out.write_all(&h)?;
            self.adopt(s.seg_type, &h, s.payload.len(), pad);
        }
        self.out.seek(SeekFrom::Start(end))?;
        debug_assert_eq!(self.pos, end);
        Ok(())
    }
}

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
    let checksum_algo = writable(checksum_algo)?;
    let _lock = FileLock::acquire(dest, || {})?;
    crate::output::write_atomically(dest, |w| {
        let ioerr = |e| PackError::io(dest, e);
        let mut p = Packer::new(w, 0, 1, checksum_algo);
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
        let mut p = Packer::new(w, body_end, next_id, checksum_algo);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Vectors;
    use std::io::Cursor;

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
