//! Choosing, verifying and running a file's solver: host-feature
//! selection, refusals with reasons, declared-vs-actual features, and a
//! tamper sweep over every byte of a small module's segment.

mod common;
use common::solve::*;
use loader::runtime::{self, abi, caps::feat, Limits, Rejection, RunError};
use loader::wasm_seg::BytecodeHashStatus;
use loader::RvfFile;
use rvf_pack::writer::{self, FileSummary, SegmentSpec};
use std::path::Path;

fn karate_segment() -> SegmentSpec {
    let (g, _) = rvf_pack::inputs::mtx::read(&common::sample("karate.mtx")).unwrap();
    sparse_spec(&g, None, true)
}

fn wasm_seg(bytes: &[u8], opts: rvf_pack::payload::SolverOptions) -> SegmentSpec {
    SegmentSpec {
        seg_type: 0x10,
        payload: rvf_pack::payload::wasm_payload(Path::new("m.wasm"), bytes, &opts)
            .unwrap()
            .2
            .into(),
    }
}

/// Pack the karate graph and `code` behind a hand-made `header` (hashes
/// as the caller set them), and run selection on it with every feature.
fn select_hand_made(
    header: rvf_types::wasm_bootstrap::WasmHeader,
    code: &[u8],
) -> runtime::Selection {
    let mut payload = header.to_bytes().to_vec();
    payload.extend_from_slice(code);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hand-made.rvf");
    writer::create(
        &p,
        &[
            karate_segment(),
            SegmentSpec {
                seg_type: 0x10,
                payload: payload.into(),
            },
        ],
        FileSummary::default(),
    )
    .unwrap();
    let b = std::fs::read(&p).unwrap();
    let f = RvfFile::parse(&b).unwrap();
    runtime::select(&f, 0xFFFF, &Limits::default(), None)
}

#[test]
fn simd_selected_when_available_baseline_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let path = pack(dir.path(), "k.rvf", vec![karate_segment()]);
    let bytes = std::fs::read(&path).unwrap();
    let f = RvfFile::parse(&bytes).unwrap();
    // The SIMD build also uses bulk memory (memory.copy / memory.fill), and
    // the packer derived both bits from the module itself.
    const SIMD_BULK: u16 = feat::SIMD | feat::BULK_MEMORY;
    let all = runtime::select(&f, 0xFFFF, &Limits::default(), None);
    assert_eq!(
        all.chosen().unwrap().header.unwrap().required_features,
        SIMD_BULK
    );
    // A host missing either proposal gets the baseline, and the SIMD
    // candidate is explained as needing both.
    for host in [!feat::SIMD, !feat::BULK_MEMORY] {
        let sel = runtime::select(&f, host, &Limits::default(), None);
        assert_eq!(sel.chosen().unwrap().header.unwrap().required_features, 0);
        let simd_cand = sel
            .candidates
            .iter()
            .find(|c| c.header.unwrap().required_features == SIMD_BULK)
            .unwrap();
        assert!(matches!(
            simd_cand.rejection,
            Some(Rejection::MissingFeatures {
                needs: SIMD_BULK,
                ..
            })
        ));
    }
    // Priority beats features: give the baseline priority 0, SIMD priority 5.
    let (g, _) = rvf_pack::inputs::mtx::read(&common::sample("karate.mtx")).unwrap();
    let segs = vec![
        sparse_spec(&g, None, true),
        wasm_seg(
            &kernel("simd"),
            rvf_pack::payload::SolverOptions {
                priority: 5,
                ..Default::default()
            },
        ),
        wasm_seg(&kernel("baseline"), Default::default()),
    ];
    let p2 = dir.path().join("prio.rvf");
    writer::create(&p2, &segs, FileSummary::default()).unwrap();
    let b2 = std::fs::read(&p2).unwrap();
    let f2 = RvfFile::parse(&b2).unwrap();
    let sel = runtime::select(&f2, 0xFFFF, &Limits::default(), None);
    assert_eq!(sel.chosen().unwrap().index, 2);
    // Forcing a segment picks it (still verified).
    let forced = runtime::select(&f2, 0xFFFF, &Limits::default(), Some(1));
    assert_eq!(forced.chosen().unwrap().index, 1);
}

