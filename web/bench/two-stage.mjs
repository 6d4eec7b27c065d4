#!/usr/bin/env node
// Two-stage runs in V8, for rvf-bench §8 (bench/src/sections/bootstrap.rs
// runs `node web/bench/two-stage.mjs FILE REPS` and reads the JSON it
// prints): bootstrapping the file's interpreter, and each method run
// directly (V8 runs the baseline kernel) against two-stage (V8 runs the
// file's wasmi, which runs the same kernel). FILE is the bench's booted
// file: Poisson 16² with its right-hand side and transpose, the sample
// points, both kernels and the interpreter (create --bootstrap).
//
// Output: {boot_ms, rows: [{method, direct_ms, two_stage_ms}]} (what the
// bench parses), plus `boot` (each step's median) and per row `fuel_used`.
//
// boot_ms = read + decompress + compile + load, each the median of REPS:
//   read:       read FILE from disk, parse the container, find and parse the
//               interpreter's WASM segment (no hashing);
//   decompress: its ZSTD stream into the 1 MB module (this package's decoder);
//   compile:    compileInterpreter: WebAssembly.Module (V8 compiles lazily:
//               functions are compiled by Liftoff at their first call, which
//               falls in `load`), ABI checks, one probe instance;
//   load:       admit the baseline kernel inside it (instantiate, rvfi_set_limits,
//               rvfi_load: wasmi validates and compiles the kernel, snapshot).
// Runs: two warm-up runs per method and path, then the median of REPS. The
// outputs and kernel fuel of both paths are checked equal (exit 1 if not).
import fs from 'node:fs';
import * as rvf from '../src/node.mjs';

const [file, repsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node web/bench/two-stage.mjs FILE [REPS]\n');
  process.exit(2);
}
const reps = Math.max(1, Number(repsArg ?? 5) | 0);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
function time(fn) {
  const ts = [];
  let last;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    last = fn();
    ts.push(performance.now() - t);
  }
  return [median(ts), last];
}

const INTERPRETER = rvf.facts.format.roles.find((r) => r.name === 'interpreter').id;
const wasmOf = (f, role, features) => {
  for (let i = 0; i < f.directory.length; i++) {
    if (f.directory[i].segType !== rvf.SEG.WASM) continue;
    const w = rvf.parseWasm(f.segment(i).payload);
    if (w.header.role === role && (features === undefined || w.header.requiredFeatures === features)) return w;
  }
  throw new Error(`${file}: no such WASM segment (role ${role})`);
};
const MODULE_CAP = 16 << 20;

const [readMs, stored] = time(() => wasmOf(rvf.openFile(fs.readFileSync(file)), INTERPRETER));
const [decompressMs, code] = time(() => rvf.wasmCode(stored, MODULE_CAP));
const [compileMs, interp] = time(() => rvf.compileInterpreter(code));
const kernel = rvf.wasmCode(wasmOf(rvf.openFile(fs.readFileSync(file)), 0, 0), MODULE_CAP);
const [loadMs] = time(() => interp.admit(kernel, 0, rvf.kernelLimits()));

// The bench's requests (bootstrap.rs requests()).
const requests = [
  ['cg', {}],
  ['jacobi', {}],
  ['ppr-forward', { source: 3, epsilon: 1e-7 }],
  ['ppr-backward', { target: 5, epsilon: 1e-7 }],
  ['walk-estimate', { source: 1, target: 9, walks: 2000, seed: 11 }],
  ['knn', { queryIndex: 17, k: 5 }],
];
const bytes = fs.readFileSync(file);
const direct = new rvf.Session(rvf.openFile(bytes), { hostFeatures: '-simd' });
const twoStage = new rvf.Session(rvf.openFile(bytes), { via: 'interpreter' });
const rows = [];
for (const [method, options] of requests) {
  for (let i = 0; i < 2; i++) [direct, twoStage].forEach((s) => s.run(method, options));
  const [d, a] = time(() => direct.run(method, options));
  const [t, b] = time(() => twoStage.run(method, options));
  if (a.digest !== b.digest || a.segment.index !== b.segment.index) {
    process.stderr.write(`${method}: the two-stage output differs from the direct one\n`);
    process.exit(1);
  }
  rows.push({ method, direct_ms: d, two_stage_ms: t, fuel_used: Number(b.fuelUsed) });
}
const boot = { read_ms: readMs, decompress_ms: decompressMs, compile_ms: compileMs, load_kernel_ms: loadMs };
console.log(JSON.stringify({
  boot_ms: readMs + decompressMs + compileMs + loadMs,
  boot,
  boot_includes: 'read (file, container, interpreter segment) + decompress (ZSTD) + compile (WebAssembly.Module, lazy) + load the kernel inside',
  reps,
  engine: `V8 ${process.versions.v8} (Node ${process.version})`,
  rows,
}));
