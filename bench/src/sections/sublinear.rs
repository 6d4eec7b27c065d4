//! §1. Sublinear end to end: forward push, backward push and walk
//! estimates from the file through the wasmi sandbox (SIMD variant) on
//! random digraphs of growing n, and the same queries natively.

use super::{Ctx, Goal};
use crate::files::pack_sparse;
use crate::measure::{minor_faults, ms, time, Timing};
use crate::runner::{with_file, InMemory, Native, Opened, Variant};
use crate::workload::{graph, graph_request};
use rvf_host::MatrixChoice;
use rvf_spec::abi::Method;
use std::time::{Duration, Instant};

/// Timed queries per cell (different sources), after `WARM_UP` untimed ones.
pub const QUERIES: usize = 32;
pub const WARM_UP: usize = 4;
/// The columns of the table, in order.
pub const METHODS: [Method; 3] = [
    Method::PprForward,
    Method::PprBackward,
    Method::WalkEstimate,
];
pub const FORWARD: usize = 0;
pub const BACKWARD: usize = 1;
pub const WALKS: usize = 2;

const SIZES: &[usize] = &[10_000, 100_000, 1_000_000, 4_000_000];
const QUICK_SIZES: &[usize] = &[10_000, 20_000];

/// One method at one size.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cell {
    /// Per query, in wasmi.
    pub wasmi: Timing,
    /// Median per query, natively.
    pub native: Duration,
    pub rows_per_query: u64,
    /// Minor page faults per query (process-wide).
    pub faults_per_query: u64,
    /// Time and fuel per row read, over all timed queries.
    pub us_per_row: f64,
    pub native_us_per_row: f64,
    pub fuel_per_row: f64,
    /// Distinct nodes touched per row read, counted natively (backward push only).
    pub touched_per_row: f64,
}

impl Cell {
    pub fn ms(&self) -> f64 {
        ms(self.wasmi.median)
    }
    pub fn native_ms(&self) -> f64 {
        ms(self.native)
    }
}

/// One graph size.
#[derive(Clone, Debug)]
pub struct Row {
    pub n: usize,
    pub nnz: usize,
    pub file_mib: f64,
    /// By `METHODS`.
    pub cells: [Cell; 3],
}

#[derive(Clone, Debug)]
pub struct Sublinear {
    pub rows: Vec<Row>,
}

/// From the smallest graph to the largest.
#[derive(Clone, Copy, Debug)]
pub struct Growth {
    pub n0: usize,
    pub n1: usize,
    pub first: [Cell; 3],
    pub last: [Cell; 3],
}

impl Growth {
    /// Growth of the median per query: (wasmi, native).
    pub fn per_query(&self, j: usize) -> (f64, f64) {
        let (a, b) = (self.first[j], self.last[j]);
        (b.ms() / a.ms(), b.native_ms() / a.native_ms())
    }

    /// Growth of the time per row read: (wasmi, native).
    pub fn per_row(&self, j: usize) -> (f64, f64) {
        let (a, b) = (self.first[j], self.last[j]);
        (
            b.us_per_row / a.us_per_row,
            b.native_us_per_row / a.native_us_per_row,
        )
    }
}

impl Sublinear {
    pub fn growth(&self) -> Option<Growth> {
        let (first, last) = (self.rows.first()?, self.rows.last()?);
        (self.rows.len() > 1).then_some(Growth {
            n0: first.n,
            n1: last.n,
            first: first.cells,
            last: last.cells,
        })
    }

