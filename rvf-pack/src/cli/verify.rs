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

/// Verify every segment of an RVF file (exit 1 on any failure, 15 when a segment has no hash)
#[derive(Args, Debug)]
#[command(
    after_help = "An unset (all-zero) content hash verifies nothing: such a file is not \"verified\"\n\
(exit 15) unless --allow-unhashed.\n\nExamples:\n  rvf-pack verify data.rvf\n  rvf-pack verify data.rvf --json"
)]
pub struct VerifyArgs {
    /// The RVF file
    pub file: PathBuf,
    /// Accept segments whose content hash is unset (they are reported, not verified)
    #[arg(long)]
    pub allow_unhashed: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: VerifyArgs) -> CmdResult {
    let map = MappedFile::open(&a.file)?;
    let file = RvfFile::parse(map.bytes())?;
    let spinner = super::progress::Spinner::start(format!(
        "verifying {} ({} segments, {} bytes)",
        a.file.display(),
        file.directory().len(),
        file.len()
    ));
    let v = verify_file(&file);
    drop(spinner);
    let ok = v.ok();
    let unhashed = v.unhashed();
    let exit = if !ok {
        Exit::VerifyFailed
    } else if !unhashed.is_empty() && !a.allow_unhashed {
        Exit::Unhashed
    } else {
        Exit::Ok
    };
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
            "file": a.file, "ok": exit == Exit::Ok, "verdict": exit.name(),
            "unhashed_segments": unhashed, "segments": segs,
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
        let names: Vec<String> = unhashed
            .iter()
            .map(|i| i.map_or("the manifest".into(), |i| format!("segment {i}")))
            .collect();
        match exit {
            Exit::Ok if unhashed.is_empty() => println!("verified"),
            Exit::Ok => println!(
                "verified, except {} (no content hash: accepted with --allow-unhashed, not checked)",
                names.join(", ")
            ),
            Exit::Unhashed => println!(
                "NOT VERIFIED: {} {} no content hash, so nothing was checked there (--allow-unhashed accepts it)",
                names.join(", "),
                if names.len() == 1 { "has" } else { "have" }
            ),
            _ => println!("VERIFICATION FAILED"),
        }
    }
    Ok(exit)
}
