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

/// The fixed words of the sandbox's errors (rvf-interpreter's
/// `SandboxError`: `ForbiddenImport::why`, `BadExport::why`, `BadResult`),
/// one owner each. An error crosses the interpreter ABI as a status and a
/// detail that indexes these lists (`rvf-interpreter`'s `interp_status`), and
/// every host turns it back into the same words.
pub mod why {
    pub const IMPORT_MODULE: &str = "only the `rvf` host module is available";
    pub const IMPORT_KIND: &str = "only functions may be imported";
    pub const IMPORT_NAME: &str = "not a function of the rvf ABI";
    pub const IMPORT_SIGNATURE: &str = "wrong signature for this rvf function";
    /// Every `ForbiddenImport::why`.
    pub const IMPORTS: [&str; 4] = [IMPORT_MODULE, IMPORT_KIND, IMPORT_NAME, IMPORT_SIGNATURE];

    pub const EXPORT_MISSING: &str = "missing";
    pub const EXPORT_NOT_MEMORY: &str = "is not a memory";
    pub const EXPORT_TYPE: &str = "has the wrong type";
    /// Every `BadExport::why`.
    pub const EXPORTS: [&str; 3] = [EXPORT_MISSING, EXPORT_NOT_MEMORY, EXPORT_TYPE];

    pub const INPUT_TOO_LARGE: &str = "input too large";
    pub const ALLOC_OUTSIDE: &str = "rvf_alloc returned memory outside the module";
    pub const REPORT_OUTSIDE: &str = "report lies outside guest memory";
    pub const REPORT_VERSION: &str = "report has the wrong ABI version";
    pub const RESULT_LIMIT: &str = "result is larger than the result limit";
    pub const RESULT_KIND: &str = "unknown result kind";
    pub const RESULT_LENGTH: &str = "result length disagrees with the report";
    pub const RESULT_OUTSIDE: &str = "result lies outside guest memory";
    pub const RESULT_HOST_MEMORY: &str = "result too large for host memory";
    /// Every `BadResult` text.
    pub const RESULTS: [&str; 9] = [
        INPUT_TOO_LARGE,
        ALLOC_OUTSIDE,
        REPORT_OUTSIDE,
        REPORT_VERSION,
        RESULT_LIMIT,
        RESULT_KIND,
        RESULT_LENGTH,
        RESULT_OUTSIDE,
        RESULT_HOST_MEMORY,
    ];
}

/// The bounds a host puts on the interpreter module itself in a two-stage
/// run (rvf-interpreter's `two_stage::outer_limits`; the JS host applies
/// the memory and module bounds, V8 meters no fuel).
pub mod outer {
    /// The module's memory may be [`MEMORY_FACTOR`] times the kernel's cap
    /// plus this (a kernel memory of M bytes can need up to ~3 M of the
    /// module's: it grows by reallocation) ...
    pub const MEMORY_BASE: u64 = 256 << 20;
    pub const MEMORY_FACTOR: u64 = 3;
    /// ... and at most this.
    pub const MAX_MEMORY_BYTES: u64 = 4 << 30;
    /// Largest interpreter module accepted (bytes).
    pub const MAX_MODULE_BYTES: usize = 16 << 20;

    /// The module's memory bound for a kernel whose memory cap is
    /// `kernel_max_memory` bytes.
    pub const fn max_memory_bytes(kernel_max_memory: u64) -> u64 {
        let m = kernel_max_memory
            .saturating_mul(MEMORY_FACTOR)
            .saturating_add(MEMORY_BASE);
        if m < MAX_MEMORY_BYTES {
            m
        } else {
            MAX_MEMORY_BYTES
        }
    }
}

/// The engine the kernel of a two-stage run runs in: the interpreter
/// module is rvf-interpreter's wasmi compiled to wasm32, so a run receipt
/// records it under these names (rvf-interpreter's `engine`, which adds
/// the cargo features of its build).
pub mod engine {
    /// The embedded interpreter (pinned with `=` in interpreter/Cargo.toml).
    pub const NAME: &str = "wasmi";
    pub const VERSION: &str = "2.0.0";
    /// Compilation mode used for every module.
    pub const COMPILATION: &str = "eager";
    /// Fuel metering is always on.
    pub const FUEL_METERING: bool = true;
    /// NaN canonicalisation (wasmi `deterministic`) is always on.
    pub const DETERMINISTIC: bool = true;
}

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
