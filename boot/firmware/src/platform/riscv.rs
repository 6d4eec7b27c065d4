//! RV32IMAC on QEMU `virt` with `-bios none` (machine mode from reset):
//! entry, trap handler, semihosting trap.

pub const MACHINE: &str = "riscv32 virt (rv32imac, riscv32imac-unknown-none-elf)";

#[riscv_rt::entry]
fn main() -> ! {
    crate::start()
}

/// Every exception (no interrupts are enabled) ends the run with its cause.
#[export_name = "ExceptionHandler"]
fn exception_handler(_frame: &riscv_rt::TrapFrame) -> ! {
    let cause = riscv::register::mcause::read().bits();
    let pc = riscv::register::mepc::read();
    crate::fault("exception", pc, cause)
}

/// One semihosting call (the `slli; ebreak; srai` sequence).
#[inline(always)]
pub fn semihost(op: usize, arg: usize) -> usize {
    // SAFETY: the callers in `semihost` pass valid argument blocks.
    unsafe { riscv_semihosting::syscall1(op, arg) }
}

#[inline(always)]
pub fn stack_pointer() -> usize {
    let sp: usize;
    // SAFETY: reads a register.
    unsafe { core::arch::asm!("mv {}, sp", out(reg) sp) };
    sp
}
