//! The C API from C: `capi/tests/c/*.c` compiled with gcc against the
//! static library (what an iOS app or a firmware links), with
//! AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer, run on
//! the conformance set, the bundled samples (packed here by the rvf-pack
//! binary, whose `run --json` the C results must equal) and hostile files
//! and callers. gcc (and g++, for the header's C++ check) must be
//! installed: a missing compiler fails these tests, it never skips them.

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn work_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("capi-c");
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Built {
    staticlib: PathBuf,
    rvf_pack: PathBuf,
    driver: PathBuf,
    hostile: PathBuf,
}

/// Build librvf.a and rvf-pack (a nested cargo, same profile), then the C
/// programs; once per test binary.
fn built() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| {
        let out = Command::new(env!("CARGO"))
            .args([
                "build",
                "--locked",
                "--message-format=json-render-diagnostics",
            ])
            .args([
                "-p", "rvf-capi", "--lib", "-p", "rvf-pack", "--bin", "rvf-pack",
            ])
            .arg("--manifest-path")
            .arg(root().join("Cargo.toml"))
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "building librvf.a and rvf-pack failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (mut staticlib, mut rvf_pack) = (None, None);
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if v["reason"] != "compiler-artifact" {
                continue;
            }
            if v["target"]["name"] == "rvf" {
                for f in v["filenames"].as_array().into_iter().flatten() {
                    let f = f.as_str().unwrap_or_default();
                    if f.ends_with("librvf.a") {
                        staticlib = Some(PathBuf::from(f));
                    }
                }
            }
            if v["target"]["name"] == "rvf-pack" && v["executable"].is_string() {
                rvf_pack = Some(PathBuf::from(v["executable"].as_str().unwrap()));
            }
        }
        let staticlib = staticlib.expect("cargo built librvf.a");
        let driver = compile("driver", &staticlib);
        let hostile = compile("hostile", &staticlib);
        Built {
            staticlib,
            rvf_pack: rvf_pack.expect("cargo built rvf-pack"),
            driver,
            hostile,
        }
    })
}

const SANITIZE: [&str; 4] = [
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=undefined",
    "-fno-omit-frame-pointer",
    "-g",
];
const STRICT: [&str; 5] = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"];

fn gcc() -> Command {
    let probe = Command::new("gcc").arg("--version").output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "gcc is required for the C API tests (Debian: apt-get install gcc)"
    );
    Command::new("gcc")
}

/// Compile `capi/tests/c/NAME.c` against the static library.
fn compile(name: &str, staticlib: &Path) -> PathBuf {
    let exe = work_dir().join(name);
    let out = gcc()
        .args(STRICT)
        .args(SANITIZE)
        .arg("-I")
        .arg(root().join("capi/include"))
        .arg(root().join(format!("capi/tests/c/{name}.c")))
        .arg(staticlib)
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&exe)
        .output()
        .expect("gcc runs");
    assert!(
        out.status.success(),
        "gcc {name}.c failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// Run a sanitized C program: it must exit 0 with no sanitizer report.
fn run_c(exe: &Path, args: &[&str]) -> String {
    let out = Command::new(exe)
        .args(args)
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:halt_on_error=1:abort_on_error=0",
        )
        .env("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
        .output()
        .expect("the C program runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("Sanitizer"),
        "{} {args:?} failed ({}):\n{stderr}",
        exe.display(),
        out.status
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The driver's "key value" lines.
fn facts(out: &str) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for line in out.lines() {
        let (k, v) = line.split_once(' ').unwrap_or((line, ""));
        m.entry(k.into()).or_default().push(v.into());
    }
    m
}

fn one<'a>(f: &'a HashMap<String, Vec<String>>, key: &str) -> &'a str {
    f.get(key)
        .and_then(|v| v.first())
        .unwrap_or_else(|| panic!("no {key} in {f:?}"))
}

fn driver(args: &[&str]) -> HashMap<String, Vec<String>> {
    facts(&run_c(&built().driver, args))
}

