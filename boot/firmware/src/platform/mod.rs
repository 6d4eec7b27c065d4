//! The two machines. Each provides `MACHINE`, the entry point (calling
//! `crate::start`), a fault handler (calling `crate::fault`), `semihost`
//! and `stack_pointer`.

#[cfg(target_arch = "arm")]
mod arm;
#[cfg(target_arch = "arm")]
pub use arm::*;

#[cfg(target_arch = "riscv32")]
mod riscv;
#[cfg(target_arch = "riscv32")]
pub use riscv::*;
