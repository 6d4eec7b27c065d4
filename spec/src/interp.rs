//! The interpreter ABI, version 1.0 (docs/ABI.md, "Interpreter ABI"): how a
//! host drives the interpreter module (`bootstrap/`: the sandbox's wasmi
//! compiled to wasm32, shipped inside an `.rvf` file), which loads a solver
//! kernel and runs the solver ABI on it under the kernel's limits.
//!
//! The module imports exactly the solver ABI's four `rvf` functions
//! (`abi`, docs/ABI.md "Host imports"), with their types; their pointers
//! are addresses in the module's memory (inside the kernel's memory, which
//! the module keeps in its own). It exports the functions of [`FUNCTIONS`],
//! its `memory` and its shadow-stack pointer ([`export::STACK_POINTER`]).
//! All its state between calls lies in that memory and that global, so a
//! host may snapshot an instance after `rvfi_load` and restore it into
//! fresh instances.

/// Interpreter ABI version: major << 16 | minor. A host uses a module only
/// if the majors match.
pub const VERSION: u32 = 0x0001_0000;
pub const MAJOR: u32 = VERSION >> 16;

/// The names the module exports.
pub mod export {
    /// The module's memory (the kernel's memory lies inside it).
    pub const MEMORY: &str = "memory";
    /// The mutable i32 global holding the module's shadow-stack pointer;
    /// between calls it holds its initial value.
    pub const STACK_POINTER: &str = "__stack_pointer";
    pub const VERSION: &str = "rvfi_version";
    pub const FEATURES: &str = "rvfi_features";
    pub const ALLOC: &str = "rvfi_alloc";
    pub const FREE: &str = "rvfi_free";
    pub const SET_LIMITS: &str = "rvfi_set_limits";
    pub const LOAD: &str = "rvfi_load";
    pub const RUN: &str = "rvfi_run";
    pub const FUEL_USED: &str = "rvfi_fuel_used";
    pub const REPORT_PTR: &str = "rvfi_report_ptr";
    pub const RESULT_PTR: &str = "rvfi_result_ptr";
    pub const RESULT_LEN: &str = "rvfi_result_len";
    pub const DETAIL: &str = "rvfi_detail";
    pub const ERROR_PTR: &str = "rvfi_error_ptr";
    pub const ERROR_LEN: &str = "rvfi_error_len";
    pub const UNLOAD: &str = "rvfi_unload";
}

/// A WebAssembly value type of the exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValType {
    I32,
    I64,
}

impl ValType {
    pub const fn name(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
        }
    }
}

/// Every function the module exports: (name, params, results). i64 values
/// are unsigned unless docs/ABI.md says otherwise.
pub const FUNCTIONS: [(&str, &[ValType], &[ValType]); 15] = {
    use export::*;
    use ValType::{I32, I64};
    [
        (VERSION, &[], &[I32]),
        (FEATURES, &[], &[I32]),
        (ALLOC, &[I32], &[I32]),
        (FREE, &[I32, I32], &[]),
        // fuel, max_memory_bytes, max_recursion, max_table_elements,
        // max_module_bytes, max_result_bytes
        (SET_LIMITS, &[I64, I64, I32, I32, I32, I64], &[I32]),
        // kernel ptr, kernel len, declared features
        (LOAD, &[I32, I32, I32], &[I32]),
        // params ptr, input ptr, input len, max_memory_bytes
        (RUN, &[I32, I32, I32, I64], &[I32]),
        (FUEL_USED, &[], &[I64]),
        (REPORT_PTR, &[], &[I32]),
        (RESULT_PTR, &[], &[I32]),
        (RESULT_LEN, &[], &[I32]),
        (DETAIL, &[], &[I64]),
        (ERROR_PTR, &[], &[I32]),
        (ERROR_LEN, &[], &[I32]),
        (UNLOAD, &[], &[]),
    ]
};

/// `rvfi_run`'s `max_memory_bytes` when the run has no cap of its own (the
/// limits' cap applies): all bits set (−1 as an i64).
pub const NO_RUN_CAP: u64 = u64::MAX;

