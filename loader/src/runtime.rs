//! Choosing, verifying and running a file's solver (feature `run`).
//!
//! **Selection rule** (documented in docs/ABI.md): a WASM segment is a
//! candidate when it decodes, its role is runnable (Microkernel or
//! Combined), its target is one this host runs (Wasm32, BareTile), its
//! `required_features` ⊆ the host's (after the user's mask), its segment
//! hash and SHAKE-256 bytecode hash verify **on a private copy**, the module
//! validates in an engine restricted to the *declared* features (so a header
//! that under-declares is rejected here), its imports and exports match the
//! ABI, and it reports an ABI major we speak. Candidates are ranked by
//! `bootstrap_priority` (lower first), then by more declared features
//! (prefer SIMD when available), then by file order.
//!
//! Data segments are served to the sandbox straight from the file; by
//! default a data segment's hash is checked before its first bulk read
//! (global methods, k-NN); `verify_data` checks every data segment up front.

use crate::container::RvfFile;
use crate::hash::HashStatus;
use crate::sparse_seg::{SparseArray, SparseMatrix, SPARSE_SEG_TYPE};
use crate::vec_seg::{VectorSegment, VEC_SEG_TYPE};
use crate::wasm_seg::{
    features_to_string, role_name, target_name, BytecodeHashStatus, WasmHeader, WasmSegment,
    WASM_SEG_TYPE,
};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
pub use interpreter::{abi, caps, engine, Admitted, Limits, RunOutput, Sandbox, SandboxError};
use microkernel::source::ArraySource;

/// Why a candidate was not (or could not be) chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum Rejection {
    Malformed(String),
    Role(u8),
    Target(u8),
    MissingFeatures {
        needs: u16,
        host: u16,
    },
    SegmentHash(HashStatus),
    BytecodeHash(BytecodeHashStatus),
    /// Validation, import or export failure under the declared features.
    Module(SandboxError),
    Abi(u32),
}

impl core::fmt::Display for Rejection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Rejection::Malformed(e) => write!(f, "malformed WASM segment: {e}"),
            Rejection::Role(r) => write!(
                f,
                "role {} is not runnable (need microkernel or combined)",
                role_name(*r)
            ),
            Rejection::Target(t) => write!(
                f,
                "target {} is not one this host runs (wasm32, bare-tile)",
                target_name(*t)
            ),
            Rejection::MissingFeatures { needs, host } => write!(
                f,
                "needs {}, host lacks it (host has {})",
                features_to_string(needs & !host),
                features_to_string(*host)
            ),
            Rejection::SegmentHash(s) => write!(f, "segment content hash {}", s.label()),
            Rejection::BytecodeHash(s) => write!(f, "bytecode hash {}", s.label()),
            Rejection::Module(e) => write!(f, "{e}"),
            Rejection::Abi(v) => write!(
                f,
                "speaks solver ABI {}.{}, host speaks {}.x",
                v >> 16,
                v & 0xFFFF,
                abi::ABI_MAJOR
            ),
        }
    }
}

/// One WASM segment and the verdict on it.
#[derive(Clone)]
pub struct Candidate {
    pub index: usize,
    pub offset: u64,
    pub header: Option<WasmHeader>,
    pub rejection: Option<Rejection>,
    admitted: Option<Admitted>,
}

impl core::fmt::Debug for Candidate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Candidate")
            .field("index", &self.index)
            .field("offset", &self.offset)
            .field("rejection", &self.rejection)
            .finish()
    }
}

/// The outcome of selection, with every candidate explained.
#[derive(Clone, Debug)]
pub struct Selection {
    pub host_features: u16,
    pub candidates: Vec<Candidate>,
    /// Index into `candidates` of the chosen one.
    pub chosen: Option<usize>,
    /// True when the user forced a segment.
    pub forced: bool,
}

