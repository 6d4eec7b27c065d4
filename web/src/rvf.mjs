// rvf-boot in JavaScript: read an .rvf file, judge its solver segments with
// the Rust host's rules, and run one in this engine's WebAssembly with the
// `rvf` imports served from the file's bytes. This module is the core and
// imports no dependency: the entry points (node.mjs for Node, browser.mjs
// for bundlers, the page's worker) install the hash functions first.
//
//   import { openFile, Session } from 'rvf-boot-web';
//   const file = openFile(bytes);                  // throws RvfError(.class)
//   const out = new Session(file).run('ppr-forward', { source: 0, epsilon: 1e-6 });
//   out.digest, out.report.status, out.rows(), out.toJSON()
//   new Session(file, { trust: 'alice e35f…09' })  // only code (and data) alice signed
//   new Session(file, { via: 'interpreter' })     // the kernel runs inside the file's own interpreter:
//                                                 // out.via, out.fuelUsed (the Rust host's kernel fuel)
export { RvfError } from './errors.mjs';
export { openFile } from './file.mjs';
export { Session, Outcome, hostFeatures, VIA } from './session.mjs';
export { Selection, pickInterpreter } from './select.mjs';
export { compileInterpreter, Interpreter, LoadedKernel, TwoStageError, kernelLimits, interp } from './two-stage.mjs';
export { parseReceipt, replay as replayReceipt, contradictions as receiptContradictions, parseJsonExact } from './replay.mjs';
export { makeRequest, METHOD_OPTIONS } from './request.mjs';
export { DEFAULTS } from './layouts.mjs';
export { engineFeatures } from './engine.mjs';
export { scanModule } from './wasm-scan.mjs';
export { parseWasm, wasmCode } from './payloads.mjs';
export { inspectJson, walkJson, segmentJson, detailLine } from './describe.mjs';
export { bootstrapChain, describeChain } from './bootstrap.mjs';
export { decodeResults, rows, csv, text, npy, rustExp, labelColumn } from './results.mjs';
export { findLabels, parseLabelKey, Labels } from './labels.mjs';
export { setHashProvider, setShake256, onHashProgress, hasHashProvider, shake256, xxh3_128le, hex } from './hashes.mjs';
export { trustPolicy, trustedKey, parseKeyText, parsePublicKey, parseTrustFile } from './trust.mjs';
export { keyId } from './signature.mjs';
export { setEd25519, hasEd25519 } from './ed25519.mjs';
export {
  facts, SEG, FEAT, METHODS, METRICS, STATUS, EXIT, featureNames, applyFeatureMask, statusMessage, exitForStatus,
  roleName, targetName, segmentTypeName, checksumName,
} from './spec.mjs';
