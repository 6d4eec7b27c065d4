//! The Combined module's exports: the solver ABI itself (docs/ABI.md
//! "Guest exports", "Combined module"), so a host runs this module as it
//! runs a kernel. Inside, the baseline kernel built in runs in this
//! module's wasmi exactly as the interpreter module runs a kernel
//! (`Sandbox::admit_with`, `Admitted::run_with`, the `rvf` imports
//! forwarded by `forward`); only the limits differ ([`INNER`]).
//!
//! - `rvf_set_params` decodes the params as the kernel does (and refuses
//!   what the kernel refuses), then admits the kernel and makes the whole
//!   inner run (`run_with` is one call sequence); `rvf_run` publishes its
//!   report and result and returns the report's status. Between the two
//!   calls the report is still the previous one, as in the kernel.
//! - The report is the kernel's, copied here; the result stays where the
//!   kernel left it, in the kernel's memory, which lies in this module's
//!   memory (checked there by `run_with`, and by the host against this
//!   module's memory), so `rvf_result_ptr` points at it and no second copy
//!   is made.
//! - A kernel stopped inside (a trap, a result the sandbox refuses) stops
//!   this module with a trap the host reports; [`surface`] says which.

use crate::forward::Forward;
use core::alloc::Layout;
use core::cell::UnsafeCell;
use interpreter::run::Run;
use interpreter::{caps, Limits, Sandbox, SandboxError};
use rvf_spec::abi::{self, status, Params, Report, PARAMS_LEN, PARAMS_VERSION, REPORT_LEN};
use rvf_spec::sandbox::limits;

/// The kernel inside: the baseline build (this wasmi runs no SIMD).
static KERNEL: &[u8] = include_bytes!("../../microkernel/dist/solver-baseline.wasm");

/// The kernel's limits inside: none that stops it before the host's limits
/// on this module do, except the call depth. The host meters this module
/// itself, and every kernel resource is one of the module's: each unit of
/// kernel fuel costs the module at least one unit of its own fuel (11-22
/// measured), and the kernel's memory and tables live in the module's
/// memory. So fuel, memory, tables, module and result size are unbounded
/// here; the host's fuel, memory cap and result limit stop the whole module
/// instead. The kernel's call depth is not the module's (wasmi keeps its
/// frames on the heap), so it keeps the spec's default limit, a direct
/// run's; so does wasmi's value stack (1 MB, its default). A kernel that
/// overflows either ends in [`surface`].
const INNER: Limits = Limits {
    fuel: u64::MAX,
    max_memory_bytes: u64::MAX,
    max_recursion: limits::MAX_RECURSION,
    max_table_elements: u32::MAX,
    max_module_bytes: usize::MAX,
    max_result_bytes: u64::MAX,
};

struct State {
    /// The run of the last params `rvf_set_params` accepted: the kernel's
    /// instance stays alive, so its result can be read where it lies.
    last: Option<Run<Forward>>,
    /// Whether `rvf_run` has published `last` (its report and result).
    published: bool,
    /// The last report `rvf_run` published (all zero before any, like a
    /// kernel's).
    report: [u8; REPORT_LEN],
}

struct Global(UnsafeCell<State>);
// SAFETY: wasm32 without threads, and no export runs while another does
// (the imports the module calls are the host's and never call back in).
unsafe impl Sync for Global {}
static STATE: Global = Global(UnsafeCell::new(State {
    last: None,
    published: false,
    report: [0; REPORT_LEN],
}));

fn state() -> &'static mut State {
    // SAFETY: single-threaded, no re-entry (see `Global`).
    unsafe { &mut *STATE.0.get() }
}

/// Whether `[ptr, ptr + len)` lies in this module's memory.
fn in_memory(ptr: u32, len: u32) -> bool {
    let size = core::arch::wasm32::memory_size(0) as u64 * 65536;
    ptr as u64 + len as u64 <= size
}

/// Stop this module for a kernel stopped inside, so the host reports the
/// nearest class it has for the module: a recursion overflow of the kernel
/// (its value stack) as one of the module (the module recurses until the
/// host's recursion limit stops it); anything else as a trap (`unreachable`).
/// The inner limits (`INNER`) make out-of-fuel and memory-limit errors
/// impossible inside: the host's limits on the module come first.
fn surface(e: &SandboxError) -> ! {
    if *e == SandboxError::StackOverflow {
        overflow(0);
    }
    core::arch::wasm32::unreachable()
}

/// Called through a pointer read at run time, so the compiler can neither
/// see the recursion nor turn it into a loop: every call is a real wasm
/// call, and no shadow-stack memory is used.
static DEEPER: fn(u32) -> u32 = overflow;

#[allow(unconditional_recursion)]
fn overflow(depth: u32) -> u32 {
    // SAFETY: reads a valid static.
    let next = unsafe { core::ptr::read_volatile(&DEEPER) };
    next(depth.wrapping_add(1)).wrapping_add(1)
}

