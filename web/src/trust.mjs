// Trust (host/src/trust.rs, docs/SECURITY.md "Trust policy"): trusted keys,
// the policy a session applies, who signed a segment (the Signer classes),
// and the key-file and trust-file text formats.
//
// Under a policy, a solver segment is eligible only when its footer
// verifies under one of the trusted keys (the footer names no key, so each
// is tried); unless `unsignedData`, every data segment a run reads must be
// signed by a trusted key too. Without a policy nothing changes (front ends
// say the code is unauthenticated).
import { RvfError } from './errors.mjs';
import { format } from './spec.mjs';
import { hex } from './hashes.mjs';
import { SIGNATURE as S } from './layouts.mjs';
import { footer, isSigned, keyId, message, verify } from './signature.mjs';
import { isStrongKey } from './ed25519.mjs';

/** A key the host trusts, with the name the user gave it: {name, publicKey, id, idHex}. */
export function trustedKey(name, publicKey) {
  const pk = Uint8Array.from(publicKey);
  const id = keyId(pk);
  return Object.freeze({ name: String(name), publicKey: pk, id, idHex: hex(id) });
}

// Rust's char::is_whitespace (Unicode White_Space), for trimming and
// splitting exactly as the Rust parser does (JS \s differs: U+FEFF, U+0085).
const WS = '\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const isWs = (c) => WS.includes(c);
function trim(s) {
  let a = 0, b = s.length;
  while (a < b && isWs(s[a])) a++;
  while (b > a && isWs(s[b - 1])) b--;
  return s.slice(a, b);
}
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const fromHex = (s) => Uint8Array.from(s.match(/../g) ?? [], (p) => parseInt(p, 16));

/** A key or trust-file error (trust::KeyError): exit bad_input, as rvf-pack. */
const keyError = (cls, message) => new RvfError(message, { class: cls, exit: 'bad_input' });
const formatError = (what) => keyError('key_format', `not a key: ${what} (expected 64 hex digits, 32 bytes)`);
const notAKey = () => keyError('not_a_key', 'the 32 bytes are not a valid (strong) Ed25519 public key');

/** The 32 bytes of a key file's text: 64 hex digits, `#` comment lines ignored (parse_key_text). */
export function parseKeyText(text) {
  const digits = String(text).split('\n').map(trim).filter((l) => l !== '' && !l.startsWith('#')).join('');
  if (!HEX.test(digits)) throw formatError('not hex');
  const bytes = fromHex(digits);
  if (bytes.length !== S.public_key_len) throw formatError(`${bytes.length} bytes`);
  return bytes;
}

/** A public key from a key file's text, checked to be a strong key (parse_public_key). */
export function parsePublicKey(text) {
  const k = parseKeyText(text);
  if (!isStrongKey(k)) throw notAKey();
  return k;
}

/** The keys a trust file lists: one `NAME KEY` per line (KEY: 64 hex digits,
 *  or a path that `resolve(path)` turns into key bytes), `#` comments
 *  (parse_trust_file). Without `resolve`, paths are refused (a browser has
 *  no files to read). */
export function parseTrustFile(text, resolve = null) {
  const keys = [];
  String(text).split('\n').forEach((raw, i) => {
    const l = trim(raw);
    if (l === '' || l.startsWith('#')) return;
    const bad = (what) => keyError('trust_file_line', `line ${i + 1}: ${what}`);
    const cut = [...l].findIndex(isWs);
    if (cut < 0) throw bad("expected 'NAME KEY' (KEY: 64 hex digits or a .pub path)");
    const chars = [...l];
    const name = chars.slice(0, cut).join(''), key = trim(chars.slice(cut + 1).join(''));
    let bytes;
    try {
      if (key.length === 64 && /^[0-9a-fA-F]+$/.test(key)) bytes = parsePublicKey(key);
      else if (resolve) bytes = resolve(key);
      else throw keyError('key_path', `${key}: a key must be given as 64 hex digits here (no files to read a .pub path from)`);
    } catch (e) {
      if (e instanceof RvfError) throw bad(e.message);
      throw e;
    }
    keys.push(trustedKey(name, bytes));
  });
  return keys;
}

/** A trust policy: {keys: TrustedKey[], unsignedData}. `trust` is trust-file
 *  text (inline hex keys), or a list of {name, publicKey} (64 hex digits or
 *  32 bytes; checked to be strong keys) or trustedKey() values. Any given
 *  list is a policy, even an empty one (it trusts no key). */
export function trustPolicy(trust, { unsignedData = false } = {}) {
  let keys;
  if (typeof trust === 'string') keys = parseTrustFile(trust);
  else if (Array.isArray(trust)) {
    keys = trust.map((k, i) => {
      if (typeof k?.name !== 'string') throw keyError('key_format', `trusted key ${i}: needs a name`);
      const pk = typeof k.publicKey === 'string' ? parsePublicKey(k.publicKey) : Uint8Array.from(k.publicKey ?? []);
      if (pk.length !== S.public_key_len) throw formatError(`${pk.length} bytes`);
      if (!isStrongKey(pk)) throw notAKey();
      return trustedKey(k.name, pk);
    });
  } else throw keyError('key_format', 'a trust list is trust-file text or an array of {name, publicKey}');
  return Object.freeze({ keys: Object.freeze(keys), unsignedData: Boolean(unsignedData) });
}

/** Who signed a segment (trust::Signer): {class, key, error, words}. */
const signer = (cls, words, o = {}) => Object.freeze({ class: cls, key: o.key ?? null, error: o.error ?? null, words });
export const UNSIGNED = signer('unsigned', 'unsigned');

/** Who signed `seg` ({offset, header, payloadLength}), its footer read from
 *  `bytes` no further than `bodyEnd`; under `policy` (or null) its footer is
 *  checked against each trusted key with `digest` (SHAKE-256/128 of the payload). */
export function signerOf(policy, bytes, bodyEnd, seg, digest) {
  if (!isSigned(seg.header)) return UNSIGNED;
  const payloadEnd = seg.offset + format.header_len + Number(seg.header.payloadLength);
  const f = footer(bytes, payloadEnd, bodyEnd);
  if (f.error) return signer('bad_footer', `signature footer broken: ${f.error.message}`, { error: f.error });
  if (!policy) return signer('signed_unchecked', 'signed (no trusted keys given to check it)');
  const m = message(bytes.subarray(seg.offset, seg.offset + format.header_len), digest);
  const key = policy.keys.find((k) => verify(k.publicKey, m, f.footer.signature) === null);
  return key
    ? signer('trusted', `signed by ${key.name} (key ${key.idHex}), trusted`, { key })
    : signer('untrusted', 'signed, but by none of the trusted keys (or the bytes changed since)');
}

/** A signer as rvf-pack's JSON shows it (cli/host.rs signer_json). */
export const signerJson = (s) => ({
  class: s.class, signed: s.class !== 'unsigned', trusted: s.key !== null,
  key_name: s.key?.name ?? null, key_id: s.key?.idHex ?? null, words: s.words,
});
