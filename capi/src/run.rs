//! Runs: `RvfRequest` (the host's `Request`, typed) in, `RvfRun` (the
//! host's `Outcome`) out: report, status words, digest, results.

use crate::args::{self, handle_out, Out};
use crate::codes::{self, ApiError, RvfCode};
use crate::error::{c_string, guard, guard_value, Fail, RvfError};
use crate::file::RvfFile;
use crate::trust::{OwnedSigner, RvfSigner};
use alloc::boxed::Box;
use alloc::ffi::CString;
use alloc::string::String;
use core::ffi::c_char;
use rvf_host::{Method, Metric, Outcome, Query, Request};
use rvf_spec::exit::Exit;
use rvf_spec::results::{ResultError, Results};

/// A method and its options. Fill it with `rvf_request_init` (the ABI's
/// defaults for the method), then set what you need. Fields a method does
/// not use are ignored by it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RvfRequest {
    /// `RVF_METHOD_*`.
    pub method: u32,
    /// Relative residual target (cg, jacobi).
    pub tol: f64,
    /// Iteration cap (cg, jacobi).
    pub max_iter: u32,
    /// Jacobi-preconditioned CG.
    pub precondition: bool,
    /// Required relative diagonal-dominance margin (jacobi).
    pub min_margin: f64,
    /// Teleport probability (push, walks).
    pub alpha: f64,
    /// Push residual threshold.
    pub epsilon: f64,
    /// Source node (ppr-forward, walk-estimate).
    pub source: u32,
    /// Target node (ppr-backward, walk-estimate).
    pub target: u32,
    /// Number of random walks.
    pub walks: u32,
    /// Seed of the walks: results depend only on it.
    pub seed: u64,
    /// Work budget: pushes or walk steps (0 = the kernel's default).
    pub budget: u64,
    /// Neighbours to return (knn).
    pub k: u32,
    /// `RVF_METRIC_*`, or -1 for the metric the file's manifest stores (knn).
    pub metric: i32,
    /// The k-NN query: `query_len` values (read during the call, any
    /// alignment), or NULL.
    pub query: *const f32,
    pub query_len: usize,
    /// Use stored vector `query_index` as the k-NN query, or -1.
    pub query_index: i64,
    /// The matrix (directory index of a SPARSE segment) when the file has
    /// several, or -1 for the only one.
    pub data: i64,
    /// Check every bound data segment's hash and structure before running.
    pub verify_data: bool,
}

fn method_of(id: u32) -> Result<Method, Fail> {
    Method::from_id(id).ok_or_else(|| {
        let mut known = String::new();
        for m in Method::ALL {
            let sep = if known.is_empty() { "" } else { ", " };
            known.push_str(&alloc::format!("{sep}{} = {}", m.name(), m.id()));
        }
        Fail::exit(
            Exit::Usage,
            alloc::format!("unknown method id {id} ({known})"),
        )
    })
}

impl RvfRequest {
    fn from_request(r: &Request) -> RvfRequest {
        RvfRequest {
            method: r.method.id(),
            tol: r.tol,
            max_iter: r.max_iter,
            precondition: r.precondition,
            min_margin: r.min_margin,
            alpha: r.alpha,
            epsilon: r.epsilon,
            source: r.source,
            target: r.target,
            walks: r.walks,
            seed: r.seed,
            budget: r.budget,
            k: r.k,
            metric: r.metric.map_or(-1, |m| m.id() as i32),
            query: core::ptr::null(),
            query_len: 0,
            query_index: -1,
            data: r.data.map_or(-1, |i| i as i64),
            verify_data: r.verify_data,
        }
    }

