//! Kernels run inside the interpreter module (bootstrap/dist/interp.wasm)
//! meet the sandbox exactly as in a direct run: every way a kernel is
//! refused or stopped gives the same `SandboxError`, a kernel that runs
//! gives the same output, fuel and host counters. And the module itself is
//! bounded by the host (outer limits). Kept quick: small fuel and memory caps.

use interpreter::two_stage::{Interpreter, TwoStageError, OUTER_FUEL_PER_KERNEL_FUEL};
use interpreter::wasmi::CompilationMode;
use interpreter::{Limits, RunOutput, Sandbox, SandboxError};
use rvf_spec::abi::{method, status, Params};
use rvf_spec::format::{WASM_FEAT_BULK_MEMORY, WASM_FEAT_SIMD};
use rvf_spec::source::ArraySource;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn module_bytes() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../bootstrap/dist/interp.wasm");
    std::fs::read(path).expect("bootstrap/dist/interp.wasm (bootstrap/build.sh)")
}

fn interp() -> &'static Interpreter {
    static I: OnceLock<Interpreter> = OnceLock::new();
    I.get_or_init(|| {
        Interpreter::new(&module_bytes(), CompilationMode::LazyTranslation)
            .expect("the module is usable")
    })
}

#[test]
fn the_modules_state_is_its_memory_and_stack_pointer() {
    // What lets a host snapshot an instance (docs/ABI.md): one memory, no
    // start function, nothing imported but functions, and one mutable
    // global, exported as the stack pointer.
    use wasmparser::{ExternalKind, Parser, Payload, TypeRef};
    let bytes = module_bytes();
    let (mut mutable, mut memories, mut sp_export) = (vec![], 0, None);
    for payload in Parser::new(0).parse_all(&bytes) {
        match payload.unwrap() {
            Payload::ImportSection(s) => {
                for imp in s.into_imports() {
                    assert!(matches!(imp.unwrap().ty, TypeRef::Func(_)));
                }
            }
            Payload::GlobalSection(s) => {
                for (i, g) in s.into_iter().enumerate() {
                    if g.unwrap().ty.mutable {
                        mutable.push(i as u32);
                    }
                }
            }
            Payload::MemorySection(s) => memories += s.count(),
            Payload::StartSection { .. } => panic!("a start function"),
            Payload::ExportSection(s) => {
                for e in s {
                    let e = e.unwrap();
                    if e.name == rvf_spec::interp::export::STACK_POINTER {
                        assert_eq!(e.kind, ExternalKind::Global);
                        sp_export = Some(e.index);
                    }
                }
            }
            _ => {}
        }
    }
    assert_eq!(memories, 1);
    assert_eq!(mutable.len(), 1, "mutable globals {mutable:?}");
    assert_eq!(sp_export, mutable.first().copied());
}

/// A module that speaks the ABI (`abi_module.wat.in`, as in hostile.rs).
fn module(imports: &str, run: &str, extra: &str) -> Vec<u8> {
    let text = include_str!("abi_module.wat.in")
        .replace("{imports}", imports)
        .replace("{run}", run)
        .replace("{extra}", extra);
    wat::parse_str(text).unwrap()
}

fn limits() -> Limits {
    Limits {
        fuel: 2_000_000,
        max_memory_bytes: 8 << 20,
        ..Limits::default()
    }
}

fn params() -> Params {
    Params {
        method: method::CG,
        ..Default::default()
    }
}

type Both = (
    Result<RunOutput, SandboxError>,
    Result<RunOutput, TwoStageError>,
);

/// The kernel run directly and two-stage, under the same limits.
fn both(bytes: &[u8], features: u16, l: Limits, src: ArraySource<'_>) -> Both {
    let t = Instant::now();
    let direct = Sandbox::new(features, l)
        .admit(bytes)
        .and_then(|m| m.run(&params(), &[], src, None, None));
    let two = interp()
        .admit(bytes, features, l)
        .and_then(|m| m.run(&params(), &[], src, None, None));
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
    (direct, two)
}