#[test]
fn simd_only_file_on_a_host_without_simd_is_refused_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.rvf");
    writer::create(
        &p,
        &[
            karate_segment(),
            wasm_seg(&kernel("simd"), Default::default()),
        ],
        FileSummary::default(),
    )
    .unwrap();
    let b = std::fs::read(&p).unwrap();
    let f = RvfFile::parse(&b).unwrap();
    let sel = runtime::select(&f, 0xFFFE, &Limits::default(), None);
    assert!(sel.chosen.is_none());
    assert_eq!(sel.candidates.len(), 1);
    let why = sel.verdict(0);
    assert!(why.contains("needs simd, host lacks it"), "{why}");
    let params = abi::Params {
        method: abi::method::PPR_FORWARD,
        ..Default::default()
    };
    assert_eq!(
        runtime::run(&f, &sel, &params, &[], false).unwrap_err(),
        RunError::NoSolver
    );
}

#[test]
fn a_header_that_under_declares_features_is_rejected() {
    // The SIMD kernel with a hand-made header claiming no features (and
    // correct hashes): the loader validates under the declared features.
    let code = kernel("simd");
    let (mut h, _, _) =
        rvf_pack::payload::wasm_payload(Path::new("s"), &code, &Default::default()).unwrap();
    h.required_features = 0;
    let sel = select_hand_made(h, &code);
    assert!(sel.chosen.is_none());
    let why = sel.verdict(0);
    assert!(
        why.contains("validator") && why.to_lowercase().contains("simd"),
        "{why}"
    );
}

#[test]
fn upstream_fold_and_unset_bytecode_hashes_are_not_run() {
    let code = kernel("baseline");
    let (mut h, _, _) =
        rvf_pack::payload::wasm_payload(Path::new("b"), &code, &Default::default()).unwrap();
    for (hash, want) in [
        (
            loader::hash::upstream_fold(&code),
            BytecodeHashStatus::UpstreamFold,
        ),
        ([0u8; 32], BytecodeHashStatus::NotSet),
    ] {
        h.bytecode_hash = hash;
        let sel = select_hand_made(h, &code);
        assert!(sel.chosen.is_none());
        assert_eq!(
            sel.candidates[0].rejection,
            Some(Rejection::BytecodeHash(want))
        );
    }
}

/// Flip every byte of a small module's segment payload (WasmHeader and
/// bytecode): selection refuses every variant before compiling it.
#[test]
fn tamper_sweep_every_byte_of_a_small_module_is_refused() {
    let code = wat::parse_str(
        r#"(module (memory (export "memory") 1)
          (data (i32.const 0) "\00\00\01\00")
          (func (export "rvf_abi_version") (result i32) i32.const 0x10000)
          (func (export "rvf_alloc") (param i32) (result i32) i32.const 1024)
          (func (export "rvf_set_params") (param i32 i32) (result i32) i32.const 0)
          (func (export "rvf_run") (result i32) i32.const 0)
          (func (export "rvf_result_ptr") (result i32) i32.const 0)
          (func (export "rvf_result_len") (result i32) i32.const 0)
          (func (export "rvf_report_ptr") (result i32) i32.const 0))"#,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("small.rvf");
    writer::create(
        &p,
        &[wasm_seg(&code, Default::default())],
        FileSummary::default(),
    )
    .unwrap();
    let good = std::fs::read(&p).unwrap();
    let f = RvfFile::parse(&good).unwrap();
    assert!(runtime::select(&f, 0xFFFF, &Limits::default(), None)
        .chosen
        .is_some());
    let seg = f.segment(0).unwrap();
    let start = seg.offset as usize + 64;
    let n = seg.payload.len();
    let mut refused = 0;
    for i in 0..n {
        let mut bad = good.clone();
        bad[start + i] ^= 0xFF;
        let f = RvfFile::parse(&bad).unwrap();
        let sel = runtime::select(&f, 0xFFFF, &Limits::default(), None);
        assert!(
            sel.chosen.is_none(),
            "flipping payload byte {i} was not caught"
        );
        refused += 1;
    }
    assert_eq!(refused, n);
    assert!(n > 200);
}

