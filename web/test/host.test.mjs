// The JS host as a library: every method of the sample files gives the
// Rust host's output bits for both solver variants; queries in every form;
// reports that JSON can hold; errors as RvfError with the exit names; the
// hash functions against the Rust loader's test vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import sha3 from 'js-sha3';
import * as nodeCrypto from 'node:crypto';
import * as hashWasm from 'hash-wasm';
import * as rvf from '../src/node.mjs';
import { installProviders } from '../src/providers.mjs';
import { samples, rustRun } from './common.mjs';

const files = samples();
const open = (p) => rvf.openFile(fs.readFileSync(p));

const cases = [
  ['poisson', 'cg', ['--tol', '1e-10'], { tol: 1e-10 }],
  ['poisson', 'cg', ['--precondition'], { precondition: true }],
  ['poisson', 'jacobi', [], {}],
  ['karate', 'ppr-forward', ['--source', '2', '--epsilon', '1e-6'], { source: 2, epsilon: 1e-6 }],
  ['karate', 'ppr-backward', ['--target', '33', '--epsilon', '1e-6'], { target: 33, epsilon: 1e-6 }],
  ['karate', 'walk-estimate', ['--source', '0', '--target', '33', '--walks', '3000', '--seed', '11'], { source: 0, target: 33, walks: 3000, seed: 11 }],
  ['poisson', 'knn', ['--query-index', '5', '--k', '7', '--metric', 'cosine'], { queryIndex: 5, k: 7, metric: 'cosine' }],
];

for (const [which, method, args, options] of cases) {
  test(`${method} ${args.join(' ')} matches the Rust host bit for bit (both variants)`, () => {
    const file = open(files[which]);
    for (const mask of ['-simd', undefined]) {
      const rust = rustRun(files[which], method, args, mask);
      const out = new rvf.Session(file, { hostFeatures: mask }).run(method, options);
      assert.equal(rvf.featureNames(out.segment.requiredFeatures), rust.segment.required_features);
      assert.equal(out.segment.index, rust.segment.index);
      assert.equal(out.report.status, rust.report.status);
      assert.equal(out.digest, rust.output_digest, `${method} (${mask ?? 'all features'})`);
      assert.equal(out.report.iterations, rust.report.iterations);
      assert.deepEqual([out.stats.hostCalls, out.stats.rowsServed, out.stats.bytesServed], [rust.host_calls, rust.rows_served, rust.bytes_served]);
    }
  });
}

test('a k-NN query may be a Float32Array, a Float64Array or a plain array, with the same bits', () => {
  const file = open(files.poisson), s = new rvf.Session(file);
  const row = s.run('knn', { queryIndex: 5, k: 3 });
  const q = Array.from({ length: 16 }, (_, i) => i / 4 - 1.5);
  const digests = [Float32Array.from(q), Float64Array.from(q), q, q.join(',')].map((query) => s.run('knn', { query, k: 3 }).digest);
  assert.equal(new Set(digests).size, 1);
  assert.equal(row.report.status, 0);
});

test('the outcome and the selection serialise to JSON (no BigInt), with rvf-pack run --json fields', () => {
  const out = new rvf.Session(open(files.karate)).run('walk-estimate', { source: 0, target: 33, walks: 100, seed: 3n });
  const j = JSON.parse(JSON.stringify(out.toJSON({ file: 'k.rvf' })));
  for (const k of ['file', 'method', 'segment', 'data', 'selection', 'report', 'host_calls', 'rows_served', 'bytes_served', 'output_digest', 'value_label', 'results']) assert.ok(k in j, k);
  assert.equal(j.report.status_message, 'ok');
  assert.equal('fuel_used' in j, false);
  assert.equal(typeof j.report.iterations, 'number');
  JSON.stringify(out.report);
  JSON.stringify(rvf.inspectJson(open(files.meta)));
});

test('refusals are RvfError with the exit name and code, in the Rust host\'s words', () => {
  const s = new rvf.Session(open(files.poisson));
  const refused = (fn, exit, words) => {
    assert.throws(fn, (e) => e instanceof rvf.RvfError && e.exit === exit && e.code === rvf.EXIT[exit].code && words.test(e.message));
  };
  refused(() => s.run('pagerank', {}), 'usage', /unknown method 'pagerank'/);
  refused(() => s.run('knn', { query: [1, 2, 3] }), 'usage', /--query has 3 values, the file's vectors have dimension 16/);
  refused(() => s.run('knn', {}), 'usage', /knn needs a query/);
  refused(() => s.run('knn', { queryIndex: 10 ** 6 }), 'usage', /--query-index 1000000: the file has \d+ vectors/);
  refused(() => s.run('cg', { source: -1 }), 'usage', /--source/);
  refused(() => s.run('cg', { data: 0 }), 'usage', /--data 0: segment 0 is a VEC segment, not a SPARSE matrix/);
  refused(() => new rvf.Session(open(files.poisson), { hostFeatures: '-avx' }), 'usage', /unknown feature 'avx'/);
  refused(() => new rvf.Session(open(files.karate), { segment: 0 }).run('cg'), 'refused', /forced segment 0 is not a WASM segment/);
  assert.throws(() => rvf.openFile(new Uint8Array(100)), (e) => e.class === 'manifest_not_found' && e.exit === 'bad_container');
});

test('a solver status is an outcome with the shared words, not a bare number', () => {
  const out = new rvf.Session(open(files.karate)).run('jacobi', {});
  assert.notEqual(out.report.status, 0);
  assert.equal(out.report.statusMessage, rvf.statusMessage(out.report.status));
  assert.equal(out.exit, rvf.exitForStatus(out.report.status));
});

test('hashes: XXH3-128 (stored little-endian), SHAKE-256 and the legacy rules, against the Rust loader\'s vectors', () => {
  const enc = (s) => new TextEncoder().encode(s);
  const vectors = [['', '7f498d4624c30160d8984701d306aa99', '46b9dd2b0ba88d13233b3feb743eeb24'],
    ['hello world', 'c7b615cc75879ba90049873fe9098ddf', '369771bb2cb9d2b04c1d54cca487e372'],
    ['123456789', '60581d68276471e9d5dce5ed77941133', '24347b9c4b6da2fc9cde08c87f33edd2']];
  for (const [s, xxh, shake] of vectors) {
    assert.equal(rvf.hex(rvf.xxh3_128le(enc(s))), xxh);
    assert.equal(rvf.hex(rvf.shake256(enc(s), 16)), shake);
  }
  const file = open(files.karateXxh3);
  assert.deepEqual(file.segments.map((s) => [s.checksumAlgo, s.hashStatus.class]), [[1, 'verified'], [1, 'verified'], [1, 'verified']]);
});

test('setShake256 (the browser path) gives the same verdicts as Node\'s crypto', async () => {
  rvf.setShake256(sha3.shake256);
  try {
    const file = open(files.karate);
    assert.ok(file.segments.every((s) => s.hashStatus.class === 'verified'));
    assert.ok(new rvf.Session(file).explain().chosen);
  } finally {
    // Back to Node's crypto for the other tests in this process.
    await installProviders({ hashWasm, nodeCrypto });
  }
});
