//! Replaying a receipt: re-run exactly what it records on the file and say
//! what differs. Exit 0 only when everything is bit-identical.
//!
//! A receipt is untrusted input like any file: it must not contradict
//! itself (every readable field agrees with the exact record it copies),
//! it may lower this host's limits but never raise them (a receipt cannot
//! make a host run longer or larger than its defaults or flags allow), and
//! the file it is replayed against must be the recorded one or an append
//! to it whose recorded prefix holds the manifest and segment the run used.
//!
//! The route (what ran the kernel: this host's sandbox, or the file's
//! interpreter segment inside it) is the recorded one unless the caller
//! overrides it (`--via`). On the recorded route the interpreter segment
//! must come out the same (index, offset, bytecode and content hashes,
//! features, signer). An overridden route is run and everything else is
//! compared as usual (outputs must still be bit-identical); the differing
//! route is reported in `notes`, not as a difference. Overriding an
//! interpreter receipt with direct selects under the recorded host
//! features (unless `--host-features` is given), so the same kernel runs.

use crate::config::HostConfig;
use crate::data::MatrixChoice;
use crate::receipt::{self, Receipt, ReceiptSigner, Route, RunContext};
use crate::session::{RunError, Session};
use interpreter::Limits;
use loader::RvfFile;
use rvf_spec::abi::Method;
use rvf_spec::exit::Exit;
use std::fmt;
use std::string::String;
use std::vec::Vec;

/// Why a receipt could not be replayed at all.
#[derive(Debug)]
pub enum ReplayError {
    /// The receipt contradicts itself (a readable field was edited).
    Contradicts(Vec<String>),
    /// The recorded (or given) host-feature mask does not parse.
    Mask(String),
    /// The receipt is signed, but its signature does not verify.
    Signature(String),
    /// Under the trust policy, the receipt's signer is not trusted.
    UntrustedSigner(String),
}

impl ReplayError {
    pub fn exit(&self) -> Exit {
        match self {
            ReplayError::Contradicts(_) | ReplayError::Signature(_) => Exit::BadInput,
            ReplayError::Mask(_) => Exit::Usage,
            ReplayError::UntrustedSigner(_) => Exit::Untrusted,
        }
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Contradicts(list) => {
                f.write_str("the receipt contradicts itself (edited or corrupt):")?;
                for c in list {
                    write!(f, "\n  {c}")?;
                }
                Ok(())
            }
            ReplayError::Mask(m) => f.write_str(m),
            ReplayError::Signature(w) => write!(f, "the receipt's signature does not verify: {w}"),
            ReplayError::UntrustedSigner(id) => write!(
                f,
                "the receipt is signed by key {id}, which the trust policy does not list"
            ),
        }
    }
}

impl std::error::Error for ReplayError {}

/// What a replay found.
#[derive(Debug)]
pub struct Replay {
    /// Everything that differs; empty means bit-identical.
    pub differences: Vec<String>,
    /// The file has been appended to since; its recorded prefix is exact.
    pub extended: bool,
    /// The receipt of the new run, when it ran.
    pub now: Option<Receipt>,
    /// The limits the replay ran with (the receipt's, capped by the host's).
    pub limits: Limits,
    /// Who signed the receipt.
    pub receipt_signer: ReceiptSigner,
    /// Set when the run was refused for the trust policy (untrusted code,
    /// interpreter or data).
    pub untrusted: bool,
    /// The route the receipt records (absent: direct).
    pub recorded_route: Route,
    /// The route the replay ran (the recorded one unless overridden).
    pub route: Route,
    /// What was not held against the receipt: a route override, and how
    /// the route differs under it.
    pub notes: Vec<String>,
}

impl Replay {
    pub fn identical(&self) -> bool {
        self.differences.is_empty()
    }
    pub fn exit(&self) -> Exit {
        if self.untrusted {
            Exit::Untrusted
        } else if self.identical() {
            Exit::Ok
        } else {
            Exit::ReplayDiffers
        }
    }
}

/// The limits a replay runs with: the receipt's, never above the host's.
pub fn capped_limits(recorded: &receipt::EngineRecord, host: &Limits) -> Limits {
    Limits {
        fuel: recorded.fuel_limit.min(host.fuel),
        max_memory_bytes: recorded.max_memory_bytes.min(host.max_memory_bytes),
        max_recursion: recorded.max_recursion.min(host.max_recursion),
        ..*host
    }
}

