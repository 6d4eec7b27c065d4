//! The container reader on arbitrary bytes: dialect detection, the tail
//! scan, the directory checks, the plain walk and the verifier.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (end, _) = loader::container::body_end(data);
    let d = loader::container::detect_dialect(data, end);
    let _ = loader::container::walk(data, end, d);
    if let Ok(f) = loader::RvfFile::parse(data) {
        let v = loader::verify::verify_file(&f);
        let _ = v.ok();
        for (_, s) in f.segments() {
            let _ = s.map(|s| s.hash_status());
        }
    }
});
