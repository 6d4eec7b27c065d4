#!/usr/bin/env node
// rvf-js: the JS host as a command line, a thin front end over the library
// (src/node.mjs). Its commands, options, --json fields and exit codes are
// rvf-pack's (inspect, select, run, replay; --via; the trust options as
// rvf-pack's cli/host.rs TrustArgs and keys.rs). V8 meters no fuel, so a
// direct run has no fuel_used; a run through the file's interpreter
// (--via interpreter, two-stage) has the kernel fuel wasmi metered.
import fs from 'node:fs';
import path from 'node:path';
import * as rvf from '../src/node.mjs';

const EXIT = rvf.EXIT;
const methods = rvf.facts.abi.methods.map((m) => m.name);
const metrics = rvf.facts.abi.metrics.map((m) => `${m.name} (${m.value_label})`);

/** The one line a host prints when no trust policy is in force (rvf-pack/src/cli/host.rs UNAUTHENTICATED). */
const UNAUTHENTICATED = "note: no trust policy: the solver's code is unauthenticated (give --trust KEY.pub or --trust-file)";
/** Key and trust files are a few lines (rvf-pack/src/keys.rs read_text). */
const MAX_KEY_FILE = 1 << 20;

const exitTable = () => `Exit codes:\n${rvf.facts.exit.map((e) => `  ${String(e.code).padStart(2)}  ${e.meaning}`).join('\n')}`;

const HELP = {
  main: `rvf-js: read RVF files and run their solver segments in this JavaScript engine

Usage: rvf-js <command> [options]

Commands:
  inspect FILE [--json] [--segment N]      the segments of an RVF file
  select FILE [--explain] [--json] [--host-features SPEC] [--segment N]
                                           which solver segment this host runs, and why
  run FILE METHOD [options] [--json]       run a method of the file's solver
  replay RECEIPT [FILE] [--via V] [--json] rerun what a receipt of rvf-pack run --receipt records; exit 0 only if bit-identical

rvf-js <command> --help shows a command's options and examples.

${exitTable()}`,
  inspect: `Show the segments of an RVF file

Usage: rvf-js inspect FILE [--json] [--segment N]

Examples:
  rvf-js inspect data.rvf
  rvf-js inspect data.rvf --segment 2 --json

${exitTable()}`,
  select: `Pick the solver segment this host would run, and say why

Usage: rvf-js select FILE [--explain] [--json] [--host-features SPEC] [--segment N] [--max-memory B] [--via V] [trust options]

  --explain             list every WASM segment with its verdict, its signer and the reason
  --host-features SPEC  mask host features: "-simd" removes SIMD; "none"; or a list "simd,bulk-memory"
  --segment N           force a WASM segment (directory index); it is still fully verified
  --max-memory B        linear memory cap in bytes (K/M/G suffixes) [1G]
VIA_HELP  --json                print JSON (the fields of rvf-pack select --json)
TRUST_HELP
Examples:
  rvf-js select data.rvf --explain
  rvf-js select data.rvf --host-features -simd --json
  rvf-js select booted.rvf --via interpreter --explain
  rvf-js select data.rvf --explain --trust alice.pub

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
  --max-memory B    linear memory cap in bytes (K/M/G suffixes) [1G]; checked after a direct run,
                    enforced inside the interpreter for a run through it
VIA_HELP  --allow-unhashed  accept data segments whose content hash is unset (nothing is verified there)
  --verify-data     check every data segment's hash and structure first
  --top N           rows of results to print (and to put in --json) [10]
  --out FILE        write every result row to FILE: .npy, .csv or .txt (as rvf-pack)
  --json            print JSON (the fields of rvf-pack run --json; fuel_used only via the interpreter)
TRUST_HELP
Examples:
  rvf-js run poisson.rvf cg --tol 1e-10 --json
  rvf-js run karate.rvf ppr-forward --source 0 --epsilon 1e-6 --top 10
  rvf-js run karate.rvf walk-estimate --source 0 --target 33 --walks 100000 --seed 7
  rvf-js run vecs.rvf knn --query-index 3 --k 5 --metric cosine
  rvf-js run data.rvf cg --host-features -simd --out x.npy
  rvf-js run booted.rvf cg --via interpreter --fuel 100000000 --json
  rvf-js run signed.rvf cg --trust-file team.trust

${exitTable()}`,
  replay: `Re-run exactly what a receipt (rvf-pack run --receipt) says, here, and compare

Usage: rvf-js replay RECEIPT [FILE] [--via V] [--json] [--host-features SPEC] [--fuel N] [--max-memory B] [trust options]

FILE defaults to the path in the receipt. The exit code is 0 only on a bit-identical match
(output digest and bytes, report, segment, params, input, data, verdicts; with --via
interpreter also the kernel fuel), 14 when anything differs (the differences are printed),
3 when the receipt contradicts itself (edited or corrupt) or its signature does not verify.
A signed receipt (rvf-pack run --sign-receipt) is checked first, as rvf-pack replay does:
its Ed25519 signature under the key it carries; under a trust policy (--trust,
--trust-file) that key must be a trusted one (exit 16 otherwise).
The route is the receipt's (direct, or the file's interpreter segment, which must be the
recorded one); an explicit --via overrides it: outputs must still be identical, and the
differing route is printed as a note (direct selects under the recorded host features).
A receipt may lower this host's limits (fuel, memory, recursion), never raise them.
Not compared: the Rust build's wasmi cargo features and compilation mode; for a direct
V8 run the engine and the fuel.

  --host-features SPEC  override the receipt's host-feature mask
  --fuel N              this host's fuel ceiling (runs via the interpreter) [20000000000]
  --max-memory B        this host's memory ceiling (K/M/G suffixes) [1G]
  --allow-unhashed      accept data segments whose content hash is unset
VIA_HELP  --json                print JSON (the fields of rvf-pack replay --json, and via, not_compared)
TRUST_HELP
Examples:
  rvf-js replay run.json
  rvf-js replay run.json archive/copy.rvf --via interpreter --json

${exitTable()}`,
};

