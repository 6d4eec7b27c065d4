//! Signed files and the trust policy, through the real binary, and
//! interop with the published signers and verifiers (rvf-crypto 0.3.0
//! segment footers, rvf-runtime 0.5.0 signed root pages).

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn keygen(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let base = dir.join(name);
    let o = run(&["keygen", "-o", s(&base)]);
    assert!(o.status.success(), "{}", stderr(&o));
    (
        dir.join(format!("{name}.key")),
        dir.join(format!("{name}.pub")),
    )
}

fn signed_karate(dir: &Path, key: &Path) -> PathBuf {
    let p = dir.join("signed.rvf");
    pack(
        &p,
        &[
            "--matrix",
            s(&sample("karate.mtx")),
            "--with-transpose",
            "--sign",
            s(key),
            "--sign-all",
        ],
    );
    p
}

fn seed(key: &Path) -> [u8; 32] {
    let text = std::fs::read_to_string(key).unwrap();
    let hexd: String = text.lines().filter(|l| !l.starts_with('#')).collect();
    rvf_spec::hex::decode(hexd.trim())
        .unwrap()
        .try_into()
        .unwrap()
}

/// Proof (1) and (2): a signed file runs under its key; appended unsigned or
/// foreign-signed modules (even ranked first) never displace it, and with
/// only untrusted code the run refuses with exit 16.
#[test]
fn trusted_code_runs_and_appended_code_never_outranks_it() {
    let d = tempfile::tempdir().unwrap();
    let (alice, alice_pub) = keygen(d.path(), "alice");
    let (mallory, mallory_pub) = keygen(d.path(), "mallory");
    let f = signed_karate(d.path(), &alice);
    let want = json(&run(&["run", s(&f), "ppr-forward", "--json"]));
    let o = run(&[
        "run",
        s(&f),
        "ppr-forward",
        "--json",
        "--trust",
        s(&alice_pub),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["output_digest"], want["output_digest"]);
    assert_eq!(v["signer"]["key_name"], "alice");
    assert_eq!(v["authenticated"], true);
    // Without a policy the run still works, and says it is unauthenticated.
    assert!(stderr(&run(&["run", s(&f), "ppr-forward"])).contains("unauthenticated"));

    // An appended unsigned module, and one signed by mallory, both at
    // priority 0 with more features than the baseline: the trusted SIMD
    // module is still the one selected.
    let k = kernel("simd");
    let spec = format!("{},priority=0", s(&k));
    assert!(run(&["append", s(&f), "--solver", &spec]).status.success());
    assert!(
        run(&["append", s(&f), "--solver", &spec, "--sign", s(&mallory)])
            .status
            .success()
    );
    let o = run(&[
        "select",
        s(&f),
        "--explain",
        "--json",
        "--trust",
        s(&alice_pub),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    let cands = v["candidates"].as_array().unwrap();
    let chosen = cands.iter().find(|c| c["selected"] == true).unwrap();
    assert_eq!(chosen["signer"]["key_name"], "alice");
    let untrusted: Vec<&serde_json::Value> = cands
        .iter()
        .filter(|c| c["verdict_class"] == "rejected:untrusted")
        .collect();
    assert_eq!(untrusted.len(), 2, "{v}");
    assert!(untrusted.iter().any(|c| c["signer"]["class"] == "unsigned"));
    assert!(untrusted
        .iter()
        .any(|c| c["signer"]["class"] == "untrusted"));
    // Trusting only mallory: her module runs, never the unsigned one; the
    // data (signed by alice) is refused unless code-only trust is asked for.
    let o = run(&["run", s(&f), "ppr-forward", "--trust", s(&mallory_pub)]);
    assert_eq!(o.status.code(), Some(16), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("data segment 0 is not signed by a trusted key"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "run",
        s(&f),
        "ppr-forward",
        "--trust",
        s(&mallory_pub),
        "--trust-code-only",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["signer"]["key_name"], "mallory");
    // Only untrusted code: refused with the documented exit code.
    let (_, eve_pub) = keygen(d.path(), "eve");
    let o = run(&["run", s(&f), "ppr-forward", "--trust", s(&eve_pub)]);
    assert_eq!(o.status.code(), Some(16), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no runnable solver segment signed by a trusted key"),
        "{}",
        stderr(&o)
    );
}

/// Proof (3): one bit of a signed segment changed and its content hash
/// recomputed (a consistent forgery without the key) is refused.
#[test]
fn a_rehashed_change_to_a_signed_segment_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let (alice, alice_pub) = keygen(d.path(), "alice");
    let graph = signed_karate(d.path(), &alice);
    let points = d.path().join("points.rvf");
    pack(
        &points,
        &[
            "--vectors",
            s(&sample("points.fvecs")),
            "--sign",
            s(&alice),
            "--sign-all",
        ],
    );
    // (file, segment, byte of its payload, a run that reads it): the solver
    // module's code, and the low byte of the last vector coordinate.
    let cases: [(&Path, usize, Option<usize>, &[&str]); 2] = [
        (&graph, 1, Some(64 + 200), &["ppr-forward"]),
        (&points, 0, None, &["knn", "--query-index", "3"]),
    ];
    for (f, i, at, method) in cases {
        let v = json(&run(&["inspect", s(f), "--json"]));
        let seg = &v["segments"][i];
        let off = seg["offset"].as_u64().unwrap() as usize;
        let len = seg["payload_length"].as_u64().unwrap() as usize;
        let mut b = std::fs::read(f).unwrap();
        b[off + 64 + at.unwrap_or(len - 4)] ^= 0x01;
        if at.is_some() {
            // A WASM segment: the WasmHeader's bytecode hash is redone too.
            let code = off + 64 + 64..off + 64 + len;
            let bh = loader::hash::shake256::<32>(&b[code]);
            b[off + 64 + 0x18..off + 64 + 0x38].copy_from_slice(&bh);
        }
        let h = loader::hash::shake256::<16>(&b[off + 64..off + 64 + len]);
        b[off + 0x28..off + 0x38].copy_from_slice(&h);
        let forged = d.path().join(format!("forged{i}.rvf"));
        std::fs::write(&forged, &b).unwrap();
        // Hashes all check (the forgery is consistent)...
        let o = run(&["verify", s(&forged)]);
        assert_eq!(o.status.code(), Some(0), "segment {i}: {}", stdout(&o));
        // ...but under the policy the changed segment is not trusted.
        let o = run(&["verify", s(&forged), "--trust", s(&alice_pub)]);
        assert_eq!(o.status.code(), Some(16), "segment {i}: {}", stdout(&o));
        let mut a = vec!["run", s(&forged)];
        a.extend_from_slice(method);
        a.extend_from_slice(&["--trust", s(&alice_pub), "--host-features", "none"]);
        let o = run(&a);
        assert_eq!(o.status.code(), Some(16), "segment {i}: {}", stderr(&o));
        assert_eq!(
            run(&["verify", s(f), "--trust", s(&alice_pub)])
                .status
                .code(),
            Some(0)
        );
    }
}

/// `sign` on an existing file: append-only, indices kept, then trusted.
#[test]
fn signing_an_existing_file_is_append_only() {
    let d = tempfile::tempdir().unwrap();
    let (alice, alice_pub) = keygen(d.path(), "alice");
    let f = karate(d.path());
    let before = std::fs::read(&f).unwrap();
    assert_eq!(
        run(&["run", s(&f), "ppr-forward", "--trust", s(&alice_pub)])
            .status
            .code(),
        Some(16)
    );
    let o = run(&["sign", s(&f), "--key", s(&alice), "--all"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = std::fs::read(&f).unwrap();
    assert_eq!(
        &after[..before.len()],
        &before[..],
        "the old bytes are kept"
    );
    let o = run(&[
        "run",
        s(&f),
        "ppr-forward",
        "--trust",
        s(&alice_pub),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        json(&o)["segment"]["index"],
        2,
        "directory indices are kept"
    );
    // The published runtime still reads the file, and its modules.
    let store = rvf_runtime::RvfStore::open_readonly(&f).unwrap();
    assert_eq!(store.extract_wasm_all().unwrap().len(), 2);
}

/// Proof (4a): rvf-crypto verifies our footers, and we verify its.
#[test]
fn footers_interoperate_with_rvf_crypto() {
    let d = tempfile::tempdir().unwrap();
    let (alice, _) = keygen(d.path(), "alice");
    let f = signed_karate(d.path(), &alice);
    let key = ed25519_dalek::SigningKey::from_bytes(&seed(&alice));
    let bytes = std::fs::read(&f).unwrap();
    let file = loader::RvfFile::parse(&bytes).unwrap();
    let mut checked = 0;
    for (_, seg) in file.segments() {
        let seg = seg.unwrap();
        let footer =
            rvf_crypto::decode_signature_footer(&bytes[seg.payload_end() as usize..]).unwrap();
        assert!(rvf_crypto::verify_segment(
            &seg.header,
            seg.payload,
            &footer,
            &key.verifying_key()
        ));
        checked += 1;
    }
    assert_eq!(checked, 3);
    // The published runtime opens it and extracts the exact bytecode.
    let store = rvf_runtime::RvfStore::open_readonly(&f).unwrap();
    let mods = store.extract_wasm_all().unwrap();
    assert!(mods
        .iter()
        .any(|m| m.1 == std::fs::read(kernel("baseline")).unwrap()));

    // Their footer on a segment we wrote: our host trusts it. Re-sign the
    // baseline module's segment with rvf-crypto and put its footer in place.
    let (theirs, theirs_pub) = keygen(d.path(), "theirs");
    let their_key = ed25519_dalek::SigningKey::from_bytes(&seed(&theirs));
    let mut b = bytes.clone();
    let seg = file.segment(1).unwrap();
    let footer = rvf_crypto::sign_segment(&seg.header, seg.payload, &their_key);
    let enc = rvf_crypto::encode_signature_footer(&footer);
    let at = seg.payload_end() as usize;
    b[at..at + enc.len()].copy_from_slice(&enc);
    let g = d.path().join("theirs.rvf");
    std::fs::write(&g, &b).unwrap();
    let o = run(&[
        "run",
        s(&g),
        "ppr-forward",
        "--trust",
        s(&theirs_pub),
        "--trust-code-only",
        "--json",
        "--host-features",
        "none",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["signer"]["key_name"], "theirs");
}

/// Proof (4b): a store rvf-runtime signs: its root page verifies under the
/// signer's key and not under another; a tampered page is a failure.
#[test]
fn signed_root_pages_from_rvf_runtime_verify() {
    let d = tempfile::tempdir().unwrap();
    let secret = [9u8; 32];
    let public = ed25519_dalek::SigningKey::from_bytes(&secret)
        .verifying_key()
        .to_bytes();
    let p = d.path().join("store.rvf");
    let mut store = rvf_runtime::RvfStore::create_signed(
        &p,
        rvf_runtime::RvfOptions {
            dimension: 4,
            ..Default::default()
        },
        &secret,
    )
    .unwrap();
    store
        .ingest_batch(&[&[1.0f32, 2.0, 3.0, 4.0][..]], &[7], None)
        .unwrap();
    store.close().unwrap();
    let key = d.path().join("upstream.pub");
    std::fs::write(&key, rvf_spec::hex::encode(&public) + "\n").unwrap();
    let o = run(&[
        "verify",
        s(&p),
        "--trust",
        s(&key),
        "--trust-code-only",
        "--json",
    ]);
    let v = json(&o);
    assert_eq!(v["root_page"]["class"], "verified", "{v}");
    assert_eq!(o.status.code(), Some(0), "{v}");
    let (_, other) = keygen(d.path(), "other");
    let o = run(&[
        "verify",
        s(&p),
        "--trust",
        s(&other),
        "--trust-code-only",
        "--json",
    ]);
    assert_eq!(json(&o)["root_page"]["class"], "not_trusted");
    assert_eq!(o.status.code(), Some(16));
    // A byte of the page changed: the CRC no longer matches.
    let mut b = std::fs::read(&p).unwrap();
    let n = b.len();
    b[n - 4096 + 0x40] ^= 1;
    let t = d.path().join("tampered.rvf");
    std::fs::write(&t, &b).unwrap();
    let o = run(&["verify", s(&t), "--trust", s(&key), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["root_page"]["class"], "broken");
}

/// Receipts: the code's signer is recorded; a signed receipt replays with
/// its signature checked; under a policy replay refuses untrusted code.
#[test]
fn receipts_record_and_prove_who_ran_what() {
    let d = tempfile::tempdir().unwrap();
    let (alice, alice_pub) = keygen(d.path(), "alice");
    let (archivist, archivist_pub) = keygen(d.path(), "archivist");
    let f = signed_karate(d.path(), &alice);
    let rc = d.path().join("r.json");
    let o = run(&[
        "run",
        s(&f),
        "ppr-forward",
        "--trust",
        s(&alice_pub),
        "--receipt",
        s(&rc),
        "--sign-receipt",
        s(&archivist),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&rc).unwrap()).unwrap();
    assert_eq!(r["selection"]["chosen"]["signer"]["key_name"], "alice");
    assert!(r["signature"]["signature"].as_str().unwrap().len() == 128);
    // Replay with both keys trusted: identical, signatures named.
    let o = run(&[
        "replay",
        s(&rc),
        "--trust",
        s(&alice_pub),
        "--trust",
        s(&archivist_pub),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v = json(&o);
    assert!(
        v["receipt_signer"]
            .as_str()
            .unwrap()
            .contains("signed by archivist"),
        "{v}"
    );
    // The archivist's key is not trusted: refused (16); a changed receipt
    // whose signature no longer verifies: bad input (3).
    let o = run(&["replay", s(&rc), "--trust", s(&alice_pub)]);
    assert_eq!(o.status.code(), Some(16), "{}", stderr(&o));
    let mut edited = r.clone();
    edited["timestamp_unix"] = serde_json::json!(1);
    let e = d.path().join("e.json");
    std::fs::write(&e, serde_json::to_vec_pretty(&edited).unwrap()).unwrap();
    let o = run(&["replay", s(&e)]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("signature does not verify"),
        "{}",
        stderr(&o)
    );
    // Under a policy that trusts neither signer of the code: refused.
    let (_, eve_pub) = keygen(d.path(), "eve");
    let unsigned_rc = d.path().join("u.json");
    assert!(
        run(&["run", s(&f), "ppr-forward", "--receipt", s(&unsigned_rc)])
            .status
            .success()
    );
    let o = run(&["replay", s(&unsigned_rc), "--trust", s(&eve_pub)]);
    assert_eq!(o.status.code(), Some(16), "{}", stdout(&o));
}

/// Bad input: key files of the wrong size or with open permissions,
/// malformed footers, footers moved onto other bytes.
#[test]
fn bad_keys_and_bad_footers_are_typed_errors() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let (alice, alice_pub) = keygen(d.path(), "alice");
    let f = signed_karate(d.path(), &alice);
    // A secret key others may read.
    std::fs::set_permissions(&alice, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = run(&["sign", s(&f), "--key", s(&alice)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("readable by others (mode 644)"),
        "{}",
        stderr(&o)
    );
    std::fs::set_permissions(&alice, std::fs::Permissions::from_mode(0o600)).unwrap();
    // Key files of the wrong size, or not hex.
    for (name, text) in [
        ("short.pub", "abcd\n"),
        ("text.pub", "hello\n"),
        ("long.pub", &"ab".repeat(33)),
    ] {
        let k = d.path().join(name);
        std::fs::write(&k, text).unwrap();
        let o = run(&["run", s(&f), "ppr-forward", "--trust", s(&k)]);
        assert_eq!(o.status.code(), Some(3), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains("not a key"), "{name}: {}", stderr(&o));
    }
    // A trust file that lists no key is a policy that trusts nothing, never
    // no policy at all.
    let empty = d.path().join("empty.trust");
    std::fs::write(&empty, "# nobody yet\n").unwrap();
    let o = run(&["run", s(&f), "ppr-forward", "--trust-file", s(&empty)]);
    assert_eq!(o.status.code(), Some(16), "{}", stderr(&o));
    // Footers broken in each field: the segment is refused (exit 16 under
    // the policy; verify fails without it).
    let file_bytes = std::fs::read(&f).unwrap();
    let file = loader::RvfFile::parse(&file_bytes).unwrap();
    let seg = file.segment(1).unwrap();
    let at = seg.payload_end() as usize;
    for (what, off, val) in [
        ("algorithm", 0, 9u8),
        ("sig_length", 2, 63),
        ("footer_length", 68, 9),
        ("signature", 10, 0xAA),
    ] {
        let mut b = file_bytes.clone();
        b[at + off] ^= val;
        let g = d.path().join(format!("{what}.rvf"));
        std::fs::write(&g, &b).unwrap();
        let o = run(&[
            "run",
            s(&g),
            "ppr-forward",
            "--trust",
            s(&alice_pub),
            "--host-features",
            "none",
        ]);
        assert_ne!(o.status.code(), Some(0), "{what}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{what}");
        let o = run(&["verify", s(&g)]);
        match what {
            // The footer's length comes from sig_length: a wrong one runs
            // the footer into the next segment, and the file is refused.
            "sig_length" => {
                assert_eq!(o.status.code(), Some(4), "{what}");
                assert!(stderr(&o).contains("signature footer"), "{}", stderr(&o));
            }
            "signature" => {}
            _ => assert_eq!(o.status.code(), Some(1), "{what}"),
        }
    }
    // `select --explain --json` under alice's key, without SIMD.
    let select_trusting_alice = |g: &Path| {
        json(&run(&[
            "select",
            s(g),
            "--json",
            "--explain",
            "--trust",
            s(&alice_pub),
            "--host-features",
            "none",
        ]))
    };
    // The footer of segment 2 moved onto segment 1 (a signature over
    // another segment): not trusted.
    let s2 = file.segment(2).unwrap();
    let mut b = file_bytes.clone();
    let other: Vec<u8> =
        file_bytes[s2.payload_end() as usize..s2.payload_end() as usize + 72].to_vec();
    b[at..at + 72].copy_from_slice(&other);
    let g = d.path().join("moved.rvf");
    std::fs::write(&g, &b).unwrap();
    let v = select_trusting_alice(&g);
    assert_eq!(
        v["candidates"][0]["verdict_class"], "rejected:untrusted",
        "{v}"
    );

    // A footer alice made for another file, whose segment 1 is the same
    // module at another priority: not a signature over this segment.
    let other = d.path().join("other.rvf");
    let spec = format!("{},priority=3", s(&kernel("baseline")));
    let o = run(&["create", s(&other), "--solver", &spec, "--sign", s(&alice)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ob = std::fs::read(&other).unwrap();
    let of = loader::RvfFile::parse(&ob).unwrap();
    let os = of.segment(0).unwrap();
    assert!(os.is_signed());
    let mut b = file_bytes.clone();
    b[at..at + 72].copy_from_slice(&ob[os.payload_end() as usize..os.payload_end() as usize + 72]);
    let g = d.path().join("replayed.rvf");
    std::fs::write(&g, &b).unwrap();
    let v = select_trusting_alice(&g);
    assert_eq!(
        v["candidates"][0]["verdict_class"], "rejected:untrusted",
        "{v}"
    );
    let o = run(&[
        "run",
        s(&g),
        "ppr-forward",
        "--trust",
        s(&alice_pub),
        "--host-features",
        "none",
    ]);
    assert_eq!(o.status.code(), Some(16), "{}", stderr(&o));
}

/// `sign` never vouches for bytes that do not verify as stored: a data
/// change without its hash (exit 1) and an unset hash (exit 15, unless
/// --allow-unhashed) are refused, and the file is left as it was.
#[test]
fn signing_refuses_segments_that_do_not_verify() {
    let d = tempfile::tempdir().unwrap();
    let (alice, alice_pub) = keygen(d.path(), "alice");
    let f = poisson(d.path());
    let v = json(&run(&["inspect", s(&f), "--json"]));
    // The sparse segment: its last f64 is a right-hand side value.
    let sp = &v["segments"][1];
    assert_eq!(sp["type"], "SPARSE");
    let (off, len) = (
        sp["offset"].as_u64().unwrap() as usize,
        sp["payload_length"].as_u64().unwrap() as usize,
    );
    let clean = std::fs::read(&f).unwrap();
    // A changed value (the low byte of the payload's last f64), hash kept.
    let mut b = clean.clone();
    b[off + 64 + len - 8] ^= 1;
    std::fs::write(&f, &b).unwrap();
    let o = run(&["sign", s(&f), "--key", s(&alice), "--all"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("segment 1") && stderr(&o).contains("MISMATCH"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&f).unwrap(), b, "the file is unchanged");
    assert_eq!(
        run(&["verify", s(&f), "--trust", s(&alice_pub)])
            .status
            .code(),
        Some(1)
    );
    // The same change with the hash unset: refused unless the user vouches.
    b[off + 0x28..off + 0x38].fill(0);
    std::fs::write(&f, &b).unwrap();
    let o = run(&["sign", s(&f), "--key", s(&alice), "--all"]);
    assert_eq!(o.status.code(), Some(15), "{}", stderr(&o));
    assert!(stderr(&o).contains("--allow-unhashed"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&f).unwrap(), b, "the file is unchanged");
    let o = run(&[
        "sign",
        s(&f),
        "--key",
        s(&alice),
        "--all",
        "--allow-unhashed",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Only code is signed by default; the code verifies, so that works on
    // the clean file.
    std::fs::write(&f, &clean).unwrap();
    assert!(run(&["sign", s(&f), "--key", s(&alice)]).status.success());
}
