// ZSTD *frames*, decoded as ruzstd 0.9.1 `FrameDecoder::decode_all` does
// with `set_max_window_size(max(size, 1 KiB))`, which is what the Rust
// loader uses (loader/src/wasm_seg.rs) — so both hosts accept and refuse
// the same streams. A port, rule for rule, of ruzstd's decoding/ and
// blocks/ modules (entropy coders in zstd-entropy.mjs):
//
// - frames back to back; skippable frames skipped; a nonzero dictionary
//   id is an error (no dictionary is given); the reserved bit is ignored;
//   a window above max(size, 1 KiB) is an error before anything is decoded;
// - blocks: a reserved type, a size over 128 KiB, a raw/RLE block larger
//   than min(window, 128 KiB), or a compressed block producing more, are
//   errors; the checksum's 4 bytes are read, not checked (as ruzstd);
// - a match may reach back only over what ruzstd still holds: the frame's
//   output, drained to the window after each 1 MiB batch of blocks.
//
// Output goes straight into the caller's buffer, never past its end, so
// nothing is allocated from the input's claims: the window is checked
// against the caller's size, per-block buffers are bounded by the format
// (literals < 1 MiB, sequences < 2^17), and each block's work by its 128 KiB.
import { ZstdError, fail, ReverseBits, emptyFse, readProbabilities, buildFse, FseDecoder, emptyHuffman, buildHuffman, skipPadding } from './zstd-entropy.mjs';

export { ZstdError };

const MAGIC = 0xfd2fb528, SKIPPABLE_MIN = 0x184d2a50, SKIPPABLE_MAX = 0x184d2a5f;
const MIN_WINDOW = 1024, MAX_WINDOW = 2 ** 41 + 7 * 2 ** 38, MAX_BLOCK = 128 * 1024, BATCH = 1024 * 1024;

/** Code tables (sequence_section_decoder.rs): [baseline, extra bits] by code. */
const LL_CODES = [...Array.from({ length: 16 }, (_, i) => [i, 0]), [16, 1], [18, 1], [20, 1], [22, 1], [24, 2], [28, 2], [32, 3], [40, 3],
  [48, 4], [64, 6], [128, 7], [256, 8], [512, 9], [1024, 10], [2048, 11], [4096, 12], [8192, 13], [16384, 14], [32768, 15], [65536, 16]];
const ML_CODES = [...Array.from({ length: 32 }, (_, i) => [i + 3, 0]), [35, 1], [37, 1], [39, 1], [41, 1], [43, 2], [47, 2], [51, 3], [59, 3],
  [67, 4], [83, 4], [99, 5], [131, 7], [259, 8], [515, 9], [1027, 10], [2051, 11], [4099, 12], [8195, 13], [16387, 14], [32771, 15], [65539, 16]];

/** The three sequence codes: largest code, largest table log, predefined table. */
const KINDS = {
  ll: { max: 35, maxLog: 9, table: buildFse([4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1], 6, 35) },
  of: { max: 31, maxLog: 8, table: buildFse([1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1], 5, 31) },
  ml: {
    max: 52, maxLog: 9,
    table: buildFse([1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1], 6, 52),
  },
};

const u32 = (b, o) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
/** Little-endian unsigned of `n` bytes (exact below 2^53, enough to compare with the limits). */
const uint = (b, o, n) => { let v = 0; for (let i = n - 1; i >= 0; i--) v = v * 256 + b[o + i]; return v; };

/** Decode the ZSTD frames of `input` into `out` (its length is the most
 *  that may be written; more is an error). Returns the bytes written.
 *  Throws ZstdError. */
export function zstdDecodeInto(input, out) {
  const r = { input, p: 0, out, written: 0, maxWindow: Math.min(Math.max(out.length, MIN_WINDOW), MAX_WINDOW) };
  while (r.p < input.length) frame(r);
  return r.written;
}

/** Offset in `r.input` of the next `n` bytes, consumed. */
function take(r, n, what) {
  if (r.input.length - r.p < n) fail(`truncated ${what}`);
  r.p += n;
  return r.p - n;
}

