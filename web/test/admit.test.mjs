// Module admission against the Rust host: small ABI modules, each breaking
// one rule, packed with `rvf-pack create --force`; both hosts must give the
// same verdict class to every candidate and the same exit code to a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as rvf from '../src/node.mjs';
import { root, web, rvfPack } from './common.mjs';
import { abiModule, T } from './wasm-build.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-admit-'));
const js = (args) => spawnSync(process.execPath, [path.join(web, 'bin/rvf-js.mjs'), ...args], { encoding: 'utf8' });

const cases = {
  'a module that speaks the ABI': [abiModule(), 'selected'],
  'ABI 2.0': [abiModule({ abiVersion: 0x20000 }), 'rejected:module_abi'],
  'a start function': [abiModule({ start: true }), 'rejected:module_invalid'],
  'no rvf_run export': [abiModule({ dropExport: 'rvf_run' }), 'rejected:module_export'],
  'rvf_alloc exported as a global': [abiModule({ retypeExport: 'rvf_alloc' }), 'rejected:module_export'],
  'no memory export': [abiModule({ dropExport: 'memory' }), 'rejected:module_export'],
  'an import of rvf.info with the wrong result': [abiModule({ types: [[[T.i32], [T.i32]]], imports: [['rvf', 'info', 3]] }), 'rejected:module_import'],
  'an import of rvf.row with the right type': [abiModule({ types: [[[T.i32, T.i32, T.i32, T.i32, T.i32], [T.i64]]], imports: [['rvf', 'row', 3]] }), 'selected'],
  'an import from env': [abiModule({ types: [[[], []]], imports: [['env', 'abort', 3]] }), 'rejected:module_import'],
  'an initial memory over the cap (--max-memory 64K)': [abiModule({ memoryMin: 2 }), 'rejected:module_memory', ['--max-memory', '64K']],
};

for (const [name, [bytes, want, host = []]] of Object.entries(cases)) {
  test(`${name}: ${want} in both hosts, and the same exit code`, () => {
    const m = path.join(dir, 'm.wasm'), f = path.join(dir, `${name.replace(/\W+/g, '-')}.rvf`);
    fs.writeFileSync(m, bytes);
    const made = rvfPack(['create', f, '--matrix', path.join(root, 'samples/karate.mtx'), '--solver', m, '--force']);
    assert.equal(made.status, 0, made.stderr);
    const maxMemory = host.length ? 64 * 1024 : undefined;
    const sel = new rvf.Session(rvf.openFile(fs.readFileSync(f)), { maxMemory }).explain();
    assert.equal(sel.verdict(0).class, want, sel.verdict(0).text);
    const rust = JSON.parse(rvfPack(['select', f, '--explain', '--json', ...host]).stdout);
    assert.equal(rust.candidates[0].verdict_class, want, rust.candidates[0].verdict);
    const [a, b] = [js(['run', f, 'cg', ...host]), rvfPack(['run', f, 'cg', ...host])];
    assert.equal(a.status, b.status, `js: ${a.stderr}\nrust: ${b.stderr}`);
  });
}