#[test]
fn tampered_data_is_refused_on_bulk_read_or_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let a = poisson(8, 1.0);
    let b = lcg(1, 64);
    let path = pack(dir.path(), "d.rvf", vec![sparse_spec(&a, Some(&b), false)]);
    let mut bytes = std::fs::read(&path).unwrap();
    let f = RvfFile::parse(&bytes).unwrap();
    let off = f.segment(0).unwrap().offset as usize + 64 + 64 + 3; // inside row_ptr
    bytes[off + 200] ^= 1; // a value byte further in
    let f = RvfFile::parse(&bytes).unwrap();
    let sel = runtime::select(&f, 0xFFFF, &Limits::default(), None);
    let p = abi::Params {
        method: abi::method::CG,
        ..Default::default()
    };
    assert!(matches!(
        runtime::run(&f, &sel, &p, &[], false),
        Err(RunError::Data(_))
    ));
    assert!(matches!(
        runtime::run(&f, &sel, &p, &[], true),
        Err(RunError::Data(_))
    ));
}

/// `run_verified` hashes a data segment once per open file: after a clean
/// run the memo trusts the segment (the documented trade-off, shown by
/// changing a byte under it), while a fresh memo, or the memo handed a
/// different buffer, hashes again and refuses the changed data.
#[test]
fn a_verified_data_memo_hashes_once_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = poisson(8, 1.0);
    let b = lcg(1, 64);
    let path = pack(dir.path(), "m.rvf", vec![sparse_spec(&a, Some(&b), false)]);
    let mut bytes = std::fs::read(&path).unwrap();
    let p = abi::Params {
        method: abi::method::CG,
        ..Default::default()
    };
    let mut memo = runtime::VerifiedData::default();
    let clean = {
        let f = RvfFile::parse(&bytes).unwrap();
        let sel = runtime::select(&f, 0xFFFF, &Limits::default(), None);
        runtime::run_verified(&f, &sel, &p, &[], false, &mut memo).unwrap()
    };
    assert_eq!(clean.report.status, 0);
    // Flip one bit of the right-hand side (in place: same buffer).
    let off = {
        let f = RvfFile::parse(&bytes).unwrap();
        let s = f.segment(0).unwrap();
        s.offset as usize + 64 + s.payload.len() - 1
    };
    bytes[off] ^= 0x10;
    let f = RvfFile::parse(&bytes).unwrap();
    let sel = runtime::select(&f, 0xFFFF, &Limits::default(), None);
    let trusted = runtime::run_verified(&f, &sel, &p, &[], false, &mut memo).unwrap();
    assert_ne!(trusted.output, clean.output, "the changed byte was read");
    assert!(matches!(
        runtime::run_verified(&f, &sel, &p, &[], false, &mut Default::default()),
        Err(RunError::Data(_))
    ));
    assert!(matches!(
        runtime::run(&f, &sel, &p, &[], false),
        Err(RunError::Data(_))
    ));
    // The same memo on another buffer (a copy) starts afresh.
    let copy = bytes.clone();
    let g = RvfFile::parse(&copy).unwrap();
    let sel = runtime::select(&g, 0xFFFF, &Limits::default(), None);
    assert!(matches!(
        runtime::run_verified(&g, &sel, &p, &[], false, &mut memo),
        Err(RunError::Data(_))
    ));
}