    /// ≤ 1 ms per query at the largest n, and flat in n (≤ 1.3x).
    pub fn goals(&self) -> Vec<Goal> {
        let Some(g) = self.growth() else {
            return Vec::new();
        };
        let mut goals = Vec::new();
        for (j, name) in [
            (FORWARD, "forward push"),
            (BACKWARD, "backward push"),
            (WALKS, "walk estimate"),
        ] {
            let t = g.last[j].ms();
            goals.push(Goal::new(
                format!("{name} ≤ 1 ms per query"),
                format!("{t:.3} ms at n = {}", g.n1),
                t <= 1.0,
            ));
        }
        for (name, growth) in [
            ("forward push", g.per_query(FORWARD).0),
            ("walks", g.per_query(WALKS).0),
            ("backward push (per row read)", g.per_row(BACKWARD).0),
        ] {
            goals.push(Goal::new(
                format!("{name} flat in n (≤ 1.3x, n = {} → {})", g.n0, g.n1),
                format!("{growth:.2}x"),
                growth <= 1.3,
            ));
        }
        goals
    }
}

pub fn measure(ctx: &Ctx) -> Sublinear {
    let sizes = ctx.pick(QUICK_SIZES, SIZES);
    Sublinear {
        rows: sizes.iter().map(|&n| measure_size(ctx, n)).collect(),
    }
}

fn measure_size(ctx: &Ctx, n: usize) -> Row {
    let g = graph(n, 5, 42);
    let nnz = g.nnz();
    let payload = g.encode_segment(None, true).expect("encode the graph");
    drop(g);
    let path = pack_sparse(ctx.dir, &format!("g{n}.rvf"), payload);
    let file_mib = std::fs::metadata(&path).expect("stat").len() as f64 / (1 << 20) as f64;
    let memory = InMemory::read(&path);
    let native = memory.native(MatrixChoice::Only);
    let cells = with_file(&path, |o| METHODS.map(|m| measure_cell(o, &native, m, n)));
    std::fs::remove_file(&path).ok();
    Row {
        n,
        nnz,
        file_mib,
        cells,
    }
}

/// `QUERIES` queries of `method` in wasmi, then natively (outputs checked
/// equal bit for bit). The k-th query draws its node from a fixed stream.
fn measure_cell(o: &mut Opened<'_>, native: &Native<'_>, method: Method, n: usize) -> Cell {
    let query = |s: &mut u64| graph_request(method, n, s);
    // Warm-up queries (other sources), untimed: the first cell otherwise
    // also pays the process's heap and cache warm-up.
    let mut warm = 99u64;
    for _ in 0..WARM_UP {
        o.run(Variant::Simd, &query(&mut warm));
    }
    let (mut s, mut rows, mut busy, mut fuel) = (7u64, 0u64, Duration::ZERO, 0u64);
    let mut outputs = Vec::with_capacity(QUERIES);
    let faults0 = minor_faults();
    let (wasmi, ()) = time(QUERIES, || {
        let t = Instant::now();
        let out = o.run(Variant::Simd, &query(&mut s));
        busy += t.elapsed();
        rows += out.report.work;
        fuel += out.fuel_used;
        outputs.push(out.output);
    });
    let faults_per_query = (minor_faults() - faults0) / QUERIES as u64;
    let (mut s, mut k, mut nbusy) = (7u64, 0, Duration::ZERO);
    let (nat, ()) = time(QUERIES, || {
        let t = Instant::now();
        let out = native.run(&query(&mut s));
        nbusy += t.elapsed();
        assert_eq!(out.output, outputs[k], "native equals wasmi");
        k += 1;
    });
    // Backward push: how many distinct nodes its queries touch per row
    // read (state the ABI report does not carry).
    let mut touched = 0;
    if method == Method::PprBackward {
        let mut s = 7u64;
        for _ in 0..QUERIES {
            let params = native.params(&query(&mut s));
            let r = microkernel::push::backward(&mut native.source(), &params);
            touched += r.expect("the queries above succeeded").nodes.list.len();
        }
    }
    let per_row = |d: Duration| ms(d) * 1e3 / rows as f64;
    Cell {
        wasmi,
        native: nat.median,
        rows_per_query: rows / QUERIES as u64,
        faults_per_query,
        us_per_row: per_row(busy),
        native_us_per_row: per_row(nbusy),
        fuel_per_row: fuel as f64 / rows as f64,
        touched_per_row: touched as f64 / rows as f64,
    }
}
