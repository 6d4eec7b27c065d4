//! `rvf-pack select`: which solver segment this host would run, and why.

use super::host::{print_selection, selection_json, HostArgs};
use super::{print_json, CmdResult};
use clap::Args;
use loader::{MappedFile, RvfFile};
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
    let session = Session::new(RvfFile::parse(map.bytes())?, config);
    let sel = session.explain();
    if a.host.json {
        print_json(&selection_json(&sel));
    } else {
        print_selection(&sel, a.explain || sel.chosen.is_none());
    }
    if sel.chosen.is_none() {
        return Err(RunError::NoSolver(sel).into());
    }
    Ok(Exit::Ok)
}
