//! # rvf-pack: the write side of rvf-boot
//!
//! - [`inputs`]: readers for `.fvecs`, `.npy`, CSV and Matrix Market inputs;
//! - [`sparse`]: the write side's CSR matrix and its segment encoding;
//! - [`wasm_info`]: what a solver module needs, derived from its bytes;
//! - [`payload`]: vector, WASM and RVFMETA payload encoders;
//! - [`segment`]: one segment's spec, header and encoding;
//! - [`packer`]: segments streamed to a writer, hashed, signed, manifest last;
//! - [`writer`]: whole files: atomic create, append and signing in place;
//! - [`signing`]: Ed25519 segment footers as `rvf-crypto` writes them;
//! - [`keys`]: key files and trust files on disk;
//! - [`output`]: how every output file is written (atomically, safely).
//!
//! The `rvf-pack` binary is a thin layer over this library and `loader`.

pub mod bootstrap;
pub mod error;
pub mod inputs;
pub mod keys;
pub mod lock;
pub mod output;
pub mod packer;
pub mod payload;
pub mod segment;
pub mod signing;
pub mod sparse;
pub mod wasm_info;
pub mod witness;
pub mod writer;

pub use error::{PackError, Result};
