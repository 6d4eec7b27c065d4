// Ed25519 exactly as the Rust loader uses it (loader/src/signature.rs on
// ed25519-dalek 2.2): a public key is a point that decompresses and is not
// of small order (`VerifyingKey::from_bytes` + `is_weak`), and a signature
// verifies as `verify_strict`: S < ℓ, R decompresses and is not of small
// order, A is not of small order, and [S]B - [k]A compresses to exactly the
// 32 bytes of R, with k = SHA-512(R ‖ A ‖ M) mod ℓ over the bytes as given.
//
// The curve arithmetic is @noble/ed25519's `Point` (pinned in package.json),
// installed by the entry points like the hash functions, so the core imports
// no dependency. Its ZIP-215 decoding (y ≥ p and x = 0 with the sign bit
// accepted) is curve25519-dalek's `decompress`. SHA-512 comes from the hash
// provider (hashes.mjs). Everything here is synchronous, so a Session's
// verdicts never wait on a promise (WebCrypto's Ed25519 is async-only).
import { RvfError } from './errors.mjs';
import { sha512 } from './hashes.mjs';

let Point = null;

/** Install the curve: an object with @noble/ed25519's `Point` (e.g. its module). */
export function setEd25519(lib) {
  if (typeof lib?.Point?.fromBytes !== 'function') throw new TypeError('setEd25519 needs @noble/ed25519 (an object with its Point)');
  Point = lib.Point;
}

export const hasEd25519 = () => Point !== null;

function curve() {
  if (!Point) {
    throw new RvfError('no Ed25519 implementation installed: import the package entry (Node or browser) or call setEd25519', { class: 'missing_dependency', exit: 'io' });
  }
  return Point;
}

/** ℓ, the order of the base point. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const le = (b) => {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
  return x;
};

/** The point 32 bytes encode (curve25519-dalek `decompress`), or null. */
function decompress(P, bytes) {
  try {
    return P.fromBytes(bytes, true);
  } catch {
    return null;
  }
}

/** True when `publicKey` (32 bytes) is a valid, strong (not small-order) key. */
export function isStrongKey(publicKey) {
  const P = curve();
  if (publicKey.length !== 32) return false;
  const A = decompress(P, publicKey);
  return A !== null && !A.isSmallOrder();
}

/** `verify_strict` of `signature` (64 bytes) over `message` under `publicKey` (32 bytes). */
export function verifyStrict(publicKey, message, signature) {
  const P = curve();
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const Rbytes = signature.subarray(0, 32);
  const s = le(signature.subarray(32, 64));
  if (s >= L) return false;
  const A = decompress(P, publicKey), R = decompress(P, Rbytes);
  if (A === null || R === null || R.isSmallOrder() || A.isSmallOrder()) return false;
  const h = new Uint8Array(64 + message.length);
  h.set(Rbytes, 0);
  h.set(publicKey, 32);
  h.set(message, 64);
  const k = le(sha512(h)) % L;
  const expected = P.BASE.multiply(s, false).add(A.negate().multiply(k, false)).toBytes();
  return expected.every((b, i) => b === Rbytes[i]);
}
