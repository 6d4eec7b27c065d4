//! CSV / TSV / text: one vector per row, or one number per line for a
//! right-hand side. Streamed line by line with a bound on the line length;
//! `#` starts a comment line.
//!
//! The first row is skipped as a header only with `--header`, or when
//! every cell of it is non-numeric (then a note says so); a first row with
//! a typo in one cell (`1.0,2.O`) is an error naming the cell, never a
//! silently dropped row. The separator is `,` for `.csv`, tab for `.tsv`,
//! and for other text a comma when the line has one, else blanks (spaces
//! and tabs).

use super::lines::{LineError, Lines};
use super::source::Source;
use super::{memory, parse_f64, quote, to_f32, Format, Loaded, Vectors};
use crate::error::{PackError, Result};
use std::io::BufReader;
use std::path::Path;

/// The most columns a vector may have (the VEC segment's `dim` is a u16).
pub const MAX_DIM: usize = u16::MAX as usize;
/// The longest row of vectors: 64 bytes for each of 65 535 numbers.
pub const MAX_ROW_BYTES: usize = 4 << 20;
/// The longest line of a right-hand side (one number, a comment after it).
pub const MAX_RHS_LINE_BYTES: usize = 64 << 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sep {
    Comma,
    Tab,
    Blanks,
}

impl Sep {
    fn name(self) -> &'static str {
        match self {
            Sep::Comma => ",",
            Sep::Tab => "\\t",
            Sep::Blanks => "blanks",
        }
    }
}

/// The cells of `text`, at most `max` of them; trailing empty cells (a
/// trailing separator) are dropped.
fn split<'t>(text: &'t str, sep: Sep, max: usize) -> std::result::Result<Vec<&'t str>, String> {
    let mut cells = Vec::new();
    let mut push = |c: &'t str| {
        if cells.len() == max {
            return Err(format!("more than {max} columns"));
        }
        let c = c.trim();
        let c = c
            .strip_prefix('"')
            .and_then(|c| c.strip_suffix('"'))
            .unwrap_or(c);
        cells.push(c);
        Ok(())
    };
    match sep {
        Sep::Comma => text.split(',').try_for_each(&mut push)?,
        Sep::Tab => text.split('\t').try_for_each(&mut push)?,
        Sep::Blanks => text.split_ascii_whitespace().try_for_each(&mut push)?,
    }
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    Ok(cells)
}

/// What a row pass found.
struct Rows {
    sep: Sep,
    notes: Vec<String>,
    header: bool,
}

/// Call `row(name, line, cells, first)` for every data row, handling the
/// header.
fn rows(
    src: Source,
    format: Format,
    header: bool,
    max_line: usize,
    max_cells: usize,
    mut row: impl FnMut(&Path, u64, &[&str], bool) -> Result<()>,
) -> Result<Rows> {
    let sep = match format {
        Format::Csv => Some(Sep::Comma),
        Format::Tsv => Some(Sep::Tab),
        _ => None,
    };
    let name = src.name.clone();
    let err = |line: u64, what: String| PackError::input(&name, Some(format!("line {line}")), what);
    let mut lines = Lines::new(BufReader::with_capacity(1 << 20, src), max_line, Some(b'#'));
    let mut out = Rows {
        sep: Sep::Comma,
        notes: Vec::new(),
        header: false,
    };
    let mut first = true;
    let mut used = None;
    loop {
        let (line, bytes) = match lines.next_data() {
            Ok(Some(l)) => l,
            Ok(None) => break,
            Err(LineError::TooLong { line, max }) => {
                return Err(err(
                    line,
                    format!(
                    "line is longer than {}, the limit for a row of at most {max_cells} numbers",
                    memory::short(max as u64)
                ),
                ))
            }
            Err(LineError::Io(e)) => return Err(PackError::io(&name, e)),
        };
        let text = std::str::from_utf8(bytes).map_err(|e| {
            err(
                line,
                format!("not UTF-8 text (byte {} of the line)", e.valid_up_to() + 1),
            )
        })?;
        // A UTF-8 byte order mark (spreadsheet exports) is not part of a cell.
        let text = match text.strip_prefix('\u{feff}') {
            Some(t) if first => t,
            _ => text,
        };
        // Plain text: each line's own separator (a header of one word
        // says nothing about the rows).
        let s = sep.unwrap_or(if text.contains(',') {
            Sep::Comma
        } else {
            Sep::Blanks
        });
        let cells = split(text, s, max_cells).map_err(|what| err(line, what))?;
        if cells.is_empty() {
            continue;
        }
        let is_first = std::mem::replace(&mut first, false);
        if is_first && (header || cells.iter().all(|c| c.parse::<f64>().is_err())) {
            let why = if header { " (--header)" } else { "" };
            out.notes
                .push(format!("skipped header row{why}: {}", quote(bytes)));
            out.header = true;
            continue;
        }
        row(&name, line, &cells, is_first)?;
        used.get_or_insert(s);
    }
    out.sep = used.or(sep).unwrap_or(Sep::Comma);
    Ok(out)
}

/// A cell that is not a number, with a hint when it is on the first row.
fn bad_cell(what: String, column: usize, first: bool, line: u64) -> String {
    let hint = if first {
        format!("; if line {line} is a header, pass --header")
    } else {
        String::new()
    };
    format!("{what} (column {column}){hint}")
}

