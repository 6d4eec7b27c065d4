// Choosing the solver segment (host/src/select.rs), every candidate
// explained: runnable role and target, required_features ⊆ host, segment
// and SHAKE-256 bytecode hashes verified on a private copy, admission under
// the declared features; then lowest priority, most features, file order.
import { SEG, featureNames, roleName, targetName, roleRunnable, targetRunnable, runnableRoles, runnableTargets, popcount } from './spec.mjs';
import { verifyContentHash, bytecodeHashStatus } from './hashes.mjs';
import { parseWasm } from './payloads.mjs';
import { admit } from './admit.mjs';

const rejection = (cls, message) => ({ class: cls, message });

/** The cheap checks: header, role, target, features. */
function screen(file, index, host) {
  const c = { index, offset: file.segments[index].offset, header: null, rejection: null, module: null, abiVersion: null };
  try {
    c.header = parseWasm(file.segment(index).payload).header;
  } catch (e) {
    c.rejection = rejection('malformed', `malformed WASM segment: ${e.message}`);
    return c;
  }
  const h = c.header;
  if (!roleRunnable(h.role)) c.rejection = rejection('role', `role ${roleName(h.role)} is not runnable (need ${runnableRoles().join(' or ')})`);
  else if (!targetRunnable(h.target)) c.rejection = rejection('target', `target ${targetName(h.target)} is not one this host runs (${runnableTargets().join(', ')})`);
  else if (h.requiredFeatures & ~host) c.rejection = rejection('features', `needs ${featureNames(h.requiredFeatures & ~host)}, host lacks it (host has ${featureNames(host)})`);
  return c;
}

/** The expensive checks, on a private copy of the payload. */
function verifyAdmit(file, c, maxMemory) {
  const seg = file.segments[c.index];
  const payload = seg.payload.slice();
  let w;
  try { w = parseWasm(payload); } catch (e) { c.rejection = rejection('malformed', `malformed WASM segment: ${e.message}`); return; }
  const segHash = verifyContentHash(seg.checksumAlgo, seg.contentHash, payload);
  const codeHash = bytecodeHashStatus(w.header.bytecodeHash, w.bytecode);
  if (segHash.class === 'mismatch' || segHash.class === 'unsupported') c.rejection = rejection('segment_hash', `segment content hash ${segHash.label}`);
  else if (codeHash.class !== 'verified') c.rejection = rejection('bytecode_hash', `bytecode hash ${codeHash.label}`);
  else {
    const a = admit(w.bytecode, w.header.requiredFeatures, maxMemory);
    if (a.rejection) c.rejection = a.rejection;
    else [c.module, c.abiVersion] = [a.module, a.abiVersion];
  }
}

/** Judge the WASM segments for host features `host` (bits). `how`: 'every'
 *  (select --explain) or 'first' (in rank order until one passes, as a run).
 *  `force`: a directory index, still fully verified. */
export function select(file, { host, force = null, how = 'every', maxMemory }) {
  const candidates = file.directory.map((e, i) => (e.segType === SEG.WASM ? screen(file, i, host) : null)).filter(Boolean);
  const order = candidates
    .map((c, i) => [c, i])
    .filter(([c]) => !c.rejection && c.header && (force === null || c.index === force))
    .sort(([a], [b]) => a.header.priority - b.header.priority || popcount(b.header.requiredFeatures) - popcount(a.header.requiredFeatures) || a.index - b.index)
    .map(([, i]) => i);
  let chosen = null;
  for (const i of order) {
    if (chosen !== null && how === 'first') break;
    verifyAdmit(file, candidates[i], maxMemory);
    if (chosen === null && candidates[i].module) chosen = i;
  }
  return new Selection(host, candidates, chosen, force);
}

export class Selection {
  constructor(host, candidates, chosen, forced) {
    Object.assign(this, { hostFeatures: host, candidates, chosenPosition: chosen, forced });
  }
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
      candidates: this.candidates.map((c, i) => {
        const h = c.header, v = this.verdict(i);
        return {
          segment: c.index, offset: c.offset, role: h ? roleName(h.role) : null, target: h ? targetName(h.target) : null,
          required_features: h ? featureNames(h.requiredFeatures) : null, priority: h ? h.priority : null,
          selected: this.chosenPosition === i, verdict: v.text, verdict_class: v.class,
        };
      }),
    };
  }
  /** Why no solver runs (RunError::NoSolver's words). */
  noSolverMessage() {
    const n = this.forced;
    let s = n === null ? 'no runnable solver segment'
      : this.candidates.some((c) => c.index === n) ? `the forced segment ${n} is not runnable` : `the forced segment ${n} is not a WASM segment`;
    if (!this.candidates.length) s += ' (the file has no WASM segments)';
    this.candidates.forEach((c, i) => { s += `\n  segment ${c.index}: ${this.verdict(i).text}`; });
    return s;
  }
}
