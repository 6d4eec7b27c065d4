//! §6. Local query vs full solve at the same accuracy: one PPR column by
//! backward push (local) and by Jacobi on the whole system (global).

use super::Ctx;
use crate::files::pack_sparse;
use crate::measure::{ms, time, Timing};
use crate::runner::{with_file, InMemory, Variant};
use crate::workload::{graph, ppr_column_system};
use rvf_host::{MatrixChoice, Request};
use rvf_spec::abi::Method;
use rvf_spec::results::Results;
use std::time::Duration;

const N: usize = 1_000_000;
const QUICK_N: usize = 10_000;
pub const ALPHA: f64 = 0.15;
/// Additive accuracy of the push, relative residual of Jacobi.
pub const EPS: f64 = 1e-4;
/// The column: π(·, T).
const T: u32 = 17;
pub const LOCAL_REPS: usize = 5;

#[derive(Clone, Debug)]
pub struct LocalVsFull {
    pub n: usize,
    /// Largest difference between the two answers over the pushed entries.
    pub worst_diff: f64,
    /// Backward push in wasmi (SIMD).
    pub local: Timing,
    pub local_rows_read: u64,
    /// Jacobi in wasmi (SIMD).
    pub full: Timing,
    pub full_iterations: u64,
    pub full_nnz: usize,
    /// Jacobi natively (median).
    pub native_full: Duration,
}

impl LocalVsFull {
    /// Full solve over local query in wasmi: (median, least, most).
    pub fn speedup(&self) -> (f64, f64, f64) {
        let (l, f) = (self.local.ms(), self.full.ms());
        (f.0 / l.0, f.1 / l.2, f.2 / l.1)
    }
    /// The native full solve over the local query in wasmi (medians).
    pub fn native_speedup(&self) -> f64 {
        ms(self.native_full) / ms(self.local.median)
    }
}

pub fn measure(ctx: &Ctx) -> LocalVsFull {
    let n = ctx.pick(QUICK_N, N);
    let g = graph(n, 5, 99);
    let (m, rhs) = ppr_column_system(&g, ALPHA, T);
    let gpath = pack_sparse(
        ctx.dir,
        "local.rvf",
        g.encode_segment(None, true).expect("encode"),
    );
    let mpath = pack_sparse(
        ctx.dir,
        "full.rvf",
        m.encode_segment(Some(&rhs), false).expect("encode"),
    );
    let local_req = Request {
        target: T,
        alpha: ALPHA,
        epsilon: EPS,
        ..Request::new(Method::PprBackward)
    };
    let (local, lout) = with_file(&gpath, |o| {
        time(LOCAL_REPS, || o.run(Variant::Simd, &local_req))
    });
    let full_req = Request {
        tol: EPS,
        min_margin: 0.1,
        max_iter: 10_000,
        ..Request::new(Method::Jacobi)
    };
    let reps = ctx.pick(3, 2);
    let (full, fout) = with_file(&mpath, |o| time(reps, || o.run(Variant::Simd, &full_req)));
    let memory = InMemory::read(&mpath);
    let native = memory.native(MatrixChoice::Only);
    let (native_full, _) = time(reps, || native.run(&full_req));
    // Both answers agree within the accuracy asked for.
    let Ok(Results::Dense(x)) = fout.results() else {
        panic!("Jacobi returns a dense vector")
    };
    let pushed = lout.results().expect("push returns pairs");
    let worst_diff = pushed
        .rows()
        .map(|(i, v)| (x[i as usize] - v).abs())
        .fold(0.0, f64::max);
    LocalVsFull {
        n,
        worst_diff,
        local,
        local_rows_read: lout.report.work,
        full,
        full_iterations: fout.report.iterations,
        full_nnz: m.nnz(),
        native_full: native_full.median,
    }
}
