// Signatures in the JS host, unit by unit, against loader/src/signature.rs
// and host/src/trust.rs: footer parsing with the loader's error classes,
// the 94 signed bytes (checked with Node's own Ed25519), key ids, strict
// verification (weak keys, non-canonical S, small-order R refused), the
// key-file and trust-file formats, footers in the container (spans,
// padding, overlap) judged as rvf-pack judges them, and the session API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as rvf from '../src/node.mjs';
import { footer, footerLen, message, payloadDigest, verify } from '../src/signature.mjs';
import { verifyStrict, isStrongKey } from '../src/ed25519.mjs';
import { Point } from '@noble/ed25519';
import { root, rvfPack } from './common.mjs';

const conf = path.join(root, 'tests/conformance');
const set = JSON.parse(fs.readFileSync(path.join(conf, 'cases.json'), 'utf8'));
const read = (name) => new Uint8Array(fs.readFileSync(path.join(conf, name)));
const unhex = (h) => Uint8Array.from(Buffer.from(h, 'hex'));
const ALICE = set.keys.alice, MALLORY = set.keys.mallory;

/** A Node Ed25519 key pair from a 32-byte seed: {sign(msg), publicKey, scalar}. */
function keyPair(seed) {
  const priv = crypto.createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  const publicKey = new Uint8Array(crypto.createPublicKey(priv).export({ format: 'der', type: 'spki' }).subarray(-32));
  const h = crypto.createHash('sha512').update(seed).digest();
  h[0] &= 248; h[31] &= 127; h[31] |= 64;
  const scalar = BigInt(`0x${Buffer.from(h.subarray(0, 32)).reverse().toString('hex')}`);
  return { sign: (m) => new Uint8Array(crypto.sign(null, m, priv)), publicKey, scalar };
}
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const le32 = (x) => Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex').reverse());

test('footers are judged field by field, with the loader\'s classes (signature.rs footers_are_judged_field_by_field)', () => {
  const f = new Uint8Array(64 + 72);
  f.set([0, 0, 64, 0], 64);
  f.fill(7, 68, 132);
  new DataView(f.buffer).setUint32(132, 72, true);
  const end = f.length;
  assert.ok(footer(f, 64, end).footer);
  assert.deepEqual(footer(f, 64, end).footer.signature, new Uint8Array(64).fill(7));
  assert.equal(footerLen(f, 64, end), 72);
  assert.equal(footer(f, 64, end - 1).error.class, 'sig_truncated');
  assert.equal(footerLen(f, 64, end - 1), 0, 'a footer past the limit has no extent');
  const g = () => f.slice();
  let b = g(); b[64] = 9;
  assert.deepEqual([footer(b, 64, end).error.class, footer(b, 64, end).error.algo], ['sig_algorithm', 9]);
  assert.match(footer(b, 64, end).error.message, /signature algorithm 9 is not one this reader verifies \(0 = Ed25519\)/);
  b = g(); new DataView(b.buffer).setUint32(132, 999, true);
  assert.deepEqual({ ...footer(b, 64, end).error }, { class: 'sig_footer_length', found: 999, expected: 72, message: "the footer's footer_length is 999, its signature needs 72" });
  b = g(); b[66] = 63;
  assert.equal(footer(b, 64, end).error.class, 'sig_length');
  assert.equal(footerLen(b, 64, end), 71, 'the extent follows sig_length');
  assert.equal(footer(new Uint8Array(66), 64, 66).error.class, 'sig_truncated');
});

test('key ids are SHA-256 of the key, first 8 bytes (the notes\' test key)', () => {
  const pk = unhex('ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c');
  assert.equal(rvf.hex(rvf.keyId(pk)), 'fe812c12f3ab4ce6');
  assert.equal(rvf.trustedKey('n', pk).idHex, 'fe812c12f3ab4ce6');
});

