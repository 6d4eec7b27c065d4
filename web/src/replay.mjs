// Replaying a run receipt (docs/RECEIPTS.md; host/src/replay.rs and
// compare.rs): re-run exactly what a receipt written by `rvf-pack run
// --receipt` records, on this engine, and say what differs. Identical only
// when everything compared is bit-identical: the output digest and bytes,
// the report, and for a run through the file's interpreter (two-stage) the
// kernel fuel, which wasmi meters inside it.
//
// As the Rust host: the receipt must not contradict itself (every readable
// field says what its exact record says); it may lower this host's limits,
// never raise them; the file must be the recorded one or an append to it
// whose recorded prefix holds the manifest and the chosen segment; the
// same segment (offset, role, target, priority, sizes, bytecode and content
// hashes), host features, forced segment, verdicts, params, input and data
// must come out of the rerun.
//
// A signed receipt (`rvf-pack run --sign-receipt KEY`) has its signature
// checked first, as Receipt::signer and replay::replay: Ed25519 (strict)
// under the public key it carries, over its canonical bytes without the
// `signature` field (serde_json's pretty print of receipt.rs's structs, and
// a newline: `signedBytes`). A signature that does not verify is bad input
// (exit 3); a verified one whose key the trust policy does not list is
// refused (exit 16); without a policy a verified signature is reported as
// such (no policy vouches for the key).
//
// What this host does not compare (each replay lists them in notCompared):
// the engine's wasmi cargo features and compilation mode (facts of a Rust
// build); and for a direct run in V8, the engine and the fuel (V8 is not
// wasmi and meters none: `via: 'interpreter'` compares both).
//
// The route (selection.via: 'direct', absent in older receipts, or
// 'interpreter' with selection.interpreter, the segment that ran the
// kernel) is the recorded one unless `via` overrides it. On the recorded
// route the interpreter must come out the same (index, offset, bytecode and
// content hashes, features, signer); an overridden route is run and all else
// compared (outputs must still be identical), and the route is a note, not a
// difference (host/src/replay.rs).
import { facts, abi, featureNames, roleName, targetName, methodById, SEG } from './spec.mjs';
import { RvfError } from './errors.mjs';
import { openFile } from './file.mjs';
import { segmentAt } from './container.mjs';
import { shake256, hex } from './hashes.mjs';
import { encodeParams } from './request.mjs';
import { Session } from './session.mjs';
import { DEFAULT_FUEL, DEFAULT_MAX_RECURSION } from './two-stage.mjs';
import { LIMITS } from './layouts.mjs';
import { parseWasm } from './payloads.mjs';
import { payloadDigest, keyId, verify } from './signature.mjs';
import { signerOf, trustPolicy } from './trust.mjs';

/** The verdict a receipt records for the interpreter segment that ran the
 *  kernel (receipt::INTERPRETER_VERDICT). */
export const INTERPRETER_VERDICT = 'the interpreter that ran the kernel';

/** The receipt schema this host reads (rvf_spec::receipt SCHEMA, VERSION). */
export const RECEIPT_SCHEMA = facts.receipt.schema;
export const RECEIPT_VERSION = facts.receipt.version;
/** The engine a two-stage run's kernel runs in: the interpreter module is
 *  rvf-interpreter's wasmi (docs/ABI.md "Interpreter ABI"), as a receipt
 *  records it (rvf_spec::interp::engine NAME, VERSION, FUEL_METERING,
 *  DETERMINISTIC). */
const E = facts.interp.engine;
export const KERNEL_ENGINE = Object.freeze({ name: E.name, version: E.version, fuel_metering: E.fuel_metering, deterministic: E.deterministic });

const badInput = (message) => new RvfError(message, { exit: 'bad_input', class: 'receipt' });

/** JSON with integers beyond 2^53 kept exact (as BigInt): a receipt's u64s. */
export function parseJsonExact(text) {
  let out = '', i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i + 1;
      while (j < n && /[0-9eE+\-.]/.test(text[j])) j++;
      const tok = text.slice(i, j);
      out += /^-?\d+$/.test(tok) && !Number.isSafeInteger(Number(tok)) ? `"\u0000n:${tok}"` : tok;
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  return JSON.parse(out, (k, v) => (typeof v === 'string' && v.startsWith('\u0000n:') ? BigInt(v.slice(3)) : v));
}

const isInt = (x) => (typeof x === 'number' && Number.isInteger(x) && x >= 0) || (typeof x === 'bigint' && x >= 0n);
const isNum = (x) => typeof x === 'number';
const isStr = (x) => typeof x === 'string';
const isBool = (x) => typeof x === 'boolean';
const opt = (p) => (x) => x === null || x === undefined || p(x);
/** A SignerRecord (key_id, key_name), or absent. */
const isSignerRecord = opt((k) => typeof k === 'object' && !Array.isArray(k) && isStr(k.key_id) && isStr(k.key_name));

