//! The generated inputs every benchmark uses: random digraphs, 2-D Poisson
//! systems, the PPR-column system of §6, random vectors, and the §1 query
//! stream. All deterministic (seeded `lcg` streams).

use rvf_host::Request;
use rvf_pack::sparse::Csr;
use rvf_spec::abi::Method;

/// The bench's random stream (a 64-bit LCG, top 53 bits).
pub fn lcg(s: &mut u64) -> u64 {
    *s = s
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *s >> 11
}

/// A uniform value in [−1, 1) from the `lcg` stream.
pub fn uniform(s: &mut u64) -> f64 {
    (lcg(s) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
}

/// `len` values uniform in [−1, 1) as f32, from the stream seeded `seed`.
pub fn uniform_f32(len: usize, seed: u64) -> Vec<f32> {
    let mut s = seed;
    (0..len).map(|_| uniform(&mut s) as f32).collect()
}

/// The next §1 query of `method` on a graph of `n` nodes: a node drawn
/// from the stream `s` is the source, half of it plus one the target; push
/// at ε = 1e-4, 2 000 walks with seed 1 (the profiler overrides these).
pub fn graph_request(method: Method, n: usize, s: &mut u64) -> Request {
    let node = (lcg(s) % n as u64) as u32;
    Request {
        source: node,
        target: node / 2 + 1,
        epsilon: 1e-4,
        walks: 2000,
        seed: 1,
        ..Request::new(method)
    }
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
    square(row_ptr, col, values)
}

fn square(row_ptr: Vec<u32>, col_idx: Vec<u32>, values: Vec<f64>) -> Csr {
    let n = row_ptr.len() as u32 - 1;
    Csr {
        rows: n,
        cols: n,
        row_ptr,
        col_idx,
        values,
    }
}

/// 2-D Poisson (5-point Laplacian) plus `shift`·I on an m × m grid.
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
    square(row_ptr, col, val)
}

/// §2's system: 2-D Poisson + I on an m × m grid and a right-hand side
/// uniform in [−1, 1) (seed 3).
pub fn poisson_system(m: usize) -> (Csr, Vec<f64>) {
    let mut s = 3u64;
    let b = (0..m * m).map(|_| uniform(&mut s)).collect();
    (poisson(m, 1.0), b)
}

/// §6's system for the PPR column π(·, t) of graph `g`: (I − (1−α)P) x =
/// α e_t, where P follows `g`'s out-links (a dangling node links to
/// itself). Its relative row margin is exactly α, so Jacobi is allowed.
pub fn ppr_column_system(g: &Csr, alpha: f64, t: u32) -> (Csr, Vec<f64>) {
    let n = g.rows as usize;
    let mut row_ptr = vec![0u32];
    let (mut col, mut val) = (Vec::new(), Vec::new());
    for u in 0..n {
        let (s0, e0) = (g.row_ptr[u] as usize, g.row_ptr[u + 1] as usize);
        let d = (e0 - s0).max(1) as f64;
        let mut entries: Vec<(u32, f64)> = g.col_idx[s0..e0]
            .iter()
            .map(|&v| (v, -(1.0 - alpha) / d))
            .collect();
        if e0 == s0 {
            entries.push((u as u32, -(1.0 - alpha)));
        }
        entries.push((u as u32, 1.0));
        entries.sort_by_key(|e| e.0);
        let mut merged: Vec<(u32, f64)> = Vec::new();
        for (c, v) in entries {
            match merged.last_mut() {
                Some(l) if l.0 == c => l.1 += v,
                _ => merged.push((c, v)),
            }
        }
        for (c, v) in merged {
            col.push(c);
            val.push(v);
        }
        row_ptr.push(col.len() as u32);
    }
    let mut rhs = vec![0.0; n];
    rhs[t as usize] = alpha;
    (square(row_ptr, col, val), rhs)
}
