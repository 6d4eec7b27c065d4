//! Readers for the inputs users actually have. Each returns plain data,
//! what it read (format, notes) and errors that name the file and the line
//! or byte offset.
//!
//! - vectors: `.fvecs` (ANN benchmark format), `.npy` (1-D or 2-D, float or
//!   integer dtypes converted exactly), CSV / TSV / text;
//! - sparse matrices: Matrix Market coordinate (`.mtx`), streamed;
//! - right-hand sides: `.npy` (1-D) or text with one number per line.
//!
//! A path `-` is standard input. The format comes from the content
//! ([`detect`]); the extension or `--format` is a hint. Nothing is sized
//! from a count in the input without being bounded by what the input holds
//! or reserved fallibly ([`memory`]), and text lines are bounded in length
//! ([`lines`]), so no input, however large or hostile, exhausts memory.

pub mod csv_in;
pub mod detect;
pub mod fvecs;
pub mod labels;
pub mod lines;
pub mod memory;
pub mod mtx;
pub mod npy;
mod npy_header;
pub mod progress;
pub mod source;

pub use detect::Format;
pub use progress::Progress;
pub use source::Role;

use crate::error::{PackError, Result};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

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

/// How to read an input.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// The format, when the user names it (`--format`); checked against
    /// the content.
    pub format: Option<Format>,
    /// The first row of a text input is a header (`--header`). Without it a
    /// first row is skipped only when every cell of it is non-numeric.
    pub header: bool,
}

/// What a reader produced, and what it found out on the way.
#[derive(Clone, Debug)]
pub struct Loaded<T> {
    pub value: T,
    /// The input's name in messages: its path, or `<stdin>`.
    pub source: PathBuf,
    pub format: Format,
    /// Facts for the report (dtype, separator, entries, ...).
    pub facts: Map<String, Value>,
    /// Things the user should know (a skipped header row, ...).
    pub notes: Vec<String>,
}

impl<T> Loaded<T> {
    fn new(value: T, source: &Path, format: Format) -> Self {
        Loaded {
            value,
            source: source.to_path_buf(),
            format,
            facts: Map::new(),
            notes: Vec::new(),
        }
    }
    fn fact(mut self, key: &str, v: impl Into<Value>) -> Self {
        self.facts.insert(key.into(), v.into());
        self
    }
}

/// Read vectors from `path` (or stdin for `-`).
pub fn load_vectors(path: &Path, o: &Options, p: &dyn Progress) -> Result<Loaded<Vectors>> {
    let mut src = source::open(path, Role::Vectors, p)?;
    let format = detect::decide(&mut src, Role::Vectors, o.format)?;
    src.start_progress("reading vectors");
    match format {
        Format::Fvecs => fvecs::read_source(src),
        Format::Npy => npy::vectors(src),
        _ => csv_in::vectors(src, format, o.header),
    }
}

/// Read a right-hand side (f64) from `path` (or stdin for `-`).
pub fn load_rhs(path: &Path, o: &Options, p: &dyn Progress) -> Result<Loaded<Vec<f64>>> {
    let mut src = source::open(path, Role::Rhs, p)?;
    let format = detect::decide(&mut src, Role::Rhs, o.format)?;
    src.start_progress("reading right-hand side");
    match format {
        Format::Npy => npy::rhs(src),
        _ => csv_in::column(src, format, o.header),
    }
}

/// Read a Matrix Market matrix from `path` (or stdin for `-`); `needs`
/// says what else packing it will allocate, for the up-front memory check.
pub fn load_matrix(
    path: &Path,
    o: &Options,
    needs: mtx::Needs,
    p: &dyn Progress,
) -> Result<Loaded<(crate::sparse::Csr, mtx::Banner)>> {
    let mut src = source::open(path, Role::Matrix, p)?;
    detect::decide(&mut src, Role::Matrix, o.format)?;
    src.start_progress("reading matrix");
    mtx::read_source(src, needs)
}

/// Read vectors, choosing the reader by content (the extension is a hint).
pub fn read_vectors(path: &Path) -> Result<Vectors> {
    Ok(load_vectors(path, &Options::default(), &())?.value)
}

/// Read a right-hand side vector (f64).
pub fn read_rhs(path: &Path) -> Result<Vec<f64>> {
    Ok(load_rhs(path, &Options::default(), &())?.value)
}

/// Input text quoted for a message: at most 60 characters, then "…".
pub fn quote(text: &[u8]) -> String {
    let s = String::from_utf8_lossy(text);
    let mut out: String = s.chars().take(60).collect();
    if s.chars().nth(60).is_some() {
        out.push('…');
    }
    out
}

/// Why a finite f64 cannot be stored as f32, or a value is not finite.
pub(crate) fn to_f32(x: f64) -> std::result::Result<f32, String> {
    if !x.is_finite() {
        return Err("value is NaN or infinite".into());
    }
    let y = x as f32;
    if y.is_infinite() {
        return Err(format!(
            "value {x:e} is out of f32 range (max ±{:e})",
            f32::MAX
        ));
    }
    Ok(y)
}

/// Parse a decimal number as f64, telling NaN / infinity apart from a
/// finite literal too large for f64.
pub(crate) fn parse_f64(cell: &str) -> std::result::Result<f64, String> {
    let x: f64 = cell
        .parse()
        .map_err(|_| format!("'{}' is not a number", quote(cell.as_bytes())))?;
    if x.is_finite() {
        return Ok(x);
    }
    let lower = cell.to_ascii_lowercase();
    if lower.contains("inf") || lower.contains("nan") {
        Err("value is NaN or infinite".into())
    } else {
        Err(format!(
            "value '{}' is out of f64 range (max ±{:e})",
            quote(cell.as_bytes()),
            f64::MAX
        ))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_out_of_range_are_not_called_nan() {
        assert_eq!(to_f32(1.5), Ok(1.5));
        let e = to_f32(1e39).unwrap_err();
        assert!(e.contains("out of f32 range (max ±3.4028235e38)"), "{e}");
        assert_eq!(to_f32(f64::NAN).unwrap_err(), "value is NaN or infinite");
        assert!(parse_f64("1e309").unwrap_err().contains("out of f64 range"));
        assert!(parse_f64("-inf").unwrap_err().contains("NaN or infinite"));
        assert!(parse_f64("2.O")
            .unwrap_err()
            .contains("'2.O' is not a number"));
        let long = "x".repeat(100);
        let q = quote(long.as_bytes());
        assert_eq!(q.chars().count(), 61);
        assert!(q.ends_with('…'));
    }
}
