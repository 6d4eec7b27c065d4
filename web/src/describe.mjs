// What `inspect` shows (rvf-pack/src/cli/describe.rs): file facts and each
// segment with its decoded payload, as the JSON of `rvf-pack inspect --json`;
// text views render from it.
import { SEG, featureNames, roleName, targetName, checksumName, compressionName, metricForManifest } from './spec.mjs';
import { hex } from './hashes.mjs';
import { parseWasm, wasmHashStatus, parseSparse, parseVectors, decodeMeta } from './payloads.mjs';
import { dialectName, bodyEnd, detectDialect, walk } from './container.mjs';
import { describeSegment } from './file.mjs';
import { parseLabelKey, labelCount } from './labels.mjs';

const jsonValue = (v) => (typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v);

/** The typed payload of a segment, or {error}. */
export function detail(seg) {
  const p = seg.payload;
  try {
    if (seg.type === SEG.WASM) {
      const w = parseWasm(p), h = w.header;
      return {
        role: roleName(h.role), target: targetName(h.target), required_features: featureNames(h.requiredFeatures),
        required_features_bits: h.requiredFeatures, export_count: h.exportCount, bytecode_size: h.bytecodeSize,
        compression: compressionName(h.compression), compressed_size: h.compressedSize,
        min_memory_pages: h.minMemoryPages, max_memory_pages: h.maxMemoryPages, table_count: h.tableCount,
        bootstrap_priority: h.priority, interpreter_type: h.interpreterType, bytecode_hash: hex(h.bytecodeHash),
        bytecode_hash_status: wasmHashStatus(w).label,
      };
    }
    if (seg.type === SEG.SPARSE) {
      const m = parseSparse(p), h = m.header;
      return { rows: h.rows, cols: h.cols, nnz: h.nnz, symmetric: m.symmetric, has_transpose: m.hasTranspose, has_rhs: m.hasRhs, dominance_margin: m.dominanceKnown ? h.dominanceMargin : null };
    }
    if (seg.type === SEG.VEC) { const v = parseVectors(p); return { dim: v.dim, count: v.count }; }
    if (seg.type === SEG.META) return metaDetail(decodeMeta(p));
  } catch (e) {
    return { error: e.message };
  }
  return null;
}

/** An entry value as inspect shows it (describe.rs meta). */
function entryJson(v) {
  if (v === null || typeof v !== 'object') return jsonValue(v);
  if (v.deleted) return '(deleted)';
  return `${v.bytes.length} bytes: ${hex(v.bytes.subarray(0, 16))}`;
}

/** A META segment's detail: its entries, label entries summarised
 *  ({of, first, count}, not listed among the entries: they can hold
 *  millions of names), whether it is a full snapshot or a delta. */
function metaDetail(m) {
  const labels = [], entries = {};
  for (const [key, value] of m.fields) {
    const k = parseLabelKey(key);
    if (!k) { entries[key] = entryJson(value); continue; }
    if (typeof value !== 'string') continue;
    const of = k.target === 'vectors' ? 'vector rows' : `nodes of matrix ${k.digest}`;
    labels.push({ of, first: jsonValue(k.first), count: labelCount(value) });
  }
  return { generation: jsonValue(m.generation), snapshot: m.snapshot, entries, labels, records: m.records };
}

/** A segment as `inspect --json` lists it (hashes its payload). */
export function segmentJson(s) {
  const v = {
    index: s.index, type: s.typeName, type_id: s.type, segment_id: jsonValue(s.segmentId), offset: s.offset,
    payload_length: s.payloadLength, alignment_pad: s.alignmentPad, checksum_algo: s.checksumAlgo, checksum: checksumName(s.checksumAlgo),
    content_hash: hex(s.contentHash), hash_status: s.hashStatus.label,
    // A footer is only a claim until a trust policy checks it.
    signed: s.signed, footer_length: s.footerLength,
  };
  const d = detail(s);
  if (d) v.detail = d;
  return v;
}

/** `inspect --json` of an opened file. */
export function inspectJson(file) {
  const m = file.manifest;
  return {
    file_length: file.length, dialect: dialectName(file.dialect), signed_root_page: file.rootPage,
    manifest: {
      offset: m.offset, segment_id: jsonValue(m.header.segmentId), epoch: m.epoch, dimension: m.dimension,
      total_vectors: jsonValue(m.totalVectors), metric_id: m.metricId, metric: metricForManifest(m.metricId)?.name ?? null, deleted: m.deleted, file_id: m.fileId ? hex(m.fileId) : null,
      hash_status: m.hashStatus.label, rejected_newer_candidates: m.rejectedNewer,
    },
    segments: file.segments.map(segmentJson),
  };
}

/** No manifest: what a plain header walk finds (inspect's fallback). */
export function walkJson(bytes) {
  const { end } = bodyEnd(bytes);
  const dialect = detectDialect(bytes, end);
  const w = walk(bytes, end, dialect);
  return {
    file_length: bytes.length, dialect: dialectName(dialect), manifest: null,
    walk_stopped: w.stopped ? w.stopped.message : null,
    segments: w.segments.map((s) => segmentJson(describeSegment(s, null))),
  };
}

/** A one-line summary of a segment's detail, for tables. */
export function detailLine(v) {
  const d = v.detail;
  if (!d) return '';
  if (d.error) return `ERROR: ${d.error}`;
  switch (v.type) {
    case 'WASM': {
      // A maximum of 0 means the module states none.
      const max = d.max_memory_pages ? d.max_memory_pages : '\u221e';
      const packed = d.compression === 'none' ? '' : ` ${d.compression} ${d.compressed_size}\u2192${d.bytecode_size} bytes`;
      return `${d.role} ${d.target} features=${d.required_features} exports=${d.export_count} mem=${d.min_memory_pages}..${max} pages prio=${d.bootstrap_priority}${packed} bytecode=${d.bytecode_hash_status}`;
    }
    case 'SPARSE': return `${d.rows}x${d.cols} nnz=${d.nnz}${d.symmetric ? ' symmetric' : ''}${d.has_transpose ? ' +transpose' : ''}${d.has_rhs ? ' +rhs' : ''}`;
    case 'VEC': return `${d.count} vectors of dim ${d.dim}`;
    case 'META': return metaLine(d);
    default: return '';
  }
}

/** A META segment's line (describe.rs detail_line): key=value pairs in key
 *  order, then "N labels of T[ from F]", "(delta, generation G)", "(+R records)". */
function metaLine(d) {
  const keys = Object.keys(d.entries).sort(byUtf8);
  let line = keys.map((k) => `${k}=${typeof d.entries[k] === 'string' ? d.entries[k] : JSON.stringify(d.entries[k])}`).join(' ');
  for (const l of d.labels) line += `${line ? ' ' : ''}${l.count} labels of ${l.of}${l.first === 0 ? '' : ` from ${l.first}`}`;
  if (d.snapshot === false) line += ` (delta, generation ${d.generation})`;
  if (d.records > 0) line += ` (+${d.records} records)`;
  return line;
}

/** Strings in the order of their UTF-8 bytes (serde_json's map order). */
function byUtf8(a, b) {
  const [x, y] = [new TextEncoder().encode(a), new TextEncoder().encode(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
