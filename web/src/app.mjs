// The page: read a dropped .rvf file, show its segments and solver variants
// (with the selection explained), run a method, show and plot the results.
import * as rvf from './rvf.mjs';

rvf.setShake256(globalThis.shake256);
const $ = (id) => document.getElementById(id);
let file = null, selection = null;

function table(el, head, rows) {
  el.innerHTML = '';
  const tr = el.insertRow();
  for (const h of head) tr.appendChild(Object.assign(document.createElement('th'), { textContent: h }));
  for (const r of rows) {
    const row = el.insertRow();
    for (const [text, cls] of r) Object.assign(row.insertCell(), { textContent: text, className: cls || '' });
  }
}

async function load(f) {
  $('error').textContent = '';
  try {
    file = rvf.parseFile(new Uint8Array(await f.arrayBuffer()));
  } catch (e) {
    $('error').textContent = `Not a readable RVF file: ${e.message}`;
    return;
  }
  $('info').textContent = `${f.name}: ${file.bytes.length} bytes, manifest at ${file.manifest.offset} (epoch ${file.manifest.epoch}), ${file.segments.length} segments.`;
  table($('segments'), ['#', 'type', 'offset', 'payload bytes', 'hash algo', 'hash'], file.segments.map((s) => [
    [s.index], [s.typeName], [s.offset], [s.payloadLength], [s.algo], [s.hashStatus, s.hashStatus === 'verified' ? 'ok' : 'bad'],
  ]));
  selection = rvf.select(file);
  $('host').textContent = `This engine runs: ${rvf.featureNames(selection.host)}.`;
  table($('variants'), ['segment', 'role', 'target', 'features', 'priority', 'verdict'], selection.candidates.map((c) => [
    [c.index], [c.header?.roleName ?? '?'], [c.header?.targetName ?? '?'], [c.header ? rvf.featureNames(c.header.requiredFeatures) : '?'],
    [c.header?.priority ?? '?'], [c.verdict, c.verdict === 'selected' ? 'ok' : c.reason ? 'bad' : ''],
  ]));
  $('run').disabled = !selection.chosen;
}

$('file').addEventListener('change', (e) => e.target.files[0] && load(e.target.files[0]));
$('drop').addEventListener('dragover', (e) => e.preventDefault());
$('drop').addEventListener('drop', (e) => { e.preventDefault(); if (e.dataTransfer.files[0]) load(e.dataTransfer.files[0]); });

$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const method = $('method').value;
  const num = (id) => Number($(id).value);
  const params = { source: num('source'), target: num('target'), epsilon: num('epsilon'), alpha: num('alpha'), numWalks: num('walks'), tol: num('tol'), k: num('k') };
  let input = new Uint8Array(0);
  if (method === 'knn') input = rvf.vectorBytes(rvf.dataArrays(file), params.source);
  $('result').textContent = 'running…';
  try {
    const t = performance.now();
    const out = await rvf.run(file, selection, method, params, input);
    const ms = (performance.now() - t).toFixed(1);
    let rows = rvf.results(out);
    if (method.startsWith('ppr')) rows.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const r = out.report;
    $('result').innerHTML = '';
    const p = document.createElement('p');
    p.id = 'summary';
    p.textContent = `${method} on segment ${out.segment} (features ${rvf.featureNames(out.features)}): status ${r.status === 0 ? 'ok' : r.status}, ` +
      `iterations ${r.iterations}, residual ${r.residual.toExponential(3)}, estimate ${r.estimate.toExponential(6)}, work ${r.work}, ${ms} ms. Output digest ${out.digest}`;
    $('result').appendChild(p);
    const t2 = document.createElement('table');
    t2.id = 'top';
    $('result').appendChild(t2);
    table(t2, ['index', method === 'knn' ? 'distance' : 'value'], rows.slice(0, 10).map(([i, v]) => [[i], [v.toPrecision(12)]]));
    plot(rows.slice(0, 40));
  } catch (err) {
    $('result').textContent = `Refused: ${err.message}`;
  }
});

function plot(rows) {
  const c = $('plot'), g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  if (!rows.length) return;
  const max = Math.max(...rows.map((r) => Math.abs(r[1]))) || 1;
  const w = c.width / rows.length;
  g.fillStyle = '#4a7bd0';
  rows.forEach(([, v], i) => {
    const h = (Math.abs(v) / max) * (c.height - 20);
    g.fillRect(i * w + 1, c.height - h, w - 2, h);
  });
  g.fillStyle = '#222';
  g.fillText(`top ${rows.length} values (max ${max.toPrecision(4)})`, 6, 12);
}
