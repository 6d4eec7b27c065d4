// Typed payloads (loader/src/{wasm_seg,sparse_seg,vec_seg,meta_seg}.rs and
// rvf_types::metadata): decoded and checked exactly as the Rust loader
// does, with its error words. Views, never copies, of the file's bytes
// (but a compressed module, decompressed into a buffer of its own).
import { format, ARRAY, COMPRESSION } from './spec.mjs';
import { containerError } from './errors.mjs';
import { bytecodeHashStatus } from './hashes.mjs';
import { WASM_HEADER as W, SPARSE as S, VEC } from './layouts.mjs';
import { lz4DecodeInto, Lz4Error } from './lz4.mjs';
import { zstdDecodeInto, ZstdError } from './zstd.mjs';

const dv = (b) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const bad = (kind, what) => containerError('bad_payload', `malformed ${kind} payload: ${what}`);
const overflow = (kind, what) => containerError('count_overflow', `${kind} payload: ${what} overflows`);

/** The largest bytecode_size `compressedSize` stored bytes may claim
 *  (loader/src/wasm_seg.rs max_expanded; rvf_spec::wasm_header::MAX_EXPANSION). */
export const maxExpanded = (compressedSize) => Math.max(compressedSize * W.max_expansion, W.min_expanded_cap);

/** A WASM segment payload: {header, bytecode}. */
export function parseWasm(p) {
  if (p.length < W.len) throw bad('WASM', 'shorter than the 64-byte WasmHeader');
  const v = dv(p);
  if (v.getUint32(W.magic, true) !== format.wasm_magic) throw bad('WASM', 'bad WasmHeader magic');
  const header = {
    headerVersion: v.getUint16(W.header_version, true), role: p[W.role], target: p[W.target],
    requiredFeatures: v.getUint16(W.required_features, true), exportCount: v.getUint16(W.export_count, true),
    bytecodeSize: v.getUint32(W.bytecode_size, true), compressedSize: v.getUint32(W.compressed_size, true),
    compression: p[W.compression], minMemoryPages: p[W.min_memory_pages], maxMemoryPages: p[W.max_memory_pages],
    tableCount: p[W.table_count], bytecodeHash: p.slice(W.bytecode_hash, W.bytecode_hash + W.bytecode_hash_len),
    priority: p[W.bootstrap_priority], interpreterType: p[W.interpreter_type],
  };
  if (header.headerVersion !== W.version) throw bad('WASM', 'unsupported WasmHeader version');
  const stored = p.length - W.len;
  if (header.compression === COMPRESSION.none) {
    if (header.compressedSize !== 0) throw bad('WASM', 'compressed_size is set but compression is none');
    if (header.bytecodeSize !== stored) throw bad('WASM', 'bytecode_size disagrees with payload_length - 64');
  } else if (header.compression === COMPRESSION.lz4 || header.compression === COMPRESSION.zstd) {
    if (header.compressedSize !== stored) throw bad('WASM', 'compressed_size disagrees with payload_length - 64');
    if (header.bytecodeSize > maxExpanded(header.compressedSize)) {
      throw bad('WASM', 'bytecode_size claims more than compressed_size bytes may expand to (a size lie or a decompression bomb)');
    }
  } else throw bad('WASM', 'unknown compression (only none, LZ4 and ZSTD)');
  return { header, bytecode: p.subarray(W.len) };
}

/** The module's bytecode (WasmSegment::code): the stored bytes, or a fresh
 *  buffer of exactly bytecode_size bytes with them decompressed, only when
 *  bytecode_size ≤ `cap`. Throws the loader's bad_payload errors. */
export function wasmCode(w, cap) {
  const h = w.header;
  if (h.compression === COMPRESSION.none) return w.bytecode;
  const size = h.bytecodeSize;
  if (size > cap) throw bad('WASM', 'bytecode_size is above the module size limit');
  let out;
  try { out = new Uint8Array(size); } catch { throw bad('WASM', 'no memory for the decompressed bytecode'); }
  let n;
  if (h.compression === COMPRESSION.lz4) {
    try { n = lz4DecodeInto(w.bytecode, out); } catch (e) { if (!(e instanceof Lz4Error)) throw e; throw bad('WASM', 'LZ4 data is corrupt or larger than bytecode_size'); }
  } else {
    try { n = zstdDecodeInto(w.bytecode, out); } catch (e) { if (!(e instanceof ZstdError)) throw e; throw bad('WASM', 'ZSTD data is corrupt or larger than bytecode_size'); }
  }
  if (n !== size) throw bad('WASM', 'decompressed size differs from bytecode_size');
  return out;
}

/** The stored bytecode hash judged against the (decompressed) module
 *  (WasmSegment::bytecode_hash_status): a module that does not decompress
 *  within MAX_DECOMPRESSED is a mismatch. */
export function wasmHashStatus(w) {
  let code;
  try { code = wasmCode(w, W.max_decompressed); } catch (e) { if (e?.class !== 'bad_payload') throw e; return { class: 'mismatch', label: 'MISMATCH' }; }
  return bytecodeHashStatus(w.header.bytecodeHash, code);
}

