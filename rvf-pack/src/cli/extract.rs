//! `rvf-pack extract`: write one segment's payload to a file. For WASM
//! segments only the bytecode is written, so `wasm-tools validate` accepts it.

use super::{CmdResult, Failure};
use clap::Args;
use loader::wasm_seg::WasmSegment;
use loader::MappedFile;
use rvf_spec::exit::Exit;
use rvf_spec::format::seg;
use std::path::PathBuf;

/// Extract a segment's payload (WASM: the bytecode alone)
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  rvf-pack extract data.rvf --segment 2 -o solver.wasm\n  rvf-pack extract data.rvf --segment 2 -o - | wasm-tools print"
)]
pub struct ExtractArgs {
    /// The RVF file
    pub file: PathBuf,
    /// Directory index of the segment
    #[arg(long)]
    pub segment: usize,
    /// Output file (- for standard output)
    #[arg(short, long)]
    pub out: PathBuf,
    /// Write the payload even if its content hash does not verify
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: ExtractArgs) -> CmdResult {
    if a.out != std::path::Path::new("-") {
        rvf_pack::output::Destination::resolve(&a.out, &[&a.file])?;
    }
    let map = MappedFile::open(&a.file)?;
    let file = super::parse_rvf(&a.file, &map)?;
    if a.segment >= file.directory().len() {
        return Err(Failure::usage(format!(
            "no segment {}: the directory lists {} segments",
            a.segment,
            file.directory().len()
        )));
    }
    let seg = file.segment(a.segment)?;
    let status = seg.hash_status();
    if !a.force
        && matches!(
            status,
            loader::hash::HashStatus::Mismatch | loader::hash::HashStatus::UnsupportedAlgo(_)
        )
    {
        return Err(Failure::new(
            Exit::VerifyFailed,
            format!(
                "segment {}: content hash {}; use --force to extract anyway",
                a.segment,
                status.label()
            ),
        ));
    }
    // A WASM segment gives its module, decompressed when stored compressed.
    let bytes: std::borrow::Cow<[u8]> = if seg.header.seg_type == seg::WASM {
        WasmSegment::parse(seg.payload)?.code(loader::wasm_seg::MAX_DECOMPRESSED)?
    } else {
        seg.payload.into()
    };
    rvf_pack::output::write_bytes(&a.out, &[&a.file], &bytes)?;
    if a.out != std::path::Path::new("-") {
        println!("wrote {} bytes to {}", bytes.len(), a.out.display());
    }
    Ok(Exit::Ok)
}
