//! The real `rvf-pack` binary: exit codes per failure class, JSON output,
//! clear input errors naming file and line, extract round trip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rvf-pack"))
}
fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples")
}
fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}
fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn baseline() -> Vec<u8> {
    wat::parse_str(
        r#"(module (memory (export "memory") 1) (func (export "f") (result i32) i32.const 1))"#,
    )
    .unwrap()
}
fn simd() -> Vec<u8> {
    wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "g") (param f64) (result f64) local.get 0 f64x2.splat f64x2.extract_lane 0))"#).unwrap()
}

#[test]
fn create_inspect_verify_extract() {
    for (checksum, algo) in [("shake256", 2), ("xxh3", 1)] {
        create_inspect_verify_extract_hashed(checksum, algo);
    }
}

fn create_inspect_verify_extract_hashed(checksum: &str, algo: u64) {
    let d = tempfile::tempdir().unwrap();
    let (b, sm) = (d.path().join("b.wasm"), d.path().join("s.wasm"));
    std::fs::write(&b, baseline()).unwrap();
    std::fs::write(&sm, simd()).unwrap();
    let out = d.path().join("k.rvf");
    let o = run(&[
        "create",
        "--force",
        s(&out),
        "--matrix",
        s(&samples().join("poisson16.mtx")),
        "--rhs",
        s(&samples().join("poisson16_rhs.txt")),
        "--with-transpose",
        "--vectors",
        s(&samples().join("points.fvecs")),
        "--solver",
        s(&b),
        "--solver",
        &format!("{},priority=0,features=simd", s(&sm)),
        "--meta",
        "dataset=poisson",
        "--checksum",
        checksum,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let o = run(&["inspect", s(&out), "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let segs = v["segments"].as_array().unwrap();
    let types: Vec<&str> = segs.iter().map(|s| s["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["VEC", "SPARSE", "WASM", "WASM", "META"]);
    assert_eq!(segs[0]["detail"]["count"], 200);
    assert_eq!(segs[0]["detail"]["dim"], 16);
    assert_eq!(segs[1]["detail"]["rows"], 256);
    assert_eq!(segs[1]["detail"]["nnz"], 1216);
    assert_eq!(segs[1]["detail"]["has_rhs"], true);
    assert_eq!(segs[2]["detail"]["required_features"], "none");
    assert_eq!(segs[3]["detail"]["required_features"], "simd");
    assert_eq!(
        segs[3]["detail"]["bytecode_hash_status"],
        "verified (SHAKE-256)"
    );
    assert_eq!(segs[4]["detail"]["entries"]["dataset"], "poisson");
    for s in segs {
        assert_eq!(s["hash_status"], "verified");
        assert_eq!(s["checksum_algo"], algo);
    }

    let o = run(&["verify", s(&out)]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    let x = d.path().join("x.wasm");
    let o = run(&["extract", s(&out), "--segment", "3", "-o", s(&x)]);
    assert!(o.status.success());
    assert_eq!(std::fs::read(&x).unwrap(), simd());
    wasmparser::Validator::new()
        .validate_all(&std::fs::read(&x).unwrap())
        .unwrap();

    // Tamper with one payload byte: verify exits 1 and names the segment.
    let mut bytes = std::fs::read(&out).unwrap();
    let off = segs[1]["offset"].as_u64().unwrap() as usize + 64 + 70;
    bytes[off] ^= 1;
    std::fs::write(&out, &bytes).unwrap();
    let o = run(&["verify", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("FAIL   1 SPARSE"), "{text}");
    // extract refuses a segment whose hash fails.
    let o = run(&["extract", s(&out), "--segment", "1", "-o", s(&x)]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn exit_codes_per_failure_class() {
    let d = tempfile::tempdir().unwrap();
    // 2: usage
    assert_eq!(run(&["create"]).status.code(), Some(2));
    // 3: bad input, with file and line in the message
    let bad = d.path().join("bad.mtx");
    std::fs::write(
        &bad,
        "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.0\n3 1 2.0\n",
    )
    .unwrap();
    let o = run(&["create", s(&d.path().join("o.rvf")), "--matrix", s(&bad)]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.mtx: line 4: index 3 outside 1..=2"),
        "{err}"
    );
    // 2: a solver set with no baseline variant (a usage decision)
    let sm = d.path().join("s.wasm");
    std::fs::write(&sm, simd()).unwrap();
    let o = run(&[
        "create",
        s(&d.path().join("o.rvf")),
        "--solver",
        s(&sm),
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no solver variant is baseline"));
    // ... unless the user insists.
    let o = run(&[
        "create",
        "--force",
        s(&d.path().join("o.rvf")),
        "--solver",
        s(&sm),
        "--allow-no-baseline",
    ]);
    assert_eq!(o.status.code(), Some(0));
    // 3: a header that would lie about features
    let b = d.path().join("b.wasm");
    std::fs::write(&b, baseline()).unwrap();
    let o = run(&[
        "create",
        "--force",
        s(&d.path().join("o.rvf")),
        "--solver",
        &format!("{},features=simd", s(&b)),
    ]);
    assert_eq!(o.status.code(), Some(3));
    // 4: not an RVF file
    let junk = d.path().join("junk.rvf");
    std::fs::write(&junk, vec![7u8; 1000]).unwrap();
    assert_eq!(run(&["inspect", s(&junk)]).status.code(), Some(4));
    assert_eq!(run(&["verify", s(&junk)]).status.code(), Some(4));
    // 5: I/O
    assert_eq!(
        run(&["inspect", s(&d.path().join("missing.rvf"))])
            .status
            .code(),
        Some(5)
    );
}

#[test]
fn create_is_atomic_on_failure() {
    // A failing create must leave an existing destination untouched.
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("keep.rvf");
    std::fs::write(&out, b"old contents").unwrap();
    let bad = d.path().join("bad.csv");
    std::fs::write(&bad, "1,2\n3,x\n").unwrap();
    let o = run(&["create", s(&out), "--vectors", s(&bad)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.csv: line 2: 'x' is not a number"));
    assert_eq!(std::fs::read(&out).unwrap(), b"old contents");
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn append_keeps_old_bytes() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("a.rvf");
    assert!(run(&[
        "create",
        s(&out),
        "--matrix",
        s(&samples().join("karate.mtx"))
    ])
    .status
    .success());
    let before = std::fs::read(&out).unwrap();
    let b = d.path().join("b.wasm");
    std::fs::write(&b, baseline()).unwrap();
    let o = run(&[
        "append",
        s(&out),
        "--solver",
        s(&b),
        "--checksum",
        "xxh3",
        "--force",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let after = std::fs::read(&out).unwrap();
    assert_eq!(&after[..before.len()], &before[..]);
    assert_eq!(run(&["verify", s(&out)]).status.code(), Some(0));
    // The old segments (matrix, first manifest) keep their SHAKE-256
    // hashes; the new solver carries XXH3.
    let o = run(&["inspect", s(&out), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let algos: Vec<u64> = v["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["checksum_algo"].as_u64().unwrap())
        .collect();
    assert_eq!(algos, [2, 2, 1]);
    let o = run(&[
        "append",
        s(&out),
        "--solver",
        s(&b),
        "--checksum",
        "crc",
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// A module speaking the solver ABI whose `rvf_run` body is `run`.
fn abi_module(imports: &str, run: &str, extra: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module {imports}
          (memory (export "memory") 1 4096)
          (data (i32.const 0) "\00\00\01\00")
          (func (export "rvf_abi_version") (result i32) i32.const 0x10000)
          (func (export "rvf_alloc") (param i32) (result i32) i32.const 1024)
          (func (export "rvf_set_params") (param i32 i32) (result i32) i32.const 0)
          (func (export "rvf_run") (result i32) {run})
          (func (export "rvf_result_ptr") (result i32) i32.const 0)
          (func (export "rvf_result_len") (result i32) i32.const 0)
          (func (export "rvf_report_ptr") (result i32) i32.const 0) {extra})"#
    ))
    .unwrap()
}

fn file_with_solver(dir: &Path, name: &str, module: &[u8]) -> PathBuf {
    let w = dir.join(format!("{name}.wasm"));
    std::fs::write(&w, module).unwrap();
    let out = dir.join(format!("{name}.rvf"));
    let o = run(&[
        "create",
        "--force",
        s(&out),
        "--matrix",
        s(&samples().join("karate.mtx")),
        "--solver",
        s(&w),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

#[test]
fn hostile_modules_get_distinct_exit_codes() {
    let d = tempfile::tempdir().unwrap();
    // (name, module, extra run args, exit code, message)
    type Case<'a> = (&'a str, Vec<u8>, &'a [&'a str], i32, &'a str);
    let cases: [Case; 5] = [
        ("loop", abi_module("", "(loop $l (br $l)) i32.const 0", ""), &["--fuel", "20000000"], 8, "out of fuel"),
        (
            "grow",
            abi_module("", "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) i32.const 0", ""),
            &["--max-memory", "32M"],
            9,
            "memory limit",
        ),
        (
            "recurse",
            abi_module("", "i32.const 0 call $r", "(func $r (param i32) (result i32) local.get 0 call $r)"),
            &[],
            10,
            "call stack exhausted",
        ),
        (
            "wasi",
            abi_module(r#"(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))"#, "i32.const 0", ""),
            &[],
            6,
            "imports wasi_snapshot_preview1.fd_write",
        ),
        ("forced-wasi", abi_module(r#"(import "env" "system" (func))"#, "i32.const 0", ""), &["--segment", "1"], 7, "imports env.system"),
    ];
    for (name, module, extra, code, msg) in cases {
        let f = file_with_solver(d.path(), name, &module);
        let mut args = vec!["run", s(&f), "ppr-forward"];
        args.extend_from_slice(extra);
        let o = run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(code), "{name}: {err}");
        assert!(err.contains(msg), "{name}: {err}");
    }
    // The same process-level tool still works on a good file afterwards.
    let good = file_with_solver(d.path(), "good", &abi_module("", "i32.const 0", ""));
    assert_eq!(
        run(&["run", s(&good), "ppr-forward"]).status.code(),
        Some(0)
    );
}

#[test]
fn host_feature_mask_switches_variant_with_identical_results() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("k.rvf");
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../microkernel/dist");
    let o = run(&[
        "create",
        "--force",
        s(&out),
        "--matrix",
        s(&samples().join("karate.mtx")),
        "--with-transpose",
        "--solver",
        s(&dist.join("solver-baseline.wasm")),
        "--solver",
        s(&dist.join("solver-simd.wasm")),
    ]);
    assert!(o.status.success());
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut a = vec![
            "run",
            s(&out),
            "ppr-backward",
            "--target",
            "33",
            "--epsilon",
            "1e-7",
            "--json",
        ];
        a.extend_from_slice(extra);
        let o = run(&a);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let all = json(&[]);
    let base = json(&["--host-features", "-simd"]);
    assert_eq!(all["segment"]["required_features"], "simd,bulk-memory");
    assert_eq!(base["segment"]["required_features"], "none");
    assert_eq!(all["output_digest"], base["output_digest"]);
    assert_eq!(all["results"], base["results"]);
    // select --explain says why the SIMD variant lost.
    let o = run(&["select", s(&out), "--explain", "--host-features", "-simd"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("needs simd, host lacks it"));
    // A file with only the SIMD variant on a host without SIMD: exit 6 with the reason.
    let simd_only = d.path().join("s.rvf");
    assert!(run(&[
        "create",
        "--force",
        s(&simd_only),
        "--matrix",
        s(&samples().join("karate.mtx")),
        "--solver",
        s(&dist.join("solver-simd.wasm")),
        "--allow-no-baseline"
    ])
    .status
    .success());
    let o = run(&[
        "run",
        s(&simd_only),
        "ppr-forward",
        "--host-features",
        "-simd",
    ]);
    assert_eq!(o.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs simd, host lacks it"));
}
