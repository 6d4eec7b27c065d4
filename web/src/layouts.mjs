// Facts the JS host needs that spec.generated.mjs does not (yet) carry. Each
// is written once, here, with the Rust owner it mirrors; when the generator
// gains them, this file shrinks to lookups. (Listed in the web/ report.)

import facts from './spec.generated.mjs';

/** The 64-byte segment header (loader/src/header.rs, rvf_types::SegmentHeader). */
export const SEGMENT_HEADER = Object.freeze({
  magic: 0x00, version: 0x04, seg_type: 0x05, flags: 0x06, segment_id: 0x08, payload_length: 0x10,
  timestamp_ns: 0x18, checksum_algo: 0x20, compression: 0x21, content_hash: 0x28, content_hash_len: 16,
  uncompressed_len: 0x38, alignment_pad: 0x3c,
});

/** The runtime-format MANIFEST payload (loader/src/manifest.rs). */
export const MANIFEST = Object.freeze({
  fixed_len: 22, epoch: 0, dimension: 4, total_vectors: 6, seg_count: 14, profile_id: 18, metric_id: 19,
  dir_entry_len: 25, entry: Object.freeze({ segment_id: 0, offset: 8, payload_length: 16, seg_type: 24 }),
  fidi_marker: 0x46494449, file_identity_len: 68, shdg_marker: 0x47444853, shdg_entry_len: 24,
});

/** The tail scan's bounds (loader/src/container.rs). */
export const SCAN = Object.freeze({ heavy_payload: 4096, max_heavy_attempts: 256, budget_bytes: 16 * 1024 * 1024 });

/** The 64-byte WasmHeader (rvf_types::wasm_bootstrap::WasmHeader::from_bytes). */
export const WASM_HEADER = Object.freeze({
  len: 64, magic: 0x00, header_version: 0x04, role: 0x06, target: 0x07, required_features: 0x08, export_count: 0x0a,
  bytecode_size: 0x0c, compressed_size: 0x10, compression: 0x14, min_memory_pages: 0x15, max_memory_pages: 0x16,
  table_count: 0x17, bytecode_hash: 0x18, bytecode_hash_len: 32, bootstrap_priority: 0x38, interpreter_type: 0x39,
  version: 1,
  /** The largest module inspect decompresses to judge its hash (loader/src/wasm_seg.rs MAX_DECOMPRESSED;
   *  hosts decompress at most their module limit, LIMITS.max_module_bytes). */
  max_decompressed: 64 * 1024 * 1024,
});

/** The SPARSE payload, version 1 (docs/FORMAT.md, loader/src/sparse_seg.rs). */
export const SPARSE = Object.freeze({
  header_len: 64, magic: 'RVSP', version: 1, value_f64: 1, index_u32: 1,
  at: Object.freeze({ version: 0x04, value_type: 0x06, index_type: 0x07, rows: 0x08, cols: 0x10, nnz: 0x18, flags: 0x20, reserved: 0x24, dominance_margin: 0x28, reserved_tail: 0x30 }),
  flags: Object.freeze({ symmetric: 1, has_transpose: 2, has_rhs: 4, dominance_known: 8, known: 0xf }),
  /** Arrays in payload order, by their ABI array names (abi.arrays). */
  arrays: Object.freeze(['row_ptr', 'col_idx', 'values', 'rhs', 't_col_ptr', 't_row_idx', 't_values']),
});

/** The VEC payload (loader/src/vec_seg.rs): dim u16, count u32, rows of (id u64, dim × f32). */
export const VEC = Object.freeze({ header_len: 6, dim: 0, count: 2, id_len: 8 });

/** The RVFMETA encoding (rvf_types::metadata). */
export const META = Object.freeze({
  magic: 'RVFMETA\0', done_magic: 'RVFDONE\0', footer_len: 40, version: 1, full_snapshot: 1,
  max_fields: 65536, max_records: 16777216, max_name: 4096, max_value: 16 * 1024 * 1024,
  /** MAX_META_DECODED_BYTES: a larger payload is refused before anything is read. */
  max_decoded: 256 * 1024 * 1024,
});

/** The sandbox's limits (interpreter/src/limits.rs; fuel has no V8 counterpart). */
export const LIMITS = Object.freeze({
  max_memory_bytes: 2 ** 30, max_table_elements: 10000, max_module_bytes: 8 * 1024 * 1024,
  max_result_bytes: 2 ** 30, max_degree_ids: 2 ** 20,
});

/** The `rvf` imports with their exact types (interpreter/src/host.rs IMPORTS). */
export const ABI_IMPORTS = Object.freeze({
  info: [['i32'], ['i64']],
  read: [['i32', 'i64', 'i32', 'i32'], ['i32']],
  row: [['i32', 'i32', 'i32', 'i32', 'i32'], ['i64']],
  degrees: [['i32', 'i32', 'i32', 'i32'], ['i32']],
});

/** The exports every solver module has (interpreter/src/sandbox.rs EXPORTS, plus `memory`). */
export const ABI_EXPORTS = Object.freeze({
  rvf_abi_version: [[], ['i32']],
  rvf_alloc: [['i32'], ['i32']],
  rvf_set_params: [['i32', 'i32'], ['i32']],
  rvf_run: [[], ['i32']],
  rvf_result_ptr: [[], ['i32']],
  rvf_result_len: [[], ['i32']],
  rvf_report_ptr: [[], ['i32']],
});

/** Feature names the sandbox can ever run, SIMD when the engine has it
 *  (interpreter/src/caps.rs: never threads, gc or exception handling). */
export const ENGINE_FEATURES = Object.freeze(['bulk-memory', 'multi-value', 'reference-types', 'tail-call']);

/** Params::default() (spec/src/layout.rs), in rvf-pack run's option names. */
export const DEFAULTS = Object.freeze({
  tol: 1e-8, maxIter: 10000, precondition: false, minMargin: 0.01, alpha: 0.15, epsilon: 1e-4,
  source: 0, target: 0, walks: 10000, seed: 0n, budget: 0n, k: 10,
});

/** Segment signature footers and the signed message: spec/src/signing.rs,
 *  from the generated facts (docs/FORMAT.md "Signatures"). The footer
 *  follows the payload: sig_algo u16, sig_length u16, signature,
 *  footer_length u32. */
export const SIGNATURE = Object.freeze({ ...facts.signing, at: Object.freeze({ ...facts.signing.at }) });

/** Labels: spec/src/labels.rs, from the generated facts (docs/FORMAT.md
 *  "Labels"). A matrix is named by the hex of its SHAKE-256/128 digest. */
export const LABELS = Object.freeze({ ...facts.labels, digest_hex_len: 2 * facts.signing.digest_len });