#[test]
fn header_compiles_as_c_and_as_cpp() {
    let dir = work_dir();
    let tu = dir.join("header_only.c");
    std::fs::write(
        &tu,
        "#include \"rvf.h\"\nint main(void) { return RVF_EXIT_OK; }\n",
    )
    .unwrap();
    for (compiler, std) in [("gcc", "-std=c99"), ("g++", "-std=c++11")] {
        if compiler == "gcc" {
            gcc();
        }
        let out = Command::new(compiler)
            .args([
                std,
                "-Wall",
                "-Wextra",
                "-Werror",
                "-pedantic",
                "-fsyntax-only",
            ])
            .args(if compiler == "g++" {
                &["-x", "c++"][..]
            } else {
                &[][..]
            })
            .arg("-I")
            .arg(root().join("capi/include"))
            .arg(&tu)
            .output()
            .unwrap_or_else(|e| panic!("{compiler} is required for the C API tests: {e}"));
        assert!(
            out.status.success(),
            "{compiler} {std} rejects rvf.h:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn hostile_callers_and_files_under_sanitizers() {
    let b = built();
    let scratch = work_dir().join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    let mut args: Vec<String> = vec![
        root().join("tests/conformance").display().to_string(),
        scratch.display().to_string(),
    ];
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(root().join("tests/corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rvf"))
        .collect();
    corpus.sort();
    assert!(corpus.len() >= 20, "the malformed corpus is there");
    args.extend(corpus.iter().map(|p| p.display().to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_c(&b.hostile, &argv);
    let last = out.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed"), "{out}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed > 1000, "{last}");
}

/// Options of a conformance run as driver arguments (the trust options,
/// `trust` and `trust_code_only`, are [`trust_args`]'s).
fn case_args(host: &str, options: &Value) -> Vec<String> {
    let mut a = vec![format!("host={host}")];
    for (k, v) in options.as_object().into_iter().flatten() {
        if k == "trust" || k == "trust_code_only" {
            continue;
        }
        let v = match v {
            Value::Array(xs) => xs
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(","),
            Value::Bool(b) => (*b as u8).to_string(),
            other => other.to_string(),
        };
        a.push(format!("{k}={v}"));
    }
    a
}

/// The trust list of the key names in `trust` (a case's `trust`), with
/// the public keys from the set's `keys`, handed to the driver through
/// one of the three ways to fill an `RvfTrust` (`way` picks, in turn):
/// the key bytes, a `.pub` file's text, a trust file's text.
fn trust_args(keys: &Value, trust: &Value, code_only: bool, way: usize) -> Vec<String> {
    let named: Vec<(&str, &str)> = trust
        .as_array()
        .expect("trust is a list of key names")
        .iter()
        .map(|n| {
            let n = n.as_str().unwrap();
            (n, keys[n].as_str().unwrap_or_else(|| panic!("no key {n}")))
        })
        .collect();
    let mut a: Vec<String> = match way % 3 {
        0 => named
            .iter()
            .map(|(n, hex)| format!("key={n}:{hex}"))
            .collect(),
        1 => named
            .iter()
            .map(|(n, hex)| format!("pub={n}:# rvf-boot Ed25519 public key\n{hex}\n"))
            .collect(),
        _ => {
            let mut text = String::from("# trusted keys\n\n");
            for (n, hex) in &named {
                text.push_str(&format!("{n}  {hex}\n"));
            }
            vec![format!("trust_file={text}")]
        }
    };
    if code_only {
        a.push("trust_code_only=1".into());
    }
    a
}

/// The Rust host's configuration for a case (mask, forced segment, policy).
fn host_config(keys: &Value, host: &str, options: &Value) -> rvf_host::HostConfig {
    let mut c = rvf_host::HostConfig::default()
        .with_mask(host)
        .unwrap_or_else(|e| panic!("host {host}: {e}"));
    c.force_segment = options
        .get("segment")
        .and_then(Value::as_u64)
        .map(|i| i as usize);
    c.policy = options.get("trust").map(|names| rvf_host::TrustPolicy {
        keys: names
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                let n = n.as_str().unwrap();
                let pk = rvf_spec::hex::decode(keys[n].as_str().unwrap()).unwrap();
                rvf_host::TrustedKey::new(n, pk.try_into().unwrap())
            })
            .collect(),
        unsigned_data: options.get("trust_code_only").and_then(Value::as_bool) == Some(true),
    });
    c
}

/// A signer as the driver prints it: `SEGMENT CLASS KEY_NAME|- KEY_ID|-`.
fn signer_line(segment: usize, s: &rvf_host::Signer) -> String {
    match s.key() {
        Some(k) => format!(
            "{segment} {} {} {}",
            s.class(),
            k.name,
            rvf_spec::hex::encode(&k.id)
        ),
        None => format!("{segment} {} - -", s.class()),
    }
}

#[test]
fn conformance_verdicts_from_c() {
    use rvf_host::select::{select, Thoroughness};
    let dir = root().join("tests/conformance");
    let cases: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let keys = &cases["keys"];
    let (mut checked, mut wrong) = (0, Vec::new());
    // Entries under a trust policy (every one is checked).
    let mut trusted = 0;
    let mut expect = |what: String, got: &str, want: &str| {
        checked += 1;
        if got != want {
            wrong.push(format!("{what}: C gives {got:?}, cases.json says {want:?}"));
        }
    };
    for case in cases["cases"].as_array().unwrap() {
        let name = case["file"].as_str().unwrap();
        let file = dir.join(name).display().to_string();
        let open = driver(&["open", &file]);
        let (code, class) = match &case["parse"] {
            Value::String(s) if s == "ok" => ("ok", ""),
            p => ("bad_container", p["error"].as_str().unwrap()),
        };
        expect(format!("{name} opens"), one(&open, "open_name"), code);
        if !class.is_empty() {
            expect(format!("{name} class"), one(&open, "open_class"), class);
        }
        let bytes = std::fs::read(&file).unwrap();
        let parsed = rvf_host::RvfFile::parse(&bytes).ok();
        for sel in case["selections"].as_array().into_iter().flatten() {
            let host = sel["host"].as_str().unwrap();
            let mut args = vec!["select".to_string(), file.clone(), format!("host={host}")];
            let mut what = format!("{name} host={host}");
            if let Some(trust) = sel.get("trust") {
                args.extend(trust_args(keys, trust, false, trusted));
                what.push_str(&format!(" trusting {trust}"));
                trusted += 1;
            }
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let f = driver(&argv);
            let got: Vec<String> = f.get("candidate").cloned().unwrap_or_default();
            let want: Vec<String> = sel["verdicts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| format!("{} {}", v["segment"], v["verdict"].as_str().unwrap()))
                .collect();
            expect(what.clone(), &got.join("; "), &want.join("; "));
            // Who signed each candidate: what the Rust host says.
            let rust = select(
                parsed.as_ref().expect("a case with selections parses"),
                &host_config(keys, host, sel),
                Thoroughness::Every,
            );
            let want: Vec<String> = rust
                .candidates
                .iter()
                .map(|c| signer_line(c.index, &c.signer))
                .collect();
            let got: Vec<String> = f.get("signer").cloned().unwrap_or_default();
            expect(
                format!("{what}: signers"),
                &got.join("; "),
                &want.join("; "),
            );
        }
        for run in case["runs"].as_array().into_iter().flatten() {
            let method = run["method"].as_str().unwrap();
            let host = run["host"].as_str().unwrap();
            let mut args = vec!["run".to_string(), file.clone(), method.into()];
            args.extend(case_args(host, &run["options"]));
            if let Some(trust) = run["options"].get("trust") {
                let code_only = run["options"]
                    .get("trust_code_only")
                    .and_then(Value::as_bool)
                    == Some(true);
                args.extend(trust_args(keys, trust, code_only, trusted));
                trusted += 1;
            }
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let f = driver(&argv);
            let what = format!("{name} {} {}", method, run["options"]);
            let want = &run["expect"];
            if let Some(refused) = want["refused"].as_str() {
                expect(what.clone(), one(&f, "run_name"), refused);
                let handle = if f.contains_key("digest") {
                    "a run"
                } else {
                    "none"
                };
                expect(what, handle, "none");
            } else {
                expect(what.clone(), one(&f, "status"), &want["status"].to_string());
                let digest = want["output_digest"].as_str().unwrap();
                expect(what.clone(), one(&f, "digest"), digest);
                // The code that ran was signed as the Rust host says.
                let config = host_config(keys, host, &run["options"]);
                let rust = select(
                    parsed.as_ref().expect("a case with runs parses"),
                    &config,
                    Thoroughness::FirstPassing,
                );
                let c = rust.chosen().expect("the Rust host selects a solver");
                expect(
                    format!("{what}: signer"),
                    one(&f, "run_signer"),
                    &signer_line(c.index, &c.signer),
                );
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let in_set = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            let sels = c["selections"].as_array().unwrap().iter();
            let runs = c["runs"].as_array().unwrap().iter().map(|r| &r["options"]);
            sels.chain(runs)
        })
        .filter(|x| x.get("trust").is_some())
        .count();
    assert!(in_set > 0, "cases.json has entries under a trust policy");
    assert_eq!(trusted, in_set, "every entry under a trust policy reached");
    assert!(checked >= 60, "{checked} verdicts checked");
    eprintln!(
        "{checked} conformance verdicts reached from C, {trusted} entries under a trust policy among them (none left out)"
    );
}

/// Pack the bundled samples with the rvf-pack binary.
fn pack_samples() -> Vec<(PathBuf, Vec<&'static str>)> {
    let b = built();
    let s = root().join("samples");
    let d = root().join("microkernel/dist");
    let solvers = [
        "--solver".to_string(),
        d.join("solver-baseline.wasm").display().to_string(),
        "--solver".to_string(),
        d.join("solver-simd.wasm").display().to_string(),
    ];
    let sets: [(&str, Vec<String>, Vec<&str>); 3] = [
        (
            "poisson.rvf",
            vec![
                "--matrix".into(),
                s.join("poisson16.mtx").display().to_string(),
                "--rhs".into(),
                s.join("poisson16_rhs.txt").display().to_string(),
            ],
            vec![
                "cg tol=1e-10",
                "cg tol=1e-10 precondition=1",
                "jacobi tol=1e-8",
                "cg max_iter=3",
            ],
        ),
        (
            "lesmis.rvf",
            vec![
                "--matrix".into(),
                s.join("lesmis.mtx").display().to_string(),
                "--with-transpose".into(),
            ],
            vec![
                "ppr-forward source=3 epsilon=1e-7",
                "ppr-backward target=11 epsilon=1e-7",
                "walk-estimate source=0 target=11 walks=2000 seed=9",
            ],
        ),
        (
            "points.rvf",
            vec![
                "--vectors".into(),
                s.join("points.fvecs").display().to_string(),
            ],
            vec![
                "knn query_index=5 k=7",
                "knn query_index=5 k=4 metric=cosine",
            ],
        ),
    ];
    let mut files = Vec::new();
    for (name, inputs, runs) in sets {
        let path = work_dir().join(name);
        let _ = std::fs::remove_file(&path);
        let out = Command::new(&b.rvf_pack)
            .arg("create")
            .arg(&path)
            .args(&inputs)
            .args(&solvers)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        files.push((path, runs));
    }
    files
}

/// `rvf-pack run --json` with the driver's options.
fn rvf_pack_run(file: &Path, method: &str, opts: &[&str]) -> Value {
    let mut cmd = Command::new(&built().rvf_pack);
    cmd.arg("run").arg(file).arg(method).arg("--json");
    for o in opts {
        let (k, v) = o.split_once('=').unwrap();
        let flag = format!("--{}", k.replace('_', "-"));
        match (k, v) {
            ("precondition", _) => cmd.arg(flag),
            _ => cmd.args([flag.as_str(), v]),
        };
    }
    let out = cmd.output().unwrap();
    serde_json::from_str(&String::from_utf8_lossy(&out.stdout))
        .unwrap_or_else(|e| panic!("rvf-pack run {method} {opts:?}: {e}: {out:?}"))
}

#[test]
fn samples_give_what_rvf_pack_gives() {
    let mut compared = 0;
    for (file, runs) in pack_samples() {
        let path = file.display().to_string();
        for run in runs {
            let mut words = run.split(' ');
            let method = words.next().unwrap();
            let opts: Vec<&str> = words.collect();
            let want = rvf_pack_run(&file, method, &opts);
            for by_path in ["path=0", "path=1"] {
                let mut args = vec!["run", path.as_str(), method, by_path];
                args.extend(&opts);
                let f = driver(&args);
                let r = &want["report"];
                assert_eq!(
                    one(&f, "digest"),
                    want["output_digest"].as_str().unwrap(),
                    "{run}"
                );
                assert_eq!(one(&f, "fuel"), want["fuel_used"].to_string(), "{run}");
                assert_eq!(one(&f, "status"), r["status"].to_string(), "{run}");
                assert_eq!(one(&f, "iterations"), r["iterations"].to_string(), "{run}");
                assert_eq!(
                    one(&f, "result_count"),
                    r["result_count"].to_string(),
                    "{run}"
                );
                assert_eq!(
                    one(&f, "run_segment"),
                    want["segment"]["index"].to_string(),
                    "{run}"
                );
                assert_eq!(
                    one(&f, "words"),
                    r["status_words"].as_str().unwrap(),
                    "{run}"
                );
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 18);
}

#[test]
fn static_library_is_what_was_built() {
    let b = built();
    assert!(b.staticlib.ends_with("librvf.a"));
    assert!(std::fs::metadata(&b.staticlib).unwrap().len() > 0);
}
