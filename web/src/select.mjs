// Choosing the solver segment (host/src/select.rs), every candidate
// explained: a well-formed signature footer when the SIGNED flag is set,
// runnable role and target, required_features ⊆ host; then on a private
// copy the segment hash, under a trust policy a signature by a trusted key
// (before anything is decompressed or compiled), the module size, the
// module decompressed when stored compressed, its SHAKE-256 bytecode hash,
// admission under the declared features; then lowest priority, most
// features, file order. A two-stage run picks the file's interpreter first
// (pickInterpreter: the same checks, then the interpreter ABI) and admits
// the kernels inside it, screened against the features it runs.
import { SEG, format, featureNames, roleName, targetName, roleRunnable, targetRunnable, runnableRoles, runnableTargets, popcount } from './spec.mjs';
import { verifyContentHash, bytecodeHashStatus, hex } from './hashes.mjs';
import { parseWasm, wasmCode } from './payloads.mjs';
import { LIMITS } from './layouts.mjs';
import { admit } from './admit.mjs';
import { isSigned, payloadDigest } from './signature.mjs';
import { signerOf, signerJson, UNSIGNED } from './trust.mjs';
import { cachedInterpreter, TwoStageError } from './two-stage.mjs';

const rejection = (cls, message) => ({ class: cls, message });
const ZERO_DIGEST = new Uint8Array(16);

/** The cheap checks: header, signature footer, role, target, features.
 *  Who signed it is found for every candidate (explain shows it); under a
 *  policy `verifyAdmit` checks again on its private copy. */
function screen(file, index, host, policy) {
  const c = { index, offset: file.segments[index].offset, header: null, rejection: null, signer: UNSIGNED, module: null, abiVersion: null };
  let seg = null;
  try { seg = file.segment(index); } catch { /* judged below as malformed */ }
  if (seg) {
    const digest = policy && isSigned(seg.header) ? payloadDigest(seg.payload) : ZERO_DIGEST;
    c.signer = signerOf(policy, file.bytes, file.end, seg, digest);
  }
  try {
    c.header = parseWasm(file.segment(index).payload).header;
  } catch (e) {
    c.rejection = rejection('malformed', `malformed WASM segment: ${e.message}`);
    return c;
  }
  const h = c.header;
  if (c.signer.class === 'bad_footer') c.rejection = rejection('bad_signature', `signature footer: ${c.signer.error.message}`);
  else if (!roleRunnable(h.role)) c.rejection = rejection('role', `role ${roleName(h.role)} is not runnable (need ${runnableRoles().join(' or ')})`);
  else if (!targetRunnable(h.target)) c.rejection = rejection('target', `target ${targetName(h.target)} is not one this host runs (${runnableTargets().join(', ')})`);
  else if (h.requiredFeatures & ~host) c.rejection = rejection('features', `needs ${featureNames(h.requiredFeatures & ~host)}, host lacks it (host has ${featureNames(host)})`);
  return c;
}

/** Under `policy`: the signer of `seg` for the private `payload` copy, and
 *  the untrusted rejection when no trusted key signed it. */
function untrusted(file, c, seg, payload, policy) {
  if (!policy) return null;
  c.signer = signerOf(policy, file.bytes, file.end, seg, payloadDigest(payload));
  return c.signer.key ? null : rejection('untrusted', `not eligible under the trust policy: ${c.signer.words}`);
}

/** The expensive checks, on a private copy of the payload (verify_admit):
 *  segment hash; under a policy the signature, before any byte is
 *  decompressed or compiled; the module size against the module limit;
 *  decompression (into a buffer of at most that limit); the SHAKE-256
 *  bytecode hash of the module; admission. */
