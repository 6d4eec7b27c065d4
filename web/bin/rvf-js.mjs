#!/usr/bin/env node
// rvf-js: the JS host as a command line, a thin front end over the library
// (src/node.mjs). Its commands, options, --json fields and exit codes are
// rvf-pack's (inspect, select, run); V8 meters no fuel, so no fuel_used.
import fs from 'node:fs';
import path from 'node:path';
import * as rvf from '../src/node.mjs';

const EXIT = rvf.EXIT;
const methods = rvf.facts.abi.methods.map((m) => m.name);
const metrics = rvf.facts.abi.metrics.map((m) => `${m.name} (${m.value_label})`);

const exitTable = () => `Exit codes:\n${rvf.facts.exit.map((e) => `  ${String(e.code).padStart(2)}  ${e.meaning}`).join('\n')}`;

const HELP = {
  main: `rvf-js: read RVF files and run their solver segments in this JavaScript engine

Usage: rvf-js <command> [options]

Commands:
  inspect FILE [--json] [--segment N]      the segments of an RVF file
  select FILE [--explain] [--json] [--host-features SPEC] [--segment N]
                                           which solver segment this host runs, and why
  run FILE METHOD [options] [--json]       run a method of the file's solver

rvf-js <command> --help shows a command's options and examples.

${exitTable()}`,
  inspect: `Show the segments of an RVF file

Usage: rvf-js inspect FILE [--json] [--segment N]

Examples:
  rvf-js inspect data.rvf
  rvf-js inspect data.rvf --segment 2 --json

${exitTable()}`,
  select: `Pick the solver segment this host would run, and say why

Usage: rvf-js select FILE [--explain] [--json] [--host-features SPEC] [--segment N] [--max-memory B]

  --explain             list every WASM segment with its verdict and reason
  --host-features SPEC  mask host features: "-simd" removes SIMD; "none"; or a list "simd,bulk-memory"
  --segment N           force a WASM segment (directory index); it is still fully verified
  --max-memory B        linear memory cap in bytes (K/M/G suffixes) [1G]
  --json                print JSON (the fields of rvf-pack select --json)

Examples:
  rvf-js select data.rvf --explain
  rvf-js select data.rvf --host-features -simd --json

${exitTable()}`,
  run: `Run a method of the file's solver in this engine's WebAssembly

Usage: rvf-js run FILE METHOD [options]

METHOD: ${methods.join(', ')}

Options (defaults as rvf-pack run):
  --tol X           relative residual target (cg, jacobi) [1e-8]
  --max-iter N      iteration cap (cg, jacobi) [10000]
  --precondition    Jacobi-preconditioned CG
  --min-margin X    minimum relative diagonal-dominance margin (jacobi) [0.01]
  --alpha X         teleport probability (PPR, walks) [0.15]
  --epsilon X       push residual threshold [1e-4]
  --source N        source node (ppr-forward, walk-estimate) [0]
  --target N        target node (ppr-backward, walk-estimate) [0]
  --walks N         number of random walks [10000]
  --seed N          random seed (walks); results depend only on it [0]
  --budget N        work budget: pushes or walk steps (0 = default) [0]
  --k N             k nearest vectors [10]
  --metric M        knn metric: ${metrics.join(', ')} [the file's]
  --query V1,V2,..  query vector (knn)
  --query-index N   use stored vector N as the query (knn)
  --data N          the matrix to use (directory index of a SPARSE segment)
  --segment N       force a WASM segment; it is still fully verified
  --host-features S mask host features ("-simd", "none", "simd,bulk-memory")
  --max-memory B    linear memory cap in bytes (K/M/G suffixes) [1G]; checked after the run
  --allow-unhashed  accept data segments whose content hash is unset (nothing is verified there)
  --verify-data     check every data segment's hash and structure first
  --top N           rows of results to print (and to put in --json) [10]
  --out FILE        write every result row to FILE: .npy, .csv or .txt (as rvf-pack)
  --json            print JSON (the fields of rvf-pack run --json, without fuel_used)

Examples:
  rvf-js run poisson.rvf cg --tol 1e-10 --json
  rvf-js run karate.rvf ppr-forward --source 0 --epsilon 1e-6 --top 10
  rvf-js run karate.rvf walk-estimate --source 0 --target 33 --walks 100000 --seed 7
  rvf-js run vecs.rvf knn --query-index 3 --k 5 --metric cosine
  rvf-js run data.rvf cg --host-features -simd --out x.npy

${exitTable()}`,
};

