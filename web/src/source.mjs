// The four `rvf` host functions of the solver ABI over byte arrays (the
// rules of rvf_spec::source::ArraySource and interpreter/src/host.rs):
// every range is checked, a bad request returns a negative status to the
// guest, never a trap. Counts calls, rows and bytes served as the Rust host.
import { ARRAY, INFO, SET, STATUS } from './spec.mjs';
import { LIMITS } from './layouts.mjs';

const EMPTY = new Uint8Array(0);
const SPARSE_IDS = ['row_ptr', 'col_idx', 'values', 'rhs', 't_col_ptr', 't_row_idx', 't_values'].map((n) => ARRAY[n]);

/** A source with no data: every read fails, every info is -1. */
export function emptySource() {
  return { sparse: new Map(), rows: -1, cols: -1, nnz: -1, vectors: [], vecDim: -1, vecCount: -1 };
}

const arrayOf = (src, id) => (id !== ARRAY.vectors && src.sparse.get(id)) || EMPTY;
function pieces(src, id) {
  if (id === ARRAY.vectors) return src.vectors;
  return SPARSE_IDS.includes(id) ? [arrayOf(src, id)] : [];
}

/** Sub-arrays covering bytes [off, off+len) of an array, or null (never short). */
export function range(src, id, off, len) {
  const end = off + BigInt(len);
  const ps = pieces(src, id);
  const total = ps.reduce((a, p) => a + BigInt(p.length), 0n);
  if (end > total) return null;
  const out = [];
  let base = 0n;
  for (const p of ps) {
    const start = base, stop = base + BigInt(p.length);
    base = stop;
    const a = off > start ? off : start, b = end < stop ? end : stop;
    if (a < b) out.push(p.subarray(Number(a - start), Number(b - start)));
  }
  return out;
}

const u32At = (b, i) => (4 * i + 4 <= b.length ? (b[4 * i] | (b[4 * i + 1] << 8) | (b[4 * i + 2] << 16) | (b[4 * i + 3] << 24)) >>> 0 : null);

/** Raw column and value bytes of row u of a set, or a negative status. */
export function rowBytes(src, which, u) {
  let ptr, idx, val, n;
  if (which === SET.forward) [ptr, idx, val, n] = [ARRAY.row_ptr, ARRAY.col_idx, ARRAY.values, src.rows];
  else if (which === SET.transpose) [ptr, idx, val, n] = [ARRAY.t_col_ptr, ARRAY.t_row_idx, ARRAY.t_values, src.cols];
  else return STATUS.BAD_PARAMS;
  const p = arrayOf(src, ptr);
  if (u >= n || p.length === 0) return STATUS.HOST_READ;
  const a = u32At(p, u), b = u32At(p, u + 1);
  if (a === null || b === null) return STATUS.HOST_READ;
  if (a > b) return STATUS.BAD_DATA;
  const ci = arrayOf(src, idx), vi = arrayOf(src, val);
  if (b * 4 > ci.length || b * 8 > vi.length) return STATUS.HOST_READ;
  return [ci.subarray(a * 4, b * 4), vi.subarray(a * 8, b * 8)];
}

function info(src, key) {
  switch (key) {
    case INFO.rows: return src.rows;
    case INFO.cols: return src.cols;
    case INFO.nnz: return src.nnz;
    case INFO.has_transpose: return arrayOf(src, ARRAY.t_col_ptr).length ? 1 : 0;
    case INFO.has_rhs: return arrayOf(src, ARRAY.rhs).length ? 1 : 0;
    case INFO.vec_dim: return src.vecDim;
    case INFO.vec_count: return src.vecCount;
    default: return -1;
  }
}

/** The `rvf` import object over `src`. `bulkCheck(arrayId)` runs before the
 *  first bulk read of each array (false refuses the read). Set `.memory`
 *  to the instance's exported memory after instantiation. */
export function hostImports(src, bulkCheck) {
  const st = { memory: null, stats: { calls: 0, rows_served: 0, bytes_served: 0, refused: 0 }, checked: 0 };
  const mem = () => (st.memory ? new Uint8Array(st.memory.buffer) : null);
  const refuse = (code) => { st.stats.refused++; return code; };
  const write = (dst, bytes) => {
    const m = mem();
    if (!m || dst + bytes.length > m.length) return false;
    m.set(bytes, dst);
    st.stats.bytes_served += bytes.length;
    return true;
  };
  const imports = {
    rvf: {
      info: (key) => { st.stats.calls++; return BigInt(info(src, key >>> 0)); },
      read: (array, off, len, dst) => {
        st.stats.calls++;
        [array, len, dst] = [array >>> 0, len >>> 0, dst >>> 0];
        const r = range(src, array, BigInt.asUintN(64, off), len);
        const m = mem();
        if (!r || !m || dst + len > m.length) return refuse(STATUS.HOST_READ);
        const bit = 2 ** Math.min(array, 31);
        if (Math.floor(st.checked / bit) % 2 === 0) {
          if (bulkCheck && !bulkCheck(array)) return refuse(STATUS.HOST_READ);
          st.checked += bit;
        }
        let at = dst;
        for (const piece of r) {
          if (!write(at, piece)) return refuse(STATUS.HOST_READ);
          at += piece.length;
        }
        return STATUS.OK;
      },
      row: (set, u, cols, vals, cap) => {
        st.stats.calls++;
        const r = rowBytes(src, set >>> 0, u >>> 0);
        if (typeof r === 'number') return BigInt(refuse(r));
        const n = r[0].length / 4;
        if (n > cap >>> 0) return BigInt(n);
        st.stats.rows_served++;
        if (!write(cols >>> 0, r[0]) || (vals !== 0 && !write(vals >>> 0, r[1]))) return BigInt(refuse(STATUS.HOST_READ));
        return BigInt(n);
      },
      degrees: (set, ids, n, out) => {
        st.stats.calls++;
        [ids, n, out] = [ids >>> 0, n >>> 0, out >>> 0];
        if (n > LIMITS.max_degree_ids) return refuse(STATUS.BAD_PARAMS);
        const m = mem();
        if (!m) return refuse(STATUS.HOST_READ);
        const len = 4 * n;
        if (ids + len > m.length || out + len > m.length) return refuse(STATUS.HOST_READ);
        const idv = m.slice(ids, ids + len), v = new DataView(m.buffer);
        for (let k = 0; k < n; k++) {
          const r = rowBytes(src, set >>> 0, u32At(idv, k));
          if (typeof r === 'number') return refuse(r);
          v.setUint32(out + 4 * k, r[0].length / 4, true);
        }
        st.stats.bytes_served += len;
        return STATUS.OK;
      },
    },
  };
  return { imports, state: st };
}
