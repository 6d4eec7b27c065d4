// The package's browser entry (for bundlers, which resolve the bare
// specifiers): the core with js-sha3 for SHAKE-256, hash-wasm for
// XXH3-128, CRC32, SHA-256 and SHA-512, and @noble/ed25519 for signatures.
// A page without a bundler loads the core in a worker the way
// web/src/worker.mjs does.
import sha3 from 'js-sha3';
import * as hashWasm from 'hash-wasm';
import * as ed25519 from '@noble/ed25519';
import { installProviders } from './providers.mjs';

await installProviders({ hashWasm, sha3, ed25519 });

export * from './rvf.mjs';