const VALUE = new Set(['segment', 'host-features', 'max-memory', 'tol', 'max-iter', 'min-margin', 'alpha', 'epsilon', 'source', 'target',
  'walks', 'seed', 'budget', 'k', 'metric', 'query', 'query-index', 'data', 'top', 'out']);
const FLAGS = { inspect: ['json', 'help'], select: ['json', 'explain', 'allow-unhashed', 'help'], run: ['json', 'precondition', 'verify-data', 'allow-unhashed', 'help'] };
const ALLOWED = {
  inspect: ['segment'], select: ['segment', 'host-features', 'max-memory'],
  run: [...VALUE],
};

const usage = (msg) => new rvf.RvfError(msg, { exit: 'usage' });

/** argv → {command, positional, options}; --name value, --name=value, flags. */
function parse(argv) {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (!FLAGS[command]) throw usage(`unknown command '${command}' (inspect, select, run)`);
  const positional = [], options = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '-h') { options.help = true; continue; }
    if (!a.startsWith('--')) { positional.push(a); continue; }
    let [name, value] = a.slice(2).split(/=(.*)/s, 2);
    if (FLAGS[command].includes(name)) {
      if (value !== undefined) throw usage(`--${name} takes no value`);
      options[name] = true;
    } else if (ALLOWED[command].includes(name)) {
      if (value === undefined) {
        if (i + 1 >= rest.length) throw usage(`--${name} needs a value`);
        value = rest[++i];
      }
      if (name in options) throw usage(`--${name} given twice`);
      options[name] = value;
    } else throw usage(`unknown option --${name} for ${command} (see rvf-js ${command} --help)`);
  }
  return { command, positional, options };
}

const index = (name, v) => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw usage(`--${name}: '${v}' is not a directory index`);
  return Number(v);
};

function open(file) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new rvf.RvfError(`${file}: cannot read: ${e.message}`, { exit: 'io', class: 'io' });
  }
  return { bytes, file: rvf.openFile(bytes) };
}

const print = (v) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
const pad = (s, n) => String(s).padStart(n);

function inspect(args, o) {
  if (args.length !== 1) throw usage('inspect takes one FILE');
  let bytes, file;
  try {
    ({ bytes, file } = open(args[0]));
  } catch (e) {
    if (e.class !== 'manifest_not_found') throw e;
    const w = rvf.walkJson(fs.readFileSync(args[0]));
    if (o.json) print(w);
    else {
      console.log(`${args[0]}: no manifest found; ${w.segments.length} segment headers by walking the file`);
      table(w.segments);
      if (w.walk_stopped) console.log(`walk stopped: ${w.walk_stopped}`);
    }
    return EXIT.bad_container.code;
  }
  void bytes;
  const out = rvf.inspectJson(file);
  if (o.segment !== undefined) {
    const n = index('segment', o.segment), v = out.segments[n];
    if (!v) throw usage(`no segment ${n}: the directory lists ${out.segments.length} segments`);
    print(v);
    return EXIT.ok.code;
  }
  if (o.json) print(out);
  else {
    const m = out.manifest;
    console.log(`${args[0]}: ${out.file_length} bytes, ${out.dialect} dialect${out.signed_root_page ? ', signed root page' : ''}`);
    console.log(`manifest at offset ${m.offset} (epoch ${m.epoch}, ${m.total_vectors} vectors of dim ${m.dimension}, hash ${m.hash_status})`);
    table(out.segments);
  }
  return EXIT.ok.code;
}

function table(segs) {
  console.log(`${pad('#', 3)}  ${'type'.padEnd(9)} ${pad('offset', 10)} ${pad('payload', 10)} ${pad('id', 5)} ${pad('algo', 4)}  ${'hash'.padEnd(16)} detail`);
  for (const s of segs) {
    console.log(`${pad(s.index ?? '-', 3)}  ${s.type.padEnd(9)} ${pad(s.offset, 10)} ${pad(s.payload_length, 10)} ${pad(s.segment_id, 5)} ${pad(s.checksum_algo, 4)}  ${s.hash_status.padEnd(16)} ${rvf.detailLine(s)}`);
  }
}

/** A byte count with an optional K/M/G suffix (powers of 1024), as rvf-pack's --max-memory. */
function bytes(v) {
  const m = /^(\d+)([KkMmGg]?)$/.exec(v ?? '');
  if (!m) throw usage(`--max-memory: '${v}' is not a byte count (e.g. 512M, 2G)`);
  return Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
}

function session(file, o) {
  return new rvf.Session(file, {
    hostFeatures: o['host-features'], segment: index('segment', o.segment), allowUnhashed: o['allow-unhashed'],
    maxMemory: o['max-memory'] === undefined ? undefined : bytes(o['max-memory']),
  });
}

