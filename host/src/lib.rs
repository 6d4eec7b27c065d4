//! # rvf-host: the one session every front end drives
//!
//! Everything `select`, `run` and `replay` do, as a library: typed options
//! in, typed structs out. The `rvf-pack` CLI, the bench, the tests, the C
//! API and the bare-metal firmware are front ends over it; none re-implements
//! selection, data binding, parameters, receipts or the replay comparison.
//!
//! - [`config`]: the host's features, a forced segment and the run limits;
//! - [`select`]: which solver segment runs, every candidate explained;
//! - [`data`]: which data segments a run reads, and their checks;
//! - [`request`]: a method and its options → exact ABI params and input;
//! - [`session`]: one open file: select, bind, run → [`Outcome`];
//! - [`labels`]: names for result rows and nodes, stored in META segments;
//! - [`render`]: a run's outcome as text, as every front end prints it;
//! - [`trust`]: keys, trust lists, and the policy on signed code and data;
//! - [`receipt`], [`compare`], [`replay`] (feature `std`): run receipts,
//!   judging them, and replaying them.
//!
//! The core is `no_std + alloc` over a byte slice (it builds for bare metal);
//! `std` adds receipts and replay. Reading files is `loader`'s; running a
//! module is `interpreter`'s; the facts both sides share are `rvf_spec`'s.
//!
//! Open a file, select its solver for this host, run a method, read the
//! results:
//!
//! ```
//! use rvf_host::{HostConfig, Method, RvfFile, Request, Session};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/conformance/karate-shake.rvf");
//! let bytes = std::fs::read(path)?; // or rvf_host::MappedFile::open(path)?
//! let file = RvfFile::parse(&bytes)?;
//! let mut session = Session::new(file, HostConfig::default());
//! for (i, c) in session.explain().candidates.iter().enumerate() {
//!     println!("segment {}: {}", c.index, session.explain().verdict(i));
//! }
//! let mut request = Request::new(Method::PprForward);
//! request.source = 0;
//! request.epsilon = 1e-6;
//! let outcome = session.run(&request)?;
//! println!("{} (fuel {})", outcome.status_words(), outcome.fuel_used);
//! for (node, score) in outcome.results()?.rows().take(5) {
//!     println!("{node:>4} {score:.6}");
//! }
//! # assert_eq!(outcome.report.status, 0);
//! # Ok(())
//! # }
//! ```

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

#[cfg(feature = "std")]
pub mod compare;
pub mod config;
pub mod data;
pub mod labels;
#[cfg(feature = "std")]
pub mod receipt;
pub mod render;
#[cfg(feature = "std")]
pub mod replay;
pub mod request;
pub mod select;
pub mod session;
pub mod trust;

pub use config::HostConfig;
pub use data::{DataBinding, DataError, MatrixChoice, VerifiedData};
/// The sandbox crate itself (two-stage runs, its wasmi).
pub use interpreter;
pub use interpreter::{engine, Limits, Sandbox, SandboxError};
#[cfg(feature = "std")]
pub use loader::MappedFile;
pub use loader::RvfFile;
pub use request::{Query, QueryError, Request};
pub use rvf_spec::abi::{Method, Metric};
pub use select::{Candidate, Rejection, Runnable, Selection, Verdict, Via};
pub use session::{DataUsed, Outcome, RunError, Session};
pub use trust::{Signer, TrustPolicy, TrustedKey};

/// The exit code of a file the loader refused: reading it failed or it is
/// not a regular file (`Io`), or it breaks a rule of the format
/// (`BadContainer`). Every front end maps loader errors with this.
pub fn loader_exit(e: &loader::Error) -> rvf_spec::exit::Exit {
    match e {
        loader::Error::Io { .. } | loader::Error::NotAFile { .. } => rvf_spec::exit::Exit::Io,
        _ => rvf_spec::exit::Exit::BadContainer,
    }
}
