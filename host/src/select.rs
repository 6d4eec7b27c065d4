//! Choosing the solver segment a host runs, with every candidate explained.
//!
//! **Rule** (docs/ABI.md): a WASM segment is a candidate when it decodes,
//! its role and target are runnable (`rvf_spec::format::RUNNABLE_ROLES`,
//! `RUNNABLE_TARGETS`), its `required_features` ⊆ the host's (after the
//! user's mask), its segment hash and SHAKE-256 bytecode hash verify **on
//! a private copy**, and the sandbox admits it: it validates in an engine
//! restricted to the *declared* features (a header that under-declares is
//! refused here), its imports and exports match the ABI, and it reports an
//! ABI major this host speaks. Candidates are ranked by
//! `bootstrap_priority` (lower first), then by more declared features
//! (prefer SIMD when available), then by file order.

use crate::config::HostConfig;
use alloc::vec::Vec;
use core::fmt;
use interpreter::{Admitted, Sandbox, SandboxError};
use loader::hash::HashStatus;
use loader::wasm_seg::{BytecodeHashStatus, WasmHeader, WasmSegment};
use loader::RvfFile;
use rvf_spec::format::{self, seg, Features};

/// Why a candidate was not (or could not be) chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum Rejection {
    /// The segment or its WasmHeader does not decode.
    Malformed(loader::Error),
    /// Its role is not one a host runs as a solver.
    Role(u8),
    /// Its target is not one this host runs.
    Target(u8),
    /// It needs features the host lacks (after the user's mask).
    MissingFeatures {
        needs: u16,
        host: u16,
    },
    SegmentHash(HashStatus),
    BytecodeHash(BytecodeHashStatus),
    /// The sandbox refused it: validation under the declared features,
    /// imports, exports, or the ABI version.
    Module(SandboxError),
}

impl Rejection {
    /// A stable machine name (the conformance set, JSON).
    pub fn class(&self) -> &'static str {
        match self {
            Rejection::Malformed(_) => "malformed",
            Rejection::Role(_) => "role",
            Rejection::Target(_) => "target",
            Rejection::MissingFeatures { .. } => "features",
            Rejection::SegmentHash(_) => "segment_hash",
            Rejection::BytecodeHash(_) => "bytecode_hash",
            Rejection::Module(SandboxError::Invalid(_)) => "module_invalid",
            Rejection::Module(SandboxError::ForbiddenImport { .. }) => "module_import",
            Rejection::Module(SandboxError::BadExport { .. }) => "module_export",
            Rejection::Module(SandboxError::AbiMismatch { .. }) => "module_abi",
            Rejection::Module(
                SandboxError::InitialMemory { .. } | SandboxError::MemoryLimit { .. },
            ) => "module_memory",
            Rejection::Module(_) => "module_trap",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Malformed(e) => write!(f, "malformed WASM segment: {e}"),
            Rejection::Role(r) => write!(
                f,
                "role {} is not runnable (need microkernel or combined)",
                format::role_name(*r)
            ),
            Rejection::Target(t) => write!(
                f,
                "target {} is not one this host runs (wasm32, bare-tile)",
                format::target_name(*t)
            ),
            Rejection::MissingFeatures { needs, host } => write!(
                f,
                "needs {}, host lacks it (host has {})",
                Features(needs & !host),
                Features(*host)
            ),
            Rejection::SegmentHash(s) => write!(f, "segment content hash {}", s.label()),
            Rejection::BytecodeHash(s) => write!(f, "bytecode hash {}", s.label()),
            Rejection::Module(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Rejection {}

/// One WASM segment and the verdict on it.
#[derive(Clone)]
pub struct Candidate {
    /// Directory index of the segment.
    pub index: usize,
    pub offset: u64,
    pub header: Option<WasmHeader>,
    pub rejection: Option<Rejection>,
    admitted: Option<Admitted>,
}

impl Candidate {
    /// The module as the sandbox admitted it (only after full verification).
    pub fn admitted(&self) -> Option<&Admitted> {
        self.admitted.as_ref()
    }
}

impl fmt::Debug for Candidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Candidate")
            .field("index", &self.index)
            .field("offset", &self.offset)
            .field("rejection", &self.rejection)
            .finish()
    }
}

/// The verdict on one candidate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict<'s> {
    Selected,
    /// Passed every check but ranked below the chosen one.
    Eligible,
    /// Passed the cheap checks; not verified, because a better-ranked
    /// candidate was chosen first (`select_first`).
    NotVerified,
    Rejected(&'s Rejection),
}

impl Verdict<'_> {
    /// A stable machine name: `selected`, `eligible`, `not_verified`, or
    /// `rejected:<class>`.
    pub fn class(&self) -> alloc::string::String {
        match self {
            Verdict::Selected => "selected".into(),
            Verdict::Eligible => "eligible".into(),
            Verdict::NotVerified => "not_verified".into(),
            Verdict::Rejected(r) => alloc::format!("rejected:{}", r.class()),
        }
    }
}

impl fmt::Display for Verdict<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Selected => f.write_str("selected"),
            Verdict::Eligible => f.write_str("eligible (ranked lower)"),
            Verdict::NotVerified => f.write_str(
                "eligible (ranked lower; not verified: a better variant was chosen first)",
            ),
            Verdict::Rejected(r) => write!(f, "rejected: {r}"),
        }
    }
}

