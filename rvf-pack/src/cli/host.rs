//! Host options shared by `select`, `run` and `replay`, and how a
//! selection is shown (text and JSON).

use super::args::parse_bytes;
use super::Failure;
use clap::Args;
use rvf_host::{HostConfig, Limits, Selection};
use rvf_spec::format::{role_name, target_name, Features};
use serde_json::{json, Value};
use std::path::PathBuf;

/// Host and limit options shared by `select` and `run`.
#[derive(Args, Debug, Clone)]
pub struct HostArgs {
    /// Mask host features: "-simd" removes SIMD; "none"; or an explicit list "simd,bulk-memory"
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    pub host_features: Option<String>,
    /// Force a WASM segment (directory index); it is still fully verified
    #[arg(long, value_name = "N")]
    pub segment: Option<usize>,
    /// Fuel budget (about one unit per Wasm operator)
    #[arg(long, default_value_t = Limits::default().fuel)]
    pub fuel: u64,
    /// Linear memory cap in bytes (K/M/G suffixes); the header's max pages apply when smaller
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    pub max_memory: Option<u64>,
    /// Accept data segments whose content hash is unset (nothing is verified for them)
    #[arg(long)]
    pub allow_unhashed: bool,
    /// What runs the kernel: this host's sandbox (direct), or the file's own
    /// interpreter segment inside it (interpreter: same outputs and kernel
    /// fuel, slower; see `create --bootstrap`). Default: direct; for replay,
    /// the route the receipt records
    #[arg(long, value_enum)]
    pub via: Option<Via>,
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

impl HostArgs {
    /// The session's host configuration.
    pub fn config(&self) -> Result<HostConfig, Failure> {
        let mut c = HostConfig {
            force_segment: self.segment,
            allow_unhashed: self.allow_unhashed,
            via_interpreter: self.via == Some(Via::Interpreter),
            ..HostConfig::default()
        };
        c.limits.fuel = self.fuel;
        if let Some(m) = self.max_memory {
            c.limits.max_memory_bytes = m;
        }
        c.policy = self.trust.policy()?;
        mask(c, self.host_features.as_deref())
    }
}

/// What runs the kernel.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Direct,
    Interpreter,
}

/// The trust policy: which keys' signatures make code (and data) eligible.
#[derive(Args, Debug, Clone, Default)]
pub struct TrustArgs {
    /// Trust this public key (NAME.pub, from `rvf-pack keygen`); repeatable. With any trusted
    /// key, only solver segments signed by one of them run
    #[arg(long = "trust", value_name = "KEY.pub")]
    pub keys: Vec<PathBuf>,
    /// A trust file: one `NAME KEY` per line (KEY: 64 hex digits or a .pub path); also read
    /// from $RVF_TRUST_FILE
    #[arg(long, value_name = "FILE", env = "RVF_TRUST_FILE")]
    pub trust_file: Option<PathBuf>,
    /// Under a trust policy, accept data segments no trusted key signed (code must still be signed)
    #[arg(long)]
    pub trust_code_only: bool,
}

impl TrustArgs {
    /// Every file the policy reads (which no output may replace).
    pub fn inputs(&self) -> Vec<PathBuf> {
        let files: Vec<PathBuf> = self.trust_file.iter().cloned().collect();
        rvf_pack::keys::policy_inputs(&self.keys, &files)
    }

    pub fn policy(&self) -> Result<Option<rvf_host::TrustPolicy>, Failure> {
        let files: Vec<PathBuf> = self.trust_file.iter().cloned().collect();
        Ok(rvf_pack::keys::policy(
            &self.keys,
            &files,
            self.trust_code_only,
        )?)
    }
}

/// The one line hosts print when no trust policy is in force.
pub const UNAUTHENTICATED: &str =
    "note: no trust policy: the solver's code is unauthenticated (give --trust KEY.pub or --trust-file)";

/// Apply a `--host-features` spec, if any.
pub fn mask(c: HostConfig, spec: Option<&str>) -> Result<HostConfig, Failure> {
    match spec {
        None => Ok(c),
        Some(s) => c
            .with_mask(s)
            .map_err(|e| Failure::usage(format!("--host-features {s}: {e}"))),
    }
}

pub fn selection_json(sel: &Selection) -> Value {
    let cands: Vec<Value> = sel
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let h = c.header;
            json!({
                "segment": c.index,
                "offset": c.offset,
                "role": h.map(|h| role_name(h.role).to_string()),
                "target": h.map(|h| target_name(h.target).to_string()),
                "required_features": h.map(|h| Features(h.required_features).to_string()),
                "priority": h.map(|h| h.bootstrap_priority),
                "selected": sel.chosen == Some(i),
                "signer": signer_json(&c.signer),
                "verdict": sel.verdict(i).to_string(),
                "verdict_class": sel.verdict(i).class(),
            })
        })
        .collect();
    let mut v = json!({
        "host_features": Features(sel.host_features).to_string(),
        "selected_segment": sel.chosen().map(|c| c.index),
        "candidates": cands,
    });
    match &sel.via {
        None => v["via"] = json!("direct"),
        Some(rvf_host::Via::Interpreter { index, features }) => {
            v["via"] = json!("interpreter");
            v["interpreter"] =
                json!({"segment": index, "features": Features(*features).to_string()});
        }
        Some(rvf_host::Via::NoInterpreter(tried)) => {
            v["via"] = json!("interpreter");
            v["interpreter"] = json!({"segment": null, "tried": tried.iter()
                .map(|(i, why)| json!({"segment": i, "why": why})).collect::<Vec<_>>()});
        }
    }
    v
}

/// Who signed a candidate, for JSON.
pub fn signer_json(s: &rvf_host::Signer) -> Value {
    json!({
        "class": s.class(),
        "signed": !matches!(s, rvf_host::Signer::Unsigned),
        "trusted": s.key().is_some(),
        "key_name": s.key().map(|k| k.name.clone()),
        "key_id": s.key().map(|k| rvf_spec::hex::encode(&k.id)),
        "words": s.to_string(),
    })
}

pub fn print_selection(sel: &Selection, explain: bool) {
    match &sel.via {
        None => println!("host features: {}", Features(sel.host_features)),
        Some(rvf_host::Via::Interpreter { index, .. }) => println!(
            "via the file's interpreter (segment {index}); kernel features: {}",
            Features(sel.host_features)
        ),
        Some(rvf_host::Via::NoInterpreter(tried)) => {
            println!("via the file's interpreter: none usable");
            for (i, why) in tried {
                println!("  interpreter segment {i}: {why}");
            }
        }
    }
    if sel.candidates.is_empty() {
        println!("the file has no WASM segments");
    }
    for (i, c) in sel.candidates.iter().enumerate() {
        if !explain && sel.chosen != Some(i) {
            continue;
        }
        let desc = c
            .header
            .map(|h| {
                format!(
                    "{} {} features={} priority={}",
                    role_name(h.role),
                    target_name(h.target),
                    Features(h.required_features),
                    h.bootstrap_priority
                )
            })
            .unwrap_or_default();
        let verdict = match &sel.via {
            Some(rvf_host::Via::Interpreter { index, .. }) if *index == c.index => {
                "the interpreter that runs the kernel".to_string()
            }
            _ => sel.verdict(i).to_string(),
        };
        println!(
            "  segment {:>3} @{:<10} {desc}: {verdict}",
            c.index, c.offset
        );
        if explain {
            println!("      {}", c.signer);
        }
    }
}
