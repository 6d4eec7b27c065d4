//! Matrix Market coordinate files: `real`, `integer` or `pattern` values,
//! `general` or `symmetric` structure. Duplicates are summed (as assembly
//! does; a sum that overflows is refused); symmetric files are mirrored.
//!
//! Streamed line by line: data lines are bounded in length and must be
//! ASCII; comment lines (`%`) may hold any bytes and are skipped unread.
//! The entry count in the size line is checked against the entries present
//! and bounded by the file's length before anything is reserved from it,
//! and the memory the dimensions alone require is checked up front.

use super::lines::{LineError, Lines};
use super::progress::Progress;
use super::source::{self, Role, Source};
use super::{memory, parse_f64, quote, Format, Loaded};
use crate::error::{PackError, Result};
use crate::sparse::{Csr, CsrError};
use std::io::BufReader;
use std::path::Path;

/// The longest data line accepted (comment lines are not limited).
pub const MAX_LINE_BYTES: usize = 4 << 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Real,
    Integer,
    Pattern,
}

impl Field {
    pub fn name(self) -> &'static str {
        match self {
            Field::Real => "real",
            Field::Integer => "integer",
            Field::Pattern => "pattern",
        }
    }
}

/// What the banner said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Banner {
    pub field: Field,
    pub symmetric: bool,
}

/// What packing the matrix will allocate besides it, for the up-front
/// memory check on its dimensions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// A right-hand side of `rows` values will be read and stored.
    pub rhs: bool,
    /// The transpose will be stored.
    pub transpose: bool,
}

impl Needs {
    /// Bytes an m × n matrix needs for its pointer arrays alone: the row
    /// pointers and their copy in the segment, a right-hand side read and
    /// stored, the transpose's column pointers and their cursor.
    pub fn bytes(self, m: u64, n: u64) -> u64 {
        let mut b = 8 * (m + 1);
        if self.rhs {
            b += 16 * m;
        }
        if self.transpose {
            b += 8 * (n + 1);
        }
        b
    }
}

/// Read a path (or stdin for `-`).
pub fn read(path: &Path) -> Result<(Csr, Banner)> {
    Ok(read_source(source::open(path, Role::Matrix, &())?, Needs::default())?.value)
}

/// Parse Matrix Market text held in memory.
pub fn parse(path: &Path, text: &str) -> Result<(Csr, Banner)> {
    let src = Source::from_bytes(path, text.as_bytes().to_vec());
    Ok(read_source(src, Needs::default())?.value)
}

