//! One owner for the run options: every option of `rvf-pack run` that sets
//! a run request is accepted by `rvf_host::Request::set_option` under the
//! same name (front ends without clap, such as the firmware, parse their
//! command line with it), has the same default, and means the same thing.
//!
//! The options are read from the real binary's help (clap renders it from
//! the `Command` the CLI parses with). The host's options (features, forced
//! segment, limits, trust: `HostArgs`) are the ones `run` shares with
//! `select`; the output's are listed below; every other option of `run` is
//! a request's. So a new run option fails here until `set_option` knows it
//! or it is the host's or the output's. The meaning is checked end to end:
//! the CLI's run receipt records the exact ABI params and input it ran
//! with, and `set_option` must build the same bytes.

mod common;
use common::*;
use rvf_host::request::OptionError;
use rvf_host::{HostConfig, Method, Request, RvfFile, Session};
use rvf_spec::hex;
use std::path::Path;

/// Options only `rvf-pack run` has that are not a request's: where and how
/// it writes its results and receipts.
const OUTPUT: [&str; 6] = [
    "out",
    "top",
    "receipt",
    "record",
    "timestamp",
    "sign-receipt",
];

/// One option as `--help` shows it.
#[derive(Debug)]
struct HelpOption {
    name: String,
    /// Takes a value (`--tol <TOL>`), else a flag.
    takes_value: bool,
    default: Option<String>,
    possible: Vec<String>,
}

/// The options of `rvf-pack run`.
fn run_options() -> Vec<HelpOption> {
    options_of("run")
}

/// The options of a subcommand, from its long help.
fn options_of(command: &str) -> Vec<HelpOption> {
    let o = run(&[command, "--help"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let help = stdout(&o);
    let mut opts: Vec<HelpOption> = Vec::new();
    let mut in_options = false;
    for line in help.lines() {
        let t = line.trim();
        if line == "Options:" {
            in_options = true;
            continue;
        }
        if !in_options {
            continue;
        }
        if !line.starts_with(' ') && !t.is_empty() {
            break; // the after-help (examples, exit codes)
        }
        // `  -q, --quiet` or `      --tol <TOL>`
        let head = t.split_once(", ").map_or(t, |(short, long)| {
            if short.len() == 2 && short.starts_with('-') {
                long
            } else {
                t
            }
        });
        if let Some(spec) = head.strip_prefix("--").filter(|_| line.starts_with("  ")) {
            let (name, rest) = spec.split_once(' ').unwrap_or((spec, ""));
            if name.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                opts.push(HelpOption {
                    name: name.to_string(),
                    takes_value: rest.starts_with('<'),
                    default: None,
                    possible: Vec::new(),
                });
                continue;
            }
        }
        let Some(cur) = opts.last_mut() else { continue };
        if let Some(d) = t
            .strip_prefix("[default: ")
            .and_then(|d| d.strip_suffix(']'))
        {
            cur.default = Some(d.to_string());
        } else if let Some(v) = t
            .strip_prefix("[possible values: ")
            .and_then(|d| d.strip_suffix(']'))
        {
            cur.possible = v.split(", ").map(str::to_string).collect();
        } else if let Some((v, _)) = t.strip_prefix("- ").and_then(|d| d.split_once(':')) {
            cur.possible.push(v.to_string());
        }
    }
    assert!(
        opts.iter().any(|o| o.name == "json") && opts.iter().any(|o| o.name == "fuel"),
        "the help was not understood: {opts:?}\n{help}"
    );
    opts
}

/// Whether a run option is the host's (shared with `select`) or the output's.
fn not_a_request(name: &str, select: &[HelpOption]) -> bool {
    OUTPUT.contains(&name) || select.iter().any(|o| o.name == name)
}

fn request_options() -> Vec<HelpOption> {
    let select = options_of("select");
    run_options()
        .into_iter()
        .filter(|o| !not_a_request(&o.name, &select))
        .collect()
}

#[test]
fn every_request_option_of_run_is_accepted_by_set_option() {
    let select = options_of("select");
    let opts = run_options();
    assert!(opts.iter().any(|o| o.name == "tol"), "{opts:?}");
    for o in &opts {
        let mut r = Request::new(Method::Knn);
        let got = if not_a_request(&o.name, &select) {
            assert_eq!(
                r.set_option(&o.name, "1"),
                Err(OptionError::Unknown(o.name.clone())),
                "--{} is the host's or the output's, not a request's",
                o.name
            );
            continue;
        } else if o.takes_value {
            // An empty value tells a parser to take the next word.
            assert!(
                matches!(r.set_option(&o.name, ""), Err(OptionError::MissingValue(n)) if n == o.name),
                "--{} takes a value in the CLI",
                o.name
            );
            let v = o
                .default
                .clone()
                .or_else(|| o.possible.first().cloned())
                .unwrap_or_else(|| "1".into());
            r.set_option(&o.name, &v)
        } else {
            r.set_option(&o.name, "")
        };
        assert_eq!(
            got,
            Ok(()),
            "rvf-pack run --{} is not set_option's (nor the host's, shared with select, nor in OUTPUT)",
            o.name
        );
    }
}

#[test]
fn the_defaults_are_the_clis() {
    for o in request_options() {
        let Some(d) = &o.default else { continue };
        for m in Method::ALL {
            let mut r = Request::new(m);
            r.set_option(&o.name, d).unwrap();
            assert_eq!(
                r,
                Request::new(m),
                "--{}: the CLI's default {d} is not Request::new's",
                o.name
            );
        }
    }
}

/// What the CLI ran with, from its receipt: (params hex, input hex, verify_data, matrix).
fn cli_ran(file: &Path, method: &str, opts: &[&str]) -> (String, String, bool, Option<usize>) {
    let d = tempfile::tempdir().unwrap();
    let receipt = d.path().join("r.json");
    let mut args = vec!["run", s(file), method, "--receipt", s(&receipt)];
    args.extend_from_slice(opts);
    let o = run(&args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&receipt).unwrap()).unwrap();
    let p = &r["params"];
    (
        p["params_hex"].as_str().unwrap().to_string(),
        p["input_hex"].as_str().unwrap().to_string(),
        p["verify_data"].as_bool().unwrap(),
        r["data"]["matrix"].as_u64().map(|m| m as usize),
    )
}

