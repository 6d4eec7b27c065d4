// An opened RVF file: the checked container, its directory segments (hash
// status computed on first use), and the facts `inspect` shows.
import { openContainer, segmentAt, segmentHash } from './container.mjs';
import { segmentTypeName } from './spec.mjs';
import { containerError } from './errors.mjs';
import { isSigned } from './signature.mjs';

/** Parse `bytes` (Uint8Array or ArrayBuffer) as an RVF file. Throws RvfError
 *  with the Rust loader's error class (`manifest_not_found`, ...). */
export function openFile(bytes) {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const c = openContainer(data);
  const directory = c.manifest.manifest.directory;
  const segment = (i) => {
    const e = directory[i];
    if (!e) throw containerError('no_such_segment', `there is no segment ${i}: the directory lists ${directory.length} (0..${directory.length})`);
    return segmentAt(data, Number(e.offset), c.end);
  };
  const segments = directory.map((e, index) => describeSegment(segment(index), index));
  return {
    bytes: data, length: data.length, end: c.end, rootPage: c.rootPage, dialect: c.dialect,
    manifest: { offset: c.manifest.offset, header: c.manifest.header, ...c.manifest.manifest, rejectedNewer: c.manifest.rejectedNewer, hashStatus: c.manifest.hash },
    directory, segments, segment,
  };
}

/** One segment's header facts; `hashStatus` is computed (hashing) on first read.
 *  `signed`: the header's SIGNED flag (a claim until a trust policy checks
 *  the footer); `footerLength`: the footer bytes after the payload. */
export function describeSegment(seg, index) {
  const h = seg.header;
  let hash = null;
  return {
    index, offset: seg.offset, type: h.segType, typeName: segmentTypeName(h.segType), segmentId: h.segmentId,
    payloadLength: seg.payload.length, checksumAlgo: h.checksumAlgo, contentHash: h.contentHash,
    alignmentPad: h.alignmentPad, compression: h.compression, payload: seg.payload,
    flags: h.flags, signed: isSigned(h), footerLength: seg.footerLength,
    get hashStatus() { return (hash ??= segmentHash(seg)); },
  };
}
