// rvf-js against rvf-pack on the same files: the same --json (but
// fuel_used), the same exit codes for refusals, the same --out bytes; under
// trust policies (--trust, --trust-file, $RVF_TRUST_FILE, --trust-code-only)
// the same verdicts, signers and exit codes, and without one the same note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { samples, rvfPack, web, root, packBin } from './common.mjs';
import facts from '../src/spec.generated.mjs';

const files = samples();
const bin = path.join(web, 'bin/rvf-js.mjs');
const js = (args, env) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: env ? { ...process.env, ...env } : undefined });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const rust = (args, env) => {
  if (!env) return rvfPack(args);
  const r = spawnSync(packBin, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const both = (args, env) => [js(args, env), rust(args, env)];

test('inspect --json is rvf-pack\'s, field for field (META entries, XXH3 hashes included)', () => {
  for (const f of [files.karate, files.karateXxh3, files.poisson, files.meta]) {
    const [a, b] = both(['inspect', f, '--json']);
    assert.equal(a.status, 0, a.stderr);
    assert.deepEqual(JSON.parse(a.stdout), JSON.parse(b.stdout), f);
  }
  const [a, b] = both(['inspect', files.meta, '--segment', '0', '--json']);
  assert.deepEqual(JSON.parse(a.stdout), JSON.parse(b.stdout));
});

test('select --json is rvf-pack\'s under every mask', () => {
  for (const mask of [[], ['--host-features', '-simd'], ['--host-features', 'none'], ['--segment', '2']]) {
    const [a, b] = both(['select', files.karate, '--explain', '--json', ...mask]);
    assert.deepEqual([a.status, JSON.parse(a.stdout)], [b.status, JSON.parse(b.stdout)], mask.join(' '));
  }
});

const runs = [
  [files.poisson, 'cg', '--tol', '1e-10'],
  [files.poisson, 'cg', '--precondition', '--max-iter', '5'],
  [files.poisson, 'jacobi', '--min-margin', '0.001'],
  [files.karate, 'ppr-forward', '--source', '2', '--epsilon', '1e-6', '--top', '40'],
  [files.karate, 'ppr-backward', '--target', '33', '--alpha', '0.2'],
  [files.karate, 'walk-estimate', '--source', '0', '--target', '33', '--walks', '5000', '--seed', '7', '--budget', '100000'],
  [files.poisson, 'knn', '--query-index', '5', '--k', '7', '--metric', 'cosine'],
  [files.poisson, 'knn', `--query=${Array.from({ length: 16 }, (_, i) => (i % 3) - 1).join(',')}`, '--metric', 'ip'],
  [files.karate, 'jacobi'],
  [files.karate, 'ppr-forward', '--source', '99'],
  [files.karateXxh3, 'ppr-backward', '--target', '1', '--host-features', '-simd', '--verify-data'],
];

for (const args of runs) {
  test(`run ${path.basename(args[0])} ${args.slice(1).join(' ')}: same JSON and exit code`, () => {
    const [a, b] = both(['run', ...args, '--json']);
    assert.equal(a.status, b.status, a.stderr);
    const rust = JSON.parse(b.stdout);
    delete rust.fuel_used;
    assert.deepEqual(JSON.parse(a.stdout), rust);
  });
}

test('refusals exit as rvf-pack does', () => {
  const bogus = path.join(os.tmpdir(), 'rvf-js-no-such-file.rvf');
  const cases = [
    ['run', bogus, 'cg'],
    ['run', path.join(root, 'tests/corpus/overlapping_segments.rvf'), 'cg'],
    ['inspect', path.join(root, 'tests/corpus/payload_past_eof.rvf')],
    ['run', files.poisson, 'knn'],
    ['run', files.poisson, 'knn', '--query', '1,2'],
    ['run', files.karate, 'cg', '--segment', '0'],
    ['run', files.karate, 'cg', '--host-features', '-avx'],
    ['run', files.karate, 'pagerank'],
    ['run', files.karate, 'cg', '--source', 'x'],
    ['select', files.karate, '--host-features', 'none', '--segment', '2'],
    ['run', path.join(root, 'tests/conformance/two-matrices.rvf'), 'ppr-forward'],
    ['run', path.join(root, 'tests/conformance/under-declared.rvf'), 'ppr-forward'],
    ['run', path.join(root, 'tests/conformance/tampered.rvf'), 'cg', '--segment', '2'],
  ];
  for (const args of cases) {
    const [a, b] = both(args);
    assert.equal(a.status, b.status, `${args.join(' ')}\njs: ${a.stderr}\nrust: ${b.stderr}`);
    assert.ok(a.status > 0, args.join(' '));
    if (/^rvf-pack: error: /m.test(b.stderr)) assert.match(a.stderr, /^rvf-js: error: /m);
  }
});

test('--out writes the bytes rvf-pack writes (NPY, CSV, text)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-js-out-'));
  for (const [f, m, ...rest] of [[files.poisson, 'cg'], [files.karate, 'ppr-forward', '--source', '3', '--epsilon', '1e-7']]) {
    for (const ext of ['npy', 'csv', 'txt']) {
      const [x, y] = [path.join(dir, `js.${ext}`), path.join(dir, `rust.${ext}`)];
      assert.equal(js(['run', f, m, ...rest, '--out', x]).status, 0);
      assert.equal(rvfPack(['run', f, m, ...rest, '--out', y]).status, 0);
      assert.ok(fs.readFileSync(x).equals(fs.readFileSync(y)), `${m} .${ext}`);
    }
  }
});

