//! Choosing, verifying and running a file's solver: host-feature
//! selection, refusals with reasons, declared-vs-actual features, and a
//! tamper sweep over every byte of a small module's segment.

mod common;
use common::solve::*;
use loader::wasm_seg::BytecodeHashStatus;
use loader::RvfFile;
use rvf_host::select::{self as runtime_select, Selection, Thoroughness};
use rvf_host::{HostConfig, MatrixChoice, Outcome, Rejection, RunError, Session, VerifiedData};
use rvf_pack::writer::{self, FileSummary, SegmentSpec};
use rvf_spec::abi;
use rvf_spec::format::{seg, WASM_FEAT_BULK_MEMORY, WASM_FEAT_SIMD};
use std::path::Path;

/// Judge every candidate of `f` for a host with `host` features.
fn select(f: &RvfFile<'_>, host: u16, force: Option<usize>) -> Selection {
    let config = HostConfig {
        allowed_features: host,
        force_segment: force,
        ..HostConfig::default()
    };
    runtime_select::select(f, &config, Thoroughness::Every)
}

/// Run exact params in a fresh session over `f` (every engine feature),
/// continuing `memo` (what the session verified comes back in it).
fn run_with(
    f: &RvfFile<'_>,
    p: &abi::Params,
    verify: bool,
    memo: &mut VerifiedData,
) -> Result<Outcome, RunError> {
    let mut s = Session::with_memo(f.clone(), HostConfig::default(), std::mem::take(memo));
    let out = s.run_exact(*p, Vec::new(), MatrixChoice::Only, verify);
    *memo = s.into_memo();
    out
}

/// Run exact params in a fresh session (its own memo).
fn run(f: &RvfFile<'_>, p: &abi::Params, verify: bool) -> Result<Outcome, RunError> {
    run_with(f, p, verify, &mut VerifiedData::default())
}

fn karate_segment() -> SegmentSpec {
    let (g, _) = rvf_pack::inputs::mtx::read(&common::sample("karate.mtx")).unwrap();
    sparse_spec(&g, None, true)
}

fn wasm_seg(bytes: &[u8], opts: rvf_pack::payload::SolverOptions) -> SegmentSpec {
    SegmentSpec {
        seg_type: seg::WASM,
        payload: rvf_pack::payload::wasm_payload(Path::new("m.wasm"), bytes, &opts)
            .unwrap()
            .2
            .into(),
    }
}

/// Pack the karate graph and `code` behind a hand-made `header` (hashes
/// as the caller set them), and run selection on it with every feature.
fn select_hand_made(header: rvf_spec::format::WasmHeader, code: &[u8]) -> Selection {
    let mut payload = header.to_bytes().to_vec();
    payload.extend_from_slice(code);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hand-made.rvf");
    writer::create(
        &p,
        &[
            karate_segment(),
            SegmentSpec {
                seg_type: seg::WASM,
                payload: payload.into(),
            },
        ],
        FileSummary::default(),
    )
    .unwrap();
    let b = std::fs::read(&p).unwrap();
    let f = RvfFile::parse(&b).unwrap();
    select(&f, 0xFFFF, None)
}

#[test]
fn simd_selected_when_available_baseline_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let path = pack(dir.path(), "k.rvf", vec![karate_segment()]);
    let bytes = std::fs::read(&path).unwrap();
    let f = RvfFile::parse(&bytes).unwrap();
    // The SIMD build also uses bulk memory (memory.copy / memory.fill), and
    // the packer derived both bits from the module itself.
    const SIMD_BULK: u16 = WASM_FEAT_SIMD | WASM_FEAT_BULK_MEMORY;
    let all = select(&f, 0xFFFF, None);
    assert_eq!(
        all.chosen().unwrap().header.unwrap().required_features,
        SIMD_BULK
    );
    // A host missing either proposal gets the baseline, and the SIMD
    // candidate is explained as needing both.
    for host in [!WASM_FEAT_SIMD, !WASM_FEAT_BULK_MEMORY] {
        let sel = select(&f, host, None);
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
    let sel = select(&f2, 0xFFFF, None);
    assert_eq!(sel.chosen().unwrap().index, 2);
    // Forcing a segment picks it (still verified).
    let forced = select(&f2, 0xFFFF, Some(1));
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
    let sel = select(&f, 0xFFFE, None);
    assert!(sel.chosen.is_none());
    assert_eq!(sel.candidates.len(), 1);
    let why = sel.verdict(0).to_string();
    assert!(why.contains("needs simd, host lacks it"), "{why}");
    let params = abi::Params {
        method: abi::method::PPR_FORWARD,
        ..Default::default()
    };
    let mut s = Session::new(
        f.clone(),
        HostConfig {
            allowed_features: 0xFFFE,
            ..HostConfig::default()
        },
    );
    assert!(matches!(
        s.run_exact(params, Vec::new(), MatrixChoice::Only, false),
        Err(RunError::NoSolver(_))
    ));
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
    let why = sel.verdict(0).to_string();
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
    assert!(select(&f, 0xFFFF, None).chosen.is_some());
    let seg = f.segment(0).unwrap();
    let start = seg.offset as usize + 64;
    let n = seg.payload.len();
    let mut refused = 0;
    for i in 0..n {
        let mut bad = good.clone();
        bad[start + i] ^= 0xFF;
        let f = RvfFile::parse(&bad).unwrap();
        let sel = select(&f, 0xFFFF, None);
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
    let p = abi::Params {
        method: abi::method::CG,
        ..Default::default()
    };
    assert!(matches!(run(&f, &p, false), Err(RunError::Data(_))));
    assert!(matches!(run(&f, &p, true), Err(RunError::Data(_))));
}

/// A session's memo hashes a data segment once per open file: after a
/// clean run the memo trusts the segment (the documented trade-off, shown
/// by changing a byte under it), while a fresh memo, or the memo handed a
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
    let mut memo = VerifiedData::default();
    let clean = {
        let f = RvfFile::parse(&bytes).unwrap();
        run_with(&f, &p, false, &mut memo).unwrap()
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
    let trusted = run_with(&f, &p, false, &mut memo).unwrap();
    assert_ne!(trusted.output, clean.output, "the changed byte was read");
    assert!(matches!(
        run_with(&f, &p, false, &mut Default::default()),
        Err(RunError::Data(_))
    ));
    assert!(matches!(run(&f, &p, false), Err(RunError::Data(_))));
    // The same memo on another buffer (a copy) starts afresh.
    let copy = bytes.clone();
    let g = RvfFile::parse(&copy).unwrap();
    assert!(matches!(
        run_with(&g, &p, false, &mut memo),
        Err(RunError::Data(_))
    ));
}
