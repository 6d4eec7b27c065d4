//! Selection with every candidate explained (`rvf-pack select --explain`),
//! and preparing the solver a run will use.

use crate::args::{self, handle_out, Out};
use crate::codes::{ApiError, RvfCode};
use crate::error::{c_string, guard, guard_value, Fail, RvfError};
use crate::file::RvfFile;
use crate::trust::{OwnedSigner, RvfSigner};
use alloc::boxed::Box;
use alloc::ffi::CString;
use alloc::string::ToString;
use alloc::vec::Vec;
use core::ffi::c_char;
use rvf_host::{Selection, Verdict};

/// The verdict on a candidate (the host's `Verdict`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RvfVerdict {
    /// The segment a run uses.
    Selected = 0,
    /// Passed every check, ranked below the selected one.
    Eligible = 1,
    /// Passed the cheap checks; not verified (a better one was chosen first).
    NotVerified = 2,
    /// Refused: `verdict_text` says why, `verdict_class` names the rule.
    Rejected = 3,
}

/// One WASM segment and the verdict on it. The strings are owned by the
/// selection: valid until `rvf_selection_free`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RvfCandidate {
    /// Directory index of the segment.
    pub segment: u64,
    /// File offset of its header.
    pub offset: u64,
    /// False when its WasmHeader does not decode (role..priority are 0).
    pub has_header: bool,
    /// WASM role (`RVF_ROLE_*`).
    pub role: u8,
    /// Target (`RVF_TARGET_*`).
    pub target: u8,
    /// Features it requires (`RVF_FEATURE_*` bits).
    pub required_features: u16,
    /// Bootstrap priority (lower runs first).
    pub priority: u8,
    pub verdict: RvfVerdict,
    /// The verdict in words: `selected`, or `rejected: needs simd, host
    /// lacks it (host has none)`.
    pub verdict_text: *const c_char,
    /// A stable machine name: `selected`, `eligible`, `not_verified`,
    /// `rejected:<class>` (`rejected:features`, `rejected:segment_hash`...).
    pub verdict_class: *const c_char,
    /// Who signed it: under a trust policy (`RvfConfig.trust`) checked
    /// against the trusted keys, else `RVF_SIGNER_KIND_SIGNED_UNCHECKED`
    /// for any well-formed signature.
    pub signer: RvfSigner,
}

struct Explained {
    info: RvfCandidate,
    _text: CString,
    _class: CString,
    _signer: OwnedSigner,
}

/// The outcome of selection. Opaque; free with `rvf_selection_free`.
pub struct RvfSelection {
    host_features: u16,
    chosen: Option<usize>,
    candidates: Vec<Explained>,
}

impl RvfSelection {
    fn new(sel: &Selection) -> RvfSelection {
        let candidates = sel
            .candidates
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let v = sel.verdict(i);
                let text = c_string(&v.to_string());
                let class = c_string(&v.class());
                let h = c.header;
                let signer = OwnedSigner::new(&c.signer);
                Explained {
                    info: RvfCandidate {
                        segment: c.index as u64,
                        offset: c.offset,
                        has_header: h.is_some(),
                        role: h.map_or(0, |h| h.role),
                        target: h.map_or(0, |h| h.target),
                        required_features: h.map_or(0, |h| h.required_features),
                        priority: h.map_or(0, |h| h.bootstrap_priority),
                        verdict: match v {
                            Verdict::Selected => RvfVerdict::Selected,
                            Verdict::Eligible => RvfVerdict::Eligible,
                            Verdict::NotVerified => RvfVerdict::NotVerified,
                            Verdict::Rejected(_) => RvfVerdict::Rejected,
                        },
                        // The CStrings' heap buffers do not move with them.
                        verdict_text: text.as_ptr(),
                        verdict_class: class.as_ptr(),
                        signer: signer.info(),
                    },
                    _text: text,
                    _class: class,
                    _signer: signer,
                }
            })
            .collect();
        RvfSelection {
            host_features: sel.host_features,
            chosen: sel.chosen().map(|c| c.index),
            candidates,
        }
    }
}

/// Judge every WASM segment of the file for this host: each is hashed,
/// validated and admitted by the sandbox (or refused, with the reason).
/// Nothing runs. `*out` is a new selection (also when no candidate
/// qualifies: then `rvf_selection_chosen` is -1).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_file_explain(
    file: *const RvfFile,
    out: *mut *mut RvfSelection,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        let out = handle_out(out, "out")?;
        // SAFETY: the caller's contract for `file`.
        let f = unsafe { args::get(file, "file") }?;
        let sel = RvfSelection::new(&f.session().explain());
        out.set(Box::into_raw(Box::new(sel)));
        Ok(())
    })
}

/// Select, verify and compile the solver now (runs reuse it). Returns
/// `RVF_EXIT_NO_SOLVER` (or `RVF_EXIT_REFUSED` for a refused forced
/// segment, `RVF_EXIT_UNTRUSTED` when under the trust policy no signed
/// solver is left, `RVF_EXIT_MEMORY_LIMIT`...) with every candidate's
/// verdict in the error's message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_file_prepare(file: *mut RvfFile, err: *mut *mut RvfError) -> RvfCode {
    guard(err, || {
        // SAFETY: the caller's contract for `file`.
        let f = unsafe { args::get_mut(file, "file") }?;
        f.session_mut()
            .prepare()
            .map(|_| ())
            .map_err(|e| Fail::exit(e.exit(), &e))
    })
}

/// Free a selection (NULL is ignored).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_selection_free(sel: *mut RvfSelection) {
    guard_value((), || {
        if !sel.is_null() {
            // SAFETY: a pointer `rvf_file_explain` returned, freed once.
            drop(unsafe { Box::from_raw(sel) });
        }
    })
}

/// The number of candidates (WASM segments) judged (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_selection_count(sel: *const RvfSelection) -> usize {
    guard_value(0, || {
        // SAFETY: NULL or a live selection.
        unsafe { args::get(sel, "selection") }.map_or(0, |s| s.candidates.len())
    })
}

/// Directory index of the selected segment, or -1 when none qualifies
/// (or for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_selection_chosen(sel: *const RvfSelection) -> i64 {
    guard_value(-1, || {
        // SAFETY: NULL or a live selection.
        unsafe { args::get(sel, "selection") }
            .ok()
            .and_then(|s| s.chosen)
            .map_or(-1, |i| i as i64)
    })
}

/// The host's features after the mask (`RVF_FEATURE_*` bits; 0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_selection_host_features(sel: *const RvfSelection) -> u16 {
    guard_value(0, || {
        // SAFETY: NULL or a live selection.
        unsafe { args::get(sel, "selection") }.map_or(0, |s| s.host_features)
    })
}

/// Candidate `i` (0 <= i < count, in file order) into `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_selection_candidate(
    sel: *const RvfSelection,
    i: usize,
    out: *mut RvfCandidate,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        // SAFETY: the caller's contract for `sel`.
        let s = unsafe { args::get(sel, "selection") }?;
        let out = Out::new(out, "out")?;
        let c = s.candidates.get(i).ok_or_else(|| {
            Fail::new(
                ApiError::BadIndex.code(),
                alloc::format!("candidate {i}: the selection has {}", s.candidates.len()),
            )
        })?;
        out.set(c.info);
        Ok(())
    })
}
