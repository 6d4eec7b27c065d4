//! One run of the solver ABI in a fresh instance: the call sequence and the
//! checks on what the module hands back, generic over how the four `rvf`
//! imports are served ([`Imports`]). The host serves them itself
//! (`host::HostState`); the interpreter module (`bootstrap/`) forwards them
//! to its own host. Both run exactly this code, so a kernel meets the same
//! rules whichever way it runs.

use crate::error::{why, SandboxError};
use crate::limits::Limiter;
use rvf_spec::abi::{self, Params, Report, PARAMS_LEN, REPORT_LEN};
use rvf_spec::sandbox::export;
use wasmi::{Instance, Linker, Memory, Store, TypedFunc};

/// The data of a run's store: how the `rvf` imports are served, plus the
/// limiter and the memory slot every run needs.
pub trait Imports: Sized {
    /// The limiter that enforces the run's memory and table caps.
    fn limiter(&mut self) -> &mut Limiter;
    /// Called once, right after instantiation, with the module's exported
    /// memory (so import calls need no export lookup).
    fn set_memory(&mut self, memory: Memory);
    /// Define the four `rvf` functions (and nothing else).
    fn define(linker: &mut Linker<Self>) -> Result<(), wasmi::Error>;
}

/// Where a checked result lies: `len` bytes at `ptr` of the module's memory.
#[derive(Clone, Copy, Debug)]
pub struct ResultBytes {
    pub memory: Memory,
    pub ptr: u32,
    pub len: u32,
}

impl ResultBytes {
    /// The bytes (checked to lie in the memory when the run ended; `None`
    /// only if the store has been used to shrink them away since, which
    /// wasm cannot do).
    pub fn get<'s, T>(&self, store: &'s Store<T>) -> Option<&'s [u8]> {
        let at = self.ptr as usize;
        self.memory
            .data(store)
            .get(at..at.checked_add(self.len as usize)?)
    }
}

/// A run that got as far as a report.
#[derive(Clone, Copy, Debug)]
pub struct Ran {
    pub report: Report,
    /// The result, when the module ran (`None` when `rvf_set_params`
    /// refused: the report is then synthesised and there is no result).
    pub result: Option<ResultBytes>,
}

/// One run: its store (the instance stays alive, so the result can be read
/// where it lies), the fuel it used, and how it ended.
pub struct Run<T> {
    pub store: Store<T>,
    pub fuel_used: u64,
    pub outcome: Result<Ran, SandboxError>,
}

pub(crate) enum RunError {
    Wasm(wasmi::Error),
    Sandbox(SandboxError),
}

impl From<wasmi::Error> for RunError {
    fn from(e: wasmi::Error) -> Self {
        RunError::Wasm(e)
    }
}

pub(crate) fn typed<T, P: wasmi::WasmParams, R: wasmi::WasmResults>(
    store: &Store<T>,
    inst: &Instance,
    name: &'static str,
) -> Result<TypedFunc<P, R>, RunError> {
    inst.get_typed_func::<P, R>(store, name).map_err(|_| {
        RunError::Sandbox(SandboxError::BadExport {
            name,
            why: why::EXPORT_TYPE,
        })
    })
}

/// The solver-ABI sequence on an instance: `rvf_abi_version` (major
/// check), the input and the params through `rvf_alloc`, `rvf_set_params`
/// (a refusal ends the run with a synthesised report), `rvf_run`, then the
/// report and the result are checked: in bounds, the report's ABI major,
/// the result limit, the length the report implies.
pub(crate) fn run_instance<T: Imports>(
    store: &mut Store<T>,
    inst: &Instance,
    params: &Params,
    input: &[u8],
    max_result: u64,
) -> Result<Ran, RunError> {
    let bad = |w| RunError::Sandbox(SandboxError::BadResult(w));
    let mem = inst
        .get_memory(&*store, export::MEMORY)
        .ok_or(RunError::Sandbox(SandboxError::BadExport {
            name: export::MEMORY,
            why: why::EXPORT_MISSING,
        }))?;
    store.data_mut().set_memory(mem);
    let version = typed::<T, (), u32>(store, inst, export::ABI_VERSION)?.call(&mut *store, ())?;
    if version >> 16 != abi::ABI_MAJOR {
        return Err(RunError::Sandbox(SandboxError::AbiMismatch {
            found: version,
        }));
    }
    let alloc = typed::<T, u32, u32>(store, inst, export::ALLOC)?;
    let mut p = *params;
    if !input.is_empty() {
        let len = u32::try_from(input.len()).map_err(|_| bad(why::INPUT_TOO_LARGE))?;
        let iptr = alloc.call(&mut *store, len)?;
        mem.write(&mut *store, iptr as usize, input)
            .map_err(|_| bad(why::ALLOC_OUTSIDE))?;
        p.input_ptr = iptr;
        p.input_len = len;
    } else {
        p.input_ptr = 0;
        p.input_len = 0;
    }
    let pptr = alloc.call(&mut *store, PARAMS_LEN as u32)?;
    mem.write(&mut *store, pptr as usize, &p.encode())
        .map_err(|_| bad(why::ALLOC_OUTSIDE))?;
    let st = typed::<T, (u32, u32), i32>(store, inst, export::SET_PARAMS)?
        .call(&mut *store, (pptr, PARAMS_LEN as u32))?;
    if st != abi::status::OK {
        let report = Report {
            status: st,
            method: p.method,
            ..Default::default()
        };
        return Ok(Ran {
            report,
            result: None,
        });
    }
    typed::<T, (), i32>(store, inst, export::RUN)?.call(&mut *store, ())?;
    let rptr = typed::<T, (), u32>(store, inst, export::REPORT_PTR)?.call(&mut *store, ())?;
    let mut rb = [0u8; REPORT_LEN];
    mem.read(&*store, rptr as usize, &mut rb)
        .map_err(|_| bad(why::REPORT_OUTSIDE))?;
    let report = Report::decode(&rb).ok_or(bad(why::REPORT_VERSION))?;
    let optr = typed::<T, (), u32>(store, inst, export::RESULT_PTR)?.call(&mut *store, ())?;
    let olen = typed::<T, (), u32>(store, inst, export::RESULT_LEN)?.call(&mut *store, ())?;
    if olen as u64 > max_result {
        return Err(bad(why::RESULT_LIMIT));
    }
    let expected = match report.result_kind {
        abi::result_kind::DENSE_F64 => report.result_count as u64 * 8,
        abi::result_kind::PAIRS => report.result_count as u64 * abi::PAIR_LEN as u64,
        _ => return Err(bad(why::RESULT_KIND)),
    };
    if olen as u64 != expected && !(olen == 0 && report.status != abi::status::OK) {
        return Err(bad(why::RESULT_LENGTH));
    }
    if optr as u64 + olen as u64 > mem.data_size(&*store) as u64 {
        return Err(bad(why::RESULT_OUTSIDE));
    }
    Ok(Ran {
        report,
        result: Some(ResultBytes {
            memory: mem,
            ptr: optr,
            len: olen,
        }),
    })
}
