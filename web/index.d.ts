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
  /** The compiled kernel: a WebAssembly.Module (direct), or a LoadedKernel (admitted inside the file's interpreter). */
  module: WebAssembly.Module | LoadedKernel | null;
  abiVersion: number | null;
}

export interface SelectionJson {
  host_features: string;
  selected_segment: number | null;
  /** What runs the chosen kernel: this engine ('direct') or the file's interpreter ('interpreter', two-stage). */
  via: 'direct' | 'interpreter';
  /** Two-stage selections only: the interpreter segment that runs the kernel and the features it runs,
   *  or (segment null) why no interpreter segment is usable. */
  interpreter?: { segment: number; features: string } | { segment: null; tried: Array<{ segment: number; why: string }> };
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
  /** null: kernels run in this engine; {index, features}: the interpreter segment that runs them
   *  (two-stage); {tried}: a two-stage selection with no usable interpreter ([index, words, class]). */
  via: null | { index: number; features: number } | { tried: Array<[number, string, string]> };
  /** 'direct' or 'interpreter'. */
  readonly path: 'direct' | 'interpreter';
  /** With via 'auto': the other path's selection, when this one chose nothing. */
  alternative: Selection | null;
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
  /** What ran the kernel: this engine, or the file's interpreter (two-stage). */
  via: 'direct' | 'interpreter';
  /** Kernel fuel metered by the interpreter's wasmi (two-stage runs); null for a direct run (V8 meters none). */
  fuelUsed: bigint | null;
  /** The report as the module wrote it (the ABI's field names). */
  rawReport: Record<string, number | bigint>;
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
  /** The fields of `rvf-pack run --json` (fuel_used only for two-stage runs). JSON-serialisable. With
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
  /** What runs the kernel: 'direct' (this engine, the default), 'interpreter' (the file's own
   *  interpreter segment, two-stage: kernel fuel and limits enforced inside) or 'auto' (direct,
   *  and the interpreter only when no kernel can run in this engine). */
  via?: Via;
  /** Kernel fuel budget of runs via the interpreter (a whole number below 2^64) [20000000000]. */
  fuel?: number | bigint | string | null;
  /** Kernel recursion limit of runs via the interpreter [1024]. */
  maxRecursion?: number;
  /** Emulate an engine with fewer features than this one (bits, or a mask spec such as '-simd'). */
  engineFeatures?: string | number | null;
}

export type Via = 'direct' | 'interpreter' | 'auto';
/** The values of SessionOptions.via. */
export const VIA: readonly Via[];

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
  via: Via;
  /** Kernel fuel of runs via the interpreter. */
  fuel: bigint;
  /** The kernel limits of runs via the interpreter. */
  readonly limits: KernelLimits;
  /** Change what runs the kernel, or its fuel, for later runs (the solver is selected again). */
  configure(o?: { via?: Via; fuel?: number | bigint | string | null }): this;
  /** Throws RvfError on refusals; a solver status is an Outcome. */
  run(method: MethodName | string, options?: RunOptions): Outcome;
  /** Run exact ABI parameters (by field name) and input bytes (a receipt's) on `matrix`:
   *  null (none), 'only' or a directory index. */
  runExact(params: Record<string, number | bigint>, input: Uint8Array, matrix: null | 'only' | number, verifyData?: boolean): Outcome;
  /** The labels of the data `out` read, under this session's trust policy. */
  labels(out: Outcome): FoundLabels;
}

/** Host features from a mask spec or bits, applied to `of` (default: this engine's features). */
export function hostFeatures(mask?: string | number | null, of?: number): number;
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

// Two-stage runs: the file's interpreter (wasmi compiled to WebAssembly) runs the kernel (docs/ABI.md "Interpreter ABI").

/** The interpreter ABI (rvf_spec::interp): version, export names and types, status codes. */
export const interp: {
  version: number; major: number; memory: string; stack_pointer: string;
  functions: Array<{ name: string; params: string[]; results: string[] }>;
  status: Array<{ code: number; name: string; exit: number }>;
  [k: string]: unknown;
};

/** A kernel's limits as rvfi_set_limits takes them (interpreter Limits). */
export interface KernelLimits {
  fuel: bigint; max_memory_bytes: bigint; max_recursion: number; max_table_elements: number; max_module_bytes: number; max_result_bytes: bigint;
}
/** The kernel limits of a two-stage run: fuel [20000000000], memory cap [1 GiB], recursion [1024]. */
export function kernelLimits(o?: { fuel?: number | bigint; maxMemory?: number | bigint; maxRecursion?: number }): KernelLimits;

/** The error of a sandbox (interpreter SandboxError) behind a TwoStageError. */
export interface SandboxErrorInfo { status: number; name: string; class: string; exit: ExitName; message: string; [k: string]: unknown }

