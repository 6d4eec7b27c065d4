//! Typed payload decoders on arbitrary bytes: WasmHeader (and compressed
//! bytecode), the sparse system (with its full validation), vectors, the
//! manifest, RVFMETA.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(w) = loader::wasm_seg::WasmSegment::parse(data) {
        let _ = w.bytecode_hash_status();
        // Decompression (LZ4 / ZSTD) into a buffer capped at 1 MiB: the
        // result is exactly bytecode_size bytes or an error.
        if let Ok(code) = w.code(1 << 20) {
            assert_eq!(code.len(), w.header.bytecode_size as usize);
        }
    }
    if let Ok(m) = loader::sparse_seg::SparseMatrix::parse(data) {
        let _ = m.validate();
        for a in loader::sparse_seg::SparseArray::ALL {
            let _ = m.u32s(a).len() + m.f64s(a).len();
        }
    }
    if let Ok(v) = loader::vec_seg::VectorSegment::parse(data) {
        for r in v.iter().take(64) {
            let _ = r;
        }
    }
    let _ = loader::manifest::Manifest::parse(data);
    let _ = loader::meta_seg::decode(data);
});