test('the 94 signed bytes of a conformance file verify under alice with Node\'s own Ed25519', () => {
  const file = rvf.openFile(read('signed.rvf'));
  const alice = crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), unhex(ALICE)]), format: 'der', type: 'spki' });
  for (const s of file.segments) {
    assert.ok(s.signed);
    assert.equal(s.footerLength, 72);
    const seg = file.segment(s.index);
    const m = message(file.bytes.subarray(s.offset, s.offset + 64), payloadDigest(seg.payload));
    assert.equal(m.length, 94);
    assert.equal(new TextDecoder().decode(m.subarray(0x38, 0x46)), 'RVF-v1-segment');
    const sig = footer(file.bytes, seg.storedEnd - 72, file.end).footer.signature;
    assert.ok(crypto.verify(null, m, alice, sig), `segment ${s.index}`);
    assert.equal(verify(unhex(ALICE), m, sig), null);
    assert.equal(verify(unhex(MALLORY), m, sig).class, 'sig_mismatch');
  }
});

test('strict verification: what Node signs verifies; a changed bit, S + ℓ and a small-order R do not', () => {
  const k = keyPair(crypto.randomBytes(32));
  for (let i = 0; i < 8; i++) {
    const m = crypto.randomBytes(94 + i);
    const sig = k.sign(m);
    assert.ok(verifyStrict(k.publicKey, m, sig));
    const flipped = sig.slice(); flipped[i * 8] ^= 1;
    assert.equal(verifyStrict(k.publicKey, m, flipped), false);
  }
  const m = new TextEncoder().encode('malleable');
  const sig = k.sign(m);
  // S + ℓ: the same point equation, a non-canonical scalar (verify_strict's check_scalar refuses it).
  const s = BigInt(`0x${Buffer.from(sig.subarray(32)).reverse().toString('hex')}`);
  const high = sig.slice(); high.set(le32(s + L), 32);
  assert.equal(verifyStrict(k.publicKey, m, high), false);
  // R = identity with S = k·a: [S]B - [k]A = R holds exactly, but R has small order.
  const R = le32(1n);
  const h = crypto.createHash('sha512').update(Buffer.concat([R, k.publicKey, m])).digest();
  const kk = BigInt(`0x${Buffer.from(h).reverse().toString('hex')}`) % L;
  const forged = new Uint8Array(64); forged.set(R, 0); forged.set(le32((kk * k.scalar) % L), 32);
  const A = Point.fromBytes(k.publicKey);
  assert.ok(Point.BASE.multiply((kk * k.scalar) % L).equals(A.multiply(kk)), 'the equation holds');
  assert.equal(verifyStrict(k.publicKey, m, forged), false, 'a small-order R is refused');
});

// The eight small-order points, two of them non-canonically encoded (y = p, p + 1).
const WEAK = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];
// y = p + 3: not canonical, but a valid point of large order (dalek decompresses it: a strong key).
const NON_CANONICAL_STRONG = 'f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f';
// y = p + 2 is no point at all.
const NOT_A_POINT = 'efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f';

test('weak (small-order) and invalid keys are refused when a trust list is loaded, and never verify', () => {
  for (const w of [...WEAK, NOT_A_POINT]) {
    assert.equal(isStrongKey(unhex(w)), false, w);
    assert.throws(() => rvf.parsePublicKey(w), (e) => e.class === 'not_a_key' && e.exit === 'bad_input' && /not a valid \(strong\) Ed25519 public key/.test(e.message), w);
    assert.throws(() => rvf.trustPolicy([{ name: 'w', publicKey: w }]), (e) => e.class === 'not_a_key', w);
    assert.throws(() => rvf.parseTrustFile(`ok ${ALICE}\nweak ${w}\n`), (e) => e.class === 'trust_file_line' && /^line 2: the 32 bytes are not/.test(e.message), w);
    assert.equal(verify(unhex(w), new Uint8Array(94), new Uint8Array(64)).class, 'sig_key');
  }
  // Under the identity key, R = identity and S = 0 satisfy [S]B = R + [k]A for every
  // message: a constant footer that plain verification would accept everywhere.
  const constant = new Uint8Array(64); constant.set(le32(1n), 0);
  assert.equal(verifyStrict(unhex(WEAK[0]), new Uint8Array(94), constant), false);
  const file = rvf.openFile(read('signed.rvf'));
  assert.throws(() => new rvf.Session(file, { trust: { keys: [{ name: 'w', publicKey: unhex(WEAK[4]) }], unsignedData: false } }), (e) => e.class === 'not_a_key');
  assert.ok(isStrongKey(unhex(NON_CANONICAL_STRONG)));
  assert.equal(rvf.parsePublicKey(NON_CANONICAL_STRONG).length, 32);
});

