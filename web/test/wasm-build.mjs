// A tiny WebAssembly binary builder for tests: modules written as sections
// of bytes, so each one exercises exactly one proposal.
const enc = new TextEncoder();
export const leb = (n) => { const out = []; do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n); return out; };
const vec = (items) => [...leb(items.length), ...items.flat()];
const str = (s) => { const b = [...enc.encode(s)]; return [...leb(b.length), ...b]; };
const section = (id, bytes) => (bytes ? [id, ...leb(bytes.length), ...bytes] : []);

export const T = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f };

/** types: [[params], [results]]; imports: [module, name, typeIndex]; funcs: {type, locals: [[n, t]], body: bytes};
 *  tables: [[elemType, min]]; memory: [min, max?, flags?]; exports: [name, kind, index]; raw: {id: bytes} extra sections. */
export function wasm({ types = [[[], []]], imports = [], funcs = [], tables = [], memory = null, globals = [], exports = [], elems = null, datacount = null, data = null, start = null }) {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(types.map(([p, r]) => [0x60, ...vec(p.map((t) => [t])), ...vec(r.map((t) => [t]))]))),
    ...section(2, imports.length ? vec(imports.map(([m, n, t]) => [...str(m), ...str(n), 0, ...leb(t)])) : null),
    ...section(3, funcs.length ? vec(funcs.map((f) => leb(f.type))) : null),
    ...section(4, tables.length ? vec(tables.map(([t, min]) => [t, 0, ...leb(min)])) : null),
    ...section(5, memory ? vec([[memory[2] ?? (memory.length > 1 ? 1 : 0), ...leb(memory[0]), ...(memory.length > 1 ? leb(memory[1]) : [])]]) : null),
    ...section(6, globals.length ? vec(globals) : null),
    ...section(7, exports.length ? vec(exports.map(([n, k, i]) => [...str(n), k, ...leb(i)])) : null),
    ...section(8, start === null ? null : leb(start)),
    ...section(9, elems),
    ...section(12, datacount === null ? null : leb(datacount)),
    ...section(10, funcs.length ? vec(funcs.map((f) => { const b = [...vec((f.locals ?? []).map(([n, t]) => [...leb(n), t])), ...f.body, 0x0b]; return [...leb(b.length), ...b]; })) : null),
    ...section(11, data),
  ]);
}

/** A module that speaks the solver ABI (as interpreter/tests/abi_module.wat.in),
 *  with one thing changed by `o`: abiVersion, memoryMin, start, imports, exports edits,
 *  runBody (rvf_run's instructions, leaving an i32: e.g. SPIN). */
export function abiModule(o = {}) {
  const c = (n) => [0x41, ...sleb(n)];
  const funcs = [
    ['rvf_abi_version', 0, c(o.abiVersion ?? 0x10000)], ['rvf_alloc', 1, c(1024)], ['rvf_set_params', 2, c(0)],
    ['rvf_run', 0, o.runBody ?? c(0)], ['rvf_result_ptr', 0, c(512)], ['rvf_result_len', 0, c(0)], ['rvf_report_ptr', 0, c(0)],
  ];
  const imports = o.imports ?? [];
  const exports = [['memory', 2, 0], ...funcs.map(([n], i) => [n, 0, i + imports.length])]
    .filter(([n]) => n !== o.dropExport)
    .map(([n, k, i]) => (n === o.retypeExport ? [n, 3, 0] : [n, k, i]));
  const types = [[[], [T.i32]], [[T.i32], [T.i32]], [[T.i32, T.i32], [T.i32]], ...(o.types ?? [])];
  const bodies = funcs.map(([, type, body]) => ({ type, body }));
  if (o.start) { types.push([[], []]); bodies.push({ type: types.length - 1, body: [] }); }
  return wasm({
    types, imports, funcs: bodies, memory: [o.memoryMin ?? 1, Math.max(4096, o.memoryMin ?? 1)],
    globals: o.retypeExport ? [[T.i32, 0, 0x41, 0, 0x0b]] : [], exports,
    start: o.start ? imports.length + bodies.length - 1 : null, data: [1, 0, 0x41, 0, 0x0b, 4, 0, 0, 1, 0],
  });
}

/** rvf_run's body for a kernel that never stops: `loop br 0 end; i32.const 0`. */
export const SPIN = [0x03, 0x40, 0x0c, 0x00, 0x0b, 0x41, 0x00];

export function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

const readLeb = (b, at) => { let n = 0, mul = 1, i = at; for (;;) { const x = b[i++]; n += (x & 0x7f) * mul; mul *= 128; if (!(x & 0x80)) return [n, i]; } };

/** `bytes` (a module) with one more function of type () -> (), never called, whose
 *  body is `body` (instructions, without locals or the final end): a way to make
 *  a real kernel use (and declare) one more proposal, e.g. memory.fill for bulk memory. */
export function withFunction(bytes, body) {
  const sections = [];
  for (let at = 8; at < bytes.length;) {
    const id = bytes[at];
    const [len, start] = readLeb(bytes, at + 1);
    sections.push({ id, body: bytes.subarray(start, start + len) });
    at = start + len;
  }
  const recount = (s, extra) => { const [n, rest] = readLeb(s.body, 0); s.body = new Uint8Array([...leb(n + 1), ...s.body.subarray(rest), ...extra]); return n; };
  const types = sections.find((s) => s.id === 1);
  const typeIndex = recount(types, [0x60, 0, 0]);
  recount(sections.find((s) => s.id === 3), leb(typeIndex));
  const code = [0, ...body, 0x0b];
  recount(sections.find((s) => s.id === 10), [...leb(code.length), ...code]);
  return new Uint8Array([...bytes.subarray(0, 8), ...sections.flatMap((s) => [s.id, ...leb(s.body.length), ...s.body])]);
}
