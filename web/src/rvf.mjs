// rvf-boot in JavaScript: read an .rvf file (an ArrayBuffer), list its
// segments, pick the solver segment this engine can run (same rules as the
// Rust loader, docs/ABI.md), verify its SHAKE-256 hashes, instantiate it with
// WebAssembly and the `rvf` imports of ABI 1.0 served from the file's bytes,
// and run a method. Works in browsers and in Node. No dependencies but a
// SHAKE-256 function supplied by the caller (setShake256).
//
// Untrusted input: every offset and length is checked against the buffer
// (BigInt arithmetic for u64 fields) before use.

let shake = null;
/** Supply SHAKE-256: (bytes: Uint8Array, outBits: number) => ArrayBuffer|number[]. */
export function setShake256(fn) {
  shake = (bytes, bits) => new Uint8Array(fn.arrayBuffer ? fn.arrayBuffer(bytes, bits) : fn(bytes, bits));
}

export const FEAT = { SIMD: 1, BULK_MEMORY: 2, MULTI_VALUE: 4, REFERENCE_TYPES: 8, THREADS: 16, TAIL_CALL: 32, GC: 64, EH: 128 };
const FEAT_NAMES = ['simd', 'bulk-memory', 'multi-value', 'reference-types', 'threads', 'tail-call', 'gc', 'exception-handling'];
export function featureNames(bits) {
  const n = FEAT_NAMES.filter((_, i) => bits & (1 << i));
  return n.length ? n.join(',') : 'none';
}
const TYPE_NAMES = { 0x01: 'VEC', 0x04: 'JOURNAL', 0x05: 'MANIFEST', 0x07: 'META', 0x0a: 'WITNESS', 0x10: 'WASM', 0x24: 'SPARSE' };
export const typeName = (t) => TYPE_NAMES[t] || 'UNKNOWN';
const ROLES = ['microkernel', 'interpreter', 'combined', 'extension', 'control-plane'];
const TARGETS = ['wasm32', 'wasi-p1', 'wasi-p2', 'browser', 'bare-tile'];

export const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const MAGIC = 0x52564653;
const MANIFEST = 0x05;

class RvfError extends Error {}

function header(bytes, off) {
  if (off + 64 > bytes.length) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset + off, 64);
  if (v.getUint32(0, true) !== MAGIC || v.getUint8(4) !== 1) return null;
  return {
    segType: v.getUint8(5),
    id: v.getBigUint64(8, true),
    payloadLength: v.getBigUint64(16, true),
    algo: v.getUint8(32),
    contentHash: bytes.subarray(off + 40, off + 56),
    pad: v.getUint32(60, true),
  };
}

function payloadOf(bytes, off, h, end) {
  const start = BigInt(off) + 64n;
  if (start + h.payloadLength > BigInt(end)) return null;
  return bytes.subarray(off + 64, off + 64 + Number(h.payloadLength));
}

function parseManifest(p) {
  if (p.length < 22) return null;
  const v = new DataView(p.buffer, p.byteOffset, p.length);
  const count = v.getUint32(14, true);
  if (count > Math.floor((p.length - 22) / 25)) return null;
  const dir = [];
  for (let i = 0; i < count; i++) {
    const o = 22 + 25 * i;
    dir.push({ id: v.getBigUint64(o, true), offset: v.getBigUint64(o + 8, true), payloadLength: v.getBigUint64(o + 16, true), segType: v.getUint8(o + 24) });
  }
  return { epoch: v.getUint32(0, true), dimension: v.getUint16(4, true), totalVectors: v.getBigUint64(6, true), directory: dir };
}

/** SHAKE-256/16 content-hash status of a segment. */
function hashStatus(h, payload) {
  if (h.contentHash.every((b) => b === 0)) return 'not set';
  if (h.algo !== 2) return `unchecked here (algo ${h.algo})`;
  return hex(shake(payload, 128)) === hex(h.contentHash) ? 'verified' : 'MISMATCH';
}

