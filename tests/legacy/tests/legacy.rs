//! Files written by an older published runtime in the unpadded "legacy"
//! dialect with CRC32-rotation hashes open in our loader with the same
//! segments as that runtime lists, and the vectors ingested.
//!
//! rvf-runtime 0.2.0 writes that dialect (checked: segments back to back,
//! checksum_algo 0). The published 0.4.0 already writes the padded dialect
//! with XXH3 (algo 1), unlike what our notes expected; 0.5.0 files are
//! covered by tests/tests/interop.rs.

use loader::vec_seg::VectorSegment;
use loader::{Dialect, RvfFile};
use rvf_spec::format::seg;

#[test]
fn we_read_legacy_files_from_rvf_runtime_0_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("legacy.rvf");
    let mut s = 21u64;
    let data: Vec<f32> = (0..30 * 6)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32) / 16_777_216.0
        })
        .collect();
    {
        let mut store = rvf_runtime::RvfStore::create(
            &path,
            rvf_runtime::RvfOptions {
                dimension: 6,
                ..Default::default()
            },
        )
        .unwrap();
        let rows: Vec<&[f32]> = data.chunks_exact(6).collect();
        let ids: Vec<u64> = (500..530).collect();
        store.ingest_batch(&rows, &ids, None).unwrap();
        store.close().unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let f = RvfFile::parse(&bytes).expect("our loader opens a legacy file");
    assert_eq!(f.dialect(), Dialect::Legacy);
    let theirs = rvf_runtime::RvfStore::open_readonly(&path).unwrap();
    let mine: Vec<(u64, u64, u64, u8)> = f
        .directory()
        .iter()
        .map(|e| (e.segment_id, e.offset, e.payload_length, e.seg_type))
        .collect();
    assert_eq!(theirs.segment_dir().to_vec(), mine);
    let mut got = Vec::new();
    let mut crc_verified = 0;
    for (_, s) in f.segments() {
        let s = s.unwrap();
        if s.hash_status()
            == loader::hash::HashStatus::Verified(loader::hash::HashRule::CrcRotation)
        {
            crc_verified += 1;
        }
        if s.header.seg_type == seg::VEC {
            got.extend(VectorSegment::parse(s.payload).unwrap().iter());
        }
    }
    assert!(
        crc_verified > 0,
        "legacy writers use CRC32-rotation hashes and they verify"
    );
    got.sort_by_key(|r| r.0);
    assert_eq!(got.len(), 30);
    for (i, (id, v)) in got.iter().enumerate() {
        assert_eq!(*id, 500 + i as u64);
        assert_eq!(&v[..], &data[i * 6..i * 6 + 6]);
    }
    let v = loader::verify::verify_file(&f);
    assert!(v.ok(), "{v:?}");
    // 0.2.0 appends a legacy witness record per ingest: recognised, counted.
    assert_eq!(v.witness.unwrap().legacy_records, 1);
}
