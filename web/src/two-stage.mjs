// Two-stage runs (interpreter/src/two_stage, docs/ABI.md "Interpreter
// ABI"): the file's interpreter module (wasmi compiled to wasm32) runs in
// this engine's WebAssembly (V8), and the kernel runs inside it, under the
// kernel's limits enforced by wasmi itself: fuel, memory, recursion. The
// kernel's `rvf` imports reach this host's own functions (source.mjs),
// forwarded by the module with their pointers translated into its memory,
// so a two-stage run gives what a direct run gives (the report, the output
// bytes, the host counters) and, unlike a direct V8 run, the kernel fuel
// the Rust host reports.
//
//   const interp = compileInterpreter(bytes);            // checks the ABI, throws TwoStageError
//   const kernel = interp.admit(code, features, limits);  // loads it inside: throws TwoStageError
//   const out = kernel.run(params, input, src, bulkCheck, runCap);  // {report, output, stats, fuelUsed}
//
// `admit` loads the kernel in a fresh instance and keeps that instance's
// state (its memory and shadow-stack pointer); each `run` restores it into
// a fresh instance over the run's data, so runs share nothing (as the Rust
// runner). V8 meters nothing: the host's guard on the module itself is its
// memory (checked after every call) and V8's own stack; a module that
// loops without end is stopped only by terminating its thread (the page's
// Cancel terminates the worker).
import { facts, abi, featureNames } from './spec.mjs';
import { hostImports, emptySource } from './source.mjs';
import { encodeParams } from './request.mjs';
import { decodeReport } from './sandbox.mjs';
import { scanModule } from './wasm-scan.mjs';
import { ABI_EXPORTS, ABI_IMPORTS, LIMITS } from './layouts.mjs';
import { RvfError } from './errors.mjs';

/** The interpreter ABI (rvf_spec::interp), from the generated facts. */
export const interp = facts.interp;
/** A WebAssembly page (rvf_spec::sandbox::PAGE_BYTES). */
const PAGE = facts.sandbox.page_bytes;
/** The module's functions by their rvf_spec::interp::export names (FN.run = 'rvfi_run'). */
const FN = interp.names;
const STATUS = Object.freeze(Object.fromEntries(interp.status.map((s) => [s.name, s.code])));

/** rvf_spec::interp::NO_RUN_CAP: rvfi_run's max_memory_bytes when the run has no cap of its own. */
export const NO_RUN_CAP = BigInt(interp.no_run_cap);
/** The default kernel limits (rvf_spec::sandbox::limits FUEL, MAX_RECURSION). */
export const DEFAULT_FUEL = BigInt(LIMITS.fuel);
export const DEFAULT_MAX_RECURSION = LIMITS.max_recursion;
/** rvf_spec::interp::outer (two_stage outer_limits): the module's memory is bounded by
 *  memory_factor × the kernel's cap + OUTER_MEMORY_BASE, at most OUTER_MEMORY_MAX;
 *  its size by OUTER_MAX_MODULE_BYTES. (Its outer fuel has no V8 counterpart.) */
export const OUTER_MEMORY_BASE = interp.outer.memory_base;
export const OUTER_MEMORY_MAX = interp.outer.max_memory_bytes;
export const OUTER_MAX_MODULE_BYTES = interp.outer.max_module_bytes;
/** rvf_spec::interp::why IMPORTS, EXPORTS, RESULTS: the fixed words a
 *  status's detail indexes (interpreter/src/interp_status.rs). */
export const WHY = Object.freeze({
  imports: Object.freeze([...interp.why.imports]),
  exports: Object.freeze([...interp.why.exports]),
  results: Object.freeze([...interp.why.results]),
});
/** The solver exports in the order a BAD_EXPORT detail numbers them (interpreter/src/sandbox.rs EXPORTS). */
const SOLVER_EXPORTS = Object.keys(ABI_EXPORTS);

/** The kernel's limits (interpreter/src/limits.rs Limits), as rvfi_set_limits takes them. */
export function kernelLimits({ fuel = DEFAULT_FUEL, maxMemory = LIMITS.max_memory_bytes, maxRecursion = DEFAULT_MAX_RECURSION } = {}) {
  return {
    fuel: BigInt(fuel), max_memory_bytes: BigInt(maxMemory), max_recursion: maxRecursion,
    max_table_elements: LIMITS.max_table_elements, max_module_bytes: LIMITS.max_module_bytes, max_result_bytes: BigInt(LIMITS.max_result_bytes),
  };
}

