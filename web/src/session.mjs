// A session over one open file (host/src/session.rs): selection (made at
// the first run, then kept), data binding, parameters, the run, the
// outcome, and the labels of the data it read. Each data segment is hashed before the first bulk read of its
// arrays in the session (or all up front with verifyData). Under a trust
// policy the chosen code is signed by a trusted key, and (unless
// unsignedData) so is every data segment a run binds.
import { applyFeatureMask, featureNames, roleName, exitForStatus, statusMessage, STATUS, methodById, detailName, detailWords } from './spec.mjs';
import { refusal } from './errors.mjs';
import { engineFeatures } from './engine.mjs';
import { select } from './select.mjs';
import { bind, sourceOf, segmentsOf, checkSegment, checkSigned, boundSegments, verifyData } from './data.mjs';
import { trustPolicy, signerJson } from './trust.mjs';
import { makeRequest, matrixChoice, inputOf, paramsOf } from './request.mjs';
import { runModule } from './sandbox.mjs';
import { decodeResults, valueLabel, rowsJson, denseLabelsJson, shownRows, rustDisplay } from './results.mjs';
import { findLabels } from './labels.mjs';
import { shake256, hex } from './hashes.mjs';
import { LIMITS } from './layouts.mjs';

/** Host features from an option: a mask spec ("-simd"), bits, or undefined (all the engine has). */
export function hostFeatures(mask) {
  const engine = engineFeatures();
  if (mask === undefined || mask === null) return engine;
  return typeof mask === 'number' ? mask & engine : applyFeatureMask(String(mask), engine);
}

export class Session {
  /** @param file an openFile() result; @param o {hostFeatures?: string|number, segment?: number,
   *  allowUnhashed?: boolean, maxMemory?: number (bytes), trust?: trust-file text | [{name, publicKey}]
   *  | a trustPolicy() (none: no policy, the code is unauthenticated), unsignedData?: boolean} */
  constructor(file, o = {}) {
    this.file = file;
    this.host = hostFeatures(o.hostFeatures);
    this.force = o.segment ?? null;
    this.allowUnhashed = Boolean(o.allowUnhashed);
    this.maxMemory = o.maxMemory ?? LIMITS.max_memory_bytes;
    this.policy = policyOf(o.trust, o.unsignedData);
    this.checked = new Set();
    this.signedData = new Set();
    this.selected = null;
  }
  /** True when a trust policy is in force (else the code is unauthenticated). */
  get authenticated() { return this.policy !== null; }
  /** Judge every candidate (select --explain). */
  explain() { return select(this.file, { host: this.host, force: this.force, how: 'every', maxMemory: this.maxMemory, policy: this.policy }); }
  /** Verify in rank order until one passes (what a run uses). */
  select() { return select(this.file, { host: this.host, force: this.force, how: 'first', maxMemory: this.maxMemory, policy: this.policy }); }

  /** The labels of the data `out` read (rows of the vector set or nodes of
   *  the matrix), under this session's trust policy (Session::labels):
   *  {labels: Labels | null, skipped: [{segment, words}]}. */
  labels(out) {
    if (out.data.matrix !== null) return findLabels(this.file, { matrix: out.data.matrix }, this.policy);
    if (out.data.vectors.length) return findLabels(this.file, { vectors: true }, this.policy);
    return { labels: null, skipped: [] };
  }

  /** Run `method` with rvf-pack run's options; returns an Outcome (also when
   *  the solver reports an error status). Throws RvfError on refusals. */
  run(method, options = {}) {
    const req = makeRequest(method, options);
    const sel = (this.selected ??= this.select());
    const c = sel.chosen;
    if (!c) throw refusal(sel.noSolverExit, sel.noSolverMessage(), 'no_solver');
    const binding = bind(this.file, matrixChoice(req));
    const input = inputOf(req, binding);
    const params = paramsOf(req, this.file);
    if (this.policy && !this.policy.unsignedData) {
      for (const i of boundSegments(binding)) {
        if (this.signedData.has(i)) continue;
        checkSigned(this.file, i, this.policy);
        this.signedData.add(i);
      }
    }
    if (req.verifyData) {
      verifyData(this.file, binding, this.allowUnhashed);
      for (const i of [binding.sparse?.index, ...binding.vectors.segments.map((s) => s.index)]) if (i !== undefined) this.checked.add(i);
    }
    let failure = null;
    const check = (arrayId) => {
      for (const i of segmentsOf(binding, arrayId)) {
        if (this.checked.has(i)) continue;
        try { checkSegment(this.file, i, this.allowUnhashed); } catch (e) { failure = e; return false; }
        this.checked.add(i);
      }
      return true;
    };
    const pages = c.header.maxMemoryPages;
    const cap = pages ? Math.min(pages * 65536, this.maxMemory) : this.maxMemory;
    let out, error = null;
    try { out = runModule(c.module, params, input, sourceOf(binding), check, cap); } catch (e) { error = e; }
    if (failure) throw failure;
    if (error) throw error;
    return new Outcome({ file: this.file, selection: sel, chosen: c, request: req, params, input, binding, authenticated: this.authenticated, ...out });
  }
}

/** The session's policy from its options: none, or a trustPolicy() (a
 *  policy given whole has its keys checked again; `unsignedData` overrides). */