/** The fields a receipt must have, with their types (receipt.rs Receipt, serde's rules). */
const SHAPE = {
  schema: isStr, version: isInt, rvf_pack_version: isStr,
  file: { path: isStr, length: isInt, digest: isStr, manifest_offset: isInt, manifest_epoch: isInt, manifest_digest: isStr },
  selection: {
    host_features: isInt, host_features_names: isStr, mask: opt(isStr), forced_segment: opt(isInt),
    chosen: { index: isInt, offset: isInt, role: isStr, target: isStr, required_features: isInt, bootstrap_priority: isInt, bytecode_size: isInt, bytecode_hash: isStr, content_hash: isStr, signer: (x) => isSignerRecord(x) },
    candidates: (x) => Array.isArray(x) && x.every((c) => c && isInt(c.index) && isInt(c.offset) && isStr(c.verdict)),
    via: opt(isStr),
    interpreter: opt((i) => typeof i === 'object' && !Array.isArray(i) && isInt(i.index) && isInt(i.offset) && isInt(i.bootstrap_priority)
      && isInt(i.bytecode_size) && isStr(i.bytecode_hash) && isStr(i.content_hash) && isInt(i.features) && isStr(i.features_names)
      && isSignerRecord(i.signer)),
  },
  params: {
    method: isStr, params_hex: isStr, input_hex: isStr, verify_data: isBool, tol: isNum, max_iter: isInt, flags: isInt, alpha: isNum,
    epsilon: isNum, seed: isInt, source: isInt, target: isInt, k: isInt, metric: isInt, work_budget: isInt, num_walks: isInt, min_margin: isNum,
  },
  engine: { name: isStr, version: isStr, cargo_features: (x) => Array.isArray(x) && x.every(isStr), compilation: isStr, fuel_metering: isBool, deterministic: isBool, fuel_limit: isInt, max_memory_bytes: isInt, max_recursion: isInt },
  result: {
    status: (x) => Number.isInteger(x), status_message: isStr, output_digest: isStr, output_bytes: isInt, report_hex: isStr, iterations: isInt,
    residual: isNum, estimate: isNum, work: isInt, converged: isBool, result_count: isInt, fuel_used: isInt,
  },
  data: opt((d) => typeof d === 'object' && opt(isInt)(d.matrix) && Array.isArray(d.vectors) && d.vectors.every(isInt)),
  timestamp_unix: opt(isInt),
  signature: opt((s) => typeof s === 'object' && !Array.isArray(s) && isStr(s.algorithm) && isStr(s.key_id) && isStr(s.public_key) && isStr(s.signature)),
};

