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
    pub file: PathBuf,
    /// Show one segment (directory index) in full
    #[arg(long)]
    pub segment: Option<usize>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: InspectArgs) -> CmdResult {
    let map = MappedFile::open(&a.file)?;
    let data = map.bytes();
    let file = match RvfFile::parse(data) {
        Ok(f) => f,
        Err(loader::Error::ManifestNotFound { .. }) => return walk_only(data, &a),
        Err(e) => return Err(e.into()),
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
            println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
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
        println!(
            "manifest at offset {} (epoch {}, {} vectors of dim {}, hash {})",
            m["offset"],
            m["epoch"],
            m["total_vectors"],
            m["dimension"],
            m["hash_status"].as_str().unwrap_or("")
        );
        table(&segs);
    }
    Ok(Exit::Ok)
}

fn table(segs: &[Value]) {
    println!(
        "{:>3}  {:<9} {:>10} {:>10} {:>5} {:>4}  {:<16} detail",
        "#", "type", "offset", "payload", "id", "algo", "hash"
    );
    for s in segs {
        if let Some(e) = s.get("error") {
            println!("{:>3}  ERROR: {}", s["index"], e.as_str().unwrap_or(""));
            continue;
        }
        println!(
            "{:>3}  {:<9} {:>10} {:>10} {:>5} {:>4}  {:<16} {}",
            s["index"]
                .as_u64()
                .map(|i| i.to_string())
                .unwrap_or("-".into()),
            s["type"].as_str().unwrap_or(""),
            s["offset"].to_string(),
            s["payload_length"].to_string(),
            s["segment_id"].to_string(),
            s["checksum_algo"].to_string(),
            s["hash_status"].as_str().unwrap_or(""),
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
