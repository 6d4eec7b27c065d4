// META payloads in the RVFMETA encoding (rvf_types 0.3.0 metadata.rs,
// loader/src/meta_seg.rs): the completion footer (RVFDONE + SHA-256 of the
// body), then header, schema, file-metadata entries and records, every
// count bounded by the input, and the canonical-form rules of
// `validate_segment`: a full snapshot has no base generation and a delta
// is generation base + 1; schema field ids, entry keys (as UTF-8 bytes)
// and record vector ids strictly increase; a record's fields name schema
// fields and hold values of their types. Error words are the loader's.
import { containerError } from './errors.mjs';
import { sha256 } from './hashes.mjs';
import { META } from './layouts.mjs';

const fail = (what) => containerError('bad_payload', `malformed META payload: ${what}`);
const INVALID = 'invalid RVFMETA encoding';
const NO_BASE = 0xffffffffffffffffn;
/** Value tags (MetadataValue) and schema types (MetadataType: 1..6, as the tags). */
const TAG = Object.freeze({ null: 0, string: 1, bytes: 2, i64: 3, u64: 4, f64: 5, bool: 6, delete: 7 });

/** Byte-wise order of two Uint8Arrays (Rust's `String` order). */
function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Decode a META payload: {generation, base (null for a snapshot),
 *  snapshot, fields: [[key, value]] in stored order, records}. Values:
 *  string, {bytes: Uint8Array}, BigInt (i64/u64), number (f64), boolean,
 *  null, or {deleted: true}. */
export function decodeMeta(p) {
  if (p.length > META.max_decoded) throw fail(INVALID);
  if (p.length < META.footer_len) throw fail('truncated');
  const body = p.length - META.footer_len, tail = p.subarray(body);
  const text = (b) => String.fromCharCode(...b);
  const digest = sha256(p.subarray(0, body));
  if (text(tail.subarray(0, 8)) !== META.done_magic || digest.some((x, i) => x !== tail[8 + i])) throw fail('RVFDONE checksum mismatch');
  const v = new DataView(p.buffer, p.byteOffset, body);
  let pos = 0;
  const take = (n) => { if (n > body - pos) throw fail('truncated'); pos += n; return p.subarray(pos - n, pos); };
  const u8 = () => take(1)[0];
  const u16 = () => { take(2); return v.getUint16(pos - 2, true); };
  const u32 = () => { take(4); return v.getUint32(pos - 4, true); };
  const u64 = () => { take(8); return v.getBigUint64(pos - 8, true); };
  const count = (max) => { const c = u32(); if (c > max) throw fail(INVALID); return c; };
  const utf8 = (b) => { try { return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b); } catch { throw fail(INVALID); } };
  const str16 = () => { const n = u16(); if (n > META.max_name) throw fail(INVALID); const b = take(n); return [utf8(b), b]; };
  let tag = 0;
  const value = () => {
    tag = u8();
    switch (tag) {
      case TAG.null: return null;
      case TAG.string: case TAG.bytes: {
        const n = u32();
        if (n > META.max_value) throw fail(INVALID);
        const b = take(n);
        return tag === TAG.string ? utf8(b) : { bytes: b };
      }
      case TAG.i64: take(8); return v.getBigInt64(pos - 8, true);
      case TAG.u64: return u64();
      case TAG.f64: { take(8); const x = v.getFloat64(pos - 8, true); if (!Number.isFinite(x)) throw fail(INVALID); return x; }
      case TAG.bool: { const b = u8(); if (b > 1) throw fail(INVALID); return b === 1; }
      case TAG.delete: return { deleted: true };
      default: throw fail(INVALID);
    }
  };
  if (text(take(8)) !== META.magic) throw fail('not an RVFMETA payload');
  if (u16() !== META.version) throw fail(INVALID);
  const flags = u16(), generation = u64(), base = u64();
  const nSchema = count(META.max_fields), nFields = count(META.max_fields), nRecords = count(META.max_records);
  const schema = [];
  for (let i = 0; i < nSchema; i++) {
    const id = u16(), type = u8();
    if (type < TAG.string || type > TAG.bool) throw fail(INVALID);
    const nullable = u8();
    if (nullable > 1) throw fail(INVALID);
    const [name] = str16();
    schema.push({ id, type, nullable: nullable === 1, name });
  }
  const fields = [], keys = [];
  for (let i = 0; i < nFields; i++) {
    const [key, raw] = str16();
    fields.push([key, value()]);
    keys.push(raw);
  }
  const records = [];
  for (let i = 0; i < nRecords; i++) {
    const id = u64(), op = u8(), n = count(META.max_fields);
    if (op === 0) {
      const values = [];
      for (let j = 0; j < n; j++) { const field = u16(); const x = value(); values.push([field, tag, x]); }
      records.push({ id, values });
    } else if (op === 1 && n === 0) records.push({ id, values: null });
    else throw fail(INVALID);
  }
  if (pos !== body) throw fail(INVALID);
  const snapshot = (flags & META.full_snapshot) !== 0;
  // validate_segment
  if (snapshot !== (base === NO_BASE)) throw fail(INVALID);
  if (base !== NO_BASE && generation !== base + 1n) throw fail(INVALID);
  for (let i = 0; i < schema.length; i++) {
    if ((i > 0 && schema[i - 1].id >= schema[i].id) || schema[i].name === '') throw fail(INVALID);
  }
  for (let i = 1; i < keys.length; i++) if (compareBytes(keys[i - 1], keys[i]) >= 0) throw fail(INVALID);
  for (let i = 1; i < records.length; i++) if (records[i - 1].id >= records[i].id) throw fail(INVALID);
  for (const r of records) {
    if (!r.values) continue;
    for (let j = 1; j < r.values.length; j++) if (r.values[j - 1][0] >= r.values[j][0]) throw fail(INVALID);
    for (const [id, t] of r.values) {
      const s = schema.find((e) => e.id === id);
      if (!s || !(t === TAG.delete || (t === TAG.null ? s.nullable : t === s.type))) throw fail(INVALID);
    }
  }
  return { generation, base: base === NO_BASE ? null : base, snapshot, fields, records: records.length };
}