test('--help lists commands, examples and the exit codes', () => {
  const h = js(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /inspect FILE/);
  assert.match(h.stdout, /Exit codes:\n\s+0 {2}success/);
  const r = js(['run', '--help']);
  assert.match(r.stdout, /Examples:\n {2}rvf-js run/);
  assert.match(r.stdout, /--query-index N/);
});

const conf = (f) => path.join(root, 'tests/conformance', f);
const keys = JSON.parse(fs.readFileSync(conf('cases.json'), 'utf8')).keys;
const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-js-keys-'));
const pub = (name, text = `# rvf-boot Ed25519 public key\n${keys[name]}\n`) => {
  const p = path.join(keyDir, `${name}.pub`);
  fs.writeFileSync(p, text);
  return p;
};
const [alice, mallory] = [pub('alice'), pub('mallory')];
fs.mkdirSync(path.join(keyDir, 'keys'), { recursive: true });
fs.copyFileSync(alice, path.join(keyDir, 'keys/al.pub'));
const trustFile = path.join(keyDir, 'team.trust');
fs.writeFileSync(trustFile, `# the team\nmallory ${keys.mallory}\nal keys/al.pub\n`);
const NOTE = "note: no trust policy: the solver's code is unauthenticated (give --trust KEY.pub or --trust-file)";

test('inspect --json of signed files is rvf-pack\'s (signed, footer_length; padding after the footer)', () => {
  for (const f of ['signed.rvf', 'signed-appended.rvf', 'signed-bad-algorithm.rvf', 'signed-data-rehashed.rvf']) {
    const [a, b] = both(['inspect', conf(f), '--json']);
    assert.equal(a.status, 0, a.stderr);
    assert.deepEqual(JSON.parse(a.stdout), JSON.parse(b.stdout), f);
  }
  assert.match(js(['inspect', conf('signed.rvf')]).stdout, /verified, signed/);
});

