// A WebAssembly binary scanner: walks every section and every instruction
// and reports which proposals (RVF feature bits) the module uses, which it
// uses that no RVF host runs (multi-memory, memory64, relaxed SIMD, GC
// types, a start function, ...), and its types, imports and exports.
// V8's WebAssembly.validate accepts whatever the engine has; this is how
// the JS host validates a module under its *declared* features only, with
// the rules wasmparser applies (leave-one-out, as rvf-pack derives them).
import { FEAT } from './spec.mjs';

const VALTYPE = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const GC_HEAP = new Set([0x6e, 0x6d, 0x6c, 0x6b, 0x6a, 0x71, 0x72, 0x73, 0x74, 0x69, 0x68, 0x75]);

class Malformed extends Error {}

class Reader {
  constructor(bytes, pos = 0, end = bytes.length, root = null) { this.b = bytes; this.pos = pos; this.end = end; this.root = root ?? this; }
  eof() { return this.pos >= this.end; }
  u8() { if (this.pos >= this.end) throw new Malformed('unexpected end'); return this.b[this.pos++]; }
  peek() { if (this.pos >= this.end) throw new Malformed('unexpected end'); return this.b[this.pos]; }
  u32() {
    let r = 0, shift = 0;
    for (let i = 0; i < 5; i++) {
      const x = this.u8();
      r += (x & 0x7f) * 2 ** shift;
      if (!(x & 0x80)) { if (r > 0xffffffff) throw new Malformed('integer too large'); return r; }
      shift += 7;
    }
    throw new Malformed('integer representation too long');
  }
  sleb(maxBytes) {
    for (let i = 0; i < maxBytes; i++) if (!(this.u8() & 0x80)) return;
    throw new Malformed('integer representation too long');
  }
  skip(n) { if (n > this.end - this.pos) throw new Malformed('unexpected end'); this.pos += n; }
  bytes(n) { this.skip(n); return this.b.subarray(this.pos - n, this.pos); }
  name() { return new TextDecoder().decode(this.bytes(this.u32())); }
}

/** Scan a module: {features, unsupported: string[], types, imports, exports,
 *  funcTypes, memories, tables, error} (error: malformed binary). */
export function scanModule(bytes) {
  const s = { features: 0, firstUse: {}, unsupported: [], types: [], imports: [], exports: [], funcTypes: [], memories: [], tables: [], error: null };
  const r = new Reader(bytes);
  const use = (name) => { s.features |= FEAT[name]; s.firstUse[name] ??= r.at ?? r.pos; };
  const refuse = (what) => { if (!s.unsupported.includes(what)) s.unsupported.push(what); };
  try {
    scan(r, s, use, refuse);
  } catch (e) {
    if (!(e instanceof Malformed)) throw e;
    s.error = e.message;
  }
  return s;
}

function valtype(r, use, refuse, { inTable = false } = {}) {
  const t = r.u8();
  if (t === 0x7b) use('simd');
  else if (t === 0x70 || t === 0x6f) { if (!(inTable && t === 0x70)) use('reference-types'); } else if (t === 0x63 || t === 0x64) {
    heaptype(r, use, refuse);
    use('reference-types');
    refuse('typed function references (GC)');
  } else if (GC_HEAP.has(t)) {
    use(t === 0x69 ? 'exception-handling' : 'gc');
    refuse(t === 0x69 ? 'exception references' : 'GC reference types');
  } else if (!VALTYPE[t]) throw new Malformed(`invalid value type 0x${t.toString(16)}`);
  return VALTYPE[t] ?? 'ref';
}

function heaptype(r, use, refuse) {
  const b = r.peek();
  if (b === 0x70 || b === 0x6f) { r.u8(); use('reference-types'); return; }
  if (GC_HEAP.has(b)) { r.u8(); use('gc'); refuse('GC heap types'); return; }
  r.sleb(5);
  refuse('typed function references (GC)');
}

