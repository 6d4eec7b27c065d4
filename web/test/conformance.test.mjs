// The conformance set (tests/conformance/cases.json, written by the Rust
// tests from tests/tests/common/cases.rs): every verdict every host must
// reach, run in the JS host: parse error classes, per-segment hash
// statuses, every candidate's selection verdict under a host mask (and,
// where a case names keys of the set's `keys`, under that trust policy),
// and run outcomes (status and output digest, or the exit name of the
// refusal), with runs under a trust policy as the case's options say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as rvf from '../src/node.mjs';
import { root } from './common.mjs';

const dir = path.join(root, 'tests/conformance');
const set = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8'));

/** The trust list of the key names in `names` (none when absent), with the
 *  public keys from the set's `keys` (as tests/tests/conformance.rs builds its policy). */
const trustOf = (names) => names?.map((name) => {
  assert.ok(set.keys?.[name], `the set has no key ${name}`);
  return { name, publicKey: set.keys[name] };
});

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
      const sel = new rvf.Session(file, { hostFeatures: s.host, trust: trustOf(s.trust) }).explain();
      const got = sel.candidates.map((cand, i) => ({ segment: cand.index, verdict: sel.verdict(i).class }));
      assert.deepEqual(got, s.verdicts, `selection under ${s.host}${s.trust ? ` trusting ${s.trust}` : ''}: ${JSON.stringify(sel.toJSON().candidates.map((x) => x.verdict))}`);
    }
    for (const r of c.runs) {
      // Host options (rvf-pack's HostArgs) configure the session; the rest are the run's.
      const { segment, allow_unhashed: allowUnhashed, trust, trust_code_only: unsignedData, ...options } = r.options;
      const session = new rvf.Session(file, { hostFeatures: r.host, segment, allowUnhashed, trust: trustOf(trust), unsignedData });
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

test('enough runs were checked, signed files and trust policies among them', () => {
  assert.ok(runs >= 15, `only ${runs} runs`);
  const signed = set.cases.filter((c) => c.file.startsWith('signed'));
  assert.ok(signed.length >= 8, `${signed.length} signed cases`);
  assert.ok(signed.some((c) => c.runs.some((r) => r.expect.refused === 'untrusted')));
  assert.ok(signed.some((c) => c.selections.some((s) => s.trust)));
});
