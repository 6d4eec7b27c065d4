// What a run asks for, in rvf-pack run's terms (host/src/request.rs), and
// how it becomes the exact ABI parameters and input bytes. Options are
// checked as rvf-pack's argument parser checks them: a bad value is a
// usage error (exit 2), never a silent default.
import { abi, METHODS, METRICS, metricForManifest } from './spec.mjs';
import { DEFAULTS } from './layouts.mjs';
import { refusal } from './errors.mjs';
import { vectorRow } from './data.mjs';

const usage = (msg) => refusal('usage', msg);
const ALIASES = { max_iter: 'maxIter', min_margin: 'minMargin', query_index: 'queryIndex', verify_data: 'verifyData', num_walks: 'walks' };

function uint(name, v, bits) {
  let x;
  try {
    x = typeof v === 'bigint' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? BigInt(v.trim()) : Number.isInteger(v) ? BigInt(v) : null;
  } catch { x = null; }
  if (x === null || x < 0n || x >= 1n << BigInt(bits)) throw usage(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: '${v}' is not an integer in 0..2^${bits}`);
  return bits > 32 ? x : Number(x);
}
/** A float as Rust's f64 parser takes it (also "inf", "-infinity", "NaN"). */
function parseFloatArg(v) {
  if (typeof v === 'number') return v;
  const t = String(v).trim();
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  return t === '' ? NaN : Number(t);
}
function float(name, v) {
  const x = parseFloatArg(v);
  if (typeof x !== 'number' || (Number.isNaN(x) && !/^[+-]?nan$/i.test(String(v).trim()))) throw usage(`--${name}: '${v}' is not a number`);
  return x;
}

/** A checked request: {method, tol, maxIter, precondition, minMargin, alpha,
 *  epsilon, source, target, walks, seed (BigInt), budget (BigInt), k, metric
 *  (name|null), query (Float32Array|null), queryIndex (number|null), data, verifyData}. */
export function makeRequest(method, options = {}) {
  const m = METHODS[method];
  if (!m) throw usage(`unknown method '${method}' (known: ${abi.methods.map((x) => x.name).join(', ')})`);
  const o = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined && v !== null) o[ALIASES[k] ?? k] = v;
  const r = { method: m.name };
  r.tol = float('tol', o.tol ?? DEFAULTS.tol);
  r.maxIter = uint('maxIter', o.maxIter ?? DEFAULTS.maxIter, 32);
  r.precondition = Boolean(o.precondition ?? DEFAULTS.precondition);
  r.minMargin = float('min-margin', o.minMargin ?? DEFAULTS.minMargin);
  r.alpha = float('alpha', o.alpha ?? DEFAULTS.alpha);
  r.epsilon = float('epsilon', o.epsilon ?? DEFAULTS.epsilon);
  for (const k of ['source', 'target', 'walks', 'k']) r[k] = uint(k, o[k] ?? DEFAULTS[k], 32);
  r.seed = uint('seed', o.seed ?? DEFAULTS.seed, 64);
  r.budget = uint('budget', o.budget ?? DEFAULTS.budget, 64);
  r.metric = o.metric ?? null;
  if (r.metric !== null && !METRICS[r.metric]) throw usage(`--metric: '${r.metric}' is not one of ${abi.metrics.map((x) => x.name).join(', ')}`);
  if (o.query !== undefined && o.queryIndex !== undefined) throw usage('give either --query or --query-index, not both');
  r.query = o.query === undefined ? null : toQuery(o.query);
  r.queryIndex = o.queryIndex === undefined ? null : uint('queryIndex', o.queryIndex, 64);
  if (typeof r.queryIndex === 'bigint') r.queryIndex = Number(r.queryIndex);
  r.data = o.data === undefined ? null : Number(uint('data', o.data, 32));
  r.verifyData = Boolean(o.verifyData);
  const unknown = Object.keys(o).filter((k) => !(k in r));
  if (unknown.length) throw usage(`unknown option ${unknown.map((k) => `'${k}'`).join(', ')}`);
  return r;
}

/** A k-NN query from a Float32Array, Float64Array, plain array or "1,2,3". */
function toQuery(q) {
  const items = typeof q === 'string' ? q.split(',').map((s) => s.trim()) : Array.from(q);
  const values = items.map(parseFloatArg);
  if (!items.length || values.some((x, i) => Number.isNaN(x) && !/^nan$/i.test(String(items[i])))) {
    throw usage(`--query '${typeof q === 'string' ? q : items.join(',')}' is not a list of numbers`);
  }
  return Float32Array.from(values);
}

/** Which matrix the request binds: null (k-NN), a directory index, or 'only'. */
export const matrixChoice = (r) => (r.method === 'knn' ? null : r.data ?? 'only');

/** The metric a k-NN run uses: the one asked for, else the file's manifest's, else L2. */
export const metricFor = (r, file) => (r.metric ? METRICS[r.metric] : metricForManifest(file.manifest.metricId) ?? METRICS.l2);

/** The exact ABI parameters (Params), by field name. */
export function paramsOf(r, file) {
  return {
    version: abi.params_version, method: METHODS[r.method].id, tol: r.tol, max_iter: r.maxIter,
    flags: r.precondition ? abi.flag_precondition : 0, alpha: r.alpha, epsilon: r.epsilon, seed: r.seed,
    source: r.source, target: r.target, k: r.k, metric: metricFor(r, file).id, work_budget: r.budget,
    num_walks: r.walks, input_ptr: 0, input_len: 0, min_margin: r.minMargin,
  };
}

/** The input bytes (the k-NN query as f32 LE); empty for other methods. */
export function inputOf(r, binding) {
  if (r.method !== 'knn') return new Uint8Array(0);
  let values;
  if (r.query) values = r.query;
  else if (r.queryIndex !== null) {
    values = vectorRow(binding, r.queryIndex);
    const n = binding.vectors.count;
    if (!values) throw usage(`--query-index ${r.queryIndex}: the file has ${n} vectors (0..${n})`);
  } else throw usage('knn needs a query: give --query V1,V2,... or --query-index N');
  if (binding.vectors.count > 0 && values.length !== binding.vectors.dim) {
    throw usage(`--query has ${values.length} values, the file's vectors have dimension ${binding.vectors.dim}`);
  }
  const out = new Uint8Array(4 * values.length), v = new DataView(out.buffer);
  values.forEach((x, i) => v.setFloat32(4 * i, x, true));
  return out;
}

/** Encode Params by the generated field table. */
export function encodeParams(p) {
  const b = new Uint8Array(abi.params_len), v = new DataView(b.buffer);
  for (const f of abi.params_fields) {
    const x = p[f.name];
    if (f.type === 'u32') v.setUint32(f.offset, x, true);
    else if (f.type === 'i32') v.setInt32(f.offset, x, true);
    else if (f.type === 'u64') v.setBigUint64(f.offset, BigInt(x), true);
    else if (f.type === 'f64') v.setFloat64(f.offset, x, true);
  }
  return b;
}

/** The options each method reads (docs/ABI.md's "used by" column), in
 *  makeRequest's names; `data` only matters when a file has several matrices. */
export const METHOD_OPTIONS = Object.freeze({
  cg: ['tol', 'maxIter', 'precondition', 'data'],
  jacobi: ['tol', 'maxIter', 'minMargin', 'data'],
  'ppr-forward': ['source', 'alpha', 'epsilon', 'budget', 'data'],
  'ppr-backward': ['target', 'alpha', 'epsilon', 'budget', 'data'],
  'walk-estimate': ['source', 'target', 'alpha', 'walks', 'seed', 'budget', 'data'],
  knn: ['k', 'metric', 'queryIndex', 'query'],
});
