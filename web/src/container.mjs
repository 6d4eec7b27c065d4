// The container (loader/src/container.rs, header.rs, manifest.rs): dialect
// detection, the tail scan for the newest manifest, the checked directory
// (entries inside the file, matching their headers, no overlaps), and a
// plain header walk. Every offset and length from the file is checked
// (u64 fields as BigInt) before use; errors carry the loader's classes.
// A SIGNED segment's footer is part of its span: its stored end is the
// payload end plus the footer (as long as its sig_length says), the padding
// follows the footer, and a footer running into the next listed segment
// makes the directory inconsistent.
import { format, SEG, ALGO } from './spec.mjs';
import { containerError } from './errors.mjs';
import { verifyContentHash } from './hashes.mjs';
import { SEGMENT_HEADER as H, MANIFEST as M, SCAN } from './layouts.mjs';
import { footerLen, isSigned } from './signature.mjs';

const HEADER_LEN = format.header_len;
const A = format.alignment, ALIGN = BigInt(A);
const dv = (b) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const align64 = (x) => ((x + ALIGN - 1n) / ALIGN) * ALIGN;

/** End of the segment area: the file length, less a trailing signed root page. */
export function bodyEnd(data) {
  const len = data.length;
  if (len >= format.root_page_len + HEADER_LEN && dv(data).getUint32(len - format.root_page_len, true) === format.root_page_magic) {
    return { end: len - format.root_page_len, rootPage: true };
  }
  return { end: len, rootPage: false };
}

/** Decode the 64 header bytes at `off` (BigInt or number) without judging lengths. */
export function decodeHeader(data, off) {
  off = BigInt(off);
  if (off > BigInt(data.length) || BigInt(HEADER_LEN) > BigInt(data.length) - off) {
    throw containerError('truncated_header', `truncated segment header at offset ${off}`);
  }
  const o = Number(off), v = dv(data);
  const magic = v.getUint32(o + H.magic, true);
  if (magic !== format.segment_magic) {
    throw containerError('bad_magic', `bad segment magic at offset ${off}: found 0x${magic.toString(16).padStart(8, '0')}, expected 0x${format.segment_magic.toString(16)}`);
  }
  const version = data[o + H.version];
  if (version !== format.segment_version) {
    throw containerError('bad_version', `unsupported segment version ${version} at offset ${off} (expected ${format.segment_version})`);
  }
  return {
    segType: data[o + H.seg_type], flags: v.getUint16(o + H.flags, true),
    segmentId: v.getBigUint64(o + H.segment_id, true), payloadLength: v.getBigUint64(o + H.payload_length, true),
    checksumAlgo: data[o + H.checksum_algo], compression: data[o + H.compression],
    contentHash: data.slice(o + H.content_hash, o + H.content_hash + H.content_hash_len),
    alignmentPad: v.getUint32(o + H.alignment_pad, true),
  };
}

export function looksLikeHeader(data, off) {
  off = Number(off);
  return off >= 0 && off + 5 <= data.length && dv(data).getUint32(off, true) === format.segment_magic && data[off + H.version] === format.segment_version;
}

/** One past the payload of the segment at `off`, checked against `limit`. */
function payloadEnd(off, h, limit) {
  const end = BigInt(off) + BigInt(HEADER_LEN) + h.payloadLength;
  if (end >= 1n << 64n) throw containerError('offset_overflow', `offset ${off} + length ${h.payloadLength} overflows`);
  if (end > BigInt(limit)) {
    throw containerError('payload_past_eof', `segment at offset ${off} claims a ${h.payloadLength}-byte payload, past the end of the ${limit}-byte file`);
  }
  return end;
}

/** Bytes of signature footer the segment with header `h`, whose payload
 *  ends at `pend`, stores after its payload (0 when unsigned). */
const storedFooter = (data, h, pend, limit) => (isSigned(h) ? footerLen(data, Number(pend), Number(limit)) : 0);

/** The segment at `off` within data[..end]: {offset, header, payload,
 *  footerLength, storedEnd} (storedEnd: past the payload and any footer). */
export function segmentAt(data, off, end) {
  const body = data.subarray(0, end);
  const header = decodeHeader(body, off);
  const pend = Number(payloadEnd(off, header, end));
  const o = Number(off), footerLength = storedFooter(body, header, pend, end);
  return { offset: o, header, payload: body.subarray(o + HEADER_LEN, pend), footerLength, storedEnd: pend + footerLength };
}

