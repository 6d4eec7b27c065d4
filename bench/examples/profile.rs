//! Profile one method on a generated workload, for kernel work (the report
//! is `rvf-bench` itself). Run from the repository root:
//!
//!   cargo run --release -p rvf-bench --example profile -- ppr-forward --n 10000
//!   cargo run --release -p rvf-bench --example profile -- cg --n 99856 --reps 3
//!   cargo run --release -p rvf-bench --example profile -- cg --max-iter 0
//!   cargo run --release -p rvf-bench --example profile -- ppr-forward --native
//!
//! Graph methods use §1's random digraph (5 out-links, with its transpose)
//! and sources drawn as there; cg / pcg / jacobi use §2's Poisson + I system
//! (n rounded down to a square). Prints ms per query, fuel per query (wasmi),
//! work per query, and a digest of every output and report estimate: a
//! kernel change meant to keep results must keep the digest.
//! Compare two kernel builds by swapping `microkernel/dist/` between runs.

use clap::Parser;
use rvf_bench::files::pack_sparse;
use rvf_bench::runner::{with_file, InMemory, Variant};
use rvf_bench::workload::{graph, graph_request, poisson_system};
use rvf_host::{MatrixChoice, Request};
use rvf_spec::abi::{Method, Report};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// ppr-forward, ppr-backward, walk-estimate, cg, pcg (Jacobi-preconditioned) or jacobi
    method: String,
    /// Nodes (graphs) or unknowns (Poisson: the largest square ≤ n)
    #[arg(long, default_value_t = 10_000)]
    n: usize,
    /// Queries (graph methods) or solves
    #[arg(long, default_value_t = 200)]
    reps: usize,
    /// Push threshold ε
    #[arg(long, default_value_t = 1e-4)]
    eps: f64,
    /// Walks per walk estimate
    #[arg(long, default_value_t = 2000)]
    walks: u32,
    /// Iteration cap of cg / pcg / jacobi (0 times their set-up alone:
    /// copy-in, checks and the final residual)
    #[arg(long, default_value_t = 10_000)]
    max_iter: u32,
    /// Run the baseline variant instead of the SIMD one
    #[arg(long)]
    baseline: bool,
    /// Run the same kernel compiled for this host instead of in wasmi
    #[arg(long)]
    native: bool,
}

/// What the timed queries add up to.
#[derive(Default)]
struct Totals {
    time: Duration,
    fuel: u64,
    work: u64,
    /// Per query: 8 bytes of SHAKE-256 of the output, the estimate's bytes.
    digests: Vec<u8>,
}

impl Totals {
    fn add(&mut self, output: &[u8], report: &Report, fuel: u64) {
        self.fuel += fuel;
        self.work += report.work;
        self.digests
            .extend_from_slice(&loader::hash::shake256::<8>(output));
        self.digests
            .extend_from_slice(&report.estimate.to_le_bytes());
    }
}

fn main() {
    let a = Args::parse();
    let (method, precondition) = match a.method.as_str() {
        "pcg" => (Method::Cg, true),
        m => match Method::from_name(m) {
            Some(m) if m != Method::Knn => (m, false),
            _ => {
                eprintln!("profile: unknown method '{m}' (see --help)");
                std::process::exit(2);
            }
        },
    };
    let global = matches!(method, Method::Cg | Method::Jacobi);
    let (payload, n) = if global {
        let m = (a.n as f64).sqrt() as usize;
        let (system, b) = poisson_system(m);
        (system.encode_segment(Some(&b), false).unwrap(), m * m)
    } else {
        (graph(a.n, 5, 42).encode_segment(None, true).unwrap(), a.n)
    };
    let mut s = 7u64;
    let queries: Vec<Request> = (0..a.reps)
        .map(|_| Request {
            precondition,
            epsilon: a.eps,
            walks: a.walks,
            tol: 1e-8,
            max_iter: a.max_iter,
            ..graph_request(method, n, &mut s)
        })
        .collect();
    let dir = tempfile::tempdir_in("target").unwrap();
    let path = pack_sparse(dir.path(), "profile.rvf", payload);

    let mut totals = Totals::default();
    if a.native {
        let memory = InMemory::read(&path);
        let native = memory.native(MatrixChoice::Only);
        let t = Instant::now();
        for q in &queries {
            let out = native.run(q);
            totals.add(&out.output, &out.report, 0);
        }
        totals.time = t.elapsed();
    } else {
        let variant = if a.baseline {
            Variant::Baseline
        } else {
            Variant::Simd
        };
        with_file(&path, |o| {
            // The first query also hashes the data segment; keep it out.
            o.run(variant, &queries[0]);
            let t = Instant::now();
            for q in &queries {
                let out = o.run(variant, q);
                totals.add(&out.output, &out.report, out.fuel_used);
            }
            totals.time = t.elapsed();
        });
    }
    let reps = a.reps.max(1) as u64;
    let digest: [u8; 8] = loader::hash::shake256(&totals.digests);
    println!(
        "{} n={n} {}: {:.3} ms/query, fuel/query {}, work/query {}, digest {}",
        a.method,
        if a.native {
            "native"
        } else if a.baseline {
            "wasmi baseline"
        } else {
            "wasmi SIMD"
        },
        totals.time.as_secs_f64() * 1e3 / reps as f64,
        totals.fuel / reps,
        totals.work / reps,
        rvf_spec::hex::encode(&digest)
    );
}