/** The module's memory bound for a kernel under `limits` (outer_limits). */
const outerMemory = (limits) => Math.min(Number(limits.max_memory_bytes) * interp.outer.memory_factor + OUTER_MEMORY_BASE, OUTER_MEMORY_MAX);

/** A sandbox error (interpreter/src/error.rs SandboxError): its interpreter-ABI
 *  status, the verdict class selection gives it, its exit, and its words. */
function sandboxError(status, message, extra = {}) {
  const name = interp.status.find((s) => s.code === status)?.name ?? 'TRAP';
  const cls = { INVALID: 'module_invalid', FORBIDDEN_IMPORT: 'module_import', BAD_EXPORT: 'module_export', ABI_MISMATCH: 'module_abi', MEMORY_LIMIT: 'module_memory', INITIAL_MEMORY: 'module_memory' }[name] ?? 'module_trap';
  const exit = facts.exit.find((e) => e.code === interp.status.find((s) => s.code === status)?.exit)?.name ?? 'trap';
  return { status, name, class: cls, exit, message, ...extra };
}

/** Why a two-stage admission or run did not give a result (TwoStageError):
 *  `kind` 'kernel' (exactly the error a direct run gives), 'interpreter'
 *  (the module itself was stopped: memory, stack, trap), 'features' (the
 *  kernel declares what the module cannot run) or 'module' (a module this
 *  host cannot use). `sandbox` is the error of the same class (into_sandbox). */
export class TwoStageError extends Error {
  constructor(kind, message, sandbox) {
    super(message);
    this.name = 'TwoStageError';
    this.kind = kind;
    this.sandbox = sandbox ?? sandboxError(STATUS.INVALID, `module rejected by the validator: ${message}`);
  }
  /** The refusal of a run that ends with this error (RunError::Sandbox). */
  toRvfError() { return new RvfError(this.sandbox.message, { exit: this.sandbox.exit, class: this.sandbox.exit }); }
}
const moduleError = (w) => new TwoStageError('module', `unusable interpreter module: ${w}`);
const interpreterError = (e) => new TwoStageError('interpreter', `interpreter module: ${e.message}`, e);
const kernelError = (e) => new TwoStageError('kernel', e.message, e);

/** Rust's feature_names (two_stage): names joined by ", ", or "none". */
const featureWords = (bits) => (bits ? featureNames(bits).split(',').join(', ') : 'none');

const utf8 = new TextEncoder();
const u64 = (x) => BigInt.asUintN(64, BigInt(x));

/** The sandbox error a status, detail (BigInt) and message stand for
 *  (SandboxError::from_status), or null when they do not fit together. */
export function decodeStatus(code, detail, message, capBytes) {
  const lo = Number(detail & 0xffn), hi = Number(detail >> 8n);
  const prefixed = (prefix) => (message.startsWith(prefix) ? message : null);
  switch (code) {
    case STATUS.INVALID: {
      const m = prefixed('module rejected by the validator: ');
      return m && sandboxError(code, m);
    }
    case STATUS.TRAP: {
      const m = prefixed('module trapped: ');
      return m && sandboxError(code, m);
    }
    case STATUS.FORBIDDEN_IMPORT: {
      // "module imports {module}.{name}: {why}", the module name `hi` bytes long.
      const why = WHY.imports[lo];
      const head = 'module imports ';
      if (!why || !message.startsWith(head) || !message.endsWith(`: ${why}`)) return null;
      const rest = utf8.encode(message.slice(head.length, message.length - why.length - 2));
      if (hi > rest.length || rest[hi] !== 0x2e) return null;
      return sandboxError(code, message);
    }
    case STATUS.BAD_EXPORT: {
      const name = hi === 0 ? facts.sandbox.memory : SOLVER_EXPORTS[hi - 1], why = WHY.exports[lo];
      return name && why ? sandboxError(code, `export \`${name}\`: ${why}`) : null;
    }
    case STATUS.ABI_MISMATCH: {
      if (detail < 0n || detail > 0xffffffffn) return null;
      const found = Number(detail);
      return sandboxError(code, `module speaks solver ABI ${found >>> 16}.${found & 0xffff} but this host speaks ${abi.major}.x`);
    }
    case STATUS.OUT_OF_FUEL: return sandboxError(code, `out of fuel (budget ${u64(detail)})`, { budget: u64(detail) });
    case STATUS.MEMORY_LIMIT: return sandboxError(code, `memory limit: the module tried to grow past ${u64(detail)} bytes`);
    case STATUS.INITIAL_MEMORY:
      return sandboxError(code, `memory limit: the module starts with ${u64(detail)} bytes of linear memory, above the ${capBytes}-byte cap (raise --max-memory)`, { initialMemory: true });
    case STATUS.STACK_OVERFLOW: return sandboxError(code, 'call stack exhausted (recursion limit)');
    case STATUS.BAD_RESULT: {
      const w = detail >= 0n && detail < BigInt(WHY.results.length) ? WHY.results[Number(detail)] : null;
      return w && sandboxError(code, `module returned a bad result: ${w}`);
    }
    default: return null;
  }
}