/// Read an opened source.
pub fn read_source(src: Source, needs: Needs) -> Result<Loaded<(Csr, Banner)>> {
    let (name, len, progress) = (src.name.clone(), src.len, src.progress());
    let err = |line: u64, what: String| PackError::input(&name, Some(format!("line {line}")), what);
    let mut lines = Lines::new(
        BufReader::with_capacity(1 << 20, src),
        MAX_LINE_BYTES,
        Some(b'%'),
    );
    let next = |l: &mut Lines<_>, any: bool| -> Result<Option<(u64, String)>> {
        match l.next_any(!any) {
            Ok(None) => Ok(None),
            Ok(Some((n, b))) => match std::str::from_utf8(b).ok().filter(|s| s.is_ascii()) {
                Some(s) => Ok(Some((n, s.to_string()))),
                None => {
                    let at = b.iter().position(|c| !c.is_ascii()).unwrap_or(0);
                    Err(err(
                        n,
                        format!("not ASCII text (byte 0x{:02x} at column {})", b[at], at + 1),
                    ))
                }
            },
            Err(LineError::TooLong { line, max }) => Err(err(
                line,
                format!(
                    "line is longer than {max} bytes (not a Matrix Market {})",
                    if line == 1 { "banner" } else { "data line" }
                ),
            )),
            Err(LineError::Io(e)) => Err(PackError::io(&name, e)),
        }
    };
    let (_, banner) = next(&mut lines, true)?.ok_or_else(|| err(1, "empty file".into()))?;
    let b = parse_banner(&banner).map_err(|what| err(1, what))?;
    let (sl, size) = next(&mut lines, false)?.ok_or_else(|| err(2, "missing size line".into()))?;
    let dims: Vec<u64> = size
        .split_whitespace()
        .map(|w| w.parse::<u64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| {
            err(
                sl,
                format!(
                    "size line '{}' is not three integers",
                    quote(size.as_bytes())
                ),
            )
        })?;
    let [m, n, nnz] = dims[..] else {
        return Err(err(
            sl,
            format!(
                "size line '{}' is not 'rows cols entries'",
                quote(size.as_bytes())
            ),
        ));
    };
    if m == 0 || n == 0 || m >= u32::MAX as u64 || n >= u32::MAX as u64 {
        return Err(err(
            sl,
            format!("dimensions {m} × {n} must be in 1..{}", u32::MAX),
        ));
    }
    if b.symmetric && m != n {
        return Err(err(sl, "a symmetric matrix must be square".into()));
    }
    // Each entry takes at least "i j" and a line break (4 bytes).
    if let Some(len) = len.filter(|&l| nnz > l.div_ceil(4)) {
        return Err(err(
            sl,
            format!(
                "declares {nnz} entries, but a file of {len} bytes holds at most {}",
                len.div_ceil(4)
            ),
        ));
    }
    memory::check_available(
        needs.bytes(m, n),
        format!("packing a {m} × {n} matrix (its row and column pointers)"),
    )
    .map_err(|e| err(sl, e.to_string()))?;
    let mirror = if b.symmetric { 2 } else { 1 };
    let first = nnz.min(len.map_or(1 << 16, |l| l.div_ceil(4))) * mirror;
    let mut triplets: Vec<(u32, u32, f64)> =
        memory::with_capacity(first as usize, "the matrix entries")
            .map_err(|e| err(sl, e.to_string()))?;
    let mut seen = 0u64;
    while let Some((ln, l)) = next(&mut lines, false)? {
        seen += 1;
        if seen > nnz {
            return Err(err(ln, format!("more entries than the {nnz} declared")));
        }
        let (i, j, v) = parse_entry(&l, b.field, m, n).map_err(|what| err(ln, what))?;
        if b.symmetric && j > i {
            return Err(err(
                ln,
                "symmetric files store the lower triangle only (row ≥ column)".into(),
            ));
        }
        memory::grow(&mut triplets, mirror as usize, "the matrix entries")
            .map_err(|e| err(ln, e.to_string()))?;
        triplets.push((i, j, v));
        if b.symmetric && i != j {
            triplets.push((j, i, v));
        }
    }
    if seen != nnz {
        return Err(err(
            sl,
            format!("declares {nnz} entries but the file has {seen}"),
        ));
    }
    let stored = triplets.len();
    let csr = Csr::from_triplets_with(m as u32, n as u32, triplets, progress as &dyn Progress)
        .map_err(|e| match e {
            CsrError::NotFinite { row, col, value } => PackError::input(
                &name,
                None,
                format!(
                    "entry ({}, {}): its duplicates sum to {value}, which is not finite (f64 overflows past ±{:e})",
                    row as u64 + 1,
                    col as u64 + 1,
                    f64::MAX
                ),
            ),
            other => PackError::input(&name, None, other.to_string()),
        })?;
    let summed = stored - csr.nnz();
    Ok(Loaded::new((csr, b), &name, Format::MatrixMarket)
        .fact("field", b.field.name())
        .fact(
            "symmetry",
            if b.symmetric { "symmetric" } else { "general" },
        )
        .fact("entries", nnz)
        .fact("duplicates_summed", summed))
}

fn parse_banner(banner: &str) -> std::result::Result<Banner, String> {
    let words: Vec<String> = banner
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    if words.len() != 5 || words[0] != "%%matrixmarket" || words[1] != "matrix" {
        return Err(
            "not a Matrix Market banner ('%%MatrixMarket matrix coordinate real general')".into(),
        );
    }
    if words[2] != "coordinate" {
        return Err(format!(
            "format '{}' not supported (need 'coordinate')",
            quote(words[2].as_bytes())
        ));
    }
    let field = match words[3].as_str() {
        "real" | "double" => Field::Real,
        "integer" => Field::Integer,
        "pattern" => Field::Pattern,
        f => {
            return Err(format!(
                "field '{}' not supported (need real, integer or pattern)",
                quote(f.as_bytes())
            ))
        }
    };
    let symmetric = match words[4].as_str() {
        "general" => false,
        "symmetric" => true,
        s => {
            return Err(format!(
                "symmetry '{}' not supported (need general or symmetric)",
                quote(s.as_bytes())
            ))
        }
    };
    Ok(Banner { field, symmetric })
}