test('rvf-pack and rvf-js refuse and accept the same keys (exit 3, or the untrusted verdict)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-keys-'));
  const js = path.join(root, 'web/bin/rvf-js.mjs');
  for (const [k, want] of [...WEAK.map((w) => [w, 3]), [NOT_A_POINT, 3], [NON_CANONICAL_STRONG, 16], [ALICE, 0]]) {
    const p = path.join(dir, `${k.slice(0, 8)}.pub`);
    fs.writeFileSync(p, `# a key\n${k}\n`);
    const args = ['select', path.join(conf, 'signed.rvf'), '--trust', p];
    const ours = spawnSync(process.execPath, [js, ...args], { encoding: 'utf8' }).status;
    assert.deepEqual([ours, rvfPack(args).status], [want, want], k);
  }
});

test('key and trust files: the text formats of host/src/trust.rs, errors by line', () => {
  const k = rvf.parsePublicKey(`# comment\r\n${ALICE.toUpperCase()}\r\n`);
  assert.equal(rvf.hex(k), ALICE);
  assert.deepEqual(rvf.parseKeyText(`${ALICE.slice(0, 32)}\n  ${ALICE.slice(32)}  \n`), unhex(ALICE));
  const format = (text, what) => assert.throws(() => rvf.parseKeyText(text), (e) => e.class === 'key_format' && e.exit === 'bad_input' && e.message === `not a key: ${what} (expected 64 hex digits, 32 bytes)`);
  format('abcd', '2 bytes');
  format('', '0 bytes');
  format('# only a comment\n', '0 bytes');
  format('zz'.repeat(32), 'not hex');
  format(`${ALICE}0`, 'not hex');
  format(`\ufeff${ALICE}`, 'not hex');
  const keys = rvf.parseTrustFile(`# team\n\nalice\t${ALICE}\r\n  mallory   ${MALLORY}  \nbob keys/bob.pub\n`, (p) => {
    assert.equal(p, 'keys/bob.pub');
    return unhex(ALICE);
  });
  assert.deepEqual(keys.map((x) => x.name), ['alice', 'mallory', 'bob']);
  assert.equal(keys[2].idHex, keys[0].idHex);
  const line = (text, re) => assert.throws(() => rvf.parseTrustFile(text), (e) => e.class === 'trust_file_line' && e.exit === 'bad_input' && re.test(e.message), text);
  line('lonely\n', /^line 1: expected 'NAME KEY' \(KEY: 64 hex digits or a \.pub path\)$/);
  line(`# c\nalice ${ALICE}\nbob keys/bob.pub\n`, /^line 3: keys\/bob\.pub: a key must be given as 64 hex digits here/);
  line(`alice ${ALICE.slice(2)}\n`, /^line 1: .*64 hex digits/);
  assert.deepEqual(rvf.parseTrustFile('# nobody\n'), []);
});

test('a trust policy: from text or entries; any list is one (an empty list trusts no key)', () => {
  const file = rvf.openFile(read('signed.rvf'));
  const run = (o) => new rvf.Session(file, { hostFeatures: 'none', ...o }).run('ppr-forward', { epsilon: 1e-6 });
  const want = run({}).digest;
  assert.equal(run({ trust: `alice ${ALICE}` }).digest, want);
  const out = run({ trust: [{ name: 'a', publicKey: unhex(ALICE) }] });
  assert.deepEqual([out.authenticated, out.signer.class, out.signer.key.name], [true, 'trusted', 'a']);
  assert.deepEqual(out.toJSON().signer, { class: 'trusted', signed: true, trusted: true, key_name: 'a', key_id: out.signer.key.idHex, words: `signed by a (key ${out.signer.key.idHex}), trusted` });
  assert.equal(run({}).toJSON().authenticated, false);
  assert.equal(run({}).signer.class, 'signed_unchecked');
  for (const trust of [[], `mallory ${MALLORY}`, rvf.trustPolicy([{ name: 'm', publicKey: MALLORY }])]) {
    assert.throws(() => run({ trust }), (e) => e.exit === 'untrusted' && e.code === rvf.EXIT.untrusted.code && /^no runnable solver segment signed by a trusted key/.test(e.message));
  }
  assert.throws(() => new rvf.Session(file, { trust: 42 }), (e) => e.exit === 'bad_input');
});

