//! `rvf-pack replay`: re-run exactly what a receipt records and compare.

use super::host::HostArgs;
use super::{print_json, CmdResult, Failure};
use clap::Args;
use loader::MappedFile;
use rvf_host::receipt::{Receipt, Route};
use rvf_host::HostConfig;
use rvf_spec::exit::Exit;
use serde_json::json;
use std::path::PathBuf;

/// Re-run exactly what a receipt says and compare
#[derive(Args, Debug)]
#[command(
    after_help = "Exit code 0 only on a bit-identical match; 14 when anything differs (the diff is printed).\n\
A receipt may lower this host's limits (fuel, memory, recursion), never raise them: --fuel and\n\
--max-memory set the ceiling (defaults as for `run`).\n\
The route is the receipt's (`via`: direct, or the file's interpreter segment, which must be the recorded\n\
one). An explicit --via overrides it: the run must still give identical outputs, and the differing route is\n\
reported as a note (a direct replay of an interpreter receipt selects under the recorded host features).\n\nExamples:\n  rvf-pack replay run.json\n  rvf-pack replay run.json archive/copy.rvf --json"
)]
pub struct ReplayArgs {
    /// The receipt written by `run --receipt`
    pub receipt: PathBuf,
    /// The RVF file (default: the path in the receipt)
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub host: HostArgs,
}

pub fn run(a: ReplayArgs) -> CmdResult {
    let (rf, _) = loader::open_regular(&a.receipt)?;
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(rf, 64 << 20), &mut text)
        .map_err(|e| Failure::new(Exit::Io, format!("{}: {e}", a.receipt.display())))?;
    let r = Receipt::parse(&text)
        .map_err(|e| Failure::new(Exit::BadInput, format!("{}: {e}", a.receipt.display())))?;
    let path = a
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from(&r.file.path));
    let mut host = a.host.config()?;
    // The mask is the user's override, else the receipt's: applied in replay.
    host.allowed_features = HostConfig::default().allowed_features;
    let map = MappedFile::open(&path)?;
    let file = super::parse_rvf(&path, &map)?;
    // The recorded route, unless --via was given.
    let via = a.host.via.map(|v| match v {
        super::host::Via::Direct => Route::Direct,
        super::host::Via::Interpreter => Route::Interpreter,
    });
    let rep = rvf_host::replay::replay(
        &r,
        &path.to_string_lossy(),
        file,
        &host,
        a.host.host_features.as_deref(),
        via,
    )
    .map_err(|e| Failure::new(e.exit(), format!("{}: {e}", a.receipt.display())))?;
    if a.host.json {
        print_json(&json!({
            "receipt": a.receipt, "file": path, "identical": rep.identical(),
            "differences": rep.differences, "file_extended_since": rep.extended,
            "output_digest": rep.now.as_ref().map(|n| n.result.output_digest.clone()),
            "limits": {"fuel": rep.limits.fuel, "max_memory_bytes": rep.limits.max_memory_bytes,
                       "max_recursion": rep.limits.max_recursion},
            "receipt_signer": receipt_signer_words(&rep.receipt_signer),
            "code_signer": rep.now.as_ref().and_then(|n| n.selection.chosen.signer.clone()).map(|s| json!({"key_id": s.key_id, "key_name": s.key_name})),
            "via": rep.route.name(), "recorded_via": rep.recorded_route.name(),
            "interpreter": rep.now.as_ref().and_then(|n| n.selection.interpreter.clone()),
            "notes": rep.notes,
        }));
    } else if rep.untrusted {
        println!("replay REFUSED under the trust policy:");
        for d in &rep.differences {
            println!("  {d}");
        }
    } else if rep.identical() {
        println!(
            "replay identical: {} on segment {} -> output {} (fuel {})",
            r.params.method, r.selection.chosen.index, r.result.output_digest, r.result.fuel_used
        );
        match rep
            .now
            .as_ref()
            .and_then(|n| n.selection.interpreter.as_ref())
        {
            Some(i) => println!(
                "  via: the file's interpreter (segment {}, bytecode {}){}",
                i.index,
                i.bytecode_hash,
                i.signer.as_ref().map_or(String::new(), |s| format!(
                    ", signed by {} (key {})",
                    s.key_name, s.key_id
                ))
            ),
            None => println!("  via: direct"),
        }
        println!("  receipt: {}", receipt_signer_words(&rep.receipt_signer));
        if let Some(s) = rep
            .now
            .as_ref()
            .and_then(|n| n.selection.chosen.signer.clone())
        {
            println!("  code signed by {} (key {})", s.key_name, s.key_id);
        }
        for n in &rep.notes {
            println!("  note: {n}");
        }
        if rep.extended {
            println!(
                "  (the file has been appended to since; its first {} bytes are exactly the recorded file)",
                r.file.length
            );
        }
    } else {
        println!("replay DIFFERS from the receipt:");
        for d in &rep.differences {
            println!("  {d}");
        }
        for n in &rep.notes {
            println!("  note: {n}");
        }
    }
    Ok(rep.exit())
}

/// Who signed the receipt, in words.
fn receipt_signer_words(s: &rvf_host::receipt::ReceiptSigner) -> String {
    use rvf_host::receipt::ReceiptSigner as S;
    match s {
        S::Unsigned => "unsigned".into(),
        S::Verified {
            key_id,
            trusted_as: Some(name),
        } => format!("signed by {name} (key {key_id}), trusted"),
        S::Verified {
            key_id,
            trusted_as: None,
        } => format!(
            "signed by key {key_id} (signature verified; no trust policy to vouch for the key)"
        ),
        S::Untrusted { key_id } => format!("signed by key {key_id}, not trusted"),
        S::Invalid(w) => format!("signature invalid: {w}"),
    }
}
