//! Self-bootstrapping files: `--bootstrap` stores the interpreter module;
//! `run --via interpreter` runs the kernel inside it (the host's sandbox
//! runs the interpreter). Same outputs and the same kernel fuel as a
//! direct run of the same kernel, for every method; the published runtime
//! calls the file self-bootstrapping.

mod common;
use common::*;
use std::path::{Path, PathBuf};

const METHODS: [&[&str]; 6] = [
    &["cg"],
    &["jacobi"],
    &["ppr-forward", "--source", "3", "--epsilon", "1e-7"],
    &["ppr-backward", "--target", "5", "--epsilon", "1e-7"],
    &[
        "walk-estimate",
        "--source",
        "1",
        "--target",
        "9",
        "--walks",
        "2000",
        "--seed",
        "11",
    ],
    &["knn", "--query-index", "17", "--k", "5"],
];

/// `run FILE METHOD.. EXTRA.. --json`.
fn run_method(f: &Path, m: &[&str], extra: &[&str]) -> std::process::Output {
    let mut a = vec!["run", s(f)];
    a.extend_from_slice(m);
    a.extend_from_slice(extra);
    a.push("--json");
    run(&a)
}

/// `run FILE METHOD.. EXTRA.. --json`, which must succeed: its JSON.
fn run_ok(f: &Path, m: &[&str], extra: &[&str]) -> serde_json::Value {
    let o = run_method(f, m, extra);
    assert!(o.status.success(), "{m:?} {extra:?}: {}", stderr(&o));
    json(&o)
}

/// `run FILE METHOD.. EXTRA.. --json`: its exit status and JSON (if any).
fn run_json(f: &Path, m: &[&str], extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let o = run_method(f, m, extra);
    let v = if o.status.success() {
        json(&o)
    } else {
        serde_json::Value::Null
    };
    (o.status.code(), v)
}

/// Calls `with` with the Poisson sample data (matrix, right-hand side,
/// transpose, vectors) followed by `rest`, as `create` arguments.
fn with_poisson(rest: &[&str], with: impl FnOnce(&[&str])) {
    let (mtx, rhs, vecs) = (
        sample("poisson16.mtx"),
        sample("poisson16_rhs.txt"),
        sample("points.fvecs"),
    );
    let mut a = vec![
        "--matrix",
        s(&mtx),
        "--rhs",
        s(&rhs),
        "--with-transpose",
        "--vectors",
        s(&vecs),
    ];
    a.extend_from_slice(rest);
    with(&a);
}

/// The stored WASM segment `seg` extracts to `bootstrap/dist/NAME`.
fn assert_extracts_to(f: &Path, seg: &serde_json::Value, dir: &Path, name: &str) {
    let out = dir.join(name);
    let i = seg["index"].to_string();
    assert!(run(&["extract", s(f), "--segment", &i, "-o", s(&out)])
        .status
        .success());
    assert_eq!(
        std::fs::read(out).unwrap(),
        std::fs::read(root().join("bootstrap/dist").join(name)).unwrap()
    );
}

fn booted(dir: &Path) -> PathBuf {
    let p = dir.join("booted.rvf");
    with_poisson(&["--bootstrap"], |a| pack(&p, a));
    p
}

#[test]
fn every_method_gives_the_same_bits_and_kernel_fuel_through_the_interpreter() {
    let d = tempfile::tempdir().unwrap();
    let f = booted(d.path());
    for m in METHODS {
        // The interpreter runs no SIMD: compare with the baseline kernel
        // run directly.
        let direct = run_ok(&f, m, &["--host-features", "-simd"]);
        let two = run_ok(&f, m, &["--via", "interpreter"]);
        assert_eq!(direct["segment"]["index"], two["segment"]["index"], "{m:?}");
        assert_eq!(direct["output_digest"], two["output_digest"], "{m:?}");
        assert_eq!(direct["fuel_used"], two["fuel_used"], "{m:?}");
        assert_eq!(direct["report"], two["report"], "{m:?}");
        assert_eq!(two["selection"]["via"], "interpreter");
        assert_eq!(direct["selection"]["via"], "direct");
    }
}

