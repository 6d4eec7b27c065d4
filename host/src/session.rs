//! A session over one open file: selection, data binding, runs.

use crate::config::HostConfig;
use crate::data::{self, DataBinding, DataError, MatrixChoice, VerifiedData};
use crate::request::{QueryError, Request};
use crate::select::{self, Candidate, Rejection, Selection, Thoroughness};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use interpreter::host::HostStats;
use interpreter::SandboxError;
use loader::wasm_seg::WasmHeader;
use loader::RvfFile;
use rvf_spec::abi::{self, Method, Params, Report};
use rvf_spec::exit::Exit;
use rvf_spec::results::{ResultError, Results};

/// Why a run did not happen or did not finish.
#[derive(Clone, Debug)]
pub enum RunError {
    /// No candidate qualified (or the forced one did not): every
    /// candidate's verdict is in the selection.
    NoSolver(Selection),
    /// The data could not be bound or failed a check.
    Data(DataError),
    /// The k-NN query could not be built.
    Query(QueryError),
    /// The sandbox stopped the module (fuel, memory, stack, trap, result).
    Sandbox(SandboxError),
}

impl RunError {
    /// The exit code of this failure.
    pub fn exit(&self) -> Exit {
        match self {
            RunError::NoSolver(s)
                if s.candidates.iter().any(|c| {
                    matches!(
                        c.rejection,
                        Some(Rejection::Module(SandboxError::InitialMemory { .. }))
                    )
                }) =>
            {
                Exit::MemoryLimit
            }
            RunError::NoSolver(s)
                if s.candidates
                    .iter()
                    .any(|c| matches!(c.rejection, Some(Rejection::Untrusted(_)))) =>
            {
                Exit::Untrusted
            }
            RunError::NoSolver(s) if s.forced.is_some() => Exit::Refused,
            RunError::NoSolver(_) => Exit::NoSolver,
            RunError::Data(DataError::Segment {
                fault: data::SegmentFault::Unhashed,
                ..
            }) => Exit::Unhashed,
            RunError::Data(DataError::Segment { .. }) => Exit::VerifyFailed,
            RunError::Data(DataError::Untrusted { .. }) => Exit::Untrusted,
            RunError::Data(_) | RunError::Query(_) => Exit::Usage,
            // One rule for both paths: a sandbox error's interpreter-ABI
            // status, and that status's exit (rvf_spec::interp).
            RunError::Sandbox(s) => rvf_spec::interp::status::exit(s.status()),
        }
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NoSolver(sel) => {
                if let Some(crate::select::Via::NoInterpreter(tried)) = &sel.via {
                    if tried.is_empty() {
                        return f.write_str(
                            "a run via the interpreter, and the file carries none (pack it with --bootstrap)",
                        );
                    }
                    f.write_str("a run via the interpreter, and no interpreter segment is usable")?;
                    for (i, why) in tried {
                        write!(f, "\n  interpreter segment {i}: {why}")?;
                    }
                    return Ok(());
                }
                match sel.forced {
                    Some(n) if !sel.candidates.iter().any(|c| c.index == n) => {
                        write!(f, "the forced segment {n} is not a WASM segment")?
                    }
                    Some(n) => write!(f, "the forced segment {n} is not runnable")?,
                    None if sel
                        .candidates
                        .iter()
                        .any(|c| matches!(c.rejection, Some(Rejection::Untrusted(_)))) =>
                    {
                        f.write_str("no runnable solver segment signed by a trusted key")?
                    }
                    None => f.write_str("no runnable solver segment")?,
                }
                if sel.candidates.is_empty() {
                    f.write_str(" (the file has no WASM segments)")?;
                }
                for (i, c) in sel.candidates.iter().enumerate() {
                    write!(f, "\n  segment {}: {}", c.index, sel.verdict(i))?;
                }
                Ok(())
            }
            RunError::Data(e) => write!(f, "{e}"),
            RunError::Query(e) => write!(f, "{e}"),
            RunError::Sandbox(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RunError {}

/// Which data segments a run read, and their shapes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DataUsed {
    /// Directory index of the matrix, if the run used one.
    pub matrix: Option<usize>,
    /// Directory indices of the VEC segments, in set order.
    pub vectors: Vec<usize>,
    /// The matrix's rows and columns (0 without one).
    pub rows: u64,
    pub cols: u64,
    /// The vector set's dimension and count (0 without vectors).
    pub dim: u16,
    pub count: u64,
}

/// A finished run: what ran, on what, with which exact inputs, and what it produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub selection: Selection,
    /// The WasmHeader of the segment that ran.
    pub header: WasmHeader,
    /// The exact ABI parameters (input pointer and length zero).
    pub params: Params,
    /// The exact input bytes (the k-NN query).
    pub input: Vec<u8>,
    pub data: DataUsed,
    pub report: Report,
    pub output: Vec<u8>,
    pub fuel_used: u64,
    pub host: HostStats,
}

impl Outcome {
    /// The segment that ran.
    pub fn chosen(&self) -> &Candidate {
        // An outcome exists only for a chosen candidate.
        &self.selection.candidates[self.selection.chosen.unwrap_or(0)]
    }
    pub fn method(&self) -> Option<Method> {
        Method::from_id(self.params.method)
    }
    /// The result rows.
    pub fn results(&self) -> Result<Results, ResultError> {
        Results::decode(self.report.result_kind, &self.output)
    }
    /// SHAKE-256-256 of the exact result bytes: what receipts record and
    /// every host prints as `output digest`.
    pub fn digest(&self) -> [u8; 32] {
        loader::hash::shake256::<32>(&self.output)
    }
    /// The exit code of the solver's status.
    pub fn exit(&self) -> Exit {
        Exit::for_status(self.report.status)
    }
    /// The value a detail message's `{name}` placeholder stands for.
    pub fn value(&self, name: &str) -> Option<String> {
        let p = &self.params;
        Some(match name {
            "tol" => alloc::format!("{}", p.tol),
            "alpha" => alloc::format!("{}", p.alpha),
            "epsilon" => alloc::format!("{}", p.epsilon),
            "source" => alloc::format!("{}", p.source),
            "target" => alloc::format!("{}", p.target),
            "k" => alloc::format!("{}", p.k),
            "max_iter" => alloc::format!("{}", p.max_iter),
            "walks" => alloc::format!("{}", p.num_walks),
            "metric" => alloc::format!("{}", p.metric),
            "rows" => alloc::format!("{}", self.data.rows),
            "cols" => alloc::format!("{}", self.data.cols),
            "dim" => alloc::format!("{}", self.data.dim),
            "count" => alloc::format!("{}", self.data.count),
            "query_len" => alloc::format!("{}", self.input.len() / 4),
            "residual" => alloc::format!("{:.3e}", self.report.residual),
            _ => return None,
        })
    }

