//! The receipt parser on arbitrary bytes (and what replay checks of it).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = rvf_host::receipt::Receipt::parse(data) {
        let _ = r.params.decode();
        let _ = rvf_spec::hex::decode(&r.params.input_hex);
        let _ = r.contradictions();
        let _ = r.diff(&r);
        let _ = r.file_diff(data);
    }
});
