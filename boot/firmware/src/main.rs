//! rvf-boot on bare metal: open an `.rvf` file, select and verify its
//! solver for this build's host features (no SIMD), run a method in the
//! wasmi sandbox — all through `rvf_host::Session` — and print the same
//! status words, `output digest` and `fuel` as `rvf-pack run`, plus the
//! RAM the job took. Runs under QEMU on `mps2-an386` (Cortex-M4F) and
//! `virt` (RV32IMAC); see ../README.md.

#![no_std]
#![no_main]

extern crate alloc;

#[macro_use]
mod semihost;
mod args;
mod breakdown;
mod heap;
mod job;
mod platform;
mod ram;

use alloc::vec::Vec;
use rvf_spec::exit::Exit;

/// Exit codes of the firmware itself (the others are `rvf-pack run`'s).
pub const EXIT_FAULT: u32 = 70;
pub const EXIT_PANIC: u32 = 101;

/// Called by the platform's entry point.
pub fn start() -> ! {
    heap::init();
    let mut buf = [0u8; 1024];
    let line = semihost::cmdline(&mut buf);
    // QEMU passes the kernel's path first, then `-append`'s words.
    let words: Vec<&str> = line.split_ascii_whitespace().skip(1).collect();
    banner();
    let jobs = match args::parse(&words) {
        Ok(j) => j,
        Err(e) => {
            println!("rvf-firmware: {e}");
            println!("{}", args::USAGE);
            semihost::exit(Exit::Usage.code().into());
        }
    };
    let mut code = Exit::Ok;
    for (i, job) in jobs.iter().enumerate() {
        code = job::run(i + 1, job);
        if heap::stack_used().1 {
            println!("rvf-firmware: the stack ran into the heap; stopping");
            semihost::exit(EXIT_FAULT);
        }
    }
    semihost::exit(code.code().into())
}

fn banner() {
    let l = heap::layout();
    println!(
        "rvf-firmware: {} | wasmi {} {} dispatch | opt-level {}",
        platform::MACHINE,
        rvf_host::engine::VERSION,
        DISPATCH,
        env!("FW_OPT_LEVEL")
    );
    println!(
        "  ram {} B: static {} B, heap {} B, stack {} B",
        l.ram,
        l.static_bytes,
        l.heap_size,
        l.stack_top - l.stack_bottom
    );
}

/// wasmi's dispatch in this build (auto-dispatch picks tail calls on arm
/// in optimised builds; riscv32 is always portable, see Cargo.toml).
const DISPATCH: &str = match (
    cfg!(any(feature = "portable-dispatch", target_arch = "riscv32")),
    cfg!(feature = "indirect-dispatch"),
) {
    (true, false) => "portable (loop)",
    (true, true) => "portable (loop), indirect",
    (false, false) => "tail-call",
    (false, true) => "tail-call, indirect",
};

/// Called by the platform's fault handlers.
pub fn fault(what: &str, pc: usize, cause: usize) -> ! {
    println!("rvf-firmware: FAULT {what} pc={pc:#010x} cause={cause:#x}");
    semihost::exit(EXIT_FAULT)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    println!("rvf-firmware: PANIC {info}");
    semihost::exit(EXIT_PANIC)
}
