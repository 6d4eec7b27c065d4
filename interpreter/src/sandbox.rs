//! The sandbox: an engine restricted to a feature set, module admission
//! (validation, the import allow-list, the export contract), and one run
//! under fuel, memory, stack and table limits (the call sequence itself is
//! in `run`).
//!
//! Mirrors wasmi's split by lifetime: `Sandbox` (engine + limits, shared)
//! → `Admitted` (a validated module that speaks our ABI) → one `Store` per
//! run. Compilation is eager and the engine `deterministic` (NaN
//! canonicalisation), so fuel counts and results are reproducible.

use crate::caps;
use crate::error::{why, SandboxError};
use crate::host::{BulkReadCheck, HostState, HostStats};
use crate::limits::{Limiter, Limits};
use crate::run::{run_instance, typed, Imports, Run, RunError};
use alloc::string::ToString;
use alloc::vec::Vec;
use rvf_spec::abi::{self, Params, Report};
use rvf_spec::sandbox::{self as spec, export, IMPORT_MODULE};
use rvf_spec::source::ArraySource;
use wasmi::{CompilationMode, Config, Engine, ExternType, Linker, Module, Store};
use wasmi::{TrapCode, ValType};

/// Exports every solver module must have: (name, params, results), from
/// the spec (`rvf_spec::sandbox::EXPORTS`; its length is this table's).
pub(crate) const EXPORTS: [(&str, &[ValType], &[ValType]); spec::EXPORTS.len()] =
    crate::host::wasmi_signatures!(spec::EXPORTS; 0, 1, 2, 3, 4, 5, 6);

/// An engine restricted to a feature set, with the run limits.
#[derive(Clone)]
pub struct Sandbox {
    engine: Engine,
    features: u16,
    limits: Limits,
}

/// A module that validated under the sandbox's features, whose imports and
/// exports match the ABI, and that reports an ABI major this host speaks.
/// It carries the sandbox that admitted it, so it always runs in the
/// engine (and with the features and limits) it was validated for.
#[derive(Clone)]
pub struct Admitted {
    module: Module,
    sandbox: Sandbox,
    abi_version: u32,
}

impl Admitted {
    /// The feature set this module was validated (and will run) with.
    pub fn features(&self) -> u16 {
        self.sandbox.features
    }

    /// Run `params` (with k-NN `input`) in a fresh instance over `source`.
    /// `max_memory_bytes` lowers the memory cap (e.g. from the header).
    pub fn run<'a>(
        &self,
        params: &Params,
        input: &[u8],
        source: ArraySource<'a>,
        bulk_check: Option<BulkReadCheck<'a>>,
        max_memory_bytes: Option<u64>,
    ) -> Result<RunOutput, SandboxError> {
        let run = self.run_with(params, input, max_memory_bytes, |limiter| HostState {
            source,
            bulk_check,
            checked: 0,
            limiter,
            stats: HostStats::default(),
            memory: None,
        });
        let ran = run.outcome?;
        let mut output = Vec::new();
        if let Some(r) = ran.result {
            let bytes = r
                .get(&run.store)
                .ok_or(SandboxError::BadResult(why::RESULT_OUTSIDE))?;
            output
                .try_reserve_exact(bytes.len())
                .map_err(|_| SandboxError::BadResult(why::RESULT_HOST_MEMORY))?;
            output.extend_from_slice(bytes);
        }
        Ok(RunOutput {
            report: ran.report,
            output,
            fuel_used: run.fuel_used,
            host: run.store.data().stats,
        })
    }

    /// The same run with the `rvf` imports served by `T` (built from the
    /// run's limiter), leaving the instance alive in the returned store:
    /// for hosts that serve the imports another way (the interpreter
    /// module forwards them) or read the result where it lies.
    pub fn run_with<T: Imports>(
        &self,
        params: &Params,
        input: &[u8],
        max_memory_bytes: Option<u64>,
        data: impl FnOnce(Limiter) -> T,
    ) -> Run<T> {
        self.sandbox
            .run_module(&self.module, params, input, max_memory_bytes, data)
    }

    /// The ABI version the module reported when it was admitted (its
    /// major is this host's).
    pub fn abi_version(&self) -> u32 {
        self.abi_version
    }
}

/// What one run produced.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutput {
    pub report: Report,
    pub output: Vec<u8>,
    pub fuel_used: u64,
    pub host: HostStats,
}