    /// The host's request.
    ///
    /// # Safety
    /// `query` is NULL or points at `query_len` readable f32 values.
    unsafe fn request(&self) -> Result<Request, Fail> {
        let mut r = Request::new(method_of(self.method)?);
        r.tol = self.tol;
        r.max_iter = self.max_iter;
        r.precondition = self.precondition;
        r.min_margin = self.min_margin;
        r.alpha = self.alpha;
        r.epsilon = self.epsilon;
        r.source = self.source;
        r.target = self.target;
        r.walks = self.walks;
        r.seed = self.seed;
        r.budget = self.budget;
        r.k = self.k;
        r.metric =
            match self.metric {
                m if m < 0 => None,
                m => Some(Metric::from_id(m as u32).ok_or_else(|| {
                    Fail::exit(Exit::Usage, alloc::format!("unknown metric id {m}"))
                })?),
            };
        r.data = args::optional_index(self.data, "request.data")?;
        r.verify_data = self.verify_data;
        let index = args::optional_index(self.query_index, "request.query_index")?;
        r.query = match (self.query.is_null(), index) {
            (false, Some(_)) => {
                return Err(Fail::exit(
                    Exit::Usage,
                    "give the query as values or as query_index, not both",
                ))
            }
            // SAFETY: the caller's contract for `query`/`query_len`.
            (false, None) => {
                Query::Values(unsafe { args::floats(self.query, self.query_len, "request.query") }?)
            }
            (true, Some(i)) => Query::Index(i as u64),
            (true, None) if self.query_len > 0 => {
                return Err(Fail::api(ApiError::NullPointer, "request.query"))
            }
            (true, None) => Query::None,
        };
        Ok(r)
    }
}

/// Fill `*out` with `method`'s defaults (the host's `Request::new`): no
/// query, the file's metric, the only matrix. `RVF_EXIT_USAGE` for an
/// unknown method id.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_request_init(
    out: *mut RvfRequest,
    method: u32,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        let out = Out::new(out, "out")?;
        out.set(RvfRequest::from_request(&Request::new(method_of(method)?)));
        Ok(())
    })
}

/// What a run did, as numbers (the solver's report and the host's counts).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RvfReport {
    /// The run's code: `RVF_EXIT_OK`, `RVF_EXIT_SOLVER_REFUSED` or
    /// `RVF_EXIT_NOT_CONVERGED` (what `rvf_file_run` returned).
    pub code: RvfCode,
    /// The solver's status (`RVF_STATUS_*`, 0 = ok).
    pub status: i32,
    /// What a refusal is about (`RVF_DETAIL_*`, 0 = nothing more).
    pub detail: u32,
    pub method: u32,
    /// `RVF_RESULT_DENSE_F64` or `RVF_RESULT_PAIRS`.
    pub result_kind: u32,
    /// Iterations, pushes, walks or vectors scanned.
    pub iterations: u64,
    /// Relative residual (cg, jacobi); remaining mass (push); std error (walk).
    pub residual: f64,
    /// Walk estimate; sum of scores (push); dominance margin (jacobi).
    pub estimate: f64,
    /// Rows read through the host, rows loaded, or vectors scanned.
    pub work: u64,
    pub converged: bool,
    /// Result rows (`rvf_run_results`).
    pub result_count: u32,
    /// Fuel the run used.
    pub fuel_used: u64,
    /// Directory index of the solver segment that ran, and its features.
    pub segment: u64,
    pub required_features: u16,
    /// Host function calls, rows and bytes served to the module.
    pub host_calls: u64,
    pub rows_served: u64,
    pub bytes_served: u64,
}

/// A finished run. Opaque; free with `rvf_run_free`.
pub struct RvfRun {
    outcome: Outcome,
    results: Result<Results, ResultError>,
    status_words: CString,
    digest_hex: CString,
    signer: OwnedSigner,
}

impl RvfRun {
    fn report(&self) -> RvfReport {
        let o = &self.outcome;
        let r = &o.report;
        RvfReport {
            code: codes::exit_code(o.exit()),
            status: r.status,
            detail: r.detail,
            method: r.method,
            result_kind: r.result_kind,
            iterations: r.iterations,
            residual: r.residual,
            estimate: r.estimate,
            work: r.work,
            converged: r.converged != 0,
            result_count: r.result_count,
            fuel_used: o.fuel_used,
            segment: o.chosen().index as u64,
            required_features: o.header.required_features,
            host_calls: o.host.calls,
            rows_served: o.host.rows_served,
            bytes_served: o.host.bytes_served,
        }
    }
}

