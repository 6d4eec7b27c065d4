//! Archival runs: receipts replay bit for bit for every method; a changed
//! data byte or another host mask produces a clear diff; witness chains
//! verify (also with the published rvf-crypto verifier) and fail at the
//! entry that was flipped or truncated; packing twice is byte-identical.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rvf-pack"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}
fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Two files packed with both kernels: the karate graph (+ transpose), and
/// Poisson 16² (+ rhs) with the sample vectors.
fn files(d: &Path) -> (PathBuf, PathBuf) {
    let (sm, dist) = (root().join("samples"), root().join("microkernel/dist"));
    let (g, p) = (d.join("g.rvf"), d.join("p.rvf"));
    let (base, simd) = (
        dist.join("solver-baseline.wasm"),
        dist.join("solver-simd.wasm"),
    );
    let solvers = ["--solver", s(&base), "--solver", s(&simd)];
    let karate = sm.join("karate.mtx");
    let mut a = vec!["create", s(&g), "--matrix", s(&karate), "--with-transpose"];
    a.extend_from_slice(&solvers);
    assert!(run(&a).status.success());
    let (poisson, rhs, fv) = (
        sm.join("poisson16.mtx"),
        sm.join("poisson16_rhs.txt"),
        sm.join("points.fvecs"),
    );
    let mut a = vec![
        "create",
        s(&p),
        "--matrix",
        s(&poisson),
        "--rhs",
        s(&rhs),
        "--vectors",
        s(&fv),
    ];
    a.extend_from_slice(&solvers);
    assert!(run(&a).status.success());
    (g, p)
}

fn method_runs<'a>(g: &'a str, p: &'a str) -> Vec<Vec<&'a str>> {
    vec![
        vec!["run", p, "cg", "--tol", "1e-10"],
        vec!["run", p, "cg", "--precondition"],
        vec!["run", p, "jacobi"],
        vec![
            "run",
            g,
            "ppr-forward",
            "--source",
            "2",
            "--epsilon",
            "1e-6",
        ],
        vec![
            "run",
            g,
            "ppr-backward",
            "--target",
            "33",
            "--epsilon",
            "1e-6",
        ],
        vec![
            "run",
            g,
            "walk-estimate",
            "--source",
            "0",
            "--target",
            "33",
            "--walks",
            "3000",
            "--seed",
            "11",
        ],
        vec![
            "run",
            p,
            "knn",
            "--query-index",
            "5",
            "--k",
            "7",
            "--metric",
            "cosine",
        ],
    ]
}

#[test]
fn every_method_replays_bit_for_bit() {
    let d = tempfile::tempdir().unwrap();
    let (g, p) = files(d.path());
    for (i, args) in method_runs(s(&g), s(&p)).into_iter().enumerate() {
        let rc = d.path().join(format!("r{i}.json"));
        let mut a = args.clone();
        a.extend_from_slice(&["--receipt", s(&rc)]);
        let o = run(&a);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = run(&["replay", s(&rc), "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {v}");
        assert_eq!(v["identical"], true);
        let receipt: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&rc).unwrap()).unwrap();
        assert_eq!(v["output_digest"], receipt["result"]["output_digest"]);
        // The receipt names the engine and has no wall-clock time.
        assert_eq!(receipt["engine"]["name"], "wasmi");
        assert_eq!(receipt["engine"]["deterministic"], true);
        assert!(receipt.get("timestamp_unix").is_none());
    }
}

