//! The bootstrap chain of a file, resolved as upstream's WASM bootstrap
//! specification does (`11-wasm-bootstrap.md`; `rvf-wasm`
//! `resolve_bootstrap_chain`): from the roles of its WASM segments, in
//! `bootstrap_priority` order (lower first, then file order).
//!
//! - a **Combined** module (interpreter and kernel in one) → the file runs
//!   itself in one step: [`Chain::SelfContained`];
//! - an **Interpreter** and a **Microkernel** → the host runs the in-file
//!   interpreter, which runs the kernel: [`Chain::TwoStage`];
//! - only Microkernels → the host's own WebAssembly engine runs the kernel:
//!   [`Chain::HostRequired`].
//!
//! This is what the file *offers*; which module a host actually runs is
//! selection's business (features, hashes, signatures).

use crate::container::RvfFile;
use crate::wasm_seg::WasmSegment;
use alloc::vec::Vec;
use rvf_spec::format::{seg, WasmRole};

/// How the file can be run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chain {
    /// A Combined module at this directory index.
    SelfContained { combined: usize },
    /// The first Interpreter and the first Microkernel, by priority.
    TwoStage {
        interpreter: usize,
        microkernel: usize,
    },
    /// Microkernels only, by priority.
    HostRequired { microkernels: Vec<usize> },
    /// No WASM segment that takes part in bootstrapping.
    NoCode,
}

impl Chain {
    /// The spec's name of the resolution.
    pub fn name(&self) -> &'static str {
        match self {
            Chain::SelfContained { .. } => "self-contained",
            Chain::TwoStage { .. } => "two-stage",
            Chain::HostRequired { .. } => "host-required",
            Chain::NoCode => "no-code",
        }
    }
    /// True when the file carries its own runtime (what `rvf-runtime`
    /// 0.5.0's `is_self_bootstrapping()` reports: an Interpreter or a
    /// Combined module is present).
    pub fn self_bootstrapping(&self) -> bool {
        matches!(self, Chain::SelfContained { .. } | Chain::TwoStage { .. })
    }
}

/// Resolve `file`'s bootstrap chain. Segments whose WasmHeader does not
/// parse take no part.
pub fn resolve(file: &RvfFile<'_>) -> Chain {
    let mut mods: Vec<(u8, usize, u8)> = file
        .segments()
        .filter_map(|(i, s)| {
            let s = s.ok().filter(|s| s.header.seg_type == seg::WASM)?;
            let h = WasmSegment::parse(s.payload).ok()?.header;
            Some((h.bootstrap_priority, i, h.role))
        })
        .collect();
    mods.sort_unstable();
    let first = |r: WasmRole| mods.iter().find(|m| m.2 == r as u8).map(|m| m.1);
    if let Some(combined) = first(WasmRole::Combined) {
        return Chain::SelfContained { combined };
    }
    match (first(WasmRole::Interpreter), first(WasmRole::Microkernel)) {
        (Some(interpreter), Some(microkernel)) => Chain::TwoStage {
            interpreter,
            microkernel,
        },
        (_, Some(_)) => Chain::HostRequired {
            microkernels: mods
                .iter()
                .filter(|m| m.2 == WasmRole::Microkernel as u8)
                .map(|m| m.1)
                .collect(),
        },
        _ => Chain::NoCode,
    }
}
