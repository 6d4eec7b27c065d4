//! The workloads `rvf-bench` measures, shared by the report (`main.rs`) and
//! the profiling example (`examples/profile.rs`): generated graphs and
//! Poisson systems, files packed with both kernels, a runner that selects
//! once per file and queries in fresh instances, and timing helpers.

use loader::runtime::{self, abi, abi::Params, Limits, RunOutput};
use loader::sparse_seg::SparseMatrix;
use loader::{MappedFile, RvfFile};
use microkernel::source::ArraySource;
use rvf_pack::sparse::Csr;
use rvf_pack::writer::{self, FileSummary, SegmentSpec};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const NO_SIMD: u16 = 0xFFFE;
pub const ALL: u16 = 0xFFFF;

pub fn kernel(v: &str) -> Vec<u8> {
    std::fs::read(format!("microkernel/dist/solver-{v}.wasm"))
        .expect("run from the repository root")
}

pub fn kernels() -> Vec<SegmentSpec> {
    ["baseline", "simd"]
        .iter()
        .map(|v| SegmentSpec {
            seg_type: 0x10,
            payload: rvf_pack::payload::wasm_payload(Path::new(v), &kernel(v), &Default::default())
                .unwrap()
                .2
                .into(),
        })
        .collect()
}

pub fn lcg(s: &mut u64) -> u64 {
    *s = s
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *s >> 11
}

/// The next §1 query of `method` on a graph of `n` nodes: a node drawn
/// from the stream `s` is the source, half of it plus one the target; push
/// at ε = 1e-4, 2 000 walks with seed 1 (the profiler overrides these).
pub fn graph_query(method: u32, n: usize, s: &mut u64) -> Params {
    let node = (lcg(s) % n as u64) as u32;
    Params {
        method,
        source: node,
        target: node / 2 + 1,
        epsilon: 1e-4,
        num_walks: 2000,
        seed: 1,
        ..Default::default()
    }
}

/// A uniform value in [−1, 1) from the `lcg` stream.
pub fn uniform(s: &mut u64) -> f64 {
    (lcg(s) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
}

/// §2's system: 2-D Poisson + I on an m × m grid and a right-hand side
/// uniform in [−1, 1) (seed 3).
pub fn poisson_system(m: usize) -> (Csr, Vec<f64>) {
    let mut s = 3u64;
    let b = (0..m * m).map(|_| uniform(&mut s)).collect();
    (poisson(m, 1.0), b)
}

/// Random digraph: each node links to `deg` uniform targets (deduplicated).
pub fn graph(n: usize, deg: usize, seed: u64) -> Csr {
    let mut s = seed;
    let mut row_ptr = Vec::with_capacity(n + 1);
    let mut col = Vec::with_capacity(n * deg);
    row_ptr.push(0u32);
    let mut row = Vec::with_capacity(deg);
    for _ in 0..n {
        row.clear();
        for _ in 0..deg {
            row.push((lcg(&mut s) % n as u64) as u32);
        }
        row.sort_unstable();
        row.dedup();
        col.extend_from_slice(&row);
        row_ptr.push(col.len() as u32);
    }
    let values = vec![1.0; col.len()];
    Csr {
        rows: n as u32,
        cols: n as u32,
        row_ptr,
        col_idx: col,
        values,
    }
}

pub fn poisson(m: usize, shift: f64) -> Csr {
    let n = m * m;
    let mut row_ptr = vec![0u32];
    let (mut col, mut val) = (Vec::with_capacity(5 * n), Vec::with_capacity(5 * n));
    for i in 0..m {
        for j in 0..m {
            let mut push = |c: usize, v: f64| {
                col.push(c as u32);
                val.push(v);
            };
            if i > 0 {
                push((i - 1) * m + j, -1.0);
            }
            if j > 0 {
                push(i * m + j - 1, -1.0);
            }
            push(i * m + j, 4.0 + shift);
            if j + 1 < m {
                push(i * m + j + 1, -1.0);
            }
            if i + 1 < m {
                push((i + 1) * m + j, -1.0);
            }
            row_ptr.push(col.len() as u32);
        }
    }
    Csr {
        rows: n as u32,
        cols: n as u32,
        row_ptr,
        col_idx: col,
        values: val,
    }
}

pub fn pack(dir: &Path, name: &str, mut segs: Vec<SegmentSpec>) -> PathBuf {
    segs.extend(kernels());
    let p = dir.join(name);
    writer::create(&p, &segs, FileSummary::default()).unwrap();
    p
}

/// Time `f` `reps` times; (median, min, max).
pub fn time<T>(reps: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, Duration, T) {
    let mut ts = Vec::new();
    let mut last = None;
    for _ in 0..reps {
        let t = Instant::now();
        last = Some(f());
        ts.push(t.elapsed());
    }
    ts.sort();
    (ts[ts.len() / 2], ts[0], ts[ts.len() - 1], last.unwrap())
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Map and parse a file, then hand it to `f` with one selection per host
/// mask (selection — hashing and compiling the kernel — happens once per
/// file, as in an application; queries run in fresh instances; a data
/// segment is hashed before its first bulk read, once per file).
pub fn with_file<R>(path: &Path, f: impl FnOnce(&Runner<'_>) -> R) -> R {
    let map = MappedFile::open(path).unwrap();
    let file = RvfFile::parse(map.bytes()).unwrap();
    let base = runtime::select_first(&file, NO_SIMD, &Limits::default(), None);
    let simd = runtime::select_first(&file, ALL, &Limits::default(), None);
    f(&Runner {
        file: &file,
        base,
        simd,
        memo: Default::default(),
    })
}

pub struct Runner<'a> {
    pub file: &'a RvfFile<'a>,
    pub base: runtime::Selection,
    pub simd: runtime::Selection,
    /// Data segments hash-checked once per open file, as a host serving
    /// many queries would (`run_verified`).
    pub memo: std::cell::RefCell<runtime::VerifiedData>,
}

impl Runner<'_> {
    pub fn run(&self, host: u16, p: &Params, input: &[u8]) -> RunOutput {
        let sel = if host == ALL { &self.simd } else { &self.base };
        let out =
            runtime::run_verified(self.file, sel, p, input, false, &mut self.memo.borrow_mut())
                .unwrap();
        assert!(
            out.report.status == 0 || out.report.status == abi::status::NOT_CONVERGED,
            "{:?}",
            out.report
        );
        out
    }
}

/// The arrays the sandbox would serve for a sparse payload, for the native kernel.
pub fn native_source(payload: &[u8]) -> ArraySource<'_> {
    runtime::DataSegments {
        sparse: Some((0, SparseMatrix::parse(payload).unwrap())),
        vectors: None,
    }
    .source()
}