/** A SPARSE payload (O(1): header and length): {header, arrays: {row_ptr: Uint8Array, ...}}. */
export function parseSparse(p) {
  const K = 'sparse';
  if (p.length < S.header_len) throw bad(K, 'shorter than the 64-byte header');
  const v = dv(p), A = S.at;
  if (String.fromCharCode(...p.subarray(0, 4)) !== S.magic) throw bad(K, 'bad magic (expected "RVSP")');
  if (v.getUint16(A.version, true) !== S.version) throw bad(K, 'unsupported version');
  if (p[A.value_type] !== S.value_f64 || p[A.index_type] !== S.index_u32) throw bad(K, 'unsupported value/index type (need f64 values, u32 indices)');
  const flags = v.getUint32(A.flags, true);
  if (flags & ~S.flags.known) throw bad(K, 'unknown flag bits');
  if (v.getUint32(A.reserved, true) !== 0 || p.subarray(A.reserved_tail, S.header_len).some((b) => b)) throw bad(K, 'reserved header bytes are not zero');
  const rows = v.getBigUint64(A.rows, true), cols = v.getBigUint64(A.cols, true), nnz = v.getBigUint64(A.nnz, true);
  if (rows > 0xfffffffen || cols > 0xfffffffen || nnz > 0xffffffffn) throw overflow(K, 'rows/cols/nnz beyond u32 indices');
  const header = { rows: Number(rows), cols: Number(cols), nnz: Number(nnz), flags, dominanceMargin: v.getFloat64(A.dominance_margin, true) };
  const hasT = (flags & S.flags.has_transpose) !== 0, hasRhs = (flags & S.flags.has_rhs) !== 0;
  const { rows: r, cols: c, nnz: n } = header;
  const lens = { row_ptr: (r + 1) * 4, col_idx: n * 4, values: n * 8, rhs: hasRhs ? r * 8 : 0, t_col_ptr: hasT ? (c + 1) * 4 : 0, t_row_idx: hasT ? n * 4 : 0, t_values: hasT ? n * 8 : 0 };
  let pos = S.header_len, total = pos;
  const at = {};
  for (const name of S.arrays) {
    const len = lens[name];
    at[name] = [pos, len];
    if (len === 0) continue;
    total = pos + len;
    pos = Math.ceil(total / format.alignment) * format.alignment;
  }
  if (total !== p.length) throw bad(K, 'payload length does not match the array layout');
  const arrays = {};
  for (const name of S.arrays) arrays[name] = p.subarray(at[name][0], at[name][0] + at[name][1]);
  const has = (f) => (flags & f) !== 0;
  return { header, arrays, has, symmetric: has(S.flags.symmetric), hasTranspose: hasT, hasRhs, dominanceKnown: has(S.flags.dominance_known) };
}

const u32s = (b) => { const v = dv(b), out = new Uint32Array(b.length / 4); for (let i = 0; i < out.length; i++) out[i] = v.getUint32(4 * i, true); return out; };
const f64s = (b) => { const v = dv(b), out = new Float64Array(b.length / 8); for (let i = 0; i < out.length; i++) out[i] = v.getFloat64(8 * i, true); return out; };

function checkCsr(ptr, idx, nnz, bound) {
  if (ptr[0] !== 0) throw bad('sparse', 'row_ptr does not start at 0');
  for (let i = 1; i < ptr.length; i++) if (ptr[i] < ptr[i - 1]) throw bad('sparse', 'row_ptr is not monotone');
  if (ptr[ptr.length - 1] !== nnz) throw bad('sparse', 'row_ptr does not end at nnz');
  for (const c of idx) if (c >= bound) throw bad('sparse', 'column index out of range');
}

/** The O(nnz) structural check (SparseMatrix::validate). */
export function validateSparse(m) {
  const { rows, cols, nnz } = m.header, a = m.arrays;
  const rp = u32s(a.row_ptr), ci = u32s(a.col_idx), val = f64s(a.values);
  checkCsr(rp, ci, nnz, cols);
  if (val.some((x) => !Number.isFinite(x))) throw bad('sparse', 'non-finite value');
  if (f64s(a.rhs).some((x) => !Number.isFinite(x))) throw bad('sparse', 'non-finite right-hand side');
  if (!m.hasTranspose) return;
  const tp = u32s(a.t_col_ptr), ti = u32s(a.t_row_idx), tvb = a.t_values, vb = a.values;
  checkCsr(tp, ti, nnz, rows);
  const next = tp.slice(0, cols);
  const sameBits = (i, j) => { for (let b = 0; b < 8; b++) if (tvb[8 * i + b] !== vb[8 * j + b]) return false; return true; };
  for (let r = 0; r < rows; r++) {
    for (let k = rp[r]; k < rp[r + 1]; k++) {
      const c = ci[k], slot = next[c];
      if (slot >= tp[c + 1] || ti[slot] !== r || !sameBits(slot, k)) throw bad('sparse', 'stored transpose is not the transpose of the matrix');
      next[c]++;
    }
  }
}

/** A VEC payload: {dim, count, rows (the row bytes), stride}. */
export function parseVectors(p) {
  if (p.length < VEC.header_len) throw bad('vector', 'shorter than the 6-byte header');
  const v = dv(p), dim = v.getUint16(VEC.dim, true), count = v.getUint32(VEC.count, true);
  const stride = VEC.id_len + 4 * dim;
  if (VEC.header_len + count * stride !== p.length) throw bad('vector', 'payload length is not 6 + count × (8 + 4·dim)');
  return { dim, count, stride, rows: p.subarray(VEC.header_len) };
}

/** Values of row i of a VEC segment (f32 decoded). */
export function vectorValues(seg, i) {
  const v = dv(seg.rows), out = new Float32Array(seg.dim), o = i * seg.stride + VEC.id_len;
  for (let j = 0; j < seg.dim; j++) out[j] = v.getFloat32(o + 4 * j, true);
  return out;
}

export { decodeMeta } from './meta.mjs';

/** Sparse arrays keyed by ABI array id (abi.arrays). */
export const sparseArrayIds = () => S.arrays.map((name) => [name, ARRAY[name]]);