/** The --via (and, but for replay, --fuel) lines, their descriptions at column `col`. */
const viaHelp = (col, fuel) => {
  const opt = (name, lines) => `  ${name.padEnd(col - 2)}${lines[0]}\n${lines.slice(1).map((l) => `${' '.repeat(col)}${l}\n`).join('')}`;
  return opt('--via V', ['what runs the kernel: direct (this engine, V8) [default], interpreter (the',
    'file\'s own interpreter segment, wasmi compiled to WebAssembly, inside V8: the',
    'Rust host\'s kernel fuel and limits, slower; pack --bootstrap), or auto (direct,',
    'and the file\'s interpreter only when no kernel can run in this engine)'])
    + (fuel ? opt('--fuel N', ['kernel fuel budget of a run via the interpreter [20000000000] (V8 meters none)']) : '');
};

const TRUST_HELP = `
Trust (without any trusted key the code is unauthenticated, and a note says so):
  --trust KEY.pub        trust this public key (64 hex digits, '#' comment lines); repeatable.
                         With any trusted key only solver segments signed by one of them run,
                         and every data segment a run reads must be signed too
  --trust-file FILE      a trust file: one 'NAME KEY' per line (KEY: 64 hex digits or a .pub
                         path relative to FILE); also read from $RVF_TRUST_FILE
  --trust-code-only      under a trust policy, accept data segments no trusted key signed
`;
for (const [k, col, fuel] of [['select', 24, true], ['run', 20, true], ['replay', 24, false]]) HELP[k] = HELP[k].replace('TRUST_HELP', TRUST_HELP).replace('VIA_HELP', viaHelp(col, fuel));