/** Parse a file: newest manifest from the tail, checked directory. */
export function parseFile(buf) {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  let end = bytes.length;
  if (end >= 4096 + 64 && bytes[end - 4096] === 0x30 && bytes[end - 4095] === 0x4d && bytes[end - 4094] === 0x56 && bytes[end - 4093] === 0x52) end -= 4096;
  let found = null;
  for (const stride of [64, 1]) {
    for (let pos = stride === 64 ? (end - 64) & ~63 : end - 64; pos >= 0 && !found; pos -= stride) {
      const h = header(bytes, pos);
      if (!h || h.segType !== MANIFEST) continue;
      const p = payloadOf(bytes, pos, h, end);
      if (!p || hashStatus(h, p) === 'MISMATCH') continue;
      const m = parseManifest(p);
      if (m) found = { offset: pos, header: h, manifest: m };
    }
    if (found) break;
  }
  if (!found) throw new RvfError('no valid manifest');
  const segments = found.manifest.directory.map((e, index) => {
    if (e.offset > BigInt(end) || e.payloadLength > BigInt(end) - e.offset) throw new RvfError(`directory entry ${index} lies outside the file`);
    const off = Number(e.offset);
    const h = header(bytes, off);
    if (!h || h.segType !== e.segType || h.payloadLength !== e.payloadLength) throw new RvfError(`directory entry ${index} does not match its header`);
    const payload = payloadOf(bytes, off, h, end);
    if (!payload) throw new RvfError(`segment ${index} runs past the end of the file`);
    return { index, offset: off, type: h.segType, typeName: typeName(h.segType), id: h.id, payloadLength: payload.length, algo: h.algo, payload, hashStatus: hashStatus(h, payload) };
  });
  return { bytes, manifest: { offset: found.offset, epoch: found.manifest.epoch }, segments };
}

/** The WasmHeader of a WASM segment, or null. */
export function wasmHeader(seg) {
  const p = seg.payload;
  if (p.length < 64) return null;
  const v = new DataView(p.buffer, p.byteOffset, 64);
  if (v.getUint32(0, true) !== 0x5256574d || v.getUint16(4, true) !== 1) return null;
  const bytecodeSize = v.getUint32(12, true);
  if (bytecodeSize !== p.length - 64 || v.getUint8(20) !== 0) return null;
  return {
    role: v.getUint8(6), roleName: ROLES[v.getUint8(6)] || 'unknown',
    target: v.getUint8(7), targetName: TARGETS[v.getUint8(7)] || 'unknown',
    requiredFeatures: v.getUint16(8, true), bytecodeSize,
    maxMemoryPages: v.getUint8(22), bytecodeHash: p.subarray(24, 56), priority: v.getUint8(56),
    bytecode: p.subarray(64),
  };
}

// (module (func (result v128) v128.const i64x2 0 0)) — validates only with SIMD.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);

/** Features this engine runs: SIMD by probing; bulk memory, multi-value,
 *  reference types and tail calls are in every engine we target. */
export function hostFeatures() {
  const base = FEAT.BULK_MEMORY | FEAT.MULTI_VALUE | FEAT.REFERENCE_TYPES | FEAT.TAIL_CALL;
  return WebAssembly.validate(SIMD_PROBE) ? base | FEAT.SIMD : base;
}

const IMPORTS = ['info', 'read', 'row', 'degrees'];
const EXPORTS = ['memory', 'rvf_abi_version', 'rvf_alloc', 'rvf_set_params', 'rvf_run', 'rvf_result_ptr', 'rvf_result_len', 'rvf_report_ptr'];

