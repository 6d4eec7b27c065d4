// Compressed WASM segments: the LZ4 block decoder (lz4_flex's rules), the
// ZSTD frame decoder (a port of ruzstd's: frames, blocks, window), both
// bounded by bytecode_size; streams from the zstd tool round-trip; a bomb
// fails fast without its allocation; and, against rvf-pack on the same
// mutated segments, the same modules decode (to the same bytes) and the
// same fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, packBin } from './common.mjs';
import * as rvf from '../src/node.mjs';
import { lz4DecodeInto } from '../src/lz4.mjs';
import { zstdDecodeInto, ZstdError } from '../src/zstd.mjs';

const text = (s) => new TextEncoder().encode(s);
const lz4 = (bytes, size) => { const out = new Uint8Array(size); return out.subarray(0, lz4DecodeInto(Uint8Array.from(bytes), out)); };

test('LZ4 blocks: literals, overlapping matches, 255-extended lengths; every malformed block is refused', () => {
  assert.deepEqual(lz4([0x30, ...text('a49')], 3), text('a49'));
  // "abc", then a match 3 back of 9 bytes (overlapping), then an empty last sequence.
  assert.deepEqual(lz4([0x35, ...text('abc'), 3, 0, 0x00], 12), text('abcabcabcabc'));
  const long = Array.from({ length: 300 }, (_, i) => i & 0xff);
  assert.deepEqual(lz4([0xf0, 255, 30, ...long], 300), Uint8Array.from(long));
  // One literal, then a run of 4 + 15 + 255 + 6 = 280 copies of it (offset 1).
  assert.deepEqual(lz4([0x1f, 7, 1, 0, 255, 6, 0x00], 281), new Uint8Array(281).fill(7));
  const refused = [
    [[], 10], // no token
    [[0xf0], 10], // literal length needs another byte
    [[0x50, 1, 2], 10], // literals past the input
    [[0x30, 1, 2, 3], 2], // literals past the output
    [[0x10, 1, 0], 10], // half an offset
    [[0x10, 1, 0, 0, 0x00], 10], // offset 0
    [[0x10, 1, 2, 0, 0x00], 10], // offset before the start
    [[0x1f, 1, 1, 0, 255], 10], // match length needs another byte
    [[0x15, 1, 1, 0, 0x00], 5], // match past the output
    [[0x35, ...text('abc'), 3, 0], 12], // a match must be followed by a last literal run
  ];
  for (const [bytes, size] of refused) assert.throws(() => lz4(bytes, size), /./, JSON.stringify(bytes));
});

const ZSTD = '/usr/bin/zstd';
const zstd = (data, args) => {
  assert.ok(fs.existsSync(ZSTD), `the zstd tool is not at ${ZSTD} (apt-get install zstd)`);
  const r = spawnSync(ZSTD, ['-c', '-q', ...args], { input: data, maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, String(r.stderr));
  return new Uint8Array(r.stdout);
};
const unzstd = (bytes, size) => { const out = new Uint8Array(size); return out.subarray(0, zstdDecodeInto(bytes, out)); };

/** Deterministic test data: random bytes, text-like words, zeros. */
function data(kind, n) {
  let s = 12345;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0) >>> 16;
  const b = new Uint8Array(n);
  const words = ['solver', 'matrix', 'vector', 'kernel', 'label', 'node', 'RVF', ' ', '\n', 'wasm', '0123', 'segment'];
  if (kind === 'random') for (let i = 0; i < n; i++) b[i] = next() & 0xff;
  else if (kind === 'text') for (let i = 0; i < n;) for (const c of text(words[next() % words.length])) if (i < n) b[i++] = c;
  return b;
}

