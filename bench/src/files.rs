//! Files the benchmarks open: a data segment packed with both solver
//! kernels (baseline and SIMD), and §4's large files whose data segment
//! is a hole.

use loader::header::SegmentHeader;
use loader::manifest::{DirEntry, Manifest};
use rvf_pack::writer::{self, FileSummary, Payload, SegmentSpec};
use rvf_spec::format::{algo, seg, SegmentType, SEGMENT_HEADER_SIZE};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The two kernel variants the bench packs, by their `microkernel/dist/` name.
pub const KERNELS: [&str; 2] = ["baseline", "simd"];

/// The bytecode of a kernel variant (run from the repository root).
pub fn kernel(variant: &str) -> Vec<u8> {
    std::fs::read(format!("microkernel/dist/solver-{variant}.wasm"))
        .expect("run from the repository root")
}

/// Both kernels as WASM segments, with the headers `rvf-pack create` writes.
pub fn kernels() -> Vec<SegmentSpec> {
    KERNELS
        .iter()
        .map(|v| SegmentSpec {
            seg_type: seg::WASM,
            payload: rvf_pack::payload::wasm_payload(Path::new(v), &kernel(v), &Default::default())
                .expect("the committed kernels pack")
                .2
                .into(),
        })
        .collect()
}

/// A file `dir/name` holding one data segment of `seg_type` and both kernels.
pub fn pack(dir: &Path, name: &str, seg_type: u8, payload: impl Into<Payload>) -> PathBuf {
    let mut segs = vec![SegmentSpec {
        seg_type,
        payload: payload.into(),
    }];
    segs.extend(kernels());
    let p = dir.join(name);
    writer::create(&p, &segs, FileSummary::default()).expect("pack a bench file");
    p
}

/// `pack` for a sparse segment payload.
pub fn pack_sparse(dir: &Path, name: &str, payload: Vec<u8>) -> PathBuf {
    pack(dir, name, seg::SPARSE, payload)
}

/// The type of §4's hole segment: one no run reads.
const HOLE: u8 = SegmentType::PolicyKernel as u8;

/// A file: both kernels, a `size`-byte segment that is a hole (never
/// written, never read), a manifest.
pub fn hole_file(path: &Path, size: u64) {
    let mut f = std::fs::File::create(path).expect("create the hole file");
    let mut dir = Vec::new();
    let mut pos = 0u64;
    for (i, k) in kernels().into_iter().enumerate() {
        let Payload::Bytes(payload) = &k.payload else {
            unreachable!("kernels are bytes")
        };
        let id = i as u64 + 1;
        let bytes = writer::encode_segment(seg::WASM, id, payload, algo::SHAKE256_128, pos);
        dir.push(DirEntry {
            segment_id: id,
            offset: pos,
            payload_length: payload.len() as u64,
            seg_type: seg::WASM,
        });
        f.write_all(&bytes).unwrap();
        pos += bytes.len() as u64;
    }
    let hole_id = dir.len() as u64 + 1;
    let mut h = SegmentHeader::new(HOLE, hole_id);
    h.payload_length = size;
    f.write_all(&loader::header::encode(&h)).unwrap();
    dir.push(DirEntry {
        segment_id: hole_id,
        offset: pos,
        payload_length: size,
        seg_type: HOLE,
    });
    pos += SEGMENT_HEADER_SIZE as u64 + size;
    f.seek(SeekFrom::Start(pos)).unwrap();
    let m = Manifest::with_directory(1, dir);
    let manifest = writer::encode_segment(
        seg::MANIFEST,
        hole_id + 1,
        &m.encode(),
        algo::SHAKE256_128,
        pos,
    );
    f.write_all(&manifest).unwrap();
}
