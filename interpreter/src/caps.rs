//! Host capabilities: which `WASM_FEAT_*` bits this build of the sandbox can
//! run. The same `EngineFeatures` value configures the wasmi engine, so
//! what we report is by construction what the engine does (a test probes
//! the engine with one tiny module per feature to confirm it).

/// `WASM_FEAT_*` bits (as in `rvf_types::wasm_bootstrap`).
pub mod feat {
    pub const SIMD: u16 = 1 << 0;
    pub const BULK_MEMORY: u16 = 1 << 1;
    pub const MULTI_VALUE: u16 = 1 << 2;
    pub const REFERENCE_TYPES: u16 = 1 << 3;
    pub const THREADS: u16 = 1 << 4;
    pub const TAIL_CALL: u16 = 1 << 5;
    pub const GC: u16 = 1 << 6;
    pub const EXCEPTION_HANDLING: u16 = 1 << 7;
}

/// Everything wasmi 2.0 can run in this build: SIMD only with the `simd`
/// cargo feature; never threads, GC or exception handling.
pub const fn host_features() -> u16 {
    let base = feat::BULK_MEMORY | feat::MULTI_VALUE | feat::REFERENCE_TYPES | feat::TAIL_CALL;
    if cfg!(feature = "simd") {
        base | feat::SIMD
    } else {
        base
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
        .wasm_bulk_memory(on(feat::BULK_MEMORY))
        .wasm_multi_value(on(feat::MULTI_VALUE))
        .wasm_reference_types(on(feat::REFERENCE_TYPES))
        .wasm_tail_call(on(feat::TAIL_CALL));
    #[cfg(feature = "simd")]
    cfg.wasm_simd(on(feat::SIMD)).wasm_relaxed_simd(false);
}