function verifyAdmit(file, c, maxMemory, policy, interpreter = null, limits = null) {
  const malformed = (e) => { c.rejection = rejection('malformed', `malformed WASM segment: ${e.message}`); };
  let seg;
  try { seg = file.segment(c.index); } catch (e) { malformed(e); return; }
  const payload = seg.payload.slice();
  let w;
  try { w = parseWasm(payload); } catch (e) { malformed(e); return; }
  const segHash = verifyContentHash(seg.header.checksumAlgo, seg.header.contentHash, payload);
  if (segHash.class === 'mismatch' || segHash.class === 'unsupported') {
    c.rejection = rejection('segment_hash', `segment content hash ${segHash.label}`);
    return;
  }
  if ((c.rejection = untrusted(file, c, seg, payload, policy))) return;
  const max = LIMITS.max_module_bytes;
  if (w.header.bytecodeSize > max) {
    c.rejection = rejection('module_invalid', `module rejected by the validator: module is ${w.header.bytecodeSize} bytes, over the ${max}-byte limit`);
    return;
  }
  let code;
  try { code = wasmCode(w, max); } catch (e) { if (e?.class !== 'bad_payload') throw e; malformed(e); return; }
  const codeHash = bytecodeHashStatus(w.header.bytecodeHash, code);
  if (codeHash.class !== 'verified') {
    c.rejection = rejection('bytecode_hash', `bytecode hash ${codeHash.label}`);
    return;
  }
  if (interpreter) {
    // Two-stage: admitted inside the file's interpreter, under the kernel's limits.
    try {
      c.module = interpreter.admit(code, w.header.requiredFeatures, limits);
      c.abiVersion = c.module.abiVersion;
    } catch (e) {
      if (!(e instanceof TwoStageError)) throw e;
      const s = e.sandbox;
      c.rejection = { class: s.class, message: s.message, ...(s.initialMemory ? { initialMemory: true } : {}) };
    }
    return;
  }
  const a = admit(code, w.header.requiredFeatures, maxMemory);
  if (a.rejection) c.rejection = a.rejection;
  else [c.module, c.abiVersion] = [a.module, a.abiVersion];
}

const INTERPRETER_ROLE = format.roles.find((r) => r.name === 'interpreter').id;
/** The words of Rejection::NoInterpreter. */
const NO_INTERPRETER = 'a run via the interpreter, and the file has no usable interpreter segment';

/** The verified bytecode of an interpreter segment (interpreter_code): the
 *  checks any code passes (segment hash; under a policy, a trusted
 *  signature; decompression within the module limit; the bytecode hash),
 *  or a rejection. */
function interpreterCode(file, index, policy) {
  const malformed = (e) => ({ rejection: rejection('malformed', `malformed WASM segment: ${e.message}`) });
  let seg, w;
  try { seg = file.segment(index); } catch (e) { return malformed(e); }
  const payload = seg.payload.slice();
  try { w = parseWasm(payload); } catch (e) { return malformed(e); }
  const segHash = verifyContentHash(seg.header.checksumAlgo, seg.header.contentHash, payload);
  if (segHash.class === 'mismatch' || segHash.class === 'unsupported') return { rejection: rejection('segment_hash', `segment content hash ${segHash.label}`) };
  if (policy) {
    const c = { signer: UNSIGNED };
    const r = untrusted(file, c, seg, payload, policy);
    if (r) return { rejection: r };
  }
  let code;
  try { code = wasmCode(w, LIMITS.max_module_bytes); } catch (e) { if (e?.class !== 'bad_payload') throw e; return malformed(e); }
  const codeHash = bytecodeHashStatus(w.header.bytecodeHash, code);
  if (codeHash.class !== 'verified') return { rejection: rejection('bytecode_hash', `bytecode hash ${codeHash.label}`) };
  return { code, hash: hex(w.header.bytecodeHash) };
}

/** Candidate positions that passed screening, best first (or just the
 *  forced one): lowest priority, most features, file order (ranked). */
function ranked(candidates, force) {
  return candidates
    .map((c, i) => [c, i])
    .filter(([c]) => !c.rejection && c.header && (force === null || c.index === force))
    .sort(([a], [b]) => a.header.priority - b.header.priority || popcount(b.header.requiredFeatures) - popcount(a.header.requiredFeatures) || a.index - b.index)
    .map(([, i]) => i);
}