/// Run `request` on the file's solver in the sandbox (selecting it at the
/// first run). When the solver ran, `*out` is the run, also when it
/// refused its input or stopped early: the return is then
/// `RVF_EXIT_SOLVER_REFUSED` or `RVF_EXIT_NOT_CONVERGED` and the report,
/// the status words and (not converged) the results are there. When it
/// did not run (no solver, a data check, the query, fuel, memory, a trap;
/// under a trust policy `RVF_EXIT_UNTRUSTED` when no trusted key signed
/// the solver or a data segment it reads) `*out` is NULL and the code
/// says why. Any nonzero code comes with an
/// error (when `err` is not NULL) saying it in words.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_file_run(
    file: *mut RvfFile,
    request: *const RvfRequest,
    out: *mut *mut RvfRun,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        let out = handle_out(out, "out")?;
        // SAFETY: the caller's contract for `file` and `request`.
        let f = unsafe { args::get_mut(file, "file") }?;
        let req = unsafe { args::get(request, "request")?.request() }?;
        let outcome = f
            .session_mut()
            .run(&req)
            .map_err(|e| Fail::exit(e.exit(), &e))?;
        let exit = outcome.exit();
        let words = outcome.status_words();
        let run = RvfRun {
            results: outcome.results(),
            status_words: c_string(&words),
            digest_hex: c_string(&rvf_spec::hex::encode(&outcome.digest())),
            signer: OwnedSigner::new(&outcome.chosen().signer),
            outcome,
        };
        out.set(Box::into_raw(Box::new(run)));
        match exit {
            Exit::Ok => Ok(()),
            e => Err(Fail::exit(e, words)),
        }
    })
}

/// Free a run (NULL is ignored).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_run_free(run: *mut RvfRun) {
    guard_value((), || {
        if !run.is_null() {
            // SAFETY: a pointer `rvf_file_run` returned, freed once.
            drop(unsafe { Box::from_raw(run) });
        }
    })
}

/// The run's report into `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_run_report(
    run: *const RvfRun,
    out: *mut RvfReport,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        // SAFETY: the caller's contract for `run`.
        let r = unsafe { args::get(run, "run") }?;
        Out::new(out, "out")?.set(r.report());
        Ok(())
    })
}

/// Who signed the solver segment that ran, into `*out` (its strings are
/// owned by the run: valid until `rvf_run_free`). Under a trust policy
/// this is always `RVF_SIGNER_KIND_TRUSTED`, with the key's name and id;
/// without one a signature is not checked (`SIGNED_UNCHECKED`) and the
/// code is unauthenticated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_run_signer(
    run: *const RvfRun,
    out: *mut RvfSigner,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        // SAFETY: the caller's contract for `run`.
        let r = unsafe { args::get(run, "run") }?;
        Out::new(out, "out")?.set(r.signer.info());
        Ok(())
    })
}

/// What the solver's status means for this run, in words: `ok`, or the
/// status message, what exactly and the fix (`bad parameters: source 50
/// is not a node of the graph, which has 34 nodes (give --source below
/// 34)`). Owned by the run: valid until `rvf_run_free`. NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_run_status_words(run: *const RvfRun) -> *const c_char {
    guard_value(core::ptr::null(), || {
        // SAFETY: NULL or a live run.
        unsafe { args::get(run, "run") }.map_or(core::ptr::null(), |r| r.status_words.as_ptr())
    })
}

