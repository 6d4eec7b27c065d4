// Types of rvf-boot-web (src/rvf.mjs and its entry points). A test
// (test/package.test.mjs) fails when a runtime export is not declared here.

/** Names of the exit codes (spec.generated.mjs `exit`), e.g. 'usage', 'no_solver'. */
export type ExitName =
  | 'ok' | 'verify_failed' | 'usage' | 'bad_input' | 'bad_container' | 'io' | 'no_solver' | 'refused'
  | 'out_of_fuel' | 'memory_limit' | 'stack_overflow' | 'trap' | 'solver_refused' | 'not_converged' | 'replay_differs';

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
  segment(i: number): { offset: number; header: unknown; payload: Uint8Array };
}

/** Parse bytes as an RVF file; throws RvfError (class as the Rust loader's). */
export function openFile(bytes: Uint8Array | ArrayBuffer): RvfFile;

export interface WasmHeader {
  headerVersion: number; role: number; target: number; requiredFeatures: number; exportCount: number;
  bytecodeSize: number; compressedSize: number; compression: number; minMemoryPages: number; maxMemoryPages: number;
  tableCount: number; bytecodeHash: Uint8Array; priority: number; interpreterType: number;
}

export interface Candidate {
  index: number;
  offset: number;
  header: WasmHeader | null;
  rejection: { class: string; message: string } | null;
  module: WebAssembly.Module | null;
  abiVersion: number | null;
}

export interface SelectionJson {
  host_features: string;
  selected_segment: number | null;
  candidates: Array<{
    segment: number; offset: number; role: string | null; target: string | null; required_features: string | null;
    priority: number | null; selected: boolean; verdict: string; verdict_class: string;
  }>;
}

export class Selection {
  hostFeatures: number;
  candidates: Candidate[];
  chosenPosition: number | null;
  forced: number | null;
  readonly chosen: Candidate | null;
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
  /** The fields of `rvf-pack run --json` (no fuel_used). JSON-serialisable. */
  toJSON(o?: { file?: string | null; top?: number }): Record<string, unknown>;
}

export class Session {
  constructor(file: RvfFile, o?: { hostFeatures?: string | number; segment?: number | null });
  file: RvfFile;
  host: number;
  force: number | null;
  explain(): Selection;
  select(): Selection;
  /** Throws RvfError on refusals; a solver status is an Outcome. */
  run(method: MethodName | string, options?: RunOptions): Outcome;
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

export function inspectJson(file: RvfFile): Record<string, unknown>;
export function walkJson(bytes: Uint8Array): Record<string, unknown>;
export function segmentJson(s: Segment): Record<string, unknown>;
export function detailLine(segmentJson: Record<string, unknown>): string;

export function decodeResults(kind: number, bytes: Uint8Array): Results;
export function rows(r: Results): Array<[number, number]>;
export function csv(r: Results): string;
export function text(r: Results): string;
export function npy(r: Results): Uint8Array;
export function rustExp(x: number): string;

export interface Hasher { update(bytes: Uint8Array): void; digest(): Uint8Array }
export function setHashProvider(p: { shake256(outBytes: number): Hasher; xxh3_128(): Hasher; crc32(): Hasher; sha256(): Hasher }): void;
/** Use a js-sha3 style SHAKE-256 (e.g. js-sha3's `shake256`) in a browser. */
export function setShake256(fn: unknown): void;
export function onHashProgress(fn: ((done: number, total: number) => void) | null): void;
export function hasHashProvider(): boolean;
export function shake256(bytes: Uint8Array, outBytes: number): Uint8Array;
/** XXH3-128 as RVF stores it: the u128 little-endian. */
export function xxh3_128le(bytes: Uint8Array): Uint8Array;
export function hex(bytes: Uint8Array): string;

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
