//! # rvf-spec: one owner for every fact the hosts share
//!
//! Every constant, byte layout, name, status message and exit code that more
//! than one part of rvf-boot needs is defined here once; the guest kernel,
//! the sandbox, the loader, the CLI, the bench and the tests use it, and
//! the JavaScript host reads a file generated from it (`facts`, checked to
//! be current by a test).
//!
//! - [`abi`]: the solver ABI: version, methods, `Params` and `Report`
//!   layouts with their codecs, status codes with their messages, array
//!   ids, info keys, adjacency sets, metrics, result kinds;
//! - [`layout`]: the `Params` and `Report` byte layouts (re-exported by `abi`);
//! - [`sandbox`]: the sandbox's contract with a module: default limits, the
//!   `rvf` imports and the exports with their types, the engine features;
//! - [`interp`]: the interpreter ABI, the sandbox's error words, the bounds
//!   on the interpreter module and the engine of two-stage runs;
//! - [`results`]: decoding the result bytes a run returns;
//! - [`source`]: what the four `rvf` host functions mean, as the
//!   `DataSource` trait the kernel reads through and `ArraySource`, the
//!   reference implementation over byte arrays that hosts serve;
//! - [`labels`]: how row and node labels are stored in a META segment;
//! - [`signing`]: the signature footer and the bytes a signature covers;
//! - [`rules`]: numeric rules the packer and the kernel must agree on;
//! - [`format`] (feature `format`): segment types, WASM roles, targets and
//!   feature bits (from `rvf_types`, re-exported here) and every name shown
//!   for them, plus rvf-boot's own segment types and checksum names;
//! - byte layouts of the file: [`segment`] (the segment header) and
//!   [`wasm_header`] (both feature `format`: upstream's types), [`manifest`]
//!   (with the tail scan's bounds), [`sparse`], [`vectors`], and [`meta`]
//!   (upstream's RVFMETA constants, feature `format`);
//! - [`receipt`]: the run receipts' schema name and version;
//! - [`exit`]: the exit codes of every front end and what maps to them;
//! - [`hex`]: the one hex encoding of digests.
//!
//! `no_std + alloc`, no dependency but `rvf-types` (and that only with
//! `format`), so the wasm32 kernel builds against it.

#![no_std]
#![deny(unsafe_code)]

extern crate alloc;

pub mod abi;
pub mod exit;
#[cfg(feature = "format")]
pub mod facts;
#[cfg(feature = "format")]
pub mod format;
pub mod hex;
pub mod interp;
pub mod labels;
pub mod layout;
pub mod manifest;
#[cfg(feature = "format")]
pub mod meta;
pub mod receipt;
pub mod results;
pub mod rules;
pub mod sandbox;
#[cfg(feature = "format")]
pub mod segment;
#[cfg(feature = "format")]
pub mod signing;
pub mod source;
pub mod sparse;
pub mod vectors;
#[cfg(feature = "format")]
pub mod wasm_header;
