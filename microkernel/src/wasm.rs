//! The WebAssembly face of the kernel (compiled only for wasm32): the
//! exports and imports of ABI v1, a bump allocator over linear memory and
//! the panic handler (abort = `unreachable`).
//!
//! Exports: `rvf_abi_version`, `rvf_capabilities`, `rvf_alloc`,
//! `rvf_set_params`, `rvf_run`, `rvf_result_ptr`, `rvf_result_len`,
//! `rvf_report_ptr`, and `memory`. Imports: module `rvf`, functions
//! `info`, `read`, `row`, `degrees` (see docs/ABI.md).

use crate::run::run;
use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use rvf_spec::abi::{self, status, Params, Report, PARAMS_LEN, REPORT_LEN};
use rvf_spec::source::DataSource;

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

/// The host imports as a `DataSource`.
struct Imports;

/// A host's refusal as the kernel reports it: corrupt data stays BAD_DATA
/// (so the words name the data, not an I/O fault); anything else is a
/// refused read.
fn host_code(r: i64) -> i32 {
    if r == status::BAD_DATA as i64 {
        status::BAD_DATA
    } else {
        status::HOST_READ
    }
}

impl DataSource for Imports {
    fn info(&mut self, key: u32) -> i64 {
        // SAFETY: a plain call into the host; no pointers.
        unsafe { host_info(key) }
    }
    fn read(&mut self, array: u32, off: u64, dst: &mut [u8]) -> Result<(), i32> {
        // SAFETY: dst is a live guest buffer of the given length.
        let r = unsafe { host_read(array, off, dst.len() as u32, dst.as_mut_ptr() as u32) };
        if r == 0 {
            Ok(())
        } else {
            Err(host_code(r as i64))
        }
    }
    fn row(
        &mut self,
        set: u32,
        u: u32,
        cols: &mut [u32],
        vals: Option<&mut [f64]>,
    ) -> Result<usize, i32> {
        let cap = match &vals {
            Some(v) => cols.len().min(v.len()),
            None => cols.len(),
        };
        let vp = vals.map_or(0, |v| v.as_mut_ptr() as u32);
        // SAFETY: cols/vals are live guest buffers of at least `cap` elements.
        let r = unsafe { host_row(set, u, cols.as_mut_ptr() as u32, vp, cap as u32) };
        if r < 0 {
            Err(host_code(r))
        } else {
            Ok(r as usize)
        }
    }
    fn degrees(&mut self, set: u32, ids: &[u32], out: &mut [u32]) -> Result<(), i32> {
        if ids.len() != out.len() {
            return Err(status::BAD_PARAMS);
        }
        // SAFETY: both buffers are live and `ids.len()` long.
        let r = unsafe {
            host_degrees(
                set,
                ids.as_ptr() as u32,
                ids.len() as u32,
                out.as_mut_ptr() as u32,
            )
        };
        if r == 0 {
            Ok(())
        } else {
            Err(host_code(r as i64))
        }
    }
}

/// Single-threaded global state (wasm32 without threads).
struct State {
    params: Option<Params>,
    output: Vec<u8>,
    report: [u8; REPORT_LEN],
}
struct Global(UnsafeCell<State>);
// SAFETY: wasm32 modules built here have no threads.
unsafe impl Sync for Global {}
static STATE: Global = Global(UnsafeCell::new(State {
    params: None,
    output: Vec::new(),
    report: [0; REPORT_LEN],
}));

fn state() -> &'static mut State {
    // SAFETY: single-threaded; exports do not re-enter each other.
    unsafe { &mut *STATE.0.get() }
}

#[no_mangle]
pub extern "C" fn rvf_abi_version() -> u32 {
    abi::ABI_VERSION
}

#[no_mangle]
pub extern "C" fn rvf_capabilities() -> u32 {
    let methods = abi::method::ALL
        .iter()
        .fold(0u32, |acc, m| acc | 1 << (m - 1));
    if cfg!(target_feature = "simd128") {
        methods | abi::CAP_SIMD
    } else {
        methods
    }
}

/// Allocate `bytes` (8-byte aligned) for the host to write into; 0 on failure.
#[no_mangle]
pub extern "C" fn rvf_alloc(bytes: u32) -> u32 {
    match Layout::from_size_align(bytes.max(1) as usize, 8) {
        // SAFETY: a valid non-zero layout.
        Ok(l) => unsafe { alloc::alloc::alloc(l) as u32 },
        Err(_) => 0,
    }
}

