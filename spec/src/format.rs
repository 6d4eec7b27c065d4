//! Format facts the hosts share: segment types, WASM roles, targets,
//! feature bits, checksum and compression algorithms (all from
//! `rvf_types`, re-exported here so there is one place to import them
//! from), rvf-boot's own segment type, the selection rules on roles and
//! targets, and every name shown to a user for them.
//!
//! Names are derived from the `rvf_types` enums: a segment type shows as
//! its variant in UPPER_SNAKE (`MetaIdx` → `META_IDX`), a role or target
//! in kebab-case (`ControlPlane` → `control-plane`), so a type added
//! upstream is named without an edit here. Feature bits have no enum
//! upstream; [`FEATURES`] is their one table.

use crate::abi::Metric;
use core::fmt::{self, Write};

pub use rvf_types::constants::{
    MAX_SEGMENT_PAYLOAD, ROOT_MANIFEST_MAGIC, ROOT_MANIFEST_SIZE, SEGMENT_ALIGNMENT,
    SEGMENT_HEADER_SIZE, SEGMENT_MAGIC, SEGMENT_VERSION,
};
pub use rvf_types::wasm_bootstrap::{
    WasmHeader, WasmRole, WasmTarget, WASM_FEAT_BULK_MEMORY, WASM_FEAT_EXCEPTION_HANDLING,
    WASM_FEAT_GC, WASM_FEAT_MULTI_VALUE, WASM_FEAT_REFERENCE_TYPES, WASM_FEAT_SIMD,
    WASM_FEAT_TAIL_CALL, WASM_FEAT_THREADS, WASM_MAGIC,
};
pub use rvf_types::{ChecksumAlgo, CompressionAlgo, SegmentFlags, SegmentType};

/// Segment type bytes, as `u8` for matching on raw headers.
pub mod seg {
    use super::SegmentType;
    pub const VEC: u8 = SegmentType::Vec as u8;
    pub const MANIFEST: u8 = SegmentType::Manifest as u8;
    pub const META: u8 = SegmentType::Meta as u8;
    pub const WITNESS: u8 = SegmentType::Witness as u8;
    pub const CRYPTO: u8 = SegmentType::Crypto as u8;
    pub const WASM: u8 = SegmentType::Wasm as u8;
    /// rvf-boot's sparse linear system (`docs/FORMAT.md`); not allocated
    /// upstream (the sublinear-solver design notes propose this value).
    pub const SPARSE: u8 = 0x24;
}

/// `checksum_algo` bytes.
pub mod algo {
    use super::ChecksumAlgo;
    /// Legacy: CRC32-rotation (≤ 0.4 writers) or XXH3-128 (0.5 accepts both).
    pub const LEGACY: u8 = ChecksumAlgo::Crc32c as u8;
    pub const XXH3_128: u8 = ChecksumAlgo::Xxh3_128 as u8;
    pub const SHAKE256_128: u8 = ChecksumAlgo::Shake256 as u8;
}

/// The WASM feature bits and the names users type and see, in bit order.
pub const FEATURES: [(u16, &str); 8] = [
    (WASM_FEAT_SIMD, "simd"),
    (WASM_FEAT_BULK_MEMORY, "bulk-memory"),
    (WASM_FEAT_MULTI_VALUE, "multi-value"),
    (WASM_FEAT_REFERENCE_TYPES, "reference-types"),
    (WASM_FEAT_THREADS, "threads"),
    (WASM_FEAT_TAIL_CALL, "tail-call"),
    (WASM_FEAT_GC, "gc"),
    (WASM_FEAT_EXCEPTION_HANDLING, "exception-handling"),
];

/// Every defined feature bit.
pub const ALL_FEATURES: u16 = {
    let mut bits = 0;
    let mut i = 0;
    while i < FEATURES.len() {
        bits |= FEATURES[i].0;
        i += 1;
    }
    bits
};