function printSelection(sel, explain) {
  console.log(`host features: ${rvf.featureNames(sel.hostFeatures)}`);
  if (!sel.candidates.length) console.log('the file has no WASM segments');
  const j = sel.toJSON();
  j.candidates.forEach((c, i) => {
    if (!explain && !c.selected) return;
    const desc = c.role === null ? '' : `${c.role} ${c.target} features=${c.required_features} priority=${c.priority}`;
    console.log(`  segment ${pad(c.segment, 3)} @${String(c.offset).padEnd(10)} ${desc}: ${sel.verdict(i).text}`);
  });
}

function select(args, o) {
  if (args.length !== 1) throw usage('select takes one FILE');
  const s = session(open(args[0]).file, o);
  const sel = s.explain();
  if (o.json) print(sel.toJSON());
  else printSelection(sel, o.explain || !sel.chosen);
  if (!sel.chosen) throw new rvf.RvfError(sel.noSolverMessage(), { exit: sel.forced === null ? 'no_solver' : 'refused' });
  return EXIT.ok.code;
}

const exp = (x, d) => (Number.isFinite(x) ? x.toExponential(d).replace('e+', 'e') : rvf.rustExp(x));

function run(args, o) {
  if (args.length !== 2) throw usage('run takes FILE METHOD');
  const [filePath, method] = args;
  const { file } = open(filePath);
  const options = {
    tol: o.tol, maxIter: o['max-iter'], precondition: o.precondition, minMargin: o['min-margin'], alpha: o.alpha,
    epsilon: o.epsilon, source: o.source, target: o.target, walks: o.walks, seed: o.seed, budget: o.budget, k: o.k,
    metric: o.metric, query: o.query, queryIndex: o['query-index'], data: index('data', o.data), verifyData: o['verify-data'],
  };
  const top = o.top === undefined ? 10 : index('top', o.top);
  let writeOut = null;
  if (o.out !== undefined) {
    const ext = path.extname(o.out).slice(1);
    const writers = { npy: rvf.npy, csv: rvf.csv, txt: rvf.text };
    if (!writers[ext]) throw usage(`--out ${o.out}: unknown format '.${ext}'; use .npy, .csv or .txt`);
    writeOut = writers[ext];
  }
  const out = session(file, o).run(method, options);
  const results = out.results();
  if (writeOut && !out.refused) {
    try {
      fs.writeFileSync(o.out, writeOut(results));
    } catch (e) {
      throw new rvf.RvfError(`${o.out}: ${e.message}`, { exit: 'io' });
    }
  }
  const r = out.report;
  if (o.json) {
    const v = out.toJSON({ file: filePath, top });
    if (writeOut && !out.refused) { delete v.results; v.out = o.out; }
    print(v);
  } else {
    console.log(out.summary());
    if (out.data.matrix !== null) console.log(`  data: matrix segment ${out.data.matrix}`);
    else if (out.data.vectors.length) console.log(`  data: vector segment(s) ${out.data.vectors.join(', ')}`);
    if (out.refused) {
      process.stderr.write(`rvf-js: ${r.statusWords}\n`);
      return EXIT[out.exit].code;
    }
    console.log(`  iterations ${r.iterations}  residual ${exp(r.residual, 3)}  estimate ${exp(r.estimate, 6)}  work ${r.work}  host calls ${out.stats.hostCalls}`);
    console.log(`  output digest ${out.digest}`);
    if (writeOut && !out.refused) console.log(`  wrote ${r.resultCount} values to ${o.out}`);
    else {
      const rows = out.rows();
      if (results.kind === 'dense') console.log(`  ${rows.length} values (use --out FILE to save them all); first ${Math.min(top, rows.length)}:`);
      console.log(`  ${pad('index', 10)}  ${out.valueLabel}`);
      for (const [i, v] of rows.slice(0, top)) console.log(`  ${pad(i, 10)}  ${exp(v, 12)}`);
    }
  }
  if (out.exit !== 'ok') process.stderr.write(`rvf-js: ${r.statusWords}\n`);
  return EXIT[out.exit].code;
}

function main(argv) {
  let p;
  try {
    p = parse(argv);
    if (p.command === 'help') { console.log(HELP.main); return EXIT.ok.code; }
    if (p.options.help) { console.log(HELP[p.command]); return EXIT.ok.code; }
    return { inspect, select, run }[p.command](p.positional, p.options);
  } catch (e) {
    if (!(e instanceof rvf.RvfError)) throw e;
    process.stderr.write(`rvf-js: error: ${e.message}\n`);
    return e.code ?? EXIT.trap.code;
  }
}

process.exitCode = main(process.argv.slice(2));
