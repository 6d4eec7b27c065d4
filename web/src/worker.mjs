// The page's worker: everything slow (reading, hashing, selecting, running,
// finding labels) happens here, off the page's thread, through the one
// library (rvf.mjs).
// Messages in: {type: 'open', file: File, trust?: trust-file text (inline
// hex keys), unsignedData?: boolean}, {type: 'run', method, options, via?:
// 'auto' | 'interpreter' | 'direct', fuel?: kernel fuel of a run through
// the file's interpreter}, {type: 'download', format}. Out: progress,
// opened, result, download, error (with the library's class/exit words;
// phase 'trust' for a trust list that does not parse), missing-dependency.
// The page's default is via 'auto': a kernel runs in this engine, and
// through the file's own interpreter (two-stage, the Rust host's fuel and
// limits enforced inside) when none can run here. A kernel that never
// stops is stopped by its fuel there, in this worker: the page stays live.
import * as rvf from './rvf.mjs';
import { installProviders } from './providers.mjs';

const DEPENDENCIES = [
  ['js-sha3', new URL('../node_modules/js-sha3/src/sha3.js', import.meta.url).href],
  ['hash-wasm', new URL('../node_modules/hash-wasm/dist/index.esm.js', import.meta.url).href],
  ['@noble/ed25519', new URL('../node_modules/@noble/ed25519/index.js', import.meta.url).href],
];
const READ_CHUNK = 8 * 1024 * 1024;
const post = (m, transfer) => self.postMessage(m, transfer ?? []);

/** Load the dependencies, or say which one is missing (never blame a file). */
const ready = (async () => {
  const mods = {};
  for (const [name, url] of DEPENDENCIES) {
    try {
      mods[name] = await import(url);
    } catch (e) {
      post({ type: 'missing-dependency', name, url, detail: String(e?.message ?? e) });
      return false;
    }
  }
  const sha3 = mods['js-sha3'].default ?? self;
  if (typeof sha3.shake256?.create !== 'function') {
    post({ type: 'missing-dependency', name: 'js-sha3', url: DEPENDENCIES[0][1], detail: 'loaded, but shake256 is not defined' });
    return false;
  }
  await installProviders({ hashWasm: mods['hash-wasm'], sha3, ed25519: mods['@noble/ed25519'] });
  return true;
})();

let file = null, session = null, last = null, lastLabels = null;
/** How many points of a plot carry their label to the page (ticks are placed at labelled points). */
const PLOT_LABELS = 512;

async function read(f) {
  const out = new Uint8Array(f.size);
  for (let o = 0; o < f.size; o += READ_CHUNK) {
    const piece = new Uint8Array(await f.slice(o, Math.min(f.size, o + READ_CHUNK)).arrayBuffer());
    out.set(piece, o);
    post({ type: 'progress', phase: 'reading', done: o + piece.length, total: f.size });
  }
  return out;
}

/** The policy of a trust list's text: null when it lists no key (as the CLI). */
function policyOf(text, unsignedData) {
  const keys = rvf.parseTrustFile(text ?? '');
  return keys.length ? rvf.trustPolicy(keys, { unsignedData }) : null;
}

function open(bytes, name, trust) {
  file = rvf.openFile(bytes);
  session = new rvf.Session(file, { trust, via: 'auto' });
  const total = file.segments.reduce((a, s) => a + s.payloadLength, 0);
  let before = 0;
  rvf.onHashProgress((done) => post({ type: 'progress', phase: 'hashing', done: before + done, total }));
  for (const s of file.segments) {
    void s.hashStatus;
    before += s.payloadLength;
    post({ type: 'progress', phase: 'hashing', done: before, total });
  }
  post({ type: 'progress', phase: 'verifying solvers', done: 0, total: 0 });
  const selection = session.explain();
  rvf.onHashProgress(null);
  const chain = rvf.bootstrapChain(file);
  return {
    name, inspect: rvf.inspectJson(file), selection: selection.toJSON(), hostFeatures: rvf.featureNames(session.host),
    authenticated: session.authenticated, trustedKeys: trust ? trust.keys.map((k) => `${k.name} (key ${k.idHex})`) : [],
    chain: { ...chain, words: rvf.describeChain(chain) }, defaultFuel: String(session.fuel),
    hasInterpreter: selection.candidates.some((c) => c.header?.role === INTERPRETER_ROLE),
    why: selection.chosen ? null : selection.noSolverMessage(),
  };
}
const INTERPRETER_ROLE = rvf.facts.format.roles.find((r) => r.name === 'interpreter').id;

