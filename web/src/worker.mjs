// The page's worker: everything slow (reading, hashing, selecting, running)
// happens here, off the page's thread, through the one library (rvf.mjs).
// Messages in: {type: 'open', file: File}, {type: 'run', method, options},
// {type: 'download', format}. Out: progress, opened, result, download,
// error (with the library's class/exit words), missing-dependency.
import * as rvf from './rvf.mjs';
import { installProviders } from './providers.mjs';

const DEPENDENCIES = [
  ['js-sha3', new URL('../node_modules/js-sha3/src/sha3.js', import.meta.url).href],
  ['hash-wasm', new URL('../node_modules/hash-wasm/dist/index.esm.js', import.meta.url).href],
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
  await installProviders({ hashWasm: mods['hash-wasm'], sha3 });
  return true;
})();

let file = null, session = null, last = null;

async function read(f) {
  const out = new Uint8Array(f.size);
  for (let o = 0; o < f.size; o += READ_CHUNK) {
    const piece = new Uint8Array(await f.slice(o, Math.min(f.size, o + READ_CHUNK)).arrayBuffer());
    out.set(piece, o);
    post({ type: 'progress', phase: 'reading', done: o + piece.length, total: f.size });
  }
  return out;
}

function open(bytes, name) {
  file = rvf.openFile(bytes);
  session = new rvf.Session(file);
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
  return { name, inspect: rvf.inspectJson(file), selection: selection.toJSON(), hostFeatures: rvf.featureNames(session.host) };
}

function run(method, options) {
  const out = session.run(method, options);
  last = out;
  const r = out.results();
  const rows = out.rows();
  return {
    json: out.toJSON({ top: 10 }),
    summary: out.summary(),
    refused: out.refused,
    exit: out.exit,
    kind: r.kind,
    valueLabel: out.valueLabel,
    rows: Float64Array.from(rows.flat()),
    byIndex: Float64Array.from((r.kind === 'dense' ? Array.from(r.values, (v, i) => [i, v]) : r.pairs).flat()),
  };
}

const errorOf = (e) => (e instanceof rvf.RvfError ? e.toJSON() : { error: String(e?.message ?? e), class: 'internal', exit: 'trap' });

self.onmessage = async ({ data: m }) => {
  if (!(await ready)) return;
  try {
    if (m.type === 'open') {
      file = session = last = null;
      const bytes = await read(m.file);
      post({ type: 'opened', ...open(bytes, m.file.name) });
    } else if (m.type === 'run') {
      post({ type: 'progress', phase: 'running', done: 0, total: 0 });
      const t = performance.now();
      const result = run(m.method, m.options);
      result.ms = performance.now() - t;
      post({ type: 'result', ...result }, [result.rows.buffer, result.byIndex.buffer]);
    } else if (m.type === 'download') {
      const r = last.results();
      const bytes = m.format === 'npy' ? rvf.npy(r) : new TextEncoder().encode(rvf.csv(r));
      post({ type: 'download', format: m.format, bytes }, [bytes.buffer]);
    }
  } catch (e) {
    post({ type: 'error', phase: m.type, ...errorOf(e) });
  }
};
