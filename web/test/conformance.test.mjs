// The conformance set (tests/conformance/cases.json, written by the Rust
// tests from tests/tests/common/cases.rs): every verdict every host must
// reach, run in the JS host: parse error classes, per-segment hash
// statuses, every candidate's selection verdict under a host mask, and run
// outcomes (status and output digest, or the exit name of the refusal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as rvf from '../src/node.mjs';
import { root } from './common.mjs';

const dir = path.join(root, 'tests/conformance');
const set = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8'));

test('the set is the one this test understands', () => {
  assert.equal(set.schema, 'rvf-boot/conformance');
  assert.equal(set.version, 1);
  assert.ok(set.cases.length >= 30, `${set.cases.length} cases`);
});

let runs = 0;
for (const c of set.cases) {
  test(`${c.file}: ${c.what}`, () => {
    const bytes = fs.readFileSync(path.join(dir, c.file));
    let file = null, error = null;
    try { file = rvf.openFile(bytes); } catch (e) { error = e; }
    if (c.parse === 'ok') assert.equal(error, null, `${c.file} should parse: ${error?.message}`);
    else {
      assert.ok(error instanceof rvf.RvfError, `${c.file} should fail with ${c.parse.error}`);
      assert.equal(error.class, c.parse.error, error.message);
      assert.equal(error.exit, 'bad_container');
      return;
    }
    c.hashes.forEach((want, i) => assert.equal(file.segments[i].hashStatus.class, want, `segment ${i} hash`));
    for (const s of c.selections) {
      const sel = new rvf.Session(file, { hostFeatures: s.host }).explain();
      const got = sel.candidates.map((cand, i) => ({ segment: cand.index, verdict: sel.verdict(i).class }));
      assert.deepEqual(got, s.verdicts, `selection under ${s.host}: ${JSON.stringify(sel.toJSON().candidates.map((x) => x.verdict))}`);
    }
    for (const r of c.runs) {
      // Host options (rvf-pack's HostArgs) configure the session; the rest are the run's.
      const { segment, allow_unhashed: allowUnhashed, ...options } = r.options;
      const session = new rvf.Session(file, { hostFeatures: r.host, segment, allowUnhashed });
      let out = null, err = null;
      try { out = session.run(r.method, options); } catch (e) { err = e; }
      const what = `${r.method} ${JSON.stringify(r.options)} under ${r.host}`;
      if (r.expect.refused) {
        assert.ok(err instanceof rvf.RvfError, `${what}: expected refusal ${r.expect.refused}, ran (status ${out?.report.status})`);
        assert.equal(err.exit, r.expect.refused, `${what}: ${err.message}`);
        assert.equal(err.code, rvf.EXIT[r.expect.refused].code);
      } else {
        assert.equal(err, null, `${what}: refused: ${err?.message}`);
        assert.equal(out.report.status, r.expect.status, what);
        assert.equal(out.digest, r.expect.output_digest, what);
      }
      runs++;
    }
  });
}

test('enough runs were checked', () => {
  assert.ok(runs >= 15, `only ${runs} runs`);
});
