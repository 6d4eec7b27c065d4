//! The packer: streams segments to a writer, tracking offsets, ids and the
//! directory, hashing payloads on a second thread while they are written,
//! signing the segments its signer chooses, and writing the manifest last.

use crate::segment::{encode_segment, padding, signed_header_for, Payload, SegmentSpec};
use crate::signing::SegmentSigner;
use loader::bytes::align64;
use loader::hash::{self, algo};
use loader::header::HEADER_LEN;
use loader::manifest::{DirEntry, Manifest};
use loader::signature::FOOTER_LEN;
use rvf_spec::format::seg;
use std::io::{self, Seek, SeekFrom, Write};

/// Encoded vectors are written and hashed in pieces of this size.
pub(crate) const PIECE_BYTES: usize = 1 << 20;
/// Pieces queued for the hashing thread (bounds the memory in flight).
const PIECES_QUEUED: usize = 4;

/// Streams segments to a writer, tracking offsets and the directory.
pub struct Packer<'s, W: Write> {
    out: W,
    pos: u64,
    next_id: u64,
    checksum_algo: u8,
    directory: Vec<DirEntry>,
    /// SHAKE-256 over every segment header written (headers carry each
    /// payload's content hash): the content-derived file identity.
    headers: sha3::Shake256,
    /// Signs the new segments it chooses (`SegmentSigner::signs`).
    signer: Option<&'s SegmentSigner>,
}

impl<'s, W: Write> Packer<'s, W> {
    /// Start at file offset `pos` (0 for a new file) with ids from `next_id`.
    pub fn new(out: W, pos: u64, next_id: u64, checksum_algo: u8) -> Self {
        Packer {
            out,
            pos,
            next_id,
            checksum_algo,
            directory: Vec::new(),
            headers: Default::default(),
            signer: None,
        }
    }

    /// Sign the new segments `signer` chooses.
    pub fn with_signer(mut self, signer: Option<&'s SegmentSigner>) -> Self {
        self.signer = signer;
        self
    }

    fn signs(&self, seg_type: u8) -> bool {
        self.signer.is_some_and(|s| s.signs(seg_type))
    }

    /// Append one segment (header, payload, footer when signed, zero
    /// padding, written in place); returns its directory entry.
    pub fn write(&mut self, seg_type: u8, payload: &[u8]) -> io::Result<DirEntry> {
        let signed = self.signs(seg_type);
        let footer_len = if signed { FOOTER_LEN } else { 0 };
        let content_hash = hash::content_hash(self.checksum_algo, payload).unwrap_or([0; 16]);
        let h = signed_header_for(
            seg_type,
            self.next_id,
            payload.len(),
            self.checksum_algo,
            content_hash,
            self.pos,
            signed,
        );
        let pad = padding(self.pos, payload.len() + footer_len);
        self.out.write_all(&h)?;
        self.out.write_all(payload)?;
        if let (true, Some(s)) = (signed, self.signer) {
            let digest = loader::signature::payload_digest(payload);
            self.out.write_all(&s.footer(&h, &digest))?;
        }
        self.out.write_all(&[0u8; 64][..pad])?;
        Ok(self.adopt(seg_type, &h, payload.len(), footer_len + pad))
    }