/// What `rvfi_set_limits`, `rvfi_load` and `rvfi_run` return: one code per
/// way the sandbox refuses or stops a kernel (rvf-interpreter's
/// `SandboxError` variants, in order), plus the module's own refusals.
pub mod status {
    use crate::exit::Exit;

    /// Done. For `rvfi_run`: the kernel ran; its own status is in the report.
    pub const OK: i32 = 0;
    /// The kernel does not validate under its features, or is too large.
    pub const INVALID: i32 = -1;
    /// The kernel imports something outside the four `rvf` functions.
    pub const FORBIDDEN_IMPORT: i32 = -2;
    /// A solver-ABI export is missing or has the wrong type.
    pub const BAD_EXPORT: i32 = -3;
    /// The kernel speaks another solver-ABI major.
    pub const ABI_MISMATCH: i32 = -4;
    /// The kernel's fuel ran out.
    pub const OUT_OF_FUEL: i32 = -5;
    /// The kernel tried to grow its memory past the cap.
    pub const MEMORY_LIMIT: i32 = -6;
    /// The kernel's initial memory alone is above the cap.
    pub const INITIAL_MEMORY: i32 = -7;
    /// The kernel hit the recursion limit.
    pub const STACK_OVERFLOW: i32 = -8;
    /// Any other trap of the kernel.
    pub const TRAP: i32 = -9;
    /// The kernel's report or result is malformed or outside its memory.
    pub const BAD_RESULT: i32 = -10;
    /// `rvfi_run` with no kernel loaded.
    pub const NOT_LOADED: i32 = -11;
    /// An argument the module cannot use (`rvfi_run`'s params do not decode).
    pub const BAD_ARGUMENT: i32 = -12;

    pub const ALL: [i32; 13] = [
        OK,
        INVALID,
        FORBIDDEN_IMPORT,
        BAD_EXPORT,
        ABI_MISMATCH,
        OUT_OF_FUEL,
        MEMORY_LIMIT,
        INITIAL_MEMORY,
        STACK_OVERFLOW,
        TRAP,
        BAD_RESULT,
        NOT_LOADED,
        BAD_ARGUMENT,
    ];

    /// The constant's name (docs, JSON).
    pub fn name(code: i32) -> &'static str {
        match code {
            OK => "OK",
            INVALID => "INVALID",
            FORBIDDEN_IMPORT => "FORBIDDEN_IMPORT",
            BAD_EXPORT => "BAD_EXPORT",
            ABI_MISMATCH => "ABI_MISMATCH",
            OUT_OF_FUEL => "OUT_OF_FUEL",
            MEMORY_LIMIT => "MEMORY_LIMIT",
            INITIAL_MEMORY => "INITIAL_MEMORY",
            STACK_OVERFLOW => "STACK_OVERFLOW",
            TRAP => "TRAP",
            BAD_RESULT => "BAD_RESULT",
            NOT_LOADED => "NOT_LOADED",
            BAD_ARGUMENT => "BAD_ARGUMENT",
            _ => "UNKNOWN",
        }
    }

    /// The exit code when a run ends with this status (as a direct run's
    /// sandbox error of the same class ends it).
    pub const fn exit(code: i32) -> Exit {
        match code {
            OK => Exit::Ok,
            OUT_OF_FUEL => Exit::OutOfFuel,
            MEMORY_LIMIT | INITIAL_MEMORY => Exit::MemoryLimit,
            STACK_OVERFLOW => Exit::StackOverflow,
            _ => Exit::Trap,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn names_and_codes_are_distinct() {
        let mut names: Vec<&str> = FUNCTIONS.iter().map(|f| f.0).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FUNCTIONS.len());
        assert!(names.iter().all(|n| n.starts_with("rvfi_")));
        for (i, c) in status::ALL.into_iter().enumerate() {
            assert_eq!(c, -(i as i32));
            assert_ne!(status::name(c), "UNKNOWN");
        }
        assert_eq!(status::name(1), "UNKNOWN");
    }
}