impl Selection {
    pub fn chosen(&self) -> Option<&Candidate> {
        self.chosen.map(|i| &self.candidates[i])
    }
    /// The verdict text for a candidate.
    pub fn verdict(&self, i: usize) -> String {
        let c = &self.candidates[i];
        match (&c.rejection, self.chosen == Some(i)) {
            (Some(r), _) => format!("rejected: {r}"),
            (None, true) => String::from("selected"),
            (None, false) if c.admitted.is_some() => String::from("eligible (ranked lower)"),
            (None, false) => String::from(
                "eligible (ranked lower; not verified: a better variant was chosen first)",
            ),
        }
    }
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
        .map_err(|e| format!("{e}"))
        .and_then(|seg| {
            WasmSegment::parse(seg.payload)
                .map(|w| w.header)
                .map_err(|e| format!("{e}"))
        });
    let h = match parsed {
        Ok(h) => h,
        Err(e) => {
            c.rejection = Some(Rejection::Malformed(e));
            return c;
        }
    };
    c.header = Some(h);
    if !matches!(h.role, 0 | 2) {
        c.rejection = Some(Rejection::Role(h.role));
    } else if !matches!(h.target, 0 | 4) {
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
/// declared features, ABI version. Sets `admitted` or `rejection`.
fn verify_admit(file: &RvfFile<'_>, c: &mut Candidate, limits: &Limits) {
    let Ok(seg) = file.segment(c.index) else {
        return;
    };
    let payload: Vec<u8> = seg.payload.to_vec();
    let w = match WasmSegment::parse(&payload) {
        Ok(w) => w,
        Err(e) => {
            c.rejection = Some(Rejection::Malformed(format!("{e}")));
            return;
        }
    };
    let seg_hash = crate::hash::verify_content_hash(
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
        let sb = Sandbox::new(w.header.required_features, *limits);
        match sb.admit(w.bytecode) {
            Err(e) => Some(Rejection::Module(e)),
            Ok(m) => match m.abi_version() {
                Err(e) => Some(Rejection::Module(e)),
                Ok(v) if v >> 16 != abi::ABI_MAJOR => Some(Rejection::Abi(v)),
                Ok(_) => {
                    c.admitted = Some(m);
                    None
                }
            },
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
            Some((
                i,
                (
                    h.bootstrap_priority,
                    core::cmp::Reverse(h.required_features.count_ones()),
                    c.index,
                ),
            ))
        })
        .collect();
    r.sort_by_key(|x| x.1);
    r.into_iter().map(|x| x.0).collect()
}

fn select_with(
    file: &RvfFile<'_>,
    host_features: u16,
    limits: &Limits,
    force: Option<usize>,
    thorough: bool,
) -> Selection {
    let host = host_features & caps::host_features();
    let mut candidates: Vec<Candidate> = file
        .directory()
        .iter()
        .enumerate()
        .filter(|(_, e)| e.seg_type == WASM_SEG_TYPE)
        .map(|(i, _)| screen(file, i, host))
        .collect();
    let order = ranked(&candidates, force);
    let mut chosen = None;
    for &i in &order {
        if chosen.is_some() && !thorough {
            break;
        }
        verify_admit(file, &mut candidates[i], limits);
        if chosen.is_none() && candidates[i].admitted.is_some() {
            chosen = Some(i);
        }
    }
    Selection {
        host_features: host,
        candidates,
        chosen,
        forced: force.is_some(),
    }
}

/// Judge **every** WASM segment (each hashed and admitted: what `--explain`
/// shows) and pick the best. `force` picks a directory index (still fully
/// verified).
pub fn select(
    file: &RvfFile<'_>,
    host_features: u16,
    limits: &Limits,
    force: Option<usize>,
) -> Selection {
    select_with(file, host_features, limits, force, true)
}

/// Like `select`, but verify and admit candidates in rank order only until
/// one passes (what `run` uses: one kernel compiled, not all). Lower-ranked
/// candidates are screened but left unverified.
pub fn select_first(
    file: &RvfFile<'_>,
    host_features: u16,
    limits: &Limits,
    force: Option<usize>,
) -> Selection {
    select_with(file, host_features, limits, force, false)
}

/// Errors of a run, before or during execution.
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    /// No candidate qualified (or the forced one did not).
    NoSolver,
    /// A data segment failed its check.
    Data(String),
    Sandbox(SandboxError),
}

impl core::fmt::Display for RunError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            RunError::NoSolver => f.write_str("no runnable solver segment"),
            RunError::Data(e) => write!(f, "data segment refused: {e}"),
            RunError::Sandbox(e) => write!(f, "{e}"),
        }
    }
}

/// The data segments a run reads (first sparse and first vector segment).
pub struct DataSegments<'a> {
    pub sparse: Option<(usize, SparseMatrix<'a>)>,
    pub vectors: Option<(usize, VectorSegment<'a>)>,
}

/// Locate (O(1) per segment) the data segments.
pub fn data_segments<'a>(file: &RvfFile<'a>) -> Result<DataSegments<'a>, RunError> {
    let mut d = DataSegments {
        sparse: None,
        vectors: None,
    };
    for (i, e) in file.directory().iter().enumerate() {
        if e.seg_type == SPARSE_SEG_TYPE && d.sparse.is_none() {
            let s = file
                .segment(i)
                .map_err(|e| RunError::Data(format!("{e}")))?;
            d.sparse = Some((
                i,
                SparseMatrix::parse(s.payload)
                    .map_err(|e| RunError::Data(format!("segment {i}: {e}")))?,
            ));
        }
        if e.seg_type == VEC_SEG_TYPE && d.vectors.is_none() {
            let s = file
                .segment(i)
                .map_err(|e| RunError::Data(format!("{e}")))?;
            d.vectors = Some((
                i,
                VectorSegment::parse(s.payload)
                    .map_err(|e| RunError::Data(format!("segment {i}: {e}")))?,
            ));
        }
    }
    Ok(d)
}