/// Both runs fail, with the same error.
fn same_error(bytes: &[u8]) -> SandboxError {
    let (d, t) = both(bytes, 0, limits(), ArraySource::empty());
    let d = d.expect_err("the kernel must be stopped");
    assert_eq!(t, Err(TwoStageError::Kernel(d.clone())), "direct: {d}");
    d
}

#[test]
fn an_infinite_loop_runs_out_of_kernel_fuel_inside() {
    let e = same_error(&module("", "(loop $l (br $l)) i32.const 0", ""));
    assert_eq!(e, SandboxError::OutOfFuel { budget: 2_000_000 });
}

#[test]
fn a_memory_bomb_stops_at_the_kernels_cap() {
    let bomb =
        "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) i32.const 0";
    let e = same_error(&module("", bomb, ""));
    assert_eq!(e, SandboxError::MemoryLimit { cap_bytes: 8 << 20 });
    // A run's own lower cap applies inside too.
    let m = module("", bomb, "");
    let k = interp().admit(&m, 0, limits()).unwrap();
    let e = k.run(&params(), &[], ArraySource::empty(), None, Some(2 << 20));
    let cap = SandboxError::MemoryLimit { cap_bytes: 2 << 20 };
    assert_eq!(e, Err(TwoStageError::Kernel(cap)));
}

