//! The malformed-file corpus (tests/corpus/): one small file per case from
//! the history of real container parsers, each asserting its typed error.
//! `cargo test -p rvf-tests --test corpus -- --ignored regenerate` rewrites
//! the files (deterministically) from `build_cases`.

mod common;
use loader::container::{self, Dialect};
use loader::hash::shake256;
use loader::header::{self, SegmentHeader};
use loader::manifest::{DirEntry, Manifest};
use loader::verify::{verify_file, Finding};
use loader::{Error, PayloadKind, RvfFile};
use rvf_pack::writer::{encode_segment, SegmentSpec};
use rvf_spec::format::seg;
use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    common::root().join("tests/corpus")
}

/// Build a wire-dialect file in memory: segments then a manifest listing them.
fn file(segs: &[(u8, Vec<u8>)]) -> (Vec<u8>, Manifest) {
    let mut out = Vec::new();
    let mut dir = Vec::new();
    for (i, (t, p)) in segs.iter().enumerate() {
        dir.push(DirEntry {
            segment_id: i as u64 + 1,
            offset: out.len() as u64,
            payload_length: p.len() as u64,
            seg_type: *t,
        });
        out.extend(encode_segment(*t, i as u64 + 1, p, 2, out.len() as u64));
    }
    let m = Manifest::with_directory(1, dir);
    let mb = m.encode();
    out.extend(encode_segment(0x05, 99, &mb, 2, out.len() as u64));
    (out, m)
}

/// Replace the manifest (the last segment) with an edited one.
fn remanifest(bytes: &[u8], edit: impl FnOnce(&mut Manifest)) -> Vec<u8> {
    let f = RvfFile::parse(bytes).unwrap();
    let off = f.manifest().offset as usize;
    let mut m = f.manifest().manifest.clone();
    edit(&mut m);
    let mut out = bytes[..off].to_vec();
    out.extend(encode_segment(0x05, 99, &m.encode(), 2, off as u64));
    out
}

/// Rewrite the header at `off` and re-hash nothing (the edit is the point).
fn edit_header(bytes: &mut [u8], off: usize, edit: impl FnOnce(&mut SegmentHeader)) {
    let mut h = header::decode(bytes[off..off + 64].try_into().unwrap());
    edit(&mut h);
    bytes[off..off + 64].copy_from_slice(&header::encode(&h));
}

fn sparse(rows: u32, t: Vec<(u32, u32, f64)>) -> Vec<u8> {
    rvf_pack::sparse::Csr::from_triplets(rows, rows, t)
        .unwrap()
        .encode_segment(None, false)
        .unwrap()
}

fn small_sparse() -> Vec<u8> {
    sparse(
        3,
        vec![
            (0, 0, 2.0),
            (0, 1, -1.0),
            (1, 1, 2.0),
            (2, 0, 1.0),
            (2, 2, 3.0),
        ],
    )
}

/// Patch bytes inside a segment payload and fix its content hash, so the
/// typed check (not the hash) is what fails.
fn patch_payload(bytes: &mut [u8], seg_off: usize, at: usize, new: &[u8]) {
    let h = header::decode(bytes[seg_off..seg_off + 64].try_into().unwrap());
    let p0 = seg_off + 64;
    bytes[p0 + at..p0 + at + new.len()].copy_from_slice(new);
    let hash = shake256::<16>(&bytes[p0..p0 + h.payload_length as usize]);
    bytes[seg_off + 0x28..seg_off + 0x38].copy_from_slice(&hash);
}