/// Roles a host runs as a solver (the module itself speaks the solver ABI).
pub const RUNNABLE_ROLES: [WasmRole; 2] = [WasmRole::Microkernel, WasmRole::Combined];
/// Targets a host runs (generic wasm32 and the import-free bare tile).
pub const RUNNABLE_TARGETS: [WasmTarget; 2] = [WasmTarget::Wasm32, WasmTarget::BareTile];

pub fn role_is_runnable(role: u8) -> bool {
    RUNNABLE_ROLES.iter().any(|r| *r as u8 == role)
}

pub fn target_is_runnable(target: u8) -> bool {
    RUNNABLE_TARGETS.iter().any(|t| *t as u8 == target)
}

/// A name shown for a byte: the upstream enum variant's `Debug` text,
/// re-cased while it is written (no table, no allocation).
#[derive(Clone, Copy)]
pub struct Name {
    of: Named,
}

#[derive(Clone, Copy)]
enum Named {
    Segment(SegmentType),
    Sparse,
    Role(WasmRole),
    Target(WasmTarget),
    /// A byte no enum defines: `UNKNOWN` for segment types, `unknown` else.
    Unknown {
        upper: bool,
    },
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut snake = Recase {
            out: f,
            sep: '_',
            upper: true,
            first: true,
        };
        match self.of {
            Named::Segment(t) => write!(snake, "{t:?}"),
            Named::Sparse => snake.write_str("Sparse"),
            Named::Role(r) => write!(snake.kebab(), "{r:?}"),
            Named::Target(t) => write!(snake.kebab(), "{t:?}"),
            Named::Unknown { upper: true } => f.write_str("UNKNOWN"),
            Named::Unknown { upper: false } => f.write_str("unknown"),
        }
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Writes CamelCase as UPPER_SNAKE or kebab-case.
struct Recase<'a, W: Write> {
    out: &'a mut W,
    sep: char,
    upper: bool,
    first: bool,
}

impl<W: Write> Recase<'_, W> {
    fn kebab(&mut self) -> &mut Self {
        self.sep = '-';
        self.upper = false;
        self
    }
}

impl<W: Write> Write for Recase<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            if !self.first && c.is_ascii_uppercase() {
                self.out.write_char(self.sep)?;
            }
            self.first = false;
            self.out.write_char(if self.upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            })?;
        }
        Ok(())
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        let mut w = Matcher {
            rest: other.as_bytes(),
            ok: true,
        };
        let _ = write!(w, "{self}");
        w.ok && w.rest.is_empty()
    }
}

/// Compares formatted output against a string without allocating.
struct Matcher<'a> {
    rest: &'a [u8],
    ok: bool,
}

impl Write for Matcher<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        match self.rest.strip_prefix(s.as_bytes()) {
            Some(r) if self.ok => self.rest = r,
            _ => self.ok = false,
        }
        Ok(())
    }
}

/// The name of a segment type byte (`VEC`, `META_IDX`, rvf-boot's `SPARSE`).
pub fn segment_type_name(t: u8) -> Name {
    let of = match SegmentType::try_from(t) {
        Ok(st) => Named::Segment(st),
        Err(_) if t == seg::SPARSE => Named::Sparse,
        Err(_) => Named::Unknown { upper: true },
    };
    Name { of }
}

/// The name of a WASM role byte (`microkernel`, `control-plane`).
pub fn role_name(role: u8) -> Name {
    let of = WasmRole::try_from(role).map_or(Named::Unknown { upper: false }, Named::Role);
    Name { of }
}

/// The name of a WASM target byte (`wasm32`, `bare-tile`).
pub fn target_name(target: u8) -> Name {
    let of = WasmTarget::try_from(target).map_or(Named::Unknown { upper: false }, Named::Target);
    Name { of }
}

/// Every defined role byte with its name.
pub fn roles() -> impl Iterator<Item = (u8, Name)> {
    (0..=u8::MAX)
        .filter(|r| WasmRole::try_from(*r).is_ok())
        .map(|r| (r, role_name(r)))
}

