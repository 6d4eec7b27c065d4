// Types of rvf-boot-web (src/rvf.mjs and its entry points). A test
// (test/package.test.mjs) fails when a runtime export is not declared here.

/** Names of the exit codes (spec.generated.mjs `exit`), e.g. 'usage', 'no_solver'. */
export type ExitName =
  | 'ok' | 'verify_failed' | 'usage' | 'bad_input' | 'bad_container' | 'io' | 'no_solver' | 'refused'
  | 'out_of_fuel' | 'memory_limit' | 'stack_overflow' | 'trap' | 'solver_refused' | 'not_converged' | 'replay_differs'
  | 'unhashed' | 'untrusted';

export type MethodName = 'cg' | 'jacobi' | 'ppr-forward' | 'ppr-backward' | 'walk-estimate' | 'knn';
export type MetricName = 'l2' | 'ip' | 'cosine';

/** Every error of the host. `class`: the Rust loader's Error::class for a
 *  container error (e.g. 'manifest_not_found'), else a rule name; `exit` and
 *  `code`: rvf-pack's exit code for it. */
export class RvfError extends Error {
  readonly class: string;
  readonly exit: ExitName;
  readonly code: number;
  toJSON(): { error: string; class: string; exit: ExitName; code: number };
}

export interface HashStatus {
  /** 'verified' | 'not_set' | 'mismatch' | 'unsupported' (the conformance classes). */
  class: 'verified' | 'not_set' | 'mismatch' | 'unsupported';
  /** What rvf-pack shows: 'verified', 'not set', 'MISMATCH', 'unsupported algo'. */
  label: string;
  rule?: string;
}

export interface Segment {
  index: number | null;
  offset: number;
  type: number;
  typeName: string;
  segmentId: bigint;
  payloadLength: number;
  checksumAlgo: number;
  contentHash: Uint8Array;
  alignmentPad: number;
  compression: number;
  payload: Uint8Array;
  flags: number;
  /** The header's SIGNED flag: a signature footer follows the payload (a claim until a policy checks it). */
  signed: boolean;
  /** Bytes of signature footer after the payload (0 when unsigned or unreadable). */
  footerLength: number;
  /** Computed (hashing the payload) on first read. */
  readonly hashStatus: HashStatus;
}

export interface DirEntry { segmentId: bigint; offset: bigint; payloadLength: bigint; segType: number }

export interface RvfFile {
  bytes: Uint8Array;
  length: number;
  end: number;
  rootPage: boolean;
  dialect: 'aligned' | 'legacy';
  manifest: {
    offset: number; epoch: number; dimension: number; totalVectors: bigint; profileId: number; metricId: number;
    directory: DirEntry[]; deleted: number; fileId: Uint8Array | null; rejectedNewer: number; hashStatus: HashStatus;
    [k: string]: unknown;
  };
  directory: DirEntry[];
  segments: Segment[];
  segment(i: number): { offset: number; header: unknown; payload: Uint8Array; footerLength: number; storedEnd: number };
}

/** Parse bytes as an RVF file; throws RvfError (class as the Rust loader's). */
export function openFile(bytes: Uint8Array | ArrayBuffer): RvfFile;

export interface WasmHeader {
  headerVersion: number; role: number; target: number; requiredFeatures: number; exportCount: number;
  bytecodeSize: number; compressedSize: number; compression: number; minMemoryPages: number; maxMemoryPages: number;
  tableCount: number; bytecodeHash: Uint8Array; priority: number; interpreterType: number;
}

/** A WASM segment's payload: its header and the stored bytes (compressed when
 *  `header.compression` is 1, LZ4 block, or 2, ZSTD frame). Throws RvfError
 *  (class bad_payload) as the loader's WasmSegment::parse. */
export function parseWasm(payload: Uint8Array): { header: WasmHeader; bytecode: Uint8Array };
/** The module (what rvf-pack extract writes): the stored bytes, or them decompressed
 *  into exactly bytecode_size bytes, only when that is at most `cap` bytes. Throws RvfError
 *  (class bad_payload) on corrupt data or a size lie. */
export function wasmCode(w: { header: WasmHeader; bytecode: Uint8Array }, cap: number): Uint8Array;

/** A key the host trusts: the name the user gave it, the 32 key bytes, and
 *  its id (SHA-256 of the key, first 8 bytes; shown and recorded, never trusted). */
