//! Signed files and the trust policy: the keys, the signing helpers, the cases.

use super::data::{vec_payload, vectors};
use super::*;

/// name, so the set rebuilds byte for byte). Only public keys are written
/// to `cases.json`.
pub const KEY_NAMES: [&str; 2] = ["alice", "mallory"];

fn seed(name: &str) -> [u8; 32] {
    shake256::<32>(format!("rvf-boot conformance key {name}").as_bytes())
}

/// Name → public key (hex) of every key the cases may trust.
pub fn keys() -> Value {
    KEY_NAMES
        .iter()
        .map(|n| {
            let pk = ed25519_dalek::SigningKey::from_bytes(&seed(n)).verifying_key();
            (n.to_string(), json!(hex::encode(pk.as_bytes())))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn signer(name: &str, which: Which) -> SegmentSigner {
    SegmentSigner::new(&seed(name), which)
}

fn build_signed(segs: &[SegmentSpec], signer: &SegmentSigner) -> Vec<u8> {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.rvf");
    writer::create_signed(
        &p,
        segs,
        FileSummary::default(),
        algo::SHAKE256_128,
        Some(signer),
    )
    .unwrap();
    std::fs::read(p).unwrap()
}

fn append_to(bytes: &[u8], segs: &[SegmentSpec], signer: Option<&SegmentSigner>) -> Vec<u8> {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("c.rvf");
    std::fs::write(&p, bytes).unwrap();
    let lock = rvf_pack::lock::FileLock::acquire(&p, || {}).unwrap();
    writer::append_signed(&lock, segs, None, algo::SHAKE256_128, signer).unwrap();
    drop(lock);
    std::fs::read(p).unwrap()
}

/// Independent check of a construction: the published verifier
/// (`rvf-crypto` 0.3.0) accepts the footer of directory segment `i` under
/// `name`'s key (or, with `valid = false`, does not).
fn check_footer(bytes: &[u8], i: usize, name: &str, valid: bool) {
    let f = loader::RvfFile::parse(bytes).unwrap();
    let seg = f.segment(i).unwrap();
    let footer = rvf_crypto::decode_signature_footer(&bytes[seg.payload_end() as usize..]).unwrap();
    let h = seg.header;
    let key = ed25519_dalek::SigningKey::from_bytes(&seed(name)).verifying_key();
    assert_eq!(
        rvf_crypto::verify_segment(&h, seg.payload, &footer, &key),
        valid,
        "segment {i} under {name}"
    );
}

/// Where directory segment `i`'s footer starts.
fn footer_at(bytes: &[u8], i: usize) -> usize {
    let f = loader::RvfFile::parse(bytes).unwrap();
    f.segment(i).unwrap().payload_end() as usize
}

fn trusting(names: &[&str]) -> (&'static str, Value) {
    ("trust", json!(names))
}

/// Signed files and the trust policy (docs/SECURITY.md, "Trust policy").
pub(super) fn signed_cases() -> Vec<Case> {
    let mut v = Vec::new();
    let payload = karate().encode_segment(None, true).unwrap();
    let fwd = Params {
        source: 0,
        epsilon: 1e-6,
        ..params(Method::PprForward)
    };
    let fwd_opts = || vec![("source", json!(0)), ("epsilon", json!(1e-6))];
    let ppr = |host, extra: Vec<(&'static str, Value)>, expect| {
        let mut options = fwd_opts();
        options.extend(extra);
        Run {
            method: Method::PprForward,
            host,
            options,
            expect,
        }
    };
    let alice_all = signer("alice", Which::All);

    // Everything signed by alice.
    let signed = build_signed(
        &[
            sparse(&karate(), true),
            wasm(&kernel("baseline"), Default::default()),
            wasm(&kernel("simd"), Default::default()),
        ],
        &alice_all,
    );
    for i in 0..3 {
        check_footer(&signed, i, "alice", true);
        check_footer(&signed, i, "mallory", false);
    }
    let mut c = case(
        "signed.rvf",
        "karate and both kernels, every segment signed by alice (rvf-crypto footers)",
        signed.clone(),
    );
    c.hashes = ["verified"; 3].to_vec();
    c.selections = vec![
        sel(ALL, &[(1, "eligible"), (2, "selected")]),
        sel_trusting(&["alice"], ALL, &[(1, "eligible"), (2, "selected")]),
        sel_trusting(
            &["mallory"],
            ALL,
            &[(1, "rejected:untrusted"), (2, "rejected:untrusted")],
        ),
        sel_trusting(
            &["mallory", "alice"],
            NONE,
            &[(1, "selected"), (2, "rejected:features")],
        ),
    ];
    c.runs = vec![
        ppr(ALL, vec![trusting(&["alice"])], native_run(&payload, fwd)),
        ppr(NONE, vec![trusting(&["alice"])], native_run(&payload, fwd)),
        ppr(
            ALL,
            vec![trusting(&["mallory"])],
            Expect::Refused("untrusted"),
        ),
        ppr(ALL, vec![], native_run(&payload, fwd)),
    ];
    v.push(c);

    // Alice's kernels at priority 1; then appended at priority 0 (so they
    // would rank first): a tiny SIMD module unsigned, and one mallory signed.
    let low = SolverOptions {
        priority: 1,
        ..Default::default()
    };
    let base = build_signed(
        &[
            sparse(&karate(), true),
            wasm(&kernel("baseline"), low.clone()),
            wasm(&kernel("simd"), low),
        ],
        &alice_all,
    );
    let tiny_mod = || [wasm(&tiny_simd(), Default::default())];
    let b = append_to(&base, &tiny_mod(), None);
    let b = append_to(&b, &tiny_mod(), Some(&signer("mallory", Which::Code)));
    // Directory: 0 matrix, 1-2 kernels, 3 old manifest, 4 unsigned module,
    // 5 old manifest, 6 mallory's module.
    check_footer(&b, 6, "mallory", true);
    let mut c = case(
        "signed-appended.rvf",
        "alice-signed kernels at priority 1, then an unsigned and a mallory-signed module appended at priority 0",
        b,
    );
    c.hashes = ["verified"; 7].to_vec();
    c.selections = vec![
        sel(
            ALL,
            &[
                (1, "eligible"),
                (2, "eligible"),
                (4, "selected"),
                (6, "eligible"),
            ],
        ),
        sel_trusting(
            &["alice"],
            ALL,
            &[
                (1, "eligible"),
                (2, "selected"),
                (4, "rejected:untrusted"),
                (6, "rejected:untrusted"),
            ],
        ),
        sel_trusting(
            &["alice", "mallory"],
            ALL,
            &[
                (1, "eligible"),
                (2, "eligible"),
                (4, "rejected:untrusted"),
                (6, "selected"),
            ],
        ),
        sel_trusting(
            &["mallory"],
            NONE,
            // Features are screened before signatures are checked.
            &[
                (1, "rejected:untrusted"),
                (2, "rejected:features"),
                (4, "rejected:features"),
                (6, "rejected:features"),
            ],
        ),
    ];
    c.runs = vec![
        ppr(ALL, vec![trusting(&["alice"])], native_run(&payload, fwd)),
        ppr(
            NONE,
            vec![trusting(&["mallory"])],
            Expect::Refused("untrusted"),
        ),
    ];
    v.push(c);

    // Code signed, data not: refused under a policy unless code-only.
    let b = build_signed(
        &[
            sparse(&karate(), true),
            wasm(&kernel("baseline"), Default::default()),
        ],
        &signer("alice", Which::Code),
    );
    let mut c = case(
        "signed-code-only.rvf",
        "the kernel signed by alice, the matrix unsigned",
        b,
    );
    c.hashes = ["verified"; 2].to_vec();
    c.selections = vec![sel_trusting(&["alice"], NONE, &[(1, "selected")])];
    c.runs = vec![
        ppr(
            NONE,
            vec![trusting(&["alice"])],
            Expect::Refused("untrusted"),
        ),
        ppr(
            NONE,
            vec![trusting(&["alice"]), ("trust_code_only", json!(true))],
            native_run(&payload, fwd),
        ),
        ppr(NONE, vec![], native_run(&payload, fwd)),
    ];
    v.push(c);

    // A byte of the signed SIMD module changed, bytecode hash and content
    // hash recomputed: every hash verifies, the signature does not.
    let mut b = build_signed(&tiny_pair(), &alice_all);
    let f = loader::RvfFile::parse(&b).unwrap();
    let (p0, len) = (payload_at(&b, 2), f.directory()[2].payload_length as usize);
    // The module stays valid: its v128 constant 7 becomes 6.
    let at = b[p0 + 64..p0 + len]
        .windows(3)
        .position(|w| w == [0xFD, 0x0C, 0x07])
        .unwrap();
    b[p0 + 64 + at + 2] ^= 0x01;
    let bh = shake256::<32>(&b[p0 + 64..p0 + len]);
    b[p0 + 0x18..p0 + 0x38].copy_from_slice(&bh);
    let h = shake256::<16>(&b[p0..p0 + len]);
    b[p0 - 64 + 0x28..p0 - 64 + 0x38].copy_from_slice(&h);
    check_footer(&b, 2, "alice", false);
    let mut c = case(
        "signed-tampered-rehashed.rvf",
        "a byte of an alice-signed module flipped, bytecode and content hashes recomputed",
        b,
    );
    c.hashes = ["verified"; 3].to_vec();
    c.selections = vec![
        sel(ALL, &[(1, "eligible"), (2, "selected")]),
        sel_trusting(
            &["alice"],
            ALL,
            &[(1, "selected"), (2, "rejected:untrusted")],
        ),
    ];
    v.push(c);

    // Signed vectors: one coordinate changed and the hash recomputed.
    let rows = vectors(4, 5, 9);
    let mut b = build_signed(
        &[
            SegmentSpec {
                seg_type: seg::VEC,
                payload: vec_payload(&rows, 0).into(),
            },
            wasm(&kernel("baseline"), Default::default()),
        ],
        &alice_all,
    );
    let f = loader::RvfFile::parse(&b).unwrap();
    let (p0, len) = (payload_at(&b, 0), f.directory()[0].payload_length as usize);
    b[p0 + len - 1] ^= 0x01;
    let h = shake256::<16>(&b[p0..p0 + len]);
    b[p0 - 64 + 0x28..p0 - 64 + 0x38].copy_from_slice(&h);
    check_footer(&b, 0, "alice", false);
    check_footer(&b, 1, "alice", true);
    let mut c = case(
        "signed-data-rehashed.rvf",
        "alice-signed vectors with one coordinate changed and the content hash recomputed",
        b,
    );
    c.hashes = ["verified"; 2].to_vec();
    c.selections = vec![sel_trusting(&["alice"], NONE, &[(1, "selected")])];
    let knn = |extra: Vec<(&'static str, Value)>, expect| {
        let mut options = vec![("query_index", json!(2)), ("k", json!(2))];
        options.extend(extra);
        Run {
            method: Method::Knn,
            host: NONE,
            options,
            expect,
        }
    };
    c.runs = vec![
        knn(vec![trusting(&["alice"])], Expect::Refused("untrusted")),
        knn(
            vec![trusting(&["alice"]), ("verify_data", json!(true))],
            Expect::Refused("untrusted"),
        ),
    ];
    v.push(c);

    // Segment 1 carrying a footer alice made, but over other bytes: its
    // signature does not verify, so a policy trusting alice refuses it.
    let foreign_footer = |file, what, b: Vec<u8>| {
        check_footer(&b, 1, "alice", false);
        let mut c = case(file, what, b);
        c.hashes = ["verified"; 3].to_vec();
        c.selections = vec![sel_trusting(
            &["alice"],
            NONE,
            &[(1, "rejected:untrusted"), (2, "rejected:features")],
        )];
        c.runs = vec![ppr(
            NONE,
            vec![trusting(&["alice"])],
            Expect::Refused("untrusted"),
        )];
        c
    };

    // Segment 2's footer copied over segment 1's: a signature by a trusted
    // key, but over another segment.
    let mut b = signed.clone();
    let (a1, a2) = (footer_at(&b, 1), footer_at(&b, 2));
    let other = b[a2..a2 + 72].to_vec();
    b[a1..a1 + 72].copy_from_slice(&other);
    v.push(foreign_footer(
        "signed-footer-moved.rvf",
        "the SIMD module's footer copied onto the baseline module",
        b,
    ));

    // The footer alice made for the same module in another file (there at
    // priority 3): not a signature over this segment.
    let elsewhere = build_signed(
        &[wasm(
            &kernel("baseline"),
            SolverOptions {
                priority: 3,
                ..Default::default()
            },
        )],
        &alice_all,
    );
    let mut b = signed.clone();
    let (a1, e0) = (footer_at(&b, 1), footer_at(&elsewhere, 0));
    b[a1..a1 + 72].copy_from_slice(&elsewhere[e0..e0 + 72]);
    v.push(foreign_footer(
        "signed-other-file.rvf",
        "the baseline module's footer replaced by alice's footer from another file",
        b,
    ));

    // A footer naming an algorithm no host implements.
    let mut b = signed.clone();
    let a1 = footer_at(&b, 1);
    b[a1] = 9;
    let mut c = case(
        "signed-bad-algorithm.rvf",
        "the baseline module's footer says sig_algo 9",
        b,
    );
    c.hashes = ["verified"; 3].to_vec();
    c.selections = vec![
        sel(
            NONE,
            &[(1, "rejected:bad_signature"), (2, "rejected:features")],
        ),
        sel_trusting(
            &["alice"],
            ALL,
            &[(1, "rejected:bad_signature"), (2, "selected")],
        ),
    ];
    v.push(c);
    v
}
