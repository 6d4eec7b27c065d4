// The bootstrap chain a file offers (loader/src/bootstrap.rs, as upstream's
// WASM bootstrap specification resolves it): from the roles of its WASM
// segments in bootstrap_priority order (lower first, then file order). A
// Combined module: the file runs itself (self-contained); an Interpreter
// and a Microkernel: two-stage; only Microkernels: the host's engine runs
// them (host-required); none: no-code. What the file offers, not what this
// host runs (selection decides that; this host runs kernels directly).
import { SEG, format } from './spec.mjs';
import { parseWasm } from './payloads.mjs';

const role = (name) => format.roles.find((r) => r.name === name).id;

/** The chain of `file`: {chain, self_bootstrapping, ...segments} as `rvf-pack select --json` shows it. */
export function bootstrapChain(file) {
  const mods = [];
  file.directory.forEach((e, i) => {
    try {
      const s = file.segment(i);
      if (s.header.segType !== SEG.WASM) return;
      const h = parseWasm(s.payload).header;
      mods.push([h.priority, i, h.role]);
    } catch { /* takes no part */ }
  });
  mods.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const first = (r) => mods.find((m) => m[2] === r)?.[1];
  const combined = first(role('combined'));
  if (combined !== undefined) return { chain: 'self-contained', self_bootstrapping: true, combined };
  const [interpreter, microkernel] = [first(role('interpreter')), first(role('microkernel'))];
  if (microkernel === undefined) return { chain: 'no-code', self_bootstrapping: false };
  if (interpreter !== undefined) return { chain: 'two-stage', self_bootstrapping: true, interpreter, microkernel };
  return { chain: 'host-required', self_bootstrapping: false, microkernels: mods.filter((m) => m[2] === role('microkernel')).map((m) => m[1]) };
}

/** The chain in words (rvf-pack select --explain). */
export function describeChain(c) {
  switch (c.chain) {
    case 'self-contained': return `self-contained (the Combined module, segment ${c.combined}, runs itself)`;
    case 'two-stage': return `two-stage (the in-file interpreter, segment ${c.interpreter}, can run the kernel, segment ${c.microkernel}; run --via interpreter)`;
    case 'host-required': return 'host-required (kernels only: this host\'s engine runs them; pack --bootstrap to carry an interpreter)';
    default: return 'none (no solver module)';
  }
}
