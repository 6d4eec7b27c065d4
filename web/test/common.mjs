// Shared by the tests: the rvf-pack binary (built by `cargo test`), sample
// files packed with both kernel variants, and the Rust host's answers.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const packBin = process.env.RVF_PACK || path.join(root, 'target/debug/rvf-pack');

export function samples() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-web-'));
  const s = (n) => path.join(root, 'samples', n);
  const k = (v) => path.join(root, 'microkernel/dist', `solver-${v}.wasm`);
  const solvers = ['--solver', k('baseline'), '--solver', k('simd')];
  const karate = path.join(dir, 'karate.rvf');
  const poisson = path.join(dir, 'poisson.rvf');
  execFileSync(packBin, ['create', karate, '--matrix', s('karate.mtx'), '--with-transpose', ...solvers]);
  execFileSync(packBin, ['create', poisson, '--matrix', s('poisson16.mtx'), '--rhs', s('poisson16_rhs.txt'), '--vectors', s('points.fvecs'), ...solvers]);
  return { dir, karate, poisson };
}

/** The Rust host's run with a host-feature mask: its JSON output, with
 *  `receipt` the run receipt it wrote (docs/RECEIPTS.md). */
export function rustRun(file, method, args, mask) {
  const receipt = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-receipt-')), 'r.json');
  const a = ['run', file, method, ...args, '--json', '--receipt', receipt];
  if (mask) a.push('--host-features', mask);
  const out = JSON.parse(execFileSync(packBin, a).toString());
  out.receipt = JSON.parse(fs.readFileSync(receipt, 'utf8'));
  return out;
}
