// The page under load, in headless Chromium: a 2-million-walk estimate
// leaves the page's own timers ticking (the work is in a worker) and
// "Running…" is painted; Cancel terminates the worker and the page
// recovers; a large file shows its progress while it is read and hashed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as rvf from '../src/node.mjs';
import { samples, rvfPack, root } from './common.mjs';
import { serve, launch, openPage, load, run, text, shots, startTicks, ticks } from './page-harness.mjs';

const files = samples();
let server, url, browser;
before(async () => { ({ server, url } = await serve()); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

test('a 2-million-walk estimate keeps the page responsive, "Running…" painted, and gives the Rust host\'s digest', async () => {
  const { page, errors } = await openPage(browser, url);
  await load(page, files.karate);
  await page.selectOption('#method', 'walk-estimate');
  await page.fill('#source', '0');
  await page.fill('#target', '33');
  await page.fill('#walks', '2000000');
  await page.fill('#seed', '7');
  await startTicks(page);
  const t0 = Date.now();
  await page.click('#run');
  const painted = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(document.getElementById('progress-label').textContent)))));
  assert.match(painted, /Running walk-estimate/);
  await page.waitForSelector('#summary', { timeout: 180000 });
  const ms = Date.now() - t0;
  const t = await ticks(page);
  assert.ok(ms > 300, `the run took ${ms} ms (too short to test responsiveness)`);
  assert.ok(t.gap < 500, `the page's timer stalled for ${t.gap.toFixed(0)} ms during a ${ms} ms run`);
  assert.ok(t.n >= (ms / 20) * 0.5, `${t.n} ticks in ${ms} ms`);
  // The library in Node (equal to the Rust host bit for bit: host.test.mjs, cli.test.mjs) gives the digest;
  // the Rust host's debug build would take half a minute over 2 million walks.
  const mine = new rvf.Session(rvf.openFile(fs.readFileSync(files.karate))).run('walk-estimate', { source: 0, target: 33, walks: 2000000, seed: 7 });
  assert.ok((await text(page, '#summary')).includes(mine.digest));
  assert.deepEqual(errors, []);
  await page.close();
});

test('Cancel terminates the worker during a long run, and the page recovers', async () => {
  const { page, workers } = await openPage(browser, url);
  await load(page, files.karate);
  await page.selectOption('#method', 'walk-estimate');
  await page.fill('#target', '33');
  await page.fill('#walks', '4000000000');
  await page.click('#run');
  await page.waitForFunction(() => /Running/.test(document.getElementById('progress-label').textContent));
  await page.waitForTimeout(300);
  const first = workers[0];
  const closed = new Promise((r) => first.once('close', r));
  await startTicks(page);
  await page.click('#cancel');
  await closed;
  assert.match(await text(page, '#refusal'), /Cancelled: the run was stopped/);
  await page.waitForFunction(() => !document.getElementById('run').disabled, null, { timeout: 60000 });
  assert.ok(workers.length >= 2, 'a fresh worker took over');
  await run(page, 'ppr-forward', { source: 0, epsilon: '1e-6' });
  assert.match(await text(page, '#summary'), /ppr-forward on segment \d+ .*: ok/);
  const t = await ticks(page);
  assert.ok(t.gap < 500, `timer stalled ${t.gap} ms`);
  await page.close();
});

test('a large file shows its progress while it is read and hashed', async () => {
  const big = path.join(files.dir, 'big.rvf');
  if (!fs.existsSync(big)) {
    const dim = 128, n = 160000, rec = 4 + 4 * dim, buf = Buffer.alloc(n * rec);
    for (let i = 0; i < n; i++) {
      buf.writeInt32LE(dim, i * rec);
      for (let j = 0; j < dim; j++) buf.writeFloatLE(((i * 31 + j * 17) % 1000) / 1000, i * rec + 4 + 4 * j);
    }
    const fvecs = path.join(files.dir, 'big.fvecs');
    fs.writeFileSync(fvecs, buf);
    const made = rvfPack(['create', big, '--vectors', fvecs, '--solver', path.join(root, 'microkernel/dist/solver-baseline.wasm')]);
    assert.equal(made.status, 0, made.stderr);
  }
  const { page } = await openPage(browser, url);
  const seen = [];
  await page.exposeFunction('report', (s) => seen.push(s));
  await page.evaluate(() => new MutationObserver(() => {
    const bar = document.getElementById('progress');
    if (!bar.hidden) window.report(`${document.getElementById('progress-label').textContent}|${bar.getAttribute('value') ?? ''}|${bar.max}`);
  }).observe(document.getElementById('busy'), { subtree: true, childList: true, attributes: true, characterData: true }));
  await startTicks(page);
  await load(page, big);
  const t = await ticks(page);
  assert.ok(seen.some((s) => /^Reading/.test(s)), seen.slice(0, 5).join('\n'));
  assert.ok(seen.some((s) => /^Hashing…\|\d+\|\d+/.test(s)), seen.slice(0, 5).join('\n'));
  assert.ok(t.gap < 500, `timer stalled ${t.gap} ms while loading`);
  assert.match(await text(page, '#segments'), /VEC/);
  await page.screenshot({ path: path.join(shots, 'page-large-file.png') });
  await page.close();
});