export interface TrustedKey { readonly name: string; readonly publicKey: Uint8Array; readonly id: Uint8Array; readonly idHex: string }

/** What a session requires: code (and, unless `unsignedData`, data) signed by one of `keys`. */
export interface TrustPolicy { readonly keys: readonly TrustedKey[]; readonly unsignedData: boolean }

/** A trust list: trust-file text ('NAME HEX' lines, '#' comments; inline hex keys only),
 *  entries {name, publicKey: 64 hex digits or 32 bytes}, or a trustPolicy(). */
export type TrustList = string | Array<{ name: string; publicKey: string | Uint8Array | ArrayLike<number> }> | TrustPolicy;

/** A SigError of the loader: 'sig_truncated' | 'sig_algorithm' | 'sig_length' | 'sig_footer_length' | 'sig_key' | 'sig_mismatch'. */
export interface SigError { readonly class: string; readonly message: string; readonly [field: string]: unknown }

/** Who signed a segment (host trust::Signer). */
export interface Signer {
  readonly class: 'unsigned' | 'bad_footer' | 'signed_unchecked' | 'trusted' | 'untrusted';
  /** The trusted key whose signature verified (class 'trusted'). */
  readonly key: TrustedKey | null;
  /** What is wrong with the footer (class 'bad_footer'). */
  readonly error: SigError | null;
  readonly words: string;
}

/** A signer as rvf-pack's JSON shows it. */
export interface SignerJson {
  class: Signer['class']; signed: boolean; trusted: boolean; key_name: string | null; key_id: string | null; words: string;
}

export interface Candidate {
  index: number;
  offset: number;
  header: WasmHeader | null;
  /** Classes as the Rust host's: 'malformed', 'bad_signature', 'role', 'target', 'features', 'segment_hash',
   *  'bytecode_hash', 'untrusted', 'module_*'. */
  rejection: { class: string; message: string } | null;
  /** Who signed it (checked against the trusted keys under a policy). */
  signer: Signer;
  module: WebAssembly.Module | null;
  abiVersion: number | null;
}

export interface SelectionJson {
  host_features: string;
  selected_segment: number | null;
  /** How the chosen kernel runs: always 'direct' here (this engine; rvf-pack can also go through an in-file interpreter). */
  via: 'direct';
  candidates: Array<{
    segment: number; offset: number; role: string | null; target: string | null; required_features: string | null;
    priority: number | null; selected: boolean; signer: SignerJson; verdict: string; verdict_class: string;
  }>;
}

export class Selection {
  hostFeatures: number;
  candidates: Candidate[];
  chosenPosition: number | null;
  forced: number | null;
  readonly chosen: Candidate | null;
  /** True when some candidate was refused under the trust policy. */
  readonly untrusted: boolean;
  /** The exit name when nothing runs: 'memory_limit', 'untrusted', 'refused' or 'no_solver'. */
  readonly noSolverExit: ExitName;
  /** 'selected' | 'eligible' | 'not_verified' | 'rejected:<class>', and the words. */
  verdict(i: number): { class: string; text: string };
  toJSON(): SelectionJson;
  noSolverMessage(): string;
}

/** Options in rvf-pack run's terms (camelCase, or its snake_case names). */
export interface RunOptions {
  tol?: number | string;
  maxIter?: number | string;
  precondition?: boolean;
  minMargin?: number | string;
  alpha?: number | string;
  epsilon?: number | string;
  source?: number | string;
  target?: number | string;
  walks?: number | string;
  seed?: number | bigint | string;
  budget?: number | bigint | string;
  k?: number | string;
  metric?: MetricName;
  /** The k-NN query: any array-like of numbers, or "1,2,3". */
  query?: Float32Array | Float64Array | number[] | string;
  queryIndex?: number | string;
  /** Directory index of the SPARSE segment to use. */
  data?: number;
  verifyData?: boolean;
  [snakeCase: string]: unknown;
}

export interface Report {
  status: number; statusMessage: string; statusWords: string; detail: number; detailName: string;
  iterations: number; residual: number; estimate: number; work: number; converged: boolean;
  resultCount: number; resultKind: number;
}

export type Results = { kind: 'dense'; values: Float64Array } | { kind: 'pairs'; pairs: Array<[number, number]> };