function checkShape(v, shape, at) {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badInput(`not a receipt: ${at || 'the receipt'} is not an object`);
  for (const [k, t] of Object.entries(shape)) {
    const where = at ? `${at}.${k}` : k;
    if (typeof t === 'function') {
      if (!t(v[k])) throw badInput(`not a receipt: ${v[k] === undefined ? `missing field \`${where}\`` : `field \`${where}\` has the wrong type`}`);
    } else checkShape(v[k], t, where);
  }
}

/** Parse a receipt's text (Receipt::parse): throws RvfError (bad_input). */
export function parseReceipt(text) {
  let r;
  try {
    r = parseJsonExact(text);
  } catch (e) {
    throw badInput(`not a receipt: ${e.message}`);
  }
  if (r && typeof r === 'object' && isStr(r.schema) && r.schema !== RECEIPT_SCHEMA) throw badInput(`schema is '${r.schema}', expected '${RECEIPT_SCHEMA}'`);
  checkShape(r, SHAPE, '');
  if (r.version !== RECEIPT_VERSION) throw badInput(`receipt version ${r.version} is not supported (this tool reads ${RECEIPT_VERSION})`);
  return r;
}

const unhex = (s) => (typeof s === 'string' && s.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(s) ? Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16)) : null);

// The canonical bytes of a receipt (Receipt::to_bytes): serde_json's pretty
// print (two-space indent) of receipt.rs's structs, fields in their declared
// order, then a newline. Options without `skip_serializing_if` print as
// null; the skipped ones (selection.via, .interpreter, the signers, data,
// timestamp_unix, signature) are left out when absent. f64 fields print as
// ryu does (serde_json): shortest round-trip digits, always with a '.' or
// an exponent. Unknown fields are dropped, as serde ignores them.

/** An f64 field's value, printed as serde_json prints an f64. */
class F64 { constructor(x) { this.x = x; } }

/** An f64 as serde_json writes it (ryu's `format_finite`; NaN and ±∞ as null). */
export function formatF64(x) {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [m, e] = Math.abs(x).toExponential().split('e');
  const digits = m.replace('.', ''), n = digits.length;
  const kk = Number(e) + 1; // the decimal point's position after the first digit
  const k = kk - n; // value = digits × 10^k
  let out;
  if (k >= 0 && kk <= 16) out = `${digits}${'0'.repeat(k)}.0`;
  else if (kk > 0 && kk <= 16) out = `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  else if (kk > -5 && kk <= 0) out = `0.${'0'.repeat(-kk)}${digits}`;
  else out = `${n === 1 ? digits : `${digits[0]}.${digits.slice(1)}`}e${kk - 1}`;
  return sign + out;
}

/** serde_json's PrettyFormatter over plain values (F64 for f64 fields). */
function pretty(v, indent = '') {
  if (v === null || v === undefined) return 'null';
  if (v instanceof F64) return formatF64(v.x);
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => inner + pretty(x, inner)).join(',\n')}\n${indent}]` : '[]';
  const keys = Object.keys(v);
  return keys.length ? `{\n${keys.map((key) => `${inner}${JSON.stringify(key)}: ${pretty(v[key], inner)}`).join(',\n')}\n${indent}}` : '{}';
}

const present = (x) => x !== null && x !== undefined;
/** `keys` of `o` in order; a key `name?` is left out when absent
 *  (skip_serializing_if), `name:f` is an f64, a function maps the value. */
function fields(o, spec) {
  const out = {};
  for (const s of spec) {
    const [key, how] = Array.isArray(s) ? s : [s, null];
    const name = key.replace(/[?]$/, '');
    const v = o[name];
    if (key.endsWith('?') && !present(v)) continue;
    out[name] = !present(v) ? null : how === 'f64' ? new F64(v) : typeof how === 'function' ? how(v) : v;
  }
  return out;
}
const SIGNER_RECORD = (s) => fields(s, ['key_id', 'key_name']);

/** The receipt (parseReceipt) in receipt.rs's field order, without its signature. */
function canonical(r) {
  return fields(r, [
    'schema', 'version', 'rvf_pack_version',
    ['file', (f) => fields(f, ['path', 'length', 'digest', 'manifest_offset', 'manifest_epoch', 'manifest_digest'])],
    ['selection', (s) => fields(s, [
      'host_features', 'host_features_names', 'mask', 'forced_segment',
      ['chosen', (c) => fields(c, ['index', 'offset', 'role', 'target', 'required_features', 'bootstrap_priority', 'bytecode_size',
        'bytecode_hash', 'content_hash', ['signer?', SIGNER_RECORD]])],
      ['candidates', (cs) => cs.map((c) => fields(c, ['index', 'offset', 'verdict']))],
      'via?',
      ['interpreter?', (i) => fields(i, ['index', 'offset', 'bootstrap_priority', 'bytecode_size', 'bytecode_hash', 'content_hash',
        'features', 'features_names', ['signer?', SIGNER_RECORD]])],
    ])],
    ['params', (p) => fields(p, ['method', 'params_hex', 'input_hex', 'verify_data', ['tol', 'f64'], 'max_iter', 'flags', ['alpha', 'f64'],
      ['epsilon', 'f64'], 'seed', 'source', 'target', 'k', 'metric', 'work_budget', 'num_walks', ['min_margin', 'f64']])],
    ['engine', (e) => fields(e, ['name', 'version', ['cargo_features', (c) => [...c]], 'compilation', 'fuel_metering', 'deterministic',
      'fuel_limit', 'max_memory_bytes', 'max_recursion'])],
    ['result', (x) => fields(x, ['status', 'status_message', 'output_digest', 'output_bytes', 'report_hex', 'iterations', ['residual', 'f64'],
      ['estimate', 'f64'], 'work', 'converged', 'result_count', 'fuel_used'])],
    ['data?', (d) => fields(d, ['matrix', ['vectors', (v) => [...v]]])],
    'timestamp_unix?',
  ]);
}

/** What a receipt signature covers (Receipt::signed_bytes): its canonical
 *  bytes (UTF-8) with the `signature` field absent. */
export function signedBytes(r) {
  return new TextEncoder().encode(`${pretty(canonical(r))}\n`);
}

/** What a receipt's signature says (Receipt::signer), under `policy` (a
 *  trustPolicy(), or null): {class: 'unsigned' | 'verified' | 'untrusted' |
 *  'invalid', keyId, trustedAs (the policy's name for the key), reason (why
 *  invalid), words (rvf-pack replay's `receipt_signer`)}. */
export function receiptSigner(r, policy = null) {
  const verdict = (cls, o = {}) => {
    const v = { class: cls, keyId: o.keyId ?? null, trustedAs: o.trustedAs ?? null, reason: o.reason ?? null };
    return Object.freeze({ ...v, words: receiptSignerWords(v) });
  };
  const s = r.signature;
  if (!present(s)) return verdict('unsigned');
  const bad = (reason) => verdict('invalid', { reason });
  if (s.algorithm !== 'ed25519') return bad('unknown signature algorithm');
  const pk = unhex(s.public_key);
  if (!pk || pk.length !== 32) return bad('public_key is not 32 bytes of hex');
  const sig = unhex(s.signature);
  if (!sig || sig.length !== 64) return bad('signature is not 64 bytes of hex');
  const id = hex(keyId(pk));
  if (id !== s.key_id) return bad('key_id is not the id of public_key');
  const e = verify(pk, signedBytes(r), sig);
  if (e) return bad(e.message);
  if (!policy) return verdict('verified', { keyId: id });
  const k = policy.keys.find((t) => t.publicKey.length === pk.length && t.publicKey.every((b, i) => b === pk[i]));
  return k ? verdict('verified', { keyId: id, trustedAs: k.name }) : verdict('untrusted', { keyId: id });
}

/** Who signed the receipt, in rvf-pack replay's words (cli/replay.rs receipt_signer_words). */
export function receiptSignerWords(s) {
  switch (s.class) {
    case 'unsigned': return 'unsigned';
    case 'verified': return s.trustedAs !== null
      ? `signed by ${s.trustedAs} (key ${s.keyId}), trusted`
      : `signed by key ${s.keyId} (signature verified; no trust policy to vouch for the key)`;
    case 'untrusted': return `signed by key ${s.keyId}, not trusted`;
    default: return `signature invalid: ${s.reason}`;
  }
}

/** The trust policy of replay options, as the session makes it (session.mjs policyOf). */
function policyOf(trust, unsignedData) {
  if (trust === undefined || trust === null) return null;
  const given = !Array.isArray(trust) && Array.isArray(trust?.keys);
  return trustPolicy(given ? trust.keys : trust, { unsignedData: unsignedData ?? (given && trust.unsignedData) });
}

/** Params::decode: 128 bytes, version 1, reserved bytes zero; fields by name. */
export function decodeParams(b) {
  if (!b || b.length !== abi.params_len) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(0, true) !== abi.params_version) return null;
  const used = new Set();
  const p = {};
  for (const f of abi.params_fields) {
    const size = f.type.endsWith('64') ? 8 : 4;
    for (let k = 0; k < size; k++) used.add(f.offset + k);
    p[f.name] = f.type === 'u32' ? v.getUint32(f.offset, true) : f.type === 'u64' ? v.getBigUint64(f.offset, true) : v.getFloat64(f.offset, true);
  }
  for (let k = 0; k < b.length; k++) if (!used.has(k) && b[k] !== 0) return null;
  return p;
}

/** Report::decode (fields by name; null when the ABI major differs). */
function decodeReportBytes(b) {
  if (!b || b.length !== abi.report_len) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength), r = {};
  for (const f of abi.report_fields) {
    r[f.name] = f.type === 'u32' ? v.getUint32(f.offset, true) : f.type === 'i32' ? v.getInt32(f.offset, true)
      : f.type === 'u64' ? v.getBigUint64(f.offset, true) : v.getFloat64(f.offset, true);
  }
  return r.version >>> 16 === abi.major ? r : null;
}

/** Report::encode: the fields, with this host's ABI version. */
export function encodeReport(r) {
  const b = new Uint8Array(abi.report_len), v = new DataView(b.buffer);
  for (const f of abi.report_fields) {
    const x = f.name === 'version' ? abi.version : r[f.name];
    if (f.type === 'u32') v.setUint32(f.offset, Number(x), true);
    else if (f.type === 'i32') v.setInt32(f.offset, Number(x), true);
    else if (f.type === 'u64') v.setBigUint64(f.offset, BigInt(x), true);
    else v.setFloat64(f.offset, x, true);
  }
  return b;
}

/** Rust's f64 to_string, for the comparisons that use it: equal numbers say the same. */
const same = (a, b) => (Number.isNaN(a) && Number.isNaN(b)) || Object.is(a, b) || (a === b && a !== 0);
const str = (x) => String(x);

/** Where the receipt contradicts itself (Receipt::contradictions). */
export function contradictions(r) {
  const c = [];
  const check = (what, readable, exact) => { if (readable !== exact) c.push(`${what} says ${readable}, its exact record says ${exact}`); };
  const checkF = (what, readable, exact) => { if (!same(readable, exact)) c.push(`${what} says ${readable}, its exact record says ${exact}`); };
  const p = decodeParams(unhex(r.params.params_hex));
  const methodName = (id) => methodById(id)?.name ?? 'unknown';
  if (!p) c.push('params_hex is not a valid params struct');
  else {
    const x = r.params;
    check('params.method', x.method, methodName(p.method));
    checkF('params.tol', x.tol, p.tol);
    for (const k of ['max_iter', 'flags', 'seed', 'source', 'target', 'k', 'metric', 'work_budget', 'num_walks']) check(`params.${k}`, str(x[k]), str(p[k]));
    for (const k of ['alpha', 'epsilon']) checkF(`params.${k}`, x[k], p[k]);
    checkF('params.min_margin', x.min_margin, p.min_margin);
    if (p.input_ptr !== 0 || p.input_len !== 0) c.push('params_hex carries an input pointer (it must be zero)');
  }
  if (unhex(r.params.input_hex) === null) c.push('params.input_hex is not hex');
  const rep = decodeReportBytes(unhex(r.result.report_hex));
  if (!rep) c.push('result.report_hex is not a valid report');
  else {
    const x = r.result;
    check('result.status', str(x.status), str(rep.status));
    check('result.status_message', x.status_message, abi.status.find((s) => s.code === rep.status)?.message ?? 'unknown error');
    check('result.iterations', str(x.iterations), str(rep.iterations));
    checkF('result.residual', x.residual, rep.residual);
    checkF('result.estimate', x.estimate, rep.estimate);
    check('result.work', str(x.work), str(rep.work));
    check('result.converged', str(x.converged), str(rep.converged === 1));
    check('result.result_count', str(x.result_count), str(rep.result_count));
    const elem = rep.result_kind === abi.result_kinds.dense_f64 ? 8 : rep.result_kind === abi.result_kinds.pairs ? abi.pair_len : 0;
    const want = BigInt(rep.result_count) * BigInt(elem);
    if (BigInt(x.output_bytes) !== want && BigInt(x.output_bytes) !== 0n) {
      c.push(`result.output_bytes says ${x.output_bytes}, the report's ${rep.result_count} results of ${elem} bytes make ${want}`);
    }
    if (p) check('report method', methodName(rep.method), methodName(p.method));
  }
  const s = r.selection;
  check('selection.host_features_names', s.host_features_names, featureNames(Number(s.host_features) & 0xffff));
  if (unhex(s.chosen.bytecode_hash)?.length !== 32) c.push('selection.chosen.bytecode_hash is not 32 bytes of hex');
  const route = routeOf(r), interp = s.interpreter ?? null;
  if (route === null) c.push(`selection.via says ${s.via}, which is no route (direct or interpreter)`);
  else if (route === 'direct' && interp) c.push('selection.interpreter is set, but the route is direct');
  else if (route === 'interpreter' && !interp) c.push('selection.via is interpreter, but no interpreter segment is recorded');
  else if (route === 'interpreter') {
    if (unhex(interp.bytecode_hash)?.length !== 32) c.push('selection.interpreter.bytecode_hash is not 32 bytes of hex');
    check('selection.interpreter.features_names', interp.features_names, featureNames(Number(interp.features) & 0xffff));
    if (String(interp.index) === String(s.chosen.index)) c.push('selection.interpreter is the chosen kernel segment');
  }
  for (const [what, v] of [['file.digest', r.file.digest], ['file.manifest_digest', r.file.manifest_digest], ['result.output_digest', r.result.output_digest]]) {
    if (unhex(v)?.length !== 32) c.push(`${what} is not 32 bytes of hex`);
  }
  return c;
}

