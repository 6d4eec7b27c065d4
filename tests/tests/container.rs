//! The container codec against independent truth: the golden bytes from the
//! notes, round trips of random segment sets, a hand-built legacy file, and
//! a malformed-input set where each case gives its typed error.

mod common;
use loader::hash::{crc_rot, shake256};
use loader::header::{self, HEADER_LEN};
use loader::manifest::Manifest;
use loader::{Dialect, Error, RvfFile};
use proptest::prelude::*;
use rvf_pack::writer::{self, encode_segment, FileSummary, SegmentSpec};
use rvf_spec::format::seg;

/// ADR-009 golden segment (rvf-wire.md §1.5): META, empty payload, id 0, algo 2.
#[test]
fn golden_empty_meta_segment() {
    let mut want = vec![0x53, 0x46, 0x56, 0x52, 0x01, 0x07, 0x00, 0x00];
    want.extend([0u8; 24]);
    want.extend([0x02, 0, 0, 0, 0, 0, 0, 0]);
    want.extend([
        0x46, 0xB9, 0xDD, 0x2B, 0x0B, 0xA8, 0x8D, 0x13, 0x23, 0x3B, 0x3F, 0xEB, 0x74, 0x3E, 0xEB,
        0x24,
    ]);
    want.extend([0u8; 8]);
    assert_eq!(want.len(), 64);
    assert_eq!(
        encode_segment(0x07, 0, b"", 2, 0),
        want,
        "an empty payload gets no padding"
    );
}

fn pack_bytes(segs: &[SegmentSpec]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.rvf");
    writer::create(&p, segs, FileSummary::default()).unwrap();
    std::fs::read(p).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Random segment sets (any type but MANIFEST, any payload) pack and read
    /// back identical: same types, ids, payloads, all hashes verified, every
    /// segment 64-aligned with the right padding.
    #[test]
    fn round_trip(segs in prop::collection::vec(
        (any::<u8>().prop_filter("not a manifest", |t| *t != 0x05), prop::collection::vec(any::<u8>(), 0..300)),
        0..8)
    ) {
        let specs: Vec<SegmentSpec> = segs.iter().map(|(t, p)| SegmentSpec { seg_type: *t, payload: p.clone().into() }).collect();
        let bytes = pack_bytes(&specs);
        let f = RvfFile::parse(&bytes).unwrap();
        prop_assert_eq!(f.dialect(), Dialect::Aligned);
        prop_assert_eq!(f.directory().len(), specs.len());
        for ((i, s), (_, payload)) in f.segments().zip(&segs) {
            let s = s.unwrap();
            let spec = &specs[i];
            prop_assert_eq!(s.header.seg_type, spec.seg_type);
            prop_assert_eq!(s.header.segment_id, i as u64 + 1);
            prop_assert_eq!(s.payload, &payload[..]);
            prop_assert_eq!(s.offset % 64, 0);
            prop_assert_eq!(s.header.alignment_pad as u64, (64 - (HEADER_LEN + spec.payload.len() as u64) % 64) % 64);
            // Payload hash by an independent rule: SHAKE-256/16 of the payload.
            prop_assert_eq!(s.header.content_hash, shake256::<16>(payload));
        }
        prop_assert_eq!(bytes.len() % 64, 0);
    }
}

#[test]
fn packing_twice_is_byte_identical() {
    let specs = vec![
        SegmentSpec {
            seg_type: seg::SPARSE,
            payload: vec![1, 2, 3].into(),
        },
        SegmentSpec {
            seg_type: seg::WASM,
            payload: vec![9; 100].into(),
        },
    ];
    assert_eq!(pack_bytes(&specs), pack_bytes(&specs));
}

/// A legacy (≤ 0.4) file built by hand from the notes: segments back to
/// back, algo 0 with the CRC32-rotation hash, no padding.
fn legacy_file(payloads: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut dir = Vec::new();
    for (i, (t, p)) in payloads.iter().enumerate() {
        let mut h = header::SegmentHeader::new(*t, i as u64 + 1);
        h.payload_length = p.len() as u64;
        h.content_hash = crc_rot(p);
        dir.push(loader::manifest::DirEntry {
            segment_id: i as u64 + 1,
            offset: out.len() as u64,
            payload_length: p.len() as u64,
            seg_type: *t,
        });
        out.extend_from_slice(&header::encode(&h));
        out.extend_from_slice(p);
    }
    let m = Manifest::with_directory(1, dir);
    let mp = m.encode();
    let mut h = header::SegmentHeader::new(0x05, 99);
    h.payload_length = mp.len() as u64;
    h.content_hash = crc_rot(&mp);
    out.extend_from_slice(&header::encode(&h));
    out.extend_from_slice(&mp);
    out
}

