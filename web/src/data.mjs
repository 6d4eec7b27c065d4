// Which data segments a run reads (host/src/data.rs): every VEC segment, in
// directory order, forms one vector set; a method that needs a matrix uses
// the SPARSE segment named by its directory index (`data`), or the only
// one, and refuses when there are several. Nothing is picked silently.
import { SEG, ARRAY, ALGO, segmentTypeName } from './spec.mjs';
import { refusal } from './errors.mjs';
import { payloadDigest } from './signature.mjs';
import { signerOf } from './trust.mjs';
import { parseSparse, parseVectors, validateSparse, vectorValues } from './payloads.mjs';
import { emptySource } from './source.mjs';

const payloadFault = (index, e) => refusal('verify_failed', `data segment ${index}: ${e.message}`, 'data_segment');

/** Bind the data of a run: matrix = null (k-NN: none), 'only', or a directory index. */
export function bind(file, matrix) {
  const dir = file.directory;
  let sparseIdx = null;
  if (typeof matrix === 'number') {
    const e = dir[matrix];
    if (!e) throw refusal('usage', `--data ${matrix}: the file has no segment ${matrix}`, 'data');
    if (e.segType !== SEG.SPARSE) throw refusal('usage', `--data ${matrix}: segment ${matrix} is a ${segmentTypeName(e.segType)} segment, not a SPARSE matrix`, 'data');
    sparseIdx = matrix;
  } else if (matrix === 'only') {
    const all = dir.map((e, i) => (e.segType === SEG.SPARSE ? i : -1)).filter((i) => i >= 0);
    if (all.length > 1) throw refusal('usage', `the file holds several matrices (SPARSE segments ${all.join(' ')}): choose one with --data N`, 'data');
    sparseIdx = all.length ? all[0] : null;
  }
  const d = { sparse: null, vectors: { segments: [], dim: 0, count: 0 } };
  if (sparseIdx !== null) {
    try {
      d.sparse = { index: sparseIdx, matrix: parseSparse(file.segment(sparseIdx).payload) };
    } catch (e) {
      throw payloadFault(sparseIdx, e);
    }
  }
  dir.forEach((e, i) => {
    if (e.segType !== SEG.VEC) return;
    let v;
    try { v = parseVectors(file.segment(i).payload); } catch (err) { throw payloadFault(i, err); }
    const first = d.vectors.segments[0];
    if (first && first.seg.dim !== v.dim) {
      throw refusal('usage', `VEC segments ${first.index} (dimension ${first.seg.dim}) and ${i} (dimension ${v.dim}) cannot form one vector set`, 'data');
    }
    d.vectors.dim = v.dim;
    d.vectors.count += v.count;
    d.vectors.segments.push({ index: i, seg: v });
  });
  if (d.vectors.count > 0xffffffff) throw refusal('usage', `the VEC segments hold ${d.vectors.count} vectors, more than a u32 row index can name`, 'data');
  return d;
}

/** Row i of the vector set (later segments' rows follow earlier ones), or null. */
export function vectorRow(d, i) {
  let base = 0;
  for (const { seg } of d.vectors.segments) {
    if (i < base + seg.count) return vectorValues(seg, i - base);
    base += seg.count;
  }
  return null;
}

/** The arrays the sandbox serves (DataBinding::source). */
export function sourceOf(d) {
  const src = emptySource();
  if (d.sparse) {
    const m = d.sparse.matrix;
    for (const [name, bytes] of Object.entries(m.arrays)) src.sparse.set(ARRAY[name], bytes);
    [src.rows, src.cols, src.nnz] = [m.header.rows, m.header.cols, m.header.nnz];
  }
  if (d.vectors.segments.length) {
    src.vectors = d.vectors.segments.map((s) => s.seg.rows);
    [src.vecDim, src.vecCount] = [d.vectors.dim, d.vectors.count];
  }
  return src;
}

/** Directory indices behind an ABI array id. */
export const segmentsOf = (d, arrayId) => (arrayId === ARRAY.vectors ? d.vectors.segments.map((s) => s.index) : d.sparse ? [d.sparse.index] : []);

/** A data segment's content hash: a mismatch (or an algorithm we refuse)
 *  refuses; an unset hash refuses unless `allowUnhashed` (it verifies nothing). */
export function checkSegment(file, index, allowUnhashed = false) {
  const h = file.segments[index].hashStatus;
  if (h.class === 'mismatch' || h.class === 'unsupported') {
    throw refusal('verify_failed', `data segment ${index}: content hash ${h.label}`, 'data_segment');
  }
  if (h.class === 'not_set' && !allowUnhashed) {
    throw refusal('unhashed', `data segment ${index}: content hash not set, so nothing can be verified (--allow-unhashed accepts it)`, 'data_segment');
  }
}

/** Every bound segment, matrix first (DataBinding::indices). */
export const boundSegments = (d) => [...segmentsOf(d, ARRAY.row_ptr), ...segmentsOf(d, ARRAY.vectors)];

/** Under `policy`, check that a trusted key signed data segment `index`
 *  (data::check_signed). The signed digest is SHAKE-256/128 of the payload,
 *  which for SHAKE-256 content hashes is the stored hash itself: no pass
 *  over the data then (the data is tied to that hash by checkSegment before
 *  bulk reads, and by verifyData); other hashes cost one SHAKE-256 pass. */
export function checkSigned(file, index, policy) {
  let s;
  try { s = file.segment(index); } catch (e) { throw payloadFault(index, e); }
  const digest = s.header.checksumAlgo === ALGO.SHAKE256_128 ? s.header.contentHash : payloadDigest(s.payload);
  const signer = signerOf(policy, file.bytes, file.end, s, digest);
  if (!signer.key) {
    throw refusal('untrusted', `data segment ${index} is not signed by a trusted key (${signer.words}); sign it (rvf-pack sign --all) or accept unsigned data with --trust-code-only`, 'data_untrusted');
  }
}

/** Verify every bound data segment up front: hashes and the full structure. */
export function verifyData(file, d, allowUnhashed = false) {
  if (d.sparse) {
    checkSegment(file, d.sparse.index, allowUnhashed);
    try { validateSparse(d.sparse.matrix); } catch (e) { throw payloadFault(d.sparse.index, e); }
  }
  for (const { index } of d.vectors.segments) checkSegment(file, index, allowUnhashed);
}
