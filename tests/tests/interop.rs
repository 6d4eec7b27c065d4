//! Wire compatibility with the published RVF tools (rvf-runtime 0.5.0), both
//! directions: files we pack open in `RvfStore`, files it writes open in our
//! loader with the same segments and vectors.

mod common;
use common::*;
use loader::hash::algo;
use loader::vec_seg::VectorSegment;
use loader::wasm_seg::{BytecodeHashStatus, WasmSegment};
use loader::{Dialect, RvfFile};
use rvf_pack::inputs::{self, Vectors};
use rvf_pack::payload::{self, SolverOptions};
use rvf_pack::writer::{self, FileSummary, SegmentSpec};
use rvf_runtime::{QueryOptions, RvfOptions, RvfStore};
use rvf_spec::format::seg;
use std::path::Path;

const DIM: usize = 16;
const N: usize = 300;

/// Pack vectors + a sparse system + two solver variants + META, as the CLI
/// does (vectors streamed), with content hashes under `checksum_algo`.
fn pack_sample(dir: &Path, checksum_algo: u8) -> (std::path::PathBuf, Vec<f32>, Vec<Vec<u8>>) {
    let data = lcg_f32(7, N * DIM);
    let v = Vectors {
        dim: DIM,
        data: data.clone(),
    };
    let rows = payload::VecRows::new(std::sync::Arc::new(v), 0).unwrap();
    let (csr, _) = inputs::mtx::read(&sample("karate.mtx")).unwrap();
    let base = baseline_module();
    let simd = simd_module();
    let segs = vec![
        SegmentSpec {
            seg_type: seg::VEC,
            payload: writer::Payload::Vectors(rows),
        },
        SegmentSpec {
            seg_type: seg::SPARSE,
            payload: csr.encode_segment(None, true).unwrap().into(),
        },
        SegmentSpec {
            seg_type: seg::WASM,
            payload: payload::wasm_payload(
                Path::new("b.wasm"),
                &base,
                &SolverOptions {
                    priority: 1,
                    ..Default::default()
                },
            )
            .unwrap()
            .2
            .into(),
        },
        SegmentSpec {
            seg_type: seg::WASM,
            payload: payload::wasm_payload(Path::new("s.wasm"), &simd, &SolverOptions::default())
                .unwrap()
                .2
                .into(),
        },
        SegmentSpec {
            seg_type: seg::META,
            payload: payload::meta_payload(
                &[("dataset".into(), "lcg".into())],
                payload::MetaGeneration::FIRST,
            )
            .unwrap()
            .into(),
        },
    ];
    let out = dir.join("ours.rvf");
    writer::create_with(
        &out,
        &segs,
        FileSummary {
            dimension: DIM as u16,
            total_vectors: N as u64,
            metric_id: 0,
        },
        checksum_algo,
    )
    .unwrap();
    (out, data, vec![base, simd])
}

#[test]
fn upstream_reads_our_file() {
    for algo in [algo::SHAKE256_128, algo::XXH3_128] {
        upstream_reads_our_file_hashed(algo);
    }
}

fn upstream_reads_our_file_hashed(checksum_algo: u8) {
    let dir = tempfile::tempdir().unwrap();
    let (path, data, modules) = pack_sample(dir.path(), checksum_algo);
    let store = RvfStore::open_readonly(&path).expect("rvf-runtime 0.5.0 opens our file");

    // The directory lists all five of our segments at the offsets we wrote.
    let ours = std::fs::read(&path).unwrap();
    let f = RvfFile::parse(&ours).unwrap();
    let theirs: Vec<(u64, u64, u64, u8)> = store.segment_dir().to_vec();
    let mine: Vec<(u64, u64, u64, u8)> = f
        .directory()
        .iter()
        .map(|e| (e.segment_id, e.offset, e.payload_length, e.seg_type))
        .collect();
    assert_eq!(theirs, mine);
    assert_eq!(mine.len(), 5);
    for (_, s) in f.segments() {
        let s = s.unwrap();
        assert_eq!(s.header.checksum_algo, checksum_algo);
        assert!(s.hash_status().is_verified());
    }

    // query == brute force, for several query points.
    for (qi, q) in lcg_f32(99, 5 * DIM).chunks_exact(DIM).enumerate() {
        let got: Vec<u64> = store
            .query(q, 10, &QueryOptions::default())
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(got, brute_knn(DIM, &data, q, 10), "query {qi}");
    }

    // extract_wasm_all returns our modules byte for byte, priority-sorted
    // (simd has priority 0, baseline 1).
    let all = store.extract_wasm_all().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].1, modules[1]);
    assert_eq!(all[1].1, modules[0]);
    drop(store);

    // It checks the hash it accepted above: one flipped bit in the first
    // vector is refused.
    let mut bytes = ours;
    bytes[64 + 6 + 8 + 1] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    assert!(
        RvfStore::open_readonly(&path).is_err(),
        "algo {checksum_algo}: a damaged payload opens"
    );
}

