// Labels and the META payloads that carry them: label keys as
// spec/src/labels.rs parses them, lookups as host/src/labels.rs answers
// them, and RVFMETA as rvf_types decodes it — deltas (generation base + 1)
// accepted, every canonical-form rule enforced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import '../src/node.mjs';
import { parseLabelKey, Labels } from '../src/labels.mjs';
import { decodeMeta } from '../src/meta.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { openFile, Session } from '../src/node.mjs';
import { findLabels } from '../src/labels.mjs';
import { samples, rustRun } from './common.mjs';

test('label keys: vectors and matrix targets round-trip; strangers are not labels', () => {
  const d = '00112233445566778899aabbccddeeff';
  assert.deepEqual(parseLabelKey('rvf-boot.labels.vectors.42'), { target: 'vectors', first: 42n });
  assert.deepEqual(parseLabelKey(`rvf-boot.labels.matrix.${d}.42`), { target: 'matrix', digest: d, first: 42n });
  assert.deepEqual(parseLabelKey(`rvf-boot.labels.matrix.${d.toUpperCase()}.0`), { target: 'matrix', digest: d.toUpperCase(), first: 0n });
  assert.deepEqual(parseLabelKey('rvf-boot.labels.vectors.18446744073709551615'), { target: 'vectors', first: 2n ** 64n - 1n });
  for (const k of ['dataset', 'rvf-boot.labels.vectors', 'rvf-boot.labels.vectors.x', 'rvf-boot.labels.matrix.abc.0', 'rvf-boot.labels.nodes.0',
    'rvf-boot.labels.vectors.-1', 'rvf-boot.labels.vectors.+1', 'rvf-boot.labels.vectors.', 'rvf-boot.labels.vectors.18446744073709551616',
    `rvf-boot.labels.matrix.${d}x.0`, `rvf-boot.labels.matrix.${d.slice(1)}g.0`, 'rvf-boot.labels..0', 'rvf-boot.labels.vectors.x.0', 'rvf-boot.labels.vectors.٣']) {
    assert.equal(parseLabelKey(k), null, k);
  }
});

test('labels answer by index: runs of consecutive indices, later entries replacing earlier ones', () => {
  const l = new Labels();
  l.set(0n, 'a\nb');
  l.set(5n, 'f');
  l.set(9n, '\n\nz');
  const got = Array.from({ length: 13 }, (_, i) => l.get(i));
  assert.deepEqual(got, ['a', 'b', null, null, null, 'f', null, null, null, '', '', 'z', null]);
  assert.equal(l.size, 6);
  l.set(5n, 'F\nG');
  assert.deepEqual([l.get(5), l.get(6)], ['F', 'G']);
  l.set(2n ** 60n, 'far');
  assert.equal(l.get(2 ** 32), null);
});

/** An RVFMETA payload (rvf_types MetadataSegment::encode, written out). */
function meta({ generation = 1n, base = null, snapshot = base === null, schema = [], fields = [], records = [] }) {
  const parts = [];
  const u8 = (x) => parts.push(Uint8Array.of(x));
  const u16 = (x) => { const b = new Uint8Array(2); new DataView(b.buffer).setUint16(0, x, true); parts.push(b); };
  const u32 = (x) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, x, true); parts.push(b); };
  const u64 = (x) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, x, true); parts.push(b); };
  const str16 = (s) => { const b = new TextEncoder().encode(s); u16(b.length); parts.push(b); };
  const value = ([tag, x]) => {
    u8(tag);
    if (tag === 1) { const b = new TextEncoder().encode(x); u32(b.length); parts.push(b); } else if (tag === 4) u64(x);
    else if (tag === 6) u8(x ? 1 : 0);
  };
  parts.push(new TextEncoder().encode('RVFMETA\0'));
  u16(1); u16(snapshot ? 1 : 0); u64(generation); u64(base ?? 0xffffffffffffffffn);
  u32(schema.length); u32(fields.length); u32(records.length);
  for (const [id, type, nullable, name] of schema) { u16(id); u8(type); u8(nullable ? 1 : 0); str16(name); }
  for (const [k, v] of fields) { str16(k); value(v); }
  for (const [id, values] of records) { u64(id); u8(0); u32(values.length); for (const [f, v] of values) { u16(f); value(v); } }
  const body = Buffer.concat(parts);
  return new Uint8Array(Buffer.concat([body, Buffer.from('RVFDONE\0'), crypto.createHash('sha256').update(body).digest()]));
}

