//! The kernel's four `rvf` imports, forwarded to this module's own `rvf`
//! imports (the same names and types) with every kernel pointer translated
//! to an address in this module's memory: the host writes straight into the
//! kernel's memory (zero-copy), through its own `rvf` functions, unchanged.
//!
//! The host bounds-checks writes against *this module's* memory, which holds
//! the kernel's and much else, so every range is checked against the
//! kernel's memory here first: a range that does not lie in it is passed as
//! [`POISON`], an address no wasm32 memory contains, so the host refuses it
//! as a direct host refuses an out-of-bounds guest pointer, after the same
//! checks of the request, in the same order, with the same counters. The
//! kernel memory's address and size are read on every call (`memory.grow`
//! moves it), never kept.

use interpreter::limits::Limiter;
use interpreter::run::Imports;
use interpreter::wasmi::{Caller, Linker, Memory};

/// The address a kernel range outside the kernel's memory is passed as.
const POISON: u32 = u32::MAX;

#[link(wasm_import_module = "rvf")]
extern "C" {
    #[link_name = "info"]
    fn host_info(key: u32) -> i64;
    #[link_name = "read"]
    fn host_read(array: u32, offset: u64, len: u32, dst: u32) -> i32;
    #[link_name = "row"]
    fn host_row(set: u32, u: u32, cols: u32, vals: u32, cap: u32) -> i64;
    #[link_name = "degrees"]
    fn host_degrees(set: u32, ids: u32, n: u32, out: u32) -> i32;
}

/// The store data of a kernel run inside the module.
pub struct Forward {
    limiter: Limiter,
    memory: Option<Memory>,
}

impl Forward {
    pub fn new(limiter: Limiter) -> Forward {
        Forward {
            limiter,
            memory: None,
        }
    }
}

impl Imports for Forward {
    fn limiter(&mut self) -> &mut Limiter {
        &mut self.limiter
    }
    fn set_memory(&mut self, memory: Memory) {
        self.memory = Some(memory);
    }
    fn define(linker: &mut Linker<Self>) -> Result<(), interpreter::wasmi::Error> {
        define(linker)
    }
}

/// The kernel memory's current address in this module and its size (no
/// memory: every range is outside).
fn kernel_memory(caller: &Caller<'_, Forward>) -> (u64, u64) {
    match caller.data().memory {
        Some(m) => (
            m.data_ptr(caller) as usize as u64,
            m.data_size(caller) as u64,
        ),
        None => (0, 0),
    }
}

/// The address of kernel range `[at, at + len)`, or `POISON`.
fn translate((base, size): (u64, u64), at: u32, len: u64) -> u32 {
    match (at as u64).checked_add(len) {
        Some(end) if end <= size => (base + at as u64) as u32,
        _ => POISON,
    }
}

fn define(linker: &mut Linker<Forward>) -> Result<(), interpreter::wasmi::Error> {
    linker.func_wrap("rvf", "info", |_: Caller<'_, Forward>, key: u32| -> i64 {
        // SAFETY: a call of the host's import; no pointers.
        unsafe { host_info(key) }
    })?;
    linker.func_wrap(
        "rvf",
        "read",
        |caller: Caller<'_, Forward>, array: u32, off: u64, len: u32, dst: u32| -> i32 {
            let to = translate(kernel_memory(&caller), dst, len as u64);
            // SAFETY: `to` is POISON or a range inside the kernel's memory,
            // to which no Rust reference is live during the call.
            unsafe { host_read(array, off, len, to) }
        },
    )?;
    linker.func_wrap(
        "rvf",
        "row",
        |caller: Caller<'_, Forward>, set: u32, u: u32, cols: u32, vals: u32, cap: u32| -> i64 {
            // The host writes n ≤ cap' entries, cap' being cap clamped to the
            // room behind each pointer, so its writes stay in the kernel's
            // memory. A direct host writes n ≤ cap entries or, when they do
            // not fit, refuses (HOST_READ): n in (cap', cap] is that refusal.
            let (base, size) = kernel_memory(&caller);
            let room = |at: u32, width: u64| size.checked_sub(at as u64).map(|r| r / width);
            let (cr, vr) = (room(cols, 4), if vals == 0 { None } else { room(vals, 8) });
            let cap2 = (cap as u64)
                .min(cr.unwrap_or(u64::MAX))
                .min(vr.unwrap_or(u64::MAX)) as u32;
            let cp = if cr.is_some() {
                (base + cols as u64) as u32
            } else {
                POISON
            };
            let vp = match (vals, vr) {
                (0, _) => 0,
                (_, Some(_)) => (base + vals as u64) as u32,
                (_, None) => POISON,
            };
            // SAFETY: see `read`; at most cap2 entries land at cp and vp.
            let n = unsafe { host_row(set, u, cp, vp, cap2) };
            if n >= 0 && n <= cap as i64 && n > cap2 as i64 {
                // A direct host would have tried to write the row and failed
                // (after the columns, when only the values do not fit): ask
                // again with the ranges that do not fit refused, so the same
                // bytes land and the same counters move (the host counts one
                // call more).
                let cols_fit = cr.is_some_and(|r| n as u64 <= r);
                let cp = if cols_fit { cp } else { POISON };
                let vp = if vals == 0 { 0 } else { POISON };
                // SAFETY: n columns fit behind cp, or cp is POISON.
                return unsafe { host_row(set, u, cp, vp, n as u32) };
            }
            n
        },
    )?;
    linker.func_wrap(
        "rvf",
        "degrees",
        |caller: Caller<'_, Forward>, set: u32, ids: u32, n: u32, out: u32| -> i32 {
            let km = kernel_memory(&caller);
            let len = n as u64 * 4;
            let (ip, op) = (translate(km, ids, len), translate(km, out, len));
            // SAFETY: see `read` (the host checks `n` first, as directly).
            unsafe { host_degrees(set, ip, n, op) }
        },
    )?;
    Ok(())
}