/// Decode parameters from guest memory at `ptr`.
#[no_mangle]
pub extern "C" fn rvf_set_params(ptr: u32, len: u32) -> i32 {
    if len as usize != PARAMS_LEN || ptr == 0 {
        return status::BAD_PARAMS;
    }
    // SAFETY: the host wrote PARAMS_LEN bytes at ptr (inside linear memory).
    let b = unsafe { core::slice::from_raw_parts(ptr as *const u8, PARAMS_LEN) };
    match Params::decode(b) {
        Some(p) => {
            state().params = Some(p);
            status::OK
        }
        None => status::BAD_PARAMS,
    }
}

/// Run the configured method; returns its status.
#[no_mangle]
pub extern "C" fn rvf_run() -> i32 {
    let st = state();
    let Some(p) = st.params else {
        st.report = Report {
            status: status::NOT_RUN,
            ..Default::default()
        }
        .encode();
        return status::NOT_RUN;
    };
    let input: &[u8] = if p.input_len == 0 {
        &[]
    } else {
        // SAFETY: the host wrote input_len bytes at input_ptr via rvf_alloc.
        unsafe { core::slice::from_raw_parts(p.input_ptr as *const u8, p.input_len as usize) }
    };
    let out = run(&p, input, &mut Imports);
    st.report = out.report.encode();
    st.output = out.output;
    out.report.status
}

#[no_mangle]
pub extern "C" fn rvf_result_ptr() -> u32 {
    state().output.as_ptr() as u32
}

#[no_mangle]
pub extern "C" fn rvf_result_len() -> u32 {
    state().output.len() as u32
}

#[no_mangle]
pub extern "C" fn rvf_report_ptr() -> u32 {
    state().report.as_ptr() as u32
}

// ---- allocator -------------------------------------------------------------

/// Bump allocator over linear memory: grows memory on demand; frees or
/// extends in place only the most recent block. A run is short-lived (one
/// instance per run), so this is all the kernel needs.
///
/// `fresh` is the high-water mark of memory ever handed out: everything
/// above it is still as instantiation or `memory.grow` left it, zero (the
/// stack and static data lie below `__heap_base`), so `alloc_zeroed` only
/// clears the part of a block below the mark. Zero-initialised tables
/// (the push node map) then cost nothing to create.
struct Bump {
    next: UnsafeCell<usize>,
    fresh: UnsafeCell<usize>,
}
// SAFETY: single-threaded wasm32.
unsafe impl Sync for Bump {}

#[global_allocator]
static ALLOC: Bump = Bump {
    next: UnsafeCell::new(0),
    fresh: UnsafeCell::new(0),
};

extern "C" {
    static __heap_base: u8;
}

impl Bump {
    /// Make sure memory reaches `end`; false if the host refuses growth.
    fn reserve(end: usize) -> bool {
        let have = wasm32::memory_size(0) * 65536;
        if end <= have {
            return true;
        }
        let pages = (end - have).div_ceil(65536);
        wasm32::memory_grow(0, pages) != usize::MAX
    }

    /// Hand out memory up to `end` (already reserved).
    unsafe fn set_next(&self, end: usize) {
        *self.next.get() = end;
        let fresh = &mut *self.fresh.get();
        *fresh = (*fresh).max(end);
    }
}

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let next = &mut *self.next.get();
        if *next == 0 {
            *next = &__heap_base as *const u8 as usize;
        }
        let start = match next.checked_add(l.align() - 1) {
            Some(s) => s & !(l.align() - 1),
            None => return core::ptr::null_mut(),
        };
        let Some(end) = start.checked_add(l.size()) else {
            return core::ptr::null_mut();
        };
        if !Self::reserve(end) {
            return core::ptr::null_mut();
        }
        self.set_next(end);
        start as *mut u8
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let fresh = *self.fresh.get();
        let p = self.alloc(l);
        if !p.is_null() && (p as usize) < fresh {
            let used = (fresh - p as usize).min(l.size());
            core::ptr::write_bytes(p, 0, used);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, l: Layout) {
        let next = &mut *self.next.get();
        if ptr as usize + l.size() == *next {
            *next = ptr as usize;
        }
    }
    unsafe fn realloc(&self, ptr: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        let next = *self.next.get();
        if ptr as usize + l.size() == next {
            let Some(end) = (ptr as usize).checked_add(new_size) else {
                return core::ptr::null_mut();
            };
            if Self::reserve(end) {
                self.set_next(end);
                return ptr;
            }
            return core::ptr::null_mut();
        }
        let new = self.alloc(Layout::from_size_align_unchecked(new_size, l.align()));
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, l.size().min(new_size));
        }
        new
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    wasm32::unreachable()
}
