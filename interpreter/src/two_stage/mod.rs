//! Two-stage runs: a kernel runs inside the interpreter module (this
//! sandbox compiled to wasm32, `bootstrap/`), which itself runs in this
//! sandbox's wasmi. The kernel's limits are enforced inside, by the same
//! code as in a direct run; the host bounds the interpreter module with
//! limits of its own (the outer limits). The kernel's `rvf` imports reach
//! the host's own functions (`host`), forwarded by the module with their
//! pointers translated, so a two-stage run gives what a direct run gives:
//! the same report, output bytes, kernel fuel, host counters, and errors.
//!
//! ```text
//! let interp = Interpreter::new(&module_bytes, CompilationMode::LazyTranslation)?;
//! let kernel = interp.admit(&bytecode, declared_features, Limits::default())?;
//! let out = kernel.run(&params, &input, source, bulk_check, max_memory_bytes)?;
//! ```
//!
//! `admit` loads the kernel inside a fresh instance (validation and
//! compilation, run interpreted: tens of milliseconds) and keeps that
//! instance's state (the interpreter ABI lets a host snapshot it); each
//! `run` restores it into a fresh instance over the run's data, so runs
//! share nothing and the admitted kernel can be shared like `Admitted`.

mod outer;

use crate::error::{why, SandboxError};
use crate::host::{BulkReadCheck, HostState, HostStats};
use crate::limits::{Limiter, Limits};
use crate::sandbox::{config, RunOutput};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use outer::{Outer, Snapshot};
use rvf_spec::abi::{self, Params, Report};
use rvf_spec::interp::{self, status, NO_RUN_CAP};
use rvf_spec::source::ArraySource;
use wasmi::{CompilationMode, Engine, Module};

/// Outer fuel allowed per unit of kernel fuel. Measured with
/// bootstrap/dist/interp.wasm: 11-22 for the methods, up to ~530 for the
/// costliest kernel operations (a host call 220, bulk memory 175-270,
/// memory growth 525), so the guard stops a broken interpreter, never a
/// kernel before its own fuel (docs/ABI.md "Interpreter ABI").
pub const OUTER_FUEL_PER_KERNEL_FUEL: u64 = 2048;
/// Outer fuel allowed per byte of kernel for loading it (validation and
/// compilation, run interpreted: ~40,000 per byte measured, since wasmi
/// charges whole blocks of the module's branchy code at once).
pub const OUTER_LOAD_FUEL_PER_BYTE: u64 = 200_000;
/// Outer fuel every call sequence may use on top (instantiation, set-up:
/// measured 4-7e5 for a run, ~1e7 for admitting a tiny kernel).
pub const OUTER_FUEL_BASE: u64 = 100_000_000;
/// Outer fuel for checking a module before any kernel is given to it
/// (instantiation, `rvfi_version`, `rvfi_features`): fixed, whatever the
/// caller's limits, so a module that loops in its probe is refused at once
/// (`select`, `run`, `rvf-pack create --bootstrap`). The shipped modules
/// need [`PROBE_FUEL_MEASURED`] (lazy translation; 4 eager): a wide margin.
pub const PROBE_FUEL: u64 = 1_000_000;
/// What the probe of bootstrap/dist/interp.wasm and interp-simd.wasm used
/// when [`PROBE_FUEL`] was set (interpreter/tests/hostile_interpreter.rs
/// keeps it under a hundredth of the budget).
pub const PROBE_FUEL_MEASURED: u64 = 74;
/// Outer memory on top of three times the kernel's cap (a kernel memory of
/// M bytes can need up to ~3 M of the module's: it grows by reallocation);
/// the outer memory and module bounds are `rvf_spec::interp::outer`'s.
pub const OUTER_MEMORY_BASE: u64 = interp::outer::MEMORY_BASE;

