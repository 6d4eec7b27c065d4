//! The interpreter module's exports: the interpreter ABI
//! (`rvf_spec::interp`, docs/ABI.md "Interpreter ABI").

use crate::forward::Forward;
use alloc::string::{String, ToString};
use core::alloc::Layout;
use core::cell::UnsafeCell;
use interpreter::run::Run;
use interpreter::{caps, Admitted, Limits, Sandbox};
use rvf_spec::abi::{Params, PARAMS_LEN, REPORT_LEN};
use rvf_spec::interp::{status, VERSION};

struct State {
    limits: Limits,
    loaded: Option<Admitted>,
    /// The last run's kernel instance, alive so its result can be read in place.
    last: Option<Run<Forward>>,
    fuel_used: u64,
    report: Option<[u8; REPORT_LEN]>,
    detail: i64,
    error: String,
}

impl State {
    /// Record the outcome of a call and return its status.
    fn outcome(&mut self, code: i32, detail: i64, error: String) -> i32 {
        self.detail = detail;
        self.error = error;
        code
    }

    fn failed(&mut self, e: &interpreter::SandboxError) -> i32 {
        self.outcome(e.status(), e.detail(), e.to_string())
    }

    /// Forget the last run (frees the kernel instance and its memory).
    fn clear_run(&mut self) {
        self.last = None;
        self.report = None;
        self.fuel_used = 0;
    }
}

struct Global(UnsafeCell<Option<State>>);
// SAFETY: wasm32 without threads, and no export runs while another does
// (the imports the module calls are the host's and never call back in).
unsafe impl Sync for Global {}
static STATE: Global = Global(UnsafeCell::new(None));

fn state() -> &'static mut State {
    // SAFETY: single-threaded, no re-entry (see `Global`).
    let st = unsafe { &mut *STATE.0.get() };
    st.get_or_insert_with(|| State {
        limits: Limits::default(),
        loaded: None,
        last: None,
        fuel_used: 0,
        report: None,
        detail: 0,
        error: String::new(),
    })
}

#[no_mangle]
pub extern "C" fn rvfi_version() -> u32 {
    VERSION
}

/// The `WASM_FEAT_*` bits this build can run kernels with.
#[no_mangle]
pub extern "C" fn rvfi_features() -> u32 {
    caps::host_features() as u32
}

/// The `len` bytes at `ptr` when they lie in this module's memory (a
/// range of length 0 is empty wherever it points); `None` for 0 or a range
/// that wraps or ends past the memory. Every export that reads a block
/// the host names checks it here first.
fn block(ptr: u32, len: u32) -> Option<&'static [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    let size = core::arch::wasm32::memory_size(0) as u64 * 65536;
    if ptr == 0 || ptr as u64 + len as u64 > size {
        return None;
    }
    // SAFETY: non-null and inside the memory (checked); the host wrote the
    // block before the call and the module keeps no reference past it.
    Some(unsafe { core::slice::from_raw_parts(ptr as *const u8, len as usize) })
}

/// The status for a block outside the module's memory.
fn outside(st: &mut State, what: &str, ptr: u32, len: u32) -> i32 {
    st.outcome(
        status::BAD_ARGUMENT,
        0,
        alloc::format!("the {what} block [{ptr}, +{len}) is not inside the module's memory"),
    )
}

fn layout(len: u32) -> Option<Layout> {
    Layout::from_size_align(len.max(1) as usize, 8).ok()
}

/// An 8-aligned block of `len` bytes for the host; 0 on failure.
#[no_mangle]
pub extern "C" fn rvfi_alloc(len: u32) -> u32 {
    match layout(len) {
        // SAFETY: a valid layout of non-zero size.
        Some(l) => unsafe { alloc::alloc::alloc(l) as u32 },
        None => 0,
    }
}

/// Give back a block from `rvfi_alloc(len)` (the same `len`); 0 is ignored.
#[no_mangle]
pub extern "C" fn rvfi_free(ptr: u32, len: u32) {
    if let (Some(l), true) = (layout(len), ptr != 0) {
        // SAFETY: the host hands back a block `rvfi_alloc(len)` returned.
        unsafe { alloc::alloc::dealloc(ptr as *mut u8, l) }
    }
}

/// The limits of every kernel loaded from now on (`Limits`, field by field).
#[no_mangle]
pub extern "C" fn rvfi_set_limits(
    fuel: u64,
    max_memory_bytes: u64,
    max_recursion: u32,
    max_table_elements: u32,
    max_module_bytes: u32,
    max_result_bytes: u64,
) -> i32 {
    let st = state();
    st.limits = Limits {
        fuel,
        max_memory_bytes,
        max_recursion: max_recursion as usize,
        max_table_elements,
        max_module_bytes: max_module_bytes as usize,
        max_result_bytes,
    };
    st.outcome(status::OK, 0, String::new())
}

