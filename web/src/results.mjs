// A run's result bytes (rvf_spec::results, rvf-pack/src/cli/results.rs):
// decoded rows, the value column's label, the label column when the data
// has labels, and the files rvf-pack writes with --out: CSV (with a label
// column when there are labels), text and NPY, byte for byte.
import { abi, RESULT_KIND, METHODS, metricById } from './spec.mjs';
import { refusal } from './errors.mjs';

/** Decode result bytes: {kind: 'dense', values: Float64Array} or {kind: 'pairs', pairs: [[index, value]]}. */
export function decodeResults(kind, bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind === RESULT_KIND.dense_f64) {
    if (bytes.length % 8) throw refusal('trap', `${bytes.length} result bytes are not a whole number of 8-byte elements (kind ${kind})`);
    const values = new Float64Array(bytes.length / 8);
    for (let i = 0; i < values.length; i++) values[i] = v.getFloat64(8 * i, true);
    return { kind: 'dense', values };
  }
  if (kind === RESULT_KIND.pairs) {
    if (bytes.length % abi.pair_len) throw refusal('trap', `${bytes.length} result bytes are not a whole number of ${abi.pair_len}-byte elements (kind ${kind})`);
    const pairs = [];
    for (let o = 0; o < bytes.length; o += abi.pair_len) pairs.push([v.getUint32(o, true), v.getFloat64(o + 8, true)]);
    return { kind: 'pairs', pairs };
  }
  throw refusal('trap', `unknown result kind ${kind}`);
}

/** Rows as [index, value]; a dense row's index is its position. */
export const rows = (r) => (r.kind === 'dense' ? Array.from(r.values, (x, i) => [i, x]) : r.pairs.map((p) => [...p]));

/** Rows in the order rvf-pack's table shows them (push scores highest first). */
export function shownRows(r, method) {
  const out = rows(r);
  if (method === 'ppr-forward' || method === 'ppr-backward') out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return out;
}

/** The value column's heading: a k-NN run's metric, else the method's. */
export function valueLabel(method, metricId) {
  if (method === 'knn') return metricById(metricId)?.value_label ?? 'distance';
  return METHODS[method]?.value_label ?? 'value';
}

/** Rows as rvf-pack run --json puts them: dense values, or {index, value}
 *  pairs ({index, label, value} when the data has labels: a Labels). */
export const rowsJson = (r, limit, labels = null) => (r.kind === 'dense'
  ? Array.from(r.values.subarray(0, limit))
  : r.pairs.slice(0, limit).map(([index, value]) => (labels ? { index, label: labels.get(index), value } : { index, value })));

/** The labels of the first `limit` dense results (index i = row i), for
 *  --json's `labels` list; null for pairs, which carry theirs in each row. */
export const denseLabelsJson = (r, limit, labels) => (r.kind === 'dense'
  ? Array.from({ length: Math.min(r.values.length, limit) }, (_, i) => labels.get(i))
  : null);

/** A table's label column (results.rs print_table): width = the longest
 *  label shown (in characters), at least 5 ("label"), at most 32; labels
 *  are cut to it. Returns {width, cell(index)}. */
export function labelColumn(shown, labels) {
  const name = (i) => labels.get(i) ?? '';
  const chars = (t) => [...t];
  const width = Math.min(32, shown.reduce((w, [i]) => Math.max(w, chars(name(i)).length), 5));
  return { width, cell: (i) => { const c = chars(name(i)).slice(0, width); return c.join('') + ' '.repeat(width - c.length); } };
}

/** A number as Rust's `{:e}` writes an f64 (shortest digits: 1.5e0, -2e-3, NaN, inf). */
export function rustExp(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0e0' : '0e0';
  return x.toExponential().replace('e+', 'e');
}

/** A number as Rust's `{}` writes an f64: shortest digits, never an exponent (1e-8 → 0.00000001). */
export function rustDisplay(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const [m, e] = Math.abs(x).toExponential().split('e');
  const digits = m.replace('.', ''), exp = Number(e);
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** A CSV field, quoted when it holds a comma, a quote or a line break. */
const csvField = (t) => (/[,"\n\r]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t);

/** The CSV rvf-pack writes (`index,value`, then one row per result; with
 *  labels, a Labels, `index,label,value`). */
export const csv = (r, labels = null) => (labels
  ? `index,label,value\n${rows(r).map(([i, v]) => `${i},${csvField(labels.get(i) ?? '')},${rustExp(v)}\n`).join('')}`
  : `index,value\n${rows(r).map(([i, v]) => `${i},${rustExp(v)}\n`).join('')}`);
/** The text file rvf-pack writes (.txt). */
export const text = (r) => rows(r).map(([i, v]) => `${i} ${rustExp(v)}\n`).join('');

/** An NPY v1.0 file: dense as a 1-D '<f8' array; pairs as a structured
 *  array [('index', '<u4'), ('value', '<f8')] (packed, 12 bytes a row). */
export function npy(r) {
  const dense = r.kind === 'dense';
  const n = dense ? r.values.length : r.pairs.length;
  const descr = dense ? "'<f8'" : "[('index', '<u4'), ('value', '<f8')]";
  let header = `{'descr': ${descr}, 'fortran_order': False, 'shape': (${n},), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const row = dense ? 8 : 12;
  const out = new Uint8Array(10 + header.length + n * row), v = new DataView(out.buffer);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0]);
  v.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  let o = 10 + header.length;
  if (dense) for (const x of r.values) { v.setFloat64(o, x, true); o += 8; }
  else for (const [i, x] of r.pairs) { v.setUint32(o, i, true); v.setFloat64(o + 4, x, true); o += 12; }
  return out;
}
