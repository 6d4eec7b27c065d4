//! `rvf-pack select`: which solver segment this host would run, and why.

use super::host::{print_selection, selection_json, HostArgs};
use super::{print_json, CmdResult};
use clap::Args;
use loader::MappedFile;
use rvf_host::{RunError, Session};
use rvf_spec::exit::Exit;
use std::path::PathBuf;

/// Pick the solver segment this host would run, and say why
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  rvf-pack select data.rvf --explain\n  rvf-pack select data.rvf --host-features -simd --json"
)]
pub struct SelectArgs {
    /// The RVF file
    pub file: PathBuf,
    /// List every WASM segment with its verdict and reason
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub host: HostArgs,
}

pub fn run(a: SelectArgs) -> CmdResult {
    let config = a.host.config()?;
    let map = MappedFile::open(&a.file)?;
    let session = Session::new(super::parse_rvf(&a.file, &map)?, config);
    let sel = session.explain();
    if session.config().policy.is_none() {
        eprintln!("{}", super::host::UNAUTHENTICATED);
    }
    // What the file offers (the spec's resolution), beside what this host picks.
    let chain = loader::bootstrap::resolve(session.file());
    if a.host.json {
        let mut v = selection_json(&sel);
        v["authenticated"] = serde_json::json!(session.config().policy.is_some());
        v["bootstrap"] = bootstrap_json(&chain);
        print_json(&v);
    } else {
        print_selection(&sel, a.explain || sel.chosen.is_none());
        if a.explain {
            println!("bootstrap chain: {}", describe_chain(&chain));
        }
    }
    if sel.chosen.is_none() {
        return Err(RunError::NoSolver(sel).into());
    }
    Ok(Exit::Ok)
}

/// The bootstrap chain as JSON: its name, whether the file carries its own
/// runtime, and the segments that make it up.
fn bootstrap_json(c: &loader::bootstrap::Chain) -> serde_json::Value {
    use loader::bootstrap::Chain;
    let mut v =
        serde_json::json!({"chain": c.name(), "self_bootstrapping": c.self_bootstrapping()});
    match c {
        Chain::SelfContained { combined } => v["combined"] = (*combined).into(),
        Chain::TwoStage {
            interpreter,
            microkernel,
        } => {
            v["interpreter"] = (*interpreter).into();
            v["microkernel"] = (*microkernel).into();
        }
        Chain::HostRequired { microkernels } => v["microkernels"] = serde_json::json!(microkernels),
        Chain::NoCode => {}
    }
    v
}

fn describe_chain(c: &loader::bootstrap::Chain) -> String {
    use loader::bootstrap::Chain;
    match c {
        Chain::SelfContained { combined } => {
            format!("self-contained (the Combined module, segment {combined}, runs itself)")
        }
        Chain::TwoStage {
            interpreter,
            microkernel,
        } => format!(
            "two-stage (the in-file interpreter, segment {interpreter}, can run the kernel, segment {microkernel}; run --via interpreter)"
        ),
        Chain::HostRequired { .. } => {
            "host-required (kernels only: this host's engine runs them; pack --bootstrap to carry an interpreter)".into()
        }
        Chain::NoCode => "none (no solver module)".into(),
    }
}