export const segmentHash = (seg) => verifyContentHash(seg.header.checksumAlgo, seg.header.contentHash, seg.payload);

/** 0.5.0 "wire" (aligned) or legacy (unpadded) layout, decided as upstream does. */
export function detectDialect(data, end) {
  const body = data.subarray(0, end);
  let off = 0n, firstAlgo = null;
  for (let i = 0; i < 8; i++) {
    let h, pend;
    try {
      h = decodeHeader(body, off);
      firstAlgo ??= h.checksumAlgo;
      pend = payloadEnd(off, h, end);
    } catch {
      break;
    }
    pend += BigInt(storedFooter(body, h, pend, end));
    if (pend % ALIGN !== 0n) {
      const atPadded = looksLikeHeader(body, align64(pend)), atUnpadded = looksLikeHeader(body, pend);
      if (atPadded) return 'aligned';
      if (atUnpadded) return 'legacy';
      return firstAlgo === ALGO.LEGACY ? 'legacy' : 'aligned';
    }
    off = pend;
  }
  return 'aligned';
}
export const dialectName = (d) => (d === 'aligned' ? 'wire (64-byte aligned)' : 'legacy (unpadded)');

/** Parse a manifest payload; throws {rule, message} naming the rule broken. */
export function parseManifest(p) {
  const fail = (message) => { throw Object.assign(new Error(message), { manifestRule: true }); };
  if (p.length < M.fixed_len) fail(`payload of ${p.length} bytes is shorter than the ${M.fixed_len}-byte manifest header`);
  const v = dv(p);
  const count = v.getUint32(M.seg_count, true);
  let pos = M.fixed_len;
  const room = () => p.length - pos;
  if (count > Math.floor(room() / M.dir_entry_len)) fail(`seg_count ${count} needs ${count * M.dir_entry_len} bytes of directory, ${room()} remain`);
  const directory = [];
  for (let i = 0; i < count; i++, pos += M.dir_entry_len) {
    directory.push({
      segmentId: v.getBigUint64(pos + M.entry.segment_id, true), offset: v.getBigUint64(pos + M.entry.offset, true),
      payloadLength: v.getBigUint64(pos + M.entry.payload_length, true), segType: p[pos + M.entry.seg_type],
    });
  }
  let deleted = 0, fileId = null, segmentHashes = null;
  if (room() >= 4) {
    deleted = v.getUint32(pos, true);
    pos += 4;
    if (deleted > Math.floor(room() / 8)) fail(`deletion count ${deleted} needs ${deleted * 8} bytes, ${room()} remain`);
    pos += 8 * deleted;
  }
  if (room() >= 4 + M.file_identity_len && v.getUint32(pos, true) === M.fidi_marker) {
    fileId = p.slice(pos + 4, pos + 20);
    pos += 4 + M.file_identity_len;
  }
  if (room() >= 8 && v.getUint32(pos, true) === M.shdg_marker) {
    const n = v.getUint32(pos + 4, true);
    pos += 8;
    if (n * M.shdg_entry_len !== room()) fail(`segment-hash trailer count ${n} needs ${n * M.shdg_entry_len} bytes, ${room()} remain`);
    segmentHashes = n;
    pos = p.length;
  }
  return {
    epoch: v.getUint32(M.epoch, true), dimension: v.getUint16(M.dimension, true), totalVectors: v.getBigUint64(M.total_vectors, true),
    profileId: p[M.profile_id], metricId: p[M.metric_id], directory, deleted, fileId, segmentHashes, trailingBytes: room(),
  };
}

