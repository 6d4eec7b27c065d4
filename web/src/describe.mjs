// What `inspect` shows (rvf-pack/src/cli/describe.rs): file facts and each
// segment with its decoded payload, as the JSON of `rvf-pack inspect --json`;
// text views render from it.
import { SEG, featureNames, roleName, targetName } from './spec.mjs';
import { hex } from './hashes.mjs';
import { bytecodeHashStatus } from './hashes.mjs';
import { parseWasm, parseSparse, parseVectors, decodeMeta } from './payloads.mjs';
import { dialectName, bodyEnd, detectDialect, walk } from './container.mjs';
import { describeSegment } from './file.mjs';

const jsonValue = (v) => (typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v);

/** The typed payload of a segment, or {error}. */
export function detail(seg) {
  const p = seg.payload;
  try {
    if (seg.type === SEG.WASM) {
      const { header: h, bytecode } = parseWasm(p);
      return {
        role: roleName(h.role), target: targetName(h.target), required_features: featureNames(h.requiredFeatures),
        required_features_bits: h.requiredFeatures, export_count: h.exportCount, bytecode_size: h.bytecodeSize,
        min_memory_pages: h.minMemoryPages, max_memory_pages: h.maxMemoryPages, table_count: h.tableCount,
        bootstrap_priority: h.priority, interpreter_type: h.interpreterType, bytecode_hash: hex(h.bytecodeHash),
        bytecode_hash_status: bytecodeHashStatus(h.bytecodeHash, bytecode).label,
      };
    }
    if (seg.type === SEG.SPARSE) {
      const m = parseSparse(p), h = m.header;
      return { rows: h.rows, cols: h.cols, nnz: h.nnz, symmetric: m.symmetric, has_transpose: m.hasTranspose, has_rhs: m.hasRhs, dominance_margin: m.dominanceKnown ? h.dominanceMargin : null };
    }
    if (seg.type === SEG.VEC) { const v = parseVectors(p); return { dim: v.dim, count: v.count }; }
    if (seg.type === SEG.META) {
      const m = decodeMeta(p);
      const entries = Object.fromEntries(Object.entries(m.entries).map(([k, v]) => [k, jsonValue(v)]));
      return { generation: jsonValue(m.generation), entries, records: m.records };
    }
  } catch (e) {
    return { error: e.message };
  }
  return null;
}

/** A segment as `inspect --json` lists it (hashes its payload). */
export function segmentJson(s) {
  const v = {
    index: s.index, type: s.typeName, type_id: s.type, segment_id: jsonValue(s.segmentId), offset: s.offset,
    payload_length: s.payloadLength, alignment_pad: s.alignmentPad, checksum_algo: s.checksumAlgo,
    content_hash: hex(s.contentHash), hash_status: s.hashStatus.label,
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
      total_vectors: jsonValue(m.totalVectors), metric_id: m.metricId, deleted: m.deleted, file_id: m.fileId ? hex(m.fileId) : null,
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
    case 'WASM': return `${d.role} ${d.target} features=${d.required_features} exports=${d.export_count} mem=${d.min_memory_pages}..${d.max_memory_pages} prio=${d.bootstrap_priority} bytecode=${d.bytecode_hash_status}`;
    case 'SPARSE': return `${d.rows}x${d.cols} nnz=${d.nnz}${d.symmetric ? ' symmetric' : ''}${d.has_transpose ? ' +transpose' : ''}${d.has_rhs ? ' +rhs' : ''}`;
    case 'VEC': return `${d.count} vectors of dim ${d.dim}`;
    case 'META': return `${Object.keys(d.entries).length} entries`;
    default: return '';
  }
}
