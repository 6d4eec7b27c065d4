//! Structured round trip: arbitrary segment sets → pack → read back equal
//! (types, ids, payloads, verified hashes, 64-byte alignment).
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Seg {
    seg_type: u8,
    payload: Vec<u8>,
}

fuzz_target!(|segs: Vec<Seg>| {
    let segs: Vec<Seg> = segs.into_iter().filter(|s| s.seg_type != 0x05).take(16).collect();
    let mut p = rvf_pack::writer::Packer::new(Vec::new(), 0, 1, 2);
    for s in &segs {
        p.write(s.seg_type, &s.payload).unwrap();
    }
    let manifest = loader::manifest::Manifest::with_directory(1, Vec::new());
    let bytes = p.finish(manifest, &[]).unwrap();
    let f = loader::RvfFile::parse(&bytes).expect("our own output parses");
    assert_eq!(f.directory().len(), segs.len());
    for ((i, s), want) in f.segments().zip(&segs) {
        let s = s.unwrap();
        assert_eq!(s.header.seg_type, want.seg_type);
        assert_eq!(s.header.segment_id, i as u64 + 1);
        assert_eq!(s.payload, &want.payload[..]);
        assert_eq!(s.offset % 64, 0);
        assert!(s.hash_status().is_verified());
    }
    assert_eq!(bytes.len() % 64, 0);
});
