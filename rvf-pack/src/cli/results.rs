//! Showing and saving a run's results: the table, the JSON rows, and
//! `--out` files in the format their extension names (NPY, CSV, text).

use super::Failure;
use rvf_host::labels::Labels;
use rvf_host::Outcome;
use rvf_spec::abi::{result_kind, Method};
use rvf_spec::results::Results;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;

/// The heading of the value column for this run.
pub fn value_label(out: &Outcome) -> &'static str {
    match out.method() {
        Some(Method::Knn) => rvf_spec::abi::Metric::from_id(out.params.metric)
            .map_or("distance", |m| m.value_label()),
        Some(m) => m.value_label(),
        None => "value",
    }
}

/// Rows as JSON: dense results as a list of values, pairs as objects
/// (with their `label` when the data has labels).
pub fn rows_json(r: &Results, limit: usize, labels: Option<&Labels>) -> Value {
    match r {
        Results::Dense(x) => json!(x.iter().take(limit).collect::<Vec<_>>()),
        Results::Pairs(p) => json!(p
            .iter()
            .take(limit)
            .map(|(i, v)| match labels {
                Some(l) => json!({"index": i, "label": l.get(u64::from(*i)), "value": v}),
                None => json!({"index": i, "value": v}),
            })
            .collect::<Vec<_>>()),
    }
}

/// The labels of the first `limit` dense results (index *i* = row *i*), for
/// `--json`'s `labels` list; pairs carry theirs in each row.
pub fn dense_labels_json(r: &Results, limit: usize, labels: &Labels) -> Option<Value> {
    match r {
        Results::Dense(x) => Some(json!((0..x.len().min(limit) as u64)
            .map(|i| labels.get(i))
            .collect::<Vec<_>>())),
        Results::Pairs(_) => None,
    }
}

/// Print the first `top` rows (push scores highest first), with a label
/// column when the data has labels.
pub fn print_table(r: &Results, out: &Outcome, top: usize, labels: Option<&Labels>) {
    let mut rows: Vec<(u32, f64)> = r.rows().collect();
    if matches!(out.method(), Some(Method::PprForward | Method::PprBackward)) {
        rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    if out.report.result_kind == result_kind::DENSE_F64 {
        println!(
            "  {} values (use --out FILE to save them all); first {}:",
            rows.len(),
            top.min(rows.len())
        );
    }
    let shown = &rows[..top.min(rows.len())];
    match labels {
        None => {
            println!("  {:>10}  {}", "index", value_label(out));
            for (i, v) in shown {
                println!("  {i:>10}  {v:.12e}");
            }
        }
        Some(l) => {
            let name = |i: u32| l.get(u64::from(i)).unwrap_or("");
            let w = shown
                .iter()
                .map(|(i, _)| name(*i).chars().count())
                .chain([5])
                .max()
                .unwrap_or(5)
                .min(32);
            println!("  {:>10}  {:<w$}  {}", "index", "label", value_label(out));
            for (i, v) in shown {
                let text: String = name(*i).chars().take(w).collect();
                println!("  {i:>10}  {text:<w$}  {v:.12e}");
            }
        }
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Write every row to `path` in the format its extension names (never
/// over one of `inputs`).
pub fn write(
    path: &Path,
    inputs: &[&Path],
    r: &Results,
    labels: Option<&Labels>,
) -> Result<(), Failure> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = match ext {
        "npy" => Format::Npy,
        "csv" => Format::Csv,
        "txt" => Format::Text,
        _ => {
            return Err(Failure::usage(format!(
                "--out {}: unknown format '.{ext}'; use .npy, .csv or .txt",
                path.display()
            )))
        }
    };
    rvf_pack::output::Destination::resolve(path, inputs)?.write(|w| {
        let io = |e: std::io::Error| rvf_pack::PackError::io(path, e);
        match format {
            Format::Npy => w.write_all(&npy(r)).map_err(io),
            Format::Csv => {
                match labels {
                    None => writeln!(w, "index,value").map_err(io)?,
                    Some(_) => writeln!(w, "index,label,value").map_err(io)?,
                }
                for (i, v) in r.rows() {
                    match labels {
                        None => writeln!(w, "{i},{v:e}").map_err(io)?,
                        Some(l) => {
                            let name = csv_field(l.get(u64::from(i)).unwrap_or(""));
                            writeln!(w, "{i},{name},{v:e}").map_err(io)?
                        }
                    }
                }
                Ok(())
            }
            Format::Text => {
                for (i, v) in r.rows() {
                    writeln!(w, "{i} {v:e}").map_err(io)?;
                }
                Ok(())
            }
        }
    })?;
    Ok(())
}

enum Format {
    Npy,
    Csv,
    Text,
}

/// An NPY (v1.0) file: dense results as a 1-D `<f8` array; pairs as a 1-D
/// structured array of `('index', '<u4'), ('value', '<f8')` records.
pub fn npy(r: &Results) -> Vec<u8> {
    let (descr, n) = match r {
        Results::Dense(x) => ("'<f8'".to_string(), x.len()),
        Results::Pairs(p) => ("[('index', '<u4'), ('value', '<f8')]".to_string(), p.len()),
    };
    let mut header = format!("{{'descr': {descr}, 'fortran_order': False, 'shape': ({n},), }}");
    // Magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut b = Vec::with_capacity(10 + header.len() + n * 12);
    b.extend_from_slice(b"\x93NUMPY\x01\x00");
    b.extend_from_slice(&(header.len() as u16).to_le_bytes());
    b.extend_from_slice(header.as_bytes());
    match r {
        Results::Dense(x) => x.iter().for_each(|v| b.extend_from_slice(&v.to_le_bytes())),
        Results::Pairs(p) => p.iter().for_each(|(i, v)| {
            b.extend_from_slice(&i.to_le_bytes());
            b.extend_from_slice(&v.to_le_bytes());
        }),
    }
    b
}
