//! WASM_SEG (type 0x10): a 64-byte `WasmHeader` followed by the bytecode.
//!
//! The bytecode is bounded by the segment's `payload_length`, never by the
//! header's `bytecode_size` alone; the two must agree. The 32-byte
//! `bytecode_hash` is SHAKE-256 of the bytecode; upstream's additive fold is
//! recognised and reported as unauthenticated, never as valid.

use crate::error::{Error, PayloadKind, Result};
use crate::hash::{shake256, upstream_fold};
pub use rvf_types::wasm_bootstrap::{WasmHeader, WASM_MAGIC};

pub const WASM_SEG_TYPE: u8 = 0x10;
pub const WASM_HEADER_LEN: usize = 64;

fn bad(what: &'static str) -> Error {
    Error::BadPayload {
        kind: PayloadKind::Wasm,
        what,
    }
}

/// A decoded WASM segment payload.
#[derive(Clone, Copy, Debug)]
pub struct WasmSegment<'a> {
    pub header: WasmHeader,
    pub bytecode: &'a [u8],
}

/// What the stored bytecode hash says about the bytecode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BytecodeHashStatus {
    /// SHAKE-256-256 of the bytecode matches.
    Verified,
    /// All zero.
    NotSet,
    /// Upstream's `simple_shake256_256` fold: matches, but authenticates nothing.
    UpstreamFold,
    /// Matches neither.
    Mismatch,
}

impl BytecodeHashStatus {
    pub fn label(self) -> &'static str {
        match self {
            BytecodeHashStatus::Verified => "verified (SHAKE-256)",
            BytecodeHashStatus::NotSet => "not set",
            BytecodeHashStatus::UpstreamFold => "unauthenticated (upstream legacy)",
            BytecodeHashStatus::Mismatch => "MISMATCH",
        }
    }
}

impl<'a> WasmSegment<'a> {
    /// Decode and structurally check a WASM segment payload.
    pub fn parse(payload: &'a [u8]) -> Result<Self> {
        let hb: &[u8; 64] = payload
            .get(..WASM_HEADER_LEN)
            .and_then(|s| s.try_into().ok())
            .ok_or(bad("shorter than the 64-byte WasmHeader"))?;
        let header = WasmHeader::from_bytes(hb).map_err(|_| bad("bad WasmHeader magic"))?;
        if header.header_version != 1 {
            return Err(bad("unsupported WasmHeader version"));
        }
        let bytecode = &payload[WASM_HEADER_LEN..];
        if header.compression != 0 || header.compressed_size != 0 {
            return Err(bad("compressed bytecode is not supported"));
        }
        if header.bytecode_size as u64 != bytecode.len() as u64 {
            return Err(bad("bytecode_size disagrees with payload_length - 64"));
        }
        Ok(WasmSegment { header, bytecode })
    }

    pub fn bytecode_hash_status(&self) -> BytecodeHashStatus {
        bytecode_hash_status(&self.header.bytecode_hash, self.bytecode)
    }
}

/// Judge a stored 32-byte bytecode hash against `bytecode`.
pub fn bytecode_hash_status(stored: &[u8; 32], bytecode: &[u8]) -> BytecodeHashStatus {
    if stored.iter().all(|&b| b == 0) {
        BytecodeHashStatus::NotSet
    } else if shake256::<32>(bytecode) == *stored {
        BytecodeHashStatus::Verified
    } else if upstream_fold(bytecode) == *stored {
        BytecodeHashStatus::UpstreamFold
    } else {
        BytecodeHashStatus::Mismatch
    }
}

pub fn role_name(role: u8) -> &'static str {
    match role {
        0 => "microkernel",
        1 => "interpreter",
        2 => "combined",
        3 => "extension",
        4 => "control-plane",
        _ => "unknown",
    }
}

pub fn target_name(target: u8) -> &'static str {
    match target {
        0 => "wasm32",
        1 => "wasi-p1",
        2 => "wasi-p2",
        3 => "browser",
        4 => "bare-tile",
        _ => "unknown",
    }
}

/// Names of the `WASM_FEAT_*` bits.
pub const FEATURE_NAMES: [(u16, &str); 8] = [
    (1 << 0, "simd"),
    (1 << 1, "bulk-memory"),
    (1 << 2, "multi-value"),
    (1 << 3, "reference-types"),
    (1 << 4, "threads"),
    (1 << 5, "tail-call"),
    (1 << 6, "gc"),
    (1 << 7, "exception-handling"),
];

/// Write the feature bits as a comma-separated list ("none" for 0).
pub fn features_to_string(bits: u16) -> alloc::string::String {
    let mut s = alloc::string::String::new();
    for (bit, name) in FEATURE_NAMES {
        if bits & bit != 0 {
            if !s.is_empty() {
                s.push(',');
            }
            s.push_str(name);
        }
    }
    let unknown = bits & 0xFF00;
    if unknown != 0 {
        if !s.is_empty() {
            s.push(',');
        }
        s.push_str(&alloc::format!("unknown({unknown:#06x})"));
    }
    if s.is_empty() {
        s.push_str("none");
    }
    s
}

/// Parse a feature name as used on the command line.
pub fn feature_from_name(name: &str) -> Option<u16> {
    FEATURE_NAMES
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(b, _)| *b)
}