/** The recorded file against the bytes replayed on (Receipt::file_diff):
 *  {differences, extended}. An append to the recorded file is accepted when
 *  its first `length` bytes hash as recorded and hold the recorded manifest
 *  and chosen segment. */
export function fileDiff(r, bytes) {
  const len = BigInt(r.file.length);
  const whole = hex(shake256(bytes, 32));
  const mismatch = () => [`file digest: receipt ${r.file.digest}, replay ${whole}`, `file length: receipt ${len}, replay ${bytes.length}`];
  if (whole === r.file.digest && BigInt(bytes.length) === len) return { differences: [], extended: false };
  const prefixOk = BigInt(bytes.length) > len && hex(shake256(bytes.subarray(0, Number(len)), 32)) === r.file.digest;
  if (!prefixOk) return { differences: mismatch(), extended: false };
  const prefix = bytes.subarray(0, Number(len));
  const at = (off) => { try { return segmentAt(prefix, Number(off), Number(len)); } catch { return null; } };
  const m = at(r.file.manifest_offset);
  const manifestOk = m && m.header.segType === SEG.MANIFEST && hex(shake256(m.payload, 32)) === r.file.manifest_digest;
  const wasmAt = (off) => { const g = at(off); return Boolean(g && g.header.segType === SEG.WASM); };
  // The interpreter that ran the kernel must lie in the prefix too.
  const chosenOk = wasmAt(r.selection.chosen.offset) && (!r.selection.interpreter || wasmAt(r.selection.interpreter.offset));
  if (!manifestOk || !chosenOk) {
    return {
      differences: [...mismatch(), `file prefix: the receipt's first ${len} bytes do not hold its manifest (offset ${r.file.manifest_offset}) and chosen segment (offset ${r.selection.chosen.offset})`],
      extended: false,
    };
  }
  return { differences: [], extended: true };
}