/** The file's interpreter for a two-stage run (pick_interpreter; docs/ABI.md
 *  "Choosing the interpreter"): Interpreter segments by priority then file
 *  order, each passing the checks any code passes and accepted by this
 *  engine as an interpreter module; of those, the one that runs the
 *  best-ranked kernel (kernels screened under `allowed`, the user's mask,
 *  and `force`, ranked as select() ranks them; an interpreter's score is
 *  the rank of the first kernel whose features ⊆ its features ∩ `allowed`),
 *  ties to the earlier one; the search stops at one that runs the
 *  best-ranked kernel. {index, interpreter, features} or {tried: [[index,
 *  words, class]]}: the class of a rejection as for any code
 *  (segment_hash, untrusted, ...), or unusable_interpreter (not a module
 *  speaking the interpreter ABI). */
export function pickInterpreter(file, policy = null, { allowed = 0xffff, force = null } = {}) {
  const mods = [];
  file.directory.forEach((e, i) => {
    if (e.segType !== SEG.WASM) return;
    try {
      const h = parseWasm(file.segment(i).payload).header;
      if (h.role === INTERPRETER_ROLE) mods.push([h.priority, i]);
    } catch { /* not an interpreter segment */ }
  });
  mods.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const kernels = file.directory.map((e, i) => (e.segType === SEG.WASM ? screen(file, i, allowed, policy) : null)).filter(Boolean);
  const needs = ranked(kernels, force).map((i) => kernels[i].header.requiredFeatures);
  const score = (features) => {
    const k = needs.findIndex((n) => (n & ~(features & allowed)) === 0);
    return k < 0 ? needs.length : k;
  };
  const tried = [];
  let best = null;
  for (const [, index] of mods) {
    const c = interpreterCode(file, index, policy);
    if (c.rejection) { tried.push([index, c.rejection.message, c.rejection.class]); continue; }
    let interpreter;
    try {
      interpreter = cachedInterpreter(c.hash, c.code);
    } catch (e) {
      if (!(e instanceof TwoStageError)) throw e;
      tried.push([index, e.message, 'unusable_interpreter']);
      continue;
    }
    const sc = score(interpreter.features);
    if (best === null || sc < best.score) best = { score: sc, index, interpreter, features: interpreter.features };
    if (sc === 0) break;
  }
  if (best === null) return { tried };
  const { score: _, ...picked } = best;
  return picked;
}

/** Judge the WASM segments for host features `host` (bits). `how`: 'every'
 *  (select --explain) or 'first' (in rank order until one passes, as a run).
 *  `force`: a directory index, still fully verified. `policy`: a trust
 *  policy (trust.mjs) or null. `twoStage`: null (kernels run in this
 *  engine), or pickInterpreter()'s answer (kernels run inside the file's
 *  interpreter, under `limits`: two-stage.mjs kernelLimits); then `host`
 *  is already bounded by the features the interpreter runs. */
export function select(file, { host, force = null, how = 'every', maxMemory, policy = null, twoStage = null, limits = null }) {
  const interpreter = twoStage?.interpreter ?? null;
  const candidates = file.directory.map((e, i) => (e.segType === SEG.WASM ? screen(file, i, host, policy) : null)).filter(Boolean);
  const order = ranked(candidates, force);
  let chosen = null;
  for (const i of order) {
    if (chosen !== null && how === 'first') break;
    if (twoStage && !interpreter) {
      candidates[i].rejection = rejection('no_interpreter', NO_INTERPRETER);
      continue;
    }
    verifyAdmit(file, candidates[i], maxMemory, policy, interpreter, limits);
    if (chosen === null && candidates[i].module) chosen = i;
  }
  const via = twoStage === null ? null : interpreter ? { index: twoStage.index, features: twoStage.features } : { tried: twoStage.tried };
  return new Selection(host, candidates, chosen, force, via);
}