    /// What the solver's status means for this run, in words: the status
    /// message, then (with a detail code) what exactly and the fix.
    pub fn status_words(&self) -> String {
        let mut s = String::from(abi::status::message(self.report.status));
        if let Some((what, fix)) = abi::detail::describe(self.report.detail, |k| self.value(k)) {
            s.push_str(": ");
            s.push_str(&what);
            if !fix.is_empty() {
                s.push_str(" (");
                s.push_str(&fix);
                s.push(')');
            }
        }
        s
    }

    /// True when the solver refused or stopped early: outputs of such a
    /// run are not written anywhere.
    pub fn refused(&self) -> bool {
        self.report.status != abi::status::OK
            && !matches!(
                self.report.status,
                abi::status::NOT_CONVERGED | abi::status::BUDGET
            )
    }
}

/// One open file and the host's configuration. The solver is selected
/// (hashed, validated, compiled) once, at the first run, and reused by
/// every later run of the session; each run gets a fresh instance.
pub struct Session<'a> {
    file: RvfFile<'a>,
    config: HostConfig,
    memo: VerifiedData,
    selected: Option<Selection>,
    /// Data segments whose signature a trusted key verified in this session.
    signed_data: Vec<usize>,
}

impl<'a> Session<'a> {
    pub fn new(file: RvfFile<'a>, config: HostConfig) -> Self {
        Session {
            file,
            config,
            memo: VerifiedData::default(),
            selected: None,
            signed_data: Vec::new(),
        }
    }

    /// A session that trusts the data segments `memo` has seen verified in
    /// this same buffer (a host that re-opens one mapping keeps its memo;
    /// see docs/SECURITY.md for the trade-off).
    pub fn with_memo(file: RvfFile<'a>, config: HostConfig, memo: VerifiedData) -> Self {
        Session {
            memo,
            ..Session::new(file, config)
        }
    }

    /// End the session, keeping what it verified for [`Session::with_memo`].
    pub fn into_memo(self) -> VerifiedData {
        self.memo
    }

