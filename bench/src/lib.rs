//! `rvf-bench`: every benchmark of rvf-boot, as a library the report
//! (`main.rs`) and the profiling example (`examples/profile.rs`) share.
//!
//! - [`workload`]: generated graphs, Poisson systems, vectors, the §1 queries;
//! - [`files`]: bench files packed with both kernels; §4's hole files;
//! - [`runner`]: queries through `rvf_host::Session`s (one per kernel
//!   variant) and natively;
//! - [`measure`]: timing, page faults, RSS, the machine;
//! - [`sections`]: one `measure` per report section, returning rows;
//! - [`render`]: the rows as the markdown report.

pub mod files;
pub mod measure;
pub mod render;
pub mod runner;
pub mod sections;
pub mod workload;
