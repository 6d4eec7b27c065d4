//! The module a file carries to run its own kernels (`--bootstrap`),
//! built into the packer so an installed `rvf-pack` needs no source tree.
//! Both are built reproducibly by `bootstrap/build.sh`:
//!
//! - the interpreter module, `bootstrap/dist/interp.wasm` (wasmi built to
//!   wasm32; docs/ABI.md "Interpreter ABI"): role Interpreter, it runs the
//!   file's kernels of features 0x2E, the baseline kernel
//!   (`--bootstrap`, `--bootstrap=interpreter`);
//! - the SIMD interpreter module, `bootstrap/dist/interp-simd.wasm` (the
//!   same with wasmi's SIMD compiled in, still pure Wasm 1.0: wasmi runs
//!   `v128` in software): role Interpreter, it runs kernels of features
//!   0x2F, the SIMD kernel too (`--bootstrap=interpreter-simd`);
//! - the Combined module, `bootstrap/dist/combined.wasm` (the same wasmi
//!   with the baseline kernel built in; docs/ABI.md "Combined module"):
//!   role Combined, a host runs it as a solver (`--bootstrap=combined`).

use crate::payload::SolverOptions;
use rvf_spec::format::WasmRole;

/// The interpreter module's bytes.
pub const INTERPRETER: &[u8] = include_bytes!("../../bootstrap/dist/interp.wasm");

/// The SIMD interpreter module's bytes.
pub const INTERPRETER_SIMD: &[u8] = include_bytes!("../../bootstrap/dist/interp-simd.wasm");

/// The Combined module's bytes.
pub const COMBINED: &[u8] = include_bytes!("../../bootstrap/dist/combined.wasm");

/// `interpreter_type` of a wasmi-compatible interpreter (upstream's 0x03).
pub const WASMI_COMPATIBLE: u8 = 0x03;

/// Its bootstrap priority: after every kernel at the default priority, so
/// hosts that run kernels directly keep doing so.
pub const PRIORITY: u8 = 128;

/// The SIMD interpreter's bootstrap priority: one before [`PRIORITY`], so
/// that when a file carries both interpreters, hosts that pick among
/// interpreters by priority (docs/ABI.md "Choosing the interpreter") try
/// the one that runs every kernel first; still after every kernel at the
/// default priority.
pub const PRIORITY_SIMD: u8 = 127;

/// Which module `--bootstrap` stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    /// The interpreter module (role Interpreter).
    Interpreter,
    /// The Combined module (role Combined).
    Combined,
}

impl Module {
    /// The module's bytes.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Module::Interpreter => INTERPRETER,
            Module::Combined => COMBINED,
        }
    }

    /// Its WASM_SEG role.
    pub fn role(self) -> WasmRole {
        match self {
            Module::Interpreter => WasmRole::Interpreter,
            Module::Combined => WasmRole::Combined,
        }
    }

    /// The header options of its segment: its role, priority
    /// [`PRIORITY`], wasmi-compatible, stored ZSTD-compressed.
    pub fn options(self) -> SolverOptions {
        SolverOptions {
            role: self.role() as u8,
            priority: PRIORITY,
            interpreter_type: WASMI_COMPATIBLE,
            compression: 2,
            ..Default::default()
        }
    }
}

/// The header options of the interpreter segment
/// (`Module::Interpreter.options()`).
pub fn options() -> SolverOptions {
    Module::Interpreter.options()
}

/// The header options of the SIMD interpreter segment
/// (`--bootstrap=interpreter-simd`, [`INTERPRETER_SIMD`]): those of the
/// interpreter segment with priority [`PRIORITY_SIMD`].
pub fn simd_options() -> SolverOptions {
    SolverOptions {
        priority: PRIORITY_SIMD,
        ..options()
    }
}
