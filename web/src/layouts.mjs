// Byte layouts, limits and the module contract the JS host needs, under the
// names its modules import. Every value comes from the generated facts
// (spec.generated.mjs, written by spec/ = crate rvf-spec, which Rust uses
// too); this file only reshapes them. The Rust owner is named at each.

import facts from './spec.generated.mjs';

const { layouts: L, sandbox: B, abi } = facts;
const freeze = (o) => Object.freeze({ ...o });
/** Signature rows → { name: [params, results] }. */
const signatures = (rows) => Object.freeze(Object.fromEntries(rows.map((f) => [f.name, [f.params, f.results]])));

/** The 64-byte segment header (spec/src/segment.rs: rvf_types::SegmentHeader's offsets). */
export const SEGMENT_HEADER = freeze(L.segment_header);

/** The runtime-format MANIFEST payload (spec/src/manifest.rs). */
export const MANIFEST = Object.freeze({ ...L.manifest, entry: freeze(L.manifest.entry) });

/** The tail scan's bounds (spec/src/manifest.rs `scan`). */
export const SCAN = freeze(L.scan);

/** The 64-byte WasmHeader (spec/src/wasm_header.rs: rvf_types' WasmHeader offsets);
 *  max_decompressed: the largest module inspect decompresses to judge its hash
 *  (hosts decompress at most their module limit, LIMITS.max_module_bytes). */
export const WASM_HEADER = freeze(L.wasm_header);

/** The SPARSE payload, version 1 (spec/src/sparse.rs); arrays in payload
 *  order, by their ABI array names (abi.arrays). */
export const SPARSE = Object.freeze({ ...L.sparse, at: freeze(L.sparse.at), flags: freeze(L.sparse.flags), arrays: Object.freeze([...L.sparse.arrays]) });

/** The VEC payload (spec/src/vectors.rs): dim u16, count u32, rows of (id u64, dim × f32). */
export const VEC = freeze(L.vec);

/** The RVFMETA encoding (spec/src/meta.rs: rvf_types::metadata's constants). */
export const META = freeze(L.meta);

/** The sandbox's limits (spec/src/sandbox.rs `limits`; fuel has no V8 counterpart). */
export const LIMITS = freeze(B.limits);

/** The `rvf` imports with their exact types (spec/src/sandbox.rs IMPORTS). */
export const ABI_IMPORTS = signatures(B.imports);

/** The exports every solver module has (spec/src/sandbox.rs EXPORTS, plus `memory`). */
export const ABI_EXPORTS = signatures(B.exports);

/** Feature names the sandbox can ever run, SIMD when the engine has it
 *  (spec/src/sandbox.rs ENGINE_FEATURES: never threads, gc or exception handling). */
export const ENGINE_FEATURES = Object.freeze([...B.engine_features]);

/** Params::default() (spec/src/layout.rs), in rvf-pack run's option names
 *  (as host/src/request.rs Request::new maps them). */
const P = abi.params_defaults;
export const DEFAULTS = Object.freeze({
  tol: P.tol, maxIter: P.max_iter, precondition: (P.flags & abi.flag_precondition) !== 0, minMargin: P.min_margin,
  alpha: P.alpha, epsilon: P.epsilon, source: P.source, target: P.target, walks: P.num_walks,
  seed: BigInt(P.seed), budget: BigInt(P.work_budget), k: P.k,
});

/** Segment signature footers and the signed message: spec/src/signing.rs,
 *  from the generated facts (docs/FORMAT.md "Signatures"). The footer
 *  follows the payload: sig_algo u16, sig_length u16, signature,
 *  footer_length u32. */
export const SIGNATURE = Object.freeze({ ...facts.signing, at: Object.freeze({ ...facts.signing.at }) });

/** Labels: spec/src/labels.rs, from the generated facts (docs/FORMAT.md
 *  "Labels"). A matrix is named by the hex of its SHAKE-256/128 digest. */
export const LABELS = Object.freeze({ ...facts.labels, digest_hex_len: 2 * facts.signing.digest_len });