test('select --json under trust policies is rvf-pack\'s: verdicts, signers (class, key name, key id), authenticated', () => {
  const cases = [
    [conf('signed-appended.rvf'), ['--trust', alice]],
    [conf('signed-appended.rvf'), ['--trust', mallory, '--host-features', 'none']],
    [conf('signed-appended.rvf'), ['--trust', mallory, '--trust', alice]],
    [conf('signed-appended.rvf'), ['--trust-file', trustFile]],
    [conf('signed-appended.rvf'), []],
    [conf('signed-bad-algorithm.rvf'), ['--host-features', 'none']],
    [conf('signed-footer-moved.rvf'), ['--trust', alice, '--host-features', 'none']],
    [conf('signed-tampered-rehashed.rvf'), ['--trust', alice]],
    [files.karate, ['--trust', alice]],
  ];
  for (const [f, args] of cases) {
    const [a, b] = both(['select', f, '--explain', '--json', ...args]);
    assert.deepEqual([a.status, JSON.parse(a.stdout)], [b.status, JSON.parse(b.stdout)], `${path.basename(f)} ${args.join(' ')}`);
    assert.equal(a.stderr.includes(NOTE), args.length === 0 || args[0] === '--host-features');
  }
});

test('run --json under trust is rvf-pack\'s (signer of the code that ran, authenticated), and exit 16 when nothing trusted runs', () => {
  const cases = [
    [conf('signed.rvf'), ['--trust', alice]],
    [conf('signed.rvf'), ['--trust', alice, '--host-features', 'none']],
    [conf('signed.rvf'), ['--trust', mallory]],
    [conf('signed-appended.rvf'), ['--trust-file', trustFile]],
    [conf('signed-code-only.rvf'), ['--trust', alice]],
    [conf('signed-code-only.rvf'), ['--trust', alice, '--trust-code-only']],
    [conf('signed.rvf'), []],
  ];
  for (const [f, args] of cases) {
    const [a, b] = both(['run', f, 'ppr-forward', '--epsilon', '1e-6', '--json', ...args]);
    const what = `${path.basename(f)} ${args.join(' ')}`;
    assert.equal(a.status, b.status, `${what}\njs: ${a.stderr}\nrust: ${b.stderr}`);
    if (b.status === 0) {
      const r = JSON.parse(b.stdout);
      delete r.fuel_used;
      assert.deepEqual(JSON.parse(a.stdout), r, what);
    }
  }
  const [a, b] = both(['run', conf('signed.rvf'), 'ppr-forward', '--trust', mallory]);
  const untrusted = facts.exit.find((e) => e.name === 'untrusted').code;
  assert.deepEqual([a.status, b.status], [untrusted, untrusted]);
  assert.match(a.stderr, /^rvf-js: error: no runnable solver segment signed by a trusted key\n {2}segment 1: rejected: not eligible under the trust policy: signed, but by none of the trusted keys/m);
});


test('without a policy select and run print rvf-pack\'s one line: the code is unauthenticated', () => {
  for (const args of [['select', files.karate], ['run', files.karate, 'ppr-forward'], ['select', files.karate, '--json'], ['run', files.karate, 'ppr-forward', '--trust-code-only']]) {
    const [a, b] = both(args);
    const line = (s) => s.split('\n').filter((l) => l.startsWith('note:'));
    assert.deepEqual(line(a.stderr), [NOTE], args.join(' '));
    assert.deepEqual(line(a.stderr), line(b.stderr), args.join(' '));
    assert.equal(a.status, b.status);
  }
  const a = js(['select', conf('signed.rvf'), '--trust', alice]);
  assert.equal(a.stderr, '');
  assert.equal(js(['inspect', files.karate]).stderr, '', 'inspect runs no code');
});

