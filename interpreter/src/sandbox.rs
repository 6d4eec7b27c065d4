//! The sandbox: an engine restricted to a feature set, module admission
//! (validation, the import allow-list, the export contract), and one run
//! under fuel, memory, stack and table limits.
//!
//! Mirrors wasmi's split by lifetime: `Sandbox` (engine + limits, shared)
//! → `Admitted` (a validated module that speaks our ABI) → one `Store` per
//! run. Compilation is eager and the engine `deterministic` (NaN
//! canonicalisation), so fuel counts and results are reproducible.

use crate::caps;
use crate::error::SandboxError;
use crate::host::{self, BulkReadCheck, HostState, HostStats};
use crate::limits::{Limiter, Limits};
use alloc::string::ToString;
use alloc::vec::Vec;
use rvf_spec::abi::{self, Params, Report, PARAMS_LEN, REPORT_LEN};
use rvf_spec::source::ArraySource;
use wasmi::{
    CompilationMode, Config, Engine, ExternType, Instance, Linker, Module, Store, TypedFunc,
};
use wasmi::{TrapCode, ValType};

/// Exports every solver module must have: (name, params, results).
const EXPORTS: [(&str, &[ValType], &[ValType]); 7] = [
    ("rvf_abi_version", &[], &[ValType::I32]),
    ("rvf_alloc", &[ValType::I32], &[ValType::I32]),
    (
        "rvf_set_params",
        &[ValType::I32, ValType::I32],
        &[ValType::I32],
    ),
    ("rvf_run", &[], &[ValType::I32]),
    ("rvf_result_ptr", &[], &[ValType::I32]),
    ("rvf_result_len", &[], &[ValType::I32]),
    ("rvf_report_ptr", &[], &[ValType::I32]),
];

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
        self.sandbox.run_module(
            &self.module,
            params,
            input,
            source,
            bulk_check,
            max_memory_bytes,
        )
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
        let mut cfg = Config::default();
        caps::configure(&mut cfg, features);
        cfg.consume_fuel(true)
            .compilation_mode(CompilationMode::Eager)
            .set_max_recursion_depth(limits.max_recursion)
            .allow_start_fn(false)
            .ignore_custom_sections(true);
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
    /// of the right types, and every ABI export with the right type.
    pub fn admit(&self, bytecode: &[u8]) -> Result<Admitted, SandboxError> {
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
            if imp.module() != "rvf" {
                return Err(forbidden("only the `rvf` host module is available"));
            }
            let ExternType::Func(ft) = imp.ty() else {
                return Err(forbidden("only functions may be imported"));
            };
            match host::IMPORTS.iter().find(|(n, _, _)| *n == imp.name()) {
                None => return Err(forbidden("not a function of the rvf ABI")),
                Some((_, p, r)) if ft.params() != *p || ft.results() != *r => {
                    return Err(forbidden("wrong signature for this rvf function"))
                }
                Some(_) => {}
            }
        }
        let exports: Vec<_> = module
            .exports()
            .map(|e| (e.name().to_string(), e.ty().clone()))
            .collect();
        match exports.iter().find(|(n, _)| n == "memory") {
            Some((_, ExternType::Memory(m))) => {
                let needed_bytes = m.minimum().saturating_mul(65536);
                if needed_bytes > self.limits.max_memory_bytes {
                    return Err(SandboxError::InitialMemory {
                        needed_bytes,
                        cap_bytes: self.limits.max_memory_bytes,
                    });
                }
            }
            Some(_) => {
                return Err(SandboxError::BadExport {
                    name: "memory",
                    why: "is not a memory",
                })
            }
            None => {
                return Err(SandboxError::BadExport {
                    name: "memory",
                    why: "missing",
                })
            }
        }
        for (name, p, r) in EXPORTS {
            match exports.iter().find(|(n, _)| n == name) {
                None => {
                    return Err(SandboxError::BadExport {
                        name,
                        why: "missing",
                    })
                }
                Some((_, ExternType::Func(ft))) if ft.params() == p && ft.results() == r => {}
                Some(_) => {
                    return Err(SandboxError::BadExport {
                        name,
                        why: "has the wrong type",
                    })
                }
            }
        }
        // Last, instantiate once (no data, small fuel) and ask the ABI
        // version: a module that speaks another major is not admitted.
        let version = self.abi_version(&module)?;
        if version >> 16 != abi::ABI_MAJOR {
            return Err(SandboxError::AbiMismatch { found: version });
        }
        Ok(Admitted {
            module,
            sandbox: self.clone(),
            abi_version: version,
        })
    }

    fn run_module<'a>(
        &self,
        module: &Module,
        params: &Params,
        input: &[u8],
        source: ArraySource<'a>,
        bulk_check: Option<BulkReadCheck<'a>>,
        max_memory_bytes: Option<u64>,
    ) -> Result<RunOutput, SandboxError> {
        let cap = max_memory_bytes
            .unwrap_or(self.limits.max_memory_bytes)
            .min(self.limits.max_memory_bytes);
        let (mut store, linker) = self.store_and_linker(source, bulk_check, cap)?;
        let result = (|| {
            let inst = linker.instantiate_and_start(&mut store, module)?;
            run_instance(
                &mut store,
                &inst,
                params,
                input,
                self.limits.max_result_bytes,
            )
        })();
        let fuel_left = store.get_fuel().unwrap_or(0);
        let denied = store.data().limiter.memory_denied;
        let stats = store.data().stats;
        match result {
            Ok((report, output)) => Ok(RunOutput {
                report,
                output,
                fuel_used: self.limits.fuel - fuel_left,
                host: stats,
            }),
            Err(RunError::Wasm(e)) => Err(self.map_error(
                &e,
                &Flags {
                    memory_denied: denied,
                    cap,
                },
            )),
            Err(RunError::Sandbox(e)) => Err(e),
        }
    }

    /// A store for one instance (limits, fuel, host state) and a linker
    /// holding only the `rvf` functions.
    #[allow(clippy::type_complexity)]
    fn store_and_linker<'a>(
        &self,
        source: ArraySource<'a>,
        bulk_check: Option<BulkReadCheck<'a>>,
        cap: u64,
    ) -> Result<(Store<HostState<'a>>, Linker<HostState<'a>>), SandboxError> {
        let state = HostState {
            source,
            bulk_check,
            checked: 0,
            limiter: Limiter {
                max_memory: usize::try_from(cap).unwrap_or(usize::MAX),
                max_table: self.limits.max_table_elements as usize,
                memory_denied: false,
            },
            stats: HostStats::default(),
            memory: None,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        store
            .set_fuel(self.limits.fuel)
            .map_err(|e| SandboxError::Trap(e.to_string()))?;
        let mut linker = Linker::new(&self.engine);
        host::define(&mut linker).map_err(|e| SandboxError::Trap(e.to_string()))?;
        Ok((store, linker))
    }

    fn abi_version(&self, module: &Module) -> Result<u32, SandboxError> {
        let probe = Sandbox {
            limits: Limits {
                fuel: 10_000_000,
                ..self.limits
            },
            ..self.clone()
        };
        let (mut store, linker) =
            probe.store_and_linker(ArraySource::empty(), None, probe.limits.max_memory_bytes)?;
        let r = (|| -> Result<u32, RunError> {
            let inst = linker.instantiate_and_start(&mut store, module)?;
            Ok(typed::<(), u32>(&store, &inst, "rvf_abi_version")?.call(&mut store, ())?)
        })();
        let flags = Flags {
            memory_denied: store.data().limiter.memory_denied,
            cap: probe.limits.max_memory_bytes,
        };
        match r {
            Ok(v) => Ok(v),
            Err(RunError::Wasm(e)) => Err(probe.map_error(&e, &flags)),
            Err(RunError::Sandbox(e)) => Err(e),
        }
    }

    fn map_error(&self, e: &wasmi::Error, f: &Flags) -> SandboxError {
        if f.memory_denied {
            return SandboxError::MemoryLimit { cap_bytes: f.cap };
        }
        match e.as_trap_code() {
            Some(TrapCode::OutOfFuel) => SandboxError::OutOfFuel {
                budget: self.limits.fuel,
            },
            Some(TrapCode::StackOverflow) => SandboxError::StackOverflow,
            Some(TrapCode::GrowthOperationLimited) => {
                SandboxError::MemoryLimit { cap_bytes: f.cap }
            }
            _ => SandboxError::Trap(e.to_string()),
        }
    }
}