#[test]
fn the_published_runtime_calls_it_self_bootstrapping() {
    let d = tempfile::tempdir().unwrap();
    let f = booted(d.path());
    let store = rvf_runtime::RvfStore::open_readonly(&f).unwrap();
    assert!(store.is_self_bootstrapping());
    let plain = karate(d.path());
    assert!(!rvf_runtime::RvfStore::open_readonly(&plain)
        .unwrap()
        .is_self_bootstrapping());
    // Ours says so too, and names the chain.
    let v = json(&run(&["select", s(&f), "--json"]));
    assert_eq!(v["bootstrap"]["chain"], "two-stage");
    assert_eq!(v["bootstrap"]["self_bootstrapping"], true);
    let v = json(&run(&["select", s(&plain), "--json"]));
    assert_eq!(v["bootstrap"]["chain"], "host-required");
    // The interpreter is stored compressed, and extracts to the module.
    let seg = segment(&f, |s| s["detail"]["role"] == "interpreter");
    assert_eq!(seg["detail"]["compression"], "ZSTD");
    assert_eq!(seg["detail"]["interpreter_type"], 3);
    assert_extracts_to(&f, &seg, d.path(), "interp.wasm");
}

#[test]
fn the_interpreter_is_code_from_the_file_and_checked_as_such() {
    let d = tempfile::tempdir().unwrap();
    // No interpreter at all.
    let plain = karate(d.path());
    let o = run(&["run", s(&plain), "ppr-forward", "--via", "interpreter"]);
    assert_eq!(o.status.code(), Some(6));
    assert!(stderr(&o).contains("--bootstrap"), "{}", stderr(&o));
    // A byte of the stored interpreter changed: its hash refuses it.
    let f = booted(d.path());
    let seg = segment(&f, |s| s["detail"]["role"] == "interpreter");
    let at = seg["offset"].as_u64().unwrap() as usize + 64 + 64 + 1000;
    let mut b = std::fs::read(&f).unwrap();
    b[at] ^= 0x40;
    let t = d.path().join("tampered.rvf");
    std::fs::write(&t, &b).unwrap();
    let o = run(&["run", s(&t), "cg", "--via", "interpreter"]);
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(stderr(&o).contains("content hash"), "{}", stderr(&o));
    // Direct runs do not need it.
    assert!(run(&["run", s(&t), "cg"]).status.success());
    // Under a trust policy the interpreter must be signed like any code.
    let o = run(&["keygen", "-o", s(&d.path().join("k"))]);
    assert!(o.status.success());
    let (key, public) = (d.path().join("k.key"), d.path().join("k.pub"));
    let g = d.path().join("signed.rvf");
    pack(
        &g,
        &[
            "--matrix",
            s(&sample("karate.mtx")),
            "--sign",
            s(&key),
            "--sign-all",
        ],
    );
    append(&g, &["--bootstrap"]);
    let o = run(&[
        "run",
        s(&g),
        "ppr-forward",
        "--via",
        "interpreter",
        "--trust",
        s(&public),
    ]);
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(stderr(&o).contains("trust"), "{}", stderr(&o));
    let o = run(&["sign", s(&g), "--key", s(&key)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        "run",
        s(&g),
        "ppr-forward",
        "--via",
        "interpreter",
        "--trust",
        s(&public),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["selection"]["via"], "interpreter");
}

/// The sample data of `booted`, with the Combined module as its only code.
fn combined_only(dir: &Path) -> PathBuf {
    let p = dir.join("combined.rvf");
    with_poisson(&["--bootstrap=combined"], |a| create(&p, a));
    p
}

/// The same data with the two kernels (and no bootstrap module).
fn kernels_only(dir: &Path) -> PathBuf {
    let p = dir.join("kernels.rvf");
    with_poisson(&[], |a| pack(&p, a));
    p
}

#[test]
fn a_combined_file_runs_every_method_with_the_baseline_kernels_bits() {
    let d = tempfile::tempdir().unwrap();
    let (c, k) = (combined_only(d.path()), kernels_only(d.path()));
    for m in METHODS {
        // The Combined module holds the baseline kernel: compare with it
        // run directly (a host without any proposal picks it).
        let direct = run_ok(&k, m, &["--host-features", "none"]);
        let combined = run_ok(&c, m, &[]);
        assert_eq!(direct["output_digest"], combined["output_digest"], "{m:?}");
        assert_eq!(direct["report"], combined["report"], "{m:?}");
        assert_eq!(direct["results"], combined["results"], "{m:?}");
        assert_eq!(direct["host_calls"], combined["host_calls"], "{m:?}");
        assert_eq!(direct["rows_served"], combined["rows_served"], "{m:?}");
        assert_eq!(direct["bytes_served"], combined["bytes_served"], "{m:?}");
        assert_eq!(combined["selection"]["via"], "direct");
        let chosen = |v: &serde_json::Value| {
            v["selection"]["candidates"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["selected"] == true)
                .unwrap()["role"]
                .clone()
        };
        assert_eq!(chosen(&combined), "combined", "{m:?}");
        assert_eq!(chosen(&direct), "microkernel", "{m:?}");
        // The fuel is the module's (wasmi inside included), not the
        // kernel's: always more.
        assert!(
            combined["fuel_used"].as_u64().unwrap() > direct["fuel_used"].as_u64().unwrap(),
            "{m:?}"
        );
    }
}

#[test]
fn a_combined_file_is_self_contained_and_self_bootstrapping() {
    let d = tempfile::tempdir().unwrap();
    let f = combined_only(d.path());
    assert!(rvf_runtime::RvfStore::open_readonly(&f)
        .unwrap()
        .is_self_bootstrapping());
    let v = json(&run(&["select", s(&f), "--json"]));
    assert_eq!(v["bootstrap"]["chain"], "self-contained");
    assert_eq!(v["bootstrap"]["self_bootstrapping"], true);
    let seg = v["bootstrap"]["combined"].clone();
    assert_eq!(v["selected_segment"], seg);
    let o = run(&["select", s(&f), "--explain"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!(
            "bootstrap chain: self-contained (the Combined module, segment {seg}"
        )),
        "{}",
        stdout(&o)
    );
    // One WASM segment: role combined, wasmi-compatible, ZSTD, priority
    // 128; it extracts to the committed module.
    let wasm: Vec<_> = segments(&f)
        .into_iter()
        .filter(|s| s["detail"]["role"].is_string())
        .collect();
    assert_eq!(wasm.len(), 1, "{wasm:?}");
    let seg = &wasm[0];
    assert_eq!(seg["detail"]["role"], "combined");
    assert_eq!(seg["detail"]["compression"], "ZSTD");
    assert_eq!(seg["detail"]["interpreter_type"], 3);
    assert_eq!(seg["detail"]["bootstrap_priority"], 128);
    assert_extracts_to(&f, seg, d.path(), "combined.wasm");
    // It carries no interpreter: a two-stage run is refused.
    let o = run(&["run", s(&f), "cg", "--via", "interpreter"]);
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
}

#[test]
fn append_bootstrap_combined_adds_it_behind_the_kernels() {
    let d = tempfile::tempdir().unwrap();
    let f = karate(d.path());
    append(&f, &["--bootstrap=combined"]);
    assert!(rvf_runtime::RvfStore::open_readonly(&f)
        .unwrap()
        .is_self_bootstrapping());
    let v = json(&run(&["select", s(&f), "--json"]));
    assert_eq!(v["bootstrap"]["chain"], "self-contained");
    // The kernels (priority 0) still run first; the Combined module is a
    // candidate behind them.
    let cands = v["candidates"].as_array().unwrap();
    let sel = cands.iter().find(|c| c["selected"] == true).unwrap();
    assert_eq!(sel["role"], "microkernel");
    assert!(cands.iter().any(|c| c["role"] == "combined"));
    // Forced, it runs and agrees with the baseline kernel.
    let seg = v["bootstrap"]["combined"].to_string();
    let go = |extra: &[&str]| {
        let mut a = vec!["run", s(&f), "ppr-forward", "--source", "0", "--json"];
        a.extend_from_slice(extra);
        let o = run(&a);
        assert!(o.status.success(), "{extra:?}: {}", stderr(&o));
        json(&o)
    };
    let c = go(&["--segment", &seg]);
    let b = go(&["--host-features", "none"]);
    assert_eq!(c["segment"]["index"].to_string(), seg);
    assert_eq!(c["output_digest"], b["output_digest"]);
    assert_eq!(c["report"], b["report"]);
}

#[test]
fn bad_params_to_a_combined_run_are_refused_as_the_kernel_refuses_them() {
    let d = tempfile::tempdir().unwrap();
    let (c, k) = (combined_only(d.path()), kernels_only(d.path()));
    let bad: [&[&str]; 6] = [
        &["ppr-forward", "--source", "3", "--alpha", "2"],
        &["ppr-forward", "--source", "99999"],
        &["ppr-backward", "--target", "5", "--epsilon", "-1"],
        &[
            "walk-estimate",
            "--source",
            "1",
            "--target",
            "9",
            "--walks",
            "0",
        ],
        &["knn", "--query-index", "17", "--k", "0"],
        &["cg", "--tol", "-1"],
    ];
    for m in bad {
        let go = |f: &Path, extra: &[&str]| {
            let mut a = vec!["run", s(f)];
            a.extend_from_slice(m);
            a.extend_from_slice(extra);
            let o = run(&a);
            a.push("--json");
            (o, json(&run(&a)))
        };
        let (ko, kj) = go(&k, &["--host-features", "none"]);
        let (co, cj) = go(&c, &[]);
        assert!(!ko.status.success(), "{m:?}");
        assert_eq!(ko.status.code(), co.status.code(), "{m:?}: {}", stderr(&co));
        let words = |o: &std::process::Output| {
            stderr(o)
                .lines()
                .find(|l| l.starts_with("rvf-pack:"))
                .map(str::to_string)
        };
        assert_eq!(words(&ko), words(&co), "{m:?}");
        assert_eq!(kj["report"], cj["report"], "{m:?}");
    }
}

/// The sample data of `booted` with both kernels and the SIMD interpreter
/// (`--bootstrap=interpreter-simd`), or with the SIMD kernel only.
fn booted_simd(dir: &Path, simd_only: bool) -> PathBuf {
    let p = dir.join(if simd_only {
        "simd-only.rvf"
    } else {
        "booted-simd.rvf"
    });
    with_poisson(&["--bootstrap=interpreter-simd"], |a| {
        let (b, m) = (kernel("baseline"), kernel("simd"));
        let mut a = a.to_vec();
        if !simd_only {
            a.extend_from_slice(&["--solver", s(&b)]);
        }
        a.extend_from_slice(&["--solver", s(&m)]);
        if simd_only {
            a.push("--allow-no-baseline");
        }
        create(&p, &a);
    });
    p
}

#[test]
fn the_simd_interpreter_runs_the_simd_kernel_with_the_direct_bits_and_fuel() {
    let d = tempfile::tempdir().unwrap();
    let both = booted_simd(d.path(), false);
    let only = booted_simd(d.path(), true);
    // Stored as documented: role interpreter, wasmi-compatible, ZSTD,
    // priority 127 (before the default interpreter's 128).
    let o = run(&["inspect", s(&both)]);
    let text = stdout(&o);
    let line = text.lines().find(|l| l.contains("interpreter")).unwrap();
    assert!(line.contains("prio=127") && line.contains("ZSTD"), "{line}");
    for m in METHODS {
        // The default direct run on this (SIMD) host: the SIMD kernel.
        let (_, direct) = run_json(&both, m, &[]);
        assert_eq!(direct["segment"]["required_features"], "simd,bulk-memory");
        let (_, two) = run_json(&both, m, &["--via", "interpreter"]);
        assert_eq!(two["selection"]["via"], "interpreter", "{m:?}");
        assert_eq!(two["selection"]["interpreter"]["segment"], 4, "{m:?}");
        for k in ["segment", "output_digest", "fuel_used", "report"] {
            assert_eq!(direct[k], two[k], "{m:?}: {k}");
        }
        // The file with the SIMD kernel only: directly under a mask
        // without SIMD, no solver runs (exit 6); through the interpreter,
        // the SIMD kernel runs with the direct SIMD run's bits and fuel.
        let (code, _) = run_json(&only, m, &["--host-features", "none"]);
        assert_eq!(code, Some(6), "{m:?}");
        let (_, alone) = run_json(&only, m, &["--via", "interpreter"]);
        assert_eq!(alone["selection"]["via"], "interpreter", "{m:?}");
        for k in ["output_digest", "fuel_used", "report"] {
            assert_eq!(direct[k], alone[k], "{m:?}: {k}");
        }
    }
}

#[test]
fn a_receipt_of_a_direct_simd_run_replays_through_the_simd_interpreter() {
    let d = tempfile::tempdir().unwrap();
    let f = booted_simd(d.path(), false);
    let r = d.path().join("r.json");
    // `run FILE ppr-forward --source 3 --receipt r.json`.
    let record = |f: &Path| {
        let o = run(&[
            "run",
            s(f),
            "ppr-forward",
            "--source",
            "3",
            "--receipt",
            s(&r),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    record(&f);
    let receipt: serde_json::Value = serde_json::from_slice(&std::fs::read(&r).unwrap()).unwrap();
    let o = run(&["replay", s(&r), "--via", "interpreter", "--json"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let j = json(&o);
    assert_eq!(j["identical"], true);
    assert_eq!(j["output_digest"], receipt["result"]["output_digest"]);
    // The default interpreter runs no SIMD: the same receipt does not
    // replay through it (exit 14: the segment differs).
    let plain = booted(d.path());
    record(&plain);
    let o = run(&["replay", s(&r), "--via", "interpreter"]);
    assert_ne!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn with_both_interpreters_the_one_that_runs_the_best_kernel_is_used() {
    let d = tempfile::tempdir().unwrap();
    // Both kernels (segments 2 and 3), the default interpreter (segment 4),
    // then the SIMD one appended (segment 6, after the first manifest).
    let f = booted(d.path());
    append(&f, &["--bootstrap=interpreter-simd"]);
    let sel = |extra: &[&str]| {
        let mut a = vec!["select", s(&f), "--via", "interpreter", "--json"];
        a.extend_from_slice(extra);
        let o = run(&a);
        assert!(o.status.success(), "{extra:?}: {}", stderr(&o));
        json(&o)
    };
    let j = sel(&[]);
    assert_eq!(j["interpreter"]["segment"], 6, "{j}");
    assert_eq!(j["selected_segment"], 3, "the SIMD kernel: {j}");
    // Under a mask without SIMD both run the best kernel left (the
    // baseline one): the lower priority decides.
    let j = sel(&["--host-features", "-simd"]);
    assert_eq!(j["interpreter"]["segment"], 6, "{j}");
    assert_eq!(j["selected_segment"], 2, "{j}");
    // The default interpreter when the SIMD one fails its checks: the file
    // still runs, the baseline kernel inside it.
    let mut bytes = std::fs::read(&f).unwrap();
    let file = loader::RvfFile::parse(&bytes).unwrap();
    let at = file.directory()[6].offset as usize + 64 + 200;
    drop(file);
    bytes[at] ^= 0xFF;
    let g = d.path().join("broken-simd-interp.rvf");
    std::fs::write(&g, &bytes).unwrap();
    let o = run(&["select", s(&g), "--via", "interpreter", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["interpreter"]["segment"], 4, "{j}");
    assert_eq!(j["selected_segment"], 2, "{j}");
}