/// What `set_option` builds for the same words.
fn set_option_builds(
    file: &Path,
    method: &str,
    opts: &[&str],
) -> (String, String, bool, Option<usize>) {
    let bytes = std::fs::read(file).unwrap();
    let session = Session::new(RvfFile::parse(&bytes).unwrap(), HostConfig::default());
    let mut r = Request::new(Method::from_name(method).unwrap());
    let mut words = opts.iter();
    while let Some(w) = words.next() {
        let name = w.strip_prefix("--").unwrap();
        if let Err(OptionError::MissingValue(_)) = r.set_option(name, "") {
            r.set_option(name, words.next().unwrap()).unwrap();
        }
    }
    let binding = session.bind(r.matrix_choice()).unwrap();
    let input = r.input(&binding).unwrap();
    (
        hex::encode(&r.params(session.file()).encode()),
        hex::encode(&input),
        r.verify_data,
        binding.sparse.as_ref().map(|(i, _)| *i),
    )
}

#[test]
fn set_option_means_what_the_cli_means() {
    let d = tempfile::tempdir().unwrap();
    let graph = karate(d.path());
    let vectors = d.path().join("points.rvf");
    pack(&vectors, &["--vectors", s(&sample("points.fvecs"))]);
    let matrix = cli_ran(&graph, "ppr-forward", &[]).3.unwrap().to_string();
    let query = vec!["0.5"; 16].join(",");
    // A value other than the default for every request option, on a run
    // where the solver accepts it (the params record every field anyway).
    let samples: [(&str, &[&str]); 17] = [
        ("tol", &["1e-9"]),
        ("max-iter", &["77"]),
        ("precondition", &[]),
        ("min-margin", &["0.25"]),
        ("alpha", &["0.2"]),
        ("epsilon", &["1e-5"]),
        ("source", &["3"]),
        ("target", &["5"]),
        ("walks", &["500"]),
        ("seed", &["42"]),
        ("budget", &["123456"]),
        ("k", &["3"]),
        ("metric", &["cosine"]),
        ("data", &[matrix.as_str()]),
        ("verify-data", &[]),
        ("query-index", &["3"]),
        ("query", &[query.as_str()]),
    ];
    for o in request_options() {
        let Some((name, value)) = samples.iter().find(|(n, _)| *n == o.name) else {
            panic!("--{}: add a sample value to this test", o.name);
        };
        let (file, method) = if name.starts_with("query") {
            (&vectors, "knn")
        } else {
            (&graph, "ppr-forward")
        };
        let flag = format!("--{name}");
        let mut words = vec![flag.as_str()];
        words.extend_from_slice(value);
        assert_eq!(
            set_option_builds(file, method, &words),
            cli_ran(file, method, &words),
            "{words:?}: set_option builds other params or input than the CLI"
        );
    }
}
