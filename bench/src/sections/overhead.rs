//! §2. Interpreter overhead: the same kernel source natively and in wasmi
//! (baseline and SIMD variants): CG on 2-D Poisson + I, and exact top-k.

use super::{Ctx, Goal};
use crate::files::{pack, pack_sparse};
use crate::measure::{ms, time};
use crate::runner::{with_file, InMemory, Variant};
use crate::workload::{poisson_system, uniform_f32};
use rvf_host::{MatrixChoice, Query, Request};
use rvf_spec::abi::Method;
use rvf_spec::format::seg;
use std::time::Duration;

/// Grid sides of the CG systems (n = m²).
const GRIDS: &[usize] = &[100, 316, 1000];
const QUICK_GRIDS: &[usize] = &[100];
/// Top-k: (vectors, dimension) and k.
const VECTORS: (usize, usize) = (100_000, 128);
const QUICK_VECTORS: (usize, usize) = (10_000, 128);
pub const K: u32 = 10;

/// CG at one size: medians.
#[derive(Clone, Debug)]
pub struct CgRow {
    /// Grid side: the system is `poisson_system(m)`.
    pub m: usize,
    pub n: usize,
    pub native: Duration,
    pub baseline: Duration,
    pub simd: Duration,
    pub iterations: u64,
}

/// Exact top-`K` (L2): medians, and the first query on an open file.
#[derive(Clone, Debug)]
pub struct TopK {
    pub count: usize,
    pub dim: usize,
    /// The VEC segment's payload length.
    pub segment_bytes: usize,
    pub native: Duration,
    pub baseline: Duration,
    pub simd: Duration,
    /// The first SIMD query on the open file (it also hashes the vectors).
    pub first: Duration,
}

#[derive(Clone, Debug)]
pub struct Overhead {
    pub cg: Vec<CgRow>,
    pub topk: TopK,
}

impl Overhead {
    /// CG in wasmi (SIMD) ≤ 10x native; the SIMD variant ≥ 2.5x baseline on top-k.
    pub fn goals(&self) -> Vec<Goal> {
        let ratios: Vec<(usize, f64)> = self
            .cg
            .iter()
            .map(|r| (r.n, ms(r.simd) / ms(r.native)))
            .collect();
        let at: Vec<String> = ratios
            .iter()
            .map(|(n, r)| format!("{r:.1}x at n = {n}"))
            .collect();
        let gain = self.topk.simd_gain();
        vec![
            Goal::new(
                "CG in wasmi (SIMD) ≤ 10x native",
                at.join(", "),
                ratios.iter().all(|&(_, r)| r <= 10.0),
            ),
            Goal::new(
                "SIMD variant ≥ 2.5x baseline (top-k)",
                format!("{gain:.2}x"),
                gain >= 2.5,
            ),
        ]
    }
}

impl TopK {
    pub fn simd_gain(&self) -> f64 {
        ms(self.baseline) / ms(self.simd)
    }
}

pub fn measure(ctx: &Ctx) -> Overhead {
    Overhead {
        cg: ctx
            .pick(QUICK_GRIDS, GRIDS)
            .iter()
            .map(|&m| measure_cg(ctx, m))
            .collect(),
        topk: measure_topk(ctx),
    }
}

/// CG to 1e-8, including copy-in; every output equal to native bit for bit.
fn measure_cg(ctx: &Ctx, m: usize) -> CgRow {
    let (system, b) = poisson_system(m);
    let n = m * m;
    let payload = system.encode_segment(Some(&b), false).expect("encode");
    let path = pack_sparse(ctx.dir, &format!("p{m}.rvf"), payload);
    let req = Request {
        tol: 1e-8,
        ..Request::new(Method::Cg)
    };
    let reps = if n >= 1_000_000 { 3 } else { 5 };
    let memory = InMemory::read(&path);
    let native = memory.native(MatrixChoice::Only);
    let (nat, nout) = time(reps, || native.run(&req));
    let ((base, bout), (simd, sout)) = with_file(&path, |o| {
        // The baseline series' first run checks the data's hash.
        o.verify_data_now(Variant::Simd, MatrixChoice::Only);
        (
            time(reps, || o.run(Variant::Baseline, &req)),
            time(reps, || o.run(Variant::Simd, &req)),
        )
    });
    assert_eq!(
        bout.output, nout.output,
        "baseline equals native bit for bit"
    );
    assert_eq!(sout.output, nout.output, "SIMD equals native bit for bit");
    CgRow {
        m,
        n,
        native: nat.median,
        baseline: base.median,
        simd: simd.median,
        iterations: nout.report.iterations,
    }
}

/// Exact top-`K` over random vectors; the query is the first vector.
fn measure_topk(ctx: &Ctx) -> TopK {
    let (count, dim) = ctx.pick(QUICK_VECTORS, VECTORS);
    let vecs = rvf_pack::inputs::Vectors {
        dim,
        data: uniform_f32(count * dim, 5),
    };
    let payload = rvf_pack::payload::vec_payload(&vecs, 0).expect("encode");
    let segment_bytes = payload.len();
    let path = pack(ctx.dir, "v.rvf", seg::VEC, payload);
    let req = Request {
        k: K,
        query: Query::Values(vecs.data[..dim].to_vec()),
        ..Request::new(Method::Knn)
    };
    let memory = InMemory::read(&path);
    let native = memory.native(MatrixChoice::None);
    let (nat, nout) = time(5, || native.run(&req));
    let ((first, _), (base, bout), (simd, sout)) = with_file(&path, |o| {
        o.verify_data_now(Variant::Baseline, MatrixChoice::None);
        (
            // The first query on an open file also hashes the vector segment.
            time(1, || o.run(Variant::Simd, &req)),
            time(3, || o.run(Variant::Baseline, &req)),
            time(3, || o.run(Variant::Simd, &req)),
        )
    });
    assert_eq!(bout.output, nout.output);
    assert_eq!(sout.output, nout.output);
    TopK {
        count,
        dim,
        segment_bytes,
        native: nat.median,
        baseline: base.median,
        simd: simd.median,
        first: first.median,
    }
}