/** The route a receipt records ('direct' when absent); null for a word that is no route. */
export const routeOf = (r) => {
  const v = r.selection.via ?? 'direct';
  return v === 'direct' || v === 'interpreter' ? v : null;
};

/** The interpreter segment a two-stage outcome ran through, as a receipt records it. */
function interpreterRecord(file, via, policy) {
  const seg = file.segment(via.index);
  const h = parseWasm(seg.payload).header;
  const key = signerOf(policy, file.bytes, file.end, seg, payloadDigest(seg.payload)).key;
  return {
    index: via.index, offset: Number(file.directory[via.index].offset), bootstrap_priority: h.priority, bytecode_size: h.bytecodeSize,
    bytecode_hash: hex(h.bytecodeHash), content_hash: hex(seg.header.contentHash), features: via.features, features_names: featureNames(via.features),
    ...(key ? { signer: { key_id: key.idHex, key_name: key.name } } : {}),
  };
}

/** The parts of a receipt a new run gives (receipt::build), from an Outcome. */
export function receiptOf(out, { file, mask = null, limits, verifyData = false, policy = null }) {
  const sel = out.selection, c = sel.chosen;
  const seg = file.segment(c.index);
  const h = c.header;
  const interp = out.via === 'interpreter' && sel.via && !sel.via.tried ? interpreterRecord(file, sel.via, policy) : null;
  return {
    selection: {
      host_features: sel.hostFeatures, host_features_names: featureNames(sel.hostFeatures), mask, forced_segment: sel.forced,
      chosen: {
        index: c.index, offset: c.offset, role: roleName(h.role), target: targetName(h.target), required_features: h.requiredFeatures,
        bootstrap_priority: h.priority, bytecode_size: h.bytecodeSize, bytecode_hash: hex(h.bytecodeHash), content_hash: hex(seg.header.contentHash),
        ...(c.signer.key ? { signer: { key_id: c.signer.key.idHex, key_name: c.signer.key.name } } : {}),
      },
      candidates: sel.candidates.map((x, i) => ({ index: x.index, offset: x.offset, verdict: interp && interp.index === x.index ? INTERPRETER_VERDICT : sel.verdict(i).text })),
      ...(interp ? { via: 'interpreter', interpreter: interp } : {}),
    },
    params: { params_hex: hex(encodeParams({ ...out.params, input_ptr: 0, input_len: 0 })), input_hex: hex(out.input), verify_data: verifyData },
    engine: out.via === 'interpreter' ? { ...KERNEL_ENGINE } : { name: 'V8', version: null, fuel_metering: false, deterministic: null },
    limits: { fuel_limit: limits.fuel, max_memory_bytes: limits.max_memory_bytes, max_recursion: limits.max_recursion },
    result: {
      status: out.report.status, output_digest: out.digest, output_bytes: out.output.length, report_hex: hex(encodeReport(out.rawReport)),
      fuel_used: out.fuelUsed,
    },
    data: { matrix: out.data.matrix, vectors: out.data.vectors },
  };
}

