// rvf-js against rvf-pack on the same files: the same --json (but
// fuel_used), the same exit codes for refusals, the same --out bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { samples, rvfPack, web, root } from './common.mjs';

const files = samples();
const bin = path.join(web, 'bin/rvf-js.mjs');
const js = (args) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const both = (args) => [js(args), rvfPack(args)];

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
    if (b.stderr.startsWith('rvf-pack: error: ')) assert.ok(a.stderr.startsWith('rvf-js: error: '), a.stderr);
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
