//! Hostile modules (hand-written WAT): each is contained with a distinct
//! error within a bounded time, and the sandbox keeps working afterwards.

use interpreter::{Limits, Sandbox, SandboxError};
use rvf_spec::abi::{method, status, Params};
use rvf_spec::format::{
    WASM_FEAT_BULK_MEMORY, WASM_FEAT_EXCEPTION_HANDLING, WASM_FEAT_GC, WASM_FEAT_MULTI_VALUE,
    WASM_FEAT_REFERENCE_TYPES, WASM_FEAT_SIMD, WASM_FEAT_TAIL_CALL, WASM_FEAT_THREADS,
};
use rvf_spec::source::ArraySource;
use std::time::{Duration, Instant};

/// A module that speaks the ABI (`abi_module.wat.in`); `run` is the body
/// of `rvf_run`, `extra` adds items, `imports` adds imports. Its report (at
/// 0) says OK, version 1.0.
fn module(imports: &str, run: &str, extra: &str) -> Vec<u8> {
    let text = include_str!("abi_module.wat.in")
        .replace("{imports}", imports)
        .replace("{run}", run)
        .replace("{extra}", extra);
    wat::parse_str(text).unwrap()
}

fn limits() -> Limits {
    Limits {
        fuel: 50_000_000,
        max_memory_bytes: 64 << 20,
        ..Limits::default()
    }
}

fn run(bytes: &[u8]) -> Result<interpreter::RunOutput, SandboxError> {
    let sb = Sandbox::new(0, limits());
    let m = sb.admit(bytes)?;
    m.run(
        &Params {
            method: method::CG,
            ..Default::default()
        },
        &[],
        ArraySource::empty(),
        None,
        None,
    )
}

/// Run a hostile case, check it is contained in bounded time, then check a
/// good module still runs.
fn contained(bytes: &[u8]) -> SandboxError {
    let t = Instant::now();
    let e = run(bytes).expect_err("hostile module must be stopped");
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "took {:?}",
        t.elapsed()
    );
    let ok = run(&module("", "i32.const 0", "")).expect("the host keeps working");
    assert_eq!(ok.report.status, status::OK);
    e
}

#[test]
fn good_module_runs() {
    let out = run(&module("", "i32.const 0", "")).unwrap();
    assert_eq!(out.report.status, 0);
    assert!(out.output.is_empty());
}

#[test]
fn infinite_loop_runs_out_of_fuel() {
    let e = contained(&module("", "(loop $l (br $l)) i32.const 0", ""));
    assert_eq!(e, SandboxError::OutOfFuel { budget: 50_000_000 });
}

#[test]
fn memory_growth_bomb_is_capped() {
    let e = contained(&module(
        "",
        "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) i32.const 0",
        "",
    ));
    assert_eq!(
        e,
        SandboxError::MemoryLimit {
            cap_bytes: 64 << 20
        }
    );
}

#[test]
fn recursion_bomb_overflows_the_stack() {
    let e = contained(&module(
        "",
        "i32.const 0 call $r",
        "(func $r (param i32) (result i32) local.get 0 i32.const 1 i32.add call $r)",
    ));
    assert_eq!(e, SandboxError::StackOverflow);
}

