// Hash providers for hashes.mjs, built from whichever implementations the
// platform has: Node's crypto (SHAKE-256, SHA-256) or js-sha3 (SHAKE-256 in
// browsers), and hash-wasm (XXH3-128, CRC32, SHA-256). Entry points
// (node.mjs, browser.mjs, the page's worker) pass the modules in.
import { setHashProvider } from './hashes.mjs';

const wrapHashWasm = (instance, reverse = false) => () => {
  instance.init();
  return {
    update: (b) => { instance.update(b); },
    digest: () => {
      const d = instance.digest('binary');
      return reverse ? d.reverse() : d;
    },
  };
};

/** Install a provider. `hashWasm` is the hash-wasm module; then either
 *  `nodeCrypto` (node:crypto) or `sha3` (js-sha3's exports). */
export async function installProviders({ hashWasm, nodeCrypto, sha3 }) {
  const [xxh, crc, sha] = await Promise.all([hashWasm.createXXHash128(), hashWasm.createCRC32(), hashWasm.createSHA256()]);
  const p = {
    // hash-wasm prints XXH3-128 big-endian (canonical); RVF stores the u128 little-endian.
    xxh3_128: wrapHashWasm(xxh, true),
    crc32: wrapHashWasm(crc),
    sha256: wrapHashWasm(sha),
  };
  if (nodeCrypto) {
    p.shake256 = (outBytes) => {
      const h = nodeCrypto.createHash('shake256', { outputLength: outBytes });
      return { update: (b) => { h.update(b); }, digest: () => new Uint8Array(h.digest()) };
    };
    p.sha256 = () => {
      const h = nodeCrypto.createHash('sha256');
      return { update: (b) => { h.update(b); }, digest: () => new Uint8Array(h.digest()) };
    };
  } else {
    const create = sha3.shake256.create;
    p.shake256 = (outBytes) => {
      const h = create(outBytes * 8);
      return { update: (b) => { h.update(b); }, digest: () => new Uint8Array(h.arrayBuffer()) };
    };
  }
  setHashProvider(p);
  return p;
}
