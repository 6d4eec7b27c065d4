// Segment signature footers (loader/src/signature.rs, docs/FORMAT.md
// "Signatures"): a segment whose header has the SIGNED flag is followed,
// right after its payload, by `sig_algo u16 (0 = Ed25519), sig_length u16,
// signature, footer_length u32`. Here: the footer's extent and its parse
// (with the loader's SigError classes), the 94 signed bytes, key ids
// (SHA-256 of the key, first 8 bytes) and strict verification (ed25519.mjs).
import { SIGNATURE as S, SEGMENT_HEADER as H } from './layouts.mjs';
import { shake256, sha256 } from './hashes.mjs';
import { isStrongKey, verifyStrict } from './ed25519.mjs';

const u16 = (d, o) => d[o] | (d[o + 1] << 8);
const u32 = (d, o) => (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;

/** A SigError of the loader: {class, message, ...fields} (SigError::class, Display). */
const sigError = (cls, message, fields = {}) => Object.freeze({ class: cls, message, ...fields });
export const SigError = Object.freeze({
  truncated: (offset) => sigError('sig_truncated', `the SIGNED flag is set but no whole signature footer follows the payload at offset ${offset}`, { offset }),
  algorithm: (algo) => sigError('sig_algorithm', `signature algorithm ${algo} is not one this reader verifies (${S.algo_ed25519} = Ed25519)`, { algo }),
  length: (sigLength) => sigError('sig_length', `an Ed25519 signature is ${S.signature_len} bytes, the footer says ${sigLength}`, { sigLength }),
  footerLength: (found) => sigError('sig_footer_length', `the footer's footer_length is ${found}, its signature needs ${S.footer_len}`, { found, expected: S.footer_len }),
  key: () => sigError('sig_key', 'the public key is not a valid (strong) Ed25519 key'),
  mismatch: () => sigError('sig_mismatch', 'the signature does not verify for these bytes'),
});

/** True when a decoded header's flags say a footer follows the payload. */
export const isSigned = (header) => (header.flags & S.signed_flag) !== 0;

/** Bytes the footer of a SIGNED segment occupies after `payloadEnd`, as its
 *  sig_length says, when that fits before `limit`; else 0 (the layout then
 *  treats the segment as unsigned and `footer` reports it). */
export function footerLen(data, payloadEnd, limit) {
  const at = payloadEnd + S.at.sig_length;
  if (at + 2 > data.length) return 0;
  const n = u16(data, at);
  return payloadEnd + S.footer_overhead + n <= limit ? S.footer_overhead + n : 0;
}

/** The footer after a payload ending at `payloadEnd`, no further than
 *  `limit`: {footer: {algo, signature}} or {error: SigError}. */
export function footer(data, payloadEnd, limit) {
  const cut = { error: SigError.truncated(payloadEnd) };
  if (payloadEnd + S.at.sig_length + 2 > data.length) return cut;
  const algo = u16(data, payloadEnd + S.at.sig_algo), sigLength = u16(data, payloadEnd + S.at.sig_length);
  const end = payloadEnd + S.footer_overhead + sigLength;
  if (end > limit || end > data.length) return cut;
  const footerLength = u32(data, end - 4);
  if (algo !== S.algo_ed25519) return { error: SigError.algorithm(algo) };
  if (sigLength !== S.signature_len) return { error: SigError.length(sigLength) };
  if (footerLength !== S.footer_len) return { error: SigError.footerLength(footerLength) };
  const at = payloadEnd + S.at.signature;
  return { footer: { algo, signature: data.slice(at, at + S.signature_len) } };
}

const DOMAIN = new TextEncoder().encode(S.domain);

/** The 94 signed bytes: header bytes 0x00..0x38 (as stored), the domain,
 *  the segment id (header bytes 0x08..0x10) again, SHAKE-256/128 of the payload. */
export function message(headerBytes, payloadDigest) {
  const m = new Uint8Array(S.message_len);
  let o = 0;
  const put = (b) => { m.set(b, o); o += b.length; };
  put(headerBytes.subarray(0, S.signed_header_len));
  put(DOMAIN);
  put(headerBytes.subarray(H.segment_id, H.segment_id + 8));
  put(payloadDigest);
  return m;
}

/** The payload digest a segment signature covers: SHAKE-256/128. */
export const payloadDigest = (payload) => shake256(payload, S.digest_len);

/** A public key's id: the first 8 bytes of SHA-256 of its 32 bytes. */
export const keyId = (publicKey) => sha256(publicKey).slice(0, S.key_id_len);

/** Strict verification of `signature` over `msg` under `publicKey`: null, or
 *  SigError key (a weak or invalid key) / mismatch. */
export function verify(publicKey, msg, signature) {
  if (!isStrongKey(publicKey)) return SigError.key();
  return verifyStrict(publicKey, msg, signature) ? null : SigError.mismatch();
}