export class Selection {
  /** `via`: null (direct), {index, features} (the interpreter segment that
   *  runs the kernel) or {tried: [[index, words, class]]} (none was usable). */
  constructor(host, candidates, chosen, forced, via = null) {
    Object.assign(this, { hostFeatures: host, candidates, chosenPosition: chosen, forced, via });
    /** With via 'auto': the other path's selection, when this one chose nothing. */
    this.alternative = null;
  }
  /** 'direct' or 'interpreter': what runs the kernel. */
  get path() { return this.via === null ? 'direct' : 'interpreter'; }
  get chosen() { return this.chosenPosition === null ? null : this.candidates[this.chosenPosition]; }
  /** {class, text} of candidate i: selected / eligible / not_verified / rejected:<class>. */
  verdict(i) {
    const c = this.candidates[i];
    if (c.rejection) return { class: `rejected:${c.rejection.class}`, text: `rejected: ${c.rejection.message}` };
    if (this.chosenPosition === i) return { class: 'selected', text: 'selected' };
    if (c.module) return { class: 'eligible', text: 'eligible (ranked lower)' };
    return { class: 'not_verified', text: 'eligible (ranked lower; not verified: a better variant was chosen first)' };
  }
  /** As `rvf-pack select --json`. */
  toJSON() {
    return {
      host_features: featureNames(this.hostFeatures),
      selected_segment: this.chosen ? this.chosen.index : null,
      via: this.path,
      ...(this.via === null ? {} : {
        interpreter: this.via.tried ? { segment: null, tried: this.via.tried.map(([segment, why]) => ({ segment, why })) }
          : { segment: this.via.index, features: featureNames(this.via.features) },
      }),
      candidates: this.candidates.map((c, i) => {
        const h = c.header, v = this.verdict(i);
        return {
          segment: c.index, offset: c.offset, role: h ? roleName(h.role) : null, target: h ? targetName(h.target) : null,
          required_features: h ? featureNames(h.requiredFeatures) : null, priority: h ? h.priority : null,
          selected: this.chosenPosition === i, signer: signerJson(c.signer), verdict: v.text, verdict_class: v.class,
        };
      }),
    };
  }
  /** True when some candidate was refused under the trust policy. */
  get untrusted() { return this.candidates.some((c) => c.rejection?.class === 'untrusted'); }
  /** The exit name when nothing runs (RunError::exit): memory_limit, untrusted, refused or no_solver. */
  get noSolverExit() {
    if (this.candidates.some((c) => c.rejection?.initialMemory)) return 'memory_limit';
    if (this.untrusted) return 'untrusted';
    return this.forced === null ? 'no_solver' : 'refused';
  }
  /** Why no solver runs (RunError::NoSolver's words); with via 'auto', then
   *  why the other path found none either. */
  noSolverMessage() {
    const own = this.ownNoSolverMessage();
    const alt = this.alternative;
    if (!alt) return own;
    return `${own}\n${alt.path === 'interpreter' ? 'via the file\'s interpreter' : 'directly in this engine'}: ${alt.ownNoSolverMessage().split('\n').join('\n  ')}`;
  }
  ownNoSolverMessage() {
    if (this.via?.tried) {
      if (!this.via.tried.length) return 'a run via the interpreter, and the file carries none (pack it with --bootstrap)';
      return ['a run via the interpreter, and no interpreter segment is usable', ...this.via.tried.map(([i, why]) => `  interpreter segment ${i}: ${why}`)].join('\n');
    }
    const n = this.forced;
    let s = n === null ? (this.untrusted ? 'no runnable solver segment signed by a trusted key' : 'no runnable solver segment')
      : this.candidates.some((c) => c.index === n) ? `the forced segment ${n} is not runnable` : `the forced segment ${n} is not a WASM segment`;
    if (!this.candidates.length) s += ' (the file has no WASM segments)';
    this.candidates.forEach((c, i) => { s += `\n  segment ${c.index}: ${this.verdict(i).text}`; });
    return s;
  }
}
