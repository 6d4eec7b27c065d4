// The page, point by point, in headless Chromium: the worker does the
// work; XXH3 hashes are verified; only the chosen method's fields show;
// refusals in the CLI's words; a new file clears the old and a bad one
// shows only its error; META entries and a labelled plot; labels beside
// indices, on the plot's axis and in the CSV; downloads equal
// rvf-pack's --out bytes; a 390-pixel phone width does not scroll sideways;
// a trust list makes only signed code run, with every signer shown; a
// missing dependency is named. Screenshots go to web/test-output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { samples, rvfPack, root, web } from './common.mjs';
import { serve, launch, openPage, load, run, text, isHidden, hidden, shots } from './page-harness.mjs';

const files = samples();
let server, url, browser;
before(async () => { ({ server, url } = await serve()); browser = await launch(); });
after(async () => { await browser?.close(); server?.close(); });

/** rvf-js with `args`; stderr without the note that no trust policy is in force (the page shows it apart). */
const cli = (args) => {
  const r = spawnSync(process.execPath, [path.join(web, 'bin/rvf-js.mjs'), ...args], { encoding: 'utf8' });
  return { ...r, stderr: r.stderr.split('\n').filter((l) => !l.startsWith('note: no trust policy')).join('\n') };
};

test('the worker reads, hashes and runs; XXH3 hashes are verified; the digest is the Rust host\'s', async () => {
  const { page, errors, workers } = await openPage(browser, url);
  await load(page, files.karateXxh3);
  assert.ok(workers.some((w) => w.url().endsWith('/src/worker.mjs')), 'a dedicated worker does the work');
  const segs = await text(page, '#segments');
  assert.equal((segs.match(/verified \(XXH3-128\)/g) || []).length, 3, segs);
  assert.equal(await page.locator('#segments td.bad').count(), 0);
  assert.match(await text(page, '#variants'), /selected/);
  await run(page, 'ppr-forward', { source: 2, epsilon: '1e-6' });
  const rust = JSON.parse(rvfPack(['run', files.karateXxh3, 'ppr-forward', '--source', '2', '--epsilon', '1e-6', '--json']).stdout);
  const summary = await text(page, '#summary');
  assert.ok(summary.includes(rust.output_digest), summary);
  assert.match(await text(page, '#top'), /^index\tscore/);
  await page.screenshot({ path: path.join(shots, 'page-xxh3-run.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('only the chosen method\'s fields show, with choices for metric, preconditioning and seed', async () => {
  const { page } = await openPage(browser, url);
  await load(page, files.poisson);
  const visible = async () => {
    const out = [];
    for (const el of await page.locator('#form [data-opt]').all()) if (await el.isVisible()) out.push(await el.getAttribute('data-opt'));
    return out.sort();
  };
  const expect = { cg: ['maxIter', 'precondition', 'tol'], jacobi: ['maxIter', 'minMargin', 'tol'], 'ppr-forward': ['alpha', 'budget', 'epsilon', 'source'],
    'ppr-backward': ['alpha', 'budget', 'epsilon', 'target'], 'walk-estimate': ['alpha', 'budget', 'seed', 'source', 'target', 'walks'], knn: ['k', 'metric', 'query', 'queryIndex'] };
  for (const [m, want] of Object.entries(expect)) {
    await page.selectOption('#method', m);
    assert.deepEqual(await visible(), want, m);
  }
  const metrics = await page.locator('#metric option').allInnerTexts();
  assert.deepEqual(metrics.length, 4);
  assert.match(metrics.join('|'), /cosine \(1 - cosine\)/);
  await run(page, 'knn', { 'query-index': 5, k: 7, metric: 'cosine' });
  const rust = JSON.parse(rvfPack(['run', files.poisson, 'knn', '--query-index', '5', '--k', '7', '--metric', 'cosine', '--json']).stdout);
  assert.ok((await text(page, '#summary')).includes(rust.output_digest));
  await run(page, 'cg', { precondition: true });
  const rustCg = JSON.parse(rvfPack(['run', files.poisson, 'cg', '--precondition', '--json']).stdout);
  assert.ok((await text(page, '#summary')).includes(rustCg.output_digest));
  await page.close();
});

test('refusals are shown in the CLI\'s words, never as a bare status number', async () => {
  const { page } = await openPage(browser, url);
  await load(page, files.karate);
  await run(page, 'jacobi');
  const words = cli(['run', files.karate, 'jacobi']).stderr.replace(/^rvf-js: /, '').trim();
  let shown = await text(page, '#refusal');
  assert.ok(shown.includes(words), `page: ${shown}\ncli: ${words}`);
  assert.doesNotMatch(shown + await text(page, '#result'), /status -?\d/);
  await run(page, 'knn', { 'query-index': 0 });
  const usage = cli(['run', files.karate, 'knn', '--query-index', '0']).stderr.replace(/^rvf-js: error: /, '').trim();
  shown = await text(page, '#refusal');
  assert.ok(shown.includes(usage), `page: ${shown}\ncli: ${usage}`);
  assert.match(shown, /usage error/);
  await run(page, 'ppr-forward', { source: 99 });
  const params = cli(['run', files.karate, 'ppr-forward', '--source', '99']).stderr.replace(/^rvf-js: /, '').trim();
  assert.ok((await text(page, '#refusal')).includes(params), params);
  assert.ok(await isHidden(page, '#plot') && await isHidden(page, '#downloads'), 'a refused run shows no plot or download');
  await page.screenshot({ path: path.join(shots, 'page-refusal.png'), fullPage: true });
  await page.close();
});

test('a new file clears the old one; a bad file shows only its error', async () => {
  const { page } = await openPage(browser, url);
  await load(page, files.karate);
  await run(page, 'ppr-forward', { epsilon: '1e-5' });
  assert.ok(await page.locator('#summary').isVisible());
  await load(page, files.poisson);
  assert.equal(await page.locator('#summary').count(), 0, 'the old result is gone');
  assert.ok(await isHidden(page, '#result-section'));
  assert.match(await text(page, '#segments'), /VEC/);
  await run(page, 'cg');
  const bad = path.join(root, 'tests/corpus/overlapping_segments.rvf');
  await load(page, bad);
  assert.equal(await page.locator('#error').isVisible(), true);
  assert.match(await text(page, '#error'), /Not a readable RVF file \(overlapping_segments\): directory entries 0 and 2 overlap/);
  for (const sel of ['#file-section', '#run-section', '#result-section']) assert.ok(await isHidden(page, sel), `${sel} is hidden`);
  assert.equal(await page.locator('#segments tr').count(), 0);
  assert.equal(await page.locator('#run').isDisabled(), true);
  await page.screenshot({ path: path.join(shots, 'page-bad-file.png'), fullPage: true });
  await load(page, files.karate);
  assert.ok(await isHidden(page, '#error'), 'a good file clears the error');
  await page.close();
});

test('META key/values are shown and the plot labels its axes', async () => {
  const { page } = await openPage(browser, url);
  await load(page, files.meta);
  const meta = await text(page, '#meta');
  assert.match(meta, /title\s+Karate club/);
  assert.match(meta, /source\s+Zachary 1977/);
  await run(page, 'ppr-backward', { target: 33, epsilon: '1e-6' });
  const label = await page.locator('#plot').getAttribute('aria-label');
  assert.match(label, /score \(y axis\) against index \(x axis\)/);
  const inked = await page.locator('#plot').evaluate((c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((x) => x > 0));
  assert.ok(inked);
  await page.close();
});

test('downloads are the bytes rvf-pack writes with --out (NPY and CSV)', async () => {
  const { page } = await openPage(browser, url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-page-dl-'));
  for (const [f, method, fields, args] of [[files.poisson, 'cg', { tol: '1e-10' }, ['--tol', '1e-10']], [files.karate, 'ppr-forward', { source: 3, epsilon: '1e-7' }, ['--source', '3', '--epsilon', '1e-7']]]) {
    await load(page, f);
    await run(page, method, fields);
    for (const ext of ['npy', 'csv']) {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#download-${ext}`)]);
      const mine = fs.readFileSync(await dl.path());
      const theirs = path.join(dir, `${method}.${ext}`);
      assert.equal(rvfPack(['run', f, method, ...args, '--out', theirs]).status, 0);
      assert.ok(mine.equals(fs.readFileSync(theirs)), `${method} .${ext}: ${dl.suggestedFilename()}`);
      assert.ok(dl.suggestedFilename().endsWith(`-${method}.${ext}`));
    }
  }
  await page.close();
});

test('at a 390-pixel phone width nothing scrolls sideways', async () => {
  const { page } = await openPage(browser, url, { width: 390, height: 844 });
  await load(page, files.meta);
  await run(page, 'walk-estimate', { source: 0, target: 33, walks: 2000, seed: 5 });
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client, `page is ${scroll}px wide in a ${client}px viewport`);
  await page.screenshot({ path: path.join(shots, 'page-390px.png'), fullPage: true });
  await page.close();
});

test('a trust list: only code a trusted key signed runs, every signer is shown, a bad list is named', async () => {
  const keys = JSON.parse(fs.readFileSync(path.join(root, 'tests/conformance/cases.json'), 'utf8')).keys;
  const signed = path.join(root, 'tests/conformance/signed-appended.rvf');
  const { page, errors } = await openPage(browser, url);
  await load(page, signed);
  assert.match(await text(page, '#host'), /unauthenticated/);
  assert.match(await text(page, '#variants'), /signed \(no trusted keys given to check it\)/);
  await page.click('#trust-section summary');
  await page.fill('#trust', `# the team\nalice ${keys.alice}\n`);
  await page.click('#trust-apply');
  await page.waitForFunction(() => /Trusted keys/.test(document.getElementById('host').textContent), null, { timeout: 60000 });
  const variants = await text(page, '#variants');
  assert.match(variants, /signed by alice \(key [0-9a-f]{16}\), trusted/);
  assert.match(variants, /rejected: not eligible under the trust policy: unsigned/);
  await run(page, 'ppr-forward', { source: 2, epsilon: '1e-6' });
  const rust = JSON.parse(rvfPack(['run', signed, 'ppr-forward', '--source', '2', '--epsilon', '1e-6', '--json', '--trust-file', trustFile(keys)]).stdout);
  assert.equal(rust.signer.key_name, 'alice');
  assert.ok((await text(page, '#summary')).includes(rust.output_digest));
  await page.screenshot({ path: path.join(shots, 'page-trust.png'), fullPage: true });
  await page.fill('#trust', `mallory ${keys.mallory.slice(2)}\n`);
  await page.click('#trust-apply');
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await text(page, '#error'), /trust list is not usable \(trust_file_line\): line 1: [0-9a-f]{62}: a key must be given as 64 hex digits here/);
  assert.deepEqual(errors, []);
  await page.close();
});

/** A trust file naming alice (for rvf-pack). */
function trustFile(keys) {
  const p = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-page-trust-')), 'team.trust');
  fs.writeFileSync(p, `alice ${keys.alice}\n`);
  return p;
}

test('a missing JS dependency is named (run npm ci), and no file is blamed', async () => {
  hidden.add('node_modules/js-sha3/src/sha3.js');
  try {
    const { page } = await openPage(browser, url);
    await page.waitForSelector('#dependency:not([hidden])');
    const msg = await text(page, '#dependency');
    assert.match(msg, /dependency js-sha3 is missing/);
    assert.match(msg, /npm ci/);
    assert.ok(await page.locator('#file').isDisabled());
    assert.ok(await isHidden(page, '#error'));
    await page.screenshot({ path: path.join(shots, 'page-missing-dependency.png'), fullPage: true });
    await page.close();
  } finally {
    hidden.clear();
  }
});

test('labels: the result table shows them beside indices, the plot\'s x axis uses them, the CSV download has rvf-pack\'s label column', async () => {
  const { page, errors } = await openPage(browser, url);
  await load(page, files.lesmis);
  assert.match(await text(page, '#meta'), /labels\s+77 of nodes of matrix [0-9a-f]{32}/);
  assert.match(await text(page, '#segments'), /77 labels of nodes of matrix/);
  await run(page, 'ppr-forward', { source: 10, epsilon: '1e-6' });
  const top = await text(page, '#top');
  assert.match(top, /^index\tlabel\tscore\n10\tValjean\t/);
  const label = await page.locator('#plot').getAttribute('aria-label');
  assert.match(label, /score \(y axis\) against label, by index \(x axis\)/);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
  const theirs = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-page-lab-')), 'rust.csv');
  assert.equal(rvfPack(['run', files.lesmis, 'ppr-forward', '--source', '10', '--epsilon', '1e-6', '--out', theirs]).status, 0);
  assert.ok(fs.readFileSync(await dl.path()).equals(fs.readFileSync(theirs)));
  assert.match(fs.readFileSync(theirs, 'utf8'), /^index,label,value\n/);
  await page.screenshot({ path: path.join(shots, 'page-labels.png'), fullPage: true });
  // A file without labels keeps the index-only table and axis.
  await load(page, files.karate);
  await run(page, 'ppr-forward', { source: 2 });
  assert.match(await text(page, '#top'), /^index\tscore\n/);
  assert.match(await page.locator('#plot').getAttribute('aria-label'), /against index \(x axis\)/);
  assert.deepEqual(errors, []);
  await page.close();
});