/** The newest MANIFEST whose hash (when set) verifies and whose payload parses. */
export function findLatestManifest(data, end, dialect) {
  const strides = dialect === 'aligned' ? [A, 1] : [1];
  let rejected = 0, newest = null;
  for (const stride of strides) {
    let heavy = 0, budget = Math.max(SCAN.budget_bytes, data.length);
    if (end < HEADER_LEN) break;
    let pos = end - HEADER_LEN;
    if (stride === A) pos -= pos % A;
    for (;;) {
      const seen = stride === 1 && strides[0] === A && pos % A === 0;
      if (!seen && looksLikeHeader(data, pos) && data[pos + H.seg_type] === SEG.MANIFEST) {
        let seg = null;
        try { seg = segmentAt(data, pos, end); } catch { /* not a whole segment */ }
        if (seg) {
          const plen = seg.payload.length, isHeavy = plen > SCAN.heavy_payload;
          if (isHeavy) heavy++;
          if ((isHeavy && heavy > SCAN.max_heavy_attempts) || plen > budget) break;
          budget -= plen;
          const hash = segmentHash(seg);
          let fault;
          if (hash.class === 'mismatch' || hash.class === 'unsupported') fault = `has content hash ${hash.label}`;
          else {
            try {
              return { offset: pos, header: seg.header, manifest: parseManifest(seg.payload), rejectedNewer: rejected, hash };
            } catch (e) {
              fault = e.message;
            }
          }
          rejected++;
          newest ??= `the newest candidate (offset ${pos})${fault.startsWith('has ') ? ' ' : ': '}${fault}`;
        }
      }
      if (pos < stride) break;
      pos -= stride;
    }
  }
  const msg = rejected === 0
    ? 'not an RVF file: no MANIFEST segment found scanning back from the end'
    : `no valid MANIFEST segment: ${rejected} candidate(s) rejected${newest ? `; ${newest}` : ''}`;
  throw containerError('manifest_not_found', msg);
}

/** Check every directory entry against the file, as RvfFile::check_directory. */
function checkDirectory(data, end, loc) {
  const spans = [];
  const E = BigInt(end), HL = BigInt(HEADER_LEN);
  loc.manifest.directory.forEach((e, index) => {
    const oob = () => containerError('directory_entry_out_of_bounds', `directory entry ${index} (offset ${e.offset}, payload ${e.payloadLength}) lies outside the file`);
    const segEnd = e.offset + HL + e.payloadLength;
    if (segEnd >= 1n << 64n || segEnd > E) throw oob();
    const mismatch = (what) => containerError('directory_entry_mismatch', `directory entry ${index} at offset ${e.offset}: ${what}`);
    let h;
    try { h = decodeHeader(data, e.offset); } catch { throw mismatch('no valid segment header at this offset'); }
    if (h.segType !== e.segType) throw mismatch('segment type differs from the directory');
    if (h.payloadLength !== e.payloadLength) throw mismatch('payload length differs from the directory');
    if (h.segmentId !== e.segmentId) throw mismatch('segment id differs from the directory');
    // A signature footer is part of the segment's bytes.
    const footer = BigInt(storedFooter(data, h, segEnd, end));
    spans.push([e.offset, segEnd + footer, index, footer]);
  });
  const n = loc.manifest.directory.length;
  spans.push([BigInt(loc.offset), BigInt(loc.offset) + HL + loc.header.payloadLength, n, 0n]);
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  spans.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]) || a[2] - b[2]);
  for (let i = 1; i < spans.length; i++) {
    const [prev, next] = [spans[i - 1], spans[i]];
    if (next[0] < prev[1]) {
      if (prev[1] - prev[3] <= next[0] && prev[2] < n) {
        // Only the footer overlaps: its sig_length is wrong.
        throw containerError('directory_entry_mismatch', `directory entry ${prev[2]} at offset ${prev[0]}: its signature footer (as long as its sig_length says) runs into the next segment`);
      }
      const [a, b] = [Math.min(spans[i][2], spans[i - 1][2]), Math.max(spans[i][2], spans[i - 1][2])];
      throw containerError('overlapping_segments', `directory entries ${a} and ${b} overlap`);
    }
  }
}

/** Walk every header from offset 0 (includes segments no directory lists). */
export function walk(data, end, dialect) {
  const segments = [];
  let off = 0;
  while (off < end) {
    let seg;
    try {
      seg = segmentAt(data, off, end);
    } catch (e) {
      const next = Number(align64(BigInt(off)));
      if (next > off && next < end && data.subarray(off, next).every((b) => b === 0)) { off = next; continue; }
      return { segments, stopped: e };
    }
    segments.push(seg);
    const pend = seg.storedEnd;
    off = dialect === 'legacy' ? pend : Math.min(Number(align64(BigInt(pend))), end);
  }
  return { segments, stopped: null };
}

/** Parse bytes as an RVF file (RvfFile::parse): throws RvfError with the loader's class. */
export function openContainer(data) {
  const { end, rootPage } = bodyEnd(data);
  const dialect = detectDialect(data, end);
  const loc = findLatestManifest(data, end, dialect);
  checkDirectory(data, end, loc);
  return { data, end, rootPage, dialect, manifest: loc };
}
