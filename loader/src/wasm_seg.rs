//! WASM_SEG (type 0x10): a 64-byte `WasmHeader` followed by the bytecode.
//!
//! The bytecode is bounded by the segment's `payload_length`, never by the
//! header's `bytecode_size` alone; the two must agree. The 32-byte
//! `bytecode_hash` is SHAKE-256 of the bytecode; upstream's additive fold is
//! recognised and reported as unauthenticated, never as valid.

use crate::error::{Error, PayloadKind, Result};
use crate::hash::{shake256, upstream_fold};
pub use rvf_spec::format::{WasmHeader, WASM_MAGIC};

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