#[test]
fn imports_outside_the_abi_are_refused_before_instantiation() {
    let e = contained(&module(
        r#"(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))"#,
        "i32.const 0",
        "",
    ));
    assert!(
        matches!(&e, SandboxError::ForbiddenImport { module, name, .. } if module == "wasi_snapshot_preview1" && name == "fd_write"),
        "{e}"
    );
    assert!(e.to_string().contains("wasi_snapshot_preview1.fd_write"));
    let e = contained(&module(
        r#"(import "env" "abort" (func))"#,
        "i32.const 0",
        "",
    ));
    assert!(matches!(e, SandboxError::ForbiddenImport { .. }));
    let e = contained(&module(
        r#"(import "rvf" "exec" (func))"#,
        "i32.const 0",
        "",
    ));
    assert!(matches!(e, SandboxError::ForbiddenImport { .. }));
    // The right name with the wrong signature.
    let e = contained(&module(
        r#"(import "rvf" "read" (func (param i32) (result i32)))"#,
        "i32.const 0",
        "",
    ));
    assert!(matches!(e, SandboxError::ForbiddenImport { why, .. } if why.contains("signature")));
    // Importing a memory is not allowed either.
    let bytes = wat::parse_str(r#"(module (import "rvf" "memory" (memory 1)))"#).unwrap();
    assert!(matches!(
        contained(&bytes),
        SandboxError::ForbiddenImport { .. }
    ));
}

#[test]
fn exports_with_wrong_signatures_are_refused() {
    let bytes = wat::parse_str(
        r#"(module (memory (export "memory") 1)
          (func (export "rvf_abi_version") (result i32) i32.const 0x10000)
          (func (export "rvf_alloc") (param i32) (result i32) i32.const 0)
          (func (export "rvf_set_params") (param i32 i32) (result i32) i32.const 0)
          (func (export "rvf_run") (param i32) (result i32) i32.const 0)
          (func (export "rvf_result_ptr") (result i32) i32.const 0)
          (func (export "rvf_result_len") (result i32) i32.const 0)
          (func (export "rvf_report_ptr") (result i32) i32.const 0))"#,
    )
    .unwrap();
    assert_eq!(
        contained(&bytes),
        SandboxError::BadExport {
            name: "rvf_run",
            why: "has the wrong type"
        }
    );
    let no_mem =
        wat::parse_str(r#"(module (func (export "rvf_run") (result i32) i32.const 0))"#).unwrap();
    assert_eq!(
        contained(&no_mem),
        SandboxError::BadExport {
            name: "memory",
            why: "missing"
        }
    );
}

#[test]
fn results_claiming_memory_beyond_the_guest_are_refused() {
    // The report claims 125 dense values (1000 bytes) at 65000: past 64 KiB.
    let bytes = wat::parse_str(
        r#"(module (memory (export "memory") 1 1)
          (data (i32.const 0) "\00\00\01\00")
          (data (i32.const 52) "\7d")
          (func (export "rvf_abi_version") (result i32) i32.const 0x10000)
          (func (export "rvf_alloc") (param i32) (result i32) i32.const 1024)
          (func (export "rvf_set_params") (param i32 i32) (result i32) i32.const 0)
          (func (export "rvf_run") (result i32) i32.const 0)
          (func (export "rvf_result_ptr") (result i32) i32.const 65000)
          (func (export "rvf_result_len") (result i32) i32.const 1000)
          (func (export "rvf_report_ptr") (result i32) i32.const 0))"#,
    )
    .unwrap();
    assert_eq!(
        contained(&bytes),
        SandboxError::BadResult("result lies outside guest memory")
    );
    // A result length that disagrees with the report.
    let liar = wat::parse_str(
        r#"(module (memory (export "memory") 1 1)
          (data (i32.const 0) "\00\00\01\00")
          (func (export "rvf_abi_version") (result i32) i32.const 0x10000)
          (func (export "rvf_alloc") (param i32) (result i32) i32.const 1024)
          (func (export "rvf_set_params") (param i32 i32) (result i32) i32.const 0)
          (func (export "rvf_run") (result i32) i32.const 0)
          (func (export "rvf_result_ptr") (result i32) i32.const 0)
          (func (export "rvf_result_len") (result i32) i32.const 64)
          (func (export "rvf_report_ptr") (result i32) i32.const 0))"#,
    )
    .unwrap();
    assert_eq!(
        contained(&liar),
        SandboxError::BadResult("result length disagrees with the report")
    );
}

#[test]
fn out_of_range_host_reads_return_an_error_code() {
    // Read 16 bytes at offset 2^40 of row_ptr, and (separately) into a guest
    // address past memory; store each host answer into the report's status.
    let m = module(
        r#"(import "rvf" "read" (func $read (param i32 i64 i32 i32) (result i32)))
           (import "rvf" "row" (func $row (param i32 i32 i32 i32 i32) (result i64)))"#,
        "(i32.store (i32.const 4) (call $read (i32.const 0) (i64.const 1099511627776) (i32.const 16) (i32.const 512)))
         (i32.store (i32.const 8) (call $read (i32.const 0) (i64.const 0) (i32.const 4) (i32.const 0x7FFFFFF0)))
         (i64.store (i32.const 16) (call $row (i32.const 0) (i32.const 99) (i32.const 512) (i32.const 0) (i32.const 8)))
         i32.const 0",
        "",
    );
    let sb = Sandbox::new(0, limits());
    let a = sb.admit(&m).unwrap();
    let rp: Vec<u8> = [0u32, 1].iter().flat_map(|x| x.to_le_bytes()).collect();
    let mut src = ArraySource::empty();
    src.sparse[0] = &rp;
    src.rows = 1;
    let out = a
        .run(
            &Params {
                method: method::CG,
                ..Default::default()
            },
            &[],
            src,
            None,
            None,
        )
        .unwrap();
    assert_eq!(out.report.status, status::HOST_READ);
    assert_eq!(out.host.refused, 3);
}

