//! The interpreter module a file carries to run its own kernels
//! (`--bootstrap`): `bootstrap/dist/interp.wasm` (wasmi built to wasm32,
//! reproducibly; docs/ABI.md "Interpreter ABI"), built into the packer so
//! an installed `rvf-pack` needs no source tree.

use crate::payload::SolverOptions;
use rvf_spec::format::WasmRole;

/// The interpreter module's bytes.
pub const INTERPRETER: &[u8] = include_bytes!("../../bootstrap/dist/interp.wasm");

/// `interpreter_type` of a wasmi-compatible interpreter (upstream's 0x03).
pub const WASMI_COMPATIBLE: u8 = 0x03;

/// Its bootstrap priority: after every kernel at the default priority, so
/// hosts that run kernels directly keep doing so.
pub const PRIORITY: u8 = 128;

/// The header options of the interpreter segment: role Interpreter,
/// wasmi-compatible, stored ZSTD-compressed.
pub fn options() -> SolverOptions {
    SolverOptions {
        role: WasmRole::Interpreter as u8,
        priority: PRIORITY,
        interpreter_type: WASMI_COMPATIBLE,
        compression: 2,
        ..Default::default()
    }
}
