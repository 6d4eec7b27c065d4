//! One instance of the interpreter module in the host's wasmi: its store
//! (the host's `rvf` functions and a limiter, as for a kernel), its typed
//! exports, its state's snapshot and restore, and the data it hands back.

use super::TwoStageError;
use crate::host::{self, HostState};
use crate::limits::Limits;
use crate::sandbox::map_error;
use alloc::string::String;
use alloc::vec::Vec;
use rvf_spec::interp::export;
use wasmi::{Engine, Global, Linker, Memory, Module, Store, TypedFunc, Val};

/// The most of an error text the host reads from the module (the
/// sandbox's own texts are far shorter).
pub(super) const MAX_ERROR_BYTES: usize = 64 << 10;

/// Everything an instance of the module holds between calls: its memory
/// (up to the last non-zero byte, and its size in pages) and its
/// shadow-stack pointer (the ABI's snapshot rule).
#[derive(Clone, Debug)]
pub(super) struct Snapshot {
    pub bytes: Vec<u8>,
    pub pages: u64,
    pub stack_pointer: i32,
}

/// The module's function exports.
struct Calls {
    version: TypedFunc<(), u32>,
    features: TypedFunc<(), u32>,
    alloc: TypedFunc<u32, u32>,
    free: TypedFunc<(u32, u32), ()>,
    set_limits: TypedFunc<(u64, u64, u32, u32, u32, u64), i32>,
    load: TypedFunc<(u32, u32, u32), i32>,
    run: TypedFunc<(u32, u32, u32, u64), i32>,
    fuel_used: TypedFunc<(), u64>,
    report_ptr: TypedFunc<(), u32>,
    result_ptr: TypedFunc<(), u32>,
    result_len: TypedFunc<(), u32>,
    detail: TypedFunc<(), i64>,
    error_ptr: TypedFunc<(), u32>,
    error_len: TypedFunc<(), u32>,
}

/// A live instance under the outer limits.
pub(super) struct Outer<'a> {
    pub store: Store<HostState<'a>>,
    memory: Memory,
    stack_pointer: Global,
    calls: Calls,
    fuel: u64,
    cap: u64,
}

