// The module scanner derives the feature bits a module uses the way
// rvf-pack does (leave-one-out validation with wasmparser): checked on
// the packed kernels and on one small module per proposal, against
// rvf-pack's own derivation (what `create` writes into the WasmHeader).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as rvf from '../src/node.mjs';
import { root, rvfPack } from './common.mjs';
import { wasm, T } from './wasm-build.mjs';

const bits = (...names) => names.reduce((a, n) => a | rvf.FEAT[n], 0);
const fn = (body, type = 0, locals = []) => ({ type, locals, body });

test('the packed kernels: baseline needs nothing, the SIMD build simd and bulk memory', () => {
  const k = (v) => fs.readFileSync(path.join(root, 'microkernel/dist', `solver-${v}.wasm`));
  const base = rvf.scanModule(k('baseline')), simd = rvf.scanModule(k('simd'));
  assert.equal(base.error, null);
  assert.deepEqual([base.features, base.unsupported], [0, []]);
  assert.deepEqual([simd.features, simd.unsupported], [bits('simd', 'bulk-memory'), []]);
});

const cases = {
  mvp: [wasm({ types: [[[], [T.i32]]], funcs: [fn([0x41, 7])] }), []],
  'v128.const': [wasm({ types: [[[], [T.i32]]], funcs: [fn([0xfd, 12, ...new Array(16).fill(0), 0xfd, 27, 0])] }), ['simd']],
  'v128 local': [wasm({ funcs: [fn([], 0, [[1, T.v128]])] }), ['simd']],
  'memory.fill': [wasm({ memory: [1], funcs: [fn([0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 11, 0])] }), ['bulk-memory']],
  'passive data': [wasm({ memory: [1], data: [1, 1, 1, 7] }), ['bulk-memory']],
  'data count section': [wasm({ memory: [1], datacount: 1, data: [1, 0, 0x41, 0, 0x0b, 1, 7] }), ['bulk-memory']],
  'data count 0, no data section': [wasm({ memory: [1], datacount: 0 }), ['bulk-memory']],
  'data count, no memory': [wasm({ datacount: 0 }), ['bulk-memory']],
  'memory.init with a data count': [wasm({ memory: [1], datacount: 1, funcs: [fn([0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 8, 0, 0])], data: [1, 1, 1, 7] }), ['bulk-memory']],
  'data.drop of an active segment': [wasm({ memory: [1], datacount: 1, funcs: [fn([0xfc, 9, 0])], data: [1, 0, 0x41, 0, 0x0b, 1, 7] }), ['bulk-memory']],
  'passive element segment': [wasm({ tables: [[T.funcref, 1]], funcs: [fn([])], elems: [1, 1, 0, 1, 0] }), ['bulk-memory']],
  'two results': [wasm({ types: [[[], [T.i32, T.i32]]], funcs: [fn([0x41, 1, 0x41, 2])] }), ['multi-value']],
  'block with a type index': [wasm({ types: [[[], []], [[T.i32], [T.i32]]], funcs: [fn([0x41, 1, 0x02, 1, 0x0b, 0x1a])] }), ['multi-value']],
  'ref.null': [wasm({ funcs: [fn([0xd0, T.funcref, 0x1a])] }), ['reference-types']],
  'typed select': [wasm({ funcs: [fn([0x41, 1, 0x41, 2, 0x41, 0, 0x1c, 1, T.i32, 0x1a])] }), ['reference-types']],
  'overlong call_indirect': [wasm({ tables: [[T.funcref, 1]], funcs: [fn([0x41, 0, 0x11, 0, 0x80, 0x00])] }), ['reference-types']],
  'table.size': [wasm({ tables: [[T.funcref, 1]], funcs: [fn([0xfc, 16, 0, 0x1a])] }), ['reference-types']],
  'two tables': [wasm({ tables: [[T.funcref, 1], [T.funcref, 1]] }), ['reference-types']],
  'externref param': [wasm({ types: [[[T.externref], []]], funcs: [fn([])] }), ['reference-types']],
  return_call: [wasm({ funcs: [fn([0x12, 0])] }), ['tail-call']],
  'atomic.fence': [wasm({ funcs: [fn([0xfe, 3, 0])] }), ['threads']],
};

for (const [name, [bytes, want]] of Object.entries(cases)) {
  test(`${name}: the scanner and rvf-pack derive [${want.join(', ') || 'none'}]`, () => {
    assert.ok(WebAssembly.validate(bytes) || want.includes('threads'), `${name}: the test module itself validates`);
    const scan = rvf.scanModule(bytes);
    assert.equal(scan.error, null, scan.error);
    assert.equal(rvf.featureNames(scan.features), rvf.featureNames(bits(...want)));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-feat-'));
    fs.writeFileSync(path.join(dir, 'm.wasm'), bytes);
    const made = rvfPack(['create', path.join(dir, 'm.rvf'), '--solver', path.join(dir, 'm.wasm'), '--allow-no-baseline', '--force']);
    assert.equal(made.status, 0, made.stderr);
    const info = JSON.parse(rvfPack(['inspect', path.join(dir, 'm.rvf'), '--json']).stdout);
    const seg = info.segments.find((s) => s.type === 'WASM');
    assert.equal(rvf.featureNames(scan.features), seg.detail.required_features, `rvf-pack derives ${seg.detail.required_features}`);
  });
}

test('uses no RVF host runs are named, and a start function is one', () => {
  const start = rvf.scanModule(wasm({ funcs: [fn([])], start: 0 }));
  assert.deepEqual(start.unsupported, ['a start function']);
  const shared = rvf.scanModule(wasm({ memory: [1, 1, 3] }));
  assert.ok(shared.unsupported.some((u) => /shared memory/.test(u)));
  const relaxed = rvf.scanModule(wasm({ types: [[[], []]], funcs: [fn([0xfd, 12, ...new Array(16).fill(0), 0xfd, 12, ...new Array(16).fill(0), 0xfd, 0x80, 0x02, 0x1a])] }));
  assert.ok(relaxed.unsupported.includes('relaxed SIMD'));
  assert.match(rvf.scanModule(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 9])).error, /unexpected end/);
});

// Modules whose data count section is wrong or missing: rvf-pack refuses to pack them (wasmparser),
// and this host refuses them too (the scanner derives bulk memory, V8's validator refuses the module:
// a candidate's verdict is module_invalid either way).
const badDataCount = {
  'data count 2, one data segment': wasm({ memory: [1], datacount: 2, data: [1, 0, 0x41, 0, 0x0b, 1, 7] }),
  'data count 1, no data section': wasm({ memory: [1], datacount: 1 }),
  'memory.init without a data count': wasm({ memory: [1], funcs: [fn([0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 8, 0, 0])], data: [1, 1, 1, 7] }),
  'data.drop without a data count': wasm({ memory: [1], funcs: [fn([0xfc, 9, 0])], data: [1, 1, 1, 7] }),
};
for (const [name, bytes] of Object.entries(badDataCount)) {
  test(`${name}: refused by rvf-pack and by this host`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rvf-feat-'));
    fs.writeFileSync(path.join(dir, 'm.wasm'), bytes);
    const made = rvfPack(['create', path.join(dir, 'm.rvf'), '--solver', path.join(dir, 'm.wasm'), '--allow-no-baseline', '--force']);
    assert.notEqual(made.status, 0, 'rvf-pack packs it');
    assert.match(made.stderr, /not a valid WebAssembly module: data count/);
    assert.equal(WebAssembly.validate(bytes), false);
    const scan = rvf.scanModule(bytes);
    assert.ok(scan.error !== null || scan.features & rvf.FEAT['bulk-memory']);
  });
}