test('--trust-file, $RVF_TRUST_FILE and key files: the same exit codes as rvf-pack', () => {
  const bad = (name, text) => { const p = path.join(keyDir, name); fs.writeFileSync(p, text); return p; };
  const f = conf('signed.rvf');
  const cases = [
    [['select', f, '--trust', bad('empty.pub', '')], null, 3],
    [['select', f, '--trust', bad('short.pub', 'abcd\n')], null, 3],
    [['select', f, '--trust', bad('weak.pub', `01${'00'.repeat(31)}\n`)], null, 3],
    [['select', f, '--trust', path.join(keyDir, 'none.pub')], null, 5],
    [['select', f, '--trust', bad('bom.pub', `\ufeff${keys.alice}\n`)], null, 3],
    [['select', f, '--trust', bad('latin1.pub', Buffer.from([0xff, 0xfe, 0x41]))], null, 5],
    [['select', f, '--trust', keyDir], null, 5],
    [['select', f, '--trust-file', bad('lonely.trust', 'lonely\n')], null, 3],
    [['select', f, '--trust-file', bad('path.trust', 'bob keys/bob.pub\n')], null, 3],
    // A trust file that lists no key is a policy that trusts nothing (keys.rs policy).
    [['select', f, '--trust-file', bad('comments.trust', '# nobody\n')], null, 16],
    [['select', f], { RVF_TRUST_FILE: trustFile }, 0],
    [['run', conf('signed-code-only.rvf'), 'ppr-forward'], { RVF_TRUST_FILE: trustFile }, 16],
    [['run', conf('signed-code-only.rvf'), 'ppr-forward', '--trust-code-only'], { RVF_TRUST_FILE: trustFile }, 0],
    [['select', f], { RVF_TRUST_FILE: '' }, 2],
    [['select', f, '--trust', mallory], { RVF_TRUST_FILE: path.join(keyDir, 'none.trust') }, 5],
    [['run', f, 'cg', '--trust', path.join(keyDir, 'none.pub'), '--trust-file', bad('lonely2.trust', 'lonely\n')], null, 5],
    [['select', conf('signed-appended.rvf'), '--trust', alice, '--segment', '4'], null, 16],
    [['select', conf('signed-appended.rvf'), '--trust', alice, '--segment', '4', '--host-features', 'none'], null, 7],
  ];
  for (const [args, env, want] of cases) {
    const [a, b] = both(args, env);
    assert.deepEqual([a.status, b.status], [want, want], `${args.join(' ')} ${JSON.stringify(env)}\njs: ${a.stderr}\nrust: ${b.stderr}`);
  }
  const r = js(['select', f, '--explain', '--trust', alice]);
  assert.match(r.stdout, /\n {6}signed by alice \(key [0-9a-f]{16}\), trusted\n/);
  assert.match(js(['select', '--help']).stdout, /--trust KEY\.pub/);
});

test('compressed modules: inspect (JSON and text) is rvf-pack\'s; runs decompress and give its digests', () => {
  for (const f of ['compressed-lz4.rvf', 'compressed-zstd.rvf', 'compressed-lies.rvf']) {
    const [a, b] = both(['inspect', conf(f), '--json']);
    assert.equal(a.status, 0, a.stderr);
    assert.deepEqual(JSON.parse(a.stdout), JSON.parse(b.stdout), f);
    const [x, y] = both(['inspect', conf(f)]);
    assert.equal(x.stdout, y.stdout, f);
  }
  assert.match(js(['inspect', conf('compressed-zstd.rvf')]).stdout, / ZSTD \d+\u2192\d+ bytes bytecode=verified/);
  for (const f of ['compressed-lz4.rvf', 'compressed-zstd.rvf']) {
    const [a, b] = both(['run', conf(f), 'ppr-forward', '--epsilon', '1e-6', '--json']);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(JSON.parse(a.stdout).output_digest, JSON.parse(b.stdout).output_digest, f);
  }
});

test('under a trust policy the signature is judged before decompression: unsigned liars are untrusted, as in rvf-pack', () => {
  const f = conf('compressed-lies.rvf');
  const [a, b] = both(['select', f, '--explain', '--json', '--host-features', 'none', '--trust', alice]);
  const [x, y] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
  assert.deepEqual([a.status, x.candidates, x.selected_segment], [b.status, y.candidates, y.selected_segment]);
  // The bomb (2) is refused for its signer, never decompressed; the huge
  // size (3), like the other header lies (5, 6), is malformed before any signer is asked.
  const verdict = (n) => x.candidates.find((c) => c.segment === n).verdict_class;
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(verdict), ['rejected:untrusted', 'rejected:untrusted', 'rejected:malformed', 'rejected:untrusted',
    'rejected:malformed', 'rejected:malformed', 'rejected:untrusted']);
  const [c, d] = both(['select', f, '--explain', '--json', '--host-features', 'none']);
  assert.deepEqual(JSON.parse(c.stdout).candidates, JSON.parse(d.stdout).candidates);
  assert.match(JSON.parse(c.stdout).candidates[2].verdict, /bytecode_size claims more than compressed_size bytes may expand to/);
});