/// Every defined target byte with its name.
pub fn targets() -> impl Iterator<Item = (u8, Name)> {
    (0..=u8::MAX)
        .filter(|t| WasmTarget::try_from(*t).is_ok())
        .map(|t| (t, target_name(t)))
}

/// Every defined segment type byte (upstream's and rvf-boot's) with its name.
pub fn segment_types() -> impl Iterator<Item = (u8, Name)> {
    (0..=u8::MAX)
        .filter(|t| SegmentType::try_from(*t).is_ok() || *t == seg::SPARSE)
        .map(|t| (t, segment_type_name(t)))
}

/// The role byte a user's name stands for.
pub fn role_from_name(name: &str) -> Option<u8> {
    roles().find(|(_, n)| *n == name).map(|(r, _)| r)
}

/// The target byte a user's name stands for.
pub fn target_from_name(name: &str) -> Option<u8> {
    targets().find(|(_, n)| *n == name).map(|(t, _)| t)
}

/// The feature bit a user's name stands for.
pub fn feature_from_name(name: &str) -> Option<u16> {
    FEATURES.iter().find(|(_, n)| *n == name).map(|(b, _)| *b)
}

/// Feature bits as a comma-separated list of names ("none" for 0;
/// undefined bits as `unknown(0x...)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features(pub u16);

impl fmt::Display for Features {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut sep = |f: &mut fmt::Formatter<'_>| {
            let r = if first { Ok(()) } else { f.write_char(',') };
            first = false;
            r
        };
        for (bit, name) in FEATURES {
            if self.0 & bit != 0 {
                sep(f)?;
                f.write_str(name)?;
            }
        }
        let unknown = self.0 & !ALL_FEATURES;
        if unknown != 0 {
            sep(f)?;
            write!(f, "unknown({unknown:#06x})")?;
        }
        if self.0 == 0 {
            f.write_str("none")?;
        }
        Ok(())
    }
}

/// Why a host-feature mask does not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaskError<'a> {
    /// The feature name that is not one of [`FEATURES`].
    pub unknown: &'a str,
}

impl fmt::Display for MaskError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown feature '{}' (known: ", self.unknown)?;
        for (i, (_, n)) in FEATURES.iter().enumerate() {
            write!(f, "{}{n}", if i > 0 { ", " } else { "" })?;
        }
        f.write_str(")")
    }
}

impl core::error::Error for MaskError<'_> {}

/// Apply a user's host-feature mask to the features a host has: `none`;
/// `-simd` (remove from what the host has); `simd,bulk-memory` (exactly
/// these, `+` optional); items combine left to right. The result never
/// exceeds `host`: a mask can only take features away.
pub fn apply_feature_mask(spec: &str, host: u16) -> Result<u16, MaskError<'_>> {
    if spec == "none" {
        return Ok(0);
    }
    let mut bits = if spec.starts_with('-') { host } else { 0 };
    for item in spec.split(',').filter(|s| !s.is_empty()) {
        let (remove, name) = match item.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, item.strip_prefix('+').unwrap_or(item)),
        };
        let b = feature_from_name(name).ok_or(MaskError { unknown: name })?;
        if remove {
            bits &= !b;
        } else {
            bits |= b;
        }
    }
    Ok(bits & host)
}

/// The name of a `checksum_algo` byte, one spelling throughout.
pub fn checksum_name(algo: u8) -> &'static str {
    match ChecksumAlgo::try_from(algo) {
        Ok(ChecksumAlgo::Crc32c) => "legacy (CRC32-rotation or XXH3-128)",
        Ok(ChecksumAlgo::Xxh3_128) => "XXH3-128",
        Ok(ChecksumAlgo::Shake256) => "SHAKE-256/128",
        Ok(ChecksumAlgo::HmacShake256) => "HMAC-SHAKE-256",
        Err(_) => "unknown",
    }
}

