// The entropy coders of ZSTD as ruzstd 0.9.1 decodes them (bit_io,
// fse/fse_decoder.rs, huff0/huff0_decoder.rs), rule for rule: a forward
// bit reader for table headers, a backward one that reads zeros past the
// start of its stream (bits_remaining goes negative), FSE tables from
// normalized counts, Huffman tables from weights. Every table is bounded
// by the format (FSE at most 2^9 states, Huffman at most 2^11 entries).

export class ZstdError extends Error {}
export const fail = (what) => { throw new ZstdError(what); };

/** Bits read low bit first, from the front (ruzstd bit_io::BitReader). */
export class BitReader {
  constructor(src) { this.src = src; this.idx = 0; }
  bitsLeft() { return this.src.length * 8 - this.idx; }
  get(n) {
    if (this.bitsLeft() < n) fail('not enough bits');
    let v = 0;
    for (let i = 0; i < n; i++, this.idx++) v += ((this.src[this.idx >> 3] >> (this.idx & 7)) & 1) * 2 ** i;
    return v;
  }
  returnBits(n) { this.idx -= n; }
  bytesRead() { return Math.ceil(this.idx / 8); }
}

/** Bits read from the back, highest first; past the start they are zeros
 *  (ruzstd BitReaderReversed: `remaining` = bits_remaining, may go negative). */
export class ReverseBits {
  constructor(src) { this.src = src; this.pos = src.length * 8; }
  remaining() { return this.pos; }
  get(n) {
    if (n === 0) return 0;
    if (n > 24) { const hi = this.get(n - 16); return hi * 65536 + this.get(16); }
    const end = this.pos, start = end - n;
    this.pos = start;
    if (end <= 0) return 0;
    const s = start > 0 ? start : 0, b = s >> 3, src = this.src;
    const word = (src[b] | (src[b + 1] << 8) | (src[b + 2] << 16) | (src[b + 3] << 24)) >>> 0;
    const k = end - s;
    return ((word >>> (s & 7)) & ((1 << k) - 1)) * 2 ** (n - k);
  }
}

const highestBitSet = (x) => 32 - Math.clz32(x);

/** An FSE decoding table: accLog 0 = none yet. */
export const emptyFse = () => ({ accLog: 0, size: 0, symbol: null, numBits: null, baseline: null });

/** Read normalized counts (FSETable::read_probabilities): {probs, accLog, bytes}. */
export function readProbabilities(src, maxLog, maxSymbol) {
  const br = new BitReader(src);
  const accLog = 5 + br.get(4);
  if (accLog > maxLog) fail('FSE accuracy log too big');
  const sum = 1 << accLog, probs = [];
  let counter = 0;
  while (counter < sum) {
    const maxRemaining = sum - counter + 1;
    const bits = highestBitSet(maxRemaining);
    const unchecked = br.get(bits);
    const low = ((1 << bits) - 1) - maxRemaining, mask = (1 << (bits - 1)) - 1, small = unchecked & mask;
    let value;
    if (small < low) { br.returnBits(1); value = small; } else if (unchecked > mask) value = unchecked - low; else value = unchecked;
    const prob = value - 1;
    probs.push(prob);
    if (prob !== 0) counter += prob > 0 ? prob : 1;
    else {
      for (;;) {
        const skip = br.get(2);
        for (let i = 0; i < skip; i++) probs.push(0);
        if (skip !== 3) break;
        // Each repeat reads 2 bits, so the input bounds this loop; the
        // table is refused below once it names more symbols than allowed.
        if (probs.length > 4096) fail('too many FSE symbols');
      }
    }
  }
  if (counter !== sum) fail('FSE probabilities do not add up');
  if (probs.length > maxSymbol + 1) fail('too many FSE symbols');
  return { probs, accLog, bytes: br.bytesRead() };
}

function baselineAndBits(total, states, n) {
  if (states === 0) return [0, 0];
  const slices = 1 << (highestBitSet(states) - 1) === states ? states : 1 << highestBitSet(states);
  const doubles = slices - states, singles = states - doubles;
  const width = total / slices, bits = highestBitSet(width) - 1;
  if (n < doubles) return [singles * width + n * width * 2, bits + 1];
  return [(n - doubles) * width, bits];
}

/** Build the decoding table of normalized counts (FSETable::build_decoding_table). */
export function buildFse(probs, accLog, maxSymbol) {
  if (probs.length > maxSymbol + 1) fail('too many FSE symbols');
  const size = 1 << accLog;
  const symbol = new Uint8Array(size), numBits = new Uint8Array(size), baseline = new Uint32Array(size);
  let negative = size;
  probs.forEach((p, s) => {
    if (p === -1) { negative--; symbol[negative] = s; baseline[negative] = 0; numBits[negative] = accLog; }
  });
  const step = (size >> 1) + (size >> 3) + 3, mask = size - 1;
  let pos = 0;
  probs.forEach((p, s) => {
    for (let i = 0; i < p; i++) {
      symbol[pos] = s;
      do pos = (pos + step) & mask; while (pos >= negative);
    }
  });
  const counter = new Array(probs.length).fill(0);
  for (let i = 0; i < negative; i++) {
    const s = symbol[i];
    [baseline[i], numBits[i]] = baselineAndBits(size, probs[s], counter[s]);
    counter[s]++;
  }
  return { accLog, size, symbol, numBits, baseline };
}

