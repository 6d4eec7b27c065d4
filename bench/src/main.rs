//! `rvf-bench`: every benchmark of rvf-boot in one command; writes
//! docs/BENCHMARKS.md. Numbers are ratios measured side by side in one run
//! on this machine; nothing here is asserted as an absolute time.
//!
//!   cargo run --release -p rvf-bench              # full run (< 15 min)
//!   cargo run --release -p rvf-bench -- --quick   # smallest sizes (CI)
//!
//! For kernel work, `examples/profile.rs` times one method on the same
//! workloads and prints a digest of its outputs (see its header). The
//! history of changes made against these benchmarks is
//! docs/BENCHMARKS-HISTORY.md.
//!
//! The external baselines (scipy, pyamg: `bench/external.py`) run in a venv
//! made under target/bench-venv on first use; if python3 or PyPI is not
//! available the report says so and the rest runs; `--no-external` skips
//! them.

use clap::Parser;
use rvf_bench::measure::Machine;
use rvf_bench::render::{render, Report};
use rvf_bench::sections::{
    bootstrap, external, local_vs_full, open_select, overhead, packing, sublinear, Ctx,
};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
struct Args {
    /// Smallest sizes only (so every benchmark runs in CI and cannot rot)
    #[arg(long)]
    quick: bool,
    /// Skip the external baselines (scipy, pyamg in a venv under target/)
    #[arg(long)]
    no_external: bool,
    /// Where to write the report
    #[arg(long, default_value = "docs/BENCHMARKS.md")]
    out: PathBuf,
}

fn main() {
    let a = Args::parse();
    let started = Instant::now();
    let dir = tempfile::tempdir_in("target").expect("a temporary folder under target/");
    let ctx = Ctx {
        quick: a.quick,
        no_external: a.no_external,
        dir: dir.path(),
    };
    let machine = Machine::this();
    let sublinear = sublinear::measure(&ctx);
    let overhead = overhead::measure(&ctx);
    let external = external::measure(&ctx, &overhead.cg);
    let open_select = open_select::measure(&ctx);
    let packing = packing::measure(&ctx);
    let local_vs_full = local_vs_full::measure(&ctx);
    let bootstrap = bootstrap::measure(&ctx);
    let md = render(&Report {
        quick: a.quick,
        machine,
        sublinear,
        overhead,
        external,
        open_select,
        packing,
        local_vs_full,
        bootstrap,
        total: started.elapsed(),
    });
    std::fs::write(&a.out, &md).expect("write the report");
    println!("{md}");
}