#[test]
fn giant_tables_and_memories_are_contained() {
    let t = contained(&module("", "i32.const 0", "(table 1000000 funcref)"));
    assert!(
        matches!(t, SandboxError::Trap(_) | SandboxError::MemoryLimit { .. }),
        "{t}"
    );
    // A data segment far outside its (small) memory: instantiation traps.
    let far = module("", "i32.const 0", r#"(data (i32.const 0x7FFF0000) "boom")"#);
    assert!(matches!(contained(&far), SandboxError::Trap(_)));
    // A data segment larger than the memory it initialises.
    let big_data = format!(r#"(data (i32.const 60000) "{}")"#, "\\00".repeat(20_000));
    let big = module("", "i32.const 0", &big_data);
    assert!(matches!(contained(&big), SandboxError::Trap(_)));
    // A huge initial memory (20000 pages = 1.25 GiB): capped at instantiation.
    let huge = wat::parse_str(
        r#"(module (memory (export "memory") 20000)
          (func (export "rvf_abi_version") (result i32) i32.const 0x10000)
          (func (export "rvf_alloc") (param i32) (result i32) i32.const 1024)
          (func (export "rvf_set_params") (param i32 i32) (result i32) i32.const 0)
          (func (export "rvf_run") (result i32) i32.const 0)
          (func (export "rvf_result_ptr") (result i32) i32.const 0)
          (func (export "rvf_result_len") (result i32) i32.const 0)
          (func (export "rvf_report_ptr") (result i32) i32.const 0))"#,
    )
    .unwrap();
    // Refused before instantiation, with both numbers (exit 9 at the CLI).
    assert_eq!(
        contained(&huge),
        SandboxError::InitialMemory {
            needed_bytes: 20000 * 65536,
            cap_bytes: 64 << 20
        }
    );
}

#[test]
fn features_outside_the_sandbox_set_are_invalid() {
    // A SIMD instruction in a sandbox restricted to baseline features.
    let m = module("", "(drop (f64x2.splat (f64.const 1))) i32.const 0", "");
    assert!(matches!(
        Sandbox::new(0, limits()).admit(&m),
        Err(SandboxError::Invalid(_))
    ));
    assert!(Sandbox::new(WASM_FEAT_SIMD, limits()).admit(&m).is_ok());
}

#[test]
fn host_capabilities_match_the_engine() {
    // Probe the engine with one module per feature: what it accepts is what
    // `host_features` reports.
    use interpreter::caps::host_features;
    let probes: [(u16, &str); 5] = [
        (WASM_FEAT_SIMD, "(func (result v128) v128.const i64x2 0 0)"),
        (
            WASM_FEAT_BULK_MEMORY,
            "(memory 1) (func i32.const 0 i32.const 0 i32.const 0 memory.copy)",
        ),
        (
            WASM_FEAT_MULTI_VALUE,
            "(func (result i32 i32) i32.const 0 i32.const 0)",
        ),
        (
            WASM_FEAT_REFERENCE_TYPES,
            "(func (result externref) ref.null extern)",
        ),
        (WASM_FEAT_TAIL_CALL, "(func $f return_call $f)"),
    ];
    let sb = Sandbox::new(0xFFFF, limits());
    for (bit, body) in probes {
        let bytes = wat::parse_str(format!("(module {body})")).unwrap();
        let accepted = !matches!(sb.admit(&bytes), Err(SandboxError::Invalid(_)));
        assert_eq!(accepted, host_features() & bit != 0, "feature {bit:#x}");
    }
    let threads = wat::parse_str("(module (memory 1 1 shared))").unwrap();
    assert!(matches!(sb.admit(&threads), Err(SandboxError::Invalid(_))));
    assert_eq!(
        host_features() & (WASM_FEAT_THREADS | WASM_FEAT_GC | WASM_FEAT_EXCEPTION_HANDLING),
        0
    );
}