/** DataRecord's Display. */
const dataWords = (d) => `${d.matrix === null || d.matrix === undefined ? 'no matrix' : `matrix segment ${d.matrix}`}, vector segments [${d.vectors.join(', ')}]`;

/** The recorded route in words (replay::route_words). */
export const routeWords = (r) => (routeOf(r) === 'interpreter' && r.selection.interpreter ? `interpreter (segment ${r.selection.interpreter.index})` : 'direct');

/** A `cmp(what, a, b)` that records `WHAT: receipt A, replay B` in `d` when they differ. */
const differ = (d) => (what, a, b) => { if (String(a) !== String(b)) d.push(`${what}: receipt ${a}, replay ${b}`); };

/** The fields of the code segment that ran, in the order `diff` reports them
 *  (compare.rs chosen_fields): [what, field name or getter]. */
const CHOSEN_FIELDS = [
  ['segment', (s) => `${s.index} (features 0x${Number(s.required_features).toString(16)})`],
  ['segment offset', 'offset'],
  ['segment role', 'role'],
  ['segment target', 'target'],
  ['segment priority', 'bootstrap_priority'],
  ['segment bytecode size', 'bytecode_size'],
  ['segment bytecode hash', 'bytecode_hash'],
  ['segment content hash', 'content_hash'],
];

