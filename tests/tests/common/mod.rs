//! Helpers shared by the end-to-end tests (each test binary includes this).
#![allow(dead_code)]

pub mod cases;
pub mod solve;

use std::path::{Path, PathBuf};

/// The repository root (tests run with the package dir as cwd).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn sample(name: &str) -> PathBuf {
    root().join("samples").join(name)
}

/// A baseline (MVP) module with a memory and two exports.
pub fn baseline_module() -> Vec<u8> {
    wat::parse_str(
        r#"(module (memory (export "memory") 2 16)
             (func (export "k_abi_version") (result i32) i32.const 1))"#,
    )
    .unwrap()
}

/// A module that uses one v128 instruction (so it needs SIMD).
pub fn simd_module() -> Vec<u8> {
    wat::parse_str(
        r#"(module (memory (export "memory") 2 16)
             (func (export "k_abi_version") (result i32) i32.const 1)
             (func (export "splat") (param f64) (result f64)
               local.get 0 f64x2.splat f64x2.extract_lane 1))"#,
    )
    .unwrap()
}

/// Deterministic pseudo-random f32s in [-1, 1) (the LCG of `solve::lcg`).
pub fn lcg_f32(seed: u64, n: usize) -> Vec<f32> {
    solve::lcg(seed, n).into_iter().map(|v| v as f32).collect()
}

/// Write vectors as .fvecs.
pub fn write_fvecs(path: &Path, dim: usize, data: &[f32]) {
    let mut b = Vec::new();
    for row in data.chunks_exact(dim) {
        b.extend_from_slice(&(dim as i32).to_le_bytes());
        for x in row {
            b.extend_from_slice(&x.to_le_bytes());
        }
    }
    std::fs::write(path, b).unwrap();
}

/// Brute-force k nearest by squared L2, ties by id.
pub fn brute_knn(dim: usize, data: &[f32], q: &[f32], k: usize) -> Vec<u64> {
    let mut d: Vec<(f64, u64)> = data
        .chunks_exact(dim)
        .enumerate()
        .map(|(i, r)| {
            (
                r.iter()
                    .zip(q)
                    .map(|(a, b)| ((a - b) as f64).powi(2))
                    .sum::<f64>(),
                i as u64,
            )
        })
        .collect();
    d.sort_by(|a, b| a.partial_cmp(b).unwrap());
    d.into_iter().take(k).map(|x| x.1).collect()
}
