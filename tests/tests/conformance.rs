//! The conformance set (`tests/conformance/`): small files and, in
//! `cases.json`, the verdicts every host must reach on them: parse error
//! class, per-segment hash status, per-candidate selection verdict, run
//! outcome (digest or the exit name of the refusal). The Rust host is
//! checked here; the JavaScript host runs the same file (`web/test/`).
//!
//! `cargo test -p rvf-tests --test conformance -- --ignored regenerate`
//! rewrites the set from `common/cases.rs`.

mod common;
use common::cases::{self, Case};
use loader::RvfFile;
use rvf_host::select::{select, Thoroughness};
use rvf_host::trust::{TrustPolicy, TrustedKey};
use rvf_host::{HostConfig, Query, Request, Session};
use rvf_spec::abi::{Method, Metric};
use serde_json::Value;
use std::path::PathBuf;

fn dir() -> PathBuf {
    common::root().join("tests/conformance")
}

fn generated_json(all: &[Case]) -> String {
    let v = serde_json::json!({
        "schema": "rvf-boot/conformance",
        "version": 1,
        "about": "Verdicts every rvf-boot host must reach on these files (see tests/tests/common/cases.rs)",
        "keys": cases::signed::keys(),
        "cases": all.iter().map(Case::to_json).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

#[test]
#[ignore = "rewrites tests/conformance/ (run by hand after changing cases.rs)"]
fn regenerate() {
    let all = cases::all();
    for c in &all {
        if let Some(b) = &c.bytes {
            std::fs::write(dir().join(&c.file), b).unwrap();
        }
    }
    std::fs::write(dir().join("cases.json"), generated_json(&all)).unwrap();
}

#[test]
fn committed_set_is_what_the_cases_build() {
    let all = cases::all();
    for c in &all {
        if let Some(b) = &c.bytes {
            let have = std::fs::read(dir().join(&c.file)).unwrap_or_default();
            assert!(
                have == *b,
                "{} differs from what cases.rs builds: regenerate",
                c.file
            );
        }
    }
    let have = std::fs::read_to_string(dir().join("cases.json")).unwrap_or_default();
    assert!(
        have == generated_json(&all),
        "cases.json is stale: regenerate"
    );
}

fn host_config(mask: &str) -> HostConfig {
    HostConfig::default().with_mask(mask).unwrap()
}

/// The trust policy of the key names in `trust` (none when absent), with
/// the public keys from the set's `keys`.
fn policy(keys: &Value, trust: Option<&Value>, code_only: bool) -> Option<TrustPolicy> {
    let names = trust?.as_array().unwrap();
    let keys = names
        .iter()
        .map(|n| {
            let n = n.as_str().unwrap();
            let pk = rvf_spec::hex::decode(keys[n].as_str().unwrap()).unwrap();
            TrustedKey::new(n, pk.try_into().unwrap())
        })
        .collect();
    Some(TrustPolicy {
        keys,
        unsigned_data: code_only,
    })
}

/// A request from a case's `rvf-pack run` options.
fn request(method: Method, o: &serde_json::Map<String, Value>) -> (Request, Option<usize>) {
    let mut r = Request::new(method);
    let u = |k: &str| o.get(k).and_then(Value::as_u64);
    let f = |k: &str| o.get(k).and_then(Value::as_f64);
    if let Some(x) = u("source") {
        r.source = x as u32;
    }
    if let Some(x) = u("target") {
        r.target = x as u32;
    }
    if let Some(x) = f("epsilon") {
        r.epsilon = x;
    }
    if let Some(x) = f("alpha") {
        r.alpha = x;
    }
    if let Some(x) = f("tol") {
        r.tol = x;
    }
    if let Some(x) = u("walks") {
        r.walks = x as u32;
    }
    if let Some(x) = u("seed") {
        r.seed = x;
    }
    if let Some(x) = u("k") {
        r.k = x as u32;
    }
    if let Some(m) = o.get("metric").and_then(Value::as_str) {
        r.metric = Metric::from_name(m);
    }
    if let Some(i) = u("query_index") {
        r.query = Query::Index(i);
    }
    if let Some(q) = o.get("query").and_then(Value::as_array) {
        r.query = Query::Values(q.iter().map(|x| x.as_f64().unwrap() as f32).collect());
    }
    r.data = u("data").map(|x| x as usize);
    r.verify_data = o.get("verify_data").and_then(Value::as_bool) == Some(true);
    (r, u("segment").map(|x| x as usize))
}

#[test]
fn the_rust_host_reaches_every_verdict() {
    let text = std::fs::read_to_string(dir().join("cases.json")).unwrap();
    let set: Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for c in set["cases"].as_array().unwrap() {
        let name = c["file"].as_str().unwrap();
        let bytes = std::fs::read(dir().join(name)).unwrap();
        let parsed = RvfFile::parse(&bytes);
        match (&c["parse"], &parsed) {
            (Value::String(ok), Ok(_)) if ok == "ok" => {}
            (Value::Object(e), Err(err)) => assert_eq!(e["error"], err.class(), "{name}: {err}"),
            (want, got) => panic!("{name}: parse should give {want}, got {got:?}"),
        }
        let Ok(file) = parsed else { continue };
        for (i, want) in c["hashes"].as_array().unwrap().iter().enumerate() {
            let got = file.segment(i).unwrap().hash_status().class();
            assert_eq!(want, got, "{name}: segment {i} hash");
        }
        for s in c["selections"].as_array().unwrap() {
            let mut config = host_config(s["host"].as_str().unwrap());
            config.policy = policy(&set["keys"], s.get("trust"), false);
            let sel = select(&file, &config, Thoroughness::Every);
            let verdicts: Vec<(u64, String)> = sel
                .candidates
                .iter()
                .enumerate()
                .map(|(i, cand)| (cand.index as u64, sel.verdict(i).class()))
                .collect();
            let want: Vec<(u64, String)> = s["verdicts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    (
                        v["segment"].as_u64().unwrap(),
                        v["verdict"].as_str().unwrap().into(),
                    )
                })
                .collect();
            assert_eq!(verdicts, want, "{name}: selection under {}", s["host"]);
        }
        for r in c["runs"].as_array().unwrap() {
            let method = Method::from_name(r["method"].as_str().unwrap()).unwrap();
            let (req, force) = request(method, r["options"].as_object().unwrap());
            let mut config = host_config(r["host"].as_str().unwrap());
            config.force_segment = force;
            config.allow_unhashed =
                r["options"].get("allow_unhashed").and_then(Value::as_bool) == Some(true);
            let code_only =
                r["options"].get("trust_code_only").and_then(Value::as_bool) == Some(true);
            config.policy = policy(&set["keys"], r["options"].get("trust"), code_only);
            let got = Session::new(file.clone(), config).run(&req);
            let e = &r["expect"];
            match (&got, e.get("refused")) {
                (Ok(out), None) => {
                    assert_eq!(e["status"], out.report.status, "{name}: {r}");
                    assert_eq!(
                        e["output_digest"],
                        rvf_spec::hex::encode(&out.digest()),
                        "{name}: {r}"
                    );
                }
                (Err(err), Some(exit)) => assert_eq!(exit, err.exit().name(), "{name}: {r}: {err}"),
                (Ok(out), Some(exit)) => panic!(
                    "{name}: {r}: ran (status {}), expected {exit}",
                    out.report.status
                ),
                (Err(err), None) => panic!("{name}: {r}: refused: {err}"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} runs checked");
}