function frame(r) {
  const input = r.input;
  const magic = u32(input, take(r, 4, 'magic number'));
  if (magic >= SKIPPABLE_MIN && magic <= SKIPPABLE_MAX) {
    const skip = u32(input, take(r, 4, 'skippable frame'));
    take(r, skip, 'skippable frame');
    return;
  }
  if (magic !== MAGIC) fail('bad magic number');
  const desc = input[take(r, 1, 'frame header')];
  const single = (desc >> 5) & 1, checksum = (desc >> 2) & 1, fcsFlag = desc >> 6;
  const windowDescriptor = single ? 0 : input[take(r, 1, 'frame header')];
  const dictBytes = [0, 1, 2, 4][desc & 3];
  if (uint(input, take(r, dictBytes, 'frame header'), dictBytes) !== 0) fail('the frame needs a dictionary');
  const fcsBytes = fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag];
  const fcs = uint(input, take(r, fcsBytes, 'frame header'), fcsBytes) + (fcsBytes === 2 ? 256 : 0);
  let window = fcs;
  if (!single) {
    const base = 2 ** (10 + (windowDescriptor >> 3));
    window = base + (base / 8) * (windowDescriptor & 7);
    if (window < MIN_WINDOW || window >= MAX_WINDOW) fail('window size out of range');
  }
  if (window > r.maxWindow) fail(`the frame's window (${window} bytes) is above ${r.maxWindow}`);
  const st = {
    window, maxBlock: Math.min(window, MAX_BLOCK), hist: [1, 4, 8], huffman: emptyHuffman(),
    fse: { ll: emptyFse(), of: emptyFse(), ml: emptyFse() }, rle: { ll: null, of: null, ml: null },
    avail: 0, batchStart: 0,
  };
  for (;;) {
    const at = take(r, 3, 'block header');
    const b0 = input[at], type = (b0 >> 1) & 3, last = b0 & 1;
    const size = (b0 >> 3) | (input[at + 1] << 5) | (input[at + 2] << 13);
    if (type === 3) fail('reserved block type');
    if (size > MAX_BLOCK) fail('block size over 128 KiB');
    if (type !== 2 && size > st.maxBlock) fail('block larger than the window allows');
    if (type === 1) fill(r, st, input[take(r, 1, 'block')], size);
    else {
      const body = input.subarray(take(r, size, 'block'), r.p);
      if (type === 0) push(r, st, body);
      else compressedBlock(r, st, body);
    }
    if (last) break;
    // ruzstd drains its buffer to the window after each 1 MiB batch.
    if (st.avail - st.batchStart >= BATCH) st.batchStart = st.avail = Math.min(st.avail, st.window);
  }
  if (checksum) take(r, 4, 'checksum');
}

function room(r, n) {
  if (n > r.out.length - r.written) fail('output larger than bytecode_size');
}
function push(r, st, bytes) {
  room(r, bytes.length);
  r.out.set(bytes, r.written);
  r.written += bytes.length;
  st.avail += bytes.length;
}
function fill(r, st, value, n) {
  room(r, n);
  r.out.fill(value, r.written, r.written + n);
  r.written += n;
  st.avail += n;
}
/** Copy `length` bytes from `offset` back (DecodeBuffer::repeat): only over what the buffer holds. */
function repeat(r, st, offset, length) {
  if (offset > st.avail) fail('match offset beyond the window');
  room(r, length);
  const out = r.out;
  let from = r.written - offset, to = r.written;
  if (offset >= length) out.copyWithin(to, from, from + length);
  else for (const end = to + length; to < end;) out[to++] = out[from++];
  r.written += length;
  st.avail += length;
}

