// Two-stage runs in V8 (issue 20, items 4-5): the file's interpreter
// (wasmi compiled to WebAssembly, stored by `rvf-pack create --bootstrap`)
// runs in V8 and the kernel runs inside it. Every expected value comes
// from the Rust host (rvf-pack run --json: the direct run in wasmi, and
// its own two-stage run): for every method on the samples the same output
// digest, report, host counters and kernel fuel; the same refusal when
// the fuel runs out; receipts written by a direct Rust run replay through
// the two-stage path (rvf-js replay: exit 0 only if identical, rvf-pack
// replay's exit codes otherwise); 'auto' takes the interpreter by itself
// when no kernel runs in this engine; the interpreter is code from the
// file and is refused, in rvf-pack's words, when its hashes fail or a
// trust policy does not trust it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as rvf from '../src/node.mjs';
import { bootedSamples, rvfPack, rustRun, web, root } from './common.mjs';
import { withFunction } from './wasm-build.mjs';

const files = bootedSamples();
const dir = files.dir;
const open = (p) => rvf.openFile(fs.readFileSync(p));
const bin = path.join(web, 'bin/rvf-js.mjs');
const js = (args) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
/** The error lines of a run (without the note that no trust policy is in force), without the program's name. */
const errorWords = (stderr) => stderr.split('\n').filter((l) => l && !l.startsWith('note: ')).join('\n').replace(/^(rvf-pack|rvf-js): (error: )?/, '');

const cases = [
  ['poisson', 'cg', [], {}],
  ['poisson', 'cg', ['--tol', '1e-10', '--precondition'], { tol: 1e-10, precondition: true }],
  ['poisson', 'jacobi', [], {}],
  ['karate', 'ppr-forward', ['--source', '2', '--epsilon', '1e-6'], { source: 2, epsilon: 1e-6 }],
  ['karate', 'ppr-backward', ['--target', '33', '--epsilon', '1e-6'], { target: 33, epsilon: 1e-6 }],
  ['karate', 'walk-estimate', ['--source', '0', '--target', '33', '--walks', '3000', '--seed', '11'], { source: 0, target: 33, walks: 3000, seed: 11 }],
  ['poisson', 'knn', ['--query-index', '5', '--k', '7', '--metric', 'cosine'], { queryIndex: 5, k: 7, metric: 'cosine' }],
  ['poisson', 'knn', [`--query=${Array.from({ length: 16 }, (_, i) => (i % 3) - 1).join(',')}`, '--metric', 'ip'], { query: Array.from({ length: 16 }, (_, i) => (i % 3) - 1), metric: 'ip' }],
  ['karate', 'jacobi', [], {}],
];

for (const [which, method, args, options] of cases) {
  test(`two-stage ${method} ${args.join(' ')}: the Rust direct run's digest, report, counters and kernel fuel`, () => {
    // The interpreter runs no SIMD: the kernel it runs is the baseline one, as a direct run without SIMD.
    const direct = rustRun(files[which], method, args, '-simd');
    const twoStage = rustRun(files[which], method, [...args, '--via', 'interpreter']);
    assert.equal(typeof direct.fuel_used, 'number', direct.stderr);
    assert.deepEqual([twoStage.output_digest, twoStage.fuel_used], [direct.output_digest, direct.fuel_used], 'rvf-pack: two-stage = direct');
    const out = new rvf.Session(open(files[which]), { via: 'interpreter' }).run(method, options);
    assert.equal(out.via, 'interpreter');
    assert.equal(out.segment.index, direct.segment.index);
    assert.equal(out.report.status, direct.report.status);
    assert.equal(out.digest, direct.output_digest, `${method}: output digest`);
    assert.equal(out.fuelUsed, BigInt(direct.fuel_used), `${method}: kernel fuel`);
    assert.equal(out.exit, rvf.EXIT[Object.keys(rvf.EXIT).find((k) => rvf.EXIT[k].code === direct.exitStatus)].name);
    const j = JSON.parse(JSON.stringify(out.toJSON()));
    for (const k of ['report', 'host_calls', 'rows_served', 'bytes_served', 'output_digest', 'fuel_used', 'segment']) assert.deepEqual(j[k], direct[k], k);
    assert.deepEqual(j.selection.interpreter, twoStage.selection.interpreter);
  });
}