impl Sandbox {
    /// An engine that allows exactly `features ∩ host_features()`.
    pub fn new(features: u16, limits: Limits) -> Self {
        let features = features & caps::host_features();
        let cfg = config(features, limits.max_recursion, CompilationMode::Eager);
        Sandbox {
            engine: Engine::new(&cfg),
            features,
            limits,
        }
    }

    pub fn features(&self) -> u16 {
        self.features
    }
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Validate and admit a module: only our features, only `rvf` imports
    /// of the right types, and every ABI export with the right type; last,
    /// one instance (no data) must report an ABI major this host speaks.
    pub fn admit(&self, bytecode: &[u8]) -> Result<Admitted, SandboxError> {
        self.admit_with(bytecode, |limiter| HostState {
            source: ArraySource::empty(),
            bulk_check: None,
            checked: 0,
            limiter,
            stats: HostStats::default(),
            memory: None,
        })
    }

    /// The same admission with the probe instance's `rvf` imports served by
    /// `T` (a host serving them another way serves them over no data).
    pub fn admit_with<T: Imports>(
        &self,
        bytecode: &[u8],
        probe: impl FnOnce(Limiter) -> T,
    ) -> Result<Admitted, SandboxError> {
        if bytecode.len() > self.limits.max_module_bytes {
            return Err(SandboxError::Invalid(alloc::format!(
                "module is {} bytes, over the {}-byte limit",
                bytecode.len(),
                self.limits.max_module_bytes
            )));
        }
        let module = Module::new(&self.engine, bytecode)
            .map_err(|e| SandboxError::Invalid(e.to_string()))?;
        for imp in module.imports() {
            let forbidden = |why| SandboxError::ForbiddenImport {
                module: imp.module().to_string(),
                name: imp.name().to_string(),
                why,
            };
            if imp.module() != IMPORT_MODULE {
                return Err(forbidden(why::IMPORT_MODULE));
            }
            let ExternType::Func(ft) = imp.ty() else {
                return Err(forbidden(why::IMPORT_KIND));
            };
            match crate::host::IMPORTS
                .iter()
                .find(|(n, _, _)| *n == imp.name())
            {
                None => return Err(forbidden(why::IMPORT_NAME)),
                Some((_, p, r)) if ft.params() != *p || ft.results() != *r => {
                    return Err(forbidden(why::IMPORT_SIGNATURE))
                }
                Some(_) => {}
            }
        }
        let exports: Vec<_> = module
            .exports()
            .map(|e| (e.name().to_string(), e.ty().clone()))
            .collect();
        match exports.iter().find(|(n, _)| n == export::MEMORY) {
            Some((_, ExternType::Memory(m))) => {
                let needed_bytes = m.minimum().saturating_mul(spec::PAGE_BYTES);
                if needed_bytes > self.limits.max_memory_bytes {
                    return Err(SandboxError::InitialMemory {
                        needed_bytes,
                        cap_bytes: self.limits.max_memory_bytes,
                    });
                }
            }
            Some(_) => {
                return Err(SandboxError::BadExport {
                    name: export::MEMORY,
                    why: why::EXPORT_NOT_MEMORY,
                })
            }
            None => {
                return Err(SandboxError::BadExport {
                    name: export::MEMORY,
                    why: why::EXPORT_MISSING,
                })
            }
        }
        for (name, p, r) in EXPORTS {
            match exports.iter().find(|(n, _)| n == name) {
                None => {
                    return Err(SandboxError::BadExport {
                        name,
                        why: why::EXPORT_MISSING,
                    })
                }
                Some((_, ExternType::Func(ft))) if ft.params() == p && ft.results() == r => {}
                Some(_) => {
                    return Err(SandboxError::BadExport {
                        name,
                        why: why::EXPORT_TYPE,
                    })
                }
            }
        }
        // Last, instantiate once (no data, small fuel) and ask the ABI
        // version: a module that speaks another major is not admitted.
        let version = self.abi_version(&module, probe)?;
        if version >> 16 != abi::ABI_MAJOR {
            return Err(SandboxError::AbiMismatch { found: version });
        }
        Ok(Admitted {
            module,
            sandbox: self.clone(),
            abi_version: version,
        })
    }

