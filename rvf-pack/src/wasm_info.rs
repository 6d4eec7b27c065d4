//! What a WebAssembly module actually is, derived from its bytes with
//! `wasmparser`: the `WASM_FEAT_*` bits it needs (leave-one-out
//! validation), its exports, memory limits, tables and imports. The packer
//! writes these into the `WasmHeader` instead of trusting the user.

use rvf_spec::format as wb;
use wasmparser::{Parser, Payload, TypeRef, Validator, WasmFeatures as F};

/// Facts about a module, all derived from its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleInfo {
    pub required_features: u16,
    pub export_count: u16,
    pub exports: Vec<String>,
    /// (module, name) of every import.
    pub imports: Vec<(String, String)>,
    pub min_memory_pages: u64,
    pub max_memory_pages: Option<u64>,
    pub table_count: u32,
}

/// Each header bit and the wasmparser features (with dependents) it stands for.
fn groups() -> [(u16, F); 8] {
    [
        (wb::WASM_FEAT_SIMD, F::SIMD | F::RELAXED_SIMD),
        (
            wb::WASM_FEAT_BULK_MEMORY,
            F::BULK_MEMORY | F::BULK_MEMORY_OPT,
        ),
        (wb::WASM_FEAT_MULTI_VALUE, F::MULTI_VALUE),
        (
            wb::WASM_FEAT_REFERENCE_TYPES,
            F::REFERENCE_TYPES
                | F::CALL_INDIRECT_OVERLONG
                | F::FUNCTION_REFERENCES
                | F::GC
                | F::EXCEPTIONS
                | F::STACK_SWITCHING,
        ),
        (
            wb::WASM_FEAT_THREADS,
            F::THREADS | F::SHARED_EVERYTHING_THREADS,
        ),
        (wb::WASM_FEAT_TAIL_CALL, F::TAIL_CALL),
        (wb::WASM_FEAT_GC, F::GC),
        (
            wb::WASM_FEAT_EXCEPTION_HANDLING,
            F::EXCEPTIONS | F::LEGACY_EXCEPTIONS,
        ),
    ]
}

/// Proposals every engine we target has and the header cannot name.
fn implicit() -> F {
    F::MUTABLE_GLOBAL
        | F::FLOATS
        | F::GC_TYPES
        | F::SIGN_EXTENSION
        | F::SATURATING_FLOAT_TO_INT
        | F::EXTENDED_CONST
}

/// The wasmparser features a set of header bits allows.
pub fn features_for_bits(bits: u16) -> F {
    groups()
        .iter()
        .filter(|(b, _)| bits & b != 0)
        .fold(implicit(), |acc, (_, f)| acc | *f)
}

fn validates(features: F, bytes: &[u8]) -> Result<(), String> {
    Validator::new_with_features(features)
        .validate_all(bytes)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Validate the module and derive everything the header needs.
pub fn analyze(bytes: &[u8]) -> Result<ModuleInfo, String> {
    let all = F::all()
        & !(F::COMPONENT_MODEL
            | F::CM_VALUES
            | F::CM_NESTED_NAMES
            | F::CM_ASYNC
            | F::CM_ASYNC_STACKFUL
            | F::CM_MORE_ASYNC_BUILTINS
            | F::CM_THREADING
            | F::CM_ERROR_CONTEXT
            | F::CM_FIXED_LENGTH_LISTS
            | F::CM_GC);
    validates(all, bytes).map_err(|e| format!("not a valid WebAssembly module: {e}"))?;
    let mut required = 0u16;
    for (bit, group) in groups() {
        if validates(all & !group, bytes).is_err() {
            required |= bit;
        }
    }
    if let Err(e) = validates(features_for_bits(required), bytes) {
        return Err(format!(
            "module needs a proposal the RVF header cannot declare (memory64, multi-memory, wide-arithmetic, custom page sizes, ...): {e}"
        ));
    }
    let mut info = ModuleInfo {
        required_features: required,
        export_count: 0,
        exports: Vec::new(),
        imports: Vec::new(),
        min_memory_pages: 0,
        max_memory_pages: None,
        table_count: 0,
    };
    let mut memories = 0u32;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(s) => {
                for imp in s.into_imports() {
                    let imp = imp.map_err(|e| e.to_string())?;
                    match imp.ty {
                        TypeRef::Memory(_) => {
                            return Err(format!(
                                "imports its memory ({}.{}); solver modules must define and export their own",
                                imp.module, imp.name
                            ))
                        }
                        TypeRef::Table(_) => info.table_count += 1,
                        _ => {}
                    }
                    info.imports
                        .push((imp.module.to_string(), imp.name.to_string()));
                }
            }
            Payload::MemorySection(s) => {
                for m in s {
                    let m = m.map_err(|e| e.to_string())?;
                    if memories == 0 {
                        info.min_memory_pages = m.initial;
                        info.max_memory_pages = m.maximum;
                    }
                    memories += 1;
                }
            }
            Payload::TableSection(s) => info.table_count += s.count(),
            Payload::ExportSection(s) => {
                for e in s {
                    info.exports
                        .push(e.map_err(|e| e.to_string())?.name.to_string());
                }
            }
            _ => {}
        }
    }
    info.export_count =
        u16::try_from(info.exports.len()).map_err(|_| "more than 65535 exports".to_string())?;
    if info.min_memory_pages > u8::MAX as u64 {
        return Err(format!(
            "declares {} initial memory pages; the WasmHeader can state at most 255",
            info.min_memory_pages
        ));
    }
    Ok(info)
}
