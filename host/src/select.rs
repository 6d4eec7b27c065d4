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
use crate::trust::{self, Signer};
use alloc::vec::Vec;
use core::fmt;
use interpreter::two_stage::{Interpreter, LoadedKernel};
use interpreter::{Admitted, RunOutput, Sandbox, SandboxError};
use loader::hash::HashStatus;
use loader::wasm_seg::{BytecodeHashStatus, WasmHeader, WasmSegment};
use loader::RvfFile;
use rvf_spec::abi::Params;
use rvf_spec::format::{self, seg, Features};
use rvf_spec::source::ArraySource;

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
    /// Its signature footer is malformed.
    Signature(loader::signature::SigError),
    /// Under the trust policy: not signed by a trusted key.
    Untrusted(Signer),
    /// A two-stage run, and no interpreter segment passed its checks.
    NoInterpreter,
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
            Rejection::Signature(_) => "bad_signature",
            Rejection::Untrusted(_) => "untrusted",
            Rejection::NoInterpreter => "no_interpreter",
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
            Rejection::Signature(e) => write!(f, "signature footer: {e}"),
            Rejection::Untrusted(s) => write!(f, "not eligible under the trust policy: {s}"),
            Rejection::NoInterpreter => f.write_str(
                "a run via the interpreter, and the file has no usable interpreter segment",
            ),
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
    /// Who signed it (checked against the trusted keys under a policy).
    pub signer: Signer,
    admitted: Option<Runnable>,
}

impl Candidate {
    /// The module as it was admitted (only after full verification).
    pub fn admitted(&self) -> Option<&Runnable> {
        self.admitted.as_ref()
    }
}

/// A kernel ready to run: in the host's own sandbox, or inside the file's
/// interpreter module (itself run by the host's sandbox).
#[derive(Clone)]
pub enum Runnable {
    Direct(Admitted),
    TwoStage(LoadedKernel),
}

impl Runnable {
    /// Run as `Admitted::run` does; both paths give the same outputs, the
    /// same kernel fuel and the same errors.
    pub fn run<'a>(
        &self,
        params: &Params,
        input: &[u8],
        source: ArraySource<'a>,
        bulk_check: Option<interpreter::host::BulkReadCheck<'a>>,
        max_memory_bytes: Option<u64>,
    ) -> Result<RunOutput, SandboxError> {
        match self {
            Runnable::Direct(a) => a.run(params, input, source, bulk_check, max_memory_bytes),
            Runnable::TwoStage(k) => k
                .run(params, input, source, bulk_check, max_memory_bytes)
                .map_err(|e| e.into_sandbox()),
        }
    }
}

/// The in-file interpreter a two-stage selection runs kernels with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// The Interpreter segment at this directory index, and the features
    /// it runs kernels with.
    Interpreter { index: usize, features: u16 },
    /// No Interpreter segment passed its checks: each one tried, and why.
    NoInterpreter(Vec<(usize, alloc::string::String)>),
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
    /// Set when kernels run inside the file's interpreter (`--via interpreter`).
    pub via: Option<Via>,
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