function limits(r, what, use, refuse) {
  const flags = r.u8();
  if (flags & ~0x0f) throw new Malformed(`invalid ${what} limits flags`);
  if (flags & 0x02) { use('threads'); refuse('shared memory (threads)'); }
  if (flags & 0x04) refuse(`64-bit ${what} (memory64)`);
  if (flags & 0x08) refuse('custom page sizes');
  const big = (flags & 0x04) !== 0;
  const num = () => (big ? (r.sleb(10), 0) : r.u32());
  const min = num(), max = flags & 0x01 ? num() : null;
  return { min, max };
}

function scan(r, s, use, refuse) {
  const magic = r.bytes(4), version = r.bytes(4);
  if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) throw new Malformed('not a WebAssembly module (bad magic)');
  if (version[0] !== 1 || version[1] || version[2] || version[3]) throw new Malformed('unsupported WebAssembly version (a component?)');
  let importedFuncs = 0, dataSegments = 0;
  while (!r.eof()) {
    const id = r.u8(), size = r.u32();
    const sec = new Reader(r.b, r.pos, r.pos + size, r);
    r.skip(size);
    switch (id) {
      case 0: break;
      case 1: for (let n = sec.u32(); n > 0; n--) s.types.push(functype(sec, use, refuse)); break;
      case 2:
        for (let n = sec.u32(); n > 0; n--) {
          const module = sec.name(), name = sec.name(), kind = sec.u8();
          const imp = { module, name, kind: ['function', 'table', 'memory', 'global', 'tag'][kind] ?? 'unknown' };
          if (kind === 0) { imp.type = sec.u32(); importedFuncs++; s.funcTypes.push(imp.type); } else if (kind === 1) { valtype(sec, use, refuse, { inTable: true }); s.tables.push(limits(sec, 'table', use, refuse)); } else if (kind === 2) s.memories.push(limits(sec, 'memory', use, refuse));
          else if (kind === 3) { valtype(sec, use, refuse); if (sec.u8() > 1) refuse('shared globals'); } else if (kind === 4) { use('exception-handling'); refuse('exception tags'); sec.u8(); sec.u32(); } else throw new Malformed('invalid import kind');
          s.imports.push(imp);
        }
        break;
      case 3: for (let n = sec.u32(); n > 0; n--) s.funcTypes.push(sec.u32()); break;
      case 4:
        for (let n = sec.u32(); n > 0; n--) {
          if (sec.peek() === 0x40) { sec.u8(); if (sec.u8() !== 0) throw new Malformed('invalid table encoding'); use('reference-types'); refuse('tables with initialisers (GC)'); valtype(sec, use, refuse, { inTable: true }); s.tables.push(limits(sec, 'table', use, refuse)); constExpr(sec, use, refuse); continue; }
          valtype(sec, use, refuse, { inTable: true });
          s.tables.push(limits(sec, 'table', use, refuse));
        }
        break;
      case 5: for (let n = sec.u32(); n > 0; n--) s.memories.push(limits(sec, 'memory', use, refuse)); break;
      case 6: for (let n = sec.u32(); n > 0; n--) { valtype(sec, use, refuse); if (sec.u8() > 1) refuse('shared globals'); constExpr(sec, use, refuse); } break;
      case 7: for (let n = sec.u32(); n > 0; n--) { const name = sec.name(), kind = sec.u8(), index = sec.u32(); s.exports.push({ name, kind: ['function', 'table', 'memory', 'global', 'tag'][kind] ?? 'unknown', index }); } break;
      case 8: sec.u32(); refuse('a start function'); break;
      case 9: elements(sec, use, refuse); break;
      case 10: {
        const n = sec.u32();
        for (let i = 0; i < n; i++) {
          const len = sec.u32(), body = new Reader(sec.b, sec.pos, sec.pos + len, r);
          sec.skip(len);
          for (let k = body.u32(); k > 0; k--) { body.u32(); valtype(body, use, refuse); }
          code(body, s, use, refuse);
        }
        break;
      }
      case 11:
        for (let n = sec.u32(); n > 0; n--, dataSegments++) {
          const flags = sec.u32();
          if (flags === 1) use('bulk-memory');
          else if (flags === 0 || flags === 2) { if (flags === 2 && sec.u32() !== 0) refuse('multiple memories'); constExpr(sec, use, refuse); } else throw new Malformed('invalid data segment flags');
          sec.skip(sec.u32());
        }
        break;
      case 12: sec.u32(); use('bulk-memory'); break;
      case 13: use('exception-handling'); refuse('exception tags'); break;
      default: throw new Malformed(`unknown section id ${id}`);
    }
    if (id !== 0 && !sec.eof()) throw new Malformed(`section ${id} size mismatch`);
  }
  if (s.memories.length > 1) refuse('multiple memories');
  if (s.tables.length > 1) use('reference-types');
  void importedFuncs; void dataSegments;
}

