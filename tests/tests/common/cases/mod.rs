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

mod compressed;
mod corpus;
mod data;
pub mod signed;

use compressed::compressed_cases;
use corpus::corpus_cases;
use data::data_cases;
use signed::signed_cases;

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
    let text = include_str!("../../../../interpreter/tests/abi_module.wat.in")
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
                include_str!("../../../../interpreter/tests/abi_module.wat.in")
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
                include_str!("../../../../interpreter/tests/abi_module.wat.in")
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