#[test]
fn we_read_upstream_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("theirs.rvf");
    let data = lcg_f32(3, 50 * 8);
    let base = baseline_module();
    {
        let mut store = RvfStore::create(
            &path,
            RvfOptions {
                dimension: 8,
                ..Default::default()
            },
        )
        .unwrap();
        let rows: Vec<&[f32]> = data.chunks_exact(8).collect();
        let ids: Vec<u64> = (100..150).collect();
        store.ingest_batch(&rows, &ids, None).unwrap();
        store.embed_wasm(0, 0, 0, &base, 1, 0, 0).unwrap();
        store.close().unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let f = RvfFile::parse(&bytes).expect("our loader opens an rvf-runtime 0.5.0 file");
    assert_eq!(f.dialect(), Dialect::Aligned);
    let store = RvfStore::open_readonly(&path).unwrap();
    let theirs: Vec<(u64, u64, u64, u8)> = store.segment_dir().to_vec();
    let mine: Vec<(u64, u64, u64, u8)> = f
        .directory()
        .iter()
        .map(|e| (e.segment_id, e.offset, e.payload_length, e.seg_type))
        .collect();
    assert_eq!(theirs, mine);

    // Vectors: same ids and values as ingested.
    let mut got = Vec::new();
    for (_, s) in f.segments() {
        let s = s.unwrap();
        assert!(
            s.hash_status().is_verified() || s.hash_status() == loader::hash::HashStatus::NotSet
        );
        if s.header.seg_type == seg::VEC {
            got.extend(VectorSegment::parse(s.payload).unwrap().iter());
        }
        if s.header.seg_type == seg::WASM {
            let w = WasmSegment::parse(s.payload).unwrap();
            assert_eq!(w.bytecode, &base[..]);
            // Upstream writes its additive fold, not SHAKE-256: reported, not trusted.
            assert_eq!(w.bytecode_hash_status(), BytecodeHashStatus::UpstreamFold);
        }
    }
    got.sort_by_key(|r| r.0);
    assert_eq!(got.len(), 50);
    for (i, (id, v)) in got.iter().enumerate() {
        assert_eq!(*id, 100 + i as u64);
        assert_eq!(&v[..], &data[i * 8..i * 8 + 8]);
    }
}

#[test]
fn we_read_upstream_signed_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("signed.rvf");
    let data = lcg_f32(5, 20 * 4);
    {
        let key = [7u8; 32];
        let mut store = RvfStore::create_signed(
            &path,
            RvfOptions {
                dimension: 4,
                ..Default::default()
            },
            &key,
        )
        .unwrap();
        let rows: Vec<&[f32]> = data.chunks_exact(4).collect();
        let ids: Vec<u64> = (0..20).collect();
        store.ingest_batch(&rows, &ids, None).unwrap();
        store.close().unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let f = RvfFile::parse(&bytes).expect("our loader opens a signed store");
    assert!(
        f.has_root_page(),
        "the trailing 4096-byte root page is recognised and trimmed"
    );
    let store = RvfStore::open_readonly(&path).unwrap();
    assert_eq!(store.segment_dir().len(), f.directory().len());
    let v = loader::verify::verify_file(&f);
    assert!(v.ok(), "{v:?}");
    // Signed stores use SHAKE-256 (algo 2) for every segment.
    for (_, s) in f.segments() {
        let s = s.unwrap();
        assert_eq!(s.header.checksum_algo, 2);
        assert!(s.hash_status().is_verified());
    }
}

