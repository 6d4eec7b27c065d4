//! # The bootstrap modules: rvf-boot's sandbox inside WebAssembly
//!
//! rvf-interpreter (wasmi 2.0.0, configured as the host configures it)
//! compiled to wasm32, so that an `.rvf` file can carry the interpreter its
//! solver runs in. A host engine (native wasmi, V8, ...) runs the module;
//! the module admits a solver kernel and runs the solver ABI on it with the
//! sandbox's own code (`Sandbox::admit_with`, `Admitted::run_with`): the
//! same checks, limits and errors as a direct run. Only how the kernel's
//! `rvf` imports are served is this crate's own (`forward`). Two builds:
//!
//! - the **interpreter module** (default; `interp`): the host hands it a
//!   kernel and drives it through the interpreter ABI (`rvf_spec::interp`,
//!   docs/ABI.md "Interpreter ABI"), so the same kernel fuel as a direct
//!   run;
//! - the **Combined module** (feature `combined`; `combined`): the baseline
//!   kernel built in, and the solver ABI outside, so a host runs it as it
//!   runs a kernel (docs/ABI.md "Combined module").
//!
//! One global state on one thread; the host never calls in again from an
//! import (the imports are the host's own functions).

#![no_std]

extern crate alloc;

#[cfg(feature = "combined")]
mod combined;
mod forward;
#[cfg(not(feature = "combined"))]
mod interp;

#[global_allocator]
static ALLOC: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