/** An FSE decoder over `table` (FSEDecoder): state is an entry index. */
export class FseDecoder {
  constructor(table) { this.t = table; this.state = 0; }
  symbol() { return this.t.size ? this.t.symbol[this.state] : 0; }
  init(br) {
    if (this.t.accLog === 0) fail('FSE table is uninitialized');
    this.state = br.get(this.t.accLog);
  }
  update(br) {
    const t = this.t, s = this.state;
    const next = t.baseline[s] + br.get(t.numBits[s]);
    if (next >= t.size) fail('FSE state out of range');
    this.state = next;
  }
}

/** A Huffman table (HuffmanTable): maxBits 0 = none yet. */
export const emptyHuffman = () => ({ maxBits: 0, symbol: null, numBits: null });

const MAX_HUFFMAN_BITS = 11;

/** Read Huffman weights and build the table (HuffmanTable::build_decoder):
 *  {table, bytes}. */
export function buildHuffman(src) {
  if (src.length === 0) fail('Huffman table source is empty');
  const header = src[0], weights = [];
  let bitsRead = 8;
  if (header < 128) {
    const fseStream = src.subarray(1);
    if (header > fseStream.length) fail('not enough bytes for Huffman weights');
    const { probs, accLog, bytes } = readProbabilities(fseStream, 6, 255);
    const table = buildFse(probs, accLog, 255);
    if (bytes > header) fail('Huffman weight table used too many bytes');
    const length = header - bytes, compressed = fseStream.subarray(bytes);
    if (compressed.length < length) fail('not enough bytes for Huffman weights');
    const br = new ReverseBits(compressed.subarray(0, length));
    bitsRead += (bytes + length) * 8;
    skipPadding(br);
    const d1 = new FseDecoder(table), d2 = new FseDecoder(table);
    d1.init(br);
    d2.init(br);
    for (;;) {
      weights.push(d1.symbol());
      d1.update(br);
      if (br.remaining() <= -1) { weights.push(d2.symbol()); break; }
      weights.push(d2.symbol());
      d2.update(br);
      if (br.remaining() <= -1) { weights.push(d1.symbol()); break; }
      if (weights.length > 255) fail('too many Huffman weights');
    }
  } else {
    const n = header - 127, raw = src.subarray(1);
    if (raw.length < Math.ceil(n / 2)) fail('not enough bytes for Huffman weights');
    for (let i = 0; i < n; i++) weights.push(i % 2 === 0 ? raw[i >> 1] >> 4 : raw[i >> 1] & 0xf);
    bitsRead += 4 * n;
  }
  return { table: huffmanFromWeights(weights), bytes: Math.ceil(bitsRead / 8) };
}

function huffmanFromWeights(weights) {
  let sum = 0;
  for (const w of weights) {
    if (w > MAX_HUFFMAN_BITS) fail('Huffman weight above 11');
    if (w > 0) sum += 1 << (w - 1);
  }
  if (sum === 0) fail('no Huffman weights');
  const maxBits = highestBitSet(sum), left = (1 << maxBits) - sum;
  if (left === 0 || (left & (left - 1))) fail('Huffman weights leave no power of two');
  const bits = weights.map((w) => (w > 0 ? maxBits + 1 - w : 0));
  bits.push(maxBits + 1 - highestBitSet(left));
  if (maxBits > MAX_HUFFMAN_BITS) fail('Huffman code too long');
  const ranks = new Array(maxBits + 1).fill(0);
  for (const b of bits) ranks[b]++;
  const index = new Array(maxBits + 1).fill(0);
  for (let b = maxBits; b >= 1; b--) index[b - 1] = index[b] + ranks[b] * (1 << (maxBits - b));
  const size = 1 << maxBits, symbol = new Uint8Array(size), numBits = new Uint8Array(size);
  bits.forEach((b, s) => {
    if (b === 0) return;
    const len = 1 << (maxBits - b), base = index[b];
    index[b] += len;
    // A symbol index above 255 wraps, as ruzstd's `symbol as u8`.
    symbol.fill(s & 0xff, base, base + len);
    numBits.fill(b, base, base + len);
  });
  return { maxBits, symbol, numBits };
}

/** Skip the padding before a backward stream's first bit: at most 8 zeros, then a 1. */
export function skipPadding(br) {
  let skipped = 0;
  for (;;) {
    const bit = br.get(1);
    skipped++;
    if (bit === 1 || skipped > 8) break;
  }
  if (skipped > 8) fail('more than 8 bits of padding');
}
