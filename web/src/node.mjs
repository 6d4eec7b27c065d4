// The package's Node entry: the core with Node's crypto for SHAKE-256,
// SHA-256 and SHA-512, hash-wasm for XXH3-128 and CRC32, and @noble/ed25519
// for signatures, installed before use.
import * as nodeCrypto from 'node:crypto';
import * as hashWasm from 'hash-wasm';
import * as ed25519 from '@noble/ed25519';
import { installProviders } from './providers.mjs';

await installProviders({ hashWasm, nodeCrypto, ed25519 });

export * from './rvf.mjs';
