//! Helpers for solver tests: systems built independently of the code under
//! test, files packed with both kernel variants, native and sandboxed runs.
#![allow(dead_code)]

use loader::sparse_seg::SparseMatrix;
use loader::RvfFile;
use rvf_host::{DataBinding, HostConfig, MatrixChoice, Outcome, Session};
use rvf_pack::sparse::Csr;
use rvf_pack::writer::{self, FileSummary, SegmentSpec};
use rvf_spec::abi::Params;
use rvf_spec::format::seg;
use rvf_spec::results::Results;
use std::path::{Path, PathBuf};

/// 5-point 2-D Poisson on an m×m grid, diagonal 4 + shift (Dirichlet).
pub fn poisson(m: usize, shift: f64) -> Csr {
    let mut t = Vec::new();
    for i in 0..m {
        for j in 0..m {
            let r = (i * m + j) as u32;
            t.push((r, r, 4.0 + shift));
            for (a, b) in [
                (i.wrapping_sub(1), j),
                (i + 1, j),
                (i, j.wrapping_sub(1)),
                (i, j + 1),
            ] {
                if a < m && b < m {
                    t.push((r, (a * m + b) as u32, -1.0));
                }
            }
        }
    }
    Csr::from_triplets((m * m) as u32, (m * m) as u32, t).unwrap()
}

/// y = A x (reference, row by row).
pub fn spmv(a: &Csr, x: &[f64]) -> Vec<f64> {
    (0..a.rows as usize)
        .map(|i| {
            (a.row_ptr[i]..a.row_ptr[i + 1])
                .map(|k| a.values[k as usize] * x[a.col_idx[k as usize] as usize])
                .sum()
        })
        .collect()
}

pub fn lcg(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        })
        .collect()
}

pub fn kernel(variant: &str) -> Vec<u8> {
    std::fs::read(super::root().join(format!("microkernel/dist/solver-{variant}.wasm"))).unwrap()
}

/// Pack a file with both kernel variants plus the given data segments.
pub fn pack(dir: &Path, name: &str, mut data: Vec<SegmentSpec>) -> PathBuf {
    for v in ["baseline", "simd"] {
        let (_, _, p) =
            rvf_pack::payload::wasm_payload(Path::new(v), &kernel(v), &Default::default()).unwrap();
        data.push(SegmentSpec {
            seg_type: seg::WASM,
            payload: p.into(),
        });
    }
    let out = dir.join(name);
    writer::create(&out, &data, FileSummary::default()).unwrap();
    out
}

pub fn sparse_spec(a: &Csr, rhs: Option<&[f64]>, transpose: bool) -> SegmentSpec {
    SegmentSpec {
        seg_type: seg::SPARSE,
        payload: a.encode_segment(rhs, transpose).unwrap().into(),
    }
}

/// The native kernel over an encoded sparse payload (the same arrays the
/// sandbox would serve).
pub fn native(payload: &[u8], p: &Params) -> microkernel::Outcome {
    let binding = DataBinding {
        sparse: Some((0, SparseMatrix::parse(payload).unwrap())),
        ..Default::default()
    };
    microkernel::run(p, &[], &mut binding.source())
}

/// Run through the loader + sandbox with a host feature mask.
pub fn sandboxed(path: &Path, p: &Params, input: &[u8], host: u16) -> (Outcome, u16) {
    let bytes = std::fs::read(path).unwrap();
    let f = RvfFile::parse(&bytes).unwrap();
    let config = HostConfig {
        allowed_features: host,
        ..HostConfig::default()
    };
    let matrix = if p.method == rvf_spec::abi::method::KNN {
        MatrixChoice::None
    } else {
        MatrixChoice::Only
    };
    let out = Session::new(f, config)
        .run_exact(*p, input.to_vec(), matrix, false)
        .unwrap();
    let chosen = out.header.required_features;
    (out, chosen)
}

pub fn dense_f64(out: &[u8]) -> Vec<f64> {
    match Results::decode(rvf_spec::abi::result_kind::DENSE_F64, out).unwrap() {
        Results::Dense(x) => x,
        Results::Pairs(_) => unreachable!(),
    }
}

pub fn pairs(out: &[u8]) -> Vec<(u32, f64)> {
    Results::decode(rvf_spec::abi::result_kind::PAIRS, out)
        .unwrap()
        .rows()
        .collect()
}

/// Π = α (I − (1−α) P)⁻¹ with P the row-stochastic walk matrix of the
/// pattern of `a` (uniform over out-edges; dangling nodes keep the walk).
/// Row s is the PPR vector of source s. Gauss–Jordan, dense, n ≲ 200.
pub fn exact_ppr(a: &Csr, alpha: f64) -> Vec<Vec<f64>> {
    let n = a.rows as usize;
    let mut m = vec![vec![0.0; 2 * n]; n];
    for i in 0..n {
        m[i][i] = 1.0;
        m[i][n + i] = 1.0;
        let (s, e) = (a.row_ptr[i] as usize, a.row_ptr[i + 1] as usize);
        if s == e {
            m[i][i] -= 1.0 - alpha;
        }
        for k in s..e {
            m[i][a.col_idx[k] as usize] -= (1.0 - alpha) / (e - s) as f64;
        }
    }
    for c in 0..n {
        let piv = (c..n)
            .max_by(|&x, &y| m[x][c].abs().total_cmp(&m[y][c].abs()))
            .unwrap();
        m.swap(c, piv);
        let d = m[c][c];
        for v in m[c].iter_mut() {
            *v /= d;
        }
        for r in 0..n {
            if r != c {
                let f = m[r][c];
                if f != 0.0 {
                    let row_c = m[c].clone();
                    for (v, w) in m[r].iter_mut().zip(&row_c) {
                        *v -= f * w;
                    }
                }
            }
        }
    }
    m.iter()
        .map(|r| r[n..].iter().map(|v| alpha * v).collect())
        .collect()
}

/// A non-regular digraph: node i links to a varying number (0..=5) of
/// pseudo-random targets; some nodes dangle.
pub fn random_digraph(n: usize, seed: u64) -> Csr {
    let r = lcg(seed, n * 7);
    let mut t = Vec::new();
    for i in 0..n {
        let deg = ((r[i * 7].abs() * 6.0) as usize).min(5);
        for k in 0..deg {
            let j = ((r[i * 7 + 1 + k].abs() * n as f64) as usize).min(n - 1);
            if j != i {
                t.push((i as u32, j as u32, 1.0));
            }
        }
    }
    Csr::from_triplets(n as u32, n as u32, t).unwrap()
}
