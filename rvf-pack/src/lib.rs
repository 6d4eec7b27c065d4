//! # rvf-pack: the write side of rvf-boot
//!
//! - [`inputs`]: readers for `.fvecs`, `.npy`, CSV and Matrix Market inputs;
//! - [`sparse`]: the write side's CSR matrix and its segment encoding;
//! - [`wasm_info`]: what a solver module needs, derived from its bytes;
//! - [`payload`]: vector, WASM and RVFMETA payload encoders;
//! - [`writer`]: wire-dialect segments, the manifest, create/append;
//! - [`output`]: how every output file is written (atomically, safely).
//!
//! The `rvf-pack` binary is a thin layer over this library and `loader`.

pub mod error;
pub mod inputs;
pub mod lock;
pub mod output;
pub mod payload;
pub mod sparse;
pub mod wasm_info;
pub mod witness;
pub mod writer;

pub use error::{PackError, Result};
