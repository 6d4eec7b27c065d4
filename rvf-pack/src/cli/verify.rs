//! `rvf-pack verify`: check every hash and typed payload; non-zero exit on
//! any failure. "Not set" hashes are warnings, never counted as verified.

use super::{print_json, CmdResult};
use clap::Args;
use loader::verify::verify_file;
use loader::{MappedFile, RvfFile};
use rvf_spec::exit::Exit;
use rvf_spec::format::segment_type_name as type_name;
use serde_json::json;
use std::path::PathBuf;

/// Verify every segment of an RVF file (exit 1 on any failure)
#[derive(Args, Debug)]
#[command(after_help = "Example:\n  rvf-pack verify data.rvf --json")]
pub struct VerifyArgs {
    pub file: PathBuf,
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: VerifyArgs) -> CmdResult {
    let map = MappedFile::open(&a.file)?;
    let file = RvfFile::parse(map.bytes())?;
    let v = verify_file(&file);
    let ok = v.ok();
    if a.json {
        let segs: Vec<_> = v
            .segments
            .iter()
            .map(|s| {
                json!({
                    "index": s.index, "type": type_name(s.seg_type).to_string(), "offset": s.offset,
                    "segment_id": s.segment_id, "ok": s.ok(),
                    "findings": s.findings.iter().map(|f| json!({
                        "message": f.to_string(), "failure": f.is_failure(), "warning": f.is_warning()
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        print_json(&json!({
            "file": a.file, "ok": ok, "segments": segs,
            "unlisted_segments": v.unlisted.iter().map(|(o, t)| json!({"offset": o, "type": type_name(*t).to_string()})).collect::<Vec<_>>(),
            "walk_stopped": v.walk_stopped.as_ref().map(|e| e.to_string()),
            "rejected_newer_manifests": v.rejected_newer_manifests,
            "manifest_on_chain": v.manifest_on_chain,
            "witness": match &v.witness {
                Ok(c) => json!({"ok": true, "entries": c.entries.len(), "segments": c.segments,
                                "legacy_records": c.legacy_records}),
                Err(e) => json!({"ok": false, "error": e.to_string()}),
            },
        }));
    } else {
        for s in &v.segments {
            let idx = s.index.map(|i| i.to_string()).unwrap_or_else(|| "M".into());
            let status = if s.ok() { "ok  " } else { "FAIL" };
            let notes: Vec<String> = s.findings.iter().map(|f| f.to_string()).collect();
            println!(
                "{status} {idx:>3} {:<9} @{:<10} {}",
                type_name(s.seg_type),
                s.offset,
                notes.join("; ")
            );
        }
        for (o, t) in &v.unlisted {
            println!(
                "note: {} segment at offset {o} is not listed in the manifest",
                type_name(*t)
            );
        }
        if let Some(e) = &v.walk_stopped {
            println!("FAIL walking the file: {e}");
        }
        match &v.witness {
            Ok(c) if c.segments > 0 => println!(
                "ok   witness chain: {} entries in {} segments ({} legacy records, not verifiable)",
                c.entries.len(),
                c.segments,
                c.legacy_records
            ),
            Ok(_) => {}
            Err(e) => println!("FAIL {e}"),
        }
        if !v.manifest_on_chain {
            println!("FAIL the manifest in use is not a segment of the file (planted inside another segment's payload?)");
        }
        if v.rejected_newer_manifests > 0 {
            println!(
                "warning: {} newer manifest candidate(s) were rejected",
                v.rejected_newer_manifests
            );
        }
        println!(
            "{}",
            if ok {
                "verified"
            } else {
                "VERIFICATION FAILED"
            }
        );
    }
    Ok(if ok { Exit::Ok } else { Exit::VerifyFailed })
}
