//! # rvf-loader: the read side of rvf-boot
//!
//! Parses RVF v1 files (a stream of 64-byte-headed segments with a manifest
//! found from the tail) from a byte slice, so it runs on bare metal and iOS
//! (`no_std + alloc`); the `std` feature adds [`MappedFile`] to open a path
//! with `memmap2`.
//!
//! Layout of the crate mirrors the file:
//! - [`container`]: dialect detection, tail scan, checked directory, walk;
//! - [`manifest`]: the runtime-format manifest payload;
//! - [`header`]: the 64-byte segment header;
//! - [`hash`]: content hashes by `checksum_algo`, SHAKE-256, upstream's fold;
//! - [`wasm_seg`], [`sparse_seg`], [`vec_seg`], [`meta_seg`]: typed payloads;
//! - [`signature`]: Ed25519 segment footers and signed root pages (the
//!   published formats), strict verification, key ids;
//! - [`bootstrap`]: the bootstrap chain the file's WASM roles offer;
//! - [`verify`]: judging a parsed file (kept apart from parsing);
//! - [`witness`]: the witness chain across WITNESS segments.
//!
//! Selecting and running solver segments is `rvf-host`'s; this crate never
//! executes anything and does not depend on the interpreter. Constants and
//! names (segment types, roles, features) come from `rvf-spec`.
//!
//! Every offset and length from the file is checked with checked arithmetic
//! against the real size before use, no count is trusted for an allocation,
//! and no input makes this crate panic.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_op_in_unsafe_fn)]

extern crate alloc;

pub mod bootstrap;
pub mod bytes;
pub mod container;
pub mod error;
pub mod hash;
pub mod header;
pub mod manifest;
pub mod meta_seg;
pub mod signature;
pub mod sparse_seg;
pub mod vec_seg;
pub mod verify;
pub mod wasm_seg;
pub mod witness;

#[cfg(feature = "std")]
mod mmap;
#[cfg(feature = "std")]
pub use mmap::{file_kind, open_regular, MappedFile};

pub use container::{Dialect, RvfFile, Segment};
pub use error::{Error, ManifestFault, ManifestRejection, PayloadKind, Result};
