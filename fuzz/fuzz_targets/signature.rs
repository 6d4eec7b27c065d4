//! Signature parsing and checking on arbitrary bytes: segment footers,
//! root pages, key and trust-file text, and the trust verdict of every
//! segment of an arbitrary file under a fixed policy.
#![no_main]
use libfuzzer_sys::fuzz_target;
use loader::signature;
use rvf_host::trust::{self, TrustPolicy, TrustedKey};

// A fixed strong public key (RFC 8032 test 1); nothing here can sign, so
// every "trusted" verdict would be a forgery and fails the target.
const PK: [u8; 32] = [
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
];

fuzz_target!(|data: &[u8]| {
    let end = data.len() as u64;
    for at in [0, 1, end / 2, end.saturating_sub(72)] {
        let n = signature::footer_len(data, at, end);
        assert!(n == 0 || at + n <= end);
        if let Ok(f) = signature::footer(data, at, end) {
            let msg = signature::message(&[0; 64], &[0; 16]);
            let _ = signature::verify(&PK, &msg, f.signature);
        }
    }
    if data.len() >= 4096 {
        let page = &data[data.len() - 4096..];
        let _ = signature::root_page(page, 0, 0, &data[..64.min(data.len())]);
        let _ = signature::verify_root_page(page, &PK);
    }
    if let Ok(text) = core::str::from_utf8(data) {
        let _ = trust::parse_public_key(text);
        let _ = trust::parse_trust_file(text, |_| Ok(PK));
    }
    if let Ok(file) = loader::RvfFile::parse(data) {
        let policy = TrustPolicy {
            keys: vec![TrustedKey::new("fixed", PK)],
            unsigned_data: false,
        };
        let t = trust::file_trust(&file, Some(&policy));
        for (_, s) in &t.segments {
            assert!(s.key().is_none(), "a signature no one made verified");
        }
    }
});
