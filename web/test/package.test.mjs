// The package as a user imports it: by its name (Node resolves the
// package's own "exports"), with every runtime export declared in
// index.d.ts; the core without dependencies; the browser entry (js-sha3)
// agreeing with the Node entry (node:crypto).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { web, samples } from './common.mjs';

const declared = () => {
  const dts = fs.readFileSync(path.join(web, 'index.d.ts'), 'utf8');
  return new Set([...dts.matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)].map((m) => m[1]));
};

test('import "rvf-boot-web" gives the Node entry; every export is declared in index.d.ts and back', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(web, 'package.json'), 'utf8'));
  assert.equal(pkg.types, './index.d.ts');
  assert.equal(pkg.bin['rvf-js'], './bin/rvf-js.mjs');
  const rvf = await import('rvf-boot-web');
  const names = Object.keys(rvf).sort();
  const d = declared();
  assert.deepEqual(names.filter((n) => !d.has(n)), [], 'exported but not declared');
  assert.deepEqual([...d].filter((n) => !names.includes(n)), [], 'declared but not exported');
  const file = rvf.openFile(fs.readFileSync(samples().karate));
  assert.equal(new rvf.Session(file).run('ppr-forward', { epsilon: 1e-6 }).report.status, 0);
});

test('"rvf-boot-web/core" loads with no dependency and says what is missing', () => {
  const script = `import('rvf-boot-web/core').then((c) => { try { c.openFile(require('fs').readFileSync(process.argv[1])); } catch (e) { console.log(e.class, e.exit, e.message); } })`;
  const r = spawnSync(process.execPath, ['-e', script, samples().karate], { cwd: web, encoding: 'utf8' });
  assert.match(r.stdout, /^missing_dependency io no shake256 implementation installed/);
});

test('the browser entry (js-sha3, hash-wasm) reaches the same digests as the Node entry', async () => {
  const viaNode = await import('../src/node.mjs');
  const file = fs.readFileSync(samples().karateXxh3);
  const a = new viaNode.Session(viaNode.openFile(file)).run('walk-estimate', { target: 33, walks: 500, seed: 1 }).digest;
  const viaBrowser = await import('../src/browser.mjs');
  const f = viaBrowser.openFile(file);
  assert.ok(f.segments.every((s) => s.hashStatus.class === 'verified'));
  assert.equal(new viaBrowser.Session(f).run('walk-estimate', { target: 33, walks: 500, seed: 1 }).digest, a);
});
