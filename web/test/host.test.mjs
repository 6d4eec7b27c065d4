// The JS host (V8) runs every method of the same .rvf files and produces
// the same output bits as the Rust host (wasmi), for both solver variants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import sha3 from 'js-sha3';
import * as rvf from '../src/rvf.mjs';
import { samples, rustRun } from './common.mjs';

rvf.setShake256(sha3.shake256);
const files = samples();

const cases = [
  ['poisson', 'cg', ['--tol', '1e-10'], { tol: 1e-10 }],
  ['poisson', 'cg', ['--precondition'], { flags: 1 }],
  ['poisson', 'jacobi', [], {}],
  ['karate', 'ppr-forward', ['--source', '2', '--epsilon', '1e-6'], { source: 2, epsilon: 1e-6 }],
  ['karate', 'ppr-backward', ['--target', '33', '--epsilon', '1e-6'], { target: 33, epsilon: 1e-6 }],
  ['karate', 'walk-estimate', ['--source', '0', '--target', '33', '--walks', '3000', '--seed', '11'], { source: 0, target: 33, numWalks: 3000, seed: 11n }],
  ['poisson', 'knn', ['--query-index', '5', '--k', '7', '--metric', 'cosine'], { k: 7, metric: 2 }, 5],
];

for (const [which, method, args, params, queryIndex] of cases) {
  test(`${method} ${args.join(' ')} matches the Rust host bit for bit (both variants)`, async () => {
    const path = files[which];
    const file = rvf.parseFile(fs.readFileSync(path));
    const input = queryIndex === undefined ? new Uint8Array(0) : rvf.vectorBytes(rvf.dataArrays(file), queryIndex);
    for (const [mask, hostBits] of [['-simd', rvf.hostFeatures() & ~rvf.FEAT.SIMD], [null, rvf.hostFeatures()]]) {
      const rust = rustRun(path, method, args, mask);
      const sel = rvf.select(file, hostBits);
      assert.ok(sel.chosen, 'a variant is selected');
      assert.equal(rvf.featureNames(sel.chosen.header.requiredFeatures), rust.segment.required_features);
      const out = await rvf.run(file, sel, method, params, input);
      assert.equal(out.report.status, rust.report.status);
      // The Rust host's receipt records the exact output digest.
      assert.equal(out.digest, rust.receipt.result.output_digest, `${method} (${mask ?? 'all features'})`);
      assert.equal(rust.receipt.selection.chosen.index, out.segment);
      assert.equal(Number(out.report.iterations), rust.report.iterations);
    }
  });
}

test('selection explains why a variant lost, like the Rust loader', () => {
  const file = rvf.parseFile(fs.readFileSync(files.karate));
  const sel = rvf.select(file, rvf.hostFeatures() & ~rvf.FEAT.SIMD);
  // The SIMD build also needs bulk memory; only the missing bit is named.
  const simd = sel.candidates.find((c) => c.header.requiredFeatures === (rvf.FEAT.SIMD | rvf.FEAT.BULK_MEMORY));
  assert.match(simd.verdict, /needs simd, host lacks it/);
  assert.deepEqual(file.segments.map((s) => s.typeName), ['SPARSE', 'WASM', 'WASM']);
  assert.ok(file.segments.every((s) => s.hashStatus === 'verified'));
});

test('a flipped bytecode byte is refused before instantiation', () => {
  const bytes = new Uint8Array(fs.readFileSync(files.karate));
  const file = rvf.parseFile(bytes);
  const seg = file.segments.find((s) => s.type === 0x10);
  bytes[seg.offset + 64 + 64 + 100] ^= 1;
  const sel = rvf.select(rvf.parseFile(bytes), rvf.hostFeatures() & ~rvf.FEAT.SIMD);
  assert.equal(sel.chosen, null);
  assert.match(sel.candidates[0].verdict, /MISMATCH|not the SHAKE-256/);
});