#[test]
fn upstream_reads_our_file_after_append() {
    let dir = tempfile::tempdir().unwrap();
    let (path, data, _) = pack_sample(dir.path(), algo::SHAKE256_128);
    let more = lcg_f32(11, 10 * DIM);
    let v = Vectors {
        dim: DIM,
        data: more.clone(),
    };
    writer::append(
        &path,
        &[SegmentSpec {
            seg_type: seg::VEC,
            payload: payload::vec_payload(&v, N as u64).unwrap().into(),
        }],
        Some((DIM as u16, 10)),
    )
    .unwrap();
    let store = RvfStore::open_readonly(&path).unwrap();
    let mut all = data.clone();
    all.extend_from_slice(&more);
    let q = &more[..DIM];
    let got: Vec<u64> = store
        .query(q, 5, &QueryOptions::default())
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(got, brute_knn(DIM, &all, q, 5));
    let bytes = std::fs::read(&path).unwrap();
    let f = RvfFile::parse(&bytes).unwrap();
    // 5 original + the old manifest + the new VEC segment.
    assert_eq!(f.directory().len(), 7);
    assert_eq!(f.manifest().manifest.epoch, 2);
    assert!(loader::verify::verify_file(&f).ok());
}

/// The published runtime calls a file self-bootstrapping when it carries
/// either bootstrap module as `--bootstrap` stores it (the interpreter,
/// role Interpreter, next to a kernel; or the Combined module, role
/// Combined, alone), reads it, and our loader resolves the chain upstream's
/// spec names.
#[test]
fn upstream_calls_our_bootstrap_files_self_bootstrapping() {
    use loader::bootstrap::{resolve, Chain};
    use rvf_pack::bootstrap::Module;
    let dir = tempfile::tempdir().unwrap();
    let kernel = std::fs::read(root().join("microkernel/dist/solver-baseline.wasm")).unwrap();
    let (csr, _) = inputs::mtx::read(&sample("karate.mtx")).unwrap();
    for module in [Module::Interpreter, Module::Combined] {
        let mut segs = vec![SegmentSpec {
            seg_type: seg::SPARSE,
            payload: csr.encode_segment(None, true).unwrap().into(),
        }];
        if module == Module::Interpreter {
            segs.push(SegmentSpec {
                seg_type: seg::WASM,
                payload: payload::wasm_payload(
                    Path::new("k.wasm"),
                    &kernel,
                    &SolverOptions::default(),
                )
                .unwrap()
                .2
                .into(),
            });
        }
        segs.push(SegmentSpec {
            seg_type: seg::WASM,
            payload: payload::wasm_payload(Path::new("m.wasm"), module.bytes(), &module.options())
                .unwrap()
                .2
                .into(),
        });
        let out = dir.path().join(format!("{module:?}.rvf"));
        writer::create_with(
            &out,
            &segs,
            FileSummary {
                dimension: 0,
                total_vectors: 0,
                metric_id: 0,
            },
            algo::SHAKE256_128,
        )
        .unwrap();
        let store = RvfStore::open_readonly(&out).unwrap();
        assert!(store.is_self_bootstrapping(), "{module:?}");
        let bytes = std::fs::read(&out).unwrap();
        let f = RvfFile::parse(&bytes).unwrap();
        assert!(loader::verify::verify_file(&f).ok(), "{module:?}");
        let chain = resolve(&f);
        match module {
            Module::Combined => assert!(matches!(chain, Chain::SelfContained { .. }), "{chain:?}"),
            Module::Interpreter => assert!(matches!(chain, Chain::TwoStage { .. }), "{chain:?}"),
        }
        assert!(chain.self_bootstrapping());
        // The stored module (ZSTD) decompresses to the committed bytes.
        let wasm = f
            .segments()
            .filter_map(|(_, s)| s.ok())
            .filter(|s| s.header.seg_type == seg::WASM)
            .map(|s| WasmSegment::parse(s.payload).unwrap())
            .find(|w| w.header.role == module.role() as u8)
            .unwrap();
        assert_eq!(wasm.header.compression, 2, "{module:?}");
        assert_eq!(wasm.bytecode_hash_status(), BytecodeHashStatus::Verified);
        assert_eq!(&*wasm.code(usize::MAX).unwrap(), module.bytes());
    }
    // Without either, it is not.
    let (plain, _, _) = pack_sample(dir.path(), algo::SHAKE256_128);
    assert!(!RvfStore::open_readonly(&plain)
        .unwrap()
        .is_self_bootstrapping());
}