    pub fn file(&self) -> &RvfFile<'a> {
        &self.file
    }

    /// The labels of the data `out` read (rows of the vector set or nodes
    /// of the matrix), under this session's trust policy.
    pub fn labels(&self, out: &Outcome) -> crate::labels::Found {
        let target = match (out.data.matrix, out.data.vectors.is_empty()) {
            (Some(m), _) => crate::labels::Target::Matrix(m),
            (None, false) => crate::labels::Target::Vectors,
            (None, true) => return Default::default(),
        };
        crate::labels::find(&self.file, target, self.config.policy.as_ref())
    }

    pub fn config(&self) -> &HostConfig {
        &self.config
    }

    /// Judge every candidate (`select --explain`).
    pub fn explain(&self) -> Selection {
        select::select(&self.file, &self.config, Thoroughness::Every)
    }

    /// Verify in rank order until one candidate passes (what a run uses).
    pub fn select(&self) -> Selection {
        select::select(&self.file, &self.config, Thoroughness::FirstPassing)
    }

    /// Select (hash, validate, compile) the solver now rather than at the
    /// first run, as a host that opens a file before it is queried does;
    /// later runs reuse it.
    pub fn prepare(&mut self) -> Result<&Selection, RunError> {
        self.selection()?;
        Ok(self
            .selected
            .as_ref()
            .expect("selection() keeps what it made"))
    }

    /// Check the data a run with `matrix` would read, hashes and structure,
    /// now; the session then trusts them (see `with_memo`).
    pub fn verify_data(&mut self, matrix: MatrixChoice) -> Result<(), DataError> {
        let binding = data::bind(&self.file, matrix)?;
        data::verify(&self.file, &binding, self.config.allow_unhashed)?;
        let checked = self.memo.for_file(&self.file);
        for i in binding.indices() {
            if !checked.contains(&i) {
                checked.push(i);
            }
        }
        Ok(())
    }

    /// The selection runs use: made at the first run, then kept.
    fn selection(&mut self) -> Result<Selection, RunError> {
        let sel = match &self.selected {
            Some(s) => s.clone(),
            None => {
                let s = self.select();
                self.selected = Some(s.clone());
                s
            }
        };
        if sel.chosen.is_none() {
            return Err(RunError::NoSolver(sel));
        }
        Ok(sel)
    }

    /// Bind the data a request reads (see `data`).
    pub fn bind(&self, matrix: MatrixChoice) -> Result<DataBinding<'a>, DataError> {
        data::bind(&self.file, matrix)
    }

    /// Select, bind, build the parameters and run a request.
    pub fn run(&mut self, req: &Request) -> Result<Outcome, RunError> {
        let sel = self.selection()?;
        let binding = self.bind(req.matrix_choice()).map_err(RunError::Data)?;
        let input = req.input(&binding).map_err(RunError::Query)?;
        let params = req.params(&self.file);
        self.execute(sel, &binding, params, input, req.verify_data)
    }

    /// Run exact ABI parameters and input (a receipt's) on `matrix`.
    pub fn run_exact(
        &mut self,
        params: Params,
        input: Vec<u8>,
        matrix: MatrixChoice,
        verify_data: bool,
    ) -> Result<Outcome, RunError> {
        let sel = self.selection()?;
        let binding = self.bind(matrix).map_err(RunError::Data)?;
        self.execute(sel, &binding, params, input, verify_data)
    }

    fn execute(
        &mut self,
        selection: Selection,
        binding: &DataBinding<'a>,
        params: Params,
        input: Vec<u8>,
        verify_data: bool,
    ) -> Result<Outcome, RunError> {
        let file = &self.file;
        let chosen = selection
            .chosen()
            .ok_or(RunError::NoSolver(selection.clone()))?;
        let (Some(h), Some(module)) = (chosen.header, chosen.admitted()) else {
            return Err(RunError::NoSolver(selection.clone()));
        };
        let allow_unhashed = self.config.allow_unhashed;
        if let Some(policy) = self.config.policy.as_ref().filter(|p| !p.unsigned_data) {
            for i in binding.indices() {
                if !self.signed_data.contains(&i) {
                    data::check_signed(file, i, policy).map_err(RunError::Data)?;
                    self.signed_data.push(i);
                }
            }
        }
        if verify_data {
            data::verify(file, binding, allow_unhashed).map_err(RunError::Data)?;
        }
        // Hash each data segment once, before the first bulk read of any of
        // its arrays (or up front, above, with verify_data).
        let checked = self.memo.for_file(file);
        if verify_data {
            for i in binding.indices() {
                if !checked.contains(&i) {
                    checked.push(i);
                }
            }
        }
        let mut failure: Option<DataError> = None;
        let mut check = |array: u32| -> bool {
            for i in binding.segments_of(array) {
                if checked.contains(&i) {
                    continue;
                }
                if let Err(e) = data::check_segment(file, i, allow_unhashed) {
                    failure = Some(e);
                    return false;
                }
                checked.push(i);
            }
            true
        };
        let cap = (h.max_memory_pages != 0).then(|| h.max_memory_pages as u64 * 65536);
        let out = module.run(&params, &input, binding.source(), Some(&mut check), cap);
        if let Some(e) = failure {
            return Err(RunError::Data(e));
        }
        let out = out.map_err(RunError::Sandbox)?;
        Ok(Outcome {
            header: h,
            data: DataUsed {
                matrix: binding.sparse.as_ref().map(|(i, _)| *i),
                vectors: binding.vectors.segments.iter().map(|(i, _)| *i).collect(),
                rows: binding.sparse.as_ref().map_or(0, |(_, m)| m.header.rows),
                cols: binding.sparse.as_ref().map_or(0, |(_, m)| m.header.cols),
                dim: binding.vectors.dim,
                count: binding.vectors.count,
            },
            selection,
            params,
            input,
            report: out.report,
            output: out.output,
            fuel_used: out.fuel_used,
            host: out.host,
        })
    }
}