/// Replay `r` against `file` (opened from `path`). `host` carries this
/// host's limits (the caps) and, with `mask`, the features: `mask` (the
/// user's override, else the receipt's) is applied to the engine's. `via`
/// overrides the recorded route (`host.via_interpreter` is ignored).
pub fn replay(
    r: &Receipt,
    path: &str,
    file: RvfFile<'_>,
    host: &HostConfig,
    mask: Option<&str>,
    via: Option<Route>,
) -> Result<Replay, ReplayError> {
    let contradictions = r.contradictions();
    if !contradictions.is_empty() {
        return Err(ReplayError::Contradicts(contradictions));
    }
    let receipt_signer = r.signer(host.policy.as_ref());
    match &receipt_signer {
        ReceiptSigner::Invalid(w) => return Err(ReplayError::Signature(w.clone())),
        ReceiptSigner::Untrusted { key_id } => {
            return Err(ReplayError::UntrustedSigner(key_id.clone()))
        }
        _ => {}
    }
    // `contradictions` checked that these decode.
    let params = r
        .params
        .decode()
        .ok_or(ReplayError::Contradicts(Vec::new()))?;
    let input = rvf_spec::hex::decode(&r.params.input_hex).unwrap_or_default();
    // `contradictions` checked that the route parses.
    let recorded_route = r.route().unwrap_or(Route::Direct);
    let route = via.unwrap_or(recorded_route);
    let mut notes = Vec::new();
    if route != recorded_route {
        notes.push(std::format!(
            "route: the receipt ran {}, this replay ran {} (--via {route}); outputs must still be identical",
            route_words(r),
            route
        ));
    }
    // Direct instead of through the interpreter: the kernels the recorded
    // interpreter ran (its features ∩ the mask) are the ones to select from.
    let mask_spec = match (mask, &r.selection.mask) {
        (Some(m), _) => Some(String::from(m)),
        (None, _) if route == Route::Direct && recorded_route == Route::Interpreter => {
            Some(rvf_spec::format::Features(r.selection.host_features).to_string())
        }
        (None, m) => m.clone(),
    };
    let mut config = HostConfig {
        force_segment: r.selection.forced_segment,
        limits: capped_limits(&r.engine, &host.limits),
        via_interpreter: route == Route::Interpreter,
        ..host.clone()
    };
    if let Some(spec) = &mask_spec {
        config = config
            .with_mask(spec)
            .map_err(|e| ReplayError::Mask(std::format!("--host-features: {e}")))?;
    }
    let matrix = match (&r.data, Method::from_id(params.method)) {
        (Some(d), _) => d.matrix.map_or(MatrixChoice::None, MatrixChoice::Index),
        (None, Some(Method::Knn)) => MatrixChoice::None,
        (None, _) => MatrixChoice::Only,
    };
    let (mut differences, extended) = r.file_diff(file.bytes());
    let mut untrusted = false;
    let limits = config.limits;
    let policy = config.policy.clone();
    let mut session = Session::new(file, config);
    let now = match session.run_exact(params, input, matrix, r.params.verify_data) {
        Ok(out) => {
            let ctx = RunContext {
                path,
                file: session.file(),
                mask: mask_spec.clone(),
                limits: &limits,
                verify_data: r.params.verify_data,
                policy: policy.as_ref(),
            };
            Some(receipt::build(&ctx, &out))
        }
        Err(e @ RunError::NoSolver(_)) => {
            untrusted = e.exit() == Exit::Untrusted || untrusted_interpreter(&e);
            differences.push(std::format!(
                "segment: receipt used {}, replay found no runnable solver ({})",
                r.selection.chosen.index,
                std::format!("{e}").lines().next().unwrap_or("")
            ));
            None
        }
        Err(e) => {
            untrusted = e.exit() == Exit::Untrusted;
            differences.push(std::format!(
                "run: receipt finished with status {}, replay failed: {e}",
                r.result.status
            ));
            if limits.fuel < r.engine.fuel_limit
                && matches!(
                    e,
                    RunError::Sandbox(interpreter::SandboxError::OutOfFuel { .. })
                )
            {
                differences.push(std::format!(
                    "limits: the receipt allowed {} fuel, this host at most {} (raise it with --fuel)",
                    r.engine.fuel_limit, limits.fuel
                ));
            }
            None
        }
    };
    if let Some(now) = &now {
        if route == recorded_route {
            differences.extend(r.diff(now));
        } else {
            differences.extend(r.diff_but_route(now));
        }
    }
    Ok(Replay {
        differences,
        extended,
        now,
        limits,
        receipt_signer,
        untrusted,
        recorded_route,
        route,
        notes,
    })
}

/// The recorded route in words: `direct`, or `interpreter (segment N)`.
pub fn route_words(r: &Receipt) -> String {
    match (&r.selection.interpreter, r.route()) {
        (Some(i), Some(Route::Interpreter)) => std::format!("interpreter (segment {})", i.index),
        _ => String::from("direct"),
    }
}

/// Under a trust policy, a two-stage run found no interpreter because one
/// is not signed by a trusted key: refused like untrusted code.
fn untrusted_interpreter(e: &RunError) -> bool {
    let RunError::NoSolver(sel) = e else {
        return false;
    };
    let Some(crate::select::Via::NoInterpreter(tried)) = &sel.via else {
        return false;
    };
    // The words of `Rejection::Untrusted` (the reason is kept as text).
    let untrusted = std::format!(
        "{}",
        crate::select::Rejection::Untrusted(crate::trust::Signer::Unsigned)
    );
    let prefix = untrusted.split(':').next().unwrap_or("");
    tried.iter().any(|(_, why)| why.starts_with(prefix))
}
