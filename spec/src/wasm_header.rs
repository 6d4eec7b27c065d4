//! The 64-byte `WasmHeader` at the start of a WASM segment's payload. Its
//! layout is upstream's: `rvf_types::wasm_bootstrap::WasmHeader` is
//! `repr(C)` with the wire layout (as its `to_bytes` writes it), so each
//! offset here is `offset_of!` of its field. `loader::wasm_seg` decodes by
//! them; the JS host reads them from the generated facts.

use core::mem::{offset_of, size_of};
pub use rvf_types::wasm_bootstrap::{WasmHeader, WASM_MAGIC};

/// The header's length; the bytecode follows it.
pub const LEN: usize = 64;
const _: () = assert!(size_of::<WasmHeader>() == LEN);

/// The `header_version` this format is (upstream writes 1; no other exists).
pub const VERSION: u16 = 1;

/// Byte offset of each field (`magic` is upstream's `wasm_magic`).
pub mod at {
    use super::{offset_of, WasmHeader};
    pub const MAGIC: usize = offset_of!(WasmHeader, wasm_magic);
    pub const HEADER_VERSION: usize = offset_of!(WasmHeader, header_version);
    pub const ROLE: usize = offset_of!(WasmHeader, role);
    pub const TARGET: usize = offset_of!(WasmHeader, target);
    pub const REQUIRED_FEATURES: usize = offset_of!(WasmHeader, required_features);
    pub const EXPORT_COUNT: usize = offset_of!(WasmHeader, export_count);
    pub const BYTECODE_SIZE: usize = offset_of!(WasmHeader, bytecode_size);
    pub const COMPRESSED_SIZE: usize = offset_of!(WasmHeader, compressed_size);
    pub const COMPRESSION: usize = offset_of!(WasmHeader, compression);
    pub const MIN_MEMORY_PAGES: usize = offset_of!(WasmHeader, min_memory_pages);
    pub const MAX_MEMORY_PAGES: usize = offset_of!(WasmHeader, max_memory_pages);
    pub const TABLE_COUNT: usize = offset_of!(WasmHeader, table_count);
    pub const BYTECODE_HASH: usize = offset_of!(WasmHeader, bytecode_hash);
    pub const BOOTSTRAP_PRIORITY: usize = offset_of!(WasmHeader, bootstrap_priority);
    pub const INTERPRETER_TYPE: usize = offset_of!(WasmHeader, interpreter_type);
    pub const RESERVED: usize = offset_of!(WasmHeader, reserved);
}

/// Bytes of the bytecode hash (SHAKE-256-256 of the uncompressed module).
pub const BYTECODE_HASH_LEN: usize = at::BOOTSTRAP_PRIORITY - at::BYTECODE_HASH;

/// Every field: (name, offset), in wire order (the generated facts).
pub const FIELDS: [(&str, usize); 16] = [
    ("magic", at::MAGIC),
    ("header_version", at::HEADER_VERSION),
    ("role", at::ROLE),
    ("target", at::TARGET),
    ("required_features", at::REQUIRED_FEATURES),
    ("export_count", at::EXPORT_COUNT),
    ("bytecode_size", at::BYTECODE_SIZE),
    ("compressed_size", at::COMPRESSED_SIZE),
    ("compression", at::COMPRESSION),
    ("min_memory_pages", at::MIN_MEMORY_PAGES),
    ("max_memory_pages", at::MAX_MEMORY_PAGES),
    ("table_count", at::TABLE_COUNT),
    ("bytecode_hash", at::BYTECODE_HASH),
    ("bootstrap_priority", at::BOOTSTRAP_PRIORITY),
    ("interpreter_type", at::INTERPRETER_TYPE),
    ("reserved", at::RESERVED),
];

/// The largest module a reader decompresses to judge its bytecode hash
/// (hosts decompress to run at most their module limit,
/// `sandbox::limits::MAX_MODULE_BYTES` by default).
pub const MAX_DECOMPRESSED: usize = 64 << 20;

/// A compressed module may declare at most `MAX_EXPANSION` times its
/// `compressed_size` as `bytecode_size` (LZ4's own bound; no real module
/// compresses better), and always at least `MIN_EXPANDED_CAP`: a larger
/// claim is a size lie or a decompression bomb, refused before any buffer
/// is allocated.
pub const MAX_EXPANSION: u64 = 255;
/// See [`MAX_EXPANSION`].
pub const MIN_EXPANDED_CAP: u64 = 64 << 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_where_upstream_writes_each_field() {
        // A header whose every field holds a distinct byte pattern: each
        // field's bytes must sit at its offset in `to_bytes`.
        let h = WasmHeader {
            wasm_magic: WASM_MAGIC,
            header_version: 0x0201,
            role: 3,
            target: 4,
            required_features: 0x0605,
            export_count: 0x0807,
            bytecode_size: 0x0c0b_0a09,
            compressed_size: 0x100f_0e0d,
            compression: 0x11,
            min_memory_pages: 0x12,
            max_memory_pages: 0x13,
            table_count: 0x14,
            bytecode_hash: [0x15; 32],
            bootstrap_priority: 0x16,
            interpreter_type: 0x17,
            reserved: [0x18; 6],
        };
        let b = h.to_bytes();
        let at = |o: usize, v: &[u8]| assert_eq!(&b[o..o + v.len()], v, "offset {o:#x}");
        at(at::MAGIC, &WASM_MAGIC.to_le_bytes());
        at(at::HEADER_VERSION, &[1, 2]);
        at(at::ROLE, &[3]);
        at(at::TARGET, &[4]);
        at(at::REQUIRED_FEATURES, &[5, 6]);
        at(at::EXPORT_COUNT, &[7, 8]);
        at(at::BYTECODE_SIZE, &[9, 10, 11, 12]);
        at(at::COMPRESSED_SIZE, &[13, 14, 15, 16]);
        at(at::COMPRESSION, &[0x11]);
        at(at::MIN_MEMORY_PAGES, &[0x12]);
        at(at::MAX_MEMORY_PAGES, &[0x13]);
        at(at::TABLE_COUNT, &[0x14]);
        at(at::BYTECODE_HASH, &[0x15; BYTECODE_HASH_LEN]);
        at(at::BOOTSTRAP_PRIORITY, &[0x16]);
        at(at::INTERPRETER_TYPE, &[0x17]);
        at(at::RESERVED, &[0x18; 6]);
        assert_eq!(BYTECODE_HASH_LEN, 32);
    }
}