/** Judge every WASM segment and pick one (rules of docs/ABI.md). */
export function select(file, host = hostFeatures(), force = null) {
  const candidates = file.segments.filter((s) => s.type === 0x10).map((seg) => {
    const c = { index: seg.index, offset: seg.offset, header: wasmHeader(seg), reason: null, module: null };
    const h = c.header;
    if (!h) c.reason = 'malformed WASM segment';
    else if (h.role !== 0 && h.role !== 2) c.reason = `role ${h.roleName} is not runnable`;
    else if (h.target !== 0 && h.target !== 4) c.reason = `target ${h.targetName} is not one this host runs`;
    else if (h.requiredFeatures & ~host) c.reason = `needs ${featureNames(h.requiredFeatures & ~host)}, host lacks it`;
    else if (seg.hashStatus === 'MISMATCH') c.reason = 'segment content hash MISMATCH';
    else {
      const code = h.bytecode.slice(); // a private copy, never the live file
      if (hex(shake(code, 256)) !== hex(h.bytecodeHash)) c.reason = 'bytecode hash is not the SHAKE-256 of the bytecode';
      else if (!WebAssembly.validate(code)) c.reason = 'module does not validate';
      else {
        const m = new WebAssembly.Module(code);
        const bad = WebAssembly.Module.imports(m).find((i) => i.module !== 'rvf' || i.kind !== 'function' || !IMPORTS.includes(i.name));
        const exps = WebAssembly.Module.exports(m).map((e) => e.name);
        const missing = EXPORTS.find((e) => !exps.includes(e));
        if (bad) c.reason = `imports ${bad.module}.${bad.name}`;
        else if (missing) c.reason = `export ${missing} is missing`;
        else c.module = m;
      }
    }
    return c;
  });
  const ok = candidates.filter((c) => c.module && (force === null || c.index === force));
  ok.sort((a, b) => a.header.priority - b.header.priority || popcount(b.header.requiredFeatures) - popcount(a.header.requiredFeatures) || a.index - b.index);
  const chosen = ok[0] || null;
  for (const c of candidates) c.verdict = c.reason ? `rejected: ${c.reason}` : c === chosen ? 'selected' : 'eligible (ranked lower)';
  return { host, candidates, chosen };
}
const popcount = (x) => x.toString(2).split('').filter((b) => b === '1').length;

// ---- the data a run reads -----------------------------------------------------

function align64(x) { return (x + 63) & ~63; }

/** The arrays of the first sparse segment and the first vector segment. */
export function dataArrays(file) {
  const d = { sparse: [], rows: -1, cols: -1, nnz: -1, vectors: new Uint8Array(0), vecDim: -1, vecCount: -1, hasT: 0, hasRhs: 0 };
  const sp = file.segments.find((s) => s.type === 0x24);
  if (sp) {
    const p = sp.payload;
    const v = new DataView(p.buffer, p.byteOffset, p.length);
    const rows = Number(v.getBigUint64(8, true)), cols = Number(v.getBigUint64(16, true)), nnz = Number(v.getBigUint64(24, true));
    const flags = v.getUint32(32, true);
    const hasT = flags & 2 ? 1 : 0, hasRhs = flags & 4 ? 1 : 0;
    const lens = [(rows + 1) * 4, nnz * 4, nnz * 8, hasRhs ? rows * 8 : 0, hasT ? (cols + 1) * 4 : 0, hasT ? nnz * 4 : 0, hasT ? nnz * 8 : 0];
    let pos = 64, total = 64;
    for (const len of lens) {
      if (len === 0) { d.sparse.push(new Uint8Array(0)); continue; }
      if (pos + len > p.length) throw new RvfError('sparse arrays exceed the payload');
      d.sparse.push(p.subarray(pos, pos + len));
      total = pos + len;
      pos = align64(total);
    }
    if (total !== p.length) throw new RvfError('sparse payload length does not match its layout');
    Object.assign(d, { rows, cols, nnz, hasT, hasRhs, sparseSegment: sp });
  }
  const vs = file.segments.find((s) => s.type === 0x01);
  if (vs) {
    const v = new DataView(vs.payload.buffer, vs.payload.byteOffset, vs.payload.length);
    d.vecDim = v.getUint16(0, true);
    d.vecCount = v.getUint32(2, true);
    if (6 + d.vecCount * (8 + 4 * d.vecDim) !== vs.payload.length) throw new RvfError('vector payload length mismatch');
    d.vectors = vs.payload.subarray(6);
  }
  return d;
}

