// Hash providers for hashes.mjs, built from whichever implementations the
// platform has: Node's crypto (SHAKE-256, SHA-256, SHA-512) or js-sha3
// (SHAKE-256 in browsers), and hash-wasm (XXH3-128, CRC32, SHA-256,
// SHA-512); and the Ed25519 curve (@noble/ed25519) for ed25519.mjs. Entry
// points (node.mjs, browser.mjs, the page's worker) pass the modules in.
import { setHashProvider } from './hashes.mjs';
import { setEd25519 } from './ed25519.mjs';

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
 *  `nodeCrypto` (node:crypto) or `sha3` (js-sha3's exports); `ed25519`:
 *  the @noble/ed25519 module (signatures; optional for unsigned files). */
export async function installProviders({ hashWasm, nodeCrypto, sha3, ed25519 }) {
  const [xxh, crc, sha, sha512] = await Promise.all([hashWasm.createXXHash128(), hashWasm.createCRC32(), hashWasm.createSHA256(), hashWasm.createSHA512()]);
  const p = {
    // hash-wasm prints XXH3-128 big-endian (canonical); RVF stores the u128 little-endian.
    xxh3_128: wrapHashWasm(xxh, true),
    crc32: wrapHashWasm(crc),
    sha256: wrapHashWasm(sha),
    sha512: wrapHashWasm(sha512),
  };
  if (nodeCrypto) {
    p.shake256 = (outBytes) => {
      const h = nodeCrypto.createHash('shake256', { outputLength: outBytes });
      return { update: (b) => { h.update(b); }, digest: () => new Uint8Array(h.digest()) };
    };
    const nodeHash = (name) => () => {
      const h = nodeCrypto.createHash(name);
      return { update: (b) => { h.update(b); }, digest: () => new Uint8Array(h.digest()) };
    };
    p.sha256 = nodeHash('sha256');
    p.sha512 = nodeHash('sha512');
  } else {
    const create = sha3.shake256.create;
    p.shake256 = (outBytes) => {
      const h = create(outBytes * 8);
      return { update: (b) => { h.update(b); }, digest: () => new Uint8Array(h.arrayBuffer()) };
    };
  }
  setHashProvider(p);
  if (ed25519) setEd25519(ed25519);
  return p;
}
