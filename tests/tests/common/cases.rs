//! The conformance set's cases: how each file is built, and what every
//! host must conclude from it, stated by hand next to the construction
//! (never computed by the loader or the hosts under test). Run digests
//! come from the native kernel over the same arrays, outside any host.
//!
//! `tests/conformance/cases.json` is written from these by
//! `cargo test -p rvf-tests --test conformance -- --ignored regenerate`;
//! a test fails when the committed files differ from what this builds.

use super::solve::{kernel, native, pairs};
use loader::hash::{algo, shake256};
use rvf_pack::payload::{wasm_payload, SolverOptions};
use rvf_pack::signing::{SegmentSigner, Which};
use rvf_pack::sparse::Csr;
use rvf_pack::writer::{self, FileSummary, SegmentSpec};
use rvf_spec::abi::{self, Method, Params};
use rvf_spec::format::{role_from_name, seg, target_from_name};
use rvf_spec::hex;
use serde_json::{json, Value};
use std::path::Path;

/// What a host must conclude about one file.
pub struct Case {
    pub file: String,
    pub what: &'static str,
    /// The file's bytes (`None`: an existing file, e.g. the malformed corpus).
    pub bytes: Option<Vec<u8>>,
    /// `Ok(())` or the loader error class (`Error::class`).
    pub parse: Result<(), &'static str>,
    /// Content-hash status class of each directory segment, in order.
    pub hashes: Vec<&'static str>,
    pub selections: Vec<Selection>,
    pub runs: Vec<Run>,
}