impl<'a> Outer<'a> {
    /// Instantiate `module` over `state` under the outer `limits`.
    pub fn new(
        engine: &Engine,
        module: &Module,
        mut state: HostState<'a>,
        limits: &Limits,
    ) -> Result<Outer<'a>, TwoStageError> {
        let cap = limits.max_memory_bytes;
        state.limiter.max_memory = usize::try_from(cap).unwrap_or(usize::MAX);
        state.limiter.max_table = limits.max_table_elements as usize;
        let mut store = Store::new(engine, state);
        store.limiter(|s| &mut s.limiter);
        let fail = |store: &Store<HostState<'_>>, e: wasmi::Error| {
            TwoStageError::Interpreter(map_error(
                &e,
                store.data().limiter.memory_denied,
                cap,
                limits.fuel,
            ))
        };
        if let Err(e) = store.set_fuel(limits.fuel) {
            return Err(fail(&store, e));
        }
        let inst = (|| {
            let mut linker = Linker::new(engine);
            host::define(&mut linker)?;
            linker.instantiate_and_start(&mut store, module)
        })()
        .map_err(|e| fail(&store, e))?;
        let missing = |what: &str| TwoStageError::Module(alloc::format!("no export `{what}`"));
        let memory = inst
            .get_memory(&store, export::MEMORY)
            .ok_or_else(|| missing(export::MEMORY))?;
        let stack_pointer = inst
            .get_global(&store, export::STACK_POINTER)
            .ok_or_else(|| missing(export::STACK_POINTER))?;
        store.data_mut().memory = Some(memory);
        macro_rules! f {
            ($name:expr) => {
                inst.get_typed_func(&store, $name).map_err(|_| {
                    TwoStageError::Module(alloc::format!(
                        "export `{}` is missing or has the wrong type",
                        $name
                    ))
                })?
            };
        }
        let calls = Calls {
            version: f!(export::VERSION),
            features: f!(export::FEATURES),
            alloc: f!(export::ALLOC),
            free: f!(export::FREE),
            set_limits: f!(export::SET_LIMITS),
            load: f!(export::LOAD),
            run: f!(export::RUN),
            fuel_used: f!(export::FUEL_USED),
            report_ptr: f!(export::REPORT_PTR),
            result_ptr: f!(export::RESULT_PTR),
            result_len: f!(export::RESULT_LEN),
            detail: f!(export::DETAIL),
            error_ptr: f!(export::ERROR_PTR),
            error_len: f!(export::ERROR_LEN),
        };
        Ok(Outer {
            store,
            memory,
            stack_pointer,
            calls,
            fuel: limits.fuel,
            cap,
        })
    }

    /// A wasmi error of a call into the module, as the outer sandbox's error.
    fn fail(&self, e: wasmi::Error) -> TwoStageError {
        TwoStageError::Interpreter(map_error(
            &e,
            self.store.data().limiter.memory_denied,
            self.cap,
            self.fuel,
        ))
    }

    /// Outer fuel used so far.
    pub fn fuel_used(&self) -> u64 {
        self.fuel - self.store.get_fuel().unwrap_or(0)
    }

    pub fn version(&mut self) -> Result<u32, TwoStageError> {
        let r = self.calls.version.call(&mut self.store, ());
        r.map_err(|e| self.fail(e))
    }

    pub fn features(&mut self) -> Result<u32, TwoStageError> {
        let r = self.calls.features.call(&mut self.store, ());
        r.map_err(|e| self.fail(e))
    }

    /// Copy `bytes` into a new block of the module's memory.
    pub fn put(&mut self, bytes: &[u8]) -> Result<u32, TwoStageError> {
        let len = u32::try_from(bytes.len())
            .map_err(|_| TwoStageError::Module("a block larger than 4 GiB".into()))?;
        let r = self.calls.alloc.call(&mut self.store, len);
        let at = r.map_err(|e| self.fail(e))?;
        if at == 0 {
            return Err(TwoStageError::Module(alloc::format!(
                "rvfi_alloc({len}) failed"
            )));
        }
        self.memory
            .write(&mut self.store, at as usize, bytes)
            .map_err(|_| TwoStageError::Module("rvfi_alloc returned memory outside it".into()))?;
        Ok(at)
    }

    pub fn free(&mut self, at: u32, len: usize) -> Result<(), TwoStageError> {
        let r = self.calls.free.call(&mut self.store, (at, len as u32));
        r.map_err(|e| self.fail(e))
    }

    pub fn set_limits(&mut self, l: &Limits) -> Result<i32, TwoStageError> {
        let args = (
            l.fuel,
            l.max_memory_bytes,
            u32::try_from(l.max_recursion).unwrap_or(u32::MAX),
            l.max_table_elements,
            u32::try_from(l.max_module_bytes).unwrap_or(u32::MAX),
            l.max_result_bytes,
        );
        let r = self.calls.set_limits.call(&mut self.store, args);
        r.map_err(|e| self.fail(e))
    }

    pub fn load(&mut self, at: u32, len: usize, features: u16) -> Result<i32, TwoStageError> {
        let args = (at, len as u32, features as u32);
        let r = self.calls.load.call(&mut self.store, args);
        r.map_err(|e| self.fail(e))
    }

    pub fn run(
        &mut self,
        params: u32,
        input: u32,
        input_len: usize,
        max_memory_bytes: u64,
    ) -> Result<i32, TwoStageError> {
        let args = (params, input, input_len as u32, max_memory_bytes);
        let r = self.calls.run.call(&mut self.store, args);
        r.map_err(|e| self.fail(e))
    }

    pub fn kernel_fuel(&mut self) -> Result<u64, TwoStageError> {
        let r = self.calls.fuel_used.call(&mut self.store, ());
        r.map_err(|e| self.fail(e))
    }

    pub fn detail(&mut self) -> Result<i64, TwoStageError> {
        let r = self.calls.detail.call(&mut self.store, ());
        r.map_err(|e| self.fail(e))
    }

    /// `len` bytes at `at` of the module's memory, if `[at, at + len)`
    /// lies in it (checked arithmetic).
    pub fn bytes(&self, at: u32, len: u32) -> Result<&[u8], TwoStageError> {
        let data = self.memory.data(&self.store);
        usize::try_from(u64::from(at))
            .ok()
            .zip(usize::try_from(u64::from(len)).ok())
            .and_then(|(at, len)| Some(at..at.checked_add(len)?))
            .and_then(|range| data.get(range))
            .ok_or_else(|| TwoStageError::Module("a block outside its memory".into()))
    }

    /// The last failure in words (at most [`MAX_ERROR_BYTES`] of them: the
    /// module's claim of a longer text is cut, never copied whole).
    pub fn error(&mut self) -> Result<String, TwoStageError> {
        let r = self.calls.error_ptr.call(&mut self.store, ());
        let at = r.map_err(|e| self.fail(e))?;
        let r = self.calls.error_len.call(&mut self.store, ());
        let len = r.map_err(|e| self.fail(e))?;
        let text = self.bytes(at, len)?;
        let text = &text[..text.len().min(MAX_ERROR_BYTES)];
        Ok(String::from_utf8_lossy(text).into_owned())
    }

    /// The last run's report bytes, if it got to one.
    pub fn report(&mut self) -> Result<Option<Vec<u8>>, TwoStageError> {
        let r = self.calls.report_ptr.call(&mut self.store, ());
        match r.map_err(|e| self.fail(e))? {
            0 => Ok(None),
            at => Ok(Some(
                self.bytes(at, rvf_spec::abi::REPORT_LEN as u32)?.to_vec(),
            )),
        }
    }

    /// Where the last run's result lies in the module's memory, as the
    /// module says (`rvfi_result_ptr`, `rvfi_result_len`): unchecked.
    pub fn result_at(&mut self) -> Result<(u32, u32), TwoStageError> {
        let r = self.calls.result_ptr.call(&mut self.store, ());
        let at = r.map_err(|e| self.fail(e))?;
        let r = self.calls.result_len.call(&mut self.store, ());
        let len = r.map_err(|e| self.fail(e))?;
        Ok((at, len))
    }

    /// The instance's state (call between exports only).
    pub fn snapshot(&self) -> Snapshot {
        let data = self.memory.data(&self.store);
        let end = data.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        Snapshot {
            bytes: data[..end].to_vec(),
            pages: self.memory.size(&self.store),
            stack_pointer: self.stack_pointer.get(&self.store).i32().unwrap_or(0),
        }
    }

    /// Put a fresh instance into the state of `s`.
    pub fn restore(&mut self, s: &Snapshot) -> Result<(), TwoStageError> {
        let pages = self.memory.size(&self.store);
        if s.pages > pages {
            let r = self.memory.grow(&mut self.store, s.pages - pages);
            r.map_err(|e| self.fail(e.into()))?;
        }
        let data = self.memory.data_mut(&mut self.store);
        let Some((head, tail)) = data.split_at_mut_checked(s.bytes.len()) else {
            return Err(TwoStageError::Module(
                "a snapshot larger than memory".into(),
            ));
        };
        head.copy_from_slice(&s.bytes);
        // The fresh instance's data segments may lie past the snapshot's
        // last non-zero byte: zero them (pages grown above are zero).
        let initial = (pages as usize)
            .saturating_mul(65536)
            .saturating_sub(s.bytes.len());
        let initial = initial.min(tail.len());
        tail[..initial].fill(0);
        let r = self
            .stack_pointer
            .set(&mut self.store, Val::I32(s.stack_pointer));
        r.map_err(|e| self.fail(e.into()))
    }
}
