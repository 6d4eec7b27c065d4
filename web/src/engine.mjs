// What this engine (V8 or any WebAssembly engine) runs, probed with tiny
// modules, bounded by the features the sandbox ever runs (layouts.mjs
// ENGINE_FEATURES, as interpreter/src/caps.rs): SIMD and tail calls are
// probed; bulk memory, multi-value and reference types are in every engine
// this host targets.
import { FEAT } from './spec.mjs';
import { ENGINE_FEATURES } from './layouts.mjs';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
// (func (result v128) v128.const i64x2 0 0)
const SIMD = [...HEADER, 1, 5, 1, 0x60, 0, 1, 0x7b, 3, 2, 1, 0, 10, 22, 1, 20, 0, 0xfd, 12, ...new Array(16).fill(0), 0x0b];
// (func return_call 0)
const TAIL_CALL = [...HEADER, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 6, 1, 4, 0, 0x12, 0, 0x0b];

let cached = null;

/** Feature bits this engine runs. */
export function engineFeatures() {
  if (cached !== null) return cached;
  let bits = ENGINE_FEATURES.reduce((a, name) => a | FEAT[name], 0);
  if (!WebAssembly.validate(new Uint8Array(TAIL_CALL))) bits &= ~FEAT['tail-call'];
  if (WebAssembly.validate(new Uint8Array(SIMD))) bits |= FEAT.simd;
  return (cached = bits);
}