#[test]
fn a_changed_data_byte_or_another_variant_shows_in_the_diff() {
    let d = tempfile::tempdir().unwrap();
    let (_, p) = files(d.path());
    let rc = d.path().join("r.json");
    assert!(run(&["run", s(&p), "cg", "--receipt", s(&rc)])
        .status
        .success());
    // Another host mask selects the baseline: same bits, but a different run.
    let o = run(&["replay", s(&rc), "--host-features", "-simd"]);
    assert_eq!(o.status.code(), Some(14));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("segment: receipt")
            && out.contains("(features 0x3), replay")
            && out.contains("(features 0x0)"),
        "{out}"
    );
    assert!(
        !out.contains("output digest"),
        "outputs are bit-identical across variants: {out}"
    );
    // One byte of the matrix values changed (hash fixed up so it still opens).
    let mut bytes = std::fs::read(&p).unwrap();
    let (seg_off, plen, voff) = {
        let f = loader::RvfFile::parse(&bytes).unwrap();
        let seg = f
            .segments()
            .map(|(_, s)| s.unwrap())
            .find(|s| s.header.seg_type == 0x24)
            .unwrap();
        let m = loader::sparse_seg::SparseMatrix::parse(seg.payload).unwrap();
        (
            seg.offset as usize,
            seg.payload.len(),
            m.layout.arrays[2].0 as usize,
        )
    };
    bytes[seg_off + 64 + voff + 8 * 5 + 7] ^= 0x01; // the exponent's low bit of values[5]
    let h = loader::hash::shake256::<16>(&bytes[seg_off + 64..seg_off + 64 + plen]);
    bytes[seg_off + 0x28..seg_off + 0x38].copy_from_slice(&h);
    let changed = d.path().join("changed.rvf");
    std::fs::write(&changed, &bytes).unwrap();
    let o = run(&["replay", s(&rc), s(&changed)]);
    assert_eq!(o.status.code(), Some(14));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("file digest: receipt"), "{out}");
    assert!(out.contains("output digest: receipt"), "{out}");
    // And the unchanged file still replays.
    assert_eq!(run(&["replay", s(&rc), s(&p)]).status.code(), Some(0));
}

fn witness_payloads(path: &Path) -> Vec<(usize, Vec<u8>, u64)> {
    let bytes = std::fs::read(path).unwrap();
    let f = loader::RvfFile::parse(&bytes).unwrap();
    let mut v: Vec<(usize, Vec<u8>, u64)> = f
        .segments()
        .map(|(i, s)| (i, s.unwrap()))
        .filter(|(_, s)| s.header.seg_type == 0x0A)
        .map(|(i, s)| (i, s.payload.to_vec(), s.offset))
        .collect();
    v.sort_by_key(|x| x.2);
    v
}

