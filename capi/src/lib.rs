//! # rvf-capi: the C API of rvf-boot
//!
//! A thin front end over `rvf_host` for C, C++, Swift and Android (JNI)
//! apps, and for C firmware: every rule (selection, verification, data
//! binding, parameters, limits, exit codes, status words) is the host's or
//! `rvf_spec`'s; this crate only checks what crosses the boundary and
//! copies values in and out. The header is `capi/include/rvf.h`, generated
//! by cbindgen from these sources plus the constants `rvf_spec` owns
//! (`RVF_UPDATE_HEADER=1 cargo test -p rvf-capi --test header` rewrites it;
//! the test fails when the committed header is stale). Guide:
//! `docs/EMBEDDING.md`.
//!
//! - `codes`: outcome codes (`rvf_spec::exit::Exit` and the C API's own
//!   negative argument errors), their names and meanings as static strings;
//! - `error`: the `RvfError` object and the guard every function runs in
//!   (panics caught with `std`);
//! - `args`: checked pointers, lengths, strings and caller buffers;
//! - `config`: `RvfConfig`, the host features, forced segment, limits and
//!   trust list;
//! - `trust`: `RvfTrust`, the trusted keys, and `RvfSigner`, who signed a
//!   segment;
//! - `file`: the `RvfFile` handle (owns its bytes) and its segments;
//! - `select`: `RvfSelection`, every candidate explained;
//! - `run`: `RvfRequest` in, `RvfRun` out (report, results, digest);
//! - `names`: the names `rvf_spec` gives segment types, roles, methods...
//! - `bare` (without `std`): the global allocator over the C heap and the
//!   panic handler a C firmware needs (docs/EMBEDDING.md, "Without std").
//!
//! Conventions: functions return an [`RvfCode`] (0 = `RVF_EXIT_OK`) and
//! take an optional `RvfError **err`; handles are opaque pointers, each
//! with its `_free` function (NULL is accepted and ignored). A handle may
//! move between threads but must not be used by two at once.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(clippy::missing_safety_doc)] // each function's safety contract is in rvf.h

extern crate alloc;

mod args;
#[cfg(all(not(feature = "std"), not(test)))]
mod bare;
pub mod codes;
mod config;
mod error;
mod file;
mod names;
mod run;
mod select;
mod trust;

pub use codes::{ApiError, RvfCode};
pub use config::RvfConfig;
pub use error::RvfError;
pub use file::{RvfFile, RvfSegment};
pub use names::RvfNameKind;
pub use run::{RvfReport, RvfRequest, RvfRun};
pub use select::{RvfCandidate, RvfSelection, RvfVerdict};
pub use trust::{RvfSigner, RvfSignerKind, RvfTrust, RvfTrustedKey};