/// The cheap checks: decode the header; role, target and features (`host`).
fn screen(file: &RvfFile<'_>, index: usize, config: &HostConfig, host: u16) -> Candidate {
    let mut c = Candidate {
        index,
        offset: file.directory()[index].offset,
        header: None,
        rejection: None,
        signer: Signer::Unsigned,
        admitted: None,
    };
    let segment = file.segment(index);
    if let Ok(seg) = &segment {
        // Who signed it, for every candidate (--explain shows it); under a
        // policy `verify_admit` checks again on its private copy.
        let digest = match config.policy {
            Some(_) if seg.is_signed() => loader::signature::payload_digest(seg.payload),
            _ => [0; 16],
        };
        c.signer = trust::signer_of(
            config.policy.as_ref(),
            file.bytes(),
            file.body_end(),
            seg,
            &digest,
        );
    }
    let parsed = segment.and_then(|seg| WasmSegment::parse(seg.payload).map(|w| w.header));
    let h = match parsed {
        Ok(h) => h,
        Err(e) => {
            c.rejection = Some(Rejection::Malformed(e));
            return c;
        }
    };
    c.header = Some(h);
    if let Signer::BadFooter(e) = c.signer {
        c.rejection = Some(Rejection::Signature(e));
    } else if !format::role_is_runnable(h.role) {
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
/// mapping): segment hash; under a policy, the signature; the module size
/// and decompression (into a buffer capped at the module limit); the
/// SHAKE-256 bytecode hash; admission under the declared features. Sets
/// `admitted` or `rejection`.
fn verify_admit(
    file: &RvfFile<'_>,
    c: &mut Candidate,
    config: &HostConfig,
    interp: Option<&Interpreter>,
) {
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
    if matches!(
        seg_hash,
        HashStatus::Mismatch | HashStatus::UnsupportedAlgo(_)
    ) {
        c.rejection = Some(Rejection::SegmentHash(seg_hash));
        return;
    }
    // Under a policy, who signed it is settled before any of its bytes are
    // decompressed or compiled.
    if let Some(policy) = &config.policy {
        let digest = loader::signature::payload_digest(&payload);
        c.signer = policy.signer_of(file.bytes(), file.body_end(), &seg, &digest);
        if c.signer.key().is_none() {
            c.rejection = Some(Rejection::Untrusted(c.signer.clone()));
            return;
        }
    }
    let max = config.limits.max_module_bytes;
    if w.header.bytecode_size as usize > max {
        c.rejection = Some(Rejection::Module(SandboxError::Invalid(alloc::format!(
            "module is {} bytes, over the {max}-byte limit",
            w.header.bytecode_size
        ))));
        return;
    }
    let code = match w.code(max) {
        Ok(code) => code,
        Err(e) => {
            c.rejection = Some(Rejection::Malformed(e));
            return;
        }
    };
    let code_hash = loader::wasm_seg::bytecode_hash_status(&w.header.bytecode_hash, &code);
    if code_hash != BytecodeHashStatus::Verified {
        c.rejection = Some(Rejection::BytecodeHash(code_hash));
        return;
    }
    let features = w.header.required_features;
    let admitted = match interp {
        None => Sandbox::new(features, config.limits)
            .admit(&code)
            .map(Runnable::Direct),
        Some(i) => i
            .admit(&code, features, config.limits)
            .map(Runnable::TwoStage)
            .map_err(|e| e.into_sandbox()),
    };
    match admitted {
        Err(e) => c.rejection = Some(Rejection::Module(e)),
        Ok(m) => c.admitted = Some(m),
    }
}

/// The file's interpreter for a two-stage run (docs/ABI.md "Choosing the
/// interpreter"). Interpreter segments are tried by `bootstrap_priority`
/// (lower first), then file order; each must pass the checks any code
/// passes (segment hash, signature under a policy, size, decompression,
/// bytecode hash) and be accepted by the host's sandbox as an interpreter
/// module. Of those, the one that can run the best-ranked kernel wins: the
/// kernels (after the cheap checks under the user's mask, and `--segment`)
/// are ranked as [`select`] ranks them, and an interpreter's score is the
/// rank of the first kernel whose `required_features` ⊆ its
/// `rvfi_features` ∩ the user's mask. Lowest score wins, ties go to the
/// earlier one by priority; the search stops at an interpreter that runs
/// the best-ranked kernel, so usually one interpreter is compiled.
fn pick_interpreter(file: &RvfFile<'_>, config: &HostConfig) -> Result<(usize, Interpreter), Via> {
    let mut tried = Vec::new();
    let mut mods: Vec<(u8, usize)> = file
        .segments()
        .filter_map(|(i, s)| {
            let s = s.ok().filter(|s| s.header.seg_type == seg::WASM)?;
            let h = WasmSegment::parse(s.payload).ok()?.header;
            (h.role == format::WasmRole::Interpreter as u8).then_some((h.bootstrap_priority, i))
        })
        .collect();
    mods.sort_unstable();
    // What each kernel needs, best-ranked first (the ranking `select` uses,
    // over the kernels the user's mask and `--segment` leave).
    let kernels: Vec<Candidate> = file
        .directory()
        .iter()
        .enumerate()
        .filter(|(_, e)| e.seg_type == seg::WASM)
        .map(|(i, _)| screen(file, i, config, config.allowed_features))
        .collect();
    let needs: Vec<u16> = ranked(&kernels, config.force_segment)
        .into_iter()
        .filter_map(|i| kernels[i].header.map(|h| h.required_features))
        .collect();
    let score = |features: u16| {
        let usable = features & config.allowed_features;
        needs
            .iter()
            .position(|n| n & !usable == 0)
            .unwrap_or(needs.len())
    };
    let mut best: Option<(usize, usize, Interpreter)> = None;
    for (_, index) in mods {
        // Checked as any code is; admitted as an interpreter module.
        match interpreter_code(file, index, config) {
            Err(r) => tried.push((index, alloc::format!("{r}"))),
            Ok(code) => {
                match Interpreter::new(&code, interpreter::wasmi::CompilationMode::LazyTranslation)
                {
                    Ok(m) => {
                        let sc = score(m.features());
                        if best.as_ref().is_none_or(|b| sc < b.0) {
                            best = Some((sc, index, m));
                        }
                        if sc == 0 {
                            break;
                        }
                    }
                    Err(e) => tried.push((index, alloc::format!("{e}"))),
                }
            }
        }
    }
    match best {
        Some((_, index, m)) => Ok((index, m)),
        None => Err(Via::NoInterpreter(tried)),
    }
}

/// The verified bytecode of an interpreter segment, or why not.
fn interpreter_code(
    file: &RvfFile<'_>,
    index: usize,
    config: &HostConfig,
) -> Result<Vec<u8>, Rejection> {
    let seg = file.segment(index).map_err(Rejection::Malformed)?;
    // A private copy: never the live mapping.
    let owned = seg.payload.to_vec();
    let payload: &[u8] = &owned;
    let w = WasmSegment::parse(payload).map_err(Rejection::Malformed)?;
    let seg_hash = loader::hash::verify_content_hash(
        seg.header.checksum_algo,
        &seg.header.content_hash,
        payload,
    );
    if matches!(
        seg_hash,
        HashStatus::Mismatch | HashStatus::UnsupportedAlgo(_)
    ) {
        return Err(Rejection::SegmentHash(seg_hash));
    }
    if let Some(policy) = &config.policy {
        let digest = loader::signature::payload_digest(payload);
        let signer = policy.signer_of(file.bytes(), file.body_end(), &seg, &digest);
        if signer.key().is_none() {
            return Err(Rejection::Untrusted(signer));
        }
    }
    let code = w
        .code(config.limits.max_module_bytes)
        .map_err(Rejection::Malformed)?;
    let status = loader::wasm_seg::bytecode_hash_status(&w.header.bytecode_hash, &code);
    if status != BytecodeHashStatus::Verified {
        return Err(Rejection::BytecodeHash(status));
    }
    Ok(code.into_owned())
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

/// Judge the file's WASM segments for this host and pick one. With
/// `config.via_interpreter`, the kernels run inside the file's interpreter:
/// it is chosen first, and the features kernels may use are the ones it
/// runs (within the user's mask).
pub fn select(file: &RvfFile<'_>, config: &HostConfig, how: Thoroughness) -> Selection {
    let (interp, via) = match config.via_interpreter {
        false => (None, None),
        true => match pick_interpreter(file, config) {
            Ok((index, m)) => {
                let features = m.features();
                (Some(m), Some(Via::Interpreter { index, features }))
            }
            Err(why) => (None, Some(why)),
        },
    };
    let host = match &via {
        Some(Via::Interpreter { features, .. }) => config.allowed_features & features,
        _ => config.features(),
    };
    let mut candidates: Vec<Candidate> = file
        .directory()
        .iter()
        .enumerate()
        .filter(|(_, e)| e.seg_type == seg::WASM)
        .map(|(i, _)| screen(file, i, config, host))
        .collect();
    let order = ranked(&candidates, config.force_segment);
    let mut chosen = None;
    for &i in &order {
        if chosen.is_some() && how == Thoroughness::FirstPassing {
            break;
        }
        if let Some(Via::NoInterpreter(_)) = via {
            candidates[i].rejection = Some(Rejection::NoInterpreter);
            continue;
        }
        verify_admit(file, &mut candidates[i], config, interp.as_ref());
        if chosen.is_none() && candidates[i].admitted.is_some() {
            chosen = Some(i);
        }
    }
    Selection {
        host_features: host,
        candidates,
        chosen,
        forced: config.force_segment,
        via,
    }
}