/** The error a status stands for: the kernel's, or a module breaking the ABI. */
function decode(st, detail, message, limits) {
  const e = decodeStatus(st, detail, message, limits.max_memory_bytes);
  if (e) return kernelError(e);
  const name = interp.status.find((s) => s.code === st)?.name ?? 'UNKNOWN';
  return moduleError(`status ${st} (${name}): ${message}`);
}

/** An engine error of a call into the module, as the outer sandbox's error. */
function engineFailure(e, cap) {
  if (e instanceof TwoStageError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return interpreterError(sandboxError(STATUS.STACK_OVERFLOW, 'call stack exhausted (recursion limit)'));
  if (e instanceof RangeError) return interpreterError(sandboxError(STATUS.MEMORY_LIMIT, `memory limit: the module tried to grow past ${cap} bytes`));
  return interpreterError(sandboxError(STATUS.TRAP, `module trapped: ${e?.message ?? e}`));
}

/** One live instance of the module over a source (two_stage/outer.rs Outer).
 *  Views of its memory are made afresh at every use: calls may grow it. */
class Outer {
  constructor(interpreter, src, bulkCheck, cap) {
    const { imports, state } = hostImports(src, bulkCheck);
    this.cap = cap;
    try {
      this.x = new WebAssembly.Instance(interpreter.module, imports).exports;
    } catch (e) {
      throw engineFailure(e, cap);
    }
    state.memory = this.x[interp.memory];
    this.state = state;
  }
  get memory() { return this.x[interp.memory]; }
  bytesNow() { return new Uint8Array(this.x[interp.memory].buffer); }
  /** Call an export; the module's memory stays within its bound. */
  call(name, ...args) {
    let r;
    try {
      r = this.x[name](...args);
    } catch (e) {
      throw engineFailure(e, this.cap);
    }
    if (this.x[interp.memory].buffer.byteLength > this.cap) {
      throw interpreterError(sandboxError(STATUS.MEMORY_LIMIT, `memory limit: the module tried to grow past ${this.cap} bytes`));
    }
    return r;
  }
  /** Copy `bytes` into a new block of the module's memory. */
  put(bytes) {
    const at = this.call(FN.alloc, bytes.length) >>> 0;
    if (at === 0) throw moduleError(`${FN.alloc}(${bytes.length}) failed`);
    const m = this.bytesNow();
    if (at + bytes.length > m.length) throw moduleError(`${FN.alloc} returned memory outside it`);
    m.set(bytes, at);
    return at;
  }
  /** A copy of `len` bytes at `at` of the module's memory. */
  bytes(at, len) {
    const m = this.bytesNow();
    if (at + len > m.length) throw moduleError('a block outside its memory');
    return m.slice(at, at + len);
  }
  detail() { return BigInt.asIntN(64, this.call(FN.detail)); }
  error() {
    const at = this.call(FN.error_ptr) >>> 0, len = this.call(FN.error_len) >>> 0;
    return new TextDecoder().decode(this.bytes(at, len));
  }
  setLimits(l) {
    return this.call(FN.set_limits, l.fuel, l.max_memory_bytes, Math.min(l.max_recursion, 0xffffffff), l.max_table_elements,
      Math.min(l.max_module_bytes, 0xffffffff), l.max_result_bytes) | 0;
  }
  /** The instance's state (between calls only): memory up to its last non-zero byte, its pages, the stack pointer. */
  snapshot() {
    const m = this.bytesNow();
    let end = m.length;
    const words = new Uint32Array(m.buffer, 0, m.length >>> 2);
    let w = words.length;
    while (w > 0 && words[w - 1] === 0) w--;
    end = w * 4;
    while (end > 0 && m[end - 1] === 0) end--;
    return { bytes: m.slice(0, end), pages: m.length / PAGE, stackPointer: this.x[interp.stack_pointer].value };
  }
  /** Put this fresh instance into the state of `s`. */
  restore(s) {
    const pages = this.x[interp.memory].buffer.byteLength / PAGE;
    if (s.pages > pages) {
      try {
        this.x[interp.memory].grow(s.pages - pages);
      } catch (e) {
        throw engineFailure(e, this.cap);
      }
    }
    const m = this.bytesNow();
    if (s.bytes.length > m.length) throw moduleError('a snapshot larger than memory');
    m.set(s.bytes, 0);
    // The fresh instance's data segments may lie past the snapshot's last non-zero byte.
    m.fill(0, s.bytes.length, Math.max(s.bytes.length, pages * PAGE));
    this.x[interp.stack_pointer].value = s.stackPointer;
  }
}

const sameSig = (have, want) => have.length === want.length && have.every((t, i) => t === want[i]);

/** The interpreter module, compiled by this engine and checked to speak the
 *  interpreter ABI (two_stage::Interpreter). */
export class Interpreter {
  constructor(module, features, version, bytes) {
    Object.assign(this, { module, features, version, bytes });
  }
  /** Admit `code` under its declared `features` and `limits` inside a fresh
   *  instance (rvfi_set_limits, rvfi_load): a LoadedKernel, or throws TwoStageError. */
  admit(code, features, limits) {
    if (features & ~this.features) {
      throw new TwoStageError('features', `the kernel needs features (${featureWords(features & ~this.features)}) that the interpreter module cannot run (it runs: ${featureWords(this.features)})`);
    }
    const t0 = performance.now();
    const o = new Outer(this, emptySource(), null, outerMemory(limits));
    o.setLimits(limits);
    const at = o.put(code);
    const st = o.call(FN.load, at, code.length, features) | 0;
    o.call(FN.free, at, code.length);
    const detail = o.detail();
    if (st !== STATUS.OK) throw decode(st, detail, o.error(), limits);
    if (detail < 0n || detail > 0xffffffffn) throw moduleError('a bad ABI version');
    return new LoadedKernel(this, o.snapshot(), features, limits, Number(detail), performance.now() - t0);
  }
}

/** Compile and check an interpreter module (two_stage::Interpreter::new):
 *  at most 16 MiB, pure WebAssembly 1.0, importing only the four `rvf`
 *  functions, exporting the interpreter ABI with exact types, speaking its
 *  major. Throws TwoStageError. */
export function compileInterpreter(bytes) {
  if (bytes.length > OUTER_MAX_MODULE_BYTES) throw moduleError(`${bytes.length} bytes, over the ${OUTER_MAX_MODULE_BYTES}-byte limit`);
  const scan = scanModule(bytes);
  if (scan.error) throw moduleError(`rejected by the validator: ${scan.error}`);
  if (scan.features || scan.unsupported.length) {
    const uses = [...(scan.features ? [featureWords(scan.features)] : []), ...scan.unsupported].join(', ');
    throw moduleError(`rejected by the validator: it uses ${uses}, beyond WebAssembly 1.0`);
  }
  let module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    throw moduleError(`rejected by the validator: ${e.message}`);
  }
  const sig = (i) => scan.types[i] ?? { params: [], results: [] };
  for (const imp of scan.imports) {
    const want = Object.hasOwn(ABI_IMPORTS, imp.name) ? ABI_IMPORTS[imp.name] : null;
    const why = imp.module !== facts.sandbox.import_module ? WHY.imports[0] : imp.kind !== 'function' ? WHY.imports[1] : !want ? WHY.imports[2]
      : !sameSig(sig(imp.type).params, want[0]) || !sameSig(sig(imp.type).results, want[1]) ? WHY.imports[3] : null;
    if (why) throw interpreterError(sandboxError(STATUS.FORBIDDEN_IMPORT, `module imports ${imp.module}.${imp.name}: ${why}`));
  }
  const exp = (name) => scan.exports.find((e) => e.name === name);
  if (exp(interp.memory)?.kind !== 'memory') throw moduleError(`no export \`${interp.memory}\``);
  if (exp(interp.stack_pointer)?.kind !== 'global') throw moduleError(`no export \`${interp.stack_pointer}\``);
  for (const f of interp.functions) {
    const e = exp(f.name), t = e?.kind === 'function' ? sig(scan.funcTypes[e.index]) : null;
    if (!t || !sameSig(t.params, f.params) || !sameSig(t.results, f.results)) throw moduleError(`export \`${f.name}\` is missing or has the wrong type`);
  }
  const probe = new Outer({ module }, emptySource(), null, outerMemory(LIMITS));
  const sp = probe.x[interp.stack_pointer];
  try {
    if (typeof sp.value !== 'number') throw new TypeError('not an i32');
    sp.value = sp.value; // eslint-disable-line no-self-assign
  } catch {
    throw moduleError(`export \`${interp.stack_pointer}\` is not a mutable i32 global`);
  }
  const version = probe.call(FN.version) >>> 0;
  if (version >>> 16 !== interp.major) throw moduleError(`it speaks interpreter ABI ${version >>> 16}.${version & 0xffff}, this host ${interp.major}.x`);
  const features = probe.call(FN.features) & 0xffff;
  return new Interpreter(module, features, version, bytes.length);
}