/** The fields of the interpreter a two-stage run went through (compare.rs interpreter_fields). */
const INTERPRETER_FIELDS = [
  ['interpreter segment', 'index'],
  ['interpreter offset', 'offset'],
  ['interpreter priority', 'bootstrap_priority'],
  ['interpreter bytecode size', 'bytecode_size'],
  ['interpreter bytecode hash', 'bytecode_hash'],
  ['interpreter content hash', 'content_hash'],
  ['interpreter features', 'features_names'],
];

/** Compares two records of a code segment field by field, then their
 *  signers (under `signerWhat`) when either names one (compare.rs cmp_code). */
function cmpCode(cmp, fields, signerWhat, a, b) {
  for (const [what, f] of fields) {
    const get = typeof f === 'function' ? f : (x) => x[f];
    cmp(what, get(a), get(b));
  }
  const signer = (s) => s?.key_id ?? 'unsigned or unchecked';
  if (a.signer || b.signer) cmp(signerWhat, signer(a.signer), signer(b.signer));
}

/** How the route differs (Receipt::route_diff): what ran the kernel. */
export function routeDiff(r, now) {
  const d = [];
  const cmp = differ(d);
  const words = (x) => { const w = routeOf(x); return w === null ? String(x.selection.via) : w === 'interpreter' && x.selection.interpreter ? routeWords(x) : w; };
  if (routeOf(r) !== routeOf(now)) {
    cmp('route', words(r), words(now));
    return d;
  }
  const [a, b] = [r.selection.interpreter, now.selection.interpreter];
  if (a && b) cmpCode(cmp, INTERPRETER_FIELDS, 'interpreter signer', a, b);
  return d;
}

/** Everything that differs between the receipt and a new run (Receipt::diff),
 *  but what this host cannot compare (`compareFuel`, `compareEngine`);
 *  `route: false` leaves the route out (Receipt::diff_but_route). */
export function diff(r, now, { compareFuel, compareEngine, route = true }) {
  const d = route ? routeDiff(r, now) : [];
  const cmp = differ(d);
  cmpCode(cmp, CHOSEN_FIELDS, 'code signer', r.selection.chosen, now.selection.chosen);
  cmp('host features', r.selection.host_features_names, now.selection.host_features_names);
  const forced = (f) => (f === null || f === undefined ? 'none' : f);
  cmp('forced segment', forced(r.selection.forced_segment), forced(now.selection.forced_segment));
  const interpreters = [r, now].map((x) => x.selection.interpreter?.index).filter((i) => i !== undefined && i !== null).map(String);
  const verdicts = (s) => s.candidates.filter((x) => !interpreters.includes(String(x.index))).map((x) => `${x.index}@${x.offset}: ${x.verdict}`).join('; ');
  cmp('candidates', verdicts(r.selection), verdicts(now.selection));
  if (compareEngine) {
    cmp('engine', `${r.engine.name} ${r.engine.version}`, `${now.engine.name} ${now.engine.version}`);
    cmp('engine fuel metering', r.engine.fuel_metering, now.engine.fuel_metering);
    cmp('engine determinism', r.engine.deterministic, now.engine.deterministic);
  }
  cmp('params', r.params.params_hex, now.params.params_hex);
  cmp('input', r.params.input_hex, now.params.input_hex);
  cmp('verify data', r.params.verify_data, now.params.verify_data);
  if (r.data) cmp('data', dataWords(r.data), dataWords(now.data));
  cmp('status', r.result.status, now.result.status);
  cmp('output digest', r.result.output_digest, now.result.output_digest);
  cmp('output bytes', r.result.output_bytes, now.result.output_bytes);
  cmp('report', r.result.report_hex, now.result.report_hex);
  if (compareFuel) cmp('fuel used', r.result.fuel_used, now.result.fuel_used);
  return d;
}

const min = (a, b) => (BigInt(a) < BigInt(b) ? BigInt(a) : BigInt(b));

/** Replay receipt `r` (parseReceipt) on `bytes` (the file). Options: `via`
 *  ('direct' | 'interpreter' | 'auto'), `hostFeatures` (a mask overriding
 *  the recorded one), this host's limits `fuel` and `maxMemory` (the
 *  receipt may lower them, never raise them), `trust`, `unsignedData`,
 *  `allowUnhashed`. Returns {identical, differences, extended, via, limits,
 *  now, notCompared, untrusted, receiptSigner, exit}. Throws RvfError when
 *  the receipt cannot be replayed at all (it contradicts itself, or its
 *  signature does not verify: bad_input; signed by a key the trust policy
 *  does not list: untrusted; a bad mask: usage). */
