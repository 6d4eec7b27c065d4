// A session over one open file (host/src/session.rs): selection (made at
// the first run, then kept), data binding, parameters, the run, the
// outcome, and the labels of the data it read. Each data segment is hashed before the first bulk read of its
// arrays in the session (or all up front with verifyData). Under a trust
// policy the chosen code is signed by a trusted key, and (unless
// unsignedData) so is every data segment a run binds.
import { applyFeatureMask, featureNames, roleName, exitForStatus, statusMessage, STATUS, FEAT, methodById, detailName, detailWords, SANDBOX } from './spec.mjs';
import { refusal } from './errors.mjs';
import { engineFeatures } from './engine.mjs';
import { select, pickInterpreter } from './select.mjs';
import { kernelLimits, TwoStageError, DEFAULT_FUEL, DEFAULT_MAX_RECURSION } from './two-stage.mjs';
import { ENGINE_FEATURES } from './layouts.mjs';
import { bind, sourceOf, segmentsOf, checkSegment, checkSigned, boundSegments, verifyData as verifyData_ } from './data.mjs';
import { trustPolicy, signerJson } from './trust.mjs';
import { makeRequest, matrixChoice, inputOf, paramsOf } from './request.mjs';
import { runModule } from './sandbox.mjs';
import { decodeResults, valueLabel, rowsJson, denseLabelsJson, shownRows, rustDisplay } from './results.mjs';
import { findLabels } from './labels.mjs';
import { shake256, hex } from './hashes.mjs';
import { LIMITS } from './layouts.mjs';

/** Host features from an option: a mask spec ("-simd"), bits, or undefined
 *  (all the engine has). `of`: the features the mask applies to (default:
 *  this engine's). */
export function hostFeatures(mask, of = engineFeatures()) {
  if (mask === undefined || mask === null) return of;
  return typeof mask === 'number' ? mask & of : applyFeatureMask(String(mask), of);
}

/** Every feature the sandbox can run (interpreter/src/caps.rs host_features):
 *  what a user's mask applies to when the kernel runs in the file's
 *  interpreter, not in this engine (HostConfig::allowed_features). */
const SANDBOX_FEATURES = ENGINE_FEATURES.reduce((a, name) => a | FEAT[name], FEAT.simd);

/** What runs the kernel: this engine ('direct'), the file's interpreter
 *  ('interpreter'), or the interpreter only when no kernel runs directly ('auto'). */
export const VIA = Object.freeze(['direct', 'interpreter', 'auto']);
const checkVia = (via) => {
  if (!VIA.includes(via)) throw refusal('usage', `--via ${via}: not one of ${VIA.join(', ')}`, 'usage');
  return via;
};
/** A fuel budget: a positive integer (number, BigInt or decimal string) below 2^64. */
function checkFuel(fuel) {
  let f;
  try { f = BigInt(typeof fuel === 'string' ? fuel.trim() : fuel); } catch { f = -1n; }
  if (f < 0n || f >= 1n << 64n || (typeof fuel === 'string' && !/^\d+$/.test(fuel.trim()))) throw refusal('usage', `--fuel: '${fuel}' is not a fuel budget (a whole number)`, 'usage');
  return f;
}

export class Session {
  /** @param file an openFile() result; @param o {hostFeatures?: string|number, segment?: number,
   *  allowUnhashed?: boolean, maxMemory?: number (bytes), trust?: trust-file text | [{name, publicKey}]
   *  | a trustPolicy() (none: no policy, the code is unauthenticated), unsignedData?: boolean,
   *  via?: 'direct' (default) | 'interpreter' | 'auto', fuel?: number|bigint|string (kernel fuel
   *  of runs via the interpreter; V8 meters none), maxRecursion?: number (likewise),
   *  engineFeatures?: string|number (emulate an engine with fewer features than this one)} */
  constructor(file, o = {}) {
    this.file = file;
    this.mask = o.hostFeatures ?? null;
    /** What this engine runs: probed, or (o.engineFeatures: bits or a mask
     *  spec applied to the probe) an engine emulated, e.g. one without SIMD. */
    this.engine = o.engineFeatures === undefined || o.engineFeatures === null ? engineFeatures() : hostFeatures(o.engineFeatures);
    this.host = hostFeatures(this.mask, this.engine);
    this.force = o.segment ?? null;
    this.allowUnhashed = Boolean(o.allowUnhashed);
    this.maxMemory = o.maxMemory ?? LIMITS.max_memory_bytes;
    this.policy = policyOf(o.trust, o.unsignedData);
    this.via = checkVia(o.via ?? 'direct');
    this.fuel = o.fuel === undefined || o.fuel === null ? DEFAULT_FUEL : checkFuel(o.fuel);
    this.maxRecursion = o.maxRecursion ?? DEFAULT_MAX_RECURSION;
    this.checked = new Set();
    this.signedData = new Set();
    this.selected = null;
    this.interpreter = null;
  }
  /** True when a trust policy is in force (else the code is unauthenticated). */
  get authenticated() { return this.policy !== null; }
  /** Change what runs the kernel, or its fuel, for later runs (the solver is
   *  selected again; what the session verified of the data is kept). */
  configure({ via = this.via, fuel = this.fuel } = {}) {
    const f = fuel === null ? DEFAULT_FUEL : checkFuel(fuel);
    if (checkVia(via) !== this.via || f !== this.fuel) [this.via, this.fuel, this.selected] = [via, f, null];
    return this;
  }
  /** The kernel limits of runs via the interpreter (the session's fuel, memory cap and recursion). */
  get limits() { return kernelLimits({ fuel: this.fuel, maxMemory: this.maxMemory, maxRecursion: this.maxRecursion }); }
  /** Judge every candidate (select --explain). */
  explain() { return this.choose('every'); }
  /** Verify in rank order until one passes (what a run uses). */
  select() { return this.choose('first'); }

