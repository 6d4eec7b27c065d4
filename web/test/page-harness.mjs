// The page in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core): a static server for web/ on localhost (which can hide
// a dependency, to test what the page says then) and a browser per test
// file. Fails, never skips, without Chromium.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { web } from './common.mjs';

export const shots = path.join(web, 'test-output');
const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.css': 'text/css' };
export const hidden = new Set();

export async function serve() {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const file = path.resolve(web, rel);
    if (hidden.has(rel) || !file.startsWith(web + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${server.address().port}/index.html` };
}

export async function launch() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  assert.ok(fs.existsSync(executablePath), `Chromium not found at ${executablePath} (apt-get install chromium)`);
  fs.mkdirSync(shots, { recursive: true });
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A fresh page with its errors and workers recorded. */
export async function openPage(browser, url, viewport = { width: 1100, height: 900 }) {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const errors = [], workers = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('worker', (w) => workers.push(w));
  await page.goto(url);
  return { page, errors, workers };
}

/** Load a file and wait until the page has shown it (or its error). */
export async function load(page, file) {
  await page.setInputFiles('#file', file);
  await page.waitForFunction(() => !document.getElementById('file-section').hidden || !document.getElementById('error').hidden, null, { timeout: 60000 });
}

/** Run the form and wait for the result or the refusal. */
export async function run(page, method, fields = {}) {
  await page.selectOption('#method', method);
  for (const [id, v] of Object.entries(fields)) {
    if (typeof v === 'boolean') await page.setChecked(`#${id}`, v);
    else if ((await page.locator(`#${id}`).evaluate((e) => e.tagName)) === 'SELECT') await page.selectOption(`#${id}`, v);
    else await page.fill(`#${id}`, String(v));
  }
  await page.click('#run');
  await page.waitForFunction(() => document.getElementById('progress').hidden && !document.getElementById('result-section').hidden, null, { timeout: 120000 });
}

export const text = (page, sel) => page.locator(sel).innerText();
export const isHidden = (page, sel) => page.locator(sel).evaluate((e) => e.hidden || e.closest('[hidden]') !== null);

/** Start counting setInterval ticks on the page (every 20 ms). */
export const startTicks = (page) => page.evaluate(() => { window.ticks = []; window.ticker = setInterval(() => window.ticks.push(performance.now()), 20); });
/** The longest gap between ticks and their count (and the span from first to last) since startTicks. */
export const ticks = (page) => page.evaluate(() => {
  clearInterval(window.ticker);
  const t = window.ticks;
  let gap = 0;
  for (let i = 1; i < t.length; i++) gap = Math.max(gap, t[i] - t[i - 1]);
  return { n: t.length, gap, span: t.length ? t[t.length - 1] - t[0] : 0 };
});
