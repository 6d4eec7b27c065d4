// The page: a thin front end. A worker (worker.mjs) reads, hashes, selects
// and runs through the library (directly in this engine, or through the
// file's own interpreter: automatically when no kernel runs here, or when
// asked); this file shows what it reports, keeps the page responsive
// (progress, Cancel) and never keeps anything stale.
import { facts, DEFAULTS, METHOD_OPTIONS, EXIT, checksumName, detailLine } from './rvf.mjs';
import { table, definitions, plot, save } from './view.mjs';

const $ = (id) => document.getElementById(id);
const FIELDS = { data: 'data', source: 'source', target: 'target', alpha: 'alpha', epsilon: 'epsilon', walks: 'walks', seed: 'seed', budget: 'budget', tol: 'tol', maxIter: 'max-iter', precondition: 'precondition', minMargin: 'min-margin', k: 'k', metric: 'metric', queryIndex: 'query-index', query: 'query' };
let worker = null, current = null, opened = null, lastRun = null, dependencyMissing = false;

function init() {
  $('method').replaceChildren(...facts.abi.methods.map((m) => new Option(m.name, m.name)));
  $('metric').replaceChildren(new Option("the file's metric", ''), ...facts.abi.metrics.map((m) => new Option(`${m.name} (${m.value_label})`, m.name)));
  for (const [opt, id] of Object.entries(FIELDS)) {
    const d = DEFAULTS[opt];
    if (d === undefined) continue;
    if (typeof d === 'boolean') $(id).checked = d; else $(id).value = String(d);
  }
  $('query-index').value = '0';
  showFields();
}

function showFields() {
  const used = METHOD_OPTIONS[$('method').value];
  for (const label of document.querySelectorAll('#form [data-opt]')) {
    const opt = label.dataset.opt;
    label.hidden = !used.includes(opt) || (opt === 'data' && $('data').options.length < 2);
  }
  // Two-stage runs: the choice shows for a file that carries an interpreter;
  // the fuel whenever a run may go through it.
  const carries = opened?.hasInterpreter ?? false;
  $('via-interpreter').closest('label').hidden = !carries;
  $('fuel').closest('label').hidden = !(carries && (throughInterpreter() || opened?.selection.via === 'interpreter'));
}

function startWorker() {
  worker = new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => handlers[data.type]?.(data);
  worker.onerror = (e) => { e.preventDefault(); busy(null); showError(`The page's worker failed: ${e.message}`); };
}

/** Busy state: a phase label and progress (null: idle). */
function busy(label, done = 0, total = 0) {
  const bar = $('progress');
  bar.hidden = label === null;
  $('cancel').hidden = label === null;
  $('progress-label').textContent = label ?? '';
  if (total > 0) { bar.max = total; bar.value = done; } else bar.removeAttribute('value');
  // A file whose kernels cannot run here may still run through its interpreter.
  const runnable = opened !== null && (opened.selection.selected_segment !== null || opened.hasInterpreter);
  $('run').disabled = label !== null || !runnable;
}

function clearResult() {
  lastRun = null;
  $('result-section').hidden = true;
  $('result').replaceChildren();
  $('refusal').hidden = true;
  $('plot').hidden = true;
  $('downloads').hidden = true;
}

function clearAll() {
  opened = null;
  $('error').hidden = true;
  $('file-section').hidden = true;
  $('run-section').hidden = true;
  for (const id of ['info', 'host', 'via']) $(id).textContent = '';
  for (const id of ['segments', 'variants', 'meta']) $(id).replaceChildren();
  $('meta-section').hidden = true;
  $('data').replaceChildren();
  clearResult();
  $('run').disabled = true;
}

function showError(text) {
  clearAll();
  $('error').textContent = text;
  $('error').hidden = false;
}

function load(f, { keepResult = false } = {}) {
  if (dependencyMissing) return;
  if (!keepResult) clearAll();
  opened = null;
  current = f;
  if (!worker) startWorker();
  busy(`Reading ${f.name}…`, 0, f.size);
  worker.postMessage({ type: 'open', file: f, trust: $('trust').value, unsignedData: $('trust-code-only').checked });
}