struct Flags {
    memory_denied: bool,
    cap: u64,
}

enum RunError {
    Wasm(wasmi::Error),
    Sandbox(SandboxError),
}

impl From<wasmi::Error> for RunError {
    fn from(e: wasmi::Error) -> Self {
        RunError::Wasm(e)
    }
}

fn typed<P: wasmi::WasmParams, R: wasmi::WasmResults>(
    store: &Store<HostState<'_>>,
    inst: &Instance,
    name: &'static str,
) -> Result<TypedFunc<P, R>, RunError> {
    inst.get_typed_func::<P, R>(store, name).map_err(|_| {
        RunError::Sandbox(SandboxError::BadExport {
            name,
            why: "has the wrong type",
        })
    })
}

fn run_instance(
    store: &mut Store<HostState<'_>>,
    inst: &Instance,
    params: &Params,
    input: &[u8],
    max_result: u64,
) -> Result<(Report, Vec<u8>), RunError> {
    let bad = |w| RunError::Sandbox(SandboxError::BadResult(w));
    let mem =
        inst.get_memory(&*store, "memory")
            .ok_or(RunError::Sandbox(SandboxError::BadExport {
                name: "memory",
                why: "missing",
            }))?;
    store.data_mut().memory = Some(mem);
    let version = typed::<(), u32>(store, inst, "rvf_abi_version")?.call(&mut *store, ())?;
    if version >> 16 != abi::ABI_MAJOR {
        return Err(RunError::Sandbox(SandboxError::AbiMismatch {
            found: version,
        }));
    }
    let alloc = typed::<u32, u32>(store, inst, "rvf_alloc")?;
    let mut p = *params;
    if !input.is_empty() {
        let len = u32::try_from(input.len()).map_err(|_| bad("input too large"))?;
        let iptr = alloc.call(&mut *store, len)?;
        mem.write(&mut *store, iptr as usize, input)
            .map_err(|_| bad("rvf_alloc returned memory outside the module"))?;
        p.input_ptr = iptr;
        p.input_len = len;
    } else {
        p.input_ptr = 0;
        p.input_len = 0;
    }
    let pptr = alloc.call(&mut *store, PARAMS_LEN as u32)?;
    mem.write(&mut *store, pptr as usize, &p.encode())
        .map_err(|_| bad("rvf_alloc returned memory outside the module"))?;
    let st = typed::<(u32, u32), i32>(store, inst, "rvf_set_params")?
        .call(&mut *store, (pptr, PARAMS_LEN as u32))?;
    if st != abi::status::OK {
        return Ok((
            Report {
                status: st,
                method: p.method,
                ..Default::default()
            },
            Vec::new(),
        ));
    }
    typed::<(), i32>(store, inst, "rvf_run")?.call(&mut *store, ())?;
    let rptr = typed::<(), u32>(store, inst, "rvf_report_ptr")?.call(&mut *store, ())?;
    let mut rb = [0u8; REPORT_LEN];
    mem.read(&*store, rptr as usize, &mut rb)
        .map_err(|_| bad("report lies outside guest memory"))?;
    let report = Report::decode(&rb).ok_or(bad("report has the wrong ABI version"))?;
    let optr = typed::<(), u32>(store, inst, "rvf_result_ptr")?.call(&mut *store, ())?;
    let olen = typed::<(), u32>(store, inst, "rvf_result_len")?.call(&mut *store, ())?;
    if olen as u64 > max_result {
        return Err(bad("result is larger than the result limit"));
    }
    let expected = match report.result_kind {
        abi::result_kind::DENSE_F64 => report.result_count as u64 * 8,
        abi::result_kind::PAIRS => report.result_count as u64 * abi::PAIR_LEN as u64,
        _ => return Err(bad("unknown result kind")),
    };
    if olen as u64 != expected && !(olen == 0 && report.status != abi::status::OK) {
        return Err(bad("result length disagrees with the report"));
    }
    let mut out = Vec::new();
    out.try_reserve_exact(olen as usize)
        .map_err(|_| bad("result too large for host memory"))?;
    out.resize(olen as usize, 0);
    mem.read(&*store, optr as usize, &mut out)
        .map_err(|_| bad("result lies outside guest memory"))?;
    Ok((report, out))
}
