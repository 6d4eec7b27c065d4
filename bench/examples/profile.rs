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
use loader::runtime::abi::{self, Params};
use loader::runtime::RunOutput;
use rvf_bench::{graph, graph_query, native_source, pack, poisson_system, with_file, ALL, NO_SIMD};
use rvf_pack::writer::SegmentSpec;
use std::time::Instant;

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

fn main() {
    let a = Args::parse();
    let (method, flags) = match a.method.as_str() {
        "ppr-forward" => (abi::method::PPR_FORWARD, 0),
        "ppr-backward" => (abi::method::PPR_BACKWARD, 0),
        "walk-estimate" => (abi::method::WALK_ESTIMATE, 0),
        "cg" => (abi::method::CG, 0),
        "pcg" => (abi::method::CG, abi::FLAG_PRECONDITION),
        "jacobi" => (abi::method::JACOBI, 0),
        m => {
            eprintln!("profile: unknown method '{m}' (see --help)");
            std::process::exit(2);
        }
    };
    let global = matches!(method, abi::method::CG | abi::method::JACOBI);
    let (payload, n) = if global {
        let m = (a.n as f64).sqrt() as usize;
        let (system, b) = poisson_system(m);
        (system.encode_segment(Some(&b), false).unwrap(), m * m)
    } else {
        (graph(a.n, 5, 42).encode_segment(None, true).unwrap(), a.n)
    };
    let mut s = 7u64;
    let queries: Vec<Params> = (0..a.reps)
        .map(|_| Params {
            flags,
            epsilon: a.eps,
            num_walks: a.walks,
            tol: 1e-8,
            max_iter: a.max_iter,
            ..graph_query(method, n, &mut s)
        })
        .collect();

    let mut digests = Vec::new();
    let mut fold = |out: &[u8], estimate: f64| {
        digests.extend_from_slice(&loader::hash::shake256::<8>(out));
        digests.extend_from_slice(&estimate.to_le_bytes());
    };
    let (t, fuel, work) = if a.native {
        let mut work = 0;
        let src = native_source(&payload);
        let t = Instant::now();
        for p in &queries {
            let out = microkernel::run(p, &[], &mut src.clone());
            work += out.report.work;
            fold(&out.output, out.report.estimate);
        }
        (t.elapsed(), 0, work)
    } else {
        let dir = tempfile::tempdir_in("target").unwrap();
        let path = pack(
            dir.path(),
            "profile.rvf",
            vec![SegmentSpec {
                seg_type: 0x24,
                payload: payload.into(),
            }],
        );
        with_file(&path, |o| {
            let host = if a.baseline { NO_SIMD } else { ALL };
            // The first query also hashes the data segment; keep it out.
            let _ = o.run(host, &queries[0], &[]);
            let (mut fuel, mut work) = (0, 0);
            let t = Instant::now();
            for p in &queries {
                let out: RunOutput = o.run(host, p, &[]);
                fuel += out.fuel_used;
                work += out.report.work;
                fold(&out.output, out.report.estimate);
            }
            (t.elapsed(), fuel, work)
        })
    };
    let reps = a.reps.max(1) as u64;
    let digest: [u8; 8] = loader::hash::shake256(&digests);
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
        t.as_secs_f64() * 1e3 / reps as f64,
        fuel / reps,
        work / reps,
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
}