function policyOf(trust, unsignedData) {
  if (trust === undefined || trust === null) return null;
  const given = !Array.isArray(trust) && Array.isArray(trust?.keys);
  return trustPolicy(given ? trust.keys : trust, { unsignedData: unsignedData ?? (given && trust.unsignedData) });
}

const num = (x) => (typeof x === 'bigint' ? Number(x) : x);

/** A finished run: what ran, on what, with which inputs, and what it produced. */
export class Outcome {
  constructor(o) {
    this.method = methodById(o.params.method).name;
    this.selection = o.selection;
    this.segment = { index: o.chosen.index, offset: o.chosen.offset, requiredFeatures: o.chosen.header.requiredFeatures, role: o.chosen.header.role };
    /** Who signed the code that ran, and whether a trust policy checked it. */
    this.signer = o.chosen.signer;
    this.authenticated = o.authenticated;
    const m = o.binding.sparse?.matrix.header;
    this.data = { matrix: o.binding.sparse ? o.binding.sparse.index : null, vectors: o.binding.vectors.segments.map((s) => s.index) };
    this.shape = { rows: m ? m.rows : 0, cols: m ? m.cols : 0, dim: o.binding.vectors.dim, count: o.binding.vectors.count };
    this.params = o.params;
    this.input = o.input;
    const r = o.report;
    this.report = {
      status: r.status, statusMessage: statusMessage(r.status), detail: r.detail ?? 0, detailName: detailName(r.detail ?? 0), iterations: num(r.iterations), residual: r.residual,
      estimate: r.estimate, work: num(r.work), converged: r.converged === 1, resultCount: r.result_count, resultKind: r.result_kind,
    };
    this.output = o.output;
    this.stats = { hostCalls: o.stats.calls, rowsServed: o.stats.rows_served, bytesServed: o.stats.bytes_served };
    this.digest = hex(shake256(o.output, 32));
    this.valueLabel = valueLabel(this.method, o.params.metric);
    this.report.statusWords = this.statusWords();
  }
  /** The value a detail's `{name}` placeholder stands for (host/src/session.rs Outcome::value). */
  value(name) {
    const p = this.params, d = this.shape;
    const v = {
      tol: rustDisplay(p.tol), alpha: rustDisplay(p.alpha), epsilon: rustDisplay(p.epsilon), source: p.source, target: p.target,
      k: p.k, max_iter: p.max_iter, walks: p.num_walks, metric: p.metric, rows: d.rows, cols: d.cols, dim: d.dim, count: d.count,
      query_len: this.input.length / 4, residual: Number.isFinite(this.report.residual) ? this.report.residual.toExponential(3).replace('e+', 'e') : rustDisplay(this.report.residual),
    }[name];
    return v === undefined ? null : String(v);
  }
  /** The status message, then (with a detail code) what exactly and the fix. */
  statusWords() {
    const w = detailWords(this.report.detail, (k) => this.value(k));
    if (!w) return this.report.statusMessage;
    return `${this.report.statusMessage}: ${w.what}${w.fix ? ` (${w.fix})` : ''}`;
  }
  /** The exit name of the solver's status (ok, solver_refused, not_converged). */
  get exit() { return exitForStatus(this.report.status); }
  /** True when the solver refused or stopped early without a result worth saving. */
  get refused() { return ![STATUS.OK, STATUS.NOT_CONVERGED, STATUS.BUDGET].includes(this.report.status); }
  /** Decoded results: {kind: 'dense', values} or {kind: 'pairs', pairs}. */
  results() { return decodeResults(this.report.resultKind, this.output); }
  /** Rows in the order a table shows them. */
  rows() { return shownRows(this.results(), this.method); }
  /** One line as rvf-pack run prints it. */
  summary() {
    return `${this.method} on segment ${this.segment.index} (${roleName(this.segment.role)}, features ${featureNames(this.segment.requiredFeatures)}): ${this.report.statusWords}`;
  }
  /** The fields of `rvf-pack run --json` (no fuel_used: V8 meters none).
   *  `labels`: the Labels of the data (Session#labels), which add `label`
   *  to pair rows, a `labels` list beside dense results, and `labels_segments`;
   *  `rows: false` leaves the results out (rvf-pack's --out). */
  toJSON({ file = null, top = 10, labels = null, rows = true } = {}) {
    const r = this.report, results = this.results();
    const v = {
      file, method: this.method,
      segment: { index: this.segment.index, offset: this.segment.offset, required_features: featureNames(this.segment.requiredFeatures) },
      data: this.data,
      selection: this.selection.toJSON(),
      report: {
        status: r.status, status_message: r.statusMessage, detail: r.detail, detail_name: r.detailName, status_words: r.statusWords,
        iterations: r.iterations, residual: r.residual, estimate: r.estimate,
        work: r.work, converged: r.converged, result_count: r.resultCount,
      },
      host_calls: this.stats.hostCalls, rows_served: this.stats.rowsServed, bytes_served: this.stats.bytesServed,
      output_digest: this.digest,
      authenticated: this.authenticated,
      signer: signerJson(this.signer),
      value_label: this.valueLabel,
    };
    if (rows) {
      v.results = rowsJson(results, top, labels);
      const l = labels && denseLabelsJson(results, top, labels);
      if (l) v.labels = l;
    }
    if (labels) v.labels_segments = labels.segments;
    return v;
  }
}