/// The name of a `compression` byte.
pub fn compression_name(c: u8) -> &'static str {
    match CompressionAlgo::try_from(c) {
        Ok(CompressionAlgo::None) => "none",
        Ok(CompressionAlgo::Lz4) => "LZ4",
        Ok(CompressionAlgo::Zstd) => "ZSTD",
        Ok(CompressionAlgo::Custom) => "custom",
        Err(_) => "unknown",
    }
}

/// The manifest's `metric_id` (upstream: 0 L2, 1 inner product, 2 cosine)
/// as the solver ABI's metric. The two numberings are separate facts and
/// are mapped here, not assumed equal.
pub fn metric_from_manifest(id: u8) -> Option<Metric> {
    match id {
        0 => Some(Metric::L2),
        1 => Some(Metric::InnerProduct),
        2 => Some(Metric::Cosine),
        _ => None,
    }
}

/// The manifest `metric_id` a packer stores for a metric.
pub fn metric_to_manifest(m: Metric) -> u8 {
    match m {
        Metric::L2 => 0,
        Metric::InnerProduct => 1,
        Metric::Cosine => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn names_derive_from_the_enums() {
        // The names users have seen since the first release, by hand.
        assert_eq!(segment_type_name(0x01).to_string(), "VEC");
        assert_eq!(segment_type_name(0x05).to_string(), "MANIFEST");
        assert_eq!(segment_type_name(0x20).to_string(), "COW_MAP");
        assert_eq!(segment_type_name(0x36).to_string(), "AGGREGATE_WEIGHTS");
        assert_eq!(segment_type_name(0x0D).to_string(), "META_IDX");
        assert_eq!(segment_type_name(0x10).to_string(), "WASM");
        assert_eq!(segment_type_name(0x24).to_string(), "SPARSE");
        assert_eq!(segment_type_name(0x99).to_string(), "UNKNOWN");
        assert_eq!(role_name(9).to_string(), "unknown");
        assert_eq!(role_name(4).to_string(), "control-plane");
        assert_eq!(target_name(1).to_string(), "wasi-p1");
        assert_eq!(target_name(4).to_string(), "bare-tile");
        assert_eq!(role_from_name("combined"), Some(2));
        assert_eq!(target_from_name("bare-tile"), Some(4));
        assert_eq!(role_from_name("kernel"), None);
        assert!(role_name(0) == "microkernel");
        assert!(!(role_name(0) == "microkernelx"));
        assert!(!(role_name(0) == "micro"));
        assert_eq!(segment_types().count(), 30);
    }

    #[test]
    fn features_render_and_parse() {
        assert_eq!(Features(0).to_string(), "none");
        assert_eq!(Features(3).to_string(), "simd,bulk-memory");
        assert_eq!(Features(0x0101).to_string(), "simd,unknown(0x0100)");
        assert_eq!(feature_from_name("tail-call"), Some(32));
        assert_eq!(ALL_FEATURES, 0xFF);
    }

    #[test]
    fn feature_masks() {
        let host = 0x2F;
        assert_eq!(apply_feature_mask("none", host), Ok(0));
        assert_eq!(apply_feature_mask("-simd", host), Ok(0x2E));
        assert_eq!(apply_feature_mask("simd,bulk-memory", host), Ok(3));
        assert_eq!(apply_feature_mask("+simd", 0x2E), Ok(0));
        assert_eq!(apply_feature_mask("threads", host), Ok(0));
        assert_eq!(
            apply_feature_mask("-avx", host),
            Err(MaskError { unknown: "avx" })
        );
    }

    #[test]
    fn runnable_rules() {
        assert!(role_is_runnable(0) && role_is_runnable(2));
        assert!(!role_is_runnable(1) && !role_is_runnable(3) && !role_is_runnable(9));
        assert!(target_is_runnable(0) && target_is_runnable(4) && !target_is_runnable(1));
    }
}