#[test]
fn refusals_and_traps_are_the_direct_ones() {
    let recursion = "(func $r (param i32) (result i32) local.get 0 i32.const 1 i32.add call $r)";
    let fd_write = r#"(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))"#;
    let cases = [
        module("", "i32.const 0 call $r", recursion),
        module(fd_write, "i32.const 0", ""),
        module(r#"(import "rvf" "exec" (func))"#, "i32.const 0", ""),
        module(
            r#"(import "rvf" "read" (func (param i32) (result i32)))"#,
            "i32.const 0",
            "",
        ),
        wat::parse_str(r#"(module (import "rvf" "memory" (memory 1)))"#).unwrap(),
        wat::parse_str(r#"(module (func (export "rvf_run") (result i32) i32.const 0))"#).unwrap(),
        module("", "unreachable", ""),
        module(
            "",
            "(i32.store (i32.const 0x7FFFFFF0) (i32.const 1)) i32.const 0",
            "",
        ),
        module("", "i32.const 0", r#"(data (i32.const 0x7FFF0000) "boom")"#),
        module("", "i32.const 0", "(table 1000000 funcref)"),
        module(
            "",
            "(i32.store (i32.const 0) (i32.const 0x20000)) i32.const 0",
            "",
        ),
        // A report claiming 3 pairs with an empty result.
        module(
            "",
            "(i32.store (i32.const 52) (i32.const 3)) i32.const 0",
            "",
        ),
        // A report of an unknown result kind.
        module(
            "",
            "(i32.store (i32.const 12) (i32.const 9)) i32.const 0",
            "",
        ),
        // 125 dense values (1000 bytes) at 65000: past the memory.
        wat::parse_str(
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
        .unwrap(),
    ];
    let mut classes = Vec::new();
    for bytes in &cases {
        let e = same_error_or_ok(bytes);
        classes.extend(e.map(|e| std::mem::discriminant(&e)));
    }
    classes.dedup();
    assert!(classes.len() >= 5, "{} classes", classes.len());
    // A huge initial memory: refused at admission with both numbers.
    let huge = wat::parse_str(
        r#"(module (memory (export "memory") 200)
          (func (export "rvf_abi_version") (result i32) i32.const 0x10000)
          (func (export "rvf_alloc") (param i32) (result i32) i32.const 1024)
          (func (export "rvf_set_params") (param i32 i32) (result i32) i32.const 0)
          (func (export "rvf_run") (result i32) i32.const 0)
          (func (export "rvf_result_ptr") (result i32) i32.const 0)
          (func (export "rvf_result_len") (result i32) i32.const 0)
          (func (export "rvf_report_ptr") (result i32) i32.const 0))"#,
    )
    .unwrap();
    let e = same_error(&huge);
    assert!(matches!(e, SandboxError::InitialMemory { cap_bytes, .. } if cap_bytes == 8 << 20));
    // Another solver-ABI major, found when admitting.
    let text = include_str!("abi_module.wat.in")
        .replace("i32.const 0x10000", "i32.const 0x20000")
        .replace("{imports}", "")
        .replace("{run}", "i32.const 0")
        .replace("{extra}", "");
    let e = same_error(&wat::parse_str(text).unwrap());
    assert_eq!(e, SandboxError::AbiMismatch { found: 0x20000 });
}

/// Direct and two-stage agree: the same error, or the same output.
fn same_error_or_ok(bytes: &[u8]) -> Option<SandboxError> {
    match both(bytes, 0, limits(), ArraySource::empty()) {
        (Err(d), t) => {
            assert_eq!(t, Err(TwoStageError::Kernel(d.clone())), "direct: {d}");
            Some(d)
        }
        (Ok(d), t) => {
            assert_eq!(t, Ok(d));
            None
        }
    }
}

#[test]
fn a_refusing_kernel_and_host_read_errors_give_the_direct_output() {
    // rvf_set_params refuses: the synthesised report.
    let refusing = include_str!("abi_module.wat.in")
        .replace(
            "(func (export \"rvf_set_params\") (param i32 i32) (result i32) i32.const 0)",
            "(func (export \"rvf_set_params\") (param i32 i32) (result i32) i32.const -1)",
        )
        .replace("{imports}", "")
        .replace("{run}", "i32.const 0")
        .replace("{extra}", "");
    let (d, t) = both(
        &wat::parse_str(refusing).unwrap(),
        0,
        limits(),
        ArraySource::empty(),
    );
    let d = d.unwrap();
    assert_eq!(d.report.status, status::BAD_PARAMS);
    assert_eq!(t, Ok(d));
    // Out-of-range host reads (hostile.rs's case): same statuses, counters.
    let m = module(
        r#"(import "rvf" "read" (func $read (param i32 i64 i32 i32) (result i32)))
           (import "rvf" "row" (func $row (param i32 i32 i32 i32 i32) (result i64)))
           (import "rvf" "degrees" (func $deg (param i32 i32 i32 i32) (result i32)))
           (import "rvf" "info" (func $info (param i32) (result i64)))"#,
        "(i32.store (i32.const 4) (call $read (i32.const 0) (i64.const 1099511627776) (i32.const 16) (i32.const 512)))
         (i32.store (i32.const 8) (call $read (i32.const 0) (i64.const 0) (i32.const 4) (i32.const 0x7FFFFFF0)))
         (i64.store (i32.const 16) (call $row (i32.const 0) (i32.const 99) (i32.const 512) (i32.const 0) (i32.const 8)))
         (i64.store (i32.const 24) (call $row (i32.const 0) (i32.const 0) (i32.const 512) (i32.const 600) (i32.const 8)))
         (i32.store (i32.const 32) (call $deg (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 700)))
         (i64.store (i32.const 40) (call $info (i32.const 0)))
         i32.const 0",
        "",
    );
    let rp: Vec<u8> = [0u32, 1].iter().flat_map(|x| x.to_le_bytes()).collect();
    let (ci, vals) = (7u32.to_le_bytes(), 2.5f64.to_le_bytes());
    let mut src = ArraySource::empty();
    src.sparse[0] = &rp;
    src.sparse[1] = &ci;
    src.sparse[2] = &vals;
    src.rows = 1;
    let (d, t) = both(&m, 0, limits(), src);
    let d = d.unwrap();
    assert_eq!(d.report.status, status::HOST_READ);
    assert_eq!(
        (d.host.calls, d.host.refused, d.host.rows_served),
        (6, 4, 1)
    );
    assert_eq!(t, Ok(d));
}

#[test]
fn the_module_refuses_simd_kernels_and_is_bounded_itself() {
    let simd = module("", "(drop (f64x2.splat (f64.const 1))) i32.const 0", "");
    let e = interp()
        .admit(&simd, WASM_FEAT_SIMD | WASM_FEAT_BULK_MEMORY, limits())
        .err()
        .expect("a SIMD kernel is refused");
    assert!(matches!(e, TwoStageError::Features { .. }), "{e}");
    assert!(e.to_string().contains("simd"), "{e}");
    assert_eq!(interp().features() & WASM_FEAT_SIMD, 0);
    // A SIMD instruction under no declared features: invalid, as directly.
    let d = Sandbox::new(0, limits()).admit(&simd).err().unwrap();
    let t = interp().admit(&simd, 0, limits()).err().unwrap();
    assert!(matches!(d, SandboxError::Invalid(_)));
    assert!(
        matches!(t, TwoStageError::Kernel(SandboxError::Invalid(_))),
        "{t}"
    );
    // Too little outer fuel: the interpreter itself is stopped.
    let tight = Limits {
        fuel: 1_000_000,
        ..Limits::default()
    };
    let small = interp().clone().with_outer_limits(tight);
    let e = small
        .admit(&module("", "i32.const 0", ""), 0, limits())
        .err();
    assert_eq!(
        e,
        Some(TwoStageError::Interpreter(SandboxError::OutOfFuel {
            budget: 1_000_000
        }))
    );
    // Shared by threads like `Admitted`.
    fn shared<T: Send + Sync + Clone>() {}
    shared::<Interpreter>();
    shared::<interpreter::two_stage::LoadedKernel>();
    // Not an interpreter module.
    let e = Interpreter::new(&module("", "i32.const 0", ""), CompilationMode::Eager).err();
    assert!(matches!(e, Some(TwoStageError::Module(_))), "{e:?}");
}

#[test]
fn the_outer_guard_never_stops_a_kernel_before_its_own_fuel() {
    // The kernels that cost the module most per unit of kernel fuel (outer
    // fuel per kernel fuel: a host call 220, bulk memory 175-270, memory
    // growth 525; the methods 11-22): under the derived outer limits each
    // stops out of its own fuel, as directly, with room to spare.
    let info = r#"(import "rvf" "info" (func $info (param i32) (result i64)))"#;
    let fill = "(memory.fill (i32.const 0) (i32.const 0) (i32.const 60000))";
    let copy = "(memory.copy (i32.const 0) (i32.const 30000) (i32.const 30000))";
    let grow = "(br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))";
    let cases = [
        (info, "(drop (call $info (i32.const 0))) (br $l)", 0),
        ("", fill, WASM_FEAT_BULK_MEMORY),
        ("", copy, WASM_FEAT_BULK_MEMORY),
        ("", grow, 0),
    ];
    let l = Limits {
        fuel: 100_000,
        ..limits()
    };
    for (imports, body, features) in cases {
        let m = module(
            imports,
            &format!("(loop $l {body} (br $l)) i32.const 0"),
            "",
        );
        let k = interp().admit(&m, features, l).unwrap();
        let (r, outer) = k.run_counted(&params(), &[], ArraySource::empty(), None, None);
        let budget = SandboxError::OutOfFuel { budget: 100_000 };
        assert_eq!(r, Err(TwoStageError::Kernel(budget)), "{body}");
        // Less the set-up (a run that returns at once), the run costs the
        // module under OUTER_FUEL_PER_KERNEL_FUEL / 2 per unit of kernel fuel.
        let quick = module(imports, "i32.const 0", "");
        let q = interp().admit(&quick, features, l).unwrap();
        let (_, setup) = q.run_counted(&params(), &[], ArraySource::empty(), None, None);
        let ratio = (outer - setup) as f64 / 100_000.0;
        assert!(
            ratio < OUTER_FUEL_PER_KERNEL_FUEL as f64 / 2.0,
            "{body}: {ratio}"
        );
    }
}