test('the Node CLI: run --via interpreter --json is rvf-pack run --via interpreter --json, fuel_used included', () => {
  for (const [f, method, ...args] of [[files.karate, 'ppr-forward', '--source', '2'], [files.poisson, 'cg', '--tol', '1e-10'], [files.poisson, 'knn', '--query-index', '3', '--k', '4']]) {
    const a = js(['run', f, method, ...args, '--via', 'interpreter', '--json']);
    const b = rvfPack(['run', f, method, ...args, '--via', 'interpreter', '--json']);
    assert.equal(a.status, b.status, a.stderr);
    const [x, y] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    assert.equal(typeof x.fuel_used, 'number');
    for (const k of ['segment', 'report', 'fuel_used', 'output_digest', 'host_calls', 'rows_served', 'bytes_served', 'results']) assert.deepEqual(x[k], y[k], `${method}: ${k}`);
    assert.deepEqual([x.selection.via, x.selection.interpreter], [y.selection.via, y.selection.interpreter]);
  }
  // Text: the fuel and the interpreter that ran the kernel are said.
  const t = js(['run', files.karate, 'ppr-forward', '--via', 'interpreter']);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /via the file's interpreter \(segment 3\)/);
  assert.match(t.stdout, / fuel \d+ /);
  // select --via interpreter --explain --json: rvf-pack's, field for field.
  const [s, r] = [js(['select', files.karate, '--via', 'interpreter', '--explain', '--json']), rvfPack(['select', files.karate, '--via', 'interpreter', '--explain', '--json'])];
  assert.deepEqual([s.status, JSON.parse(s.stdout)], [r.status, JSON.parse(r.stdout)]);
  const bad = js(['run', files.karate, 'ppr-forward', '--via', 'sideways']);
  assert.equal(bad.status, rvf.EXIT.usage.code);
});

test('fuel: the kernel is stopped where the Rust host stops it, with its words and exit code', () => {
  const direct = rustRun(files.karate, 'ppr-backward', ['--target', '5'], '-simd');
  const used = BigInt(direct.fuel_used);
  const s = new rvf.Session(open(files.karate), { via: 'interpreter', fuel: used });
  assert.equal(s.run('ppr-backward', { target: 5 }).fuelUsed, used, 'exactly enough fuel');
  for (const fuel of [used - 1n, 1000n]) {
    const rust = rvfPack(['run', files.karate, 'ppr-backward', '--target', '5', '--via', 'interpreter', '--fuel', String(fuel)]);
    assert.equal(rust.status, rvf.EXIT.out_of_fuel.code, rust.stderr);
    assert.throws(() => new rvf.Session(open(files.karate), { via: 'interpreter', fuel }).run('ppr-backward', { target: 5 }),
      (e) => e instanceof rvf.RvfError && e.exit === 'out_of_fuel' && e.message === errorWords(rust.stderr));
    const cli = js(['run', files.karate, 'ppr-backward', '--target', '5', '--via', 'interpreter', '--fuel', String(fuel)]);
    assert.deepEqual([cli.status, errorWords(cli.stderr)], [rust.status, errorWords(rust.stderr)]);
  }
});