/// One entry line: 0-based row and column, and the value.
fn parse_entry(
    l: &str,
    field: Field,
    m: u64,
    n: u64,
) -> std::result::Result<(u32, u32, f64), String> {
    let mut w = l.split_whitespace();
    let idx = |s: Option<&str>, bound: u64| -> std::result::Result<u32, String> {
        let v: u64 = s.and_then(|s| s.parse().ok()).ok_or_else(|| {
            format!(
                "'{}' does not start with two integer indices",
                quote(l.as_bytes())
            )
        })?;
        if v == 0 || v > bound {
            return Err(format!("index {v} outside 1..={bound}"));
        }
        Ok((v - 1) as u32)
    };
    let i = idx(w.next(), m)?;
    let j = idx(w.next(), n)?;
    let v = match field {
        Field::Pattern => 1.0,
        _ => parse_f64(w.next().ok_or("missing value")?)?,
    };
    if w.next().is_some() {
        return Err("extra fields after the value".into());
    }
    Ok((i, j, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "m.mtx";

    fn parse_err(text: &[u8]) -> String {
        let src = Source::from_bytes(Path::new(P), text.to_vec());
        read_source(src, Needs::default()).unwrap_err().to_string()
    }

    #[test]
    fn duplicates_that_overflow_are_refused_with_their_position() {
        let e = parse_err(
            b"%%MatrixMarket matrix coordinate real general\n2 2 2\n2 1 1e308\n2 1 1e308\n",
        );
        assert!(
            e.contains("m.mtx: entry (2, 1): its duplicates sum to inf"),
            "{e}"
        );
        let l = read_source(
            Source::from_bytes(
                Path::new(P),
                b"%%MatrixMarket matrix coordinate real general\n1 1 2\n1 1 1\n1 1 2\n".to_vec(),
            ),
            Needs::default(),
        )
        .unwrap();
        assert_eq!(l.value.0.values, vec![3.0]);
        assert_eq!(l.facts["duplicates_summed"], 1);
    }

    #[test]
    fn comments_may_hold_any_bytes_and_data_lines_must_be_ascii() {
        let ok = b"%%MatrixMarket matrix coordinate real general\n% caf\xe9 (Latin-1)\n1 1 1\n%\xff\xfe\n1 1 2.5\n";
        let src = Source::from_bytes(Path::new(P), ok.to_vec());
        assert_eq!(
            read_source(src, Needs::default()).unwrap().value.0.values,
            vec![2.5]
        );
        let e = parse_err(b"%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 2\xe9\n");
        assert!(
            e.contains("m.mtx: line 3: not ASCII text (byte 0xe9 at column 6)"),
            "{e}"
        );
    }

    #[test]
    fn counts_are_bounded_before_anything_is_reserved() {
        let e =
            parse_err(b"%%MatrixMarket matrix coordinate real general\n2 2 1000000000000\n1 1 1\n");
        assert!(
            e.contains("line 2: declares 1000000000000 entries, but a file of"),
            "{e}"
        );
        // 4294967294 rows: the pointers alone need 32 GiB.
        let huge = b"%%MatrixMarket matrix coordinate real general\n4294967294 1 1\n1 1 1\n";
        // (Only where that is more than the memory available: elsewhere
        // reading it would really allocate it.)
        if memory::available().is_some_and(|a| a < Needs::default().bytes(4294967294, 1)) {
            let e = parse_err(huge);
            assert!(
                e.contains("line 2: packing a 4294967294 × 1 matrix") && e.contains("GiB"),
                "{e}"
            );
        }
        let long = format!(
            "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 {}\n",
            "1".repeat(5000)
        );
        let e = parse_err(long.as_bytes());
        assert!(e.contains("line 3: line is longer than 4096 bytes"), "{e}");
        let e = parse_err(&[0u8; 10_000]);
        assert!(e.contains("line 1"), "{e}");
        let e = parse_err(
            format!(
                "%%MatrixMarket matrix coordinate real general\n1 1 1\n{} 1 1\n",
                "9".repeat(200)
            )
            .as_bytes(),
        );
        assert!(
            e.contains("…' does not start with two integer indices"),
            "{e}"
        );
    }
}