impl<'a> DataSegments<'a> {
    /// The arrays the sandbox serves.
    pub fn source(&self) -> ArraySource<'a> {
        let mut src = ArraySource::empty();
        if let Some((_, m)) = &self.sparse {
            for a in SparseArray::ALL {
                src.sparse[a as usize] = m.array_bytes(a);
            }
            src.rows = m.header.rows as i64;
            src.cols = m.header.cols as i64;
            src.nnz = m.header.nnz as i64;
        }
        if let Some((_, v)) = &self.vectors {
            src.vectors = v.row_bytes();
            src.vec_dim = v.dim as i64;
            src.vec_count = v.count as i64;
        }
        src
    }
}

/// Check a data segment: content hash (mismatch refuses; not set is allowed).
fn check_segment(file: &RvfFile<'_>, index: usize) -> Result<(), String> {
    let s = file.segment(index).map_err(|e| format!("{e}"))?;
    match s.hash_status() {
        HashStatus::Mismatch | HashStatus::UnsupportedAlgo(_) => Err(format!(
            "segment {index}: content hash {}",
            s.hash_status().label()
        )),
        _ => Ok(()),
    }
}

/// Verify every data segment up front: hashes and the full structural check.
pub fn verify_data(file: &RvfFile<'_>, d: &DataSegments<'_>) -> Result<(), RunError> {
    if let Some((i, m)) = &d.sparse {
        check_segment(file, *i).map_err(RunError::Data)?;
        m.validate()
            .map_err(|e| RunError::Data(format!("segment {i}: {e}")))?;
    }
    if let Some((i, _)) = &d.vectors {
        check_segment(file, *i).map_err(RunError::Data)?;
    }
    Ok(())
}

/// Which data segments of one open file have passed their hash check,
/// for a host that runs many queries over the same open file: with
/// [`run_verified`] each segment is hashed before its first bulk read in
/// the session instead of in every run. The memo remembers the bytes it
/// was used with and starts afresh if handed another file.
#[derive(Clone, Debug, Default)]
pub struct VerifiedData {
    file: Option<(usize, usize)>,
    segments: Vec<usize>,
}

impl VerifiedData {
    fn for_file(&mut self, file: &RvfFile<'_>) -> &mut Vec<usize> {
        let id = (file.bytes().as_ptr() as usize, file.bytes().len());
        if self.file != Some(id) {
            self.file = Some(id);
            self.segments.clear();
        }
        &mut self.segments
    }
}

/// Run the chosen solver with `params` (and k-NN `input`), under the
/// limits it was selected with. Data segments are hash-checked before
/// their first bulk read in this run (see [`run_verified`] to check once
/// per open file).
pub fn run(
    file: &RvfFile<'_>,
    sel: &Selection,
    params: &abi::Params,
    input: &[u8],
    verify_data_first: bool,
) -> Result<RunOutput, RunError> {
    run_verified(
        file,
        sel,
        params,
        input,
        verify_data_first,
        &mut VerifiedData::default(),
    )
}

/// [`run`], with the data segments already verified in `memo` (for this
/// file) trusted without hashing them again. The bytes of a memory-mapped
/// file can change under a running process; a host that fears that uses
/// [`run`] (or copies the file) — see docs/SECURITY.md.
pub fn run_verified(
    file: &RvfFile<'_>,
    sel: &Selection,
    params: &abi::Params,
    input: &[u8],
    verify_data_first: bool,
    memo: &mut VerifiedData,
) -> Result<RunOutput, RunError> {
    let c = sel.chosen().ok_or(RunError::NoSolver)?;
    let (Some(h), Some(m)) = (c.header, &c.admitted) else {
        return Err(RunError::NoSolver);
    };
    let data = data_segments(file)?;
    if verify_data_first {
        verify_data(file, &data)?;
    }
    let (sparse_idx, vec_idx) = (
        data.sparse.as_ref().map(|x| x.0),
        data.vectors.as_ref().map(|x| x.0),
    );
    let mut failure: Option<String> = None;
    // Hash each data segment once, before the first bulk read of any of its arrays.
    let checked = memo.for_file(file);
    if verify_data_first {
        for i in [sparse_idx, vec_idx].into_iter().flatten() {
            if !checked.contains(&i) {
                checked.push(i);
            }
        }
    }
    let mut check = |array: u32| -> bool {
        let idx = if array == abi::array::VECTORS {
            vec_idx
        } else {
            sparse_idx
        };
        let Some(i) = idx else { return true };
        if checked.contains(&i) {
            return true;
        }
        match check_segment(file, i) {
            Err(e) => {
                failure = Some(e);
                false
            }
            Ok(()) => {
                checked.push(i);
                true
            }
        }
    };
    let cap = if h.max_memory_pages != 0 {
        Some(h.max_memory_pages as u64 * 65536)
    } else {
        None
    };
    let out = m.run(params, input, data.source(), Some(&mut check), cap);
    if let Some(e) = failure {
        return Err(RunError::Data(e));
    }
    out.map_err(RunError::Sandbox)
}
