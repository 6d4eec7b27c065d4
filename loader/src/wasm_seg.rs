//! WASM_SEG (type 0x10): a 64-byte `WasmHeader` followed by the bytecode,
//! stored as it is or compressed (`compression` 1 = LZ4 block, 2 = ZSTD
//! frame; `compressed_size` = the stored bytes, `bytecode_size` = the
//! module's).
//!
//! The stored bytes are bounded by the segment's `payload_length`, never by
//! the header's sizes alone; the two must agree. Compressed code is
//! decompressed into a private buffer of exactly `bytecode_size` bytes, and
//! only when that is within the caller's cap, so a decompression bomb or a
//! size lie is a typed error, never an allocation the input chose. The
//! 32-byte `bytecode_hash` is SHAKE-256 of the (decompressed) bytecode;
//! upstream's additive fold is recognised and reported as unauthenticated,
//! never as valid.

use crate::error::{Error, PayloadKind, Result};
use crate::hash::{shake256, upstream_fold};
use alloc::borrow::Cow;
use alloc::vec::Vec;
use rvf_spec::format::CompressionAlgo;
pub use rvf_spec::format::{WasmHeader, WASM_MAGIC};
use rvf_spec::wasm_header;

pub const WASM_HEADER_LEN: usize = wasm_header::LEN;

/// The largest module [`WasmSegment::bytecode_hash_status`] decompresses
/// to judge its hash (hosts pass their own, smaller, module limit to
/// [`WasmSegment::code`]).
pub const MAX_DECOMPRESSED: usize = wasm_header::MAX_DECOMPRESSED;

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

/// The largest `bytecode_size` a compressed module of `compressed_size`
/// stored bytes may declare: 255 times as much (LZ4's own bound; no real
/// module compresses better), and never less than 64 KiB. So decompressing
/// every module of a file costs at most a constant times its size, and no
/// buffer is allocated for a size the stored bytes cannot produce.
pub fn max_expanded(compressed_size: u32) -> u64 {
    (compressed_size as u64 * wasm_header::MAX_EXPANSION).max(wasm_header::MIN_EXPANDED_CAP)
}

impl<'a> WasmSegment<'a> {
    /// Decode and structurally check a WASM segment payload.
    pub fn parse(payload: &'a [u8]) -> Result<Self> {
        let hb: &[u8; WASM_HEADER_LEN] = payload
            .get(..WASM_HEADER_LEN)
            .and_then(|s| s.try_into().ok())
            .ok_or(bad("shorter than the 64-byte WasmHeader"))?;
        let header = WasmHeader::from_bytes(hb).map_err(|_| bad("bad WasmHeader magic"))?;
        if header.header_version != wasm_header::VERSION {
            return Err(bad("unsupported WasmHeader version"));
        }
        let bytecode = &payload[WASM_HEADER_LEN..];
        match CompressionAlgo::try_from(header.compression) {
            Ok(CompressionAlgo::None) => {
                if header.compressed_size != 0 {
                    return Err(bad("compressed_size is set but compression is none"));
                }
                if header.bytecode_size as u64 != bytecode.len() as u64 {
                    return Err(bad("bytecode_size disagrees with payload_length - 64"));
                }
            }
            Ok(CompressionAlgo::Lz4 | CompressionAlgo::Zstd) => {
                if header.compressed_size as u64 != bytecode.len() as u64 {
                    return Err(bad("compressed_size disagrees with payload_length - 64"));
                }
                if header.bytecode_size as u64 > max_expanded(header.compressed_size) {
                    return Err(bad(
                        "bytecode_size claims more than compressed_size bytes may expand to (a size lie or a decompression bomb)",
                    ));
                }
            }
            _ => return Err(bad("unknown compression (only none, LZ4 and ZSTD)")),
        }
        Ok(WasmSegment { header, bytecode })
    }

    /// True when the stored bytes are compressed.
    pub fn is_compressed(&self) -> bool {
        self.header.compression != 0
    }

    /// The module's bytecode: the stored bytes, or a private buffer with
    /// them decompressed when the module is at most `cap` bytes.
    pub fn code(&self, cap: usize) -> Result<Cow<'a, [u8]>> {
        if !self.is_compressed() {
            return Ok(Cow::Borrowed(self.bytecode));
        }
        let size = self.header.bytecode_size as usize;
        if size > cap {
            return Err(bad("bytecode_size is above the module size limit"));
        }
        let mut out = Vec::new();
        out.try_reserve_exact(size)
            .map_err(|_| bad("no memory for the decompressed bytecode"))?;
        out.resize(size, 0);
        let n = match CompressionAlgo::try_from(self.header.compression) {
            Ok(CompressionAlgo::Lz4) => {
                lz4_flex::block::decompress_into(self.bytecode, &mut out)
                    .map_err(|_| bad("LZ4 data is corrupt or larger than bytecode_size"))?
            }
            _ => {
                let mut d = ruzstd::decoding::FrameDecoder::new();
                // The window the frame may ask for is bounded by the module.
                d.set_max_window_size(size.max(1 << 10) as u64);
                d.decode_all(self.bytecode, &mut out)
                    .map_err(|_| bad("ZSTD data is corrupt or larger than bytecode_size"))?
            }
        };
        if n != size {
            return Err(bad("decompressed size differs from bytecode_size"));
        }
        Ok(Cow::Owned(out))
    }

    /// The stored bytecode hash judged against the (decompressed) module.
    pub fn bytecode_hash_status(&self) -> BytecodeHashStatus {
        match self.code(MAX_DECOMPRESSED) {
            Ok(code) => bytecode_hash_status(&self.header.bytecode_hash, &code),
            Err(_) => BytecodeHashStatus::Mismatch,
        }
    }
}

/// Judge a stored 32-byte bytecode hash against `bytecode`.
pub fn bytecode_hash_status(
    stored: &[u8; wasm_header::BYTECODE_HASH_LEN],
    bytecode: &[u8],
) -> BytecodeHashStatus {
    if stored.iter().all(|&b| b == 0) {
        BytecodeHashStatus::NotSet
    } else if shake256::<{ wasm_header::BYTECODE_HASH_LEN }>(bytecode) == *stored {
        BytecodeHashStatus::Verified
    } else if upstream_fold(bytecode) == *stored {
        BytecodeHashStatus::UpstreamFold
    } else {
        BytecodeHashStatus::Mismatch
    }
}