/** One vector's f32 bytes (for a k-NN query). */
export function vectorBytes(d, i) {
  const stride = 8 + 4 * d.vecDim;
  return d.vectors.slice(i * stride + 8, (i + 1) * stride);
}

// ---- ABI 1.0 -------------------------------------------------------------------

export const METHODS = { cg: 1, jacobi: 2, 'ppr-forward': 3, 'ppr-backward': 4, 'walk-estimate': 5, knn: 6 };
const HOST_READ = -7;

export const DEFAULT_PARAMS = { tol: 1e-8, maxIter: 10000, flags: 0, alpha: 0.15, epsilon: 1e-4, seed: 0n, source: 0, target: 0, k: 10, metric: 0, workBudget: 0n, numWalks: 10000, minMargin: 0.01 };

function encodeParams(method, p, inputPtr, inputLen) {
  const b = new ArrayBuffer(128), v = new DataView(b);
  v.setUint32(0, 1, true); v.setUint32(4, method, true); v.setFloat64(8, p.tol, true); v.setUint32(16, p.maxIter, true);
  v.setUint32(20, p.flags, true); v.setFloat64(24, p.alpha, true); v.setFloat64(32, p.epsilon, true);
  v.setBigUint64(40, BigInt(p.seed), true); v.setUint32(48, p.source, true); v.setUint32(52, p.target, true);
  v.setUint32(56, p.k, true); v.setUint32(60, p.metric, true); v.setBigUint64(64, BigInt(p.workBudget), true);
  v.setUint32(72, p.numWalks, true); v.setUint32(76, inputPtr, true); v.setUint32(80, inputLen, true); v.setFloat64(88, p.minMargin, true);
  return new Uint8Array(b);
}

function decodeReport(b) {
  const v = new DataView(b.buffer, b.byteOffset, 64);
  if (v.getUint32(0, true) >>> 16 !== 1) throw new RvfError('report has the wrong ABI version');
  return {
    status: v.getInt32(4, true), method: v.getUint32(8, true), resultKind: v.getUint32(12, true),
    iterations: v.getBigUint64(16, true), residual: v.getFloat64(24, true), estimate: v.getFloat64(32, true),
    work: v.getBigUint64(40, true), converged: v.getUint32(48, true), resultCount: v.getUint32(52, true),
  };
}

/** The `rvf` imports over the data arrays (semantics of microkernel::source). */
function imports(d, mem) {
  const u8 = () => new Uint8Array(mem.value.buffer);
  const array = (id) => (id === 16 ? d.vectors : id < 7 ? d.sparse[id] || new Uint8Array(0) : new Uint8Array(0));
  const put = (dst, bytes) => {
    const m = u8();
    if (dst < 0 || dst + bytes.length > m.length) return false;
    m.set(bytes, dst);
    return true;
  };
  const rowBytes = (set, u) => {
    const [ptr, idx, val, n] = set === 0 ? [0, 1, 2, d.rows] : set === 1 ? [4, 5, 6, d.cols] : [-1];
    if (ptr < 0 || u >= n || array(ptr).length === 0) return null;
    const pv = new DataView(array(ptr).buffer, array(ptr).byteOffset, array(ptr).length);
    if (4 * (u + 2) > pv.byteLength) return null;
    const a = pv.getUint32(4 * u, true), b = pv.getUint32(4 * u + 4, true);
    if (a > b || b * 4 > array(idx).length || b * 8 > array(val).length) return null;
    return [array(idx).subarray(a * 4, b * 4), array(val).subarray(a * 8, b * 8)];
  };
  return {
    rvf: {
      info: (key) => BigInt([d.rows, d.cols, d.nnz, d.hasT, d.hasRhs, d.vecDim, d.vecCount][key] ?? -1),
      read: (id, off, len, dst) => {
        const a = array(id), o = Number(off);
        if (off < 0n || off > BigInt(a.length) || len > a.length - o) return HOST_READ;
        return put(dst >>> 0, a.subarray(o, o + len)) ? 0 : HOST_READ;
      },
      row: (set, u, cols, vals, cap) => {
        const r = rowBytes(set, u >>> 0);
        if (!r) return BigInt(HOST_READ);
        const n = r[0].length / 4;
        if (n > cap >>> 0) return BigInt(n);
        if (!put(cols >>> 0, r[0]) || (vals !== 0 && !put(vals >>> 0, r[1]))) return BigInt(HOST_READ);
        return BigInt(n);
      },
      degrees: (set, ids, n, out) => {
        n >>>= 0;
        if (n > 1 << 20) return -1;
        const m = u8();
        if ((ids >>> 0) + 4 * n > m.length) return HOST_READ;
        const idv = new DataView(m.buffer, ids >>> 0, 4 * n);
        const res = new Uint8Array(4 * n), rv = new DataView(res.buffer);
        for (let i = 0; i < n; i++) {
          const r = rowBytes(set, idv.getUint32(4 * i, true));
          if (!r) return HOST_READ;
          rv.setUint32(4 * i, r[0].length / 4, true);
        }
        return put(out >>> 0, res) ? 0 : HOST_READ;
      },
    },
  };
}