const PHASES = { reading: 'Reading', hashing: 'Hashing', 'verifying solvers': 'Verifying the solver modules', running: 'Running' };
/** The user asked for the file's interpreter (the choice shows only for a file that carries one). */
const throughInterpreter = () => $('via-interpreter').checked && !$('via-interpreter').closest('label').hidden;
const runningWhat = () => `${$('method').value}${throughInterpreter() ? ' through the file\'s interpreter' : ''}`;
const handlers = {
  progress: (m) => busy(`${PHASES[m.phase] ?? m.phase}${m.phase === 'running' ? ` ${runningWhat()}` : ''}…`, m.done, m.total),
  'missing-dependency': (m) => {
    dependencyMissing = true;
    busy(null);
    clearAll();
    $('dependency').textContent = `The page cannot work: its JavaScript dependency ${m.name} is missing (${m.url} did not load). `
      + 'Run `npm ci` in web/ and reload. (This says nothing about your file.)';
    $('dependency').hidden = false;
    $('file').disabled = true;
  },
  opened: (m) => { busy(null); showFile(m); },
  result: (m) => { busy(null); showResult(m); },
  download: (m) => {
    const base = (current?.name ?? 'result').replace(/\.rvf$/, '');
    save(m.bytes, `${base}-${lastRun}.${m.format}`, m.format === 'npy' ? 'application/octet-stream' : 'text/csv');
  },
  error: (m) => {
    busy(null);
    if (m.phase === 'trust') showError(`The trust list is not usable (${m.class}): ${m.error}`);
    else if (m.phase === 'open') showError(`Not a readable RVF file (${m.class}): ${m.error}`);
    else {
      if (m.selection) showVariants(m.selection);
      showRefusal(`Refused (${EXIT[m.exit]?.meaning ?? m.exit}): ${m.error}`);
    }
  },
};

function showFile(m) {
  opened = m;
  const j = m.inspect, man = j.manifest;
  $('info').textContent = `${m.name}: ${j.file_length} bytes, ${j.dialect} dialect, manifest at offset ${man.offset} (epoch ${man.epoch}, hash ${man.hash_status}), ${j.segments.length} segments.`;
  const metas = j.segments.filter((s) => s.detail?.entries);
  const labelLines = (d) => (d.labels ?? []).map((l) => ['labels', `${l.count} of ${l.of}${l.first === 0 ? '' : ` from ${l.first}`}`]);
  const shown = metas.flatMap((s) => [...Object.entries(s.detail.entries), ...labelLines(s.detail)]);
  definitions($('meta'), shown);
  $('meta-section').hidden = shown.length === 0;
  const cls = (status) => (status === 'verified' ? 'ok' : status === 'not set' ? 'warn' : 'bad');
  table($('segments'), ['#', 'type', 'offset', 'payload bytes', 'hash', 'detail'], j.segments.map((s) => [
    [s.index], [s.type], [s.offset], [s.payload_length], [`${s.hash_status} (${checksumName(s.checksum_algo)})${s.signed ? ', signed' : ''}`, cls(s.hash_status)], [detailLine(s)],
  ]));
  const trust = m.authenticated ? `Trusted keys: ${m.trustedKeys.join(', ')}; only code they signed runs.`
    : 'No trust policy: the solver\'s code is unauthenticated (give trusted keys above).';
  $('host').textContent = `This engine runs: ${m.hostFeatures}. ${trust} Bootstrap chain: ${m.chain.words}.`;
  $('fuel').value = m.defaultFuel;
  showVariants(m.selection);
  const matrices = j.segments.filter((s) => s.type === 'SPARSE');
  $('data').replaceChildren(...matrices.map((s) => new Option(`segment ${s.index}: ${s.detail?.rows ?? '?'}×${s.detail?.cols ?? '?'}`, String(s.index))));
  $('file-section').hidden = false;
  $('run-section').hidden = false;
  showFields();
  if (m.selection.selected_segment === null) showRefusal(`No solver segment of this file runs here: every candidate's reason is in the table above.\n${m.why}`);
  busy(null);
}

/** The variants table: every candidate's verdict, and what runs the kernel (this engine, or the file's interpreter). */
function showVariants(sel) {
  const signerCls = (s) => (s.trusted ? 'ok' : s.class === 'bad_footer' || s.class === 'untrusted' ? 'bad' : '');
  table($('variants'), ['segment', 'role', 'target', 'features', 'priority', 'signer', 'verdict'], sel.candidates.map((c) => [
    [c.segment], [c.role ?? '?'], [c.target ?? '?'], [c.required_features ?? '?'], [c.priority ?? '?'], [c.signer.words, signerCls(c.signer)],
    sel.interpreter?.segment === c.segment ? ['the interpreter that runs the kernel', 'ok']
      : [c.verdict, c.verdict_class === 'selected' ? 'ok' : c.verdict_class.startsWith('rejected') ? 'bad' : ''],
  ]));
  const via = sel.via === 'interpreter'
    ? (sel.interpreter.segment === null ? 'Through the file\'s interpreter: none is usable.' : `Kernels run through the file's interpreter (segment ${sel.interpreter.segment}), which runs: ${sel.interpreter.features}.`)
    : 'Kernels run directly in this engine.';
  $('via').textContent = via;
}