function functype(r, use, refuse) {
  const form = r.u8();
  if (form !== 0x60) {
    use('gc');
    refuse('GC types (struct, array, recursion groups)');
    throw new Malformed('GC type definitions are not scanned');
  }
  const params = [], results = [];
  for (let n = r.u32(); n > 0; n--) params.push(valtype(r, use, refuse));
  for (let n = r.u32(); n > 0; n--) results.push(valtype(r, use, refuse));
  if (results.length > 1) use('multi-value');
  return { params, results };
}

function elements(r, use, refuse) {
  for (let n = r.u32(); n > 0; n--) {
    const flags = r.u32();
    if (flags > 7) throw new Malformed('invalid flags byte in element segment');
    if (flags & 1) use('bulk-memory');
    const exprs = (flags & 4) !== 0;
    if (exprs) use('reference-types');
    if (!(flags & 1)) {
      if (flags & 2) { if (r.u32() !== 0) use('reference-types'); }
      constExpr(r, use, refuse);
    }
    if (flags & 3) { if (exprs) valtype(r, use, refuse); else if (r.u8() !== 0) throw new Malformed('only the function external type is supported in elem segment'); }
    for (let k = r.u32(); k > 0; k--) { if (exprs) constExpr(r, use, refuse); else r.u32(); }
  }
}

function constExpr(r, use, refuse) {
  for (;;) if (instr(r, use, refuse, true) === 0x0b) return;
}

function code(r, s, use, refuse) {
  while (!r.eof()) instr(r, use, refuse, false);
}

function blocktype(r, use, refuse) {
  const b = r.peek();
  if (b === 0x40) { r.u8(); return; }
  if ((b & 0xc0) === 0x40) { valtype(r, use, refuse); return; }
  r.sleb(5);
  use('multi-value');
}

const memarg = (r, refuse) => {
  const flags = r.u32();
  if (flags & 0x40) { refuse('multiple memories'); r.u32(); }
  r.u32();
};
const zeroByte = (r, refuse, what) => { if (r.u8() !== 0) refuse(what); };
const tableIdx = (r, use) => { if (r.u32() !== 0) use('reference-types'); };