/** Run `method` with `params` on the chosen (or given) candidate. */
export async function run(file, selection, method, params = {}, input = new Uint8Array(0)) {
  const c = selection.chosen;
  if (!c) throw new RvfError('no runnable solver segment');
  const d = dataArrays(file);
  const p = { ...DEFAULT_PARAMS, ...params };
  const memRef = { value: null };
  const inst = await WebAssembly.instantiate(c.module, imports(d, memRef));
  const e = inst.exports;
  memRef.value = e.memory;
  if (e.rvf_abi_version() >>> 16 !== 1) throw new RvfError('module speaks another ABI major version');
  let iptr = 0;
  if (input.length) {
    iptr = e.rvf_alloc(input.length) >>> 0;
    new Uint8Array(e.memory.buffer).set(input, iptr);
  }
  const pptr = e.rvf_alloc(128) >>> 0;
  new Uint8Array(e.memory.buffer).set(encodeParams(METHODS[method], p, iptr, input.length), pptr);
  const st = e.rvf_set_params(pptr, 128);
  if (st !== 0) return { report: { status: st }, output: new Uint8Array(0), digest: hex(shake(new Uint8Array(0), 256)) };
  e.rvf_run();
  const mem = new Uint8Array(e.memory.buffer);
  const rptr = e.rvf_report_ptr() >>> 0;
  if (rptr + 64 > mem.length) throw new RvfError('report lies outside guest memory');
  const report = decodeReport(mem.slice(rptr, rptr + 64));
  const optr = e.rvf_result_ptr() >>> 0, olen = e.rvf_result_len() >>> 0;
  if (optr + olen > mem.length) throw new RvfError('result lies outside guest memory');
  const expected = report.resultKind === 0 ? report.resultCount * 8 : report.resultCount * 16;
  if (olen !== expected && !(olen === 0 && report.status !== 0)) throw new RvfError('result length disagrees with the report');
  const output = mem.slice(optr, optr + olen);
  return { report, output, digest: hex(shake(output, 256)), segment: c.index, features: c.header.requiredFeatures };
}

/** Results as [index, value] pairs (dense: position as index). */
export function results(out) {
  const v = new DataView(out.output.buffer, out.output.byteOffset, out.output.length);
  const r = [];
  if (out.report.resultKind === 0) for (let i = 0; i < out.output.length / 8; i++) r.push([i, v.getFloat64(8 * i, true)]);
  else for (let i = 0; i < out.output.length / 16; i++) r.push([v.getUint32(16 * i, true), v.getFloat64(16 * i + 8, true)]);
  return r;
}