test('data binding under a policy: unsigned data refuses (exit untrusted) unless unsignedData', () => {
  const file = rvf.openFile(read('signed-code-only.rvf'));
  const trust = `alice ${ALICE}`;
  assert.throws(() => new rvf.Session(file, { trust }).run('ppr-forward', {}), (e) => e.exit === 'untrusted' && e.class === 'data_untrusted'
    && e.message === 'data segment 0 is not signed by a trusted key (unsigned); sign it (rvf-pack sign --all) or accept unsigned data with --trust-code-only');
  assert.equal(new rvf.Session(file, { trust, unsignedData: true }).run('ppr-forward', {}).report.status, 0);
});

/** signed.rvf with segment 1's sig_length set to `n` (its footer follows the payload). */
function withSigLength(n) {
  const b = read('signed.rvf');
  const f = rvf.openFile(b), s = f.segment(1);
  new DataView(b.buffer).setUint16(s.storedEnd - 72 + 2, n, true);
  return { bytes: b, spare: f.segments[2].offset - s.storedEnd };
}

test('footers in the container: a sig_length that runs into the next segment is a directory mismatch (exit 4), as in rvf-pack', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-footer-'));
  const { spare } = withSigLength(64);
  assert.ok(spare > 0 && spare < 64, `${spare} bytes of padding`);
  const cases = [
    [64 + spare, 'rejected:bad_signature', 'sig_length'],        // fits, touching the next segment
    [64 + spare + 1, 'directory_entry_mismatch', null],          // one byte into it
    [0xffff, 'rejected:bad_signature', 'sig_truncated'],         // past the end of the file: no extent
    [64 - 8, 'rejected:bad_signature', 'sig_length'],
  ];
  for (const [n, want, sig] of cases) {
    const { bytes } = withSigLength(n);
    const p = path.join(dir, `sig-${n}.rvf`);
    fs.writeFileSync(p, bytes);
    const rust = rvfPack(['select', p, '--explain', '--json', '--host-features', 'none']);
    if (want === 'directory_entry_mismatch') {
      assert.throws(() => rvf.openFile(bytes), (e) => e.class === want && /directory entry 1 at offset \d+: its signature footer \(as long as its sig_length says\) runs into the next segment/.test(e.message));
      assert.equal(rust.status, rvf.EXIT.bad_container.code, rust.stderr);
      assert.match(rust.stderr, /its signature footer/);
      continue;
    }
    const sel = new rvf.Session(rvf.openFile(bytes), { hostFeatures: 'none' }).explain();
    const c = sel.candidates.find((x) => x.index === 1);
    assert.equal(sel.verdict(sel.candidates.indexOf(c)).class, want, `sig_length ${n}`);
    assert.equal(c.signer.error.class, sig);
    const r = JSON.parse(rust.stdout);
    // `authenticated` and `bootstrap` are the select command's, beside the selection.
    delete r.authenticated;
    delete r.bootstrap;
    assert.deepEqual(sel.toJSON(), r, `sig_length ${n}`);
  }
});

test('unsigned files open exactly as before: no footer, no signer', () => {
  const file = rvf.openFile(read('karate-shake.rvf'));
  assert.ok(file.segments.every((s) => !s.signed && s.footerLength === 0));
  const sel = new rvf.Session(file).explain();
  assert.ok(sel.candidates.every((c) => c.signer.class === 'unsigned'));
  assert.throws(() => new rvf.Session(file, { hostFeatures: 'none', trust: `alice ${ALICE}` }).run('ppr-forward', {}), (e) => e.exit === 'untrusted');
});