#[test]
fn reads_legacy_unpadded_dialect() {
    let bytes = legacy_file(&[(0x32, b"abc"), (0x31, b"hello world"), (0x30, &[5; 77])]);
    let f = RvfFile::parse(&bytes).unwrap();
    assert_eq!(f.dialect(), Dialect::Legacy);
    assert_eq!(f.directory().len(), 3);
    let s = f.segment(1).unwrap();
    assert_eq!(s.payload, b"hello world");
    assert_eq!(
        s.hash_status(),
        loader::hash::HashStatus::Verified(loader::hash::HashRule::CrcRotation)
    );
    // Unknown type 0x30 is listed, not rejected.
    assert_eq!(f.segment(2).unwrap().header.seg_type, 0x30);
    assert!(loader::verify::verify_file(&f).ok());
}

// ---- malformed inputs: each gives its typed error -------------------------

fn good() -> Vec<u8> {
    pack_bytes(&[
        SegmentSpec {
            seg_type: seg::SPARSE,
            payload: vec![1; 100].into(),
        },
        SegmentSpec {
            seg_type: 0x31,
            payload: vec![2; 10].into(),
        },
    ])
}

/// Rewrite the (only) manifest's payload and fix its length and hash.
fn with_manifest(bytes: &[u8], edit: impl FnOnce(&mut Manifest)) -> Vec<u8> {
    let f = RvfFile::parse(bytes).unwrap();
    let off = f.manifest().offset as usize;
    let mut m = f.manifest().manifest.clone();
    edit(&mut m);
    let mut out = bytes[..off].to_vec();
    out.extend(encode_segment(0x05, 3, &m.encode(), 2, off as u64));
    out
}

#[test]
fn empty_and_tiny_files() {
    assert_eq!(
        RvfFile::parse(&[]).unwrap_err(),
        Error::ManifestNotFound {
            rejected: 0,
            newest: None
        }
    );
    assert_eq!(
        RvfFile::parse(&[0x53, 0x46, 0x56]).unwrap_err(),
        Error::ManifestNotFound {
            rejected: 0,
            newest: None
        }
    );
}

#[test]
fn truncated_header() {
    let b = good();
    assert_eq!(
        header::decode_at(&b[..40], 0).unwrap_err(),
        Error::TruncatedHeader { offset: 0 }
    );
    // Truncating inside the manifest header: no manifest survives.
    let f = RvfFile::parse(&b).unwrap();
    let cut = f.manifest().offset as usize + 30;
    assert_eq!(
        RvfFile::parse(&b[..cut]).unwrap_err(),
        Error::ManifestNotFound {
            rejected: 0,
            newest: None
        }
    );
}

#[test]
fn bad_magic_and_version() {
    let mut b = good();
    b[0] = b'X';
    assert!(matches!(
        header::decode_at(&b, 0),
        Err(Error::BadMagic { offset: 0, .. })
    ));
    // The directory entry now points at no valid header.
    assert!(matches!(
        RvfFile::parse(&b),
        Err(Error::DirectoryEntryMismatch {
            index: 0,
            offset: 0,
            ..
        })
    ));
    let mut b = good();
    b[4] = 2;
    assert_eq!(
        header::decode_at(&b, 0).unwrap_err(),
        Error::BadVersion {
            offset: 0,
            found: 2
        }
    );
}

#[test]
fn payload_length_past_eof() {
    let b = good();
    let h = header::decode_at(&b, 0).unwrap();
    let mut h2 = h;
    h2.payload_length = 1 << 40;
    let mut b2 = b.clone();
    b2[..64].copy_from_slice(&header::encode(&h2));
    assert!(matches!(
        loader::container::segment_at(&b2, 0, b2.len() as u64),
        Err(Error::PayloadPastEof {
            offset: 0,
            payload_length: 1099511627776,
            ..
        })
    ));
    // Also through the directory: the entry says 100, the header 2^40.
    assert!(matches!(
        RvfFile::parse(&b2),
        Err(Error::DirectoryEntryMismatch { index: 0, .. })
    ));
}