/** A receipt of a direct Rust run (baseline kernel: what the interpreter runs). */
function receipt(name, f, method, args) {
  const p = path.join(dir, `${name}.receipt.json`);
  const r = rvfPack(['run', f, method, ...args, '--host-features', '-simd', '--receipt', p, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return p;
}

test('receipts of direct Rust runs replay through the two-stage path in Node: identical, kernel fuel included', () => {
  for (const [which, method, args, options] of cases.slice(0, 8)) {
    const p = receipt(`${which}-${method}-${args.length}`, files[which], method, args);
    const r = rvf.parseReceipt(fs.readFileSync(p, 'utf8'));
    const rep = rvf.replayReceipt(r, fs.readFileSync(files[which]), { via: 'interpreter' });
    assert.deepEqual(rep.differences, [], `${method} ${JSON.stringify(options)}`);
    assert.equal(rep.exit, 'ok');
    assert.equal(rep.via, 'interpreter');
    assert.equal(rep.outcome.fuelUsed, BigInt(r.result.fuel_used));
  }
  // The CLI: exit 0 and its JSON.
  const p = receipt('cli', files.karate, 'walk-estimate', ['--target', '9', '--walks', '500', '--seed', '3']);
  const a = js(['replay', p, '--via', 'interpreter', '--json']);
  assert.equal(a.status, 0, a.stdout + a.stderr);
  const j = JSON.parse(a.stdout);
  assert.deepEqual([j.identical, j.via, j.differences], [true, 'interpreter', []]);
  assert.equal(j.fuel_used, JSON.parse(fs.readFileSync(p, 'utf8')).result.fuel_used);
  assert.equal(rvfPack(['replay', p, '--via', 'interpreter']).status, 0);
});

test('a tampered receipt or another file: rvf-js replay exits as rvf-pack replay does, never 0', () => {
  const p = receipt('tamper', files.karate, 'ppr-forward', ['--source', '4']);
  const base = JSON.parse(fs.readFileSync(p, 'utf8'));
  const edits = {
    'output digest': (r) => { r.result.output_digest = '00'.repeat(32); },
    'kernel fuel': (r) => { r.result.fuel_used += 1; },
    'report (readable field)': (r) => { r.result.iterations += 1; },
    'params (exact record)': (r) => { r.params.params_hex = r.params.params_hex.slice(0, 96) + (r.params.params_hex[96] === '1' ? '2' : '1') + r.params.params_hex.slice(97); },
    'chosen segment': (r) => { r.selection.chosen.bytecode_hash = 'ab'.repeat(32); },
    'fuel limit below the use': (r) => { r.engine.fuel_limit = r.result.fuel_used - 1; },
  };
  for (const [what, edit] of Object.entries(edits)) {
    const r = structuredClone(base);
    edit(r);
    const q = path.join(dir, 'tampered.receipt.json');
    fs.writeFileSync(q, JSON.stringify(r, null, 2));
    const [a, b] = [js(['replay', q, '--via', 'interpreter']), rvfPack(['replay', q, '--via', 'interpreter'])];
    assert.notEqual(b.status, 0, `${what}: rvf-pack replay`);
    assert.equal(a.status, b.status, `${what}: rvf-js ${a.status} (${a.stdout}${a.stderr}), rvf-pack ${b.status} (${b.stdout}${b.stderr})`);
  }
  // Another file: the other sample, and the same one with a byte changed.
  const other = path.join(dir, 'karate-changed.rvf');
  const bytes = fs.readFileSync(files.karate);
  bytes[bytes.length - 1] ^= 1;
  fs.writeFileSync(other, bytes);
  for (const f of [files.poisson, other]) {
    const [a, b] = [js(['replay', p, f, '--via', 'interpreter']), rvfPack(['replay', p, f, '--via', 'interpreter'])];
    assert.equal(b.status, rvf.EXIT.replay_differs.code, b.stdout + b.stderr);
    assert.equal(a.status, b.status, a.stdout + a.stderr);
  }
});

test("via 'auto' runs the kernel through the file's interpreter when none runs in this engine", () => {
  // A real kernel that uses bulk memory (the baseline build plus a memory.fill nobody calls),
  // and an engine told it has no bulk memory: no kernel runs directly, the interpreter runs it.
  const code = withFunction(fs.readFileSync(path.join(root, 'microkernel/dist/solver-baseline.wasm')), [0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0b, 0]);
  fs.writeFileSync(path.join(dir, 'bulk.wasm'), code);
  const f = path.join(dir, 'bulk-booted.rvf');
  const made = rvfPack(['create', f, '--matrix', path.join(root, 'samples/karate.mtx'), '--with-transpose', '--solver', path.join(dir, 'bulk.wasm'), '--bootstrap', '--allow-no-baseline', '--force']);
  assert.equal(made.status, 0, made.stderr);
  const rust = rustRun(f, 'ppr-forward', ['--source', '7']);
  assert.equal(rust.segment.required_features, 'bulk-memory');
  const file = open(f);
  const engine = rvf.hostFeatures('-bulk-memory');
  assert.equal(new rvf.Session(file, { engineFeatures: engine }).select().chosen, null, 'nothing runs directly');
  const s = new rvf.Session(file, { engineFeatures: engine, via: 'auto' });
  const out = s.run('ppr-forward', { source: 7 });
  assert.equal(out.via, 'interpreter');
  assert.deepEqual([out.digest, out.fuelUsed], [rust.output_digest, BigInt(rust.fuel_used)]);
  // With an engine that runs it, 'auto' stays direct (V8 meters no fuel).
  const d = new rvf.Session(file, { via: 'auto' }).run('ppr-forward', { source: 7 });
  assert.deepEqual([d.via, d.fuelUsed, d.digest], ['direct', null, rust.output_digest]);
  // The interpreter runs no SIMD: a file whose only kernel needs SIMD, on an engine without it,
  // is refused on both paths, with both reasons.
  const simdOnly = path.join(dir, 'simd-only-booted.rvf');
  assert.equal(rvfPack(['create', simdOnly, '--matrix', path.join(root, 'samples/karate.mtx'), '--with-transpose', '--solver',
    path.join(root, 'microkernel/dist/solver-simd.wasm'), '--bootstrap', '--allow-no-baseline', '--force']).status, 0);
  const rs = rvfPack(['run', simdOnly, 'ppr-forward', '--via', 'interpreter']);
  assert.throws(() => new rvf.Session(open(simdOnly), { engineFeatures: '-simd', via: 'auto' }).run('ppr-forward'),
    (e) => e.exit === 'no_solver' && e.code === rs.status && /needs simd/.test(e.message) && /via the file's interpreter/.test(e.message));
});

test("via 'auto' runs a SIMD-only file through the SIMD interpreter on an engine without SIMD", () => {
  // The SIMD kernel alone, with the SIMD interpreter (create --bootstrap=interpreter-simd).
  const f = path.join(dir, 'simd-only-simd-booted.rvf');
  const made = rvfPack(['create', f, '--matrix', path.join(root, 'samples/karate.mtx'), '--with-transpose', '--solver',
    path.join(root, 'microkernel/dist/solver-simd.wasm'), '--bootstrap=interpreter-simd', '--allow-no-baseline']);
  assert.equal(made.status, 0, made.stderr);
  for (const [method, args, options] of [
    ['ppr-forward', ['--source', '2', '--epsilon', '1e-6'], { source: 2, epsilon: 1e-6 }],
    ['ppr-backward', ['--target', '33', '--epsilon', '1e-6'], { target: 33, epsilon: 1e-6 }],
    ['walk-estimate', ['--source', '0', '--target', '33', '--walks', '3000', '--seed', '11'], { source: 0, target: 33, walks: 3000, seed: 11 }],
    ['jacobi', [], {}],
  ]) {
    // Rust's direct run: the SIMD kernel in wasmi (SIMD host).
    const rust = rustRun(f, method, args);
    assert.equal(rust.segment.required_features, 'simd,bulk-memory', rust.stderr);
    const file = open(f);
    assert.equal(new rvf.Session(file, { engineFeatures: '-simd' }).select().chosen, null, 'nothing runs directly');
    const out = new rvf.Session(file, { engineFeatures: '-simd', via: 'auto' }).run(method, options);
    assert.equal(out.via, 'interpreter');
    assert.equal(out.segment.index, rust.segment.index);
    assert.deepEqual([out.digest, out.fuelUsed], [rust.output_digest, BigInt(rust.fuel_used)], method);
  }
});

test('with both interpreters, the one that runs the best kernel is used (pick_interpreter)', () => {
  // Both kernels and the default interpreter, then the SIMD interpreter appended.
  const f = path.join(dir, 'two-interpreters.rvf');
  fs.copyFileSync(files.karate, f);
  const added = rvfPack(['append', f, '--bootstrap=interpreter-simd']);
  assert.equal(added.status, 0, added.stderr);
  for (const mask of [null, '-simd']) {
    const rust = JSON.parse(rvfPack(['select', f, '--via', 'interpreter', '--json', ...(mask ? ['--host-features', mask] : [])]).stdout);
    const s = new rvf.Session(open(f), { via: 'interpreter', engineFeatures: '-simd', hostFeatures: mask ?? undefined });
    const sel = s.select();
    assert.equal(sel.via.index, rust.interpreter.segment, `mask ${mask}`);
    assert.equal(sel.chosen.index, rust.selected_segment, `mask ${mask}`);
  }
  const picked = rvf.pickInterpreter(open(f));
  assert.ok(picked.features & rvf.FEAT.simd, 'the SIMD interpreter');
  const simdKernel = open(f).directory.findIndex((e, i) => e.segType === rvf.SEG.WASM && rvf.parseWasm(open(f).segment(i).payload).header.requiredFeatures & rvf.FEAT.simd);
  const out = new rvf.Session(open(f), { via: 'interpreter' }).run('ppr-forward', { source: 2 });
  const rust = rustRun(f, 'ppr-forward', ['--source', '2']);
  assert.deepEqual([out.segment.index, out.digest, out.fuelUsed], [simdKernel, rust.output_digest, BigInt(rust.fuel_used)]);
});

/** Copies of the booted karate file, changed so that its interpreter must be refused (or must run). */
function interpreterCases() {
  const out = {};
  const bytes = fs.readFileSync(files.karate);
  const file = rvf.openFile(bytes);
  const index = file.directory.findIndex((e, i) => e.segType === rvf.SEG.WASM && rvf.parseWasm(file.segment(i).payload).header.role === 1);
  const seg = file.segment(index);
  const at = seg.payload.byteOffset;
  const write = (name, b) => { const p = path.join(dir, `interp-${name}.rvf`); fs.writeFileSync(p, b); out[name] = { file: p }; return p; };
  // A byte of the stored (compressed) module flipped: the segment hash fails.
  const flipped = Uint8Array.from(bytes);
  flipped[at + 64 + 1000] ^= 0x40;
  write('segment-hash', flipped);
  // The header's bytecode hash changed and the segment hash made right again: the bytecode hash fails.
  const lied = Uint8Array.from(bytes);
  const h = rvf.parseWasm(seg.payload).header.bytecodeHash;
  const hashAt = seg.payload.subarray(0, 64).findIndex((_, i) => h.every((x, k) => seg.payload[i + k] === x));
  assert.ok(hashAt >= 0);
  lied[at + hashAt] ^= 1;
  const newHash = rvf.shake256(lied.subarray(at, at + seg.payload.length), 16);
  const headerAt = bytes.subarray(at - 64, at).findIndex((_, i) => file.segments[index].contentHash.every((x, k) => bytes[at - 64 + i + k] === x));
  assert.ok(headerAt >= 0);
  lied.set(newHash, at - 64 + headerAt);
  write('bytecode-hash', lied);
  // Signed: data and kernels by alice but not the interpreter; everything by alice; everything by bob.
  const key = (n) => { const k = path.join(dir, n); if (!fs.existsSync(`${k}.pub`)) assert.equal(rvfPack(['keygen', '-o', k]).status, 0); return `${k}.pub`; };
  const alice = key('alice-ts'), bob = key('bob-ts');
  const signed = (name, by, segs) => {
    const p = write(name, bytes);
    const r = rvfPack(['sign', p, '--key', by.replace(/\.pub$/, '.key'), ...(segs ? segs.flatMap((s) => ['--segment', String(s)]) : ['--all'])]);
    assert.equal(r.status, 0, r.stderr);
    return p;
  };
  signed('unsigned-interpreter', alice, file.directory.map((_, i) => i).filter((i) => i !== index && file.directory[i].segType !== rvf.SEG.MANIFEST));
  out['unsigned-interpreter'].trust = alice;
  signed('all-by-alice', alice, null);
  out['all-by-alice'].trust = alice;
  out['all-by-alice'].runs = true;
  signed('all-by-bob', bob, null);
  out['all-by-bob'].trust = alice;
  out['signed-no-policy'] = { file: out['all-by-bob'].file, runs: true };
  // Not an interpreter module: a kernel stored with the interpreter role.
  const p = path.join(dir, 'interp-not-an-interpreter.rvf');
  const k = path.join(root, 'microkernel/dist/solver-baseline.wasm');
  assert.equal(rvfPack(['create', p, '--matrix', path.join(root, 'samples/karate.mtx'), '--with-transpose', '--solver', k, '--solver', `${k},role=interpreter`, '--force']).status, 0);
  out['not-an-interpreter'] = { file: p };
  return out;
}

test('the interpreter is code from the file: refused as rvf-pack refuses it (hashes, trust, not an interpreter)', () => {
  for (const [name, c] of Object.entries(interpreterCases())) {
    const trust = c.trust ? ['--trust', c.trust] : [];
    const sel = ['select', c.file, '--via', 'interpreter', '--explain', '--json', ...trust];
    const [a, b] = [js(sel), rvfPack(sel)];
    assert.deepEqual([a.status, JSON.parse(a.stdout)], [b.status, JSON.parse(b.stdout)], `${name}: select`);
    const run = ['run', c.file, 'ppr-forward', '--via', 'interpreter', '--json', ...trust];
    const [x, y] = [js(run), rvfPack(run)];
    assert.equal(x.status, y.status, `${name}: run exit (${x.stderr} / ${y.stderr})`);
    if (c.runs) {
      assert.equal(y.status, 0, y.stderr);
      assert.equal(JSON.parse(x.stdout).output_digest, JSON.parse(y.stdout).output_digest);
      assert.equal(JSON.parse(x.stdout).fuel_used, JSON.parse(y.stdout).fuel_used);
    } else {
      assert.notEqual(y.status, 0, `${name}: rvf-pack runs it`);
      assert.equal(errorWords(x.stderr), errorWords(y.stderr), name);
      // The library says the same, and no kernel runs.
      const s = new rvf.Session(open(c.file), { via: 'interpreter', trust: c.trust ? `k ${fs.readFileSync(c.trust, 'utf8').split('\n').find((l) => /^[0-9a-f]{64}$/.test(l.trim())).trim()}` : undefined });
      const picked = rvf.pickInterpreter(s.file, s.policy);
      assert.ok(picked.tried?.length, name);
      assert.throws(() => s.run('ppr-forward'), (e) => e instanceof rvf.RvfError && e.code === y.status);
    }
  }
});

test('compileInterpreter refuses modules that do not speak the interpreter ABI', () => {
  const k = fs.readFileSync(path.join(root, 'microkernel/dist/solver-baseline.wasm'));
  assert.throws(() => rvf.compileInterpreter(k), (e) => e instanceof rvf.TwoStageError && e.kind === 'module');
  assert.throws(() => rvf.compileInterpreter(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1])), (e) => e instanceof rvf.TwoStageError);
  const interp = fs.readFileSync(path.join(root, 'bootstrap/dist/interp.wasm'));
  const i = rvf.compileInterpreter(interp);
  assert.equal(i.version >>> 16, rvf.interp.major);
  assert.equal(rvf.featureNames(i.features), 'bulk-memory,multi-value,reference-types,tail-call');
  // The SIMD kernel is refused before it is loaded, with words; the baseline one is admitted.
  const simd = fs.readFileSync(path.join(root, 'microkernel/dist/solver-simd.wasm'));
  assert.throws(() => i.admit(simd, rvf.FEAT.simd | rvf.FEAT['bulk-memory'], rvf.kernelLimits()), (e) => e.kind === 'features' && /simd/.test(e.message));
  assert.equal(i.admit(k, 0, rvf.kernelLimits()).abiVersion >>> 16, 1);
});

test('receipts of two-stage Rust runs record the route: rvf-js replay takes it by itself; tampered routes exit as rvf-pack replay does', () => {
  const p = path.join(dir, 'interp.receipt.json');
  const made = rvfPack(['run', files.karate, 'ppr-forward', '--source', '4', '--via', 'interpreter', '--receipt', p]);
  assert.equal(made.status, 0, made.stderr);
  const base = JSON.parse(fs.readFileSync(p, 'utf8'));
  assert.equal(base.selection.via, 'interpreter');
  assert.equal(base.selection.interpreter.index, 3);
  // The reproduction: no --via, identical in both hosts.
  for (const tool of [js, rvfPack]) {
    const a = tool(['replay', p]);
    assert.equal(a.status, 0, a.stdout + a.stderr);
    assert.match(a.stdout, /via: the file's interpreter \(segment 3/);
  }
  const j = JSON.parse(js(['replay', p, '--json']).stdout);
  assert.deepEqual([j.via, j.recorded_via, j.notes], ['interpreter', 'interpreter', []]);
  assert.deepEqual(j.interpreter, base.selection.interpreter);
  const rep = rvf.replayReceipt(rvf.parseReceipt(fs.readFileSync(p, 'utf8')), fs.readFileSync(files.karate));
  assert.deepEqual([rep.identical, rep.via, rep.now.selection.candidates], [true, 'interpreter', base.selection.candidates]);
  // An explicit --via overrides the route: identical outputs, the route a note, in both hosts.
  for (const tool of [js, rvfPack]) {
    const a = tool(['replay', p, '--via', 'direct']);
    assert.equal(a.status, 0, a.stdout + a.stderr);
    assert.match(a.stdout, /note: route: the receipt ran interpreter \(segment 3\), this replay ran direct \(--via direct\)/);
  }
  const edits = {
    'interpreter bytecode hash': [14, (r) => { r.selection.interpreter.bytecode_hash = 'ab'.repeat(32); }],
    'interpreter index': [14, (r) => { r.selection.interpreter.index = 0; }],
    'route dropped': [14, (r) => { delete r.selection.via; delete r.selection.interpreter; }],
    'route without interpreter': [3, (r) => { delete r.selection.interpreter; }],
    'no such route': [3, (r) => { r.selection.via = 'bogus'; }],
    'direct route with an interpreter': [3, (r) => { r.selection.via = 'direct'; }],
    'interpreter features (readable)': [3, (r) => { r.selection.interpreter.features_names = 'simd'; }],
  };
  for (const [what, [code, edit]] of Object.entries(edits)) {
    const r = structuredClone(base);
    edit(r);
    const q = path.join(dir, 'interp-tampered.receipt.json');
    fs.writeFileSync(q, JSON.stringify(r, null, 2));
    const [a, b] = [js(['replay', q]), rvfPack(['replay', q])];
    assert.equal(b.status, code, `${what}: rvf-pack ${b.stdout}${b.stderr}`);
    assert.equal(a.status, b.status, `${what}: rvf-js ${a.status} (${a.stdout}${a.stderr}), rvf-pack ${b.status}`);
  }
  // The file's interpreter changed since the run.
  const changed = path.join(dir, 'karate-interp-changed.rvf');
  const bytes = fs.readFileSync(files.karate);
  bytes[base.selection.interpreter.offset + 4096] ^= 0x40;
  fs.writeFileSync(changed, bytes);
  const [a, b] = [js(['replay', p, changed]), rvfPack(['replay', p, changed])];
  assert.equal(b.status, rvf.EXIT.replay_differs.code, b.stdout + b.stderr);
  assert.equal(a.status, b.status, a.stdout + a.stderr);
});

test('under a trust policy, replaying a two-stage receipt refuses an interpreter no trusted key signed (16), as rvf-pack does', () => {
  const c = interpreterCases();
  const trust = ['--trust', c['all-by-alice'].trust];
  const p = path.join(dir, 'interp-signed.receipt.json');
  const made = rvfPack(['run', c['all-by-alice'].file, 'ppr-forward', '--via', 'interpreter', '--receipt', p, ...trust]);
  assert.equal(made.status, 0, made.stderr);
  assert.equal(JSON.parse(fs.readFileSync(p, 'utf8')).selection.interpreter.signer.key_name, 'alice-ts');
  for (const tool of [js, rvfPack]) assert.equal(tool(['replay', p, ...trust]).status, 0);
  const f = c['unsigned-interpreter'].file;
  const [a, b] = [js(['replay', p, f, ...trust]), rvfPack(['replay', p, f, ...trust])];
  assert.equal(b.status, rvf.EXIT.untrusted.code, b.stdout + b.stderr);
  assert.equal(a.status, b.status, a.stdout + a.stderr);
  assert.match(a.stdout, /REFUSED/);
});
