//! The sandbox's contract with a solver module, which every host enforces
//! (docs/ABI.md): the default limits of a run, the `rvf` imports a module
//! may use with their exact types, the exports it must have, and the
//! WebAssembly features an engine may ever run it with.
//! `rvf-interpreter` enforces these (its `Limits::default`, import
//! allow-list, export check and engine configuration); the JS host reads
//! them from the generated facts.

pub use crate::interp::ValType;

/// The default limits of a run (`rvf-interpreter`'s `Limits::default`).
pub mod limits {
    /// Fuel budget (wasmi charges about one unit per Wasm operator; V8
    /// meters none).
    pub const FUEL: u64 = 20_000_000_000;
    /// Linear memory cap in bytes.
    pub const MAX_MEMORY_BYTES: u64 = 1 << 30;
    /// Maximum call depth.
    pub const MAX_RECURSION: usize = 1024;
    /// Maximum table elements.
    pub const MAX_TABLE_ELEMENTS: u32 = 10_000;
    /// Largest module accepted (bytes).
    pub const MAX_MODULE_BYTES: usize = 8 << 20;
    /// Largest result a module may hand back (bytes).
    pub const MAX_RESULT_BYTES: u64 = 1 << 30;
    /// Most node ids one `rvf.degrees` call may ask about; more is
    /// `BAD_PARAMS`.
    pub const MAX_DEGREE_IDS: u32 = 1 << 20;
}

/// The size of a WebAssembly memory page in bytes: memory sizes, caps
/// given in pages (a WASM header's `max_memory_pages`) and growth are
/// counted in these.
pub const PAGE_BYTES: u64 = 65536;

/// The one module a solver may import from.
pub const IMPORT_MODULE: &str = "rvf";

/// The functions of [`IMPORT_MODULE`] (docs/ABI.md "Host imports").
pub mod import {
    pub const INFO: &str = "info";
    pub const READ: &str = "read";
    pub const ROW: &str = "row";
    pub const DEGREES: &str = "degrees";
}

/// A function signature: (name, params, results).
pub type Signature = (&'static str, &'static [ValType], &'static [ValType]);

/// Every function a module may import, with its exact type; a module may
/// import any subset, nothing else.
pub const IMPORTS: [Signature; 4] = {
    use import::*;
    use ValType::{I32, I64};
    [
        // key → value
        (INFO, &[I32], &[I64]),
        // array, offset, length, destination → status
        (READ, &[I32, I64, I32, I32], &[I32]),
        // set, node, columns, values, capacity → count or status
        (ROW, &[I32, I32, I32, I32, I32], &[I64]),
        // set, ids, count, destination → status
        (DEGREES, &[I32, I32, I32, I32], &[I32]),
    ]
};

/// The names a solver module exports.
pub mod export {
    /// Its linear memory.
    pub const MEMORY: &str = "memory";
    pub const ABI_VERSION: &str = "rvf_abi_version";
    pub const ALLOC: &str = "rvf_alloc";
    pub const SET_PARAMS: &str = "rvf_set_params";
    pub const RUN: &str = "rvf_run";
    pub const RESULT_PTR: &str = "rvf_result_ptr";
    pub const RESULT_LEN: &str = "rvf_result_len";
    pub const REPORT_PTR: &str = "rvf_report_ptr";
}

/// Every function a solver module must export, with its exact type (and
/// it must export [`export::MEMORY`], a memory), in the order hosts check
/// them.
pub const EXPORTS: [Signature; 7] = {
    use export::*;
    use ValType::I32;
    [
        (ABI_VERSION, &[], &[I32]),
        (ALLOC, &[I32], &[I32]),
        (SET_PARAMS, &[I32, I32], &[I32]),
        (RUN, &[], &[I32]),
        (RESULT_PTR, &[], &[I32]),
        (RESULT_LEN, &[], &[I32]),
        (REPORT_PTR, &[], &[I32]),
    ]
};

/// The features a sandbox engine always has: what a module may declare
/// and be run with. Never threads, GC or exception handling.
#[cfg(feature = "format")]
pub const ENGINE_FEATURES: u16 = {
    use crate::format::*;
    WASM_FEAT_BULK_MEMORY | WASM_FEAT_MULTI_VALUE | WASM_FEAT_REFERENCE_TYPES | WASM_FEAT_TAIL_CALL
};

/// The features an engine adds when it has them (a build of the sandbox
/// with SIMD; a JS engine that validates SIMD).
#[cfg(feature = "format")]
pub const ENGINE_OPTIONAL_FEATURES: u16 = crate::format::WASM_FEAT_SIMD;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_prefixed() {
        for (table, prefix) in [(&IMPORTS[..], ""), (&EXPORTS[..], "rvf_")] {
            for (i, a) in table.iter().enumerate() {
                assert!(a.0.starts_with(prefix), "{}", a.0);
                assert!(table[i + 1..].iter().all(|b| b.0 != a.0), "{}", a.0);
            }
        }
    }
}
