//! Host options shared by `select`, `run` and `replay`, and how a
//! selection is shown (text and JSON).

use super::args::parse_bytes;
use super::Failure;
use clap::Args;
use rvf_host::{HostConfig, Limits, Selection};
use rvf_spec::format::{role_name, target_name, Features};
use serde_json::{json, Value};

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
            ..HostConfig::default()
        };
        c.limits.fuel = self.fuel;
        if let Some(m) = self.max_memory {
            c.limits.max_memory_bytes = m;
        }
        mask(c, self.host_features.as_deref())
    }
}

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
                "verdict": sel.verdict(i).to_string(),
                "verdict_class": sel.verdict(i).class(),
            })
        })
        .collect();
    json!({
        "host_features": Features(sel.host_features).to_string(),
        "selected_segment": sel.chosen().map(|c| c.index),
        "candidates": cands,
    })
}

pub fn print_selection(sel: &Selection, explain: bool) {
    println!("host features: {}", Features(sel.host_features));
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
        println!(
            "  segment {:>3} @{:<10} {desc}: {}",
            c.index,
            c.offset,
            sel.verdict(i)
        );
    }
}