/** A compressed block (BlockDecoder::decompress_block). */
function compressedBlock(r, st, raw) {
  if (raw.length === 0) fail('empty compressed block');
  const b0 = raw[0], lsType = b0 & 3, sf = (b0 >> 2) & 3;
  const headerLen = lsType < 2 ? [1, 2, 1, 3][sf] : [3, 3, 4, 5][sf];
  if (raw.length < headerLen) fail('truncated literals header');
  let regenerated, compressed = null, streams = 1;
  if (lsType < 2) {
    regenerated = sf === 1 ? (b0 >> 4) + (raw[1] << 4) : sf === 3 ? (b0 >> 4) + (raw[1] << 4) + (raw[2] << 12) : b0 >> 3;
  } else {
    streams = sf === 0 ? 1 : 4;
    if (sf < 2) {
      regenerated = (b0 >> 4) + ((raw[1] & 0x3f) << 4);
      compressed = (raw[1] >> 6) + (raw[2] << 2);
    } else if (sf === 2) {
      regenerated = (b0 >> 4) + (raw[1] << 4) + ((raw[2] & 3) << 12);
      compressed = (raw[2] >> 2) + (raw[3] << 6);
    } else {
      regenerated = (b0 >> 4) + (raw[1] << 4) + ((raw[2] & 0x3f) << 12);
      compressed = (raw[2] >> 6) + (raw[3] << 2) + (raw[4] << 10);
    }
  }
  let rest = raw.subarray(headerLen);
  const used = compressed ?? (lsType === 1 ? 1 : regenerated);
  if (rest.length < used) fail('literals section runs past the block');
  const literals = decodeLiterals(st, lsType, regenerated, streams, rest.subarray(0, used));
  rest = rest.subarray(used);
  if (rest.length === 0) fail('missing sequences header');
  const s0 = rest[0];
  let count = 0, modes = null, seqHeader = 1;
  const need = (n) => { if (rest.length < n) fail('truncated sequences header'); };
  if (s0 >= 1 && s0 <= 127) { need(2); count = s0; modes = rest[1]; seqHeader = 2; }
  else if (s0 >= 128 && s0 <= 254) {
    need(2);
    count = ((s0 - 128) << 8) + rest[1];
    seqHeader = 2;
    if (count !== 0) { need(3); modes = rest[2]; seqHeader = 3; }
  } else if (s0 === 255) { need(4); count = rest[1] + (rest[2] << 8) + 0x7f00; modes = rest[3]; seqHeader = 4; }
  rest = rest.subarray(seqHeader);
  if (count === 0) {
    if (rest.length !== 0) fail('bytes after a block without sequences');
    push(r, st, literals);
    return;
  }
  execute(r, st, decodeSequences(st, count, modes, rest), literals);
}

/** The literals section (literals_section_decoder.rs): exactly `regenerated` bytes. */
function decodeLiterals(st, type, regenerated, streams, src) {
  if (type === 0) return src.subarray(0, regenerated);
  if (type === 1) return new Uint8Array(regenerated).fill(src[0]);
  let bytes = 0;
  if (type === 2) ({ table: st.huffman, bytes } = buildHuffman(src));
  else if (st.huffman.maxBits === 0) fail('no Huffman table to repeat');
  const t = st.huffman, maxBits = t.maxBits, mask = (1 << maxBits) - 1;
  const out = new Uint8Array(regenerated);
  let n = 0;
  const stream = (bits, checkEnd) => {
    const br = new ReverseBits(bits);
    skipPadding(br);
    let state = br.get(maxBits);
    while (br.remaining() > -maxBits) {
      // More symbols than regenerated is refused (ruzstd refuses once all streams are read).
      if (n >= regenerated) fail('more literals than the header says');
      out[n++] = t.symbol[state];
      const nb = t.numBits[state];
      state = ((state << nb) & mask) | br.get(nb);
    }
    if (checkEnd && br.remaining() !== -maxBits) fail('Huffman stream not read to its end');
  };
  let s = src.subarray(bytes);
  if (streams === 4) {
    if (s.length < 6) fail('missing the jump table');
    const j1 = s[0] + (s[1] << 8), j2 = j1 + s[2] + (s[3] << 8), j3 = j2 + s[4] + (s[5] << 8);
    s = s.subarray(6);
    if (s.length < j3) fail('literal streams run past the section');
    for (const part of [s.subarray(0, j1), s.subarray(j1, j2), s.subarray(j2, j3), s.subarray(j3)]) stream(part, true);
  } else stream(s, false);
  if (n !== regenerated) fail('fewer literals than the header says');
  return out;
}