/// Vectors, one per row; every row has the first row's number of columns.
pub fn vectors(src: Source, format: Format, header: bool) -> Result<Loaded<Vectors>> {
    let mut data: Vec<f32> = Vec::new();
    let mut dim = 0usize;
    let name = src.name.clone();
    let r = rows(
        src,
        format,
        header,
        MAX_ROW_BYTES,
        MAX_DIM,
        |name, line, cells, first| {
            let err = |what: String| PackError::input(name, Some(format!("line {line}")), what);
            if dim == 0 {
                dim = cells.len();
            } else if cells.len() != dim {
                return Err(err(format!("{} columns, expected {dim}", cells.len())));
            }
            memory::grow(&mut data, dim, "the vectors").map_err(|e| err(e.to_string()))?;
            for (k, c) in cells.iter().enumerate() {
                let cell_err = |what| err(bad_cell(what, k + 1, first, line));
                if c.is_empty() {
                    return Err(cell_err("empty cell".into()));
                }
                let x = parse_f64(c).map_err(cell_err)?;
                data.push(to_f32(x).map_err(cell_err)?);
            }
            Ok(())
        },
    )?;
    if dim == 0 {
        return Err(PackError::input(&name, None, "no numeric rows"));
    }
    let mut l = Loaded::new(Vectors { dim, data }, &name, format)
        .fact("separator", r.sep.name())
        .fact("header_skipped", r.header);
    l.notes = r.notes;
    Ok(l)
}

/// One number per line (a right-hand side).
pub fn column(src: Source, format: Format, header: bool) -> Result<Loaded<Vec<f64>>> {
    let mut out: Vec<f64> = Vec::new();
    let name = src.name.clone();
    let r = rows(
        src,
        format,
        header,
        MAX_RHS_LINE_BYTES,
        1 << 16,
        |name, line, cells, first| {
            let err = |what: String| PackError::input(name, Some(format!("line {line}")), what);
            if cells.len() != 1 {
                return Err(err("expected one number per line".into()));
            }
            let x = parse_f64(cells[0]).map_err(|what| err(bad_cell(what, 1, first, line)))?;
            memory::grow(&mut out, 1, "the right-hand side").map_err(|e| err(e.to_string()))?;
            out.push(x);
            Ok(())
        },
    )?;
    let mut l = Loaded::new(out, &name, format)
        .fact("separator", r.sep.name())
        .fact("header_skipped", r.header);
    l.notes = r.notes;
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn vecs(text: &str, header: bool) -> Result<Loaded<Vectors>> {
        let src = Source::from_bytes(Path::new("v.csv"), text.as_bytes().to_vec());
        vectors(src, Format::Csv, header)
    }

    #[test]
    fn a_typo_in_the_first_row_is_an_error_not_a_header() {
        let e = vecs("1.0,2.O\n3,4\n", false).unwrap_err().to_string();
        assert!(
            e.contains("v.csv: line 1: '2.O' is not a number (column 2)"),
            "{e}"
        );
        assert!(e.contains("pass --header"), "{e}");
        // An all-text first row is skipped, and said so.
        let l = vecs("x,y\n1,2\n", false).unwrap();
        assert_eq!(l.value.data, vec![1.0, 2.0]);
        assert_eq!(l.notes, vec!["skipped header row: x,y"]);
        // --header skips whatever the first row holds.
        let l = vecs("1.0,2.O\n3,4\n", true).unwrap();
        assert_eq!((l.value.dim, l.value.count()), (2, 1));
        assert!(l.notes[0].starts_with("skipped header row (--header)"));
        // Later rows are never headers.
        let e = vecs("1,2\nx,y\n", false).unwrap_err().to_string();
        assert!(e.contains("line 2: 'x' is not a number (column 1)"), "{e}");
    }

    #[test]
    fn limits_are_checked_while_reading() {
        let wide = "1,".repeat(MAX_DIM + 1);
        let e = vecs(&wide, false).unwrap_err().to_string();
        assert!(e.contains("line 1: more than 65535 columns"), "{e}");
        let long = format!("{}\n", "1".repeat(MAX_ROW_BYTES + 1));
        let e = vecs(&long, false).unwrap_err().to_string();
        assert!(e.contains("line 1: line is longer than 4.0 MiB"), "{e}");
        let e = vecs("1,1e39\n", false).unwrap_err().to_string();
        assert!(e.contains("line 1: value 1e39 is out of f32 range"), "{e}");
        let e = vecs("1,inf\n", false).unwrap_err().to_string();
        assert!(e.contains("NaN or infinite"), "{e}");
        let e = vecs("1,,2\n", false).unwrap_err().to_string();
        assert!(e.contains("empty cell (column 2)"), "{e}");
        let src = Source::from_bytes(Path::new("v.csv"), b"1,2\n3,\xff\n".to_vec());
        let e = vectors(src, Format::Csv, false).unwrap_err().to_string();
        assert!(e.contains("line 2: not UTF-8 text"), "{e}");
    }

    #[test]
    fn separators_and_columns() {
        let src = Source::from_bytes(Path::new("v.txt"), b"1 2  3\n4\t5 6\n".to_vec());
        let l = vectors(src, Format::Text, false).unwrap();
        assert_eq!(l.value.data, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let bom = Source::from_bytes(Path::new("v.csv"), b"\xef\xbb\xbf1,2\n".to_vec());
        assert_eq!(
            vectors(bom, Format::Csv, false).unwrap().value.data,
            vec![1.0, 2.0]
        );
        let src = Source::from_bytes(Path::new("b.txt"), b"b\n1\n# c\n2.5,\n".to_vec());
        let l = column(src, Format::Text, false).unwrap();
        assert_eq!(l.value, vec![1.0, 2.5]);
        let src = Source::from_bytes(Path::new("b.txt"), b"1\n1e400\n".to_vec());
        let e = column(src, Format::Text, false).unwrap_err().to_string();
        assert!(
            e.contains("line 2: value '1e400' is out of f64 range"),
            "{e}"
        );
    }
}
