//! Selection and verification on arbitrary files, and a bounded run of
//! whatever is selected (small fuel and memory).
#![no_main]
use libfuzzer_sys::fuzz_target;
use rvf_host::select::{select, Thoroughness};
use rvf_host::{HostConfig, Limits, MatrixChoice, Session};
use rvf_spec::abi;

fuzz_target!(|data: &[u8]| {
    let Ok(f) = loader::RvfFile::parse(data) else { return };
    let config = HostConfig {
        limits: Limits { fuel: 200_000, max_memory_bytes: 8 << 20, ..Limits::default() },
        ..HostConfig::default()
    };
    let sel = select(&f, &config, Thoroughness::Every);
    for i in 0..sel.candidates.len() {
        let _ = sel.verdict(i).to_string();
    }
    if sel.chosen().is_some() {
        let mut s = Session::new(f, config);
        for m in [abi::method::CG, abi::method::PPR_FORWARD, abi::method::KNN] {
            let p = abi::Params { method: m, k: 3, ..Default::default() };
            let _ = s.run_exact(p, vec![0u8; 16], MatrixChoice::Only, false);
        }
    }
});
