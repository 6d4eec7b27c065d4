// Every constant and name the JS host uses, looked up in the facts generated
// from the Rust crate rvf-spec (spec.generated.mjs). Nothing here is a fact
// of its own: only indexes over the generated tables and the few rules that
// turn them into text (feature lists, masks), written as rvf_spec does.
import facts from './spec.generated.mjs';
import { RvfError } from './errors.mjs';

export { facts };
export const abi = facts.abi;
export const format = facts.format;

const index = (list, key, value) => Object.freeze(Object.fromEntries(list.map((x) => [x[key], value ? x[value] : x])));

/** Segment type ids by name (`SEG.WASM`). */
export const SEG = index(format.segment_types, 'name', 'id');
/** Feature bits by name (`FEAT.simd`). */
export const FEAT = index(format.features, 'name', 'bit');
/** Methods by name: {name, id, result_kind, value_label}. */
export const METHODS = index(abi.methods, 'name');
/** Metrics by name: {name, id, manifest_id, value_label}. */
export const METRICS = index(abi.metrics, 'name');
/** Status codes by name (`STATUS.OK`). */
export const STATUS = index(abi.status, 'name', 'code');
/** Exit entries by name: {code, name, meaning}. */
export const EXIT = index(facts.exit, 'name');
export const ARRAY = abi.arrays;
export const INFO = abi.info;
export const SET = abi.sets;
export const RESULT_KIND = abi.result_kinds;
/** The sandbox's names and sizes (rvf_spec::sandbox): the import module, page size, memory export. */
export const SANDBOX = facts.sandbox;

// The sandbox's refusal words (rvf_spec::interp::why), named as in Rust; the
// arrays are in the order a status detail indexes them.
const [importModule, importKind, importName, importSignature] = facts.interp.why.imports;
const [exportMissing, exportNotMemory, exportType] = facts.interp.why.exports;
const [inputTooLarge, allocOutside, reportOutside, reportVersion, resultLimit, resultKind, resultLength, resultOutside, resultHostMemory] =
  facts.interp.why.results;
export const WHY = Object.freeze({
  importModule, importKind, importName, importSignature, exportMissing, exportNotMemory, exportType,
  inputTooLarge, allocOutside, reportOutside, reportVersion, resultLimit, resultKind, resultLength, resultOutside, resultHostMemory,
});

const ALL_FEATURES = format.features.reduce((a, f) => a | f.bit, 0);

export const segmentTypeName = (t) => format.segment_types.find((s) => s.id === t)?.name ?? 'UNKNOWN';
export const roleName = (r) => format.roles.find((x) => x.id === r)?.name ?? 'unknown';
export const targetName = (t) => format.targets.find((x) => x.id === t)?.name ?? 'unknown';
export const roleRunnable = (r) => format.roles.some((x) => x.id === r && x.runnable);
export const targetRunnable = (t) => format.targets.some((x) => x.id === t && x.runnable);
export const runnableRoles = () => format.roles.filter((x) => x.runnable).map((x) => x.name);
export const runnableTargets = () => format.targets.filter((x) => x.runnable).map((x) => x.name);
export const checksumName = (a) => format.checksums.find((c) => c.id === a)?.name ?? 'unknown';
export const compressionName = (c) => format.compressions.find((x) => x.id === c)?.name ?? 'unknown';

/** The checksum_algo ids, found by the names rvf_spec gives them. */
export const ALGO = Object.freeze({
  LEGACY: format.checksums.find((c) => c.name.startsWith('legacy')).id,
  XXH3_128: format.checksums.find((c) => c.name === 'XXH3-128').id,
  SHAKE256_128: format.checksums.find((c) => c.name === 'SHAKE-256/128').id,
});

/** The compression ids a WasmHeader may carry, found by their rvf_spec names
 *  (LZ4 = the block format, ZSTD = the frame format; others are refused). */
export const COMPRESSION = Object.freeze({
  none: format.compressions.find((c) => c.name === 'none').id,
  lz4: format.compressions.find((c) => c.name === 'LZ4').id,
  zstd: format.compressions.find((c) => c.name === 'ZSTD').id,
});

export const methodById = (id) => abi.methods.find((m) => m.id === id) ?? null;
export const metricById = (id) => abi.metrics.find((m) => m.id === id) ?? null;
export const metricForManifest = (id) => abi.metrics.find((m) => m.manifest_id === id) ?? null;

/** A status code's entry; unknown codes as rvf_spec::abi::status names them. */
export function statusInfo(code) {
  return abi.status.find((s) => s.code === code)
    ?? { code, name: 'UNKNOWN', message: 'unknown error', exit: EXIT.solver_refused.code };
}
export const statusMessage = (code) => statusInfo(code).message;
export const exitByCode = (code) => facts.exit.find((e) => e.code === code) ?? null;
/** The exit name a finished run's status maps to (rvf_spec::exit::Exit::for_status). */
export const exitForStatus = (code) => exitByCode(statusInfo(code).exit).name;

/** Feature bits as names: "simd,bulk-memory", "none", unknown bits as unknown(0x0100). */
export function featureNames(bits) {
  const names = format.features.filter((f) => bits & f.bit).map((f) => f.name);
  const unknown = bits & ~ALL_FEATURES & 0xffff;
  if (unknown) names.push(`unknown(0x${unknown.toString(16).padStart(4, '0')})`);
  return names.length ? names.join(',') : 'none';
}

/** Apply a host-feature mask ("none", "-simd", "simd,bulk-memory") to the
 *  features a host has (rvf_spec::format::apply_feature_mask). */
export function applyFeatureMask(spec, host) {
  if (spec === 'none') return 0;
  let bits = spec.startsWith('-') ? host : 0;
  for (const item of spec.split(',').filter((s) => s)) {
    const remove = item.startsWith('-');
    const name = remove ? item.slice(1) : item.replace(/^\+/, '');
    const bit = FEAT[name];
    if (bit === undefined) {
      const known = format.features.map((f) => f.name).join(', ');
      throw new RvfError(`--host-features ${spec}: unknown feature '${name}' (known: ${known})`, { exit: 'usage', class: 'usage' });
    }
    bits = remove ? bits & ~bit : bits | bit;
  }
  return bits & host;
}

/** A report's detail code: its name, and its words with `{name}` placeholders
 *  filled by `value(name)` (rvf_spec::abi::detail::describe). */
export const detailName = (code) => (code === 0 ? 'NONE' : abi.details?.find((d) => d.code === code)?.name ?? 'UNKNOWN');
export function detailWords(code, value) {
  const d = abi.details?.find((x) => x.code === code);
  if (!d) return null;
  const fill = (t) => t.replace(/\{([^{}]*)\}/g, (m, k) => value(k) ?? m);
  return { what: fill(d.what), fix: fill(d.fix) };
}

export const popcount = (x) => { let n = 0; for (; x; x &= x - 1) n++; return n; };
