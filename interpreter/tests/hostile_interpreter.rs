//! A hostile interpreter module (one a file carries as its interpreter
//! segment) is bounded by the host, not by itself: its probe
//! (`rvfi_version`, `rvfi_features`) by a small fixed fuel, its admissions
//! and runs by outer limits derived from the caller's kernel limits, and
//! what it says about a run's result is checked before anything is copied.
//! Each case ends with a typed error of the class (and exit code) a direct
//! run gives; the budgets are asserted, not wall-clock times.

use interpreter::two_stage::{
    outer_limits, Interpreter, TwoStageError, OUTER_FUEL_BASE, OUTER_FUEL_PER_KERNEL_FUEL,
    OUTER_LOAD_FUEL_PER_BYTE, PROBE_FUEL,
};
use interpreter::wasmi::CompilationMode;
use interpreter::{Limits, SandboxError};
use rvf_spec::abi::{method, Params};
use rvf_spec::exit::Exit;
use rvf_spec::interp::why;
use rvf_spec::source::ArraySource;

/// An interpreter module that speaks the interpreter ABI's shape, with the
/// given bodies. Its report (at 2048) says OK, version 1.0, dense, no values.
struct Evil {
    version: &'static str,
    features: &'static str,
    load: &'static str,
    run: &'static str,
    result_ptr: &'static str,
    result_len: &'static str,
}

const HONEST: Evil = Evil {
    version: "i32.const 0x10000",
    features: "i32.const 0",
    load: "i32.const 0",
    run: "i32.const 0",
    result_ptr: "i32.const 0",
    result_len: "i32.const 0",
};

const LOOP: &str = "(loop $l (br $l)) i32.const 0";

impl Evil {
    fn wasm(&self) -> Vec<u8> {
        let text = format!(
            r#"(module
  (memory (export "memory") 2)
  (global (export "__stack_pointer") (mut i32) (i32.const 1024))
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 2048) "\00\00\01\00")
  (func (export "rvfi_version") (result i32) {})
  (func (export "rvfi_features") (result i32) {})
  (func (export "rvfi_alloc") (param i32) (result i32) (local i32)
    global.get $heap local.set 1
    global.get $heap local.get 0 i32.add i32.const 7 i32.add i32.const -8 i32.and
    global.set $heap
    local.get 1)
  (func (export "rvfi_free") (param i32 i32))
  (func (export "rvfi_set_limits") (param i64 i64 i32 i32 i32 i64) (result i32) i32.const 0)
  (func (export "rvfi_load") (param i32 i32 i32) (result i32) {})
  (func (export "rvfi_run") (param i32 i32 i32 i64) (result i32) {})
  (func (export "rvfi_fuel_used") (result i64) i64.const 0)
  (func (export "rvfi_report_ptr") (result i32) i32.const 2048)
  (func (export "rvfi_result_ptr") (result i32) {})
  (func (export "rvfi_result_len") (result i32) {})
  (func (export "rvfi_detail") (result i64) i64.const 0x10000)
  (func (export "rvfi_error_ptr") (result i32) i32.const 0)
  (func (export "rvfi_error_len") (result i32) i32.const 0)
  (func (export "rvfi_unload")))"#,
            self.version, self.features, self.load, self.run, self.result_ptr, self.result_len
        );
        wat::parse_str(text).unwrap()
    }

    fn interpreter(&self) -> Result<Interpreter, TwoStageError> {
        Interpreter::new(&self.wasm(), CompilationMode::LazyTranslation)
    }
}

/// Any bytes: the hostile modules never look at the kernel.
const KERNEL: &[u8] = b"\0asm\x01\0\0\0";

/// What `rvf-pack run --fuel 1000` asks for.
fn user_limits() -> Limits {
    Limits {
        fuel: 1000,
        ..Limits::default()
    }
}

fn params() -> Params {
    Params {
        method: method::CG,
        ..Default::default()
    }
}

/// The exit code a front end gives the error (as `rvf_host::RunError`
/// does for a run's sandbox error).
fn exit(e: TwoStageError) -> Exit {
    rvf_spec::interp::status::exit(e.into_sandbox().status())
}

fn run(evil: &Evil, l: Limits) -> Result<interpreter::RunOutput, TwoStageError> {
    let k = evil.interpreter().unwrap().admit(KERNEL, 0, l).unwrap();
    k.run(&params(), &[], ArraySource::empty(), None, None)
}

#[test]
fn the_probe_has_a_small_fixed_budget() {
    let probe_out = TwoStageError::Interpreter(SandboxError::OutOfFuel { budget: PROBE_FUEL });
    for evil in [
        Evil {
            version: "(loop $l (br $l)) i32.const 0x10000",
            ..HONEST
        },
        Evil {
            features: LOOP,
            ..HONEST
        },
    ] {
        assert_eq!(evil.interpreter().err(), Some(probe_out.clone()));
    }
    assert!(HONEST.interpreter().unwrap().probe_fuel() < 100);
}

