//! CSV / whitespace text via the `csv` crate: one vector per row (a header
//! row of non-numbers is skipped), or one number per line for a column.

use super::{check_finite_f32, Vectors};
use crate::error::{PackError, Result};
use std::path::Path;

fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>> {
    let f = std::fs::File::open(path).map_err(|e| PackError::io(path, e))?;
    let tsv = path.extension().is_some_and(|e| e == "tsv");
    Ok(csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(if tsv { b'\t' } else { b',' })
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(f))
}

/// Parse every record into numbers; the first record may be a header.
fn records(path: &Path) -> Result<Vec<(u64, Vec<f64>)>> {
    let mut out = Vec::new();
    for (i, rec) in reader(path)?.records().enumerate() {
        let rec = rec.map_err(|e| PackError::input(path, None, format!("CSV error: {e}")))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(i as u64 + 1);
        let fields: Vec<&str> = rec.iter().filter(|f| !f.is_empty()).collect();
        if fields.is_empty() {
            continue;
        }
        let parsed: std::result::Result<Vec<f64>, _> =
            fields.iter().map(|f| f.parse::<f64>()).collect();
        match parsed {
            Ok(v) => out.push((line, v)),
            Err(_) if out.is_empty() && i == 0 => continue, // header row
            Err(_) => {
                let bad = fields
                    .iter()
                    .find(|f| f.parse::<f64>().is_err())
                    .unwrap_or(&"");
                return Err(PackError::input(
                    path,
                    Some(format!("line {line}")),
                    format!("'{bad}' is not a number"),
                ));
            }
        }
    }
    Ok(out)
}

pub fn read_vectors(path: &Path) -> Result<Vectors> {
    let recs = records(path)?;
    let Some((_, first)) = recs.first() else {
        return Err(PackError::input(path, None, "no numeric rows"));
    };
    let dim = first.len();
    if dim > u16::MAX as usize {
        return Err(PackError::input(
            path,
            Some("line 1".into()),
            "more than 65535 columns",
        ));
    }
    let mut data = Vec::with_capacity(recs.len() * dim);
    for (line, v) in &recs {
        if v.len() != dim {
            return Err(PackError::input(
                path,
                Some(format!("line {line}")),
                format!("{} columns, expected {dim}", v.len()),
            ));
        }
        data.extend(v.iter().map(|&x| x as f32));
    }
    check_finite_f32(path, &data, dim)?;
    Ok(Vectors { dim, data })
}

pub fn read_column(path: &Path) -> Result<Vec<f64>> {
    let mut out = Vec::new();
    for (line, v) in records(path)? {
        if v.len() != 1 {
            return Err(PackError::input(
                path,
                Some(format!("line {line}")),
                "expected one number per line",
            ));
        }
        if !v[0].is_finite() {
            return Err(PackError::input(
                path,
                Some(format!("line {line}")),
                "value is NaN or infinite",
            ));
        }
        out.push(v[0]);
    }
    Ok(out)
}