/** rvf-js and rvf-pack `run --json` on the same arguments: the same exit, the same JSON (but fuel_used), the same notes. */
function sameRun(args) {
  const [a, b] = both(['run', ...args, '--json']);
  assert.equal(a.status, b.status, `${args.join(' ')}\njs: ${a.stderr}\nrust: ${b.stderr}`);
  const rust = b.stdout.trim() ? JSON.parse(b.stdout) : null;
  if (rust) delete rust.fuel_used;
  assert.deepEqual(a.stdout.trim() ? JSON.parse(a.stdout) : null, rust, args.join(' '));
  const notes = (t, who) => t.split('\n').filter((l) => l.startsWith(`${who}: note:`)).map((l) => l.slice(who.length));
  assert.deepEqual(notes(a.stderr, 'rvf-js'), notes(b.stderr, 'rvf-pack'), args.join(' '));
  return rust;
}
/** Text output without the fuel figure (V8 meters none). */
const noFuel = (s) => s.replace(/ {2}fuel \d+/, '');

test('labels: run --json carries rvf-pack\'s label fields (pairs, refusals, --out), its table the label column, its CSV too', () => {
  const f = files.lesmis;
  const j = sameRun([f, 'ppr-forward', '--source', '10', '--epsilon', '1e-6', '--top', '80']);
  assert.equal(j.results.find((r) => r.index === 10)?.label, 'Valjean');
  assert.deepEqual(j.labels_segments, [2]);
  sameRun([f, 'ppr-backward', '--target', '0']);
  sameRun([f, 'walk-estimate', '--source', '3', '--target', '11', '--walks', '500']);
  sameRun([f, 'cg']); // refused (no right-hand side): still labels_segments
  sameRun([f, 'ppr-forward', '--out', path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-js-lab-')), 'x.npy')]);
  const [a, b] = both(['inspect', f]);
  assert.equal(a.stdout, b.stdout);
  assert.match(a.stdout, / 77 labels of nodes of matrix [0-9a-f]{32}\n/);
  const [x, y] = both(['run', f, 'ppr-forward', '--source', '11', '--top', '12']);
  assert.equal(noFuel(x.stdout), noFuel(y.stdout));
  assert.match(x.stdout, /^ {7}index {2}label {10}score\n {10}10  Valjean {8}2\./m);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-js-lab-'));
  for (const ext of ['csv', 'txt', 'npy']) {
    assert.equal(js(['run', f, 'ppr-forward', '--out', path.join(dir, `js.${ext}`)]).status, 0);
    assert.equal(rvfPack(['run', f, 'ppr-forward', '--out', path.join(dir, `rust.${ext}`)]).status, 0);
    assert.ok(fs.readFileSync(path.join(dir, `js.${ext}`)).equals(fs.readFileSync(path.join(dir, `rust.${ext}`))), ext);
  }
  assert.match(fs.readFileSync(path.join(dir, 'js.csv'), 'utf8'), /^index,label,value\n0,Napoleon,/);
});

test('labels of a dense result and of vectors (appended as an RVFMETA delta): quoted in CSV, cut in the table', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-js-lab-'));
  const p = (n) => path.join(dir, n);
  // 256 nodes of the Poisson matrix, labels with commas, quotes, long and wide characters.
  const names = Array.from({ length: 256 }, (_, i) => (i % 7 === 0 ? `n${i},"q"` : i % 5 === 0 ? `${'é'.repeat(40)}${i}` : i % 11 === 0 ? ' 日本 ' : `node${i}`));
  fs.writeFileSync(p('p.labels'), `${names.join('\n')}\n`);
  const f = p('poisson.rvf');
  assert.equal(rvfPack(['create', f, '--matrix', path.join(root, 'samples/poisson16.mtx'), '--rhs', path.join(root, 'samples/poisson16_rhs.txt'), '--labels', p('p.labels'),
    '--solver', path.join(root, 'microkernel/dist/solver-baseline.wasm')]).status, 0);
  const j = sameRun([f, 'cg', '--top', '16']);
  assert.deepEqual(j.labels.slice(0, 2), ['n0,"q"', 'node1']);
  const [x, y] = both(['run', f, 'cg', '--top', '16']);
  assert.equal(noFuel(x.stdout), noFuel(y.stdout));
  js(['run', f, 'cg', '--out', p('js.csv')]);
  rvfPack(['run', f, 'cg', '--out', p('rust.csv')]);
  assert.ok(fs.readFileSync(p('js.csv')).equals(fs.readFileSync(p('rust.csv'))));
  assert.match(fs.readFileSync(p('js.csv'), 'utf8'), /^0,"n0,""q""",/m);
  // Vectors appended with their labels: a META delta (generation 2).
  fs.writeFileSync(p('v.csv'), '1,2,3,4\n5,6,7,8\n0,1,0,1\n');
  fs.writeFileSync(p('v.labels'), 'alpha\nbe,ta\ngamma\n');
  assert.equal(rvfPack(['append', f, '--vectors', p('v.csv'), '--labels', p('v.labels'), '--meta', 'note=hello']).status, 0);
  const [a, b] = both(['inspect', f, '--json']);
  assert.deepEqual(JSON.parse(a.stdout), JSON.parse(b.stdout));
  const [c, d] = both(['inspect', f]);
  assert.equal(c.stdout, d.stdout);
  assert.match(c.stdout, /note=hello 3 labels of vector rows \(delta, generation 2\)/);
  const k = sameRun([f, 'knn', '--query', '1,2,3,4', '--k', '3']);
  assert.deepEqual(k.results.map((r) => r.label), ['alpha', 'gamma', 'be,ta']);
  sameRun([f, 'cg', '--data', '0', '--top', '3']);
});

test('labels under a trust policy: a META segment no trusted key signed is passed over, with rvf-pack\'s note', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-js-lab-'));
  const p = (n) => path.join(dir, n);
  const f = p('signed.rvf');
  fs.copyFileSync(files.lesmis, f);
  assert.equal(rvfPack(['keygen', '-o', p('carol')]).status, 0);
  assert.equal(rvfPack(['sign', f, '--key', p('carol.key'), '--all']).status, 0);
  // Anyone can append the same matrix with other names; its META is unsigned.
  const names = fs.readFileSync(path.join(root, 'samples/lesmis.labels'), 'utf8').trim().split('\n');
  fs.writeFileSync(p('other.labels'), names.map((n) => `x-${n}\n`).join(''));
  assert.equal(rvfPack(['append', f, '--matrix', path.join(root, 'samples/lesmis.mtx'), '--with-transpose', '--labels', p('other.labels')]).status, 0);
  const trusted = sameRun([f, 'ppr-forward', '--data', '0', '--top', '3', '--trust', p('carol.pub')]);
  assert.ok(trusted.results.every((r) => !r.label.startsWith('x-')));
  const [a] = both(['run', f, 'ppr-forward', '--data', '0', '--trust', p('carol.pub')]);
  assert.match(a.stderr, /^rvf-js: note: labels in META segment \d+ not used: no trusted key signed them$/m);
  const open = sameRun([f, 'ppr-forward', '--data', '0', '--top', '3', '--trust', p('carol.pub'), '--trust-code-only']);
  assert.ok(open.results.every((r) => r.label.startsWith('x-')));
  sameRun([f, 'ppr-forward', '--data', '0', '--top', '3']);
});
