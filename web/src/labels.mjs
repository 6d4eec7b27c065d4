// Labels for a run's results (spec/src/labels.rs is the rule,
// host/src/labels.rs the reader): names for the rows of the vector set or
// the nodes of a matrix, stored as file-metadata entries of META segments
// (keys in layouts.mjs LABELS). META segments are read in directory
// order; an entry with the same first index replaces an earlier one.
// Labels are data: under a trust policy that requires signed data, the
// label entries of a META segment no trusted key signed are skipped (and
// said to be), so nobody who can only append can rename results.
import { SEG, ALGO } from './spec.mjs';
import { hex } from './hashes.mjs';
import { payloadDigest } from './signature.mjs';
import { signerOf } from './trust.mjs';
import { decodeMeta } from './meta.mjs';
import { LABELS } from './layouts.mjs';
import { segmentHash } from './container.mjs';

const U64_MAX = 0xffffffffffffffffn;
const HEX = /^[0-9a-fA-F]+$/;

/** The target and first index of a label entry's key (labels::parse_key):
 *  {target: 'vectors'} or {target: 'matrix', digest}, first: BigInt; null
 *  for any other key. */
export function parseLabelKey(key) {
  if (!key.startsWith(LABELS.prefix)) return null;
  const rest = key.slice(LABELS.prefix.length), dot = rest.lastIndexOf('.');
  if (dot < 0) return null;
  const target = rest.slice(0, dot), digits = rest.slice(dot + 1);
  if (!/^[0-9]+$/.test(digits)) return null;
  const first = BigInt(digits);
  if (first > U64_MAX) return null;
  if (target === LABELS.vectors) return { target: 'vectors', first };
  const at = target.indexOf('.');
  if (at < 0 || target.slice(0, at) !== LABELS.matrix) return null;
  const digest = target.slice(at + 1);
  if (digest.length !== LABELS.digest_hex_len || !HEX.test(digest)) return null;
  return { target: 'matrix', digest, first };
}

/** How many labels an entry's value holds. */
export const labelCount = (text) => text.split(LABELS.separator).length;

/** SHAKE-256/128 of a segment's payload: the stored hash when that is its algorithm, else computed. */
const digestOf = (s) => (s.header.checksumAlgo === ALGO.SHAKE256_128 ? s.header.contentHash : payloadDigest(s.payload));

/** The labels of one target: runs of consecutive indices, from `segments`. */
export class Labels {
  constructor() {
    /** Directory indices of the META segments they came from. */
    this.segments = [];
    this.runs = new Map();
    this.sorted = null;
  }
  set(first, text) { this.runs.set(first, text.split(LABELS.separator)); this.sorted = null; }
  /** The label of row or node `index` (a number), or null. */
  get(index) {
    this.sorted ??= [...this.runs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const i = BigInt(index), s = this.sorted;
    let lo = 0, hi = s.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (s[mid] <= i) lo = mid + 1; else hi = mid; }
    if (lo === 0) return null;
    const first = s[lo - 1];
    return this.runs.get(first)[Number(i - first)] ?? null;
  }
  /** How many labels there are. */
  get size() { let n = 0; for (const r of this.runs.values()) n += r.length; return n; }
}

/** Whether `bytes` contain the ASCII text `text` (a META segment that names label keys). */
function mentions(bytes, text) {
  const t = new TextEncoder().encode(text);
  outer: for (let i = 0; i + t.length <= bytes.length; i++) {
    for (let j = 0; j < t.length; j++) if (bytes[i + j] !== t[j]) continue outer;
    return true;
  }
  return false;
}

/** The labels of `target` ({vectors: true} or {matrix: directory index})
 *  in `file`, under `policy` when there is one (labels::find): {labels:
 *  Labels | null, skipped: [{segment, words}]}. */
export function findLabels(file, target, policy = null) {
  const found = { labels: null, skipped: [] };
  let want = null;
  if (target.matrix !== undefined) {
    let m;
    try { m = file.segment(target.matrix); } catch { return found; }
    want = hex(digestOf(m)).toLowerCase();
  }
  const wanted = (k) => (want === null ? k.target === 'vectors' : k.target === 'matrix' && k.digest.toLowerCase() === want);
  const checkSigner = policy && !policy.unsignedData ? policy : null;
  const labels = new Labels();
  file.directory.forEach((e, i) => {
    let s, meta;
    try { s = file.segment(i); } catch { return; }
    if (s.header.segType !== SEG.META) return;
    try { meta = decodeMeta(s.payload); } catch {
      if (mentions(s.payload, LABELS.prefix)) found.skipped.push({ segment: i, words: `labels in META segment ${i} not used: the segment does not decode as RVFMETA` });
      return;
    }
    const entries = [];
    for (const [key, value] of meta.fields) {
      const k = parseLabelKey(key);
      if (k && typeof value === 'string' && wanted(k)) entries.push([k.first, value]);
    }
    if (!entries.length) return;
    // The bytes decoded must be the bytes hashed (and, under a policy, signed).
    const h = segmentHash(s).class;
    const skip = h === 'mismatch' ? 'content hash MISMATCH' : h === 'unsupported' ? 'content hash algorithm unsupported'
      : h === 'not_set' && policy ? 'its content hash is not set, so nothing vouches for them under the trust policy' : null;
    if (skip) {
      found.skipped.push({ segment: i, words: `labels in META segment ${i} not used: ${skip}` });
      return;
    }
    if (checkSigner && !signerOf(checkSigner, file.bytes, file.end, s, digestOf(s)).key) {
      found.skipped.push({ segment: i, words: `labels in META segment ${i} not used: no trusted key signed them` });
      return;
    }
    labels.segments.push(i);
    for (const [first, text] of entries) labels.set(first, text);
  });
  if (labels.runs.size) found.labels = labels;
  return found;
}
