//! `--breakdown`: where wasmi's heap goes, measured one piece after the
//! other on the selected segment — an engine, the eagerly compiled module,
//! one instance (store, guest memory, stacks). A measurement only: the
//! session has already selected and verified this segment; this builds a
//! second copy of the pieces to weigh them.

use crate::heap;
use loader::wasm_seg::WasmSegment;
use rvf_host::{Limits, RvfFile, Sandbox};

pub fn print(file: &RvfFile<'_>, index: usize, limits: &Limits) {
    let Ok(w) = file
        .segment(index)
        .and_then(|seg| WasmSegment::parse(seg.payload))
    else {
        return;
    };
    heap::reset_peak();
    let l0 = heap::stats().live;
    let sandbox = Sandbox::new(w.header.required_features, *limits);
    let l1 = heap::stats().live;
    heap::reset_peak();
    // Admission compiles the module and instantiates it once to ask its
    // ABI version: the peak above what stays live is that instance.
    let module = sandbox.admit(w.bytecode);
    let s = heap::stats();
    if let Err(e) = &module {
        println!("  breakdown: not measured ({e}); a second copy needs more heap (FW_RAM=4M)");
        return;
    }
    println!(
        "  breakdown: engine {} B | module {} B of bytecode -> {} B compiled ({:.1}x) | admission peak +{} B over that (compiling, and the probe instance: largest block {} B)",
        l1 - l0,
        w.bytecode.len(),
        s.live - l1,
        (s.live - l1) as f64 / w.bytecode.len() as f64,
        s.peak - s.live,
        s.largest
    );
    drop(module);
    drop(sandbox);
}