/// Why a two-stage admission or run did not give a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TwoStageError {
    /// The kernel was refused or stopped inside the interpreter: exactly the
    /// error a direct admission or run gives.
    Kernel(SandboxError),
    /// The outer sandbox stopped the interpreter module itself (its own
    /// fuel, memory or stack, or a trap: the outer limits are too small, or
    /// the module is broken). Nothing needs discarding: every run is a fresh
    /// instance.
    Interpreter(SandboxError),
    /// The kernel declares features the interpreter module cannot run.
    Features { declared: u16, supported: u16 },
    /// The interpreter module is not one this host can use (not Wasm the
    /// outer sandbox admits, an export missing or mistyped, another
    /// interpreter ABI major, an answer the ABI does not allow).
    Module(String),
}

impl TwoStageError {
    /// The sandbox error of the same class, for hosts that report sandbox
    /// errors (exit codes): the kernel's or the interpreter's own; a module
    /// the host cannot use, or features it cannot run, as `Invalid`.
    pub fn into_sandbox(self) -> SandboxError {
        match self {
            TwoStageError::Kernel(e) | TwoStageError::Interpreter(e) => e,
            other => SandboxError::Invalid(other.to_string()),
        }
    }
}

fn feature_names(bits: u16) -> String {
    let names: Vec<&str> = rvf_spec::format::FEATURES
        .iter()
        .filter(|(b, _)| bits & *b != 0)
        .map(|(_, n)| *n)
        .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

impl fmt::Display for TwoStageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TwoStageError::Kernel(e) => e.fmt(f),
            TwoStageError::Interpreter(e) => write!(f, "interpreter module: {e}"),
            TwoStageError::Features {
                declared,
                supported,
            } => write!(
                f,
                "the kernel needs features ({}) that the interpreter module cannot run (it runs: {})",
                feature_names(declared & !supported),
                feature_names(*supported)
            ),
            TwoStageError::Module(w) => write!(f, "unusable interpreter module: {w}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for TwoStageError {}

/// The outer limits of the probe ([`Interpreter::new`]): [`PROBE_FUEL`],
/// and the memory bound of a kernel with no memory (the least any
/// admission or run allows).
pub fn probe_limits() -> Limits {
    Limits {
        fuel: PROBE_FUEL,
        max_memory_bytes: interp::outer::max_memory_bytes(0),
        max_module_bytes: interp::outer::MAX_MODULE_BYTES,
        ..Limits::default()
    }
}

/// The outer limits for a kernel under `kernel` limits (the caller's: a
/// CLI's `--fuel` and `--max-memory`): fuel for its fuel (or its load)
/// and the set-up, memory for its memory.
pub fn outer_limits(kernel: &Limits, kernel_bytes: usize) -> Limits {
    let run = kernel.fuel.saturating_mul(OUTER_FUEL_PER_KERNEL_FUEL);
    let load = (kernel_bytes as u64).saturating_mul(OUTER_LOAD_FUEL_PER_BYTE);
    Limits {
        fuel: run.max(load).saturating_add(OUTER_FUEL_BASE),
        max_memory_bytes: interp::outer::max_memory_bytes(kernel.max_memory_bytes),
        max_module_bytes: interp::outer::MAX_MODULE_BYTES,
        ..Limits::default()
    }
}

/// The interpreter module, compiled by the host's wasmi and checked to
/// speak the interpreter ABI. Cheap to clone.
#[derive(Clone)]
pub struct Interpreter {
    engine: Engine,
    module: Module,
    features: u16,
    probe_fuel: u64,
    outer: Option<Limits>,
}

/// The host's state for an instance with no run's data (loading).
fn no_data<'a>() -> HostState<'a> {
    HostState {
        source: ArraySource::empty(),
        bulk_check: None,
        checked: 0,
        limiter: Limiter {
            max_memory: 0,
            max_table: 0,
            memory_denied: false,
        },
        stats: HostStats::default(),
        memory: None,
    }
}

impl Interpreter {
    /// Compile the interpreter module (`mode`: eager, or lazy translation,
    /// which starts ~7x sooner and changes no kernel fuel) for pure Wasm
    /// 1.0, check its exports and its interpreter ABI major. The module's
    /// answers are bounded by [`probe_limits`] (fixed fuel, whatever limits
    /// the kernels will have): a module that does not answer within them
    /// is refused with the outer sandbox's error
    /// ([`TwoStageError::Interpreter`], e.g. out of fuel).
    pub fn new(bytes: &[u8], mode: CompilationMode) -> Result<Interpreter, TwoStageError> {
        let probe = probe_limits();
        let engine = Engine::new(&config(0, probe.max_recursion, mode));
        if bytes.len() > probe.max_module_bytes {
            return Err(TwoStageError::Module(format!(
                "{} bytes, over the {}-byte limit",
                bytes.len(),
                probe.max_module_bytes
            )));
        }
        let module = Module::new(&engine, bytes)
            .map_err(|e| TwoStageError::Module(format!("rejected by the validator: {e}")))?;
        let mut o = Outer::new(&engine, &module, no_data(), &probe)?;
        let version = o.version()?;
        if version >> 16 != interp::MAJOR {
            return Err(TwoStageError::Module(format!(
                "it speaks interpreter ABI {}.{}, this host {}.x",
                version >> 16,
                version & 0xFFFF,
                interp::MAJOR
            )));
        }
        let features = o.features()? as u16;
        Ok(Interpreter {
            engine,
            module,
            features,
            probe_fuel: o.fuel_used(),
            outer: None,
        })
    }

    /// Bound the module with these limits in every admission and run,
    /// instead of limits derived from the kernel's ([`outer_limits`]).
    pub fn with_outer_limits(mut self, outer: Limits) -> Interpreter {
        self.outer = Some(outer);
        self
    }

    /// The `WASM_FEAT_*` bits the module can run kernels with.
    pub fn features(&self) -> u16 {
        self.features
    }

    /// Outer fuel the probe used (instantiation, `rvfi_version`,
    /// `rvfi_features`; at most [`PROBE_FUEL`]).
    pub fn probe_fuel(&self) -> u64 {
        self.probe_fuel
    }

    fn outer_for(&self, kernel: &Limits, kernel_bytes: usize) -> Limits {
        self.outer
            .unwrap_or_else(|| outer_limits(kernel, kernel_bytes))
    }

    /// Admit `kernel` under its declared `features` and `limits` inside a
    /// fresh instance (`Sandbox::new(features, limits).admit(kernel)`, run
    /// by the module). A kernel that declares a feature the module cannot
    /// run is refused ([`TwoStageError::Features`]).
    pub fn admit(
        &self,
        kernel: &[u8],
        features: u16,
        limits: Limits,
    ) -> Result<LoadedKernel, TwoStageError> {
        if features & !self.features != 0 {
            return Err(TwoStageError::Features {
                declared: features,
                supported: self.features,
            });
        }
        let outer = self.outer_for(&limits, kernel.len());
        let mut o = Outer::new(&self.engine, &self.module, no_data(), &outer)?;
        o.set_limits(&limits)?;
        let at = o.put(kernel)?;
        let st = o.load(at, kernel.len(), features)?;
        o.free(at, kernel.len())?;
        let detail = o.detail()?;
        if st != status::OK {
            let message = o.error()?;
            return Err(decode(st, detail, &message, &limits));
        }
        let abi_version =
            u32::try_from(detail).map_err(|_| TwoStageError::Module("a bad ABI version".into()))?;
        Ok(LoadedKernel {
            interp: self.clone(),
            snapshot: Arc::new(o.snapshot()),
            features,
            limits,
            abi_version,
            load_fuel: o.fuel_used(),
        })
    }
}

/// The error a status stands for (a kernel's, or a module that breaks the ABI).
fn decode(st: i32, detail: i64, message: &str, limits: &Limits) -> TwoStageError {
    match SandboxError::from_status(st, detail, message, limits.max_memory_bytes) {
        Some(e) => TwoStageError::Kernel(e),
        None => TwoStageError::Module(format!("status {st} ({}): {message}", status::name(st))),
    }
}

/// A kernel admitted inside the interpreter module: the module's state
/// after loading it, ready to be restored for each run. Cheap to clone;
/// runs may go on at once from several threads.
#[derive(Clone)]
pub struct LoadedKernel {
    interp: Interpreter,
    snapshot: Arc<Snapshot>,
    features: u16,
    limits: Limits,
    abi_version: u32,
    load_fuel: u64,
}

impl LoadedKernel {
    /// The feature set the kernel was validated (and runs) with.
    pub fn features(&self) -> u16 {
        self.features
    }
    /// The kernel's limits (enforced inside the module).
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
    /// The ABI version the kernel reported when it was admitted.
    pub fn abi_version(&self) -> u32 {
        self.abi_version
    }
    /// Outer fuel the admission used (loading the kernel inside the module).
    pub fn load_fuel(&self) -> u64 {
        self.load_fuel
    }
    /// Bytes of the module's memory each run restores.
    pub fn snapshot_len(&self) -> usize {
        self.snapshot.bytes.len()
    }

    /// Run `params` (with k-NN `input`) over `source`, as
    /// `Admitted::run` does: the same arguments, the same output.
    pub fn run<'a>(
        &self,
        params: &Params,
        input: &[u8],
        source: ArraySource<'a>,
        bulk_check: Option<BulkReadCheck<'a>>,
        max_memory_bytes: Option<u64>,
    ) -> Result<RunOutput, TwoStageError> {
        self.run_counted(params, input, source, bulk_check, max_memory_bytes)
            .0
    }

    /// [`run`](Self::run), and the outer fuel the run used.
    pub fn run_counted<'a>(
        &self,
        params: &Params,
        input: &[u8],
        source: ArraySource<'a>,
        bulk_check: Option<BulkReadCheck<'a>>,
        max_memory_bytes: Option<u64>,
    ) -> (Result<RunOutput, TwoStageError>, u64) {
        let state = HostState {
            source,
            bulk_check,
            ..no_data()
        };
        let outer = self.interp.outer_for(&self.limits, 0);
        let mut o = match Outer::new(&self.interp.engine, &self.interp.module, state, &outer) {
            Ok(o) => o,
            Err(e) => return (Err(e), 0),
        };
        let r = self.run_in(&mut o, params, input, max_memory_bytes);
        let fuel = o.fuel_used();
        (r, fuel)
    }

    fn run_in(
        &self,
        o: &mut Outer<'_>,
        params: &Params,
        input: &[u8],
        max_memory_bytes: Option<u64>,
    ) -> Result<RunOutput, TwoStageError> {
        o.restore(&self.snapshot)?;
        let p = o.put(&params.encode())?;
        let i = if input.is_empty() { 0 } else { o.put(input)? };
        let st = o.run(p, i, input.len(), max_memory_bytes.unwrap_or(NO_RUN_CAP))?;
        if st != status::OK {
            let detail = o.detail()?;
            let message = o.error()?;
            return Err(decode(st, detail, &message, &self.limits));
        }
        let fuel_used = o.kernel_fuel()?;
        let report = o
            .report()?
            .and_then(|b| Report::decode(&b))
            .ok_or_else(|| TwoStageError::Module("a run with no report".into()))?;
        // The module's word on the result is checked as a guest's is in a
        // direct run, in the same order, before anything is copied: at most
        // the caller's result limit, the length the report gives, inside
        // the module's memory. (The module checked the kernel's result in
        // the same way; this stops a module that did not.)
        let (at, len) = o.result_at()?;
        let bad = |why| TwoStageError::Interpreter(SandboxError::BadResult(why));
        if u64::from(len) > self.limits.max_result_bytes {
            return Err(bad(why::RESULT_LIMIT));
        }
        let count = u64::from(report.result_count);
        let expected = match report.result_kind {
            abi::result_kind::DENSE_F64 => count * 8,
            abi::result_kind::PAIRS => count * abi::PAIR_LEN as u64,
            _ => return Err(bad(why::RESULT_KIND)),
        };
        if u64::from(len) != expected && !(len == 0 && report.status != abi::status::OK) {
            return Err(bad(why::RESULT_LENGTH));
        }
        let bytes = o.bytes(at, len).map_err(|_| bad(why::RESULT_OUTSIDE))?;
        let mut output = Vec::new();
        output
            .try_reserve_exact(bytes.len())
            .map_err(|_| TwoStageError::Kernel(SandboxError::BadResult(why::RESULT_HOST_MEMORY)))?;
        output.extend_from_slice(bytes);
        Ok(RunOutput {
            report,
            output,
            fuel_used,
            host: o.store.data().stats,
        })
    }
}
