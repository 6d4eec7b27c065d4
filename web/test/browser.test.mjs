// The page in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): serve web/ on localhost, upload a sample, run a
// method, and check the shown digest is the Rust host's. Saves a
// screenshot under test-output/. Fails (never skips) without Chromium.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { root, samples, rustRun } from './common.mjs';

const web = path.join(root, 'web');
const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.css': 'text/css' };
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
  const file = path.resolve(web, rel);
  if (!file.startsWith(web + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/index.html`;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
after(() => server.close());

test('the page shows segments and variants, runs a method, and matches the Rust host', async () => {
  assert.ok(fs.existsSync(executablePath), `Chromium not found at ${executablePath} (apt-get install chromium)`);
  const files = samples();
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.setInputFiles('#file', files.karate);
    await page.waitForSelector('#variants td');
    const segs = await page.locator('#segments').innerText();
    assert.match(segs, /SPARSE/);
    assert.equal((segs.match(/verified/g) || []).length, 3);
    const variants = await page.locator('#variants').innerText();
    assert.match(variants, /selected/);
    await page.selectOption('#method', 'ppr-forward');
    await page.fill('#source', '2');
    await page.fill('#epsilon', '1e-6');
    await page.click('#run');
    await page.waitForSelector('#summary');
    const summary = await page.locator('#summary').innerText();
    const rust = rustRun(files.karate, 'ppr-forward', ['--source', '2', '--epsilon', '1e-6']);
    assert.match(summary, /status ok/);
    assert.ok(summary.includes(rust.output_digest), `page: ${summary}\nrust digest: ${rust.output_digest}`);
    const top = await page.locator('#top').innerText();
    assert.match(top, /^index/);
    fs.mkdirSync(path.join(web, 'test-output'), { recursive: true });
    await page.screenshot({ path: path.join(web, 'test-output', 'page.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
