//! Cortex-M4F on QEMU `mps2-an386`: entry, fault handler, semihosting trap.
//! cortex-m-rt enables the FPU before `main` on eabihf targets.

use cortex_m_rt::{entry, exception, ExceptionFrame};

pub const MACHINE: &str = "arm mps2-an386 (Cortex-M4F, thumbv7em-none-eabihf)";

#[entry]
fn main() -> ! {
    crate::start()
}

#[exception]
unsafe fn HardFault(ef: &ExceptionFrame) -> ! {
    crate::fault("HardFault", ef.pc() as usize, 0)
}

#[exception]
unsafe fn DefaultHandler(irqn: i16) {
    crate::fault("unexpected exception", 0, irqn as usize)
}

/// One semihosting call (`bkpt 0xab`).
#[inline(always)]
pub fn semihost(op: usize, arg: usize) -> usize {
    // SAFETY: the callers in `semihost` pass valid argument blocks.
    unsafe { cortex_m_semihosting::syscall1(op, arg) }
}

#[inline(always)]
pub fn stack_pointer() -> usize {
    cortex_m::register::msp::read() as usize
}