/** Decode the sequences (sequence_section_decoder.rs): {ll, ml, of} arrays. */
function decodeSequences(st, count, modes, src) {
  let bytes = 0;
  for (const [name, shift] of [['ll', 6], ['of', 4], ['ml', 2]]) {
    const mode = (modes >> shift) & 3, k = KINDS[name], sub = src.subarray(bytes);
    if (mode === 2) {
      const p = readProbabilities(sub, k.maxLog, k.max);
      st.fse[name] = buildFse(p.probs, p.accLog, k.max);
      bytes += p.bytes;
      st.rle[name] = null;
    } else if (mode === 1) {
      if (sub.length === 0) fail('missing RLE byte of a sequence table');
      bytes += 1;
      if (sub[0] > k.max) fail('RLE code out of range');
      st.rle[name] = sub[0];
    } else if (mode === 0) {
      st.fse[name] = k.table;
      st.rle[name] = null;
    }
  }
  const br = new ReverseBits(src.subarray(bytes));
  skipPadding(br);
  const dec = { ll: new FseDecoder(st.fse.ll), of: new FseDecoder(st.fse.of), ml: new FseDecoder(st.fse.ml) };
  for (const name of ['ll', 'of', 'ml']) if (st.rle[name] === null) dec[name].init(br);
  const code = (name) => st.rle[name] ?? dec[name].symbol();
  const seq = { ll: new Uint32Array(count), ml: new Uint32Array(count), of: new Float64Array(count) };
  for (let i = 0; i < count; i++) {
    const [llBase, llBits] = LL_CODES[code('ll')], [mlBase, mlBits] = ML_CODES[code('ml')], ofCode = code('of');
    if (ofCode > KINDS.of.max) fail('offset code out of range');
    const obits = br.get(ofCode), mlAdd = br.get(mlBits), llAdd = br.get(llBits);
    seq.of[i] = obits + 2 ** ofCode;
    seq.ml[i] = mlBase + mlAdd;
    seq.ll[i] = llBase + llAdd;
    if (i + 1 < count) for (const name of ['ll', 'ml', 'of']) if (st.rle[name] === null) dec[name].update(br);
    if (br.remaining() < 0) fail('not enough bits for the sequences');
  }
  if (br.remaining() > 0) fail('bits left after the sequences');
  return seq;
}

/** Execute the sequences (sequence_execution.rs). */
function execute(r, st, seq, literals) {
  let lit = 0, sum = 0;
  for (let i = 0; i < seq.ll.length; i++) {
    const ll = seq.ll[i], ml = seq.ml[i];
    if (ll > 0) {
      if (lit + ll > literals.length) fail('a sequence takes more literals than there are');
      push(r, st, literals.subarray(lit, lit + ll));
      lit += ll;
    }
    const offset = offsetOf(st.hist, seq.of[i], ll);
    if (offset === 0) fail('zero offset');
    if (ml > 0) repeat(r, st, offset, ml);
    sum += ml + ll;
    if (sum > st.maxBlock) fail('a block produced more than its maximum size');
  }
  if (lit < literals.length) push(r, st, literals.subarray(lit));
}

/** The actual offset of offset value `of`, updating the history (do_offset_history). */
function offsetOf(h, of, ll) {
  let actual;
  if (ll > 0) actual = of <= 3 ? h[of - 1] : of - 3;
  else actual = of === 1 || of === 2 ? h[of] : of === 3 ? Math.max(h[0] - 1, 0) : of - 3;
  if (ll > 0 && of === 1) return actual;
  if (ll > 0 ? of !== 2 : of !== 1) h[2] = h[1];
  h[1] = h[0];
  h[0] = actual;
  return actual;
}