const VALUE = new Set(['segment', 'host-features', 'max-memory', 'tol', 'max-iter', 'min-margin', 'alpha', 'epsilon', 'source', 'target',
  'walks', 'seed', 'budget', 'k', 'metric', 'query', 'query-index', 'data', 'top', 'out', 'trust', 'trust-file', 'via', 'fuel']);
const FLAGS = {
  inspect: ['json', 'help'], select: ['json', 'explain', 'allow-unhashed', 'trust-code-only', 'help'],
  run: ['json', 'precondition', 'verify-data', 'allow-unhashed', 'trust-code-only', 'help'],
  replay: ['json', 'allow-unhashed', 'trust-code-only', 'help'],
};
const ALLOWED = {
  inspect: ['segment'], select: ['segment', 'host-features', 'max-memory', 'trust', 'trust-file', 'via', 'fuel'],
  run: [...VALUE], replay: ['host-features', 'max-memory', 'trust', 'trust-file', 'via', 'fuel'],
};
/** Options that may be given more than once (a list). */
const REPEATABLE = new Set(['trust']);

const usage = (msg) => new rvf.RvfError(msg, { exit: 'usage' });

/** argv → {command, positional, options}; --name value, --name=value, flags. */
function parse(argv) {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (!FLAGS[command]) throw usage(`unknown command '${command}' (inspect, select, run, replay)`);
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
      if (REPEATABLE.has(name)) (options[name] ??= []).push(value);
      else if (name in options) throw usage(`--${name} given twice`);
      else options[name] = value;
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
    const vectors = m.total_vectors ? `, ${m.total_vectors} vectors of dim ${m.dimension} (${m.metric ?? 'unknown'} metric)` : '';
    console.log(`manifest at offset ${m.offset} (epoch ${m.epoch}${vectors}, hash ${m.hash_status})`);
    table(out.segments);
  }
  return EXIT.ok.code;
}

function table(segs) {
  console.log(`${pad('#', 3)}  ${'type'.padEnd(9)} ${pad('offset', 10)} ${pad('payload', 10)} ${pad('id', 5)} ${'checksum'.padEnd(14)}  ${'hash'.padEnd(16)} detail`);
  for (const s of segs) {
    const hash = `${s.hash_status}${s.signed ? ', signed' : ''}`;
    console.log(`${pad(s.index ?? '-', 3)}  ${s.type.padEnd(9)} ${pad(s.offset, 10)} ${pad(s.payload_length, 10)} ${pad(s.segment_id, 5)} ${s.checksum.padEnd(14)}  ${hash.padEnd(16)} ${rvf.detailLine(s)}`);
  }
}

/** A byte count with an optional K/M/G suffix (powers of 1024), as rvf-pack's --max-memory. */
function bytes(v) {
  const m = /^(\d+)([KkMmGg]?)$/.exec(v ?? '');
  if (!m) throw usage(`--max-memory: '${v}' is not a byte count (e.g. 512M, 2G)`);
  return Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
}

/** A key or trust file's text, refusing anything but a small regular file (keys.rs read_text). */
function readText(file) {
  let st;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new rvf.RvfError(`${file}: cannot open: ${e.message}`, { exit: 'io', class: 'io' });
  }
  if (!st.isFile()) throw new rvf.RvfError(`${file}: is a ${st.isDirectory() ? 'directory' : 'special file'}, not a regular file`, { exit: 'io', class: 'not_a_file' });
  if (st.size > MAX_KEY_FILE) throw new rvf.RvfError(`${file}: too large for a key or trust file`, { exit: 'bad_input', class: 'key_format' });
  try {
    // As Rust's read_to_string: bytes that are not UTF-8 are a read error.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(fs.readFileSync(file));
  } catch (e) {
    throw new rvf.RvfError(`${file}: cannot read: ${e.message}`, { exit: 'io', class: 'io' });
  }
}

/** Name a key or trust-file error by its file, keeping its exit. */
const inFile = (file, fn) => {
  try {
    return fn();
  } catch (e) {
    if (e instanceof rvf.RvfError && e.exit === 'bad_input') throw new rvf.RvfError(`${file}: ${e.message}`, { exit: e.exit, class: e.class });
    throw e;
  }
};

