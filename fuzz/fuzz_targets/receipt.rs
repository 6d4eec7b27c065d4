//! The receipt parser on arbitrary bytes (and the params it decodes).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = rvf_pack::receipt::Receipt::parse(data) {
        let _ = r.params.decode();
        let _ = rvf_pack::receipt::unhex(&r.params.input_hex);
        let _ = r.diff(&r);
        let _ = r.file_diff(data);
    }
});
