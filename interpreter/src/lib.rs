//! # rvf-interpreter: the sandbox (filled in by the runtime issue)
#![no_std]
