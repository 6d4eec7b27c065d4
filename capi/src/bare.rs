//! What a `no_std` staticlib needs from somewhere and a C firmware cannot
//! give in Rust: a global allocator and a panic handler. Built only
//! without `std` (with `std` the standard library brings both).
//!
//! - allocator: the C heap (`malloc` / `free` from the firmware's C
//!   library: newlib, picolibc, or the firmware's own), with over-aligned
//!   requests served by over-allocating;
//! - panic: `abort()` (no unwinding on bare metal; no panic is expected:
//!   every input is checked, and the loader and host never panic on a file).
//!
//! A Rust firmware does not use this crate: it depends on `rvf-host`
//! directly and brings its own allocator and handler (see boot/).

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;

unsafe extern "C" {
    fn malloc(size: usize) -> *mut c_void;
    fn free(ptr: *mut c_void);
    fn abort() -> !;
}

/// What `malloc` guarantees on every target (`alignof(max_align_t)` is at
/// least twice the pointer size on the ABIs rvf-boot builds for).
const MALLOC_ALIGN: usize = 2 * core::mem::size_of::<usize>();
const WORD: usize = core::mem::size_of::<usize>();

struct CHeap;

/// Whether `malloc` alone satisfies `layout` (as std's `System` decides).
fn plain(layout: &Layout) -> bool {
    layout.align() <= MALLOC_ALIGN && layout.align() <= layout.size()
}

unsafe impl GlobalAlloc for CHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain(&layout) {
            // SAFETY: plain C allocation of a nonzero size.
            return unsafe { malloc(layout.size()) }.cast();
        }
        // Over-allocate, align inside, and keep malloc's pointer in the
        // word just below the aligned block.
        let align = layout.align().max(WORD);
        let Some(total) = layout.size().checked_add(align + WORD) else {
            return core::ptr::null_mut();
        };
        // SAFETY: plain C allocation.
        let raw = unsafe { malloc(total) }.cast::<u8>();
        if raw.is_null() {
            return raw;
        }
        let start = raw as usize + WORD;
        let aligned = (start + align - 1) & !(align - 1);
        let p = aligned as *mut u8;
        // SAFETY: aligned - WORD >= raw, inside the block, word-aligned.
        unsafe { p.cast::<*mut u8>().sub(1).write(raw) };
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if plain(&layout) {
            // SAFETY: from `malloc` above.
            unsafe { free(ptr.cast()) };
        } else {
            // SAFETY: the word below holds malloc's pointer (see `alloc`).
            unsafe { free(ptr.cast::<*mut u8>().sub(1).read().cast()) };
        }
    }
}

#[global_allocator]
static HEAP: CHeap = CHeap;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // SAFETY: C's abort never returns.
    unsafe { abort() }
}