export class Outcome {
  method: MethodName;
  selection: Selection;
  segment: { index: number; offset: number; requiredFeatures: number; role: number };
  data: { matrix: number | null; vectors: number[] };
  shape: { rows: number; cols: number; dim: number; count: number };
  params: Record<string, number | bigint>;
  input: Uint8Array;
  report: Report;
  output: Uint8Array;
  stats: { hostCalls: number; rowsServed: number; bytesServed: number };
  /** Who signed the code that ran; `authenticated`: whether a trust policy checked it. */
  signer: Signer;
  authenticated: boolean;
  /** SHAKE-256-256 of the output bytes, hex (what rvf-pack prints as output digest). */
  digest: string;
  valueLabel: string;
  readonly exit: ExitName;
  readonly refused: boolean;
  results(): Results;
  /** [index, value] rows in the order rvf-pack's table shows them. */
  rows(): Array<[number, number]>;
  value(name: string): string | null;
  statusWords(): string;
  summary(): string;
  /** The fields of `rvf-pack run --json` (no fuel_used). JSON-serialisable. With
   *  `labels` (Session#labels), pair rows get `label`, dense results a parallel
   *  `labels` list, and `labels_segments` says where they came from; `rows: false`
   *  leaves the results out (as rvf-pack with --out). */
  toJSON(o?: { file?: string | null; top?: number; labels?: Labels | null; rows?: boolean }): Record<string, unknown>;
}

/** Names for the rows of a vector set or the nodes of a matrix (docs/FORMAT.md "Labels"). */
export class Labels {
  /** Directory indices of the META segments they came from, in directory order. */
  segments: number[];
  /** The label of row or node `index`, or null. */
  get(index: number): string | null;
  /** How many labels there are. */
  readonly size: number;
}

/** The labels found for a run's data, and the META segments passed over under the trust policy. */
export interface FoundLabels {
  labels: Labels | null;
  /** `words`: e.g. "labels in META segment 6 not used: no trusted key signed them". */
  skipped: Array<{ segment: number; words: string }>;
}

/** The labels of `target` in `file` (rows of the vector set, or nodes of the matrix at
 *  a directory index); under a policy requiring signed data, unsigned META segments are skipped. */
export function findLabels(file: RvfFile, target: { vectors: true } | { matrix: number }, policy?: TrustPolicy | null): FoundLabels;
/** A label entry's key: its target and first index; null for any other key. */
export function parseLabelKey(key: string): { target: 'vectors'; first: bigint } | { target: 'matrix'; digest: string; first: bigint } | null;
/** The label column of rvf-pack's table for `shown` rows: its width (5..32 characters) and padded cells. */
export function labelColumn(shown: Array<[number, number]>, labels: Labels): { width: number; cell(index: number): string };

export interface SessionOptions {
  hostFeatures?: string | number;
  segment?: number | null;
  allowUnhashed?: boolean;
  /** Linear memory cap in bytes. */
  maxMemory?: number;
  /** Run only code (and read only data) signed by one of these keys; none: no policy (unauthenticated). */
  trust?: TrustList | null;
  /** Under a policy, accept data segments no trusted key signed (code must still be signed). */
  unsignedData?: boolean;
}

export class Session {
  constructor(file: RvfFile, o?: SessionOptions);
  file: RvfFile;
  host: number;
  force: number | null;
  policy: TrustPolicy | null;
  /** True when a trust policy is in force. */
  readonly authenticated: boolean;
  explain(): Selection;
  select(): Selection;
  /** Throws RvfError on refusals; a solver status is an Outcome. */
  run(method: MethodName | string, options?: RunOptions): Outcome;
  /** The labels of the data `out` read, under this session's trust policy. */
  labels(out: Outcome): FoundLabels;
}

export function hostFeatures(mask?: string | number | null): number;
export function engineFeatures(): number;
export function makeRequest(method: string, options?: RunOptions): Record<string, unknown>;
export const METHOD_OPTIONS: Readonly<Record<MethodName, readonly string[]>>;
export const DEFAULTS: Readonly<Record<string, number | bigint | boolean>>;

export interface ModuleScan {
  features: number; unsupported: string[]; error: string | null;
  types: Array<{ params: string[]; results: string[] }>;
  imports: Array<{ module: string; name: string; kind: string; type?: number }>;
  exports: Array<{ name: string; kind: string; index: number }>;
  funcTypes: number[]; memories: Array<{ min: number; max: number | null }>; tables: Array<{ min: number; max: number | null }>;
}
/** Which feature bits a WebAssembly module uses (and what no RVF host runs). */
export function scanModule(bytes: Uint8Array): ModuleScan;

