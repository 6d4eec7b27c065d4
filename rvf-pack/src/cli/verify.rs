//! `rvf-pack verify`: check every hash and typed payload; non-zero exit on
//! any failure. "Not set" hashes are warnings, never counted as verified.

use super::{print_json, CmdResult};
use clap::Args;
use loader::verify::verify_file;
use loader::MappedFile;
use rvf_spec::exit::Exit;
use rvf_spec::format::{seg, segment_type_name as type_name};
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
    #[command(flatten)]
    pub trust: super::host::TrustArgs,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: VerifyArgs) -> CmdResult {
    let map = MappedFile::open(&a.file)?;
    let file = super::parse_rvf(&a.file, &map)?;
    let spinner = super::progress::Spinner::start(format!(
        "verifying {} ({} segments, {} bytes)",
        a.file.display(),
        file.directory().len(),
        file.len()
    ));
    let v = verify_file(&file);
    let policy = a.trust.policy()?;
    let trust = rvf_host::trust::file_trust(&file, policy.as_ref());
    drop(spinner);
    let ok = v.ok();
    let unhashed = v.unhashed();
    // Under a policy every solver segment (and, unless --trust-code-only,
    // every data segment) must be signed by a trusted key, as `run` requires;
    // a root page vouches for the manifest, not in place of those.
    let untrusted: Vec<usize> = match &policy {
        None => Vec::new(),
        Some(p) => trust
            .segments
            .iter()
            .filter(|(i, s)| {
                let t = file.directory()[*i].seg_type;
                let needs =
                    t == seg::WASM || (!p.unsigned_data && t != seg::MANIFEST && t != seg::WITNESS);
                needs && s.key().is_none()
            })
            .map(|(i, _)| *i)
            .collect(),
    };
    let page_untrusted = matches!(trust.root_page, rvf_host::trust::RootPage::NotTrusted);
    let broken_page = matches!(trust.root_page, rvf_host::trust::RootPage::Broken(_));
    let exit = if !ok || broken_page {
        Exit::VerifyFailed
    } else if !unhashed.is_empty() && !a.allow_unhashed {
        Exit::Unhashed
    } else if !untrusted.is_empty() || page_untrusted {
        Exit::Untrusted
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
            "untrusted_segments": untrusted,
            "signers": trust.segments.iter().map(|(i, s)| json!({"index": i, "signer": super::host::signer_json(s)})).collect::<Vec<_>>(),
            "root_page": {"class": root_page_class(&trust.root_page), "words": trust.root_page.to_string()},
            "authenticated": policy.is_some(),
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
        for (i, s) in &trust.segments {
            if !matches!(s, rvf_host::Signer::Unsigned) {
                println!("sig  {i:>3} {s}");
            }
        }
        if policy.is_some() {
            for i in &untrusted {
                println!("UNTRUSTED {i:>3} not signed by a trusted key");
            }
        } else {
            println!(
                "{}",
                super::host::UNAUTHENTICATED.replace(
                    "the solver's code is",
                    "signatures are not checked, the file is"
                )
            );
        }
        if !matches!(trust.root_page, rvf_host::trust::RootPage::Absent) {
            let status = if broken_page { "FAIL" } else { "ok  " };
            println!("{status} {}", trust.root_page);
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
            Exit::Untrusted if untrusted.is_empty() => {
                println!("NOT TRUSTED: no trusted key signed the root page")
            }
            Exit::Untrusted => println!(
                "NOT TRUSTED: {} not signed by a trusted key",
                untrusted
                    .iter()
                    .map(|i| format!("segment {i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
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

fn root_page_class(r: &rvf_host::trust::RootPage) -> &'static str {
    use rvf_host::trust::RootPage as R;
    match r {
        R::Absent => "absent",
        R::Unchecked => "unchecked",
        R::Verified(_) => "verified",
        R::NotTrusted => "not_trusted",
        R::Broken(_) => "broken",
    }
}
