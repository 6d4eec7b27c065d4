// The package's browser entry (for bundlers, which resolve the bare
// specifiers): the core with js-sha3 for SHAKE-256 and hash-wasm for
// XXH3-128, CRC32 and SHA-256. A page without a bundler loads the core in
// a worker the way web/src/worker.mjs does.
import sha3 from 'js-sha3';
import * as hashWasm from 'hash-wasm';
import { installProviders } from './providers.mjs';

await installProviders({ hashWasm, sha3 });

export * from './rvf.mjs';