export function replay(r, bytes, o = {}) {
  const contra = contradictions(r);
  if (contra.length) throw badInput(['the receipt contradicts itself (edited or corrupt):', ...contra].join('\n  '));
  // Its signature, before anything runs (replay::replay): bad input when it
  // does not verify, refused when the policy does not list its key.
  const receiptSignerNow = receiptSigner(r, policyOf(o.trust, o.unsignedData));
  if (receiptSignerNow.class === 'invalid') {
    throw new RvfError(`the receipt's signature does not verify: ${receiptSignerNow.reason}`, { exit: 'bad_input', class: 'receipt_signature' });
  }
  if (receiptSignerNow.class === 'untrusted') {
    throw new RvfError(`the receipt is signed by key ${receiptSignerNow.keyId}, which the trust policy does not list`, { exit: 'untrusted', class: 'receipt_untrusted' });
  }
  const params = decodeParams(unhex(r.params.params_hex));
  const input = unhex(r.params.input_hex);
  // The recorded route unless `via` overrides it ('auto': whichever ran).
  const recordedRoute = routeOf(r) ?? 'direct';
  const asked = o.via ?? recordedRoute;
  // Direct instead of through the interpreter: the kernels it ran (its
  // features ∩ the mask) are the ones to select from.
  const mask = o.hostFeatures ?? (asked !== 'interpreter' && recordedRoute === 'interpreter'
    ? featureNames(Number(r.selection.host_features) & 0xffff) : r.selection.mask ?? null);
  const hostFuel = o.fuel === undefined || o.fuel === null ? DEFAULT_FUEL : BigInt(o.fuel);
  const hostMemory = o.maxMemory ?? LIMITS.max_memory_bytes;
  const limits = {
    fuel: min(r.engine.fuel_limit, hostFuel),
    max_memory_bytes: Number(min(r.engine.max_memory_bytes, hostMemory)),
    max_recursion: Number(min(r.engine.max_recursion, DEFAULT_MAX_RECURSION)),
  };
  const method = methodById(params.method)?.name;
  const matrix = r.data ? (r.data.matrix === null || r.data.matrix === undefined ? null : Number(r.data.matrix)) : method === 'knn' ? null : 'only';
  const { differences, extended } = fileDiff(r, bytes);
  let untrusted = false, now = null, session;
  try {
    session = new Session(openFile(bytes), {
      hostFeatures: mask ?? undefined, segment: r.selection.forced_segment ?? undefined, maxMemory: limits.max_memory_bytes,
      trust: o.trust, unsignedData: o.unsignedData, allowUnhashed: o.allowUnhashed, via: asked,
      fuel: limits.fuel, maxRecursion: limits.max_recursion,
    });
  } catch (e) {
    if (e instanceof RvfError && e.exit === 'usage') throw new RvfError(e.message.startsWith('--host-features') ? e.message : `--host-features: ${e.message}`, { exit: 'usage', class: 'usage' });
    throw e;
  }
  let out = null;
  try {
    out = session.runExact(params, input, matrix, r.params.verify_data);
    now = receiptOf(out, { file: session.file, mask, limits, verifyData: r.params.verify_data, policy: session.policy });
  } catch (e) {
    if (!(e instanceof RvfError)) throw e;
    // Under a trust policy, an interpreter no trusted key signed is refused like code.
    untrusted = e.exit === 'untrusted' || (e.class === 'no_solver' && Boolean(session.selected?.via?.tried?.some((t) => t[2] === 'untrusted')));
    if (e.class === 'no_solver') {
      differences.push(`segment: receipt used ${r.selection.chosen.index}, replay found no runnable solver (${e.message.split('\n')[0]})`);
    } else {
      differences.push(`run: receipt finished with status ${r.result.status}, replay failed: ${e.message}`);
      if (limits.fuel < BigInt(r.engine.fuel_limit) && e.exit === 'out_of_fuel') {
        differences.push(`limits: the receipt allowed ${r.engine.fuel_limit} fuel, this host at most ${limits.fuel} (raise it with --fuel)`);
      }
    }
  }
  const via = out ? out.via : session.via === 'auto' ? recordedRoute : session.via;
  const notes = [];
  if (via !== recordedRoute) notes.push(`route: the receipt ran ${routeWords(r)}, this replay ran ${via} (--via ${o.via}); outputs must still be identical`);
  const notCompared = [];
  if (via === 'interpreter') notCompared.push('the engine\'s wasmi cargo features and compilation mode (facts of the Rust build that wrote the receipt)');
  else notCompared.push('the engine (V8 runs the kernel, not wasmi) and the fuel used (V8 meters none; --via interpreter compares it)');
  if (now) differences.push(...diff(r, now, { compareFuel: via === 'interpreter', compareEngine: via === 'interpreter', route: via === recordedRoute }));
  const identical = differences.length === 0;
  return {
    identical, differences, extended, via, recordedVia: recordedRoute, notes, limits, now, outcome: out, notCompared, untrusted,
    receiptSigner: receiptSignerNow,
    exit: untrusted ? 'untrusted' : identical ? 'ok' : 'replay_differs',
  };
}