/// Admit the kernel in `[ptr, ptr + len)` under `features` ∩
/// `rvfi_features()` and the limits set: `Sandbox::new(..).admit(..)`.
/// Replaces any loaded kernel. On OK the detail is the kernel's
/// `rvf_abi_version`. The bytes stay the host's.
#[no_mangle]
pub extern "C" fn rvfi_load(ptr: u32, len: u32, features: u32) -> i32 {
    let st = state();
    st.clear_run();
    st.loaded = None;
    let Some(bytes) = block(ptr, len) else {
        return outside(st, "kernel", ptr, len);
    };
    match Sandbox::new(features as u16, st.limits).admit_with(bytes, Forward::new) {
        Ok(a) => {
            let v = a.abi_version();
            st.loaded = Some(a);
            st.outcome(status::OK, v as i64, String::new())
        }
        Err(e) => st.failed(&e),
    }
}

/// One solver-ABI run of the loaded kernel in a fresh instance:
/// `Admitted::run_with`. Reads `PARAMS_LEN` bytes of `Params` at
/// `params_ptr` and `input_len` bytes of input at `input_ptr`;
/// `max_memory_bytes` lowers the memory cap for this run.
#[no_mangle]
pub extern "C" fn rvfi_run(
    params_ptr: u32,
    input_ptr: u32,
    input_len: u32,
    max_memory_bytes: u64,
) -> i32 {
    let st = state();
    st.clear_run();
    if st.loaded.is_none() {
        return st.outcome(status::NOT_LOADED, 0, "no kernel is loaded".to_string());
    }
    let Some(params) = block(params_ptr, PARAMS_LEN as u32) else {
        return outside(st, "params", params_ptr, PARAMS_LEN as u32);
    };
    let Some(params) = Params::decode(params) else {
        return st.outcome(
            status::BAD_ARGUMENT,
            0,
            "the params do not decode (length, version or reserved bytes)".to_string(),
        );
    };
    let Some(input) = block(input_ptr, input_len) else {
        return outside(st, "input", input_ptr, input_len);
    };
    let Some(loaded) = &st.loaded else {
        return status::NOT_LOADED;
    };
    let run = loaded.run_with(&params, input, Some(max_memory_bytes), Forward::new);
    st.fuel_used = run.fuel_used;
    let code = match &run.outcome {
        Ok(ran) => {
            st.report = Some(ran.report.encode());
            st.outcome(status::OK, 0, String::new())
        }
        Err(e) => {
            let e = e.clone();
            st.failed(&e)
        }
    };
    st.last = Some(run);
    code
}

/// Kernel fuel of the last `rvfi_run`, also after a failed one.
#[no_mangle]
pub extern "C" fn rvfi_fuel_used() -> u64 {
    state().fuel_used
}

/// The last run's 64-byte `Report` (a copy), 0 if the run did not get to one.
#[no_mangle]
pub extern "C" fn rvfi_report_ptr() -> u32 {
    state().report.as_ref().map_or(0, |r| r.as_ptr() as u32)
}

/// The last run's result bytes, where they lie in the kernel's memory.
fn result() -> Option<(u32, u32)> {
    let run = state().last.as_ref()?;
    let r = run.outcome.as_ref().ok()?.result?;
    let at = r.memory.data_ptr(&run.store) as u32 + r.ptr;
    Some((at, r.len))
}

#[no_mangle]
pub extern "C" fn rvfi_result_ptr() -> u32 {
    result().map_or(0, |r| r.0)
}

#[no_mangle]
pub extern "C" fn rvfi_result_len() -> u32 {
    result().map_or(0, |r| r.1)
}

/// The number that goes with the last status (`interp_status`).
#[no_mangle]
pub extern "C" fn rvfi_detail() -> i64 {
    state().detail
}

/// The last failure in words (UTF-8), empty after OK.
#[no_mangle]
pub extern "C" fn rvfi_error_ptr() -> u32 {
    state().error.as_ptr() as u32
}

#[no_mangle]
pub extern "C" fn rvfi_error_len() -> u32 {
    state().error.len() as u32
}

/// Drop the kernel and the last run (their memory returns to the
/// allocator; the module's memory never shrinks).
#[no_mangle]
pub extern "C" fn rvfi_unload() {
    let st = state();
    st.clear_run();
    st.loaded = None;
}