/** A kernel admitted inside the interpreter module: the module's state after
 *  loading it, restored into a fresh instance for each run (LoadedKernel). */
export class LoadedKernel {
  constructor(interpreter, snapshot, features, limits, abiVersion, loadMs) {
    Object.assign(this, { interpreter, snapshot, features, limits, abiVersion, loadMs });
    /** Marks a two-stage module for the session (a direct one is a WebAssembly.Module). */
    this.twoStage = true;
  }
  /** Run `params` (k-NN `input`) over `src` as a direct run does:
   *  {report, output, stats, fuelUsed (BigInt)}; throws TwoStageError. */
  run(params, input, src, bulkCheck, runCap = null) {
    const o = new Outer(this.interpreter, src, bulkCheck, outerMemory(this.limits));
    o.restore(this.snapshot);
    const p = o.put(encodeParams({ ...params, input_ptr: 0, input_len: 0 }));
    const i = input.length ? o.put(input) : 0;
    const cap = runCap === null || runCap === undefined ? NO_RUN_CAP : u64(runCap);
    const st = o.call(FN.run, p, i, input.length, BigInt.asIntN(64, cap)) | 0;
    if (st !== STATUS.OK) throw decode(st, o.detail(), o.error(), this.limits);
    const fuelUsed = u64(o.call(FN.fuel_used));
    const rptr = o.call(FN.report_ptr) >>> 0;
    const report = rptr === 0 ? null : decodeReport(o.bytes(rptr, abi.report_len));
    if (!report) throw moduleError('a run with no report');
    const optr = o.call(FN.result_ptr) >>> 0, olen = o.call(FN.result_len) >>> 0;
    return { report, output: o.bytes(optr, olen), stats: o.state.stats, fuelUsed };
  }
}

/** Bytes → compiled interpreter, by the SHAKE-256 bytecode hash the caller
 *  verified: opening files that carry the same interpreter compiles it once. */
const compiled = new Map();
const CACHE = 4;
export function cachedInterpreter(hashHex, bytes) {
  const hit = compiled.get(hashHex);
  if (hit) return hit;
  const i = compileInterpreter(bytes);
  if (compiled.size >= CACHE) compiled.delete(compiled.keys().next().value);
  compiled.set(hashHex, i);
  return i;
}
