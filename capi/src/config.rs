//! `RvfConfig`: what a C host brings to a session (the host's
//! `HostConfig`): feature mask, forced segment, unhashed data, limits, and
//! the trust policy (`RvfTrust`).

use crate::args::{self, Out};
use crate::codes::{ApiError, RvfCode};
use crate::error::{guard, Fail, RvfError};
use crate::trust::RvfTrust;
use core::ffi::c_char;
use rvf_host::{HostConfig, TrustPolicy};
use rvf_spec::exit::Exit;

/// The host configuration of a file handle. Fill it with
/// `rvf_config_default`, then change what you need.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RvfConfig {
    /// Fuel of every run (about one unit per Wasm operator executed).
    pub fuel: u64,
    /// Linear memory cap in bytes (the module header's `max_memory_pages`
    /// applies when smaller).
    pub max_memory_bytes: u64,
    /// Maximum call depth inside the module.
    pub max_recursion: u32,
    /// Maximum table elements of a module.
    pub max_table_elements: u32,
    /// Largest module accepted, in bytes.
    pub max_module_bytes: u64,
    /// Largest result a module may hand back, in bytes.
    pub max_result_bytes: u64,
    /// NULL: every feature the engine has. Else a mask, as the CLI's
    /// `--host-features`: `"-simd"`, `"none"`, `"simd,bulk-memory"`
    /// (read during the call, not kept).
    pub host_features: *const c_char,
    /// Directory index of the WASM segment to run (still fully verified),
    /// or -1 to let selection choose.
    pub force_segment: i64,
    /// Accept data segments whose content hash is unset (nothing is
    /// verified for them).
    pub allow_unhashed: bool,
    /// NULL (the default): no trust policy; any solver that passes the
    /// checks runs, and its code is unauthenticated. Else a trust list
    /// (`rvf_trust_new`): only a solver segment signed by one of its keys
    /// is eligible, and (unless `trust_unsigned_data`) every data segment
    /// a run reads must be signed by one too; otherwise runs refuse with
    /// `RVF_EXIT_UNTRUSTED`. An empty list trusts no key. Read during
    /// `rvf_file_open_*` / `rvf_file_configure` (its keys are copied into
    /// the file handle), not kept: it may be freed when the call returns.
    pub trust: *const RvfTrust,
    /// Under a trust policy, accept data segments no trusted key signed
    /// (the code must still be signed): `rvf-pack --trust-code-only`.
    /// Setting it without `trust` is `RVF_EXIT_USAGE`.
    pub trust_unsigned_data: bool,
}

impl RvfConfig {
    /// The host's defaults.
    pub fn defaults() -> RvfConfig {
        let d = HostConfig::default();
        RvfConfig {
            fuel: d.limits.fuel,
            max_memory_bytes: d.limits.max_memory_bytes,
            max_recursion: u32::try_from(d.limits.max_recursion).unwrap_or(u32::MAX),
            max_table_elements: d.limits.max_table_elements,
            max_module_bytes: d.limits.max_module_bytes as u64,
            max_result_bytes: d.limits.max_result_bytes,
            host_features: core::ptr::null(),
            force_segment: d.force_segment.map_or(-1, |i| i as i64),
            allow_unhashed: d.allow_unhashed,
            trust: core::ptr::null(),
            trust_unsigned_data: false,
        }
    }

    /// The session's `HostConfig`.
    ///
    /// # Safety
    /// `host_features` is NULL or a NUL-terminated string; `trust` is NULL
    /// or a live trust list.
    pub unsafe fn host_config(&self) -> Result<HostConfig, Fail> {
        let size = |v: u64, what: &str| {
            usize::try_from(v).map_err(|_| Fail::api(ApiError::BadLength, what))
        };
        let mut c = HostConfig {
            force_segment: args::optional_index(self.force_segment, "config.force_segment")?,
            allow_unhashed: self.allow_unhashed,
            ..HostConfig::default()
        };
        c.limits.fuel = self.fuel;
        c.limits.max_memory_bytes = self.max_memory_bytes;
        c.limits.max_recursion = size(self.max_recursion as u64, "config.max_recursion")?;
        c.limits.max_table_elements = self.max_table_elements;
        c.limits.max_module_bytes = size(self.max_module_bytes, "config.max_module_bytes")?;
        c.limits.max_result_bytes = self.max_result_bytes;
        c.policy = if self.trust.is_null() {
            if self.trust_unsigned_data {
                return Err(Fail::exit(
                    Exit::Usage,
                    "config.trust_unsigned_data is set but config.trust is NULL: give the trust list the policy applies to",
                ));
            }
            None
        } else {
            // SAFETY: non-NULL; a live trust list by the caller's contract.
            let t = unsafe { args::get(self.trust, "config.trust") }?;
            Some(TrustPolicy {
                keys: t.keys(),
                unsigned_data: self.trust_unsigned_data,
            })
        };
        if self.host_features.is_null() {
            return Ok(c);
        }
        // SAFETY: non-NULL, NUL-terminated by the caller's contract.
        let spec = unsafe { args::text(self.host_features, "config.host_features") }?;
        c.with_mask(spec)
            .map_err(|e| Fail::exit(Exit::Usage, alloc::format!("host_features \"{spec}\": {e}")))
    }

    /// The configuration `ptr` points at, or the defaults for NULL.
    ///
    /// # Safety
    /// `ptr` is NULL or points at a valid `RvfConfig`.
    pub unsafe fn read(ptr: *const RvfConfig) -> Result<HostConfig, Fail> {
        if ptr.is_null() {
            return Ok(HostConfig::default());
        }
        // SAFETY: the caller's contract.
        let c = unsafe { args::get(ptr, "config") }?;
        // SAFETY: as above, for its string.
        unsafe { c.host_config() }
    }
}

/// Fill `*out` with the host's defaults (fuel 2e10, memory 1 GiB,
/// recursion 1024, every engine feature, no forced segment, no trust
/// policy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_config_default(
    out: *mut RvfConfig,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        Out::new(out, "out")?.set(RvfConfig::defaults());
        Ok(())
    })
}