test('ZSTD frames from the zstd tool decode to their input: levels, windows, raw/RLE/compressed blocks, many frames', () => {
  const module = new Uint8Array(fs.readFileSync(path.join(root, 'microkernel/dist/solver-baseline.wasm')));
  const inputs = { module, random: data('random', 300_000), text: data('text', 2_500_000), zeros: data('zeros', 1_200_000), empty: new Uint8Array(0), one: text('x') };
  const settings = [['-1'], ['-3', '--no-check'], ['-19'], ['--ultra', '-22', '--zstd=wlog=21'], ['-19', '--zstd=wlog=20'], ['-5', '--zstd=wlog=10'], ['-9', '--zstd=wlog=12', '--no-check']];
  for (const [name, input] of Object.entries(inputs)) {
    for (const args of settings) {
      // Room for windows up to 8 MiB: the tool picks windows above small inputs' sizes.
      const got = unzstd(zstd(input, args), Math.max(input.length, 8 << 20));
      assert.ok(Buffer.from(got).equals(Buffer.from(input)), `${name} ${args.join(' ')}`);
    }
  }
  // As in the Rust loader, a window above max(module size, 1 KiB) is refused:
  // from a pipe (no content size) the tool's level 1 asks 512 KiB for the
  // 36 KB module; from a file (content size known: a single-segment frame,
  // as rvf-pack writes) the window is exactly the module's size.
  assert.throws(() => unzstd(zstd(module, ['-1']), module.length), /window/);
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-web-zstd-')), 'm.wasm');
  fs.writeFileSync(f, module);
  for (const level of ['-1', '-19']) {
    const r = spawnSync(ZSTD, ['-c', '-q', level, f]);
    assert.ok(Buffer.from(unzstd(new Uint8Array(r.stdout), module.length)).equals(Buffer.from(module)), level);
  }
  // Two frames back to back with a skippable frame between them.
  const [a, b] = [data('text', 5000), module];
  const skip = Uint8Array.from([0x53, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
  const joined = Uint8Array.from([...zstd(a, ['-3']), ...skip, ...zstd(b, ['-19'])]);
  assert.ok(Buffer.from(unzstd(joined, 8 << 20)).equals(Buffer.concat([a, b])));
  const small = zstd(module, ['-19', '--zstd=wlog=10']);
  assert.equal(unzstd(small, module.length).length, module.length);
  assert.throws(() => unzstd(small, module.length - 1), /output larger/, 'one byte short of room is refused, not truncated');
});

/** A single-segment frame by hand: descriptor, dictionary id, content size, one raw block. */
const frame = (desc, dict, body) => Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, desc, ...dict, body.length, (body.length << 3) | 1, 0, 0, ...body]);

test('ZSTD frame rules as ruzstd: a dictionary is refused, the reserved bit ignored, the window bounded by the module', () => {
  assert.deepEqual(unzstd(frame(0x21, [0], text('abc')), 3), text('abc'));
  assert.throws(() => unzstd(frame(0x21, [5], text('abc')), 3), /dictionary/);
  assert.deepEqual(unzstd(frame(0x28, [], text('abc')), 3), text('abc'), 'reserved bit');
  // A 64 MiB window (descriptor 0x80) for a 4 KiB module: refused before any block.
  const big = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x80, 0x01, 0x00, 0x00]);
  assert.throws(() => unzstd(big, 4096), /window/);
  // Blocks: a reserved type, a raw block beyond the input, trailing garbage.
  const reserved = frame(0x20, [], text('abc'));
  reserved[6] = (3 << 3) | (3 << 1) | 1;
  assert.throws(() => unzstd(reserved, 3), /reserved/);
  assert.throws(() => unzstd(frame(0x20, [], text('abc')).subarray(0, 10), 3), /truncated/);
  assert.throws(() => unzstd(Uint8Array.from([...frame(0x20, [], text('abc')), 1, 2]), 3), /truncated|magic/);
});