/** The bootstrap chain the file offers (rvf-pack select --json `bootstrap`): by the roles of its
 *  WASM segments in priority order. What it offers, not what this host runs. */
export function bootstrapChain(file: RvfFile): { chain: 'self-contained' | 'two-stage' | 'host-required' | 'no-code'; self_bootstrapping: boolean;
  combined?: number; interpreter?: number; microkernel?: number; microkernels?: number[] };
export function describeChain(chain: ReturnType<typeof bootstrapChain>): string;
export function inspectJson(file: RvfFile): Record<string, unknown>;
export function walkJson(bytes: Uint8Array): Record<string, unknown>;
export function segmentJson(s: Segment): Record<string, unknown>;
export function detailLine(segmentJson: Record<string, unknown>): string;

export function decodeResults(kind: number, bytes: Uint8Array): Results;
export function rows(r: Results): Array<[number, number]>;
/** rvf-pack's CSV; with labels, an `index,label,value` file (labels quoted as needed). */
export function csv(r: Results, labels?: Labels | null): string;
export function text(r: Results): string;
export function npy(r: Results): Uint8Array;
export function rustExp(x: number): string;

export interface Hasher { update(bytes: Uint8Array): void; digest(): Uint8Array }
export function setHashProvider(p: { shake256(outBytes: number): Hasher; xxh3_128(): Hasher; crc32(): Hasher; sha256(): Hasher; sha512?(): Hasher }): void;
/** Use a js-sha3 style SHAKE-256 (e.g. js-sha3's `shake256`) in a browser. */
export function setShake256(fn: unknown): void;
export function onHashProgress(fn: ((done: number, total: number) => void) | null): void;
export function hasHashProvider(): boolean;
export function shake256(bytes: Uint8Array, outBytes: number): Uint8Array;
/** XXH3-128 as RVF stores it: the u128 little-endian. */
export function xxh3_128le(bytes: Uint8Array): Uint8Array;
export function hex(bytes: Uint8Array): string;

/** A trust policy from a trust list (keys are checked: 64 hex digits, strong Ed25519 points).
 *  Throws RvfError (exit 'bad_input') for a malformed or weak key. Any list is a policy, even an empty one. */
export function trustPolicy(trust: TrustList, o?: { unsignedData?: boolean }): TrustPolicy;
export function trustedKey(name: string, publicKey: Uint8Array | ArrayLike<number>): TrustedKey;
/** The 32 bytes of a key file's text (64 hex digits, '#' comment lines). */
export function parseKeyText(text: string): Uint8Array;
/** parseKeyText, refusing weak (small-order) and invalid points. */
export function parsePublicKey(text: string): Uint8Array;
/** A trust file's keys; `resolve(path)` reads a key given by path (none: paths are refused). */
export function parseTrustFile(text: string, resolve?: ((path: string) => Uint8Array) | null): TrustedKey[];
/** SHA-256 of a public key, first 8 bytes. */
export function keyId(publicKey: Uint8Array): Uint8Array;
/** Install the Ed25519 curve (@noble/ed25519's module, or an object with its `Point`). */
export function setEd25519(lib: { Point: unknown }): void;
export function hasEd25519(): boolean;

/** The facts generated from the Rust crate rvf-spec. */
export const facts: {
  abi: Record<string, any>;
  format: Record<string, any>;
  exit: Array<{ code: number; name: ExitName; meaning: string }>;
  [k: string]: unknown;
};
export const SEG: Readonly<Record<string, number>>;
export const FEAT: Readonly<Record<string, number>>;
export const METHODS: Readonly<Record<MethodName, { name: MethodName; id: number; result_kind: number; value_label: string }>>;
export const METRICS: Readonly<Record<MetricName, { name: MetricName; id: number; manifest_id: number; value_label: string }>>;
export const STATUS: Readonly<Record<string, number>>;
export const EXIT: Readonly<Record<ExitName, { code: number; name: ExitName; meaning: string }>>;
export function featureNames(bits: number): string;
export function applyFeatureMask(spec: string, host: number): number;
export function statusMessage(code: number): string;
export function exitForStatus(code: number): ExitName;
export function roleName(role: number): string;
export function targetName(target: number): string;
export function segmentTypeName(type: number): string;
export function checksumName(algo: number): string;