/// The kernel's `rvf_abi_version` (both come from `rvf_spec::abi`; checked
/// against the kernel's own answer when it is admitted, and by a test).
#[no_mangle]
pub extern "C" fn rvf_abi_version() -> u32 {
    abi::ABI_VERSION
}

/// The kernel's capabilities: every method, no SIMD (the baseline build).
#[no_mangle]
pub extern "C" fn rvf_capabilities() -> u32 {
    abi::method::ALL
        .iter()
        .fold(0u32, |acc, m| acc | 1 << (m - 1))
}

/// An 8-aligned block of `bytes` for the host; 0 on failure.
#[no_mangle]
pub extern "C" fn rvf_alloc(bytes: u32) -> u32 {
    match Layout::from_size_align(bytes.max(1) as usize, 8) {
        // SAFETY: a valid layout of non-zero size.
        Ok(l) => unsafe { alloc::alloc::alloc(l) as u32 },
        Err(_) => 0,
    }
}

/// Decode the params as the kernel does, then admit the kernel and run it
/// in a fresh inner instance: its `rvf_set_params` status when it refuses
/// (then, as in the kernel, the params accepted before stay), else OK (the
/// run has been made; `rvf_run` publishes it and returns its status).
/// Every pointer and length is checked against this module's memory; the
/// kernel's own checks run inside.
#[no_mangle]
pub extern "C" fn rvf_set_params(ptr: u32, len: u32) -> i32 {
    let st = state();
    if len as usize != PARAMS_LEN || ptr == 0 {
        return status::BAD_PARAMS;
    }
    // As the kernel's decoding reads them: the version first (a version
    // that is not the params' refuses them), then the rest; a read outside
    // the memory traps.
    if !in_memory(ptr, 4) {
        core::arch::wasm32::unreachable()
    }
    // SAFETY: 4 bytes at ptr, inside the memory (checked).
    let version = unsafe { core::ptr::read_unaligned(ptr as *const [u8; 4]) };
    if u32::from_le_bytes(version) != PARAMS_VERSION {
        return status::BAD_PARAMS;
    }
    if !in_memory(ptr, len) {
        core::arch::wasm32::unreachable()
    }
    // SAFETY: PARAMS_LEN bytes at ptr, inside the memory (checked).
    let bytes = unsafe { core::slice::from_raw_parts(ptr as *const u8, PARAMS_LEN) };
    let Some(params) = Params::decode(bytes) else {
        return status::BAD_PARAMS;
    };
    let input: &[u8] = match params.input_len {
        0 => &[],
        // The kernel traps reading an input outside its memory (when it
        // reads it; this module before the run).
        n if !in_memory(params.input_ptr, n) => core::arch::wasm32::unreachable(),
        // SAFETY: inside the memory (checked); the host wrote it there.
        n => unsafe { core::slice::from_raw_parts(params.input_ptr as *const u8, n as usize) },
    };
    // Accepted: the previous run goes (its memory with it) before this one.
    st.last = None;
    st.published = false;
    let kernel = match Sandbox::new(caps::host_features(), INNER).admit_with(KERNEL, Forward::new) {
        Ok(k) if k.abi_version() == abi::ABI_VERSION => k,
        Ok(_) => core::arch::wasm32::unreachable(),
        Err(e) => surface(&e),
    };
    let run = kernel.run_with(&params, input, None, Forward::new);
    match &run.outcome {
        // Refused by the kernel's rvf_set_params (never OK); the params
        // decoded here, so it cannot happen with the kernel built in.
        Ok(ran) if ran.result.is_none() => return ran.report.status,
        Ok(_) => {}
        Err(e) => surface(e),
    }
    st.last = Some(run);
    status::OK
}

/// The run `rvf_set_params` made: publishes its report and result and
/// returns its status; NOT_RUN (and a report saying so) when it made none,
/// as the kernel answers.
#[no_mangle]
pub extern "C" fn rvf_run() -> i32 {
    let st = state();
    if let Some(Ok(ran)) = st.last.as_ref().map(|r| &r.outcome) {
        st.report = ran.report.encode();
        st.published = true;
        return ran.report.status;
    }
    st.report = Report {
        status: status::NOT_RUN,
        ..Default::default()
    }
    .encode();
    status::NOT_RUN
}

/// The published run's result, where it lies in the kernel's memory.
fn result() -> Option<(u32, u32)> {
    let st = state();
    let run = st.last.as_ref().filter(|_| st.published)?;
    let r = run.outcome.as_ref().ok()?.result?;
    let at = r.memory.data_ptr(&run.store) as u32 + r.ptr;
    Some((at, r.len))
}

#[no_mangle]
pub extern "C" fn rvf_result_ptr() -> u32 {
    result().map_or(0, |r| r.0)
}

#[no_mangle]
pub extern "C" fn rvf_result_len() -> u32 {
    result().map_or(0, |r| r.1)
}

#[no_mangle]
pub extern "C" fn rvf_report_ptr() -> u32 {
    state().report.as_ptr() as u32
}