test('a bomb (64 MiB of zeros) under a 4 KiB bytecode_size fails at once, allocating nothing like 64 MiB', () => {
  const bomb = zstd(new Uint8Array(64 << 20), ['-19']);
  assert.ok(bomb.length < 8 << 10);
  const before = process.memoryUsage().arrayBuffers, t = performance.now();
  assert.throws(() => unzstd(bomb, 4096), ZstdError);
  const w = { header: { compression: 2, bytecodeSize: 4096 }, bytecode: bomb };
  assert.throws(() => rvf.wasmCode(w, 8 << 20), (e) => e.class === 'bad_payload' && /ZSTD data is corrupt or larger than bytecode_size/.test(e.message));
  assert.ok(performance.now() - t < 1000, 'fails fast');
  assert.ok(process.memoryUsage().arrayBuffers - before < 8 << 20, 'no large allocation');
  // Above the cap nothing is decoded at all.
  assert.throws(() => rvf.wasmCode({ header: { compression: 2, bytecodeSize: 9 << 20 }, bytecode: bomb }, 8 << 20), /above the module size limit/);
});

/** Mutate the stored bytes of every WASM segment of `file` (a fresh copy
 *  each round), set each bytecode hash to SHAKE-256 of what JS decodes (or
 *  zeros when JS refuses), and ask rvf-pack: it must say "verified" exactly
 *  where JS decoded, and "MISMATCH" exactly where JS refused. */
function differential(compression, segments, rounds, seed) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-web-decode-'));
  const base = path.join(dir, 'base.rvf'), mutated = path.join(dir, 'mutated.rvf');
  const args = ['create', base, '--matrix', path.join(root, 'samples/karate.mtx')];
  for (let i = 0; i < segments; i++) args.push('--solver', `${path.join(root, 'microkernel/dist/solver-baseline.wasm')},compress=${compression}`);
  assert.equal(spawnSync(packBin, args).status, 0);
  const original = fs.readFileSync(base);
  let s = seed, decoded = 0;
  const rnd = (n) => { s = (s * 1103515245 + 12345) >>> 0; return Math.floor((s / 2 ** 32) * n); };
  for (let round = 0; round < rounds; round++) {
    const bytes = new Uint8Array(original), want = [];
    for (const seg of rvf.openFile(bytes).segments) {
      if (seg.typeName !== 'WASM') continue;
      const p = seg.payload, body = p.subarray(64), n = body.length;
      switch (rnd(5)) {
        case 0: body[rnd(n)] = rnd(256); break;
        case 1: body[rnd(n)] ^= 1 << rnd(8); break;
        case 2: body[rnd(Math.min(24, n))] = rnd(256); break;
        case 3: body[n - 1 - rnd(Math.min(300, n))] ^= 1 << rnd(8); break;
        default: for (let k = 0; k < 3; k++) body[rnd(n)] = rnd(256);
      }
      let code = null;
      try { code = rvf.wasmCode(rvf.parseWasm(p), 64 << 20); } catch (e) { if (e.class !== 'bad_payload') throw e; }
      p.fill(0, 0x18, 0x38);
      if (code) { p.set(rvf.shake256(code, 32), 0x18); decoded++; }
      want.push([seg.index, code ? 'verified (SHAKE-256)' : 'MISMATCH']);
    }
    fs.writeFileSync(mutated, bytes);
    const r = spawnSync(packBin, ['inspect', mutated, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr);
    const segs = JSON.parse(r.stdout).segments;
    for (const [i, status] of want) assert.equal(segs[i].detail.bytecode_hash_status, status, `${compression} round ${round} segment ${i}`);
  }
  return decoded;
}

test('on mutated ZSTD and LZ4 segments JS and rvf-pack decode the same ones, to the same bytes, and refuse the same ones', () => {
  const z = differential('zstd', 40, 2, 7), l = differential('lz4', 40, 1, 11);
  assert.ok(z > 5 && z < 75, `${z} of 80 ZSTD mutants decoded: both outcomes were exercised`);
  assert.ok(l > 5 && l < 35, `${l} of 40 LZ4 mutants decoded`);
});