test('RVFMETA: snapshots and deltas (generation base + 1) decode; each canonical-form rule refuses', () => {
  const ok = decodeMeta(meta({ fields: [['a', [1, 'x']], ['b', [4, 7n]]] }));
  assert.deepEqual([ok.generation, ok.base, ok.snapshot, ok.fields, ok.records], [1n, null, true, [['a', 'x'], ['b', 7n]], 0]);
  const delta = decodeMeta(meta({ generation: 3n, base: 2n, fields: [['rvf-boot.labels.vectors.0', [1, 'p\nq']]] }));
  assert.deepEqual([delta.generation, delta.base, delta.snapshot], [3n, 2n, false]);
  const schema = [[1, 1, false, 'name'], [2, 4, true, 'n']];
  assert.equal(decodeMeta(meta({ schema, records: [[1n, [[1, [1, 'x']], [2, [0]]]], [2n, []]] })).records, 2);
  const bad = {
    'delta not on base + 1': { generation: 5n, base: 2n },
    'snapshot flag with a base': { base: 1n, generation: 2n, snapshot: true },
    'keys out of order': { fields: [['b', [0]], ['a', [0]]] },
    'keys repeated': { fields: [['a', [0]], ['a', [0]]] },
    // As UTF-16 '😀' (d83d ..) sorts before 'Ａ' (ff21); as UTF-8 bytes (f0 .. > ef ..), after it.
    'keys out of UTF-8 order': { fields: [['😀', [0]], ['Ａ', [0]]] },
    'schema ids out of order': { schema: [[2, 1, false, 'a'], [1, 1, false, 'b']] },
    'empty schema name': { schema: [[1, 1, false, '']] },
    'record ids out of order': { schema, records: [[2n, []], [1n, []]] },
    'field not in the schema': { schema, records: [[1n, [[9, [1, 'x']]]]] },
    'value of the wrong type': { schema, records: [[1n, [[1, [4, 3n]]]]] },
    'null in a field that is not nullable': { schema, records: [[1n, [[1, [0]]]]] },
  };
  for (const [what, m] of Object.entries(bad)) assert.throws(() => decodeMeta(meta(m)), /invalid RVFMETA encoding/, what);
  assert.deepEqual(decodeMeta(meta({ fields: [['Ａ', [0]], ['😀', [0]]] })).fields.map(([k]) => k), ['Ａ', '😀']);
  const p = meta({});
  p[p.length - 1] ^= 1;
  assert.throws(() => decodeMeta(p), /RVFDONE checksum mismatch/);
});

test('a label changed without its content hash is never shown, by either host; an undecodable one is named', () => {
  const { lesmis, dir } = samples();
  const bytes = new Uint8Array(fs.readFileSync(lesmis));
  const file = openFile(bytes);
  const i = file.directory.findIndex((e) => e.segType === 0x07);
  const seg = file.segment(i);
  const off = seg.payload.byteOffset, len = seg.payload.length;
  // Valjean -> Javert_ (same length), the RVFDONE checksum made whole again,
  // the segment's content hash kept.
  const text = Buffer.from(bytes.subarray(off, off + len));
  const at = text.indexOf('Valjean');
  assert.ok(at > 0);
  text.write('Javert_', at);
  const body = text.subarray(0, len - 32);
  crypto.createHash('sha256').update(body.subarray(0, len - 40)).digest().copy(text, len - 32);
  assert.ok(decodeMeta(new Uint8Array(text)), 'the encoding is whole again');
  const changed = bytes.slice();
  changed.set(text, off);
  const f = path.join(dir, 'lesmis-relabelled.rvf');
  fs.writeFileSync(f, changed);
  const found = findLabels(openFile(changed), { matrix: 0 });
  assert.equal(found.labels, null);
  assert.deepEqual(found.skipped.map((x) => x.words), [`labels in META segment ${i} not used: content hash MISMATCH`]);
  const rust = rustRun(f, 'ppr-forward', ['--source', '11']);
  assert.equal(rust.exitStatus, 0, rust.stderr);
  assert.ok(rust.stderr.includes(found.skipped[0].words), rust.stderr);
  const out = new Session(openFile(changed)).run('ppr-forward', { source: 11 });
  assert.equal(out.digest, rust.output_digest);
  // One bit off in the checksum: the segment does not decode, and says so.
  changed[off + len - 1] ^= 1;
  const broken = findLabels(openFile(changed), { matrix: 0 });
  assert.equal(broken.labels, null);
  assert.deepEqual(broken.skipped.map((x) => x.words), [`labels in META segment ${i} not used: the segment does not decode as RVFMETA`]);
});