/// SHAKE-256-256 of the exact result bytes (what receipts record and
/// `rvf-pack run` prints as `output digest`) into `out`, which holds `cap`
/// bytes: 32 are written (`RVF_ERR_BUFFER_TOO_SMALL` when `cap` < 32).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_run_digest(
    run: *const RvfRun,
    out: *mut u8,
    cap: usize,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        // SAFETY: the caller's contract for `run`.
        let r = unsafe { args::get(run, "run") }?;
        if out.is_null() {
            return Err(Fail::api(ApiError::NullPointer, "out"));
        }
        let d = r.outcome.digest();
        if cap < d.len() {
            return Err(Fail::new(
                ApiError::BufferTooSmall.code(),
                alloc::format!("the digest has {} bytes, the buffer {cap}", d.len()),
            ));
        }
        // SAFETY: `out` holds `cap` >= 32 writable bytes (caller's contract).
        unsafe { core::ptr::copy_nonoverlapping(d.as_ptr(), out, d.len()) };
        Ok(())
    })
}

/// The digest as 64 lower-case hex digits. Owned by the run (valid until
/// `rvf_run_free`); NULL for NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_run_digest_hex(run: *const RvfRun) -> *const c_char {
    guard_value(core::ptr::null(), || {
        // SAFETY: NULL or a live run.
        unsafe { args::get(run, "run") }.map_or(core::ptr::null(), |r| r.digest_hex.as_ptr())
    })
}

/// The exact result bytes (`RVF_RESULT_*` layout, little-endian), owned by
/// the run (valid until `rvf_run_free`); their length in `*len`. NULL (and
/// `*len` 0) for a NULL run.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_run_output(run: *const RvfRun, len: *mut usize) -> *const u8 {
    guard_value(core::ptr::null(), || {
        // SAFETY: NULL or a live run.
        let r = unsafe { args::get(run, "run") }.ok();
        let (p, n) = r.map_or((core::ptr::null(), 0), |r| {
            (r.outcome.output.as_ptr(), r.outcome.output.len())
        });
        if let Ok(l) = Out::new(len, "len") {
            l.set(n);
        }
        p
    })
}

/// The number of result rows (0 for NULL or undecodable results).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_run_result_count(run: *const RvfRun) -> usize {
    guard_value(0, || {
        // SAFETY: NULL or a live run.
        unsafe { args::get(run, "run") }
            .ok()
            .and_then(|r| r.results.as_ref().ok())
            .map_or(0, Results::len)
    })
}

/// Copy the result rows as (index, value): a dense solution's index is the
/// row, a pair's is its node or vector. `indices` and `values` hold `cap`
/// elements each; either may be NULL (not wanted), not both unless `cap`
/// is 0. Writes min(cap, count) rows and that number into `*written` (may
/// be NULL); returns `RVF_ERR_BUFFER_TOO_SMALL` when rows were left out,
/// `RVF_EXIT_TRAP` when the result bytes do not decode.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_run_results(
    run: *const RvfRun,
    indices: *mut u32,
    values: *mut f64,
    cap: usize,
    written: *mut usize,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        let written = if written.is_null() {
            None
        } else {
            let w = Out::new(written, "written")?;
            w.set(0);
            Some(w)
        };
        // SAFETY: the caller's contract for `run`.
        let r = unsafe { args::get(run, "run") }?;
        let results = r.results.as_ref().map_err(|e| Fail::exit(Exit::Trap, e))?;
        if cap > 0 && indices.is_null() && values.is_null() {
            return Err(Fail::api(ApiError::NullPointer, "indices and values"));
        }
        let mut n = 0;
        for (i, (index, value)) in results.rows().take(cap).enumerate() {
            // SAFETY: i < cap elements of each non-NULL buffer (caller's
            // contract); unaligned writes allowed.
            unsafe {
                if !indices.is_null() {
                    indices.add(i).write_unaligned(index);
                }
                if !values.is_null() {
                    values.add(i).write_unaligned(value);
                }
            }
            n = i + 1;
        }
        if let Some(w) = written {
            w.set(n);
        }
        if n < results.len() {
            return Err(Fail::new(
                ApiError::BufferTooSmall.code(),
                alloc::format!("{} result rows, room for {cap}", results.len()),
            ));
        }
        Ok(())
    })
}