function showRefusal(text) {
  $('result-section').hidden = false;
  $('refusal').textContent = text;
  $('refusal').hidden = false;
}

function showResult(m) {
  clearResult();
  lastRun = m.json.method;
  $('result-section').hidden = false;
  const p = Object.assign(document.createElement('p'), { id: 'summary' });
  const r = m.json.report;
  const fuel = m.fuelUsed === null ? '' : `, kernel fuel ${m.fuelUsed}`;
  p.textContent = m.refused ? `${m.summary}.`
    : `${m.summary}. Iterations ${r.iterations}, residual ${r.residual.toExponential(3)}, estimate ${r.estimate.toExponential(6)}, work ${r.work}${fuel}, ${m.ms.toFixed(1)} ms. Output digest ${m.json.output_digest}`;
  showVariants(m.json.selection);
  $('result').append(p);
  // Label entries passed over under the trust policy, as the CLI notes them.
  for (const note of m.notes) $('result').append(Object.assign(document.createElement('p'), { className: 'note warn', textContent: `Note: ${note}` }));
  if (m.refused) { showRefusal(`Refused: ${r.status_words}`); return; }
  const t = Object.assign(document.createElement('table'), { id: 'top' });
  const wrap = Object.assign(document.createElement('div'), { className: 'scroll' });
  wrap.append(t);
  $('result').append(wrap);
  const rows = [];
  for (let i = 0; i < Math.min(10, m.rows.length / 2); i++) {
    const label = m.labelled ? [[m.rowLabels[i] ?? '', 'label']] : [];
    rows.push([[m.rows[2 * i]], ...label, [m.rows[2 * i + 1].toPrecision(12)]]);
  }
  table(t, m.labelled ? ['index', 'label', m.valueLabel] : ['index', m.valueLabel], rows);
  const by = m.labelled ? 'by index, labelled' : 'by index';
  plot($('plot'), m.byIndex, m.valueLabel, `${m.json.method}: ${m.byIndex.length / 2} ${m.kind === 'dense' ? 'values' : 'entries'} ${by}`, m.pointLabels && new Map(m.pointLabels));
  $('downloads').hidden = m.byIndex.length === 0;
}

function collect() {
  const used = METHOD_OPTIONS[$('method').value], o = {};
  for (const opt of used) {
    const el = $(FIELDS[opt]);
    if (el.closest('label').hidden) continue;
    if (el.type === 'checkbox') o[opt] = el.checked;
    else if (el.value.trim() !== '') o[opt] = el.value.trim();
  }
  if (o.data !== undefined) o.data = Number(o.data);
  if (o.query !== undefined) delete o.queryIndex;
  return o;
}

function run(e) {
  e.preventDefault();
  if (!opened || !worker) return;
  clearResult();
  busy(`Running ${runningWhat()}…`);
  const fuel = $('fuel').closest('label').hidden || $('fuel').value.trim() === '' ? null : $('fuel').value.trim();
  worker.postMessage({ type: 'run', method: $('method').value, options: collect(), via: throughInterpreter() ? 'interpreter' : 'auto', fuel });
}

function cancel() {
  if (!worker) return;
  worker.terminate();
  worker = null;
  const wasOpen = opened !== null;
  busy(null);
  if (current && wasOpen) {
    showRefusal('Cancelled: the run was stopped (its worker was terminated). The file is being read again.');
    load(current, { keepResult: true });
  } else {
    clearAll();
    $('error').textContent = 'Cancelled: the file was not read.';
    $('error').hidden = false;
    current = null;
  }
}

$('file').addEventListener('change', (e) => e.target.files[0] && load(e.target.files[0]));
$('drop').addEventListener('dragover', (e) => { e.preventDefault(); $('drop').classList.add('over'); });
$('drop').addEventListener('dragleave', () => $('drop').classList.remove('over'));
$('drop').addEventListener('drop', (e) => { e.preventDefault(); $('drop').classList.remove('over'); if (e.dataTransfer.files[0]) load(e.dataTransfer.files[0]); });
$('method').addEventListener('change', () => { showFields(); clearResult(); });
$('via-interpreter').addEventListener('change', () => { showFields(); clearResult(); });
$('form').addEventListener('submit', run);
$('cancel').addEventListener('click', cancel);
$('download-csv').addEventListener('click', () => worker?.postMessage({ type: 'download', format: 'csv' }));
$('download-npy').addEventListener('click', () => worker?.postMessage({ type: 'download', format: 'npy' }));
// The trust list applies to every file opened; Apply reads the one shown again under it.
$('trust-apply').addEventListener('click', () => current && load(current));
init();
startWorker();
