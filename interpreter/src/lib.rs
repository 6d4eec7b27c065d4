//! # rvf-interpreter: the sandbox
//!
//! Embeds the wasmi interpreter (no JIT: iOS and bare metal) with hard
//! limits — fuel, linear memory, recursion, tables — and no imports but the
//! four `rvf` functions of the solver ABI (`docs/ABI.md`), served from
//! caller-supplied byte arrays. Knows nothing about RVF files: the loader
//! supplies the arrays and a hook to verify them before bulk reads.
//!
//! - [`caps`]: the `WASM_FEAT_*` bits this build can run (one source of truth);
//! - [`sandbox`]: engine per feature set, module admission, one run;
//! - [`run`]: the run sequence, generic over how the `rvf` imports are served;
//! - [`host`]: the `rvf` host functions;
//! - [`limits`]: limits and the resource limiter;
//! - [`error`]: one error variant per way a module is refused or stopped;
//! - [`interp_status`]: those errors as interpreter-ABI statuses and back;
//! - [`two_stage`]: a kernel run inside the interpreter module (wasmi
//!   compiled to wasm32, `bootstrap/`), itself run in this sandbox.

#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod caps;
pub mod error;
pub mod host;
pub mod interp_status;
pub mod limits;
pub mod run;
pub mod sandbox;
pub mod two_stage;

pub use error::SandboxError;
pub use limits::Limits;
pub use rvf_spec::abi;
pub use sandbox::{Admitted, RunOutput, Sandbox};
/// The embedded wasmi, for code that serves the imports itself (`run::Imports`).
pub use wasmi;

/// The identity of the engine, as recorded in run receipts: everything in
/// the build that can change results or fuel counts.
pub mod engine {
    /// The embedded interpreter (pinned with `=` in Cargo.toml), its
    /// compilation mode, fuel metering and NaN canonicalisation: facts every
    /// host records (`rvf_spec::interp::engine`).
    pub use rvf_spec::interp::engine::{COMPILATION, DETERMINISTIC, FUEL_METERING, NAME, VERSION};

    /// wasmi cargo features of this build.
    pub fn cargo_features() -> alloc::vec::Vec<&'static str> {
        let mut f = alloc::vec!["validate", "auto-dispatch", "deterministic"];
        if cfg!(feature = "simd") {
            f.push("simd");
        }
        if cfg!(feature = "portable-dispatch") {
            f.push("portable-dispatch");
        }
        if cfg!(feature = "std") {
            f.push("std");
        }
        f
    }

    #[cfg(test)]
    mod tests {
        /// The spec's engine name and version are the wasmi this crate pins.
        #[test]
        fn the_spec_names_the_pinned_wasmi() {
            let pin = alloc::format!("{} = {{ version = \"={}\"", super::NAME, super::VERSION);
            assert!(include_str!("../Cargo.toml").contains(&pin), "{pin}");
        }
    }
}