/// `select --explain` under a host-feature mask (and, when `trust` names
/// keys of [`keys`], under that trust policy): every WASM candidate's
/// verdict class.
pub struct Selection {
    pub host: &'static str,
    pub trust: Vec<&'static str>,
    pub verdicts: Vec<(usize, &'static str)>,
}

/// A run and its outcome.
pub struct Run {
    pub method: Method,
    pub host: &'static str,
    /// Options in `rvf-pack run` terms (source, target, epsilon, walks, seed,
    /// k, query_index, data, segment, verify_data, allow_unhashed; trust: key
    /// names of [`keys`], trust_code_only).
    pub options: Vec<(&'static str, Value)>,
    pub expect: Expect,
}

pub enum Expect {
    /// The run finished: solver status and SHAKE-256 digest of the result bytes.
    Finished { status: i32, digest: String },
    /// The run was refused before or while running: the exit code's name.
    Refused(&'static str),
}

impl Case {
    pub fn to_json(&self) -> Value {
        json!({
            "file": self.file,
            "what": self.what,
            "parse": match self.parse { Ok(()) => json!("ok"), Err(c) => json!({"error": c}) },
            "hashes": self.hashes,
            "selections": self.selections.iter().map(|s| {
                let mut j = json!({
                    "host": s.host,
                    "verdicts": s.verdicts.iter().map(|(i, v)| json!({"segment": i, "verdict": v})).collect::<Vec<_>>(),
                });
                if !s.trust.is_empty() {
                    j["trust"] = json!(s.trust);
                }
                j
            }).collect::<Vec<_>>(),
            "runs": self.runs.iter().map(|r| json!({
                "method": r.method.name(),
                "host": r.host,
                "options": r.options.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<serde_json::Map<_, _>>(),
                "expect": match &r.expect {
                    Expect::Finished { status, digest } => json!({"status": status, "output_digest": digest}),
                    Expect::Refused(exit) => json!({"refused": exit}),
                },
            })).collect::<Vec<_>>(),
        })
    }
}

const ALL: &str = "simd,bulk-memory";
const NONE: &str = "none";

/// A module speaking the ABI (the interpreter's test template), with `extra` items.
fn tiny(imports: &str, extra: &str) -> Vec<u8> {
    let text = include_str!("../../../interpreter/tests/abi_module.wat.in")
        .replace("{imports}", imports)
        .replace("{run}", "i32.const 0")
        .replace("{extra}", extra);
    wat::parse_str(text).unwrap()
}

fn tiny_simd() -> Vec<u8> {
    tiny(
        "",
        r#"(func (export "lane") (result i32) v128.const i64x2 7 0 i32x4.extract_lane 0)"#,
    )
}

fn wasm(code: &[u8], o: SolverOptions) -> SegmentSpec {
    SegmentSpec {
        seg_type: seg::WASM,
        payload: wasm_payload(Path::new("m.wasm"), code, &o)
            .unwrap()
            .2
            .into(),
    }
}

/// A WASM segment whose header says what the caller wants (hashes right).
fn wasm_with(code: &[u8], edit: impl FnOnce(&mut rvf_spec::format::WasmHeader)) -> SegmentSpec {
    let (mut h, _, _) = wasm_payload(Path::new("m.wasm"), code, &Default::default()).unwrap();
    edit(&mut h);
    let mut p = h.to_bytes().to_vec();
    p.extend_from_slice(code);
    SegmentSpec {
        seg_type: seg::WASM,
        payload: p.into(),
    }
}

fn karate() -> Csr {
    rvf_pack::inputs::mtx::read(&super::sample("karate.mtx"))
        .unwrap()
        .0
}

fn sparse(a: &Csr, transpose: bool) -> SegmentSpec {
    SegmentSpec {
        seg_type: seg::SPARSE,
        payload: a.encode_segment(None, transpose).unwrap().into(),
    }
}

fn build(segs: &[SegmentSpec], algo: u8) -> Vec<u8> {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.rvf");
    writer::create_with(&p, segs, FileSummary::default(), algo).unwrap();
    std::fs::read(p).unwrap()
}

/// Payload offset of directory entry `i`.
fn payload_at(bytes: &[u8], i: usize) -> usize {
    let f = loader::RvfFile::parse(bytes).unwrap();
    f.directory()[i].offset as usize + 64
}

fn digest(out: &[u8]) -> String {
    hex::encode(&shake256::<32>(out))
}

/// The native kernel's status and digest for `p` over sparse payload `payload`.
fn native_run(payload: &[u8], p: Params) -> Expect {
    let o = native(payload, &p);
    Expect::Finished {
        status: o.report.status,
        digest: digest(&o.output),
    }
}

fn params(m: Method) -> Params {
    Params {
        method: m.id(),
        ..Default::default()
    }
}

/// The graph runs every karate file must reproduce.
fn karate_runs(host: &'static str) -> Vec<Run> {
    let payload = karate().encode_segment(None, true).unwrap();
    let fwd = Params {
        source: 0,
        epsilon: 1e-6,
        ..params(Method::PprForward)
    };
    let bwd = Params {
        target: 33,
        epsilon: 1e-6,
        ..params(Method::PprBackward)
    };
    let walk = Params {
        source: 0,
        target: 33,
        num_walks: 1000,
        seed: 7,
        ..params(Method::WalkEstimate)
    };
    vec![
        Run {
            method: Method::PprForward,
            host,
            options: vec![("source", json!(0)), ("epsilon", json!(1e-6))],
            expect: native_run(&payload, fwd),
        },
        Run {
            method: Method::PprBackward,
            host,
            options: vec![("target", json!(33)), ("epsilon", json!(1e-6))],
            expect: native_run(&payload, bwd),
        },
        Run {
            method: Method::WalkEstimate,
            host,
            options: vec![
                ("source", json!(0)),
                ("target", json!(33)),
                ("walks", json!(1000)),
                ("seed", json!(7)),
            ],
            expect: native_run(&payload, walk),
        },
    ]
}

fn karate_file(algo: u8) -> Vec<u8> {
    build(
        &[
            sparse(&karate(), true),
            wasm(&kernel("baseline"), Default::default()),
            wasm(&kernel("simd"), Default::default()),
        ],
        algo,
    )
}

/// A karate graph with a tiny baseline module and a tiny SIMD module.
fn tiny_pair() -> Vec<SegmentSpec> {
    vec![
        sparse(&karate(), true),
        wasm(&tiny("", ""), Default::default()),
        wasm(&tiny_simd(), Default::default()),
    ]
}

fn sel(host: &'static str, verdicts: &[(usize, &'static str)]) -> Selection {
    Selection {
        host,
        trust: Vec::new(),
        verdicts: verdicts.to_vec(),
    }
}

/// A selection under a trust policy of the named keys.
fn sel_trusting(
    trust: &[&'static str],
    host: &'static str,
    verdicts: &[(usize, &'static str)],
) -> Selection {
    Selection {
        trust: trust.to_vec(),
        ..sel(host, verdicts)
    }
}

fn case(file: &str, what: &'static str, bytes: Vec<u8>) -> Case {
    Case {
        file: file.into(),
        what,
        bytes: Some(bytes),
        parse: Ok(()),
        hashes: Vec::new(),
        selections: Vec::new(),
        runs: Vec::new(),
    }
}

/// Every case of the set.
pub fn all() -> Vec<Case> {
    let mut v = Vec::new();
    let v3 = ["verified"; 3].to_vec();

    let mut c = case(
        "karate-shake.rvf",
        "karate graph with its transpose and both real kernels, SHAKE-256 hashes",
        karate_file(algo::SHAKE256_128),
    );
    c.hashes = v3.clone();
    c.selections = vec![
        sel(ALL, &[(1, "eligible"), (2, "selected")]),
        sel(NONE, &[(1, "selected"), (2, "rejected:features")]),
    ];
    c.runs = karate_runs(ALL);
    c.runs.extend(karate_runs(NONE));
    c.runs.push(Run {
        method: Method::PprForward,
        host: ALL,
        options: vec![("segment", json!(0))],
        expect: Expect::Refused("refused"),
    });
    c.runs.push(Run {
        method: Method::Knn,
        host: ALL,
        options: vec![("query", json!([1.0, 2.0]))],
        expect: Expect::Finished {
            status: abi::status::MISSING_DATA,
            digest: digest(&[]),
        },
    });
    v.push(c);

    let mut c = case(
        "karate-xxh3.rvf",
        "the same file with XXH3-128 content hashes",
        karate_file(algo::XXH3_128),
    );
    c.hashes = v3.clone();
    c.selections = vec![sel(ALL, &[(1, "eligible"), (2, "selected")])];
    c.runs = karate_runs(NONE);
    v.push(c);

    // One byte of the SIMD module's bytecode changed, hashes left as they were.
    let mut b = build(&tiny_pair(), algo::SHAKE256_128);
    let at = payload_at(&b, 2) + 64 + 20;
    b[at] ^= 0x01;
    let mut c = case(
        "tampered.rvf",
        "a bytecode byte of the SIMD module flipped; hashes unchanged",
        b,
    );
    c.hashes = vec!["verified", "verified", "mismatch"];
    c.selections = vec![sel(ALL, &[(1, "selected"), (2, "rejected:segment_hash")])];
    v.push(c);

    // The same change with the segment's content hash recomputed (the
    // bytecode hash in the WasmHeader still names the original code).
    let mut b = build(&tiny_pair(), algo::SHAKE256_128);
    let p0 = payload_at(&b, 2);
    let len = loader::RvfFile::parse(&b).unwrap().directory()[2].payload_length as usize;
    b[p0 + 64 + 20] ^= 0x01;
    let h = shake256::<16>(&b[p0..p0 + len]);
    b[p0 - 64 + 0x28..p0 - 64 + 0x38].copy_from_slice(&h);
    let mut c = case("tampered-rehashed.rvf", "a bytecode byte flipped and the segment hash recomputed: the bytecode hash still refuses it", b);
    c.hashes = v3.clone();
    c.selections = vec![sel(ALL, &[(1, "selected"), (2, "rejected:bytecode_hash")])];
    v.push(c);

    let b = build(
        &[
            sparse(&karate(), true),
            wasm_with(&tiny_simd(), |h| h.required_features = 0),
        ],
        algo::SHAKE256_128,
    );
    let mut c = case(
        "under-declared.rvf",
        "a module using SIMD whose header declares no features (hashes right)",
        b,
    );
    c.hashes = ["verified"; 2].to_vec();
    c.selections = vec![
        sel(ALL, &[(1, "rejected:module_invalid")]),
        sel(NONE, &[(1, "rejected:module_invalid")]),
    ];
    c.runs.push(Run {
        method: Method::PprForward,
        host: ALL,
        options: vec![],
        expect: Expect::Refused("no_solver"),
    });
    v.push(c);

    let modules: [(&str, &'static str, Vec<u8>, &'static str); 4] = [
        (
            "import-signature.rvf",
            "a module importing rvf.read with the wrong signature",
            tiny(
                r#"(import "rvf" "read" (func (param i32) (result i32)))"#,
                "",
            ),
            "rejected:module_import",
        ),
        (
            "foreign-import.rvf",
            "a module importing a function outside the rvf ABI",
            tiny(r#"(import "env" "log" (func (param i32)))"#, ""),
            "rejected:module_import",
        ),
        (
            "missing-export.rvf",
            "a module without rvf_result_len",
            wat::parse_str(
                include_str!("../../../interpreter/tests/abi_module.wat.in")
                    .replace("{imports}", "")
                    .replace("{run}", "i32.const 0")
                    .replace("{extra}", "")
                    .replace(r#"(export "rvf_result_len")"#, ""),
            )
            .unwrap(),
            "rejected:module_export",
        ),
        (
            "abi-major.rvf",
            "a module that reports solver ABI 2.0",
            wat::parse_str(
                include_str!("../../../interpreter/tests/abi_module.wat.in")
                    .replace("{imports}", "")
                    .replace("{run}", "i32.const 0")
                    .replace("{extra}", "")
                    .replace("i32.const 0x10000)", "i32.const 0x20000)"),
            )
            .unwrap(),
            "rejected:module_abi",
        ),
    ];
    for (name, what, code, verdict) in modules {
        let b = build(
            &[sparse(&karate(), true), wasm(&code, Default::default())],
            algo::SHAKE256_128,
        );
        let mut c = case(name, what, b);
        c.hashes = ["verified"; 2].to_vec();
        c.selections = vec![sel(ALL, &[(1, verdict)])];
        v.push(c);
    }

    let b = build(
        &[
            wasm(
                &tiny("", ""),
                SolverOptions {
                    role: role_from_name("interpreter").unwrap(),
                    ..Default::default()
                },
            ),
            wasm(
                &tiny("", ""),
                SolverOptions {
                    target: target_from_name("wasi-p1").unwrap(),
                    ..Default::default()
                },
            ),
            wasm(&tiny("", ""), Default::default()),
        ],
        algo::SHAKE256_128,
    );
    let mut c = case(
        "role-target.rvf",
        "an interpreter-role module, a WASI-target module and a runnable one",
        b,
    );
    c.hashes = v3.clone();
    c.selections = vec![sel(
        ALL,
        &[
            (0, "rejected:role"),
            (1, "rejected:target"),
            (2, "selected"),
        ],
    )];
    c.runs.push(Run {
        method: Method::Cg,
        host: ALL,
        options: vec![],
        expect: Expect::Finished {
            status: 0,
            digest: digest(&[]),
        },
    });
    v.push(c);

    // The data segment's hash zeroed (unset): shown as such, never verified.
    let mut b = build(
        &[
            sparse(&karate(), true),
            wasm(&tiny("", ""), Default::default()),
        ],
        algo::SHAKE256_128,
    );
    let h0 = payload_at(&b, 0) - 64;
    b[h0 + 0x28..h0 + 0x38].fill(0);
    let mut c = case(
        "unset-hash.rvf",
        "a data segment whose content hash is unset (all zero)",
        b,
    );
    c.hashes = vec!["not_set", "verified"];
    c.selections = vec![sel(ALL, &[(1, "selected")])];
    c.runs = vec![
        Run {
            method: Method::Cg,
            host: ALL,
            options: vec![("verify_data", json!(true))],
            expect: Expect::Refused("unhashed"),
        },
        Run {
            method: Method::Cg,
            host: ALL,
            options: vec![
                ("verify_data", json!(true)),
                ("allow_unhashed", json!(true)),
            ],
            expect: Expect::Finished {
                status: 0,
                digest: digest(&[]),
            },
        },
    ];
    v.push(c);

    v.extend(data_cases());
    v.extend(signed_cases());
    v.extend(compressed_cases());
    v.extend(corpus_cases());
    v
}

/// A WASM segment storing `stored` (already compressed, or not) under a
/// header whose sizes and compression the caller sets; the bytecode hash
/// is SHAKE-256 of `module`.
fn wasm_stored(
    module: &[u8],
    stored: &[u8],
    edit: impl FnOnce(&mut rvf_spec::format::WasmHeader),
) -> SegmentSpec {
    let (mut h, _, _) = wasm_payload(Path::new("m.wasm"), module, &Default::default()).unwrap();
    edit(&mut h);
    let mut p = h.to_bytes().to_vec();
    p.extend_from_slice(stored);
    SegmentSpec {
        seg_type: seg::WASM,
        payload: p.into(),
    }
}

/// Compressed WASM segments: the same runs as uncompressed, and the lies a
/// compressed header can tell.
fn compressed_cases() -> Vec<Case> {
    let mut v = Vec::new();
    let payload = karate().encode_segment(None, true).unwrap();
    let fwd = Params {
        source: 0,
        epsilon: 1e-6,
        ..params(Method::PprForward)
    };
    let base = kernel("baseline");
    for (name, c) in [("lz4", 1u8), ("zstd", 2u8)] {
        let o = SolverOptions {
            compression: c,
            ..Default::default()
        };
        let b = build(
            &[
                sparse(&karate(), true),
                wasm(&base, o.clone()),
                wasm(&kernel("simd"), o),
            ],
            algo::SHAKE256_128,
        );
        let mut k = case(
            &format!("compressed-{name}.rvf"),
            if c == 1 {
                "both kernels stored LZ4-compressed (block format)"
            } else {
                "both kernels stored ZSTD-compressed (frame format)"
            },
            b,
        );
        k.hashes = ["verified"; 3].to_vec();
        k.selections = vec![
            sel(ALL, &[(1, "eligible"), (2, "selected")]),
            sel(NONE, &[(1, "selected"), (2, "rejected:features")]),
        ];
        k.runs = vec![
            Run {
                method: Method::PprForward,
                host: ALL,
                options: vec![("source", json!(0)), ("epsilon", json!(1e-6))],
                expect: native_run(&payload, fwd),
            },
            Run {
                method: Method::PprForward,
                host: NONE,
                options: vec![("source", json!(0)), ("epsilon", json!(1e-6))],
                expect: native_run(&payload, fwd),
            },
        ];
        v.push(k);
    }

    // The lies: each segment's hashes are right for what it stores.
    let zstd = rvf_pack::payload::compress(&base, 2).unwrap();
    let n = base.len() as u32;
    // A bomb: 64 MiB of zeros in a few KB, under a header claiming 4 KiB.
    let bomb = rvf_pack::payload::compress(&vec![0u8; 64 << 20], 2).unwrap();
    assert!(bomb.len() < 8 << 10);
    let mut garbage = zstd.clone();
    let mid = garbage.len() / 2;
    garbage[mid..mid + 16].fill(0xA5);
    let b = build(
        &[
            sparse(&karate(), true),
            // 1: bytecode_size one byte short of the real size.
            wasm_stored(&base, &zstd, |h| {
                h.compression = 2;
                h.compressed_size = zstd.len() as u32;
                h.bytecode_size = n - 1;
            }),
            // 2: a bomb claiming 4 KiB.
            wasm_stored(&base, &bomb, |h| {
                h.compression = 2;
                h.compressed_size = bomb.len() as u32;
                h.bytecode_size = 4096;
            }),
            // 3: claims a module far above any host's module limit.
            wasm_stored(&base, &zstd, |h| {
                h.compression = 2;
                h.compressed_size = zstd.len() as u32;
                h.bytecode_size = u32::MAX;
            }),
            // 4: corrupt frame.
            wasm_stored(&base, &garbage, |h| {
                h.compression = 2;
                h.compressed_size = garbage.len() as u32;
            }),
            // 5: compressed_size disagrees with the payload.
            wasm_stored(&base, &zstd, |h| {
                h.compression = 2;
                h.compressed_size = zstd.len() as u32 + 1;
            }),
            // 6: an unknown compression.
            wasm_stored(&base, &zstd, |h| {
                h.compression = 3;
                h.compressed_size = zstd.len() as u32;
            }),
            // 7: the honest segment, last.
            wasm_stored(&base, &zstd, |h| {
                h.compression = 2;
                h.compressed_size = zstd.len() as u32;
            }),
        ],
        algo::SHAKE256_128,
    );
    let mut k = case(
        "compressed-lies.rvf",
        "compressed modules whose headers lie (short size, bomb, huge size, corrupt frame, size mismatch, unknown algorithm), then an honest one",
        b,
    );
    k.hashes = ["verified"; 8].to_vec();
    k.selections = vec![sel(
        NONE,
        &[
            (1, "rejected:malformed"),
            (2, "rejected:malformed"),
            (3, "rejected:module_invalid"),
            (4, "rejected:malformed"),
            (5, "rejected:malformed"),
            (6, "rejected:malformed"),
            (7, "selected"),
        ],
    )];
    k.runs = vec![Run {
        method: Method::PprForward,
        host: NONE,
        options: vec![("source", json!(0)), ("epsilon", json!(1e-6))],
        expect: native_run(&payload, fwd),
    }];
    v.push(k);
    v
}

/// The keys the signed cases use: name, Ed25519 seed (derived from the
/// name, so the set rebuilds byte for byte). Only public keys are written
/// to `cases.json`.
pub const KEY_NAMES: [&str; 2] = ["alice", "mallory"];

fn seed(name: &str) -> [u8; 32] {
    shake256::<32>(format!("rvf-boot conformance key {name}").as_bytes())
}

/// Name → public key (hex) of every key the cases may trust.
pub fn keys() -> Value {
    KEY_NAMES
        .iter()
        .map(|n| {
            let pk = ed25519_dalek::SigningKey::from_bytes(&seed(n)).verifying_key();
            (n.to_string(), json!(hex::encode(pk.as_bytes())))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn signer(name: &str, which: Which) -> SegmentSigner {
    SegmentSigner::new(&seed(name), which)
}

fn build_signed(segs: &[SegmentSpec], signer: &SegmentSigner) -> Vec<u8> {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.rvf");
    writer::create_signed(
        &p,
        segs,
        FileSummary::default(),
        algo::SHAKE256_128,
        Some(signer),
    )
    .unwrap();
    std::fs::read(p).unwrap()
}

fn append_to(bytes: &[u8], segs: &[SegmentSpec], signer: Option<&SegmentSigner>) -> Vec<u8> {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.rvf");
    std::fs::write(&p, bytes).unwrap();
    let lock = rvf_pack::lock::FileLock::acquire(&p, || {}).unwrap();
    writer::append_signed(&lock, segs, None, algo::SHAKE256_128, signer).unwrap();
    drop(lock);
    std::fs::read(p).unwrap()
}

/// Independent check of a construction: the published verifier
/// (`rvf-crypto` 0.3.0) accepts the footer of directory segment `i` under
/// `name`'s key (or, with `valid = false`, does not).
fn check_footer(bytes: &[u8], i: usize, name: &str, valid: bool) {
    let f = loader::RvfFile::parse(bytes).unwrap();
    let seg = f.segment(i).unwrap();
    let footer = rvf_crypto::decode_signature_footer(&bytes[seg.payload_end() as usize..]).unwrap();
    let h = seg.header;
    let key = ed25519_dalek::SigningKey::from_bytes(&seed(name)).verifying_key();
    assert_eq!(
        rvf_crypto::verify_segment(&h, seg.payload, &footer, &key),
        valid,
        "segment {i} under {name}"
    );
}

/// Where directory segment `i`'s footer starts.
fn footer_at(bytes: &[u8], i: usize) -> usize {
    let f = loader::RvfFile::parse(bytes).unwrap();
    f.segment(i).unwrap().payload_end() as usize
}

fn trusting(names: &[&str]) -> (&'static str, Value) {
    ("trust", json!(names))
}

/// Signed files and the trust policy (docs/SECURITY.md, "Trust policy").
fn signed_cases() -> Vec<Case> {
    let mut v = Vec::new();
    let payload = karate().encode_segment(None, true).unwrap();
    let fwd = Params {
        source: 0,
        epsilon: 1e-6,
        ..params(Method::PprForward)
    };
    let fwd_opts = || vec![("source", json!(0)), ("epsilon", json!(1e-6))];
    let ppr = |host, extra: Vec<(&'static str, Value)>, expect| {
        let mut options = fwd_opts();
        options.extend(extra);
        Run {
            method: Method::PprForward,
            host,
            options,
            expect,
        }
    };
    let alice_all = signer("alice", Which::All);

    // Everything signed by alice.
    let signed = build_signed(
        &[
            sparse(&karate(), true),
            wasm(&kernel("baseline"), Default::default()),
            wasm(&kernel("simd"), Default::default()),
        ],
        &alice_all,
    );
    for i in 0..3 {
        check_footer(&signed, i, "alice", true);
        check_footer(&signed, i, "mallory", false);
    }
    let mut c = case(
        "signed.rvf",
        "karate and both kernels, every segment signed by alice (rvf-crypto footers)",
        signed.clone(),
    );
    c.hashes = ["verified"; 3].to_vec();
    c.selections = vec![
        sel(ALL, &[(1, "eligible"), (2, "selected")]),
        sel_trusting(&["alice"], ALL, &[(1, "eligible"), (2, "selected")]),
        sel_trusting(
            &["mallory"],
            ALL,
            &[(1, "rejected:untrusted"), (2, "rejected:untrusted")],
        ),
        sel_trusting(
            &["mallory", "alice"],
            NONE,
            &[(1, "selected"), (2, "rejected:features")],
        ),
    ];
    c.runs = vec![
        ppr(ALL, vec![trusting(&["alice"])], native_run(&payload, fwd)),
        ppr(NONE, vec![trusting(&["alice"])], native_run(&payload, fwd)),
        ppr(
            ALL,
            vec![trusting(&["mallory"])],
            Expect::Refused("untrusted"),
        ),
        ppr(ALL, vec![], native_run(&payload, fwd)),
    ];
    v.push(c);

    // Alice's kernels at priority 1; then appended at priority 0 (so they
    // would rank first): a tiny SIMD module unsigned, and one mallory signed.
    let low = SolverOptions {
        priority: 1,
        ..Default::default()
    };
    let base = build_signed(
        &[
            sparse(&karate(), true),
            wasm(&kernel("baseline"), low.clone()),
            wasm(&kernel("simd"), low),
        ],
        &alice_all,
    );
    let tiny_mod = || [wasm(&tiny_simd(), Default::default())];
    let b = append_to(&base, &tiny_mod(), None);
    let b = append_to(&b, &tiny_mod(), Some(&signer("mallory", Which::Code)));
    // Directory: 0 matrix, 1-2 kernels, 3 old manifest, 4 unsigned module,
    // 5 old manifest, 6 mallory's module.
    check_footer(&b, 6, "mallory", true);
    let mut c = case(
        "signed-appended.rvf",
        "alice-signed kernels at priority 1, then an unsigned and a mallory-signed module appended at priority 0",
        b,
    );
    c.hashes = ["verified"; 7].to_vec();
    c.selections = vec![
        sel(
            ALL,
            &[
                (1, "eligible"),
                (2, "eligible"),
                (4, "selected"),
                (6, "eligible"),
            ],
        ),
        sel_trusting(
            &["alice"],
            ALL,
            &[
                (1, "eligible"),
                (2, "selected"),
                (4, "rejected:untrusted"),
                (6, "rejected:untrusted"),
            ],
        ),
        sel_trusting(
            &["alice", "mallory"],
            ALL,
            &[
                (1, "eligible"),
                (2, "eligible"),
                (4, "rejected:untrusted"),
                (6, "selected"),
            ],
        ),
        sel_trusting(
            &["mallory"],
            NONE,
            // Features are screened before signatures are checked.
            &[
                (1, "rejected:untrusted"),
                (2, "rejected:features"),
                (4, "rejected:features"),
                (6, "rejected:features"),
            ],
        ),
    ];
    c.runs = vec![
        ppr(ALL, vec![trusting(&["alice"])], native_run(&payload, fwd)),
        ppr(
            NONE,
            vec![trusting(&["mallory"])],
            Expect::Refused("untrusted"),
        ),
    ];
    v.push(c);

    // Code signed, data not: refused under a policy unless code-only.
    let b = build_signed(
        &[
            sparse(&karate(), true),
            wasm(&kernel("baseline"), Default::default()),
        ],
        &signer("alice", Which::Code),
    );
    let mut c = case(
        "signed-code-only.rvf",
        "the kernel signed by alice, the matrix unsigned",
        b,
    );
    c.hashes = ["verified"; 2].to_vec();
    c.selections = vec![sel_trusting(&["alice"], NONE, &[(1, "selected")])];
    c.runs = vec![
        ppr(
            NONE,
            vec![trusting(&["alice"])],
            Expect::Refused("untrusted"),
        ),
        ppr(
            NONE,
            vec![trusting(&["alice"]), ("trust_code_only", json!(true))],
            native_run(&payload, fwd),
        ),
        ppr(NONE, vec![], native_run(&payload, fwd)),
    ];
    v.push(c);

    // A byte of the signed SIMD module changed, bytecode hash and content
    // hash recomputed: every hash verifies, the signature does not.
    let mut b = build_signed(&tiny_pair(), &alice_all);
    let f = loader::RvfFile::parse(&b).unwrap();
    let (p0, len) = (payload_at(&b, 2), f.directory()[2].payload_length as usize);
    // The module stays valid: its v128 constant 7 becomes 6.
    let at = b[p0 + 64..p0 + len]
        .windows(3)
        .position(|w| w == [0xFD, 0x0C, 0x07])
        .unwrap();
    b[p0 + 64 + at + 2] ^= 0x01;
    let bh = shake256::<32>(&b[p0 + 64..p0 + len]);
    b[p0 + 0x18..p0 + 0x38].copy_from_slice(&bh);
    let h = shake256::<16>(&b[p0..p0 + len]);
    b[p0 - 64 + 0x28..p0 - 64 + 0x38].copy_from_slice(&h);
    check_footer(&b, 2, "alice", false);
    let mut c = case(
        "signed-tampered-rehashed.rvf",
        "a byte of an alice-signed module flipped, bytecode and content hashes recomputed",
        b,
    );
    c.hashes = ["verified"; 3].to_vec();
    c.selections = vec![
        sel(ALL, &[(1, "eligible"), (2, "selected")]),
        sel_trusting(
            &["alice"],
            ALL,
            &[(1, "selected"), (2, "rejected:untrusted")],
        ),
    ];
    v.push(c);

    // Signed vectors: one coordinate changed and the hash recomputed.
    let rows = vectors(4, 5, 9);
    let mut b = build_signed(
        &[
            SegmentSpec {
                seg_type: seg::VEC,
                payload: vec_payload(&rows, 0).into(),
            },
            wasm(&kernel("baseline"), Default::default()),
        ],
        &alice_all,
    );
    let f = loader::RvfFile::parse(&b).unwrap();
    let (p0, len) = (payload_at(&b, 0), f.directory()[0].payload_length as usize);
    b[p0 + len - 1] ^= 0x01;
    let h = shake256::<16>(&b[p0..p0 + len]);
    b[p0 - 64 + 0x28..p0 - 64 + 0x38].copy_from_slice(&h);
    check_footer(&b, 0, "alice", false);
    check_footer(&b, 1, "alice", true);
    let mut c = case(
        "signed-data-rehashed.rvf",
        "alice-signed vectors with one coordinate changed and the content hash recomputed",
        b,
    );
    c.hashes = ["verified"; 2].to_vec();
    c.selections = vec![sel_trusting(&["alice"], NONE, &[(1, "selected")])];
    let knn = |extra: Vec<(&'static str, Value)>, expect| {
        let mut options = vec![("query_index", json!(2)), ("k", json!(2))];
        options.extend(extra);
        Run {
            method: Method::Knn,
            host: NONE,
            options,
            expect,
        }
    };
    c.runs = vec![
        knn(vec![trusting(&["alice"])], Expect::Refused("untrusted")),
        knn(
            vec![trusting(&["alice"]), ("verify_data", json!(true))],
            Expect::Refused("untrusted"),
        ),
    ];
    v.push(c);

    // Segment 2's footer copied over segment 1's: a signature by a trusted
    // key, but over another segment.
    let mut b = signed.clone();
    let (a1, a2) = (footer_at(&b, 1), footer_at(&b, 2));
    let other = b[a2..a2 + 72].to_vec();
    b[a1..a1 + 72].copy_from_slice(&other);
    check_footer(&b, 1, "alice", false);
    let mut c = case(
        "signed-footer-moved.rvf",
        "the SIMD module's footer copied onto the baseline module",
        b,
    );
    c.hashes = ["verified"; 3].to_vec();
    c.selections = vec![sel_trusting(
        &["alice"],
        NONE,
        &[(1, "rejected:untrusted"), (2, "rejected:features")],
    )];
    c.runs = vec![ppr(
        NONE,
        vec![trusting(&["alice"])],
        Expect::Refused("untrusted"),
    )];
    v.push(c);

    // The footer alice made for the same module in another file (there at
    // priority 3): not a signature over this segment.
    let elsewhere = build_signed(
        &[wasm(
            &kernel("baseline"),
            SolverOptions {
                priority: 3,
                ..Default::default()
            },
        )],
        &alice_all,
    );
    let mut b = signed.clone();
    let (a1, e0) = (footer_at(&b, 1), footer_at(&elsewhere, 0));
    b[a1..a1 + 72].copy_from_slice(&elsewhere[e0..e0 + 72]);
    check_footer(&b, 1, "alice", false);
    let mut c = case(
        "signed-other-file.rvf",
        "the baseline module's footer replaced by alice's footer from another file",
        b,
    );
    c.hashes = ["verified"; 3].to_vec();
    c.selections = vec![sel_trusting(
        &["alice"],
        NONE,
        &[(1, "rejected:untrusted"), (2, "rejected:features")],
    )];
    c.runs = vec![ppr(
        NONE,
        vec![trusting(&["alice"])],
        Expect::Refused("untrusted"),
    )];
    v.push(c);

    // A footer naming an algorithm no host implements.
    let mut b = signed.clone();
    let a1 = footer_at(&b, 1);
    b[a1] = 9;
    let mut c = case(
        "signed-bad-algorithm.rvf",
        "the baseline module's footer says sig_algo 9",
        b,
    );
    c.hashes = ["verified"; 3].to_vec();
    c.selections = vec![
        sel(
            NONE,
            &[(1, "rejected:bad_signature"), (2, "rejected:features")],
        ),
        sel_trusting(
            &["alice"],
            ALL,
            &[(1, "rejected:bad_signature"), (2, "selected")],
        ),
    ];
    v.push(c);
    v
}

fn vectors(dim: usize, n: usize, seed: u64) -> Vec<Vec<f32>> {
    let r = super::solve::lcg(seed, dim * n);
    r.chunks(dim)
        .map(|c| c.iter().map(|x| *x as f32).collect())
        .collect()
}

fn vec_payload(rows: &[Vec<f32>], first_id: u64) -> Vec<u8> {
    let dim = rows[0].len();
    let mut p = (dim as u16).to_le_bytes().to_vec();
    p.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    for (i, r) in rows.iter().enumerate() {
        p.extend_from_slice(&(first_id + i as u64).to_le_bytes());
        r.iter().for_each(|x| p.extend_from_slice(&x.to_le_bytes()));
    }
    p
}

/// Files with several data segments: how a run chooses among them.
fn data_cases() -> Vec<Case> {
    let mut v = Vec::new();
    let (a, b) = (vectors(4, 5, 3), vectors(4, 3, 4));
    let file = build(
        &[
            SegmentSpec {
                seg_type: seg::VEC,
                payload: vec_payload(&a, 0).into(),
            },
            wasm(&kernel("baseline"), Default::default()),
            SegmentSpec {
                seg_type: seg::VEC,
                payload: vec_payload(&b, 5).into(),
            },
        ],
        algo::SHAKE256_128,
    );
    // Independent truth: squared L2 over the concatenated set, by brute force.
    let all: Vec<&Vec<f32>> = a.iter().chain(&b).collect();
    let q = all[6].clone();
    let mut d: Vec<(u32, f64)> = all
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let s: f64 = x
                .iter()
                .zip(&q)
                .map(|(u, w)| (*u as f64 - *w as f64).powi(2))
                .sum();
            (i as u32, s)
        })
        .collect();
    d.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
    d.truncate(3);
    let mut out = Vec::new();
    for (i, s) in &d {
        out.extend_from_slice(&i.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&s.to_le_bytes());
    }
    assert_eq!(pairs(&out), d);
    let mut c = case(
        "two-vector-segments.rvf",
        "two VEC segments (5 and 3 vectors of dimension 4) form one vector set",
        file,
    );
    c.hashes = ["verified"; 3].to_vec();
    c.selections = vec![sel(NONE, &[(1, "selected")])];
    c.runs = vec![
        Run {
            method: Method::Knn,
            host: NONE,
            options: vec![("query_index", json!(6)), ("k", json!(3))],
            expect: Expect::Finished {
                status: 0,
                digest: digest(&out),
            },
        },
        Run {
            method: Method::Knn,
            host: NONE,
            options: vec![("query_index", json!(8)), ("k", json!(3))],
            expect: Expect::Refused("usage"),
        },
    ];
    v.push(c);

    // Two matrices: none is picked silently.
    let path = Csr::from_triplets(
        4,
        4,
        vec![(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 0, 1.0)],
    )
    .unwrap();
    let second = path.encode_segment(None, true).unwrap();
    let file = build(
        &[
            sparse(&karate(), true),
            wasm(&kernel("baseline"), Default::default()),
            SegmentSpec {
                seg_type: seg::SPARSE,
                payload: second.clone().into(),
            },
        ],
        algo::SHAKE256_128,
    );
    let fwd = Params {
        source: 1,
        epsilon: 1e-6,
        ..params(Method::PprForward)
    };
    let mut c = case(
        "two-matrices.rvf",
        "two SPARSE segments: a run names one with --data N",
        file,
    );
    c.hashes = ["verified"; 3].to_vec();
    c.runs = vec![
        Run {
            method: Method::PprForward,
            host: NONE,
            options: vec![("source", json!(1)), ("epsilon", json!(1e-6))],
            expect: Expect::Refused("usage"),
        },
        Run {
            method: Method::PprForward,
            host: NONE,
            options: vec![
                ("source", json!(1)),
                ("epsilon", json!(1e-6)),
                ("data", json!(2)),
            ],
            expect: native_run(&second, fwd),
        },
        Run {
            method: Method::PprForward,
            host: NONE,
            options: vec![("source", json!(1)), ("data", json!(1))],
            expect: Expect::Refused("usage"),
        },
    ];
    v.push(c);
    v
}

/// The malformed corpus: how each file parses.
fn corpus_cases() -> Vec<Case> {
    let parse: [(&str, Result<(), &'static str>); 22] = [
        ("alignment_pad_inconsistent", Ok(())),
        ("bad_magic", Err("directory_entry_mismatch")),
        ("bad_version", Err("directory_entry_mismatch")),
        ("count_u64_max", Err("directory_entry_out_of_bounds")),
        ("dir_entry_inside_segment", Err("directory_entry_mismatch")),
        (
            "dir_entry_outside_file",
            Err("directory_entry_out_of_bounds"),
        ),
        ("dir_payload_past_eof", Err("directory_entry_out_of_bounds")),
        ("fake_manifest_in_payload", Ok(())),
        (
            "manifest_seg_count_exceeds_payload",
            Err("manifest_not_found"),
        ),
        ("offset_length_wraps", Err("directory_entry_out_of_bounds")),
        ("overlapping_segments", Err("overlapping_segments")),
        ("payload_past_eof", Err("manifest_not_found")),
        ("sparse_arrays_exceed_payload", Ok(())),
        ("sparse_col_out_of_range", Ok(())),
        ("sparse_inf_value", Ok(())),
        ("sparse_nan_value", Ok(())),
        ("sparse_nnz_u64_max", Ok(())),
        ("sparse_row_ptr_not_monotone", Ok(())),
        ("unknown_segment_type", Ok(())),
        ("vec_dim_count_overflow", Ok(())),
        ("wasm_bytecode_size_mismatch", Ok(())),
        ("zero_content_hash", Ok(())),
    ];
    parse
        .into_iter()
        .map(|(name, p)| Case {
            file: format!("../corpus/{name}.rvf"),
            what: "malformed corpus",
            bytes: None,
            parse: p,
            hashes: Vec::new(),
            selections: Vec::new(),
            runs: Vec::new(),
        })
        .collect()
}