#[test]
fn the_shipped_modules_probe_far_within_the_budget() {
    for name in ["interp", "interp-simd"] {
        let path = format!(
            "{}/../bootstrap/dist/{name}.wasm",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("bootstrap/build.sh");
        for mode in [CompilationMode::LazyTranslation, CompilationMode::Eager] {
            let i = Interpreter::new(&bytes, mode).unwrap();
            println!("{name}.wasm ({mode:?}): probe fuel {}", i.probe_fuel());
            assert!(i.probe_fuel() > 0);
            assert!(
                i.probe_fuel() * 100 <= PROBE_FUEL,
                "{name}: {} of {PROBE_FUEL}",
                i.probe_fuel()
            );
        }
    }
}

#[test]
fn a_looping_load_is_stopped_by_outer_fuel_derived_from_the_callers_limits() {
    let evil = Evil {
        load: LOOP,
        ..HONEST
    };
    let l = user_limits();
    let budget = (l.fuel * OUTER_FUEL_PER_KERNEL_FUEL)
        .max(KERNEL.len() as u64 * OUTER_LOAD_FUEL_PER_BYTE)
        + OUTER_FUEL_BASE;
    assert_eq!(outer_limits(&l, KERNEL.len()).fuel, budget);
    let e = evil
        .interpreter()
        .unwrap()
        .admit(KERNEL, 0, l)
        .err()
        .unwrap();
    assert_eq!(
        e,
        TwoStageError::Interpreter(SandboxError::OutOfFuel { budget })
    );
    assert_eq!(exit(e), Exit::OutOfFuel);
}

#[test]
fn a_looping_run_is_stopped_by_outer_fuel_derived_from_the_callers_fuel() {
    let evil = Evil {
        run: LOOP,
        ..HONEST
    };
    for fuel in [1000, 50_000] {
        let l = Limits {
            fuel,
            ..Limits::default()
        };
        let budget = fuel * OUTER_FUEL_PER_KERNEL_FUEL + OUTER_FUEL_BASE;
        let e = run(&evil, l).err().unwrap();
        assert_eq!(
            e,
            TwoStageError::Interpreter(SandboxError::OutOfFuel { budget })
        );
        assert_eq!(exit(e), Exit::OutOfFuel);
    }
}

#[test]
fn the_modules_memory_is_bounded_by_the_callers_cap() {
    // A run that grows the module's memory without end stops at the outer
    // bound of the caller's memory cap (3 x cap + base).
    let evil = Evil {
        run:
            "(loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) i32.const 0",
        ..HONEST
    };
    let l = Limits {
        max_memory_bytes: 1 << 20,
        ..Limits::default()
    };
    let cap_bytes = outer_limits(&l, 0).max_memory_bytes;
    assert_eq!(cap_bytes, 3 * (1 << 20) + (256 << 20));
    let e = run(&evil, l).err().unwrap();
    assert_eq!(
        e,
        TwoStageError::Interpreter(SandboxError::MemoryLimit { cap_bytes })
    );
    assert_eq!(exit(e), Exit::MemoryLimit);
}

#[test]
fn a_result_the_module_claims_is_checked_before_it_is_copied() {
    let l = Limits {
        max_result_bytes: 64,
        ..Limits::default()
    };
    let bad = |why| TwoStageError::Interpreter(SandboxError::BadResult(why));
    let cases = [
        // 4 GiB - 1: over any result limit (the default's too).
        (
            "i32.const 0",
            "i32.const -1",
            Limits::default(),
            why::RESULT_LIMIT,
        ),
        // Within memory, over the caller's limit.
        ("i32.const 0", "i32.const 72", l, why::RESULT_LIMIT),
        // Within the limit, not the length the report gives (no values).
        ("i32.const 0", "i32.const 64", l, why::RESULT_LENGTH),
    ];
    for (ptr, len, limits, why) in cases {
        let evil = Evil {
            result_ptr: ptr,
            result_len: len,
            ..HONEST
        };
        let e = run(&evil, limits).err().unwrap();
        assert_eq!(e, bad(why), "{ptr} {len}");
        assert_eq!(exit(e), Exit::Trap);
    }
    // A report of 8 values, and the result past the end of the memory
    // (wrapping, too): outside.
    for ptr in ["i32.const 131040", "i32.const -8"] {
        let evil = Evil {
            run: "(i32.store (i32.const 2100) (i32.const 8)) i32.const 0",
            result_ptr: ptr,
            result_len: "i32.const 64",
            ..HONEST
        };
        let e = run(&evil, l).err().unwrap();
        assert_eq!(e, bad(why::RESULT_OUTSIDE), "{ptr}");
    }
    // The same inside the memory: the 64 bytes.
    let evil = Evil {
        run: "(i32.store (i32.const 2100) (i32.const 8)) i32.const 0",
        result_ptr: "i32.const 2048",
        result_len: "i32.const 64",
        ..HONEST
    };
    let out = run(&evil, l).unwrap();
    assert_eq!(out.output.len(), 64);
    assert_eq!(out.report.result_count, 8);
}