/// The outcome of selection, with every candidate explained.
#[derive(Clone, Debug)]
pub struct Selection {
    /// Host features after the user's mask.
    pub host_features: u16,
    pub candidates: Vec<Candidate>,
    /// Position in `candidates` of the chosen one.
    pub chosen: Option<usize>,
    /// The directory index the user forced, if any.
    pub forced: Option<usize>,
}

impl Selection {
    pub fn chosen(&self) -> Option<&Candidate> {
        self.chosen.and_then(|i| self.candidates.get(i))
    }

    /// The verdict on candidate `i` (a position in `candidates`).
    pub fn verdict(&self, i: usize) -> Verdict<'_> {
        let c = &self.candidates[i];
        match (&c.rejection, self.chosen == Some(i)) {
            (Some(r), _) => Verdict::Rejected(r),
            (None, true) => Verdict::Selected,
            (None, false) if c.admitted.is_some() => Verdict::Eligible,
            (None, false) => Verdict::NotVerified,
        }
    }
}

/// How far to verify: every candidate (`select --explain`), or in rank
/// order until one passes (what a run needs: one kernel compiled).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thoroughness {
    Every,
    FirstPassing,
}

/// The cheap checks: decode the header; role, target and features.
fn screen(file: &RvfFile<'_>, index: usize, host: u16) -> Candidate {
    let mut c = Candidate {
        index,
        offset: file.directory()[index].offset,
        header: None,
        rejection: None,
        admitted: None,
    };
    let parsed = file
        .segment(index)
        .and_then(|seg| WasmSegment::parse(seg.payload).map(|w| w.header));
    let h = match parsed {
        Ok(h) => h,
        Err(e) => {
            c.rejection = Some(Rejection::Malformed(e));
            return c;
        }
    };
    c.header = Some(h);
    if !format::role_is_runnable(h.role) {
        c.rejection = Some(Rejection::Role(h.role));
    } else if !format::target_is_runnable(h.target) {
        c.rejection = Some(Rejection::Target(h.target));
    } else if h.required_features & !host != 0 {
        c.rejection = Some(Rejection::MissingFeatures {
            needs: h.required_features,
            host,
        });
    }
    c
}

/// The expensive checks, on a private copy of the payload (never the live
/// mapping): segment hash, SHAKE-256 bytecode hash, admission under the
/// declared features. Sets `admitted` or `rejection`.
fn verify_admit(file: &RvfFile<'_>, c: &mut Candidate, config: &HostConfig) {
    let seg = match file.segment(c.index) {
        Ok(s) => s,
        Err(e) => {
            c.rejection = Some(Rejection::Malformed(e));
            return;
        }
    };
    let payload: Vec<u8> = seg.payload.to_vec();
    let w = match WasmSegment::parse(&payload) {
        Ok(w) => w,
        Err(e) => {
            c.rejection = Some(Rejection::Malformed(e));
            return;
        }
    };
    let seg_hash = loader::hash::verify_content_hash(
        seg.header.checksum_algo,
        &seg.header.content_hash,
        &payload,
    );
    let code_hash = w.bytecode_hash_status();
    c.rejection = if matches!(
        seg_hash,
        HashStatus::Mismatch | HashStatus::UnsupportedAlgo(_)
    ) {
        Some(Rejection::SegmentHash(seg_hash))
    } else if code_hash != BytecodeHashStatus::Verified {
        Some(Rejection::BytecodeHash(code_hash))
    } else {
        match Sandbox::new(w.header.required_features, config.limits).admit(w.bytecode) {
            Err(e) => Some(Rejection::Module(e)),
            Ok(m) => {
                c.admitted = Some(m);
                None
            }
        }
    };
}

/// Candidate positions that passed screening, best first (or just the forced one).
fn ranked(candidates: &[Candidate], force: Option<usize>) -> Vec<usize> {
    // (priority, more features first, file order)
    type Rank = (u8, core::cmp::Reverse<u32>, usize);
    let mut r: Vec<(usize, Rank)> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.rejection.is_none() && force.is_none_or(|n| c.index == n))
        .filter_map(|(i, c)| {
            let h = c.header?;
            let rank = (
                h.bootstrap_priority,
                core::cmp::Reverse(h.required_features.count_ones()),
                c.index,
            );
            Some((i, rank))
        })
        .collect();
    r.sort_by_key(|x| x.1);
    r.into_iter().map(|x| x.0).collect()
}

/// Judge the file's WASM segments for this host and pick one.
pub fn select(file: &RvfFile<'_>, config: &HostConfig, how: Thoroughness) -> Selection {
    let host = config.features();
    let mut candidates: Vec<Candidate> = file
        .directory()
        .iter()
        .enumerate()
        .filter(|(_, e)| e.seg_type == seg::WASM)
        .map(|(i, _)| screen(file, i, host))
        .collect();
    let order = ranked(&candidates, config.force_segment);
    let mut chosen = None;
    for &i in &order {
        if chosen.is_some() && how == Thoroughness::FirstPassing {
            break;
        }
        verify_admit(file, &mut candidates[i], config);
        if chosen.is_none() && candidates[i].admitted.is_some() {
            chosen = Some(i);
        }
    }
    Selection {
        host_features: host,
        candidates,
        chosen,
        forced: config.force_segment,
    }
}
