//! Matrix Market coordinate files: `real`, `integer` or `pattern` values,
//! `general` or `symmetric` structure. Duplicates are summed (as assembly
//! does); symmetric files are mirrored. The entry count in the size line is
//! checked against the entries present, and reservations are bounded by the
//! file size.

use crate::error::{PackError, Result};
use crate::sparse::Csr;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Real,
    Integer,
    Pattern,
}

/// What the banner said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Banner {
    pub field: Field,
    pub symmetric: bool,
}

pub fn read(path: &Path) -> Result<(Csr, Banner)> {
    let text = std::fs::read_to_string(path).map_err(|e| PackError::io(path, e))?;
    parse(path, &text)
}

pub fn parse(path: &Path, text: &str) -> Result<(Csr, Banner)> {
    let err =
        |line: usize, what: String| PackError::input(path, Some(format!("line {line}")), what);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let (_, banner) = lines.next().ok_or_else(|| err(1, "empty file".into()))?;
    let words: Vec<String> = banner
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    if words.len() != 5 || words[0] != "%%matrixmarket" || words[1] != "matrix" {
        return Err(err(
            1,
            "not a Matrix Market banner ('%%MatrixMarket matrix coordinate real general')".into(),
        ));
    }
    if words[2] != "coordinate" {
        return Err(err(
            1,
            format!("format '{}' not supported (need 'coordinate')", words[2]),
        ));
    }
    let field = match words[3].as_str() {
        "real" | "double" => Field::Real,
        "integer" => Field::Integer,
        "pattern" => Field::Pattern,
        f => {
            return Err(err(
                1,
                format!("field '{f}' not supported (need real, integer or pattern)"),
            ))
        }
    };
    let symmetric = match words[4].as_str() {
        "general" => false,
        "symmetric" => true,
        s => {
            return Err(err(
                1,
                format!("symmetry '{s}' not supported (need general or symmetric)"),
            ))
        }
    };
    let mut body = lines.filter(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('%')
    });
    let (sl, size) = body
        .next()
        .ok_or_else(|| err(2, "missing size line".into()))?;
    let dims: Vec<u64> = size
        .split_whitespace()
        .map(|w| w.parse::<u64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| err(sl, format!("size line '{size}' is not three integers")))?;
    let [m, n, nnz] = dims[..] else {
        return Err(err(
            sl,
            format!("size line '{size}' is not 'rows cols entries'"),
        ));
    };
    if m == 0 || n == 0 || m >= u32::MAX as u64 || n >= u32::MAX as u64 {
        return Err(err(
            sl,
            format!("dimensions {m} × {n} must be in 1..{}", u32::MAX),
        ));
    }
    if symmetric && m != n {
        return Err(err(sl, "a symmetric matrix must be square".into()));
    }
    // Each entry needs at least 4 bytes of text, so this bounds the reservation.
    let mut triplets: Vec<(u32, u32, f64)> =
        Vec::with_capacity((nnz as usize).min(text.len() / 4 + 1));
    let mut seen = 0u64;
    for (ln, l) in body {
        seen += 1;
        if seen > nnz {
            return Err(err(ln, format!("more entries than the {nnz} declared")));
        }
        let mut w = l.split_whitespace();
        let idx = |s: Option<&str>, bound: u64| -> Result<u32> {
            let v: u64 = s
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| err(ln, format!("'{l}' does not start with two integer indices")))?;
            if v == 0 || v > bound {
                return Err(err(ln, format!("index {v} outside 1..={bound}")));
            }
            Ok((v - 1) as u32)
        };
        let i = idx(w.next(), m)?;
        let j = idx(w.next(), n)?;
        let v = match field {
            Field::Pattern => 1.0,
            _ => {
                let s = w.next().ok_or_else(|| err(ln, "missing value".into()))?;
                let v: f64 = s
                    .parse()
                    .map_err(|_| err(ln, format!("'{s}' is not a number")))?;
                if !v.is_finite() {
                    return Err(err(ln, "value is NaN or infinite".into()));
                }
                v
            }
        };
        if w.next().is_some() {
            return Err(err(ln, "extra fields after the value".into()));
        }
        if symmetric && j > i {
            return Err(err(
                ln,
                "symmetric files store the lower triangle only (row ≥ column)".into(),
            ));
        }
        triplets.push((i, j, v));
        if symmetric && i != j {
            triplets.push((j, i, v));
        }
    }
    if seen != nnz {
        return Err(err(
            sl,
            format!("declares {nnz} entries but the file has {seen}"),
        ));
    }
    let csr = Csr::from_triplets(m as u32, n as u32, triplets)
        .map_err(|what| PackError::input(path, None, what))?;
    Ok((csr, Banner { field, symmetric }))
}
