// Signed receipts (rvf-pack run --sign-receipt KEY): rvf-js replay checks
// the signature as rvf-pack replay does (host/src/receipt.rs
// Receipt::signer, host/src/replay.rs): the same verdicts and words
// (`receipt:` line, `receipt_signer` in --json), exit 0 for a good signature
// (with or without a policy that trusts its key), 16 under a policy that
// does not list the key, 3 when one byte of what it covers changed. The
// expected values are rvf-pack's, on the same receipts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as rvf from '../src/node.mjs';
import { signedBytes, formatF64, receiptSigner } from '../src/replay.mjs';
import { samples, rvfPack, web } from './common.mjs';
import facts from '../src/spec.generated.mjs';

const files = samples();
const dir = fs.mkdtempSync(path.join(files.dir, 'receipt-sig-'));
const bin = path.join(web, 'bin/rvf-js.mjs');
const js = (args) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const both = (args) => [js(args), rvfPack(args)];
const code = (name) => facts.exit.find((e) => e.name === name).code;
const errorWords = (stderr) => stderr.split('\n').filter((l) => l && !l.startsWith('note: ')).join('\n').replace(/^(rvf-pack|rvf-js): (error: )?/, '');
const receiptLine = (stdout) => stdout.split('\n').find((l) => l.startsWith('  receipt: '));

const key = (n) => {
  const k = path.join(dir, n);
  if (!fs.existsSync(`${k}.pub`)) assert.equal(rvfPack(['keygen', '-o', k]).status, 0);
  return k;
};
const alice = key('alice'), bob = key('bob');

// Copies of the samples with every segment signed by alice (a policy that
// trusts her then runs them: the receipt's signer is what is at stake).
const signedCopy = (from) => {
  const to = path.join(dir, `signed-${path.basename(from)}`);
  fs.copyFileSync(from, to);
  const r = rvfPack(['sign', to, '--key', `${alice}.key`, '--all', '--quiet']);
  assert.equal(r.status, 0, r.stderr);
  return to;
};
const karate = signedCopy(files.karate), poisson = signedCopy(files.poisson);

// Runs whose receipts hold f64s of every printed shape (1e-6, 1e-10,
// residuals), a timestamp, and (run under a policy) the code's signer. A
// receipt records the code's signer only under a policy, so a replay
// matches it only under one too (and the other way round).
const runs = [
  ['ppr', karate, 'ppr-forward', ['--source', '2', '--epsilon', '1e-6', '--trust', `${alice}.pub`]],
  ['cg', poisson, 'cg', ['--tol', '1e-10']],
  ['knn', poisson, 'knn', ['--query-index', '5', '--k', '7', '--metric', 'cosine', '--timestamp']],
];
const made = {};
function signed(name) {
  if (made[name]) return made[name];
  const [, file, method, args] = runs.find((r) => r[0] === name);
  const p = path.join(dir, `${name}.json`);
  const r = rvfPack(['run', file, method, ...args, '--receipt', p, '--sign-receipt', `${alice}.key`, '--json']);
  assert.equal(r.status, 0, r.stderr);
  made[name] = p;
  return p;
}
const write = (name, text) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

test('signedBytes are the receipt\'s bytes without its signature, exactly as rvf-pack wrote them', () => {
  for (const [name] of runs) {
    const text = fs.readFileSync(signed(name), 'utf8');
    const r = rvf.parseReceipt(text);
    assert.ok(r.signature, name);
    // serde_json writes the signature last: the rest is the canonical text, closed.
    const cut = text.indexOf(',\n  "signature": {');
    assert.ok(cut > 0);
    assert.equal(new TextDecoder().decode(signedBytes(r)), `${text.slice(0, cut)}\n}\n`, name);
  }
  // f64s as serde_json (ryu) prints them.
  const cases = [[0, '0.0'], [-0, '-0.0'], [1, '1.0'], [0.5, '0.5'], [1e-5, '0.00001'], [1e-6, '1e-6'], [1.5e-7, '1.5e-7'],
    [1e15, '1000000000000000.0'], [1e16, '1e16'], [1.25e20, '1.25e20'], [123.456, '123.456'], [NaN, 'null']];
  for (const [x, s] of cases) assert.equal(formatF64(x), s, String(x));
});

test('a signed receipt: exit 0 in both, the same receipt line and receipt_signer (no policy)', () => {
  for (const name of ['cg', 'knn']) {
    const p = signed(name);
    const [a, b] = both(['replay', p]);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(a.status, 0, a.stdout + a.stderr);
    assert.match(receiptLine(b.stdout), /signature verified; no trust policy/);
    assert.equal(receiptLine(a.stdout), receiptLine(b.stdout), name);
    const [aj, bj] = both(['replay', p, '--json']);
    assert.deepEqual([aj.status, JSON.parse(aj.stdout).receipt_signer], [bj.status, JSON.parse(bj.stdout).receipt_signer], name);
  }
});