/** The public key in a .pub file (keys.rs read_public). */
const readPublic = (file) => { const text = readText(file); return inFile(file, () => rvf.parsePublicKey(text)); };

/** The trust policy of --trust, --trust-file or $RVF_TRUST_FILE, and
 *  --trust-code-only (keys.rs policy): null when neither a key nor a trust
 *  file is given. */
function policy(o) {
  let trustFile = o['trust-file'];
  if (trustFile === undefined && process.env.RVF_TRUST_FILE !== undefined) {
    trustFile = process.env.RVF_TRUST_FILE;
    if (trustFile === '') throw usage("a value is required for '--trust-file <FILE>' (from $RVF_TRUST_FILE) but none was supplied");
  }
  const keys = (o.trust ?? []).map((file) => ({ name: path.parse(file).name, publicKey: readPublic(file) }));
  if (trustFile !== undefined) {
    const text = readText(trustFile), base = path.dirname(trustFile);
    const resolve = (p) => {
      try {
        return readPublic(path.isAbsolute(p) ? p : path.join(base, p));
      } catch (e) {
        throw new rvf.RvfError(e.message, { exit: 'bad_input', class: 'key_path' });
      }
    };
    keys.push(...inFile(trustFile, () => rvf.parseTrustFile(text, resolve)));
  }
  // A trust file that lists no key still makes a policy, one that trusts nothing (keys.rs policy).
  if (!keys.length && trustFile === undefined) return null;
  return rvf.trustPolicy(keys, { unsignedData: Boolean(o['trust-code-only']) });
}

function session(file, o, trust) {
  return new rvf.Session(file, {
    hostFeatures: o['host-features'], segment: index('segment', o.segment), allowUnhashed: o['allow-unhashed'],
    maxMemory: o['max-memory'] === undefined ? undefined : bytes(o['max-memory']), trust, via: o.via, fuel: o.fuel,
  });
}

/** The selection in words (rvf-pack's print_selection): what runs the kernel, then the candidates. */
function printSelection(sel, explain) {
  if (sel.via === null) console.log(`host features: ${rvf.featureNames(sel.hostFeatures)}`);
  else if (sel.via.tried) {
    console.log('via the file\'s interpreter: none usable');
    for (const [i, why] of sel.via.tried) console.log(`  interpreter segment ${i}: ${why}`);
  } else console.log(`via the file's interpreter (segment ${sel.via.index}); kernel features: ${rvf.featureNames(sel.hostFeatures)}`);
  if (!sel.candidates.length) console.log('the file has no WASM segments');
  const j = sel.toJSON();
  j.candidates.forEach((c, i) => {
    if (!explain && !c.selected) return;
    const desc = c.role === null ? '' : `${c.role} ${c.target} features=${c.required_features} priority=${c.priority}`;
    const verdict = sel.via?.index === c.segment ? 'the interpreter that runs the kernel' : sel.verdict(i).text;
    console.log(`  segment ${pad(c.segment, 3)} @${String(c.offset).padEnd(10)} ${desc}: ${verdict}`);
    if (explain) console.log(`      ${c.signer.words}`);
  });
}

function select(args, o) {
  if (args.length !== 1) throw usage('select takes one FILE');
  const trust = policy(o);
  const s = session(open(args[0]).file, o, trust);
  const sel = s.explain();
  if (!s.authenticated) process.stderr.write(`${UNAUTHENTICATED}\n`);
  // What the file offers (the spec's resolution), beside what this host picks.
  const chain = rvf.bootstrapChain(s.file);
  if (o.json) print({ ...sel.toJSON(), authenticated: s.authenticated, bootstrap: chain });
  else {
    printSelection(sel, o.explain || !sel.chosen);
    if (o.explain) console.log(`bootstrap chain: ${rvf.describeChain(chain)}`);
  }
  if (!sel.chosen) throw new rvf.RvfError(sel.noSolverMessage(), { exit: sel.noSolverExit, class: 'no_solver' });
  return EXIT.ok.code;
}

