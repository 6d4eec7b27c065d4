//! # rvf-microkernel: the sublinear-time solver family
//!
//! One `no_std` source built three ways: natively (an rlib, for parity tests
//! and as the speed limit), as **baseline** wasm (`wasm32v1-none`, no
//! post-MVP features) and as **SIMD** wasm (`+simd128` on the dense
//! kernels). `./microkernel/build.sh` builds both modules into
//! `microkernel/dist/`; the ABI is in `docs/ABI.md`.
//!
//! Methods: conjugate gradient ([`cg`]), Jacobi/Neumann with a rigorous
//! dominance check ([`jacobi`]), forward and backward push ([`push`]),
//! Monte Carlo walk estimates ([`walk`]) and exact k-NN ([`knn`]).
//!
//! No clock, no OS randomness (seeds are parameters), fixed summation
//! order, NaN/inf inputs rejected, NaNs canonicalized on output, budgets are
//! counts. The kernel reads data only through `rvf_spec::source::DataSource`
//! (the four `rvf` imports); the ABI it speaks is `rvf_spec::abi`. No host
//! code lives here.

#![cfg_attr(not(test), no_std)]
// `!(x > 0.0)` is deliberate throughout: it is also true for NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::nonminimal_bool)]

extern crate alloc;

pub mod cg;
pub mod csr;
pub mod jacobi;
pub mod knn;
pub mod linalg;
pub mod nodemap;
pub mod push;
pub mod radix;
pub mod rng;
pub mod run;
pub mod walk;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use run::{run, Outcome};