#[test]
fn offset_plus_length_wraps() {
    let mut h = header::SegmentHeader::new(seg::SPARSE, 1);
    h.payload_length = u64::MAX - 10;
    let mut b = header::encode(&h).to_vec();
    b.resize(128, 0);
    assert!(matches!(
        loader::container::segment_at(&b, 0, 128),
        Err(Error::OffsetOverflow { .. })
    ));
    // A directory entry whose offset + length wraps.
    let b = with_manifest(&good(), |m| {
        m.directory[0].offset = u64::MAX - 8;
        m.directory[0].payload_length = 100;
    });
    assert!(matches!(
        RvfFile::parse(&b),
        Err(Error::DirectoryEntryOutOfBounds { index: 0, .. })
    ));
}

#[test]
fn u64_max_counts() {
    let b = with_manifest(&good(), |m| m.directory[1].payload_length = u64::MAX);
    assert!(matches!(
        RvfFile::parse(&b),
        Err(Error::DirectoryEntryOutOfBounds { index: 1, .. })
    ));
    // A manifest whose seg_count exceeds its payload is not a manifest.
    let mut p = vec![0u8; 22];
    p[14..18].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(Manifest::parse(&p).is_err());
    // Vector segment: count u32::MAX, dim 65535: overflow-checked, no allocation.
    let mut v = vec![0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    v.extend([0u8; 10]);
    assert!(loader::vec_seg::VectorSegment::parse(&v).is_err());
    // Sparse header with nnz = u64::MAX.
    let hdr = loader::sparse_seg::SparseHeader {
        rows: 4,
        cols: 4,
        nnz: u64::MAX,
        flags: 0,
        dominance_margin: 0.0,
    };
    assert!(matches!(
        loader::sparse_seg::SparseMatrix::parse(&hdr.encode()),
        Err(Error::CountOverflow { .. })
    ));
}

#[test]
fn manifest_pointing_outside_the_file() {
    let b = good();
    let len = b.len() as u64;
    let b = with_manifest(&b, |m| m.directory[0].offset = len + 4096);
    assert!(matches!(
        RvfFile::parse(&b),
        Err(Error::DirectoryEntryOutOfBounds { index: 0, .. })
    ));
}

#[test]
fn manifest_pointing_into_another_segment() {
    let b = with_manifest(&good(), |m| m.directory[1].offset = 64);
    assert!(matches!(
        RvfFile::parse(&b),
        Err(Error::DirectoryEntryMismatch {
            index: 1,
            offset: 64,
            ..
        })
    ));
}

#[test]
fn overlapping_entries() {
    let b = with_manifest(&good(), |m| {
        let d = m.directory[0];
        m.directory.push(d);
    });
    assert!(matches!(
        RvfFile::parse(&b),
        Err(Error::OverlappingSegments { .. })
    ));
}

#[test]
fn corrupt_newest_manifest_falls_back_to_the_previous_one() {
    // Append once (epoch 2), then flip a byte inside the new manifest payload:
    // its hash fails, so the reader uses the epoch-1 manifest and says so.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.rvf");
    writer::create(
        &p,
        &[SegmentSpec {
            seg_type: seg::SPARSE,
            payload: vec![1; 10].into(),
        }],
        FileSummary::default(),
    )
    .unwrap();
    writer::append(
        &p,
        &[SegmentSpec {
            seg_type: 0x30,
            payload: vec![2; 10].into(),
        }],
        None,
    )
    .unwrap();
    let mut b = std::fs::read(&p).unwrap();
    let f = RvfFile::parse(&b).unwrap();
    assert_eq!(f.manifest().manifest.epoch, 2);
    let off = f.manifest().offset as usize + 64;
    b[off] ^= 1;
    let f = RvfFile::parse(&b).unwrap();
    assert_eq!(f.manifest().manifest.epoch, 1);
    assert_eq!(f.manifest().rejected_newer, 1);
}

#[test]
fn zero_hash_is_reported_not_set() {
    let mut b = good();
    b[0x28..0x38].fill(0);
    let f = RvfFile::parse(&b).unwrap();
    let s = f.segment(0).unwrap();
    assert_eq!(s.hash_status(), loader::hash::HashStatus::NotSet);
    assert!(!s.hash_status().is_verified());
}

#[test]
fn flipped_payload_byte_fails_verify() {
    let mut b = good();
    b[64 + 5] ^= 0x40;
    let f = RvfFile::parse(&b).unwrap();
    let v = loader::verify::verify_file(&f);
    assert!(!v.ok());
    assert!(!v.segments[0].ok());
    assert!(v.segments[1].ok());
}