  choose(how) {
    const o = { force: this.force, how, maxMemory: this.maxMemory, policy: this.policy };
    const direct = () => select(this.file, { ...o, host: this.host });
    const twoStage = () => {
      // The user's mask bounds what the interpreter runs (not what this engine runs).
      const allowed = hostFeatures(this.mask, SANDBOX_FEATURES);
      const ts = (this.interpreter ??= pickInterpreter(this.file, this.policy, { allowed, force: this.force }));
      const host = ts.interpreter ? allowed & ts.features : allowed;
      return select(this.file, { ...o, host, twoStage: ts, limits: this.limits });
    };
    if (this.via === 'direct') return direct();
    if (this.via === 'interpreter') return twoStage();
    // auto: the file's interpreter only when no kernel runs in this engine.
    const d = direct();
    if (d.chosen) return d;
    const t = twoStage();
    if (t.chosen) return t;
    d.alternative = t;
    return d;
  }

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
    const sel = this.selection();
    const binding = bind(this.file, matrixChoice(req));
    const input = inputOf(req, binding);
    const params = paramsOf(req, this.file);
    return this.execute(sel, binding, params, input, req.verifyData);
  }

  /** Run exact ABI parameters (by field name, as paramsOf gives them) and
   *  input bytes (a receipt's) on `matrix`: null (none), 'only' or a
   *  directory index (Session::run_exact). */
  runExact(params, input, matrix, verifyData = false) {
    const sel = this.selection();
    return this.execute(sel, bind(this.file, matrix), params, input, verifyData);
  }

  /** The selection runs use: made at the first run, then kept. */
  selection() {
    const sel = (this.selected ??= this.select());
    if (!sel.chosen) throw refusal(sel.noSolverExit, sel.noSolverMessage(), 'no_solver');
    return sel;
  }

  execute(sel, binding, params, input, verifyData) {
    const c = sel.chosen;
    if (this.policy && !this.policy.unsignedData) {
      for (const i of boundSegments(binding)) {
        if (this.signedData.has(i)) continue;
        checkSigned(this.file, i, this.policy);
        this.signedData.add(i);
      }
    }
    if (verifyData) {
      verifyData_(this.file, binding, this.allowUnhashed);
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
    let out, error = null;
    if (c.module.twoStage) {
      // Inside the interpreter: the limits' cap, lowered by the header's pages (as the Rust host).
      try { out = c.module.run(params, input, sourceOf(binding), check, pages ? pages * SANDBOX.page_bytes : null); } catch (e) { error = e instanceof TwoStageError ? e.toRvfError() : e; }
    } else {
      const cap = pages ? Math.min(pages * SANDBOX.page_bytes, this.maxMemory) : this.maxMemory;
      try { out = runModule(c.module, params, input, sourceOf(binding), check, cap); } catch (e) { error = e; }
    }
    if (failure) throw failure;
    if (error) throw error;
    return new Outcome({ file: this.file, selection: sel, chosen: c, params, input, binding, authenticated: this.authenticated, ...out });
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
/** A u64 for JSON: a number when exact, else its BigInt (which JSON.stringify refuses: say it as a string). */
const jsonU64 = (x) => (x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : String(x));

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
    /** The report as the module gave it (the ABI's field names; receipts encode it). */
    this.rawReport = r;
    this.report = {
      status: r.status, statusMessage: statusMessage(r.status), detail: r.detail ?? 0, detailName: detailName(r.detail ?? 0), iterations: num(r.iterations), residual: r.residual,
      estimate: r.estimate, work: num(r.work), converged: r.converged === 1, resultCount: r.result_count, resultKind: r.result_kind,
    };
    this.output = o.output;
    /** What ran the kernel: 'direct' (this engine) or 'interpreter' (the file's, two-stage). */
    this.via = o.selection.path;
    /** Kernel fuel (BigInt), metered by the interpreter's wasmi; null for a direct V8 run (V8 meters none). */
    this.fuelUsed = o.fuelUsed ?? null;
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
  /** One line as rvf-pack run prints it; a two-stage run says it ran in the file's interpreter. */
  summary() {
    const via = this.via === 'interpreter' ? ` via the file's interpreter (segment ${this.selection.via.index})` : '';
    return `${this.method} on segment ${this.segment.index} (${roleName(this.segment.role)}, features ${featureNames(this.segment.requiredFeatures)})${via}: ${this.report.statusWords}`;
  }
  /** The fields of `rvf-pack run --json` (fuel_used only for two-stage runs: V8 meters none).
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
      ...(this.fuelUsed === null ? {} : { fuel_used: jsonU64(this.fuelUsed) }),
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
