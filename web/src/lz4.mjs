// The LZ4 *block* format (no frame, no size prefix), decoded as lz4_flex
// 0.14.2 `block::decompress_into` does with `safe-decode` (what the Rust
// loader uses): into a caller's buffer of fixed size, never past it. A
// sequence is a token (literal length << 4 | match length - 4), the
// literal length's extra bytes (each 255 adds on), the literals, then,
// unless the input ends right there, a u16 offset (0 is an error) and the
// match length's extra bytes; a match may overlap its own output. Errors:
// the input ends early, a literal runs past the input, the output would
// overflow, an offset of 0 or one reaching before the start.

const MINMATCH = 4;

export class Lz4Error extends Error {}

/** Decode `input` into `out`; returns the number of bytes written. */
export function lz4DecodeInto(input, out) {
  const n = input.length, cap = out.length;
  let ip = 0, op = 0;
  const byte = () => {
    if (ip >= n) throw new Lz4Error('expected another byte');
    return input[ip++];
  };
  const integer = () => {
    let v = 0, b;
    do { b = byte(); v += b; } while (b === 0xff);
    return v;
  };
  for (;;) {
    const token = byte();
    let literals = token >>> 4;
    if (literals !== 0) {
      if (literals === 15) literals += integer();
      if (literals > n - ip) throw new Lz4Error('literal out of bounds');
      if (literals > cap - op) throw new Lz4Error('output too small');
      out.set(input.subarray(ip, ip + literals), op);
      ip += literals;
      op += literals;
    }
    if (ip >= n) break;
    if (n - ip < 2) throw new Lz4Error('expected another byte');
    const offset = input[ip] | (input[ip + 1] << 8);
    ip += 2;
    if (offset === 0) throw new Lz4Error('offset zero');
    let length = MINMATCH + (token & 0xf);
    if (length === MINMATCH + 15) length += integer();
    if (op + length > cap) throw new Lz4Error('output too small');
    if (offset > op) throw new Lz4Error('offset out of bounds');
    let from = op - offset;
    if (offset >= length) {
      out.copyWithin(op, from, from + length);
      op += length;
    } else {
      // Overlapping: each byte may be one this match just wrote.
      for (const end = op + length; op < end;) out[op++] = out[from++];
    }
  }
  return op;
}
