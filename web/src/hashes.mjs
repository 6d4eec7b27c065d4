// The hash rules of RVF v1 (loader/src/hash.rs): content hashes by
// checksum_algo, the SHAKE-256 bytecode hash of WASM segments, upstream's
// additive fold (recognised, never trusted). The hash functions themselves
// come from a provider (see providers.mjs): Node's crypto, js-sha3 in a
// browser, hash-wasm for XXH3-128, CRC32, SHA-256 and SHA-512 (Ed25519).
import { ALGO } from './spec.mjs';
import { RvfError } from './errors.mjs';

let provider = null;
let progress = null;
const CHUNK = 4 * 1024 * 1024;

/** Install the hash functions: {shake256(outBytes), xxh3_128(), crc32(), sha256(), sha512()},
 *  each returning a fresh {update(bytes), digest(): Uint8Array}. */
export function setHashProvider(p) {
  provider = p;
}

/** Replace only SHAKE-256 with a js-sha3 style function (kept for browsers). */
export function setShake256(fn) {
  const create = fn.create ? (bits) => fn.create(bits) : null;
  provider = {
    ...provider,
    shake256: (outBytes) => {
      if (create) {
        const h = create(outBytes * 8);
        return { update: (b) => { h.update(b); }, digest: () => new Uint8Array(h.arrayBuffer()) };
      }
      const parts = [];
      return {
        update: (b) => { parts.push(b.slice()); },
        digest: () => new Uint8Array(fn.arrayBuffer ? fn.arrayBuffer(concat(parts), outBytes * 8) : fn(concat(parts), outBytes * 8)),
      };
    },
  };
}

/** Report hashing progress: fn(bytesDone, bytesTotal) for each payload hashed in pieces. */
export function onHashProgress(fn) {
  progress = fn;
}

export function hasHashProvider() {
  return provider !== null && typeof provider.shake256 === 'function';
}

function need(name) {
  const f = provider?.[name];
  if (typeof f !== 'function') {
    throw new RvfError(`no ${name} implementation installed: import the package entry (Node or browser) or call setHashProvider`, { class: 'missing_dependency', exit: 'io' });
  }
  return f;
}

function concat(parts) {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function feed(h, bytes) {
  if (bytes.length <= CHUNK || !progress) {
    h.update(bytes);
    return h.digest();
  }
  for (let o = 0; o < bytes.length; o += CHUNK) {
    h.update(bytes.subarray(o, Math.min(bytes.length, o + CHUNK)));
    progress(Math.min(bytes.length, o + CHUNK), bytes.length);
  }
  return h.digest();
}

export const shake256 = (bytes, outBytes) => feed(need('shake256')(outBytes), bytes);
/** XXH3-128 as RVF stores it: the u128 little-endian. */
export const xxh3_128le = (bytes) => feed(need('xxh3_128')(), bytes);
export const sha256 = (bytes) => feed(need('sha256')(), bytes);
export const sha512 = (bytes) => feed(need('sha512')(), bytes);

/** Legacy "CRC32-rotation": lane i = crc.rotate_left(8 i), little-endian. */
export function crcRot(bytes) {
  const d = feed(need('crc32')(), bytes);
  const crc = ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
  const out = new Uint8Array(16), v = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) {
    const r = 8 * i;
    v.setUint32(4 * i, r ? ((crc << r) | (crc >>> (32 - r))) >>> 0 : crc, true);
  }
  return out;
}

export const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Content-hash status of a payload (HashStatus): {class, label, rule?}. */
export function verifyContentHash(algo, stored, payload) {
  if (stored.every((b) => b === 0)) return { class: 'not_set', label: 'not set' };
  let ok, rule;
  if (algo === ALGO.LEGACY) {
    if (equal(crcRot(payload), stored)) [ok, rule] = [true, 'crc-rotation'];
    else [ok, rule] = [equal(xxh3_128le(payload), stored), 'xxh3-128'];
  } else if (algo === ALGO.XXH3_128) [ok, rule] = [equal(xxh3_128le(payload), stored), 'xxh3-128'];
  else if (algo === ALGO.SHAKE256_128) [ok, rule] = [equal(shake256(payload, 16), stored), 'shake256-128'];
  else return { class: 'unsupported', label: 'unsupported algo' };
  return ok ? { class: 'verified', label: 'verified', rule } : { class: 'mismatch', label: 'MISMATCH' };
}

/** Upstream's simple_shake256_256: an additive fold, recognised to report it. */
export function upstreamFold(data) {
  const out = new Uint8Array(32);
  for (let i = 0; i < data.length; i++) {
    const a = i % 32;
    out[a] = (out[a] + data[i]) & 0xff;
    const c = (i + 13) % 32, x = out[a];
    out[c] = (out[c] + (((x << 3) | (x >>> 5)) & 0xff)) & 0xff;
  }
  return out;
}

/** The bytecode hash status (loader/src/wasm_seg.rs BytecodeHashStatus). */
export function bytecodeHashStatus(stored, bytecode) {
  if (stored.every((b) => b === 0)) return { class: 'not_set', label: 'not set' };
  if (equal(shake256(bytecode, 32), stored)) return { class: 'verified', label: 'verified (SHAKE-256)' };
  if (equal(upstreamFold(bytecode), stored)) return { class: 'upstream_fold', label: 'unauthenticated (upstream legacy)' };
  return { class: 'mismatch', label: 'MISMATCH' };
}