const exp = (x, d) => (Number.isFinite(x) ? x.toExponential(d).replace('e+', 'e') : rvf.rustExp(x));

function run(args, o) {
  if (args.length !== 2) throw usage('run takes FILE METHOD');
  const [filePath, method] = args;
  const trust = policy(o);
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
  const s = session(file, o, trust);
  if (!s.authenticated) process.stderr.write(`${UNAUTHENTICATED}\n`);
  const out = s.run(method, options);
  if (o.fuel !== undefined && out.via === 'direct') process.stderr.write('rvf-js: note: --fuel bounds runs via the interpreter only; this run was direct, in V8, which meters no fuel\n');
  const results = out.results();
  // Labels of the data the run read, if the file has them (and notes on any passed over).
  const found = s.labels(out), labels = found.labels;
  for (const k of found.skipped) process.stderr.write(`rvf-js: note: ${k.words}\n`);
  if (writeOut && !out.refused) {
    try {
      fs.writeFileSync(o.out, writeOut(results, labels));
    } catch (e) {
      throw new rvf.RvfError(`${o.out}: ${e.message}`, { exit: 'io' });
    }
  }
  const r = out.report;
  if (o.json) {
    const written = writeOut && !out.refused;
    const v = out.toJSON({ file: filePath, top, labels, rows: !written });
    if (written) v.out = o.out;
    print(v);
  } else {
    console.log(out.summary());
    if (out.data.matrix !== null) console.log(`  data: matrix segment ${out.data.matrix}`);
    else if (out.data.vectors.length) console.log(`  data: vector segment(s) ${out.data.vectors.join(', ')}`);
    if (out.refused) {
      process.stderr.write(`rvf-js: ${r.statusWords}\n`);
      return EXIT[out.exit].code;
    }
    const fuel = out.fuelUsed === null ? '' : `  fuel ${out.fuelUsed}`;
    console.log(`  iterations ${r.iterations}  residual ${exp(r.residual, 3)}  estimate ${exp(r.estimate, 6)}  work ${r.work}${fuel}  host calls ${out.stats.hostCalls}`);
    console.log(`  output digest ${out.digest}`);
    if (writeOut && !out.refused) console.log(`  wrote ${r.resultCount} values to ${o.out}`);
    else {
      const rows = out.rows(), shown = rows.slice(0, top);
      if (results.kind === 'dense') console.log(`  ${rows.length} values (use --out FILE to save them all); first ${Math.min(top, rows.length)}:`);
      if (!labels) {
        console.log(`  ${pad('index', 10)}  ${out.valueLabel}`);
        for (const [i, v] of shown) console.log(`  ${pad(i, 10)}  ${exp(v, 12)}`);
      } else {
        const col = rvf.labelColumn(shown, labels);
        console.log(`  ${pad('index', 10)}  ${'label'.padEnd(col.width)}  ${out.valueLabel}`);
        for (const [i, v] of shown) console.log(`  ${pad(i, 10)}  ${col.cell(i)}  ${exp(v, 12)}`);
      }
    }
  }
  if (out.exit !== 'ok') process.stderr.write(`rvf-js: ${r.statusWords}\n`);
  return EXIT[out.exit].code;
}