    /// Record a segment whose header `h` (and payload, footer and padding:
    /// `after` bytes after the payload) is in place at `self.pos`.
    fn adopt(
        &mut self,
        seg_type: u8,
        h: &[u8; 64],
        payload_length: usize,
        after: usize,
    ) -> DirEntry {
        use sha3::digest::Update;
        self.headers.update(h);
        let e = DirEntry {
            segment_id: self.next_id,
            offset: self.pos,
            payload_length: payload_length as u64,
            seg_type,
        };
        self.next_id += 1;
        self.pos += (64 + payload_length + after) as u64;
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
    pub fn finish(self, manifest: Manifest, prior: &[DirEntry]) -> io::Result<W> {
        let mut dir = prior.to_vec();
        dir.extend_from_slice(&self.directory);
        self.finish_with_directory(manifest, dir)
    }

    /// Write the manifest last, with exactly `directory`.
    pub fn finish_with_directory(
        mut self,
        mut manifest: Manifest,
        directory: Vec<DirEntry>,
    ) -> io::Result<W> {
        manifest.directory = directory;
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

impl<W: Write + Seek> Packer<'_, W> {
    /// Append every segment, with the same bytes as calling `write` for
    /// each, but hash the payloads on a second thread while they are being
    /// written: each header (which carries its payload's content hash) is
    /// first written as zeros and filled in once the hashes are known.
    /// Vector payloads are encoded in pieces of `PIECE_BYTES`, at most
    /// `PIECES_QUEUED + 2` of them alive at once. The writer's position
    /// must be `self.pos`.
    pub fn write_many(&mut self, segments: &[SegmentSpec]) -> io::Result<()> {
        let (algo, first_id) = (self.checksum_algo, self.next_id);
        // Each segment's offset, footer length and padding.
        let mut at = Vec::with_capacity(segments.len());
        let mut end = self.pos;
        for s in segments {
            let footer = if self.signs(s.seg_type) {
                FOOTER_LEN
            } else {
                0
            };
            let pad = padding(end, s.payload.len() + footer);
            at.push((end, footer + pad));
            end += HEADER_LEN + (s.payload.len() + footer + pad) as u64;
        }
        // A signature needs SHAKE-256/128 of the payload: the content hash
        // itself under SHAKE-256, else a second hasher.
        let digests_too = self.signer.is_some() && algo != algo::SHAKE256_128;
        let hashes = std::thread::scope(|scope| -> io::Result<Vec<([u8; 16], [u8; 16])>> {
            let (to_hasher, pieces) = std::sync::mpsc::sync_channel::<Piece>(PIECES_QUEUED);
            let (give_back, spare) = std::sync::mpsc::channel::<Vec<u8>>();
            let hashing = scope.spawn(move || {
                let mut done = Vec::new();
                let shake = || {
                    digests_too
                        .then(|| hash::ContentHasher::new(algo::SHAKE256_128))
                        .flatten()
                };
                let mut h = hash::ContentHasher::new(algo);
                let mut d = shake();
                for piece in pieces {
                    match piece {
                        Piece::Borrowed(b) => {
                            h.iter_mut().chain(d.iter_mut()).for_each(|h| h.update(b))
                        }
                        Piece::Owned(b) => {
                            h.iter_mut().chain(d.iter_mut()).for_each(|h| h.update(&b));
                            let _ = give_back.send(b);
                        }
                        Piece::End => {
                            let next = hash::ContentHasher::new(algo);
                            let content =
                                std::mem::replace(&mut h, next).map_or([0; 16], |h| h.finish());
                            let digest =
                                std::mem::replace(&mut d, shake()).map_or(content, |h| h.finish());
                            done.push((content, digest));
                        }
                    }
                }
                done
            });
            let hung_up = || io::Error::other("the hashing thread stopped");
            let mut buf = Vec::new();
            for (s, &(_, after)) in segments.iter().zip(&at) {
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
                // Footer (filled in below) and padding, as zeros for now.
                self.out.write_all(&vec![0u8; after])?;
                to_hasher.send(Piece::End).map_err(|_| hung_up())?;
            }
            drop(to_hasher);
            Ok(hashing
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p)))
        })?;
        for ((s, &(a, after)), ((hash, digest), id)) in segments
            .iter()
            .zip(&at)
            .zip(hashes.into_iter().zip(first_id..))
        {
            let signed = self.signs(s.seg_type);
            let h = signed_header_for(s.seg_type, id, s.payload.len(), algo, hash, a, signed);
            self.out.seek(SeekFrom::Start(a))?;
            self.out.write_all(&h)?;
            if let (true, Some(signer)) = (signed, self.signer) {
                self.out
                    .seek(SeekFrom::Start(a + HEADER_LEN + s.payload.len() as u64))?;
                self.out.write_all(&signer.footer(&h, &digest))?;
            }
            self.adopt(s.seg_type, &h, s.payload.len(), after);
        }
        self.out.seek(SeekFrom::Start(end))?;
        debug_assert_eq!(self.pos, end);
        Ok(())
    }
}
