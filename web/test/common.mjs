// Shared by the tests: the repository root, the rvf-pack binary (built by
// `cargo build -p rvf-pack`), sample files packed with both kernel
// variants (and one with labels), and the Rust host's answers.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const web = path.join(root, 'web');
export const packBin = process.env.RVF_PACK || path.join(root, 'target/debug/rvf-pack');

let made = null;
/** Sample files (made once per test process). */
export function samples() {
  if (made) return made;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-web-'));
  const s = (n) => path.join(root, 'samples', n);
  const k = (v) => path.join(root, 'microkernel/dist', `solver-${v}.wasm`);
  const solvers = ['--solver', k('baseline'), '--solver', k('simd')];
  const karate = path.join(dir, 'karate.rvf');
  const karateXxh3 = path.join(dir, 'karate-xxh3.rvf');
  const poisson = path.join(dir, 'poisson.rvf');
  const meta = path.join(dir, 'meta.rvf');
  execFileSync(packBin, ['create', karate, '--matrix', s('karate.mtx'), '--with-transpose', ...solvers]);
  execFileSync(packBin, ['create', karateXxh3, '--matrix', s('karate.mtx'), '--with-transpose', ...solvers, '--checksum', 'xxh3']);
  execFileSync(packBin, ['create', poisson, '--matrix', s('poisson16.mtx'), '--rhs', s('poisson16_rhs.txt'), '--vectors', s('points.fvecs'), ...solvers]);
  execFileSync(packBin, ['create', meta, '--matrix', s('karate.mtx'), '--with-transpose', ...solvers, '--meta', 'title=Karate club', '--meta', 'source=Zachary 1977']);
  // Labelled: the nodes of Les Miserables' co-occurrence graph (a META segment of labels).
  const lesmis = path.join(dir, 'lesmis.rvf');
  execFileSync(packBin, ['create', lesmis, '--matrix', s('lesmis.mtx'), '--with-transpose', '--labels', s('lesmis.labels'), '--solver', k('baseline')]);
  made = { dir, karate, karateXxh3, poisson, meta, lesmis };
  return made;
}

let booted = null;
/** Sample files that carry the interpreter (create --bootstrap): karate with its
 *  transpose, Poisson with its right-hand side and the points (made once per process). */
export function bootedSamples() {
  if (booted) return booted;
  const dir = samples().dir;
  const s = (n) => path.join(root, 'samples', n);
  const k = (v) => path.join(root, 'microkernel/dist', `solver-${v}.wasm`);
  const solvers = ['--solver', k('baseline'), '--solver', k('simd'), '--bootstrap'];
  const karate = path.join(dir, 'karate-booted.rvf');
  const poisson = path.join(dir, 'poisson-booted.rvf');
  execFileSync(packBin, ['create', karate, '--matrix', s('karate.mtx'), '--with-transpose', ...solvers]);
  execFileSync(packBin, ['create', poisson, '--matrix', s('poisson16.mtx'), '--rhs', s('poisson16_rhs.txt'), '--vectors', s('points.fvecs'), ...solvers]);
  booted = { dir, karate, poisson };
  return booted;
}

/** rvf-pack with `args`: {status, stdout, stderr}. */
export function rvfPack(args) {
  const r = spawnSync(packBin, args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The Rust host's `run --json` (with a host-feature mask), plus its exit status. */
export function rustRun(file, method, args, mask) {
  const a = ['run', file, method, ...args, '--json'];
  if (mask) a.push('--host-features', mask);
  const r = rvfPack(a);
  return { ...(r.stdout.trim() ? JSON.parse(r.stdout) : {}), exitStatus: r.status, stderr: r.stderr };
}
