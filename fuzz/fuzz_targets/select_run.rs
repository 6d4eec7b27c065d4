//! Selection and verification on arbitrary files, and a bounded run of
//! whatever is selected (small fuel and memory).
#![no_main]
use libfuzzer_sys::fuzz_target;
use loader::runtime::{self, abi, Limits};

fuzz_target!(|data: &[u8]| {
    let Ok(f) = loader::RvfFile::parse(data) else { return };
    let limits = Limits { fuel: 200_000, max_memory_bytes: 8 << 20, ..Limits::default() };
    let sel = runtime::select(&f, 0xFFFF, &limits, None);
    for i in 0..sel.candidates.len() {
        let _ = sel.verdict(i);
    }
    if sel.chosen().is_some() {
        for m in [abi::method::CG, abi::method::PPR_FORWARD, abi::method::KNN] {
            let p = abi::Params { method: m, k: 3, ..Default::default() };
            let _ = runtime::run(&f, &sel, &p, &[0u8; 16], false);
        }
    }
});