/** Why a two-stage admission or run gave no result. `kind`: 'kernel' (the error a direct run
 *  gives: out of fuel, trap, ...), 'interpreter' (the module itself was stopped), 'features'
 *  (the kernel declares what the module cannot run), 'module' (not a usable interpreter module). */
export class TwoStageError extends Error {
  readonly kind: 'kernel' | 'interpreter' | 'features' | 'module';
  readonly sandbox: SandboxErrorInfo;
  /** The refusal of a run ending with this error (exit as the Rust host's). */
  toRvfError(): RvfError;
}

/** A kernel admitted inside the interpreter module; each run restores the state after loading into a fresh instance. */
export class LoadedKernel {
  readonly interpreter: Interpreter;
  readonly features: number;
  readonly limits: KernelLimits;
  readonly abiVersion: number;
  /** Milliseconds the admission took (instantiate, rvfi_load). */
  readonly loadMs: number;
  readonly twoStage: true;
  /** One run: the report, the output bytes, the host counters and the kernel fuel. Throws TwoStageError. */
  run(params: Record<string, number | bigint>, input: Uint8Array, src: unknown, bulkCheck: ((array: number) => boolean) | null, runCap?: number | bigint | null):
    { report: Record<string, number | bigint>; output: Uint8Array; stats: Record<string, number>; fuelUsed: bigint };
}

/** The interpreter module compiled by this engine and checked to speak the interpreter ABI. */
export class Interpreter {
  readonly module: WebAssembly.Module;
  /** WASM_FEAT_* bits of the kernels it runs. */
  readonly features: number;
  readonly version: number;
  /** The module's size in bytes. */
  readonly bytes: number;
  /** Admit a kernel under its declared features and `limits`; throws TwoStageError. */
  admit(code: Uint8Array, features: number, limits: KernelLimits): LoadedKernel;
}
/** Compile and check an interpreter module (at most 16 MiB, WebAssembly 1.0, only the `rvf`
 *  imports, the interpreter ABI's exports, its major version). Throws TwoStageError. */
export function compileInterpreter(bytes: Uint8Array): Interpreter;

/** The file's interpreter for a two-stage run: the first interpreter segment (priority, then file
 *  order) that passes the checks any code passes (hashes; under a policy a trusted signature) and
 *  that this engine accepts; or every segment tried with its words and class. */
export function pickInterpreter(file: RvfFile, policy?: TrustPolicy | null):
  { index: number; interpreter: Interpreter; features: number } | { tried: Array<[number, string, string]> };

// Receipts (docs/RECEIPTS.md): replay what `rvf-pack run --receipt` recorded.

/** A receipt as parsed (u64s beyond 2^53 as BigInt); see docs/RECEIPTS.md for the fields. */
export type Receipt = Record<string, any>;
/** JSON with integers beyond 2^53 kept exact (as BigInt). */
export function parseJsonExact(text: string): any;
/** Parse a receipt's text; throws RvfError (exit 'bad_input'). */
export function parseReceipt(text: string): Receipt;
/** Where a receipt contradicts itself (its readable fields against its exact records); empty when it does not. */
export function receiptContradictions(r: Receipt): string[];
/** What a receipt's own signature says (host/src/receipt.rs Receipt::signer): `words` are
 *  rvf-pack replay's `receipt_signer`; `trustedAs` the policy's name for the key; `reason` why invalid. */
export interface ReceiptSigner {
  class: 'unsigned' | 'verified' | 'untrusted' | 'invalid';
  keyId: string | null; trustedAs: string | null; reason: string | null; words: string;
}
/** Re-run what a receipt records on `bytes` and compare. `identical` only when everything compared
 *  is bit-identical (with via 'interpreter' also the kernel fuel); `exit`: 'ok', 'replay_differs' or
 *  'untrusted'. A signed receipt's signature is checked first, as rvf-pack replay does. Throws
 *  RvfError when the receipt contradicts itself or its signature does not verify (bad_input), or
 *  when under the trust policy its signer's key is not a trusted one (untrusted). */
export function replayReceipt(r: Receipt, bytes: Uint8Array, o?: {
  via?: Via; hostFeatures?: string | number; fuel?: number | bigint; maxMemory?: number;
  trust?: TrustList | null; unsignedData?: boolean; allowUnhashed?: boolean;
}): {
  identical: boolean; differences: string[]; extended: boolean; via: 'direct' | 'interpreter';
  limits: { fuel: bigint; max_memory_bytes: number; max_recursion: number };
  now: Record<string, any> | null; outcome: Outcome | null; notCompared: string[]; untrusted: boolean;
  receiptSigner: ReceiptSigner;
  exit: 'ok' | 'replay_differs' | 'untrusted';
};
