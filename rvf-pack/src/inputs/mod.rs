//! Readers for the inputs users actually have. Each returns plain data and
//! errors that name the file and the line or byte offset.
//!
//! - vectors: `.fvecs` (ANN benchmark format), `.npy` (2-D f32/f64), CSV;
//! - sparse matrices: Matrix Market coordinate (`.mtx`);
//! - right-hand sides: `.npy` (1-D) or text/CSV with one number per line.

pub mod csv_in;
pub mod fvecs;
pub mod mtx;
pub mod npy;

use crate::error::{PackError, Result};
use std::path::Path;

/// Row-major f32 vectors.
#[derive(Clone, Debug, PartialEq)]
pub struct Vectors {
    pub dim: usize,
    pub data: Vec<f32>,
}

impl Vectors {
    pub fn count(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }
}

/// Read vectors, choosing the reader by extension.
pub fn read_vectors(path: &Path) -> Result<Vectors> {
    match ext(path).as_str() {
        "fvecs" => fvecs::read(path),
        "npy" => npy::read_matrix_f32(path),
        "csv" | "txt" | "tsv" => csv_in::read_vectors(path),
        other => Err(PackError::input(
            path,
            None,
            format!("unknown vector format '.{other}' (expected .fvecs, .npy or .csv)"),
        )),
    }
}

/// Read a right-hand side vector (f64).
pub fn read_rhs(path: &Path) -> Result<Vec<f64>> {
    match ext(path).as_str() {
        "npy" => npy::read_vector_f64(path),
        _ => csv_in::read_column(path),
    }
}

fn ext(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Reject NaN and infinities with the position they were found at.
pub(crate) fn check_finite_f32(path: &Path, v: &[f32], dim: usize) -> Result<()> {
    if let Some(i) = v.iter().position(|x| !x.is_finite()) {
        return Err(PackError::input(
            path,
            Some(format!(
                "vector {}, component {}",
                i / dim.max(1),
                i % dim.max(1)
            )),
            "value is NaN or infinite",
        ));
    }
    Ok(())
}
