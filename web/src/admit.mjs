// Module admission (interpreter/src/sandbox.rs Sandbox::admit): the module
// must validate under its *declared* features only (wasm-scan.mjs, then V8),
// import only the four `rvf` functions with their exact types, export the
// ABI with exact types and a memory, and report an ABI major this host
// speaks. Each refusal carries the verdict class the Rust host gives it.
import { abi, featureNames, WHY, SANDBOX } from './spec.mjs';
import { ABI_IMPORTS, ABI_EXPORTS, LIMITS } from './layouts.mjs';
import { scanModule } from './wasm-scan.mjs';
import { hostImports, emptySource } from './source.mjs';

/** A refusal of the sandbox: {class, message} (SandboxError → verdict class). */
const refuse = (cls, message) => ({ class: cls, message });
const invalid = (e) => refuse('module_invalid', `module rejected by the validator: ${e}`);
/** How the validator names each proposal. */
const PROPOSAL = { simd: 'SIMD', 'bulk-memory': 'bulk memory', 'multi-value': 'multi-value', 'reference-types': 'reference types', threads: 'threads', 'tail-call': 'tail calls', gc: 'gc', 'exception-handling': 'exceptions' };
const sameSig = (have, want) => have.length === want.length && have.every((t, i) => t === want[i]);

/** Admit `bytecode` under `features` (declared ∩ host): {module, abiVersion} or {rejection}. */
export function admit(bytecode, features, maxMemory = LIMITS.max_memory_bytes) {
  if (bytecode.length > LIMITS.max_module_bytes) {
    return { rejection: invalid(`module is ${bytecode.length} bytes, over the ${LIMITS.max_module_bytes}-byte limit`) };
  }
  const scan = scanModule(bytecode);
  if (scan.error) return { rejection: invalid(scan.error) };
  if (scan.unsupported.length) return { rejection: invalid(`uses ${scan.unsupported.join(', ')}, which this host never runs`) };
  const undeclared = scan.features & ~features;
  if (undeclared) {
    const name = featureNames(undeclared).split(',')[0], at = scan.firstUse[name];
    return { rejection: invalid(`${PROPOSAL[name] ?? name} support is not enabled (at offset 0x${at.toString(16)}): the module uses ${featureNames(undeclared)}, which its header does not declare`) };
  }
  let module;
  try {
    module = new WebAssembly.Module(bytecode);
  } catch (e) {
    return { rejection: invalid(e.message) };
  }
  const sig = (typeIndex) => scan.types[typeIndex] ?? { params: [], results: [] };
  for (const imp of scan.imports) {
    const forbidden = (why) => ({ rejection: refuse('module_import', `module imports ${imp.module}.${imp.name}: ${why}`) });
    if (imp.module !== SANDBOX.import_module) return forbidden(WHY.importModule);
    if (imp.kind !== 'function') return forbidden(WHY.importKind);
    const want = ABI_IMPORTS[imp.name];
    if (!Object.hasOwn(ABI_IMPORTS, imp.name)) return forbidden(WHY.importName);
    const t = sig(imp.type);
    if (!sameSig(t.params, want[0]) || !sameSig(t.results, want[1])) return forbidden(WHY.importSignature);
  }
  const exp = (name) => scan.exports.find((e) => e.name === name);
  const bad = (name, why) => ({ rejection: refuse('module_export', `export \`${name}\`: ${why}`) });
  const mem = exp(SANDBOX.memory);
  if (!mem) return bad(SANDBOX.memory, WHY.exportMissing);
  if (mem.kind !== 'memory') return bad(SANDBOX.memory, WHY.exportNotMemory);
  const needed = (scan.memories[mem.index]?.min ?? 0) * SANDBOX.page_bytes;
  if (needed > maxMemory) {
    return { rejection: { ...refuse('module_memory', `memory limit: the module starts with ${needed} bytes of linear memory, above the ${maxMemory}-byte cap (raise --max-memory)`), initialMemory: true } };
  }
  for (const [name, [params, results]] of Object.entries(ABI_EXPORTS)) {
    const e = exp(name);
    if (!e) return bad(name, WHY.exportMissing);
    const t = e.kind === 'function' ? sig(scan.funcTypes[e.index]) : null;
    if (!t || !sameSig(t.params, params) || !sameSig(t.results, results)) return bad(name, WHY.exportType);
  }
  if (scan.tables.some((t) => t.min > LIMITS.max_table_elements)) {
    return { rejection: refuse('module_memory', `memory limit: a table of more than ${LIMITS.max_table_elements} elements`) };
  }
  // Last, instantiate once with no data and ask the ABI version.
  let version;
  try {
    const inst = new WebAssembly.Instance(module, hostImports(emptySource(), null).imports);
    version = inst.exports.rvf_abi_version() >>> 0;
  } catch (e) {
    const msg = trapMessage(e);
    return { rejection: refuse(msg.startsWith('memory limit') ? 'module_memory' : 'module_trap', msg) };
  }
  if (version >>> 16 !== abi.major) {
    return { rejection: refuse('module_abi', `module speaks solver ABI ${version >>> 16}.${version & 0xffff} but this host speaks ${abi.major}.x`) };
  }
  return { module, abiVersion: version, scan };
}

/** The words for an engine error, as the sandbox's errors say them. */
export function trapMessage(e) {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'call stack exhausted (recursion limit)';
  if (e instanceof RangeError) return `memory limit: ${e.message}`;
  return `module trapped: ${e?.message ?? e}`;
}
