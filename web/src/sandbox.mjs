// One run of an admitted module (interpreter/src/sandbox.rs run_instance):
// a fresh instance, the call order of docs/ABI.md, every pointer and length
// the guest returns checked against its memory, the result length against
// the report. V8 meters no fuel; the memory cap is checked after the run.
import { abi, STATUS, RESULT_KIND, WHY } from './spec.mjs';
import { refusal } from './errors.mjs';
import { hostImports } from './source.mjs';
import { encodeParams } from './request.mjs';
import { LIMITS } from './layouts.mjs';
import { trapMessage } from './admit.mjs';

const badResult = (what) => refusal('trap', `module returned a bad result: ${what}`, 'bad_result');

/** A 64-byte Report by the generated field table; null when its ABI major is not this host's. */
export function decodeReport(b) {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength), r = {};
  for (const f of abi.report_fields) {
    r[f.name] = f.type === 'u32' ? v.getUint32(f.offset, true) : f.type === 'i32' ? v.getInt32(f.offset, true)
      : f.type === 'u64' ? v.getBigUint64(f.offset, true) : v.getFloat64(f.offset, true);
  }
  return r.version >>> 16 === abi.major ? r : null;
}

function engineError(e, capBytes) {
  if (e?.name === 'RvfError') return e;
  const msg = trapMessage(e);
  if (msg.startsWith('call stack')) return refusal('stack_overflow', msg);
  if (msg.startsWith('memory limit')) return refusal('memory_limit', `memory limit: the module tried to grow past ${capBytes} bytes`);
  return refusal('trap', msg);
}

/** Run `params` (with k-NN `input`) over `src`: {report, output, stats}. */
export function runModule(module, params, input, src, bulkCheck, capBytes = LIMITS.max_memory_bytes) {
  const { imports, state } = hostImports(src, bulkCheck);
  const overCap = () => state.memory && state.memory.buffer.byteLength > capBytes;
  try {
    const out = call(module, params, input, imports, state);
    if (overCap()) throw refusal('memory_limit', `memory limit: the module tried to grow past ${capBytes} bytes`);
    return { ...out, stats: state.stats };
  } catch (e) {
    if (overCap()) throw refusal('memory_limit', `memory limit: the module tried to grow past ${capBytes} bytes`);
    throw engineError(e, capBytes);
  }
}

function call(module, params, input, imports, state) {
  const e = new WebAssembly.Instance(module, imports).exports;
  state.memory = e.memory;
  const mem = () => new Uint8Array(e.memory.buffer);
  const put = (ptr, bytes) => {
    if (ptr + bytes.length > mem().length) throw badResult(WHY.allocOutside);
    mem().set(bytes, ptr);
  };
  const version = e.rvf_abi_version() >>> 0;
  if (version >>> 16 !== abi.major) throw refusal('trap', `module speaks solver ABI ${version >>> 16}.${version & 0xffff} but this host speaks ${abi.major}.x`, 'abi');
  const p = { ...params, input_ptr: 0, input_len: 0 };
  if (input.length) {
    p.input_ptr = e.rvf_alloc(input.length) >>> 0;
    p.input_len = input.length;
    put(p.input_ptr, input);
  }
  const pptr = e.rvf_alloc(abi.params_len) >>> 0;
  put(pptr, encodeParams(p));
  const st = e.rvf_set_params(pptr, abi.params_len) | 0;
  if (st !== STATUS.OK) {
    const report = Object.fromEntries(abi.report_fields.map((f) => [f.name, f.type.endsWith('64') && f.type !== 'f64' ? 0n : 0]));
    return { report: { ...report, version: abi.version, status: st, method: p.method }, output: new Uint8Array(0) };
  }
  e.rvf_run();
  const rptr = e.rvf_report_ptr() >>> 0;
  if (rptr + abi.report_len > mem().length) throw badResult(WHY.reportOutside);
  const report = decodeReport(mem().slice(rptr, rptr + abi.report_len));
  if (!report) throw badResult(WHY.reportVersion);
  const optr = e.rvf_result_ptr() >>> 0, olen = e.rvf_result_len() >>> 0;
  if (olen > LIMITS.max_result_bytes) throw badResult(WHY.resultLimit);
  let expected;
  if (report.result_kind === RESULT_KIND.dense_f64) expected = report.result_count * 8;
  else if (report.result_kind === RESULT_KIND.pairs) expected = report.result_count * abi.pair_len;
  else throw badResult(WHY.resultKind);
  if (olen !== expected && !(olen === 0 && report.status !== STATUS.OK)) throw badResult(WHY.resultLength);
  if (optr + olen > mem().length) throw badResult(WHY.resultOutside);
  return { report, output: mem().slice(optr, optr + olen) };
}