fn build_cases() -> Vec<(&'static str, Vec<u8>)> {
    let mut v = Vec::new();
    let base = || file(&[(seg::SPARSE, small_sparse()), (0x31, vec![7; 40])]).0;

    // A lone header whose payload runs past EOF (no manifest).
    let mut h = SegmentHeader::new(0x31, 1);
    h.payload_length = 1 << 40;
    let mut b = header::encode(&h).to_vec();
    b.extend([0u8; 64]);
    v.push(("payload_past_eof.rvf", b));
    v.push((
        "dir_payload_past_eof.rvf",
        remanifest(&base(), |m| m.directory[1].payload_length = 1 << 20),
    ));
    v.push((
        "offset_length_wraps.rvf",
        remanifest(&base(), |m| m.directory[0].offset = u64::MAX - 8),
    ));
    v.push((
        "count_u64_max.rvf",
        remanifest(&base(), |m| m.directory[1].payload_length = u64::MAX),
    ));
    // Vectors: dim 65535 × count u32::MAX in a tiny payload.
    let mut vp = vec![0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    vp.extend([0u8; 58]);
    v.push(("vec_dim_count_overflow.rvf", file(&[(seg::VEC, vp)]).0));
    // Sparse: nnz = u64::MAX.
    let mut sp = small_sparse();
    sp[0x18..0x20].copy_from_slice(&u64::MAX.to_le_bytes());
    v.push(("sparse_nnz_u64_max.rvf", file(&[(seg::SPARSE, sp)]).0));
    let b = base();
    let len = b.len() as u64;
    v.push((
        "dir_entry_outside_file.rvf",
        remanifest(&b, |m| m.directory[0].offset = len + 4096),
    ));
    v.push((
        "dir_entry_inside_segment.rvf",
        remanifest(&base(), |m| m.directory[1].offset = 128),
    ));
    v.push((
        "overlapping_segments.rvf",
        remanifest(&base(), |m| {
            // The same segment listed twice (ids may repeat; ranges may not overlap).
            let d = m.directory[0];
            m.directory.push(d);
        }),
    ));
    // The only manifest claims more entries than its payload holds.
    let mut bad_m = vec![0u8; 22 + 25];
    bad_m[14..18].copy_from_slice(&1000u32.to_le_bytes());
    let mut b = encode_segment(0x31, 1, &[1; 10], 2, 0);
    let off = b.len() as u64;
    b.extend(encode_segment(0x05, 2, &bad_m, 2, off));
    v.push(("manifest_seg_count_exceeds_payload.rvf", b));
    // A manifest planted inside a payload, the real (last) one corrupted:
    // the reader falls back to the plant, and verify says it is not a segment.
    // The plant sits 64 bytes into the carrier's payload, so it is 64-aligned
    // in the file (where an aligned tail scan looks); it lists the sparse
    // segment like the real manifest does.
    let (_, m) = file(&[(seg::SPARSE, small_sparse())]);
    let mut carrier_payload = vec![0u8; 64];
    let fake = encode_segment(0x05, 7, &m.encode(), 2, 0);
    carrier_payload.extend(&fake);
    let (mut b, _) = file(&[(seg::SPARSE, small_sparse()), (0x31, carrier_payload)]);
    let last = RvfFile::parse(&b).unwrap().manifest().offset as usize;
    b[last + 64 + 2] ^= 0xFF; // corrupt the real manifest's payload
    v.push(("fake_manifest_in_payload.rvf", b));
    // alignment_pad inconsistent with the layout.
    let mut b = base();
    edit_header(&mut b, 0, |h| h.alignment_pad = 5);
    v.push(("alignment_pad_inconsistent.rvf", b));
    let mut b = base();
    b[0] = b'X';
    v.push(("bad_magic.rvf", b));
    let mut b = base();
    b[4] = 2;
    v.push(("bad_version.rvf", b));
    v.push((
        "unknown_segment_type.rvf",
        file(&[(0x77, vec![1, 2, 3, 4]), (seg::SPARSE, small_sparse())]).0,
    ));
    let mut b = base();
    edit_header(&mut b, 0, |h| h.content_hash = [0; 16]);
    v.push(("zero_content_hash.rvf", b));
    // Sparse: arrays exceed the payload (nnz 5 → 500).
    let mut b = file(&[(seg::SPARSE, small_sparse())]).0;
    patch_payload(&mut b, 0, 0x18, &500u64.to_le_bytes());
    v.push(("sparse_arrays_exceed_payload.rvf", b));
    // row_ptr = [0, 2, 1, 5]: not monotone.
    let mut b = file(&[(seg::SPARSE, small_sparse())]).0;
    patch_payload(&mut b, 0, 64 + 8, &1u32.to_le_bytes());
    v.push(("sparse_row_ptr_not_monotone.rvf", b));
    // A column index ≥ n.
    let mut b = file(&[(seg::SPARSE, small_sparse())]).0;
    patch_payload(&mut b, 0, 128, &3u32.to_le_bytes());
    v.push(("sparse_col_out_of_range.rvf", b));
    let mut b = file(&[(seg::SPARSE, small_sparse())]).0;
    patch_payload(&mut b, 0, 192, &f64::NAN.to_le_bytes());
    v.push(("sparse_nan_value.rvf", b));
    let mut b = file(&[(seg::SPARSE, small_sparse())]).0;
    patch_payload(&mut b, 0, 200, &f64::INFINITY.to_le_bytes());
    v.push(("sparse_inf_value.rvf", b));
    // WasmHeader bytecode_size disagrees with payload_length.
    let code = wat::parse_str("(module)").unwrap();
    let (_, _, wp) =
        rvf_pack::payload::wasm_payload(std::path::Path::new("m"), &code, &Default::default())
            .unwrap();
    let mut b = file(&[(seg::WASM, wp)]).0;
    patch_payload(&mut b, 0, 0x0C, &1000u32.to_le_bytes());
    v.push(("wasm_bytecode_size_mismatch.rvf", b));
    v
}

#[test]
#[ignore = "generator: rewrites tests/corpus/ (run with --ignored regenerate)"]
fn regenerate() {
    let dir = corpus_dir();
    for (name, bytes) in build_cases() {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

fn verdict_has(bytes: &[u8], pred: impl Fn(&Finding) -> bool) -> bool {
    let f = RvfFile::parse(bytes).unwrap();
    let v = verify_file(&f);
    assert!(!v.ok() || v.segments.iter().any(|s| s.findings.iter().any(&pred)));
    v.segments.iter().any(|s| s.findings.iter().any(&pred))
}

#[test]
fn corpus_cases_give_their_typed_errors() {
    let dir = corpus_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rvf"))
        .collect();
    names.sort();
    let generated: Vec<&str> = build_cases().iter().map(|c| c.0).collect();
    assert_eq!(
        names.len(),
        generated.len(),
        "corpus and generator disagree: regenerate"
    );
    for name in &names {
        let b = std::fs::read(dir.join(name)).unwrap();
        // No input may panic the reader, the walk or the verifier.
        let (end, _) = container::body_end(&b);
        let _ = container::walk(&b, end, container::detect_dialect(&b, end));
        let parsed = RvfFile::parse(&b);
        if let Ok(f) = &parsed {
            let _ = verify_file(f);
        }
        match name.as_str() {
            "payload_past_eof.rvf" => {
                assert!(
                    matches!(parsed, Err(Error::ManifestNotFound { .. })),
                    "{parsed:?}"
                );
                let w = container::walk(&b, b.len() as u64, Dialect::Aligned);
                assert!(
                    matches!(w.stopped, Some(Error::PayloadPastEof { offset: 0, .. })),
                    "{name}"
                );
            }
            "dir_payload_past_eof.rvf" | "count_u64_max.rvf" => {
                assert!(
                    matches!(
                        parsed,
                        Err(Error::DirectoryEntryOutOfBounds { index: 1, .. })
                    ),
                    "{name}: {parsed:?}"
                )
            }
            "offset_length_wraps.rvf" | "dir_entry_outside_file.rvf" => {
                assert!(
                    matches!(
                        parsed,
                        Err(Error::DirectoryEntryOutOfBounds { index: 0, .. })
                    ),
                    "{name}: {parsed:?}"
                )
            }
            "vec_dim_count_overflow.rvf" => assert!(verdict_has(&b, |f| matches!(
                f,
                Finding::Payload(Error::BadPayload {
                    kind: PayloadKind::Vectors,
                    ..
                })
            ))),
            "sparse_nnz_u64_max.rvf" => assert!(verdict_has(&b, |f| matches!(
                f,
                Finding::Payload(Error::CountOverflow {
                    kind: PayloadKind::Sparse,
                    ..
                })
            ))),
            "dir_entry_inside_segment.rvf" => {
                assert!(
                    matches!(
                        parsed,
                        Err(Error::DirectoryEntryMismatch {
                            index: 1,
                            offset: 128,
                            ..
                        })
                    ),
                    "{parsed:?}"
                )
            }
            "overlapping_segments.rvf" => assert!(
                matches!(parsed, Err(Error::OverlappingSegments { .. })),
                "{parsed:?}"
            ),
            "manifest_seg_count_exceeds_payload.rvf" => {
                // The one candidate is rejected, and the error says why.
                assert!(
                    matches!(
                        parsed,
                        Err(Error::ManifestNotFound {
                            rejected: 1,
                            newest: Some(loader::ManifestRejection {
                                fault: loader::ManifestFault::Payload(
                                    loader::manifest::ManifestError::DirectoryCount { .. }
                                ),
                                ..
                            })
                        })
                    ),
                    "{parsed:?}"
                );
                let w = container::walk(&b, b.len() as u64, Dialect::Aligned);
                assert_eq!(w.segments.len(), 2, "the walk still lists both segments");
            }
            "fake_manifest_in_payload.rvf" => {
                let f = parsed.unwrap();
                assert_eq!(
                    f.manifest().rejected_newer,
                    1,
                    "the corrupted real manifest was rejected"
                );
                let v = verify_file(&f);
                assert!(
                    !v.manifest_on_chain && !v.ok(),
                    "verify flags the planted manifest"
                );
            }
            "alignment_pad_inconsistent.rvf" => {
                assert!(verdict_has(&b, |f| matches!(
                    f,
                    Finding::BadPad { found: 5, .. }
                )))
            }
            "bad_magic.rvf" | "bad_version.rvf" => {
                assert!(
                    matches!(
                        parsed,
                        Err(Error::DirectoryEntryMismatch {
                            index: 0,
                            offset: 0,
                            ..
                        })
                    ),
                    "{parsed:?}"
                );
                let e = header::decode_at(&b, 0).unwrap_err();
                assert!(
                    matches!(
                        e,
                        Error::BadMagic { .. } | Error::BadVersion { found: 2, .. }
                    ),
                    "{e:?}"
                );
            }
            "unknown_segment_type.rvf" => {
                let f = parsed.unwrap();
                assert_eq!(f.directory()[0].seg_type, 0x77);
                assert_eq!(
                    rvf_spec::format::segment_type_name(0x77).to_string(),
                    "UNKNOWN"
                );
                assert!(verify_file(&f).ok(), "unknown types are tolerated");
                // ... and preserved by an append.
                let d = tempfile::tempdir().unwrap();
                let p = d.path().join("u.rvf");
                std::fs::write(&p, &b).unwrap();
                rvf_pack::writer::append(
                    &p,
                    &[SegmentSpec {
                        seg_type: 0x31,
                        payload: vec![1].into(),
                    }],
                    None,
                )
                .unwrap();
                let nb = std::fs::read(&p).unwrap();
                let nf = RvfFile::parse(&nb).unwrap();
                assert_eq!(nf.segment(0).unwrap().payload, &[1, 2, 3, 4]);
                assert_eq!(nf.segment(0).unwrap().header.seg_type, 0x77);
            }
            "zero_content_hash.rvf" => {
                let f = parsed.unwrap();
                let s = f.segment(0).unwrap();
                assert_eq!(s.hash_status(), loader::hash::HashStatus::NotSet);
                let v = verify_file(&f);
                assert!(v.segments[0].findings.contains(&Finding::HashNotSet));
                assert!(!v.segments[0]
                    .findings
                    .iter()
                    .any(|f| matches!(f, Finding::HashVerified(_))));
            }
            "sparse_arrays_exceed_payload.rvf" => assert!(verdict_has(&b, |f| matches!(
                f,
                Finding::Payload(Error::BadPayload { kind: PayloadKind::Sparse, what }) if what.contains("length")
            ))),
            "sparse_row_ptr_not_monotone.rvf" => assert!(verdict_has(&b, |f| matches!(
                f,
                Finding::Payload(Error::BadPayload {
                    what: "row_ptr is not monotone",
                    ..
                })
            ))),
            "sparse_col_out_of_range.rvf" => assert!(verdict_has(&b, |f| matches!(
                f,
                Finding::Payload(Error::BadPayload {
                    what: "column index out of range",
                    ..
                })
            ))),
            "sparse_nan_value.rvf" | "sparse_inf_value.rvf" => {
                assert!(verdict_has(&b, |f| matches!(
                    f,
                    Finding::Payload(Error::BadPayload {
                        what: "non-finite value",
                        ..
                    })
                )))
            }
            "wasm_bytecode_size_mismatch.rvf" => assert!(verdict_has(&b, |f| matches!(
                f,
                Finding::Payload(Error::BadPayload { kind: PayloadKind::Wasm, what }) if what.contains("bytecode_size")
            ))),
            other => panic!("corpus file {other} has no expectation"),
        }
    }
}

/// A sample truncated at every 64-byte boundary: never a panic; every cut
/// before the manifest's end either fails cleanly or (once an older
/// manifest is whole) opens that older state.
#[test]
fn truncation_at_every_64_byte_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.rvf");
    let (g, _) = rvf_pack::inputs::mtx::read(&common::sample("karate.mtx")).unwrap();
    rvf_pack::writer::create(
        &p,
        &[SegmentSpec {
            seg_type: seg::SPARSE,
            payload: g.encode_segment(None, true).unwrap().into(),
        }],
        Default::default(),
    )
    .unwrap();
    rvf_pack::writer::append(
        &p,
        &[SegmentSpec {
            seg_type: 0x31,
            payload: vec![5; 300].into(),
        }],
        None,
    )
    .unwrap();
    let b = std::fs::read(&p).unwrap();
    let full = RvfFile::parse(&b).unwrap();
    let first_manifest = full
        .directory()
        .iter()
        .find(|e| e.seg_type == 0x05)
        .unwrap()
        .offset;
    let (mut errors, mut older) = (0, 0);
    for cut in (0..b.len()).step_by(64) {
        match RvfFile::parse(&b[..cut]) {
            Err(_) => errors += 1,
            Ok(f) => {
                assert_eq!(
                    f.manifest().offset,
                    first_manifest,
                    "cut {cut}: only the older manifest can be whole"
                );
                assert!(verify_file(&f).segments.iter().all(|s| s.ok()), "cut {cut}");
                older += 1;
            }
        }
    }
    assert!(errors > 0 && older > 0, "{errors} {older}");
}