#[test]
fn witness_chain_appends_verifies_and_breaks_where_tampered() {
    let d = tempfile::tempdir().unwrap();
    let (g, _) = files(d.path());
    let mut receipts = Vec::new();
    for (i, src) in ["0", "5", "9", "16"].iter().enumerate() {
        let rc = d.path().join(format!("w{i}.json"));
        let o = run(&[
            "run",
            s(&g),
            "ppr-forward",
            "--source",
            src,
            "--receipt",
            s(&rc),
            "--record",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        receipts.push(std::fs::read(&rc).unwrap());
    }
    assert_eq!(run(&["verify", s(&g)]).status.code(), Some(0));
    // Each entry's action hash is SHAKE-256 of its receipt; the chain verifies
    // with the published verifier, segment after segment in file order.
    let ws = witness_payloads(&g);
    assert_eq!(ws.len(), 4);
    let mut prev = [0u8; 32];
    for ((_, payload, _), receipt) in ws.iter().zip(&receipts) {
        let (entries, next) = rvf_crypto::witness::verify_witness_chain_from(payload, &prev)
            .expect("rvf-crypto accepts our chain");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].witness_type, 0x02);
        assert_eq!(
            entries[0].action_hash,
            loader::hash::shake256::<32>(receipt)
        );
        prev = next;
    }
    // Every receipt still replays against the grown file (append-only).
    for i in 0..4 {
        assert_eq!(
            run(&["replay", s(&d.path().join(format!("w{i}.json")))])
                .status
                .code(),
            Some(0)
        );
    }
    // Flip one byte of the third entry: verification fails at that entry.
    let bytes = std::fs::read(&g).unwrap();
    let third = &ws[2];
    let mut bad = bytes.clone();
    bad[third.2 as usize + 64 + 40] ^= 0x80; // inside its action hash
    let payload = bad[third.2 as usize + 64..third.2 as usize + 64 + 73].to_vec();
    let h = loader::hash::shake256::<16>(&payload);
    bad[third.2 as usize + 0x28..third.2 as usize + 0x38].copy_from_slice(&h);
    let f = loader::RvfFile::parse(&bad).unwrap();
    // The flipped entry itself still links to entry 1; entry 3 no longer links to it.
    assert_eq!(
        loader::witness::verify_chain(&f).unwrap_err(),
        loader::witness::ChainError::BrokenLink {
            segment: ws[3].0,
            entry: 3
        }
    );
    let tampered = d.path().join("tampered.rvf");
    std::fs::write(&tampered, &bad).unwrap();
    let o = run(&["verify", s(&tampered), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    // Flip a byte of the third entry's prev_hash: it fails at entry 2.
    let mut bad = bytes.clone();
    bad[third.2 as usize + 64 + 3] ^= 0x01;
    let payload = bad[third.2 as usize + 64..third.2 as usize + 64 + 73].to_vec();
    bad[third.2 as usize + 0x28..third.2 as usize + 0x38]
        .copy_from_slice(&loader::hash::shake256::<16>(&payload));
    let f = loader::RvfFile::parse(&bad).unwrap();
    assert_eq!(
        loader::witness::verify_chain(&f).unwrap_err(),
        loader::witness::ChainError::BrokenLink {
            segment: ws[2].0,
            entry: 2
        }
    );
    // Truncating the file drops the newest manifest: the older manifest no
    // longer lists the last entry, and the chain of what remains verifies.
    let cut = ws[3].2 as usize + 10;
    let f = loader::RvfFile::parse(&bytes[..cut]).unwrap();
    assert_eq!(loader::witness::verify_chain(&f).unwrap().entries.len(), 3);
    // A witness payload that is not whole entries is reported as truncated.
    let short = d.path().join("short.rvf");
    rvf_pack::writer::create(
        &short,
        &[rvf_pack::writer::SegmentSpec {
            seg_type: 0x0A,
            payload: vec![0; 72].into(),
        }],
        rvf_pack::writer::FileSummary::default(),
    )
    .unwrap();
    let sb = std::fs::read(&short).unwrap();
    let f = loader::RvfFile::parse(&sb).unwrap();
    assert_eq!(
        loader::witness::verify_chain(&f).unwrap_err(),
        loader::witness::ChainError::Truncated { segment: 0 }
    );
    assert_eq!(run(&["verify", s(&short)]).status.code(), Some(1));
}

#[test]
fn refuses_to_extend_a_broken_chain() {
    let d = tempfile::tempdir().unwrap();
    let (g, _) = files(d.path());
    for src in ["1", "2"] {
        assert!(
            run(&["run", s(&g), "ppr-forward", "--source", src, "--record"])
                .status
                .success()
        );
    }
    let ws = witness_payloads(&g);
    let mut bytes = std::fs::read(&g).unwrap();
    let off = ws[1].2 as usize;
    bytes[off + 64] ^= 1;
    let payload = bytes[off + 64..off + 64 + 73].to_vec();
    bytes[off + 0x28..off + 0x38].copy_from_slice(&loader::hash::shake256::<16>(&payload));
    std::fs::write(&g, &bytes).unwrap();
    let o = run(&["run", s(&g), "ppr-forward", "--record"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("witness chain does not verify"));
    assert_eq!(std::fs::read(&g).unwrap(), bytes, "the file is untouched");
}

#[test]
fn timestamps_only_on_request_and_clamped_to_source_date_epoch() {
    let d = tempfile::tempdir().unwrap();
    let (g, _) = files(d.path());
    let rc = d.path().join("t.json");
    let o = Command::new(env!("CARGO_BIN_EXE_rvf-pack"))
        .args([
            "run",
            s(&g),
            "ppr-forward",
            "--receipt",
            s(&rc),
            "--timestamp",
        ])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&rc).unwrap()).unwrap();
    assert_eq!(v["timestamp_unix"], 1_700_000_000u64);
}

#[test]
fn packing_the_same_inputs_twice_is_byte_identical() {
    let d1 = tempfile::tempdir().unwrap();
    let d2 = tempfile::tempdir().unwrap();
    let (g1, p1) = files(d1.path());
    let (g2, p2) = files(d2.path());
    assert_eq!(std::fs::read(g1).unwrap(), std::fs::read(g2).unwrap());
    assert_eq!(std::fs::read(p1).unwrap(), std::fs::read(p2).unwrap());
}

fn stdout_of(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}
fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}
fn write_json(p: &Path, v: &serde_json::Value) {
    std::fs::write(p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
}

/// The karate graph with both kernels and the interpreter (`--bootstrap`).
fn booted(d: &Path, extra: &[&str]) -> PathBuf {
    let dist = root().join("microkernel/dist");
    let (base, simd) = (
        dist.join("solver-baseline.wasm"),
        dist.join("solver-simd.wasm"),
    );
    let f = d.join("bt.rvf");
    let karate = root().join("samples/karate.mtx");
    let mut a = vec![
        "create",
        s(&f),
        "--matrix",
        s(&karate),
        "--with-transpose",
        "--solver",
        s(&base),
        "--solver",
        s(&simd),
    ];
    a.extend_from_slice(extra);
    let o = run(&a);
    assert!(o.status.success(), "{}", stdout_of(&o));
    f
}

/// `run FILE ppr-forward --via interpreter EXTRA..`, which must succeed.
fn run_via_interpreter(f: &Path, extra: &[&str]) {
    let mut a = vec!["run", s(f), "ppr-forward", "--via", "interpreter"];
    a.extend_from_slice(extra);
    let o = run(&a);
    assert!(o.status.success(), "{a:?}: {}", stdout_of(&o));
}

/// A run through the file's interpreter records its route and the
/// interpreter segment; replay takes that route by itself; `--via direct`
/// overrides it (outputs still identical, the route a note); an edited or
/// missing interpreter record differs or is refused.
#[test]
fn interpreter_runs_record_their_route_and_replay_on_it() {
    let d = tempfile::tempdir().unwrap();
    let f = booted(d.path(), &["--bootstrap"]);
    let r1 = d.path().join("r1.json");
    run_via_interpreter(&f, &["--receipt", s(&r1)]);
    let r = read_json(&r1);
    assert_eq!(r["selection"]["via"], "interpreter");
    let interp = &r["selection"]["interpreter"];
    let index = interp["index"].as_u64().unwrap();
    assert_eq!(interp["bytecode_hash"].as_str().unwrap().len(), 64, "{r}");
    assert_eq!(
        interp["features_names"],
        r["selection"]["host_features_names"]
    );
    let verdict = r["selection"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["index"].as_u64() == Some(index))
        .unwrap()["verdict"]
        .clone();
    assert_eq!(verdict, "the interpreter that ran the kernel");
    // The reproduction: replay without --via is identical.
    let o = run(&["replay", s(&r1)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout_of(&o));
    assert!(stdout_of(&o).contains("via: the file's interpreter (segment"));
    let o = run(&["replay", s(&r1), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["via"].clone(), v["recorded_via"].clone()),
        ("interpreter".into(), "interpreter".into())
    );
    assert_eq!(v["interpreter"]["bytecode_hash"], interp["bytecode_hash"]);
    // An explicit --via overrides the route: identical outputs, a note.
    for via in ["interpreter", "direct"] {
        let o = run(&["replay", s(&r1), "--via", via]);
        assert_eq!(o.status.code(), Some(0), "{via}: {}", stdout_of(&o));
        assert_eq!(
            stdout_of(&o).contains("note: route: the receipt ran interpreter"),
            via == "direct",
            "{}",
            stdout_of(&o)
        );
    }
    // Direct receipts carry no route (old receipts mean direct) and replay direct.
    let dr = d.path().join("direct.json");
    assert!(run(&["run", s(&f), "ppr-forward", "--receipt", s(&dr)])
        .status
        .success());
    let v = read_json(&dr);
    assert!(v["selection"].get("via").is_none() && v["selection"].get("interpreter").is_none());
    let o = run(&["replay", s(&dr), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout_of(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["via"], "direct");
    // The interpreter's hash no longer what the file holds: differs (14).
    let t = d.path().join("t.json");
    let mut e = r.clone();
    e["selection"]["interpreter"]["bytecode_hash"] = serde_json::json!("ab".repeat(32));
    write_json(&t, &e);
    let o = run(&["replay", s(&t)]);
    assert_eq!(o.status.code(), Some(14), "{}", stdout_of(&o));
    assert!(stdout_of(&o).contains("interpreter bytecode hash: receipt abab"));
    // Another interpreter index, or the route dropped (the receipt then
    // claims a direct run, which selects another kernel): differs.
    let mut e = r.clone();
    e["selection"]["interpreter"]["index"] = serde_json::json!(0);
    write_json(&t, &e);
    assert_eq!(run(&["replay", s(&t)]).status.code(), Some(14));
    let mut e = r.clone();
    let sel = e["selection"].as_object_mut().unwrap();
    sel.remove("via");
    sel.remove("interpreter");
    write_json(&t, &e);
    let o = run(&["replay", s(&t)]);
    assert_eq!(o.status.code(), Some(14), "{}", stdout_of(&o));
    // A route without its interpreter, or no route at all: contradictions (3).
    for (via, drop) in [("interpreter", true), ("bogus", false), ("direct", false)] {
        let mut e = r.clone();
        e["selection"]["via"] = serde_json::json!(via);
        if drop {
            e["selection"]
                .as_object_mut()
                .unwrap()
                .remove("interpreter");
        }
        write_json(&t, &e);
        let o = run(&["replay", s(&t)]);
        assert_eq!(o.status.code(), Some(3), "{via}: {}", stdout_of(&o));
    }
    // The file's interpreter changed since: differs.
    let mut b = std::fs::read(&f).unwrap();
    let at = interp["offset"].as_u64().unwrap() as usize + 4096;
    b[at] ^= 0x40;
    let g = d.path().join("changed.rvf");
    std::fs::write(&g, &b).unwrap();
    let o = run(&["replay", s(&r1), s(&g)]);
    assert_eq!(o.status.code(), Some(14), "{}", stdout_of(&o));
}

/// A signed receipt covers the route and the interpreter; under a trust
/// policy the interpreter must be signed by a trusted key, like code.
#[test]
fn signed_receipts_cover_the_route_and_policies_cover_the_interpreter() {
    let d = tempfile::tempdir().unwrap();
    for k in ["alice", "archivist"] {
        assert!(run(&["keygen", "-o", s(&d.path().join(k))])
            .status
            .success());
    }
    let key = |k: &str, ext: &str| d.path().join(format!("{k}.{ext}"));
    let (alice, alice_pub) = (key("alice", "key"), key("alice", "pub"));
    let f = booted(d.path(), &["--sign", s(&alice), "--sign-all"]);
    // The kernels are signed; the interpreter appended after is not, yet.
    let o = run(&["append", s(&f), "--bootstrap"]);
    assert!(o.status.success(), "{}", stdout_of(&o));
    let unsigned_interp = d.path().join("unsigned-interp.rvf");
    std::fs::copy(&f, &unsigned_interp).unwrap();
    let o = run(&["sign", s(&f), "--key", s(&alice)]);
    assert!(o.status.success(), "{}", stdout_of(&o));
    let rc = d.path().join("r.json");
    run_via_interpreter(
        &f,
        &[
            "--trust",
            s(&alice_pub),
            "--receipt",
            s(&rc),
            "--sign-receipt",
            s(&key("archivist", "key")),
        ],
    );
    let r = read_json(&rc);
    assert_eq!(r["selection"]["interpreter"]["signer"]["key_name"], "alice");
    let archivist_pub = key("archivist", "pub");
    // `replay ARGS..` under a policy that trusts both keys.
    let replay = |args: &[&str]| {
        let mut a = vec!["replay"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--trust", s(&alice_pub), "--trust", s(&archivist_pub)]);
        run(&a)
    };
    let o = replay(&[s(&rc)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout_of(&o));
    assert!(
        stdout_of(&o).contains("signed by alice"),
        "{}",
        stdout_of(&o)
    );
    // The signature covers the route and the interpreter record: any edit is bad input (3).
    let t = d.path().join("t.json");
    let edits: [fn(&mut serde_json::Value); 3] = [
        |e| {
            let sel = e["selection"].as_object_mut().unwrap();
            sel.remove("via");
            sel.remove("interpreter");
        },
        |e| e["selection"]["interpreter"]["bytecode_hash"] = serde_json::json!("cd".repeat(32)),
        |e| {
            e["selection"]["interpreter"]
                .as_object_mut()
                .unwrap()
                .remove("signer");
        },
    ];
    for edit in edits {
        let mut e = r.clone();
        edit(&mut e);
        write_json(&t, &e);
        let o = replay(&[s(&t)]);
        assert_eq!(o.status.code(), Some(3), "{}", stdout_of(&o));
        assert!(stdout_of(&o).contains("signature"), "{}", stdout_of(&o));
    }
    // Against a file whose interpreter no trusted key signed: refused (16).
    let o = replay(&[s(&rc), s(&unsigned_interp)]);
    assert_eq!(o.status.code(), Some(16), "{}", stdout_of(&o));
    assert!(stdout_of(&o).contains("REFUSED"), "{}", stdout_of(&o));
}