function replay(args, o) {
  if (args.length < 1 || args.length > 2) throw usage('replay takes RECEIPT [FILE]');
  const [receiptPath] = args;
  let text;
  try {
    const st = fs.statSync(receiptPath);
    if (!st.isFile()) throw new Error('not a regular file');
    text = fs.readFileSync(receiptPath, 'utf8');
  } catch (e) {
    throw new rvf.RvfError(`${receiptPath}: ${e.message}`, { exit: 'io', class: 'io' });
  }
  const inFile = (fn) => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof rvf.RvfError && e.exit !== 'io') throw new rvf.RvfError(`${receiptPath}: ${e.message}`, { exit: e.exit, class: e.class });
      throw e;
    }
  };
  const r = inFile(() => rvf.parseReceipt(text));
  const filePath = args[1] ?? r.file.path;
  const trust = policy(o);
  const bytesOf = open(filePath).bytes;
  const rep = inFile(() => rvf.replayReceipt(r, bytesOf, {
    via: o.via, hostFeatures: o['host-features'], fuel: o.fuel === undefined ? undefined : fuelOf(o.fuel),
    maxMemory: o['max-memory'] === undefined ? undefined : bytes(o['max-memory']), trust, allowUnhashed: o['allow-unhashed'],
  }));
  const out = rep.outcome;
  if (o.json) {
    print({
      receipt: receiptPath, file: filePath, identical: rep.identical, differences: rep.differences, file_extended_since: rep.extended,
      output_digest: rep.now ? rep.now.result.output_digest : null,
      limits: { fuel: jsonU64(rep.limits.fuel), max_memory_bytes: rep.limits.max_memory_bytes, max_recursion: rep.limits.max_recursion },
      receipt_signer: rep.receiptSigner.words,
      code_signer: out?.signer.key ? { key_id: out.signer.key.idHex, key_name: out.signer.key.name } : null,
      via: rep.via, recorded_via: rep.recordedVia, interpreter: rep.now?.selection.interpreter ?? null, notes: rep.notes, fuel_used: out?.fuelUsed === null || !out ? null : jsonU64(out.fuelUsed), not_compared: rep.notCompared,
    });
  } else if (rep.untrusted) {
    console.log('replay REFUSED under the trust policy:');
    for (const d of rep.differences) console.log(`  ${d}`);
  } else if (rep.identical) {
    const fuel = rep.via === 'interpreter' ? `fuel ${r.result.fuel_used}, the same` : `fuel ${r.result.fuel_used} recorded, not compared in V8`;
    console.log(`replay identical: ${r.params.method} on segment ${r.selection.chosen.index} -> output ${r.result.output_digest} (${fuel})`);
    console.log(`  via: ${rep.via === 'interpreter' ? `the file's interpreter (segment ${out.selection.via.index}), two-stage` : 'direct (V8)'}`);
    console.log(`  receipt: ${rep.receiptSigner.words}`);
    if (out?.signer.key) console.log(`  code signed by ${out.signer.key.name} (key ${out.signer.key.idHex})`);
    for (const n of rep.notes) console.log(`  note: ${n}`);
    if (rep.extended) console.log(`  (the file has been appended to since; its first ${r.file.length} bytes are exactly the recorded file)`);
    for (const n of rep.notCompared) console.log(`  not compared: ${n}`);
  } else {
    console.log('replay DIFFERS from the receipt:');
    for (const d of rep.differences) console.log(`  ${d}`);
    for (const n of rep.notes) console.log(`  note: ${n}`);
  }
  return EXIT[rep.exit].code;
}

/** A --fuel value (checked again by the session). */
const fuelOf = (v) => {
  if (!/^\d+$/.test(v)) throw usage(`--fuel: '${v}' is not a fuel budget (a whole number)`);
  return BigInt(v);
};
const jsonU64 = (x) => (BigInt(x) <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : String(x));

function main(argv) {
  let p;
  try {
    p = parse(argv);
    if (p.command === 'help') { console.log(HELP.main); return EXIT.ok.code; }
    if (p.options.help) { console.log(HELP[p.command]); return EXIT.ok.code; }
    return { inspect, select, run, replay }[p.command](p.positional, p.options);
  } catch (e) {
    if (!(e instanceof rvf.RvfError)) throw e;
    process.stderr.write(`rvf-js: error: ${e.message}\n`);
    return e.code ?? EXIT.trap.code;
  }
}

process.exitCode = main(process.argv.slice(2));