function run(method, options, via, fuel) {
  session.configure({ via: via ?? 'auto', fuel: fuel ?? undefined });
  const out = session.run(method, options);
  const found = session.labels(out), labels = found.labels;
  [last, lastLabels] = [out, labels];
  const r = out.results();
  const rows = out.rows();
  const points = r.kind === 'dense' ? Array.from(r.values, (v, i) => [i, v]) : r.pairs;
  return {
    json: out.toJSON({ top: 10, labels }),
    summary: out.summary(),
    refused: out.refused,
    exit: out.exit,
    kind: r.kind,
    valueLabel: out.valueLabel,
    rows: Float64Array.from(rows.flat()),
    byIndex: Float64Array.from(points.flat()),
    // Labels of the rows the table shows, and of up to PLOT_LABELS points
    // spread over the plot (by index, both ends included), as [index, label].
    labelled: labels !== null,
    rowLabels: labels ? rows.slice(0, 10).map(([i]) => labels.get(i)) : null,
    pointLabels: labels ? plotLabels(points, labels) : null,
    notes: found.skipped.map((k) => k.words),
    via: out.via,
    fuelUsed: out.fuelUsed === null ? null : String(out.fuelUsed),
  };
}

function plotLabels(points, labels) {
  const idx = [...new Set(points.filter(([, v]) => Number.isFinite(v)).map(([i]) => i))].sort((a, b) => a - b);
  const step = Math.max(1, Math.ceil(idx.length / PLOT_LABELS)), pick = [];
  for (let k = 0; k < idx.length; k += step) pick.push(idx[k]);
  if (idx.length && pick[pick.length - 1] !== idx[idx.length - 1]) pick.push(idx[idx.length - 1]);
  return pick.map((i) => [i, labels.get(i)]).filter(([, l]) => l !== null);
}

const errorOf = (e) => (e instanceof rvf.RvfError ? e.toJSON() : { error: String(e?.message ?? e), class: 'internal', exit: 'trap' });

self.onmessage = async ({ data: m }) => {
  if (!(await ready)) return;
  try {
    if (m.type === 'open') {
      file = session = last = lastLabels = null;
      let trust;
      try {
        trust = policyOf(m.trust, Boolean(m.unsignedData));
      } catch (e) {
        post({ type: 'error', phase: 'trust', ...errorOf(e) });
        return;
      }
      const bytes = await read(m.file);
      post({ type: 'opened', ...open(bytes, m.file.name, trust) });
    } else if (m.type === 'run') {
      post({ type: 'progress', phase: 'running', done: 0, total: 0 });
      const t = performance.now();
      const result = run(m.method, m.options, m.via, m.fuel);
      result.ms = performance.now() - t;
      post({ type: 'result', ...result }, [result.rows.buffer, result.byIndex.buffer]);
    } else if (m.type === 'download') {
      const r = last.results();
      const bytes = m.format === 'npy' ? rvf.npy(r) : new TextEncoder().encode(rvf.csv(r, lastLabels));
      post({ type: 'download', format: m.format, bytes }, [bytes.buffer]);
    }
  } catch (e) {
    // A refused run says which path it took (this engine, or the file's interpreter).
    const selection = m.type === 'run' && session?.selected ? session.selected.toJSON() : null;
    post({ type: 'error', phase: m.type, ...errorOf(e), selection });
  }
};
