//! The names `rvf_spec` gives values (segment types, roles, targets,
//! feature sets, methods, metrics, status codes, detail codes, checksum
//! algorithms), copied into a caller buffer.

use crate::args;
use crate::error::guard_value;
use alloc::string::{String, ToString};
use core::ffi::c_char;
use rvf_spec::abi::{self, Metric};
use rvf_spec::format::{self, Features};

/// What `rvf_name` names.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RvfNameKind {
    /// A segment type byte: `VEC`, `WASM`, `SPARSE`, `UNKNOWN`.
    SegmentType = 0,
    /// A WASM role byte: `microkernel`, `combined`...
    Role = 1,
    /// A WASM target byte: `wasm32`, `bare-tile`...
    Target = 2,
    /// Feature bits: `simd,bulk-memory`, `none`.
    Features = 3,
    /// A method id: `cg`, `ppr-forward`...
    Method = 4,
    /// A metric id: `l2`, `ip`, `cosine`.
    Metric = 5,
    /// A solver status (as `int32_t`): `OK`, `BAD_PARAMS`...
    Status = 6,
    /// What a solver status means, in words.
    StatusMessage = 7,
    /// A detail code: `SOURCE`, `NO_RHS`...
    Detail = 8,
    /// A `checksum_algo` byte: `shake256`, `xxh3`...
    Checksum = 9,
}

impl RvfNameKind {
    const ALL: [RvfNameKind; 10] = [
        RvfNameKind::SegmentType,
        RvfNameKind::Role,
        RvfNameKind::Target,
        RvfNameKind::Features,
        RvfNameKind::Method,
        RvfNameKind::Metric,
        RvfNameKind::Status,
        RvfNameKind::StatusMessage,
        RvfNameKind::Detail,
        RvfNameKind::Checksum,
    ];

    fn from_u32(k: u32) -> Option<RvfNameKind> {
        RvfNameKind::ALL.into_iter().find(|x| *x as u32 == k)
    }
}

/// The name of `value` as `kind` names it (`unknown` for a kind or value
/// that has none).
pub fn name(kind: u32, value: u32) -> String {
    let byte = u8::try_from(value).ok();
    let unknown = || String::from("unknown");
    match RvfNameKind::from_u32(kind) {
        None => unknown(),
        Some(RvfNameKind::SegmentType) => byte.map_or("UNKNOWN".into(), |b| {
            format::segment_type_name(b).to_string()
        }),
        Some(RvfNameKind::Role) => byte.map_or_else(unknown, |b| format::role_name(b).to_string()),
        Some(RvfNameKind::Target) => {
            byte.map_or_else(unknown, |b| format::target_name(b).to_string())
        }
        Some(RvfNameKind::Features) => {
            u16::try_from(value).map_or_else(|_| unknown(), |f| Features(f).to_string())
        }
        Some(RvfNameKind::Method) => abi::method::name(value).into(),
        Some(RvfNameKind::Metric) => {
            Metric::from_id(value).map_or_else(unknown, |m| m.name().into())
        }
        Some(RvfNameKind::Status) => abi::status::name(value as i32).into(),
        Some(RvfNameKind::StatusMessage) => abi::status::message(value as i32).into(),
        Some(RvfNameKind::Detail) => abi::detail::name(value).into(),
        Some(RvfNameKind::Checksum) => {
            byte.map_or_else(unknown, |b| format::checksum_name(b).into())
        }
    }
}

/// Copy the name of `value` (as `kind`, an `RVF_NAME_KIND_*`) into `buf`
/// of `cap` bytes, `snprintf` style: at most `cap - 1` bytes and a NUL,
/// never a split UTF-8 character. Returns the name's full length (without
/// the NUL): a result `>= cap` means it was cut. `buf` may be NULL to ask
/// for the length. A status is passed as its `int32_t` cast to `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_name(kind: u32, value: u32, buf: *mut c_char, cap: usize) -> usize {
    guard_value(0, || {
        // SAFETY: `buf` is NULL or holds `cap` writable bytes (caller's contract).
        unsafe { args::copy_text(&name(kind, value), buf, cap) }
    })
}

/// The ABI version this library's host speaks (major << 16 | minor).
#[unsafe(no_mangle)]
pub extern "C" fn rvf_abi_version() -> u32 {
    abi::ABI_VERSION
}

/// The version of this library (`0.1.0`), static.
#[unsafe(no_mangle)]
pub extern "C" fn rvf_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_spec() {
        assert_eq!(
            name(RvfNameKind::SegmentType as u32, format::seg::WASM as u32),
            "WASM"
        );
        assert_eq!(name(RvfNameKind::Method as u32, 3), "ppr-forward");
        assert_eq!(
            name(RvfNameKind::Status as u32, (-9i32) as u32),
            "MISSING_DATA"
        );
        assert_eq!(name(RvfNameKind::Features as u32, 0), "none");
        assert_eq!(name(99, 0), "unknown");
        assert_eq!(name(RvfNameKind::Role as u32, 1000), "unknown");
        let mut buf = [0x55 as c_char; 4];
        let n = unsafe { rvf_name(RvfNameKind::Method as u32, 3, buf.as_mut_ptr(), 4) };
        assert_eq!(n, "ppr-forward".len());
        assert_eq!(buf.map(|c| c as u8), *b"ppr\0");
        assert_eq!(
            unsafe { rvf_name(0, 0, core::ptr::null_mut(), 10) },
            "UNKNOWN".len()
        );
    }
}