test('--trust of the signing key: exit 0 in both, trusted under its name; the library says the same', () => {
  const p = signed('ppr');
  const [a, b] = both(['replay', p, '--trust', `${alice}.pub`]);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(a.status, 0, a.stdout + a.stderr);
  assert.match(receiptLine(b.stdout), /, trusted$/);
  assert.equal(receiptLine(a.stdout), receiptLine(b.stdout));
  const [aj, bj] = both(['replay', p, '--trust', `${alice}.pub`, '--json']);
  assert.equal(JSON.parse(aj.stdout).receipt_signer, JSON.parse(bj.stdout).receipt_signer);
  // The library: the verdict and words, with a policy given as a key list.
  const r = rvf.parseReceipt(fs.readFileSync(p, 'utf8'));
  const rep = rvf.replayReceipt(r, fs.readFileSync(karate), {
    trust: [{ name: 'alice', publicKey: rvf.parseKeyText(fs.readFileSync(`${alice}.pub`, 'utf8')) }],
  });
  assert.equal(rep.exit, 'ok');
  assert.deepEqual([rep.receiptSigner.class, rep.receiptSigner.trustedAs, rep.receiptSigner.keyId], ['verified', 'alice', r.signature.key_id]);
  assert.equal(rep.receiptSigner.words, `signed by alice (key ${r.signature.key_id}), trusted`);
  assert.ok(!rep.notCompared.some((n) => /signature/.test(n)));
});

test('--trust of another key: exit 16 in both, the same words', () => {
  const p = signed('cg');
  const [a, b] = both(['replay', p, '--trust', `${bob}.pub`]);
  assert.equal(b.status, code('untrusted'), b.stdout + b.stderr);
  assert.equal(a.status, b.status, a.stdout + a.stderr);
  assert.equal(errorWords(a.stderr), errorWords(b.stderr));
  const [aj, bj] = both(['replay', p, '--trust', `${bob}.pub`, '--json']);
  assert.deepEqual([aj.status, errorWords(aj.stderr)], [bj.status, errorWords(bj.stderr)]);
  const r = rvf.parseReceipt(fs.readFileSync(p, 'utf8'));
  assert.throws(() => rvf.replayReceipt(r, fs.readFileSync(poisson), { trust: [{ name: 'bob', publicKey: rvf.parseKeyText(fs.readFileSync(`${bob}.pub`, 'utf8')) }] }),
    (e) => e instanceof rvf.RvfError && e.exit === 'untrusted' && e.code === code('untrusted'));
});

test('one byte of the signed content or of the signature changed: exit 3 in both, the same words', () => {
  const p = signed('ppr');
  const text = fs.readFileSync(p, 'utf8');
  const r = JSON.parse(text);
  const fuel = String(r.result.fuel_used);
  const flip = (d) => String((Number(d) + 1) % 10);
  const sigAt = text.indexOf(`"signature": "${r.signature.signature}"`) + '"signature": "'.length;
  const tampered = {
    fuel: text.replace(`"fuel_used": ${fuel}`, `"fuel_used": ${fuel.slice(0, -1)}${flip(fuel.at(-1))}`),
    signature: text.slice(0, sigAt + 10) + (text[sigAt + 10] === '0' ? '1' : '0') + text.slice(sigAt + 11),
    key_id: text.replace(`"key_id": "${r.signature.key_id}"`, `"key_id": "${r.signature.key_id.slice(0, -1)}${r.signature.key_id.at(-1) === '0' ? '1' : '0'}"`),
    algorithm: text.replace('"algorithm": "ed25519"', '"algorithm": "ed448"'),
    short: text.replace(`"signature": "${r.signature.signature}"`, `"signature": "${r.signature.signature.slice(2)}"`),
  };
  for (const [what, t] of Object.entries(tampered)) {
    assert.notEqual(t, text, what);
    const q = write(`tampered-${what}.json`, t);
    const [a, b] = both(['replay', q]);
    assert.equal(b.status, code('bad_input'), `${what}: ${b.stdout}${b.stderr}`);
    assert.equal(a.status, b.status, `${what}: ${a.stdout}${a.stderr}`);
    assert.equal(errorWords(a.stderr), errorWords(b.stderr), what);
    // A policy that trusts the key changes nothing: the signature is checked first.
    assert.equal(js(['replay', q, '--trust', `${alice}.pub`]).status, code('bad_input'), what);
  }
  assert.match(errorWords(js(['replay', path.join(dir, 'tampered-fuel.json')]).stderr), /the receipt's signature does not verify: the signature does not verify for these bytes$/);
});

test('a signed receipt re-laid out (other whitespace, number spellings) still verifies in both: the canonical bytes are checked', () => {
  const p = signed('ppr');
  const q = write('relaid.json', `${JSON.stringify(JSON.parse(fs.readFileSync(p, 'utf8')), null, 4)}\n`);
  assert.notEqual(fs.readFileSync(q, 'utf8'), fs.readFileSync(p, 'utf8'));
  const [a, b] = both(['replay', q, '--trust', `${alice}.pub`, '--json']);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(a.status, 0, a.stdout + a.stderr);
  assert.equal(JSON.parse(a.stdout).receipt_signer, JSON.parse(b.stdout).receipt_signer);
});

test('an unsigned receipt: exit 0, "unsigned" in both, with or without a policy', () => {
  for (const extra of [[], ['--trust', `${alice}.pub`]]) {
    const p = path.join(dir, `unsigned${extra.length}.json`);
    assert.equal(rvfPack(['run', karate, 'ppr-forward', '--source', '2', '--receipt', p, '--json', ...extra]).status, 0);
    const [a, b] = both(['replay', p, ...extra]);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(a.status, 0, a.stdout + a.stderr);
    assert.equal(receiptLine(a.stdout), '  receipt: unsigned');
    assert.equal(receiptLine(a.stdout), receiptLine(b.stdout));
  }
  assert.equal(receiptSigner(rvf.parseReceipt(fs.readFileSync(path.join(dir, 'unsigned0.json'), 'utf8'))).words, 'unsigned');
});
