//! `rvf-pack inspect`: every segment with type, offset, lengths, hash
//! algorithm and status; decoded WASM headers; sparse and vector shapes.

use super::describe;
use super::{print_json, CmdResult, Failure};
use clap::Args;
use loader::container::{self, RvfFile};
use loader::MappedFile;
use rvf_spec::exit::Exit;
use serde_json::{json, Value};
use std::path::PathBuf;

/// Show the segments of an RVF file
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  rvf-pack inspect data.rvf\n  rvf-pack inspect data.rvf --segment 2 --json"
)]
pub struct InspectArgs {
    /// The RVF file
    pub file: PathBuf,
    /// Show one segment (directory index) in full
    #[arg(long)]
    pub segment: Option<usize>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: InspectArgs) -> CmdResult {
    let map = MappedFile::open(&a.file)?;
    let data = map.bytes();
    let file = match RvfFile::parse(data) {
        Ok(f) => f,
        Err(loader::Error::ManifestNotFound { .. }) => return walk_only(data, &a),
        Err(e) => return Err(super::in_file(&a.file, e)),
    };
    let segs: Vec<Value> = file
        .segments()
        .map(|(i, s)| match s {
            Ok(s) => describe::segment(Some(i), &s),
            Err(e) => json!({"index": i, "error": e.to_string()}),
        })
        .collect();
    if let Some(n) = a.segment {
        let v = segs.get(n).ok_or_else(|| {
            Failure::usage(format!(
                "no segment {n}: the directory lists {} segments",
                segs.len()
            ))
        })?;
        if a.json {
            print_json(v);
        } else {
            print_fields(v, 0);
        }
        return Ok(Exit::Ok);
    }
    let mut out = describe::file(&file);
    out["segments"] = json!(segs);
    if a.json {
        print_json(&out);
    } else {
        let m = &out["manifest"];
        println!(
            "{}: {} bytes, {} dialect{}",
            a.file.display(),
            out["file_length"],
            out["dialect"].as_str().unwrap_or(""),
            if file.has_root_page() {
                ", signed root page"
            } else {
                ""
            }
        );
        let vectors = match m["total_vectors"].as_u64() {
            Some(0) | None => String::new(),
            Some(n) => format!(
                ", {n} vectors of dim {} ({} metric)",
                m["dimension"],
                m["metric"].as_str().unwrap_or("unknown")
            ),
        };
        println!(
            "manifest at offset {} (epoch {}{vectors}, hash {})",
            m["offset"],
            m["epoch"],
            m["hash_status"].as_str().unwrap_or("")
        );
        table(&segs);
    }
    Ok(Exit::Ok)
}

/// One segment's fields as indented `key: value` lines (nested objects indented).
fn print_fields(v: &Value, depth: usize) {
    let Some(obj) = v.as_object() else { return };
    for (k, x) in obj {
        let pad = "  ".repeat(depth);
        match x {
            Value::Object(_) => {
                println!("{pad}{k}:");
                print_fields(x, depth + 1);
            }
            Value::String(s) => println!("{pad}{k}: {s}"),
            other => println!("{pad}{k}: {other}"),
        }
    }
}

fn table(segs: &[Value]) {
    println!(
        "{:>3}  {:<9} {:>10} {:>10} {:>5} {:<14}  {:<16} detail",
        "#", "type", "offset", "payload", "id", "checksum", "hash"
    );
    for s in segs {
        if let Some(e) = s.get("error") {
            println!("{:>3}  ERROR: {}", s["index"], e.as_str().unwrap_or(""));
            continue;
        }
        println!(
            "{:>3}  {:<9} {:>10} {:>10} {:>5} {:<14}  {:<16} {}",
            s["index"]
                .as_u64()
                .map(|i| i.to_string())
                .unwrap_or("-".into()),
            s["type"].as_str().unwrap_or(""),
            s["offset"].to_string(),
            s["payload_length"].to_string(),
            s["segment_id"].to_string(),
            s["checksum"].as_str().unwrap_or(""),
            format!(
                "{}{}",
                s["hash_status"].as_str().unwrap_or(""),
                if s["signed"] == true { ", signed" } else { "" }
            ),
            describe::detail_line(s)
        );
    }
}

/// No manifest: show what a plain header walk finds.
fn walk_only(data: &[u8], a: &InspectArgs) -> CmdResult {
    let (end, _) = container::body_end(data);
    let dialect = container::detect_dialect(data, end);
    let w = container::walk(data, end, dialect);
    let segs: Vec<Value> = w
        .segments
        .iter()
        .map(|s| describe::segment(None, s))
        .collect();
    let out = json!({
        "file_length": data.len(),
        "dialect": dialect.name(),
        "manifest": null,
        "walk_stopped": w.stopped.as_ref().map(|e| e.to_string()),
        "segments": segs,
    });
    if a.json {
        print_json(&out);
    } else {
        println!(
            "{}: no manifest found; {} segment headers by walking the file",
            a.file.display(),
            segs.len()
        );
        table(&segs);
        if let Some(e) = &w.stopped {
            println!("walk stopped: {e}");
        }
    }
    Ok(Exit::BadContainer)
}