/** One instruction; returns its opcode. */
function instr(r, use, refuse, constant) {
  r.root.at = r.pos;
  const op = r.u8();
  if (op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b) return op;
  if (op >= 0x02 && op <= 0x04) blocktype(r, use, refuse);
  else if (op === 0x06) { blocktype(r, use, refuse); use('exception-handling'); refuse('exception handling'); } else if ([0x07, 0x08, 0x09, 0x18].includes(op)) { r.u32(); use('exception-handling'); refuse('exception handling'); } else if (op === 0x0a || op === 0x19) { use('exception-handling'); refuse('exception handling'); } else if (op === 0x1f) {
    blocktype(r, use, refuse);
    for (let n = r.u32(); n > 0; n--) { const k = r.u8(); if (k < 2) r.u32(); r.u32(); }
    use('exception-handling');
    refuse('exception handling');
  } else if (op === 0x0c || op === 0x0d || op === 0x10 || (op >= 0x20 && op <= 0x24)) r.u32();
  else if (op === 0x0e) { for (let n = r.u32(); n > 0; n--) r.u32(); r.u32(); } else if (op === 0x11) {
    r.u32();
    if (r.peek() === 0) r.u8(); else { r.u32(); use('reference-types'); }
  } else if (op === 0x12) { r.u32(); use('tail-call'); } else if (op === 0x13) { r.u32(); tableIdx(r, use); use('tail-call'); } else if (op === 0x14 || op === 0x15) { r.u32(); use('reference-types'); refuse('typed function references (GC)'); } else if (op === 0x1c) { for (let n = r.u32(); n > 0; n--) valtype(r, use, refuse); use('reference-types'); } else if (op === 0x25 || op === 0x26) { r.u32(); use('reference-types'); } else if (op >= 0x28 && op <= 0x3e) memarg(r, refuse);
  else if (op === 0x3f || op === 0x40) zeroByte(r, refuse, 'multiple memories');
  else if (op === 0x41) r.sleb(5);
  else if (op === 0x42) r.sleb(10);
  else if (op === 0x43) r.skip(4);
  else if (op === 0x44) r.skip(8);
  else if (op >= 0x45 && op <= 0xc4) { /* numeric, sign extension: no immediates */ } else if (op === 0xd0) { heaptype(r, use, refuse); use('reference-types'); } else if (op === 0xd1) use('reference-types');
  else if (op === 0xd2) { r.u32(); use('reference-types'); } else if (op === 0xd3) { use('gc'); refuse('GC instructions'); } else if (op === 0xd4) { use('reference-types'); refuse('typed function references (GC)'); } else if (op === 0xd5 || op === 0xd6) { r.u32(); use('reference-types'); refuse('typed function references (GC)'); } else if (op === 0xfb) {
    use('gc');
    refuse('GC instructions');
    throw new Malformed('GC instructions are not scanned');
  } else if (op === 0xfc) prefixFC(r, use, refuse);
  else if (op === 0xfd) prefixFD(r, use, refuse);
  else if (op === 0xfe) prefixFE(r, use, refuse);
  else throw new Malformed(`unknown opcode 0x${op.toString(16)}`);
  void constant;
  return op;
}

function prefixFC(r, use, refuse) {
  const sub = r.u32();
  if (sub <= 7) return;
  if (sub >= 8 && sub <= 14) use('bulk-memory');
  if (sub === 8) { r.u32(); zeroByte(r, refuse, 'multiple memories'); } else if (sub === 9 || sub === 13) r.u32();
  else if (sub === 10) { zeroByte(r, refuse, 'multiple memories'); zeroByte(r, refuse, 'multiple memories'); } else if (sub === 11) zeroByte(r, refuse, 'multiple memories');
  else if (sub === 12) { r.u32(); tableIdx(r, use); } else if (sub === 14) { tableIdx(r, use); tableIdx(r, use); } else if (sub >= 15 && sub <= 17) { r.u32(); use('reference-types'); } else if (sub === 18) { r.u32(); refuse('memory control'); } else if (sub >= 19 && sub <= 22) refuse('wide arithmetic');
  else throw new Malformed(`unknown 0xfc opcode ${sub}`);
}

function prefixFD(r, use, refuse) {
  use('simd');
  const sub = r.u32();
  if (sub <= 11 || sub === 92 || sub === 93) memarg(r, refuse);
  else if (sub === 12 || sub === 13) r.skip(16);
  else if (sub >= 21 && sub <= 34) r.u8();
  else if (sub >= 84 && sub <= 91) { memarg(r, refuse); r.u8(); } else if (sub >= 0x100 && sub <= 0x113) refuse('relaxed SIMD');
  else if (sub > 0xff) throw new Malformed(`unknown 0xfd opcode ${sub}`);
}

function prefixFE(r, use, refuse) {
  use('threads');
  refuse('atomics (threads)');
  const sub = r.u32();
  if (sub === 3) r.u8();
  else if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) memarg(r, refuse);
  else throw new Malformed(`unknown 0xfe opcode ${sub}`);
}
