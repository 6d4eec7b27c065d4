// The package's Node entry: the core with Node's crypto for SHAKE-256 and
// SHA-256 and hash-wasm for XXH3-128 and CRC32, installed before use.
import * as nodeCrypto from 'node:crypto';
import * as hashWasm from 'hash-wasm';
import { installProviders } from './providers.mjs';

await installProviders({ hashWasm, nodeCrypto });

export * from './rvf.mjs';
