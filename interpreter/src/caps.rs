//! Host capabilities: which `WASM_FEAT_*` bits this build of the sandbox can
//! run. The same `EngineFeatures` value configures the wasmi engine, so
//! what we report is by construction what the engine does (a test probes
//! the engine with one tiny module per feature to confirm it).

use rvf_spec::format::{
    WASM_FEAT_BULK_MEMORY, WASM_FEAT_MULTI_VALUE, WASM_FEAT_REFERENCE_TYPES, WASM_FEAT_TAIL_CALL,
};
use rvf_spec::sandbox::{ENGINE_FEATURES, ENGINE_OPTIONAL_FEATURES};

/// Everything wasmi 2.0 can run in this build: the spec's engine features
/// (`rvf_spec::sandbox::ENGINE_FEATURES`), plus SIMD (the optional one)
/// only with the `simd` cargo feature; never threads, GC or exception
/// handling.
pub const fn host_features() -> u16 {
    if cfg!(feature = "simd") {
        ENGINE_FEATURES | ENGINE_OPTIONAL_FEATURES
    } else {
        ENGINE_FEATURES
    }
}

/// Apply a feature set to a wasmi `Config`: exactly the proposals in
/// `bits` (plus the Wasm 2.0 basics the header cannot name) are enabled.
pub fn configure(cfg: &mut wasmi::Config, bits: u16) {
    let on = |b: u16| bits & b != 0;
    cfg.wasm_mutable_global(true)
        .wasm_sign_extension(true)
        .wasm_saturating_float_to_int(true)
        .wasm_extended_const(true)
        .wasm_multi_memory(false)
        .wasm_custom_page_sizes(false)
        .wasm_wide_arithmetic(false)
        .wasm_bulk_memory(on(WASM_FEAT_BULK_MEMORY))
        .wasm_multi_value(on(WASM_FEAT_MULTI_VALUE))
        .wasm_reference_types(on(WASM_FEAT_REFERENCE_TYPES))
        .wasm_tail_call(on(WASM_FEAT_TAIL_CALL));
    #[cfg(feature = "simd")]
    cfg.wasm_simd(on(rvf_spec::format::WASM_FEAT_SIMD))
        .wasm_relaxed_simd(false);
}
