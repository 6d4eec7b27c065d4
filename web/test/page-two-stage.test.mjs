// Two-stage runs in the page (issue 20, item 5), in headless Chromium: a
// file that carries its interpreter runs through it when asked ("run
// through the file's interpreter") with the Rust host's output digest and
// kernel fuel; a kernel that never stops is stopped by its fuel inside the
// page's worker, the fuel error is shown in rvf-pack's words, and the page
// stays responsive all along (its timer ticks, a click is handled).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { bootedSamples, rvfPack, root } from './common.mjs';
import { abiModule, SPIN } from './wasm-build.mjs';
import { serve, launch, openPage, load, run, text, isHidden, shots, startTicks, ticks } from './page-harness.mjs';

const files = bootedSamples();
let server, url, browser;
before(async () => { ({ server, url } = await serve()); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

test('a run through the file\'s interpreter gives the Rust host\'s digest and kernel fuel', async () => {
  const { page, errors } = await openPage(browser, url);
  await load(page, files.karate);
  assert.match(await text(page, '#host'), /Bootstrap chain: two-stage/);
  assert.match(await text(page, '#via'), /Kernels run directly in this engine/);
  assert.equal(await isHidden(page, '#via-interpreter'), false, 'the choice shows for a file that carries an interpreter');
  assert.equal(await isHidden(page, '#fuel'), true, 'the fuel shows only for runs through the interpreter');
  await run(page, 'ppr-forward', { 'via-interpreter': true, source: 2, epsilon: '1e-6' });
  const rust = JSON.parse(rvfPack(['run', files.karate, 'ppr-forward', '--source', '2', '--epsilon', '1e-6', '--host-features', '-simd', '--json']).stdout);
  const summary = await text(page, '#summary');
  assert.ok(summary.includes(rust.output_digest), summary);
  assert.ok(summary.includes(`kernel fuel ${rust.fuel_used},`), summary);
  assert.match(summary, /on segment 1 .* via the file's interpreter \(segment 3\)/);
  assert.match(await text(page, '#via'), /Kernels run through the file's interpreter \(segment 3\)/);
  assert.match(await text(page, '#variants'), /the interpreter that runs the kernel/);
  // Unchecked again: a direct run in this engine (the SIMD kernel), no fuel.
  await run(page, 'ppr-forward', { 'via-interpreter': false });
  const direct = await text(page, '#summary');
  assert.ok(direct.includes(rust.output_digest), direct);
  assert.doesNotMatch(direct, /kernel fuel|via the file's interpreter/);
  await page.screenshot({ path: path.join(shots, 'page-two-stage.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a kernel that never stops is stopped by its fuel inside the page, which stays responsive', async () => {
  const wasmPath = path.join(files.dir, 'spin.wasm'), spin = path.join(files.dir, 'spin-booted.rvf');
  fs.writeFileSync(wasmPath, abiModule({ runBody: SPIN }));
  const made = rvfPack(['create', spin, '--matrix', path.join(root, 'samples/karate.mtx'), '--solver', wasmPath, '--bootstrap', '--force']);
  assert.equal(made.status, 0, made.stderr);
  const fuel = 100000000;
  const rust = rvfPack(['run', spin, 'ppr-forward', '--via', 'interpreter', '--fuel', String(fuel)]);
  assert.equal(rust.status, 8, rust.stderr);
  const words = rust.stderr.split('\n').find((l) => l.startsWith('rvf-pack: error: ')).slice('rvf-pack: error: '.length);
  assert.equal(words, `out of fuel (budget ${fuel})`);

  const { page, errors } = await openPage(browser, url);
  await load(page, spin);
  await page.selectOption('#method', 'ppr-forward');
  await page.setChecked('#via-interpreter', true);
  await page.fill('#fuel', String(fuel));
  await startTicks(page);
  const t0 = Date.now();
  await page.click('#run');
  const painted = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(document.getElementById('progress-label').textContent)))));
  assert.match(painted, /Running ppr-forward through the file's interpreter/);
  // While the kernel spins, the page handles a click (the trust section opens) and paints it.
  await page.waitForTimeout(200);
  await page.click('#trust-section summary');
  const during = await page.evaluate(() => ({ open: document.getElementById('trust-section').open, running: !document.getElementById('progress').hidden }));
  assert.deepEqual(during, { open: true, running: true }, 'a click handled while the run goes on');
  await page.waitForFunction(() => document.getElementById('progress').hidden && !document.getElementById('result-section').hidden, null, { timeout: 180000 });
  const ms = Date.now() - t0;
  const t = await ticks(page);
  const shown = await text(page, '#refusal');
  assert.ok(shown.includes(words), `page: ${shown}\nrvf-pack: ${words}`);
  assert.match(shown, /^Refused \(out of fuel\): out of fuel \(budget /);
  assert.match(await text(page, '#via'), /Kernels run through the file's interpreter \(segment 2\)/);
  assert.ok(ms > 300, `the run took ${ms} ms (too short to test responsiveness)`);
  assert.ok(t.gap < 500, `the page's timer stalled for ${t.gap.toFixed(0)} ms during a ${ms} ms run`);
  assert.ok(t.n >= (ms / 20) * 0.5, `${t.n} ticks in ${ms} ms`);
  // The page is usable afterwards: the same worker runs again (a direct run would spin forever: not tried).
  assert.equal(await page.locator('#run').isDisabled(), false);
  await page.screenshot({ path: path.join(shots, 'page-two-stage-fuel.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