    fn run_module<T: Imports>(
        &self,
        module: &Module,
        params: &Params,
        input: &[u8],
        max_memory_bytes: Option<u64>,
        data: impl FnOnce(Limiter) -> T,
    ) -> Run<T> {
        let cap = max_memory_bytes
            .unwrap_or(self.limits.max_memory_bytes)
            .min(self.limits.max_memory_bytes);
        let mut store = self.store(data(self.limiter(cap)));
        let result = (|| {
            store.set_fuel(self.limits.fuel)?;
            let linker = linker::<T>(&self.engine)?;
            let inst = linker.instantiate_and_start(&mut store, module)?;
            run_instance(
                &mut store,
                &inst,
                params,
                input,
                self.limits.max_result_bytes,
            )
        })();
        let fuel_used = self.limits.fuel - store.get_fuel().unwrap_or(0);
        let denied = store.data_mut().limiter().memory_denied;
        let outcome = result.map_err(|e| match e {
            RunError::Wasm(e) => map_error(&e, denied, cap, self.limits.fuel),
            RunError::Sandbox(e) => e,
        });
        Run {
            store,
            fuel_used,
            outcome,
        }
    }

    /// The limiter of a run under memory cap `cap`.
    fn limiter(&self, cap: u64) -> Limiter {
        Limiter {
            max_memory: usize::try_from(cap).unwrap_or(usize::MAX),
            max_table: self.limits.max_table_elements as usize,
            memory_denied: false,
        }
    }

    /// A store for one instance (limits, host state); fuel is set by the caller.
    fn store<T: Imports>(&self, data: T) -> Store<T> {
        let mut store = Store::new(&self.engine, data);
        store.limiter(|s| s.limiter());
        store
    }

    fn abi_version<T: Imports>(
        &self,
        module: &Module,
        data: impl FnOnce(Limiter) -> T,
    ) -> Result<u32, SandboxError> {
        const PROBE_FUEL: u64 = 10_000_000;
        let cap = self.limits.max_memory_bytes;
        let mut store = self.store(data(self.limiter(cap)));
        let r = (|| -> Result<u32, RunError> {
            store.set_fuel(PROBE_FUEL)?;
            let linker = linker::<T>(&self.engine)?;
            let inst = linker.instantiate_and_start(&mut store, module)?;
            Ok(typed::<_, (), u32>(&store, &inst, export::ABI_VERSION)?.call(&mut store, ())?)
        })();
        match r {
            Ok(v) => Ok(v),
            Err(RunError::Wasm(e)) => Err(map_error(
                &e,
                store.data_mut().limiter().memory_denied,
                cap,
                PROBE_FUEL,
            )),
            Err(RunError::Sandbox(e)) => Err(e),
        }
    }
}

/// The engine configuration of the sandbox: exactly the proposals in
/// `features` (`caps::configure`), fuel metering, `mode` (always eager for
/// kernels, so fuel counts are reproducible), the recursion limit, no start
/// function, custom sections ignored. Also how a host configures the engine
/// that runs the interpreter module (`two_stage`).
pub fn config(features: u16, max_recursion: usize, mode: CompilationMode) -> Config {
    let mut cfg = Config::default();
    caps::configure(&mut cfg, features);
    cfg.consume_fuel(true)
        .compilation_mode(mode)
        .set_max_recursion_depth(max_recursion)
        .allow_start_fn(false)
        .ignore_custom_sections(true);
    cfg
}

/// A linker holding only the four `rvf` functions, as `T` serves them.
fn linker<T: Imports>(engine: &Engine) -> Result<Linker<T>, wasmi::Error> {
    let mut linker = Linker::new(engine);
    T::define(&mut linker)?;
    Ok(linker)
}

/// The sandbox error for a wasmi error of a run under memory cap `cap`
/// and fuel budget `fuel` (`memory_denied`: the limiter refused growth).
pub(crate) fn map_error(
    e: &wasmi::Error,
    memory_denied: bool,
    cap: u64,
    fuel: u64,
) -> SandboxError {
    if memory_denied {
        return SandboxError::MemoryLimit { cap_bytes: cap };
    }
    match e.as_trap_code() {
        Some(TrapCode::OutOfFuel) => SandboxError::OutOfFuel { budget: fuel },
        Some(TrapCode::StackOverflow) => SandboxError::StackOverflow,
        Some(TrapCode::GrowthOperationLimited) => SandboxError::MemoryLimit { cap_bytes: cap },
        _ => SandboxError::Trap(e.to_string()),
    }
}
