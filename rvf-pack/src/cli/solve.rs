//! `rvf-pack select` and `rvf-pack run`: pick the file's solver for this
//! host (with every candidate explained), verify it, and run a method in
//! the sandbox.

use super::describe::hex;
use super::{exit, print_json, CmdResult, Failure};
use clap::{Args, ValueEnum};
use loader::runtime::{self, abi, caps, Limits, RunError, SandboxError, Selection};
use loader::wasm_seg::{feature_from_name, features_to_string};
use loader::{MappedFile, RvfFile};
use rvf_pack::receipt::{Receipt, RunContext};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Host and limit options shared by `select` and `run`.
#[derive(Args, Debug, Clone)]
pub struct HostArgs {
    /// Mask host features: "-simd" removes SIMD; "none"; or an explicit list "simd,bulk-memory"
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    pub host_features: Option<String>,
    /// Force a WASM segment (directory index); it is still fully verified
    #[arg(long, value_name = "N")]
    pub segment: Option<usize>,
    /// Fuel budget (about one unit per Wasm operator)
    #[arg(long, default_value_t = interpreter_default_fuel())]
    pub fuel: u64,
    /// Linear memory cap in bytes (K/M/G suffixes); the header's max pages apply when smaller
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    pub max_memory: Option<u64>,
    #[arg(long)]
    pub json: bool,
}

fn interpreter_default_fuel() -> u64 {
    Limits::default().fuel
}

fn parse_bytes(s: &str) -> Result<u64, String> {
    let (n, mul) = match s.chars().last() {
        Some('K' | 'k') => (&s[..s.len() - 1], 1u64 << 10),
        Some('M' | 'm') => (&s[..s.len() - 1], 1 << 20),
        Some('G' | 'g') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    n.parse::<u64>()
        .ok()
        .and_then(|v| v.checked_mul(mul))
        .ok_or_else(|| format!("'{s}' is not a byte count"))
}

/// Host feature bits after the user's mask.
pub fn host_mask(spec: Option<&str>) -> Result<u16, Failure> {
    let host = caps::host_features();
    let Some(spec) = spec else { return Ok(host) };
    let usage = |m: String| Failure {
        code: exit::USAGE,
        message: m,
    };
    if spec == "none" {
        return Ok(0);
    }
    let mut bits = if spec.starts_with('-') { host } else { 0 };
    for item in spec.split(',').filter(|s| !s.is_empty()) {
        let (remove, name) = match item.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, item.strip_prefix('+').unwrap_or(item)),
        };
        let b =
            feature_from_name(name).ok_or_else(|| usage(format!("unknown feature '{name}'")))?;
        if remove {
            bits &= !b;
        } else {
            bits |= b;
        }
    }
    Ok(bits & host)
}

fn limits(h: &HostArgs) -> Limits {
    let mut l = Limits {
        fuel: h.fuel,
        ..Limits::default()
    };
    if let Some(m) = h.max_memory {
        l.max_memory_bytes = m;
    }
    l
}

fn selection_json(sel: &Selection) -> Value {
    let cands: Vec<Value> = sel
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let h = c.header;
            json!({
                "segment": c.index,
                "offset": c.offset,
                "role": h.map(|h| loader::wasm_seg::role_name(h.role)),
                "target": h.map(|h| loader::wasm_seg::target_name(h.target)),
                "required_features": h.map(|h| features_to_string(h.required_features)),
                "priority": h.map(|h| h.bootstrap_priority),
                "selected": sel.chosen == Some(i),
                "verdict": sel.verdict(i),
            })
        })
        .collect();
    json!({
        "host_features": features_to_string(sel.host_features),
        "selected_segment": sel.chosen().map(|c| c.index),
        "candidates": cands,
    })
}

fn print_selection(sel: &Selection, explain: bool) {
    println!("host features: {}", features_to_string(sel.host_features));
    if sel.candidates.is_empty() {
        println!("the file has no WASM segments");
    }
    for (i, c) in sel.candidates.iter().enumerate() {
        if !explain && sel.chosen != Some(i) {
            continue;
        }
        let desc = c
            .header
            .map(|h| {
                format!(
                    "{} {} features={} priority={}",
                    loader::wasm_seg::role_name(h.role),
                    loader::wasm_seg::target_name(h.target),
                    features_to_string(h.required_features),
                    h.bootstrap_priority
                )
            })
            .unwrap_or_default();
        println!(
            "  segment {:>3} @{:<10} {desc}: {}",
            c.index,
            c.offset,
            sel.verdict(i)
        );
    }
}

fn open_with_host(file: &Path, h: &HostArgs) -> Result<(MappedFile, u16, Limits), Failure> {
    let map = MappedFile::open(file)?;
    let mask = host_mask(h.host_features.as_deref())?;
    Ok((map, mask, limits(h)))
}

fn no_solver(sel: &Selection) -> Failure {
    let mut msg = String::from("no runnable solver segment");
    if sel.forced {
        msg = String::from("the forced segment is not runnable");
    }
    for (i, c) in sel.candidates.iter().enumerate() {
        msg.push_str(&format!("\n  segment {}: {}", c.index, sel.verdict(i)));
    }
    if sel.candidates.is_empty() {
        msg.push_str(" (the file has no WASM segments)");
    }
    Failure {
        code: if sel.forced {
            exit::REFUSED
        } else {
            exit::NO_SOLVER
        },
        message: msg,
    }
}

/// Pick the solver segment this host would run, and say why
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  rvf-pack select data.rvf --explain\n  rvf-pack select data.rvf --host-features -simd --json"
)]
pub struct SelectArgs {
    pub file: PathBuf,
    /// List every WASM segment with its verdict and reason
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub host: HostArgs,
}

pub fn select(a: SelectArgs) -> CmdResult {
    let (map, mask, lim) = open_with_host(&a.file, &a.host)?;
    let file = RvfFile::parse(map.bytes())?;
    let sel = runtime::select(&file, mask, &lim, a.host.segment);
    if a.host.json {
        print_json(&selection_json(&sel));
    } else {
        print_selection(&sel, a.explain || sel.chosen.is_none());
    }
    if sel.chosen.is_none() {
        return Err(no_solver(&sel));
    }
    Ok(exit::OK)
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum Method {
    Cg,
    Jacobi,
    PprForward,
    PprBackward,
    WalkEstimate,
    Knn,
}

impl Method {
    fn id(self) -> u32 {
        match self {
            Method::Cg => abi::method::CG,
            Method::Jacobi => abi::method::JACOBI,
            Method::PprForward => abi::method::PPR_FORWARD,
            Method::PprBackward => abi::method::PPR_BACKWARD,
            Method::WalkEstimate => abi::method::WALK_ESTIMATE,
            Method::Knn => abi::method::KNN,
        }
    }
}

const RUN_HELP: &str = "\
Examples:
  rvf-pack run poisson.rvf cg --tol 1e-10 --out x.npy
  rvf-pack run karate.rvf ppr-forward --source 0 --epsilon 1e-6 --top 10
  rvf-pack run karate.rvf ppr-backward --target 33 --epsilon 1e-6
  rvf-pack run karate.rvf walk-estimate --source 0 --target 33 --walks 100000 --seed 7
  rvf-pack run vecs.rvf knn --query-index 3 --k 5 --metric cosine
  rvf-pack run data.rvf cg --host-features -simd --json

Extra exit codes of `run` / `select`:
  6  no runnable solver segment (every candidate's reason is printed)
  7  the forced segment (--segment) was refused before execution
  8  out of fuel      9  memory limit      10  stack overflow
  11 the module trapped or returned a malformed result
  12 the solver refused (bad parameters, data, not dominant, breakdown)
  13 the solver stopped without converging (budget); the result is still written";

/// Run a method of the file's solver inside the sandbox
#[derive(Args, Debug)]
#[command(after_help = RUN_HELP)]
pub struct RunArgs {
    pub file: PathBuf,
    #[arg(value_enum)]
    pub method: Method,
    /// Relative residual target (cg, jacobi)
    #[arg(long, default_value_t = 1e-8)]
    pub tol: f64,
    /// Iteration cap (cg, jacobi)
    #[arg(long, default_value_t = 10_000)]
    pub max_iter: u32,
    /// Jacobi-preconditioned CG
    #[arg(long)]
    pub precondition: bool,
    /// Minimum relative diagonal-dominance margin for jacobi
    #[arg(long, default_value_t = 0.01)]
    pub min_margin: f64,
    /// Teleport probability (PPR, walks)
    #[arg(long, default_value_t = 0.15)]
    pub alpha: f64,
    /// Push residual threshold
    #[arg(long, default_value_t = 1e-4)]
    pub epsilon: f64,
    #[arg(long, default_value_t = 0)]
    pub source: u32,
    #[arg(long, default_value_t = 0)]
    pub target: u32,
    /// Number of random walks
    #[arg(long, default_value_t = 10_000)]
    pub walks: u32,
    /// Random seed (walks); results depend only on it
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Work budget: pushes or walk steps (0 = default)
    #[arg(long, default_value_t = 0)]
    pub budget: u64,
    /// k nearest vectors
    #[arg(long, default_value_t = 10)]
    pub k: u32,
    #[arg(long, value_parser = ["l2", "ip", "cosine"], default_value = "l2")]
    pub metric: String,
    /// Query vector as comma-separated numbers (knn)
    #[arg(long, conflicts_with = "query_index")]
    pub query: Option<String>,
    /// Use stored vector N as the query (knn)
    #[arg(long)]
    pub query_index: Option<u32>,
    /// Write the full result (.npy or text) instead of printing it
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Rows of results to print
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Check every data segment's hash and structure before running
    #[arg(long)]
    pub verify_data: bool,
    /// Write a run receipt (JSON) for `rvf-pack replay`
    #[arg(long, value_name = "FILE")]
    pub receipt: Option<PathBuf>,
    /// Append this run to the file as a witness entry (chained, atomic)
    #[arg(long)]
    pub record: bool,
    /// Put a wall-clock time in the receipt / witness (clamped to SOURCE_DATE_EPOCH)
    #[arg(long)]
    pub timestamp: bool,
    #[command(flatten)]
    pub host: HostArgs,
}

fn query_bytes(a: &RunArgs, file: &RvfFile<'_>) -> Result<Vec<u8>, Failure> {
    let usage = |m: String| Failure {
        code: exit::USAGE,
        message: m,
    };
    if let Some(q) = &a.query {
        let v: Result<Vec<f32>, _> = q.split(',').map(|s| s.trim().parse::<f32>()).collect();
        let v = v.map_err(|_| usage(format!("--query '{q}' is not a list of numbers")))?;
        return Ok(v.iter().flat_map(|x| x.to_le_bytes()).collect());
    }
    if let Some(i) = a.query_index {
        let d = runtime::data_segments(file).map_err(|e| Failure {
            code: exit::BAD_CONTAINER,
            message: e.to_string(),
        })?;
        let (_, v) = d
            .vectors
            .ok_or_else(|| usage("the file has no vector segment".into()))?;
        let vals = v.values(i).ok_or_else(|| {
            usage(format!(
                "--query-index {i}: the file has {} vectors",
                v.count
            ))
        })?;
        return Ok(vals.flat_map(|x| x.to_le_bytes()).collect());
    }
    Err(usage("knn needs --query or --query-index".into()))
}

pub fn run(a: RunArgs) -> CmdResult {
    let (map, mask, lim) = open_with_host(&a.file, &a.host)?;
    let file = RvfFile::parse(map.bytes())?;
    let sel = runtime::select_first(&file, mask, &lim, a.host.segment);
    if sel.chosen.is_none() {
        return Err(no_solver(&sel));
    }
    let params = abi::Params {
        method: a.method.id(),
        tol: a.tol,
        max_iter: a.max_iter,
        flags: if a.precondition {
            abi::FLAG_PRECONDITION
        } else {
            0
        },
        alpha: a.alpha,
        epsilon: a.epsilon,
        seed: a.seed,
        source: a.source,
        target: a.target,
        k: a.k,
        metric: match a.metric.as_str() {
            "ip" => abi::metric::INNER_PRODUCT,
            "cosine" => abi::metric::COSINE,
            _ => abi::metric::L2,
        },
        work_budget: a.budget,
        num_walks: a.walks,
        input_ptr: 0,
        input_len: 0,
        min_margin: a.min_margin,
    };
    let input = if matches!(a.method, Method::Knn) {
        query_bytes(&a, &file)?
    } else {
        Vec::new()
    };
    let out = runtime::run(&file, &sel, &params, &input, a.verify_data).map_err(run_failure)?;
    let chosen = sel.chosen().expect("a chosen candidate");
    if a.receipt.is_some() || a.record {
        let mut receipt = rvf_pack::receipt::build(&RunContext {
            path: &a.file.to_string_lossy(),
            file: &file,
            selection: &sel,
            mask: a.host.host_features.clone(),
            limits: &lim,
            params: &params,
            input: &input,
            verify_data: a.verify_data,
            output: &out,
        });
        if a.timestamp {
            receipt.timestamp_unix = Some(rvf_pack::receipt::timestamp_now());
        }
        let bytes = receipt.to_bytes();
        if let Some(path) = &a.receipt {
            rvf_pack::writer::write_atomically(path, |w| {
                use std::io::Write;
                w.write_all(&bytes)
                    .map_err(|e| rvf_pack::PackError::io(path, e))
            })?;
        }
        if a.record {
            drop(file);
            drop(map);
            let ts = receipt
                .timestamp_unix
                .map_or(0, |t| t.saturating_mul(1_000_000_000));
            let lock = super::lock_for_writing(&a.file)?;
            let e = rvf_pack::witness::record(&lock, &bytes, ts)?;
            if !a.host.json {
                println!(
                    "  recorded witness entry {}",
                    hex(&loader::hash::shake256::<32>(&e.encode()))
                );
            }
        }
    }
    let r = out.report;
    let results = decode_results(&out.output, r.result_kind);
    let digest = hex(&loader::hash::shake256::<32>(&out.output));
    if let Some(path) = &a.out {
        write_results(path, &results, r.result_kind)?;
    }
    let code = match r.status {
        abi::status::OK => exit::OK,
        abi::status::NOT_CONVERGED | abi::status::BUDGET => exit::NOT_CONVERGED,
        _ => exit::SOLVER_REFUSED,
    };
    let report = json!({
        "status": r.status, "status_message": abi::status::message(r.status),
        "iterations": r.iterations, "residual": r.residual, "estimate": r.estimate,
        "work": r.work, "converged": r.converged == 1, "result_count": r.result_count,
    });
    if a.host.json {
        let mut v = json!({
            "file": a.file, "method": abi::method::name(params.method),
            "segment": {"index": chosen.index, "offset": chosen.offset,
                        "required_features": chosen.header.map(|h| features_to_string(h.required_features))},
            "selection": selection_json(&sel),
            "report": report, "fuel_used": out.fuel_used,
            "host_calls": out.host.calls, "rows_served": out.host.rows_served, "bytes_served": out.host.bytes_served,
            "output_digest": digest,
        });
        if a.out.is_none() {
            v["results"] = results_json(&results, r.result_kind, usize::MAX);
        } else {
            v["out"] = json!(a.out);
        }
        print_json(&v);
    } else {
        let h = chosen.header.expect("admitted candidates have headers");
        println!(
            "{} on segment {} ({}, features {}): {}",
            abi::method::name(params.method),
            chosen.index,
            loader::wasm_seg::role_name(h.role),
            features_to_string(h.required_features),
            abi::status::message(r.status)
        );
        println!(
            "  iterations {}  residual {:.3e}  estimate {:.6e}  work {}  fuel {}  host calls {}",
            r.iterations, r.residual, r.estimate, r.work, out.fuel_used, out.host.calls
        );
        println!("  output digest {digest}");
        match &a.out {
            Some(p) => println!("  wrote {} values to {}", r.result_count, p.display()),
            None => print_table(&results, r.result_kind, a.method, a.top),
        }
    }
    if code != exit::OK {
        eprintln!("rvf-pack: {}", abi::status::message(r.status));
    }
    Ok(code)
}

fn run_failure(e: RunError) -> Failure {
    let code = match &e {
        RunError::NoSolver => exit::NO_SOLVER,
        RunError::Data(_) => exit::VERIFY_FAILED,
        RunError::Sandbox(s) => match s {
            SandboxError::OutOfFuel { .. } => exit::OUT_OF_FUEL,
            SandboxError::MemoryLimit { .. } => exit::MEMORY_LIMIT,
            SandboxError::StackOverflow => exit::STACK,
            _ => exit::TRAP,
        },
    };
    Failure {
        code,
        message: e.to_string(),
    }
}

/// Results as (index, value) pairs (dense results use the position as index).
fn decode_results(out: &[u8], kind: u32) -> Vec<(u32, f64)> {
    if kind == abi::result_kind::DENSE_F64 {
        out.chunks_exact(8)
            .enumerate()
            .map(|(i, c)| (i as u32, f64::from_le_bytes(c.try_into().unwrap_or([0; 8]))))
            .collect()
    } else {
        out.chunks_exact(abi::PAIR_LEN)
            .map(|c| {
                (
                    u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                    f64::from_le_bytes(c[8..16].try_into().unwrap_or([0; 8])),
                )
            })
            .collect()
    }
}

fn results_json(r: &[(u32, f64)], kind: u32, limit: usize) -> Value {
    if kind == abi::result_kind::DENSE_F64 {
        json!(r.iter().take(limit).map(|x| x.1).collect::<Vec<_>>())
    } else {
        json!(r
            .iter()
            .take(limit)
            .map(|(i, v)| json!({"index": i, "value": v}))
            .collect::<Vec<_>>())
    }
}

fn print_table(r: &[(u32, f64)], kind: u32, m: Method, top: usize) {
    let mut rows = r.to_vec();
    let label = match m {
        Method::Knn => "distance",
        Method::WalkEstimate => "estimate",
        Method::PprForward | Method::PprBackward => {
            rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            "score"
        }
        _ => "x",
    };
    if kind == abi::result_kind::DENSE_F64 {
        println!(
            "  {} values (use --out FILE to save them all); first {}:",
            r.len(),
            top.min(r.len())
        );
    }
    println!("  {:>10}  {label}", "index");
    for (i, v) in rows.iter().take(top) {
        println!("  {i:>10}  {v:.12e}");
    }
}

fn write_results(path: &Path, r: &[(u32, f64)], kind: u32) -> Result<(), Failure> {
    let io = |e: std::io::Error| Failure {
        code: exit::IO,
        message: format!("{}: {e}", path.display()),
    };
    let npy = path.extension().is_some_and(|e| e == "npy");
    rvf_pack::writer::write_atomically(path, |w| {
        let map = |e: std::io::Error| rvf_pack::PackError::io(path, e);
        use std::io::Write;
        if npy && kind == abi::result_kind::DENSE_F64 {
            use npyz::WriterBuilder;
            let mut npy = npyz::WriteOptions::<f64>::new()
                .default_dtype()
                .shape(&[r.len() as u64])
                .writer(w)
                .begin_nd()
                .map_err(map)?;
            npy.extend(r.iter().map(|x| x.1)).map_err(map)?;
            npy.finish().map_err(map)
        } else {
            for (i, v) in r {
                writeln!(w, "{i} {v:e}").map_err(map)?;
            }
            Ok(())
        }
    })
    .map_err(|e| io(std::io::Error::other(e.to_string())))
}

/// Re-run exactly what a receipt says and compare
#[derive(Args, Debug)]
#[command(
    after_help = "Exit code 0 only on a bit-identical match; 14 when anything differs (the diff is printed).\n\nExamples:\n  rvf-pack replay run.json\n  rvf-pack replay run.json archive/copy.rvf --json"
)]
pub struct ReplayArgs {
    /// The receipt written by `run --receipt`
    pub receipt: PathBuf,
    /// The RVF file (default: the path in the receipt)
    pub file: Option<PathBuf>,
    /// Override the recorded host-feature mask
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    pub host_features: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn replay(a: ReplayArgs) -> CmdResult {
    let text = std::fs::read(&a.receipt).map_err(|e| Failure {
        code: exit::IO,
        message: format!("{}: {e}", a.receipt.display()),
    })?;
    let r = Receipt::parse(&text).map_err(|e| Failure {
        code: exit::BAD_INPUT,
        message: format!("{}: {e}", a.receipt.display()),
    })?;
    let path = a
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from(&r.file.path));
    let bad = |m: &str| Failure {
        code: exit::BAD_INPUT,
        message: format!("{}: {m}", a.receipt.display()),
    };
    let params = r
        .params
        .decode()
        .ok_or_else(|| bad("params_hex is not a valid params struct"))?;
    let input =
        rvf_pack::receipt::unhex(&r.params.input_hex).ok_or_else(|| bad("input_hex is not hex"))?;
    let mask_spec = a.host_features.clone().or(r.selection.mask.clone());
    let mask = host_mask(mask_spec.as_deref())?;
    let lim = Limits {
        fuel: r.engine.fuel_limit,
        max_memory_bytes: r.engine.max_memory_bytes,
        max_recursion: r.engine.max_recursion,
        ..Limits::default()
    };
    let map = MappedFile::open(&path)?;
    let file = RvfFile::parse(map.bytes())?;
    let sel = runtime::select(&file, mask, &lim, r.selection.forced_segment);
    let (mut diffs, extended) = r.file_diff(file.bytes());
    let now = match sel.chosen() {
        None => {
            diffs.push(format!(
                "segment: receipt used {}, replay found no runnable solver",
                r.selection.chosen.index
            ));
            None
        }
        Some(_) => match runtime::run(&file, &sel, &params, &input, r.params.verify_data) {
            Ok(out) => Some(rvf_pack::receipt::build(&RunContext {
                path: &path.to_string_lossy(),
                file: &file,
                selection: &sel,
                mask: mask_spec.clone(),
                limits: &lim,
                params: &params,
                input: &input,
                verify_data: r.params.verify_data,
                output: &out,
            })),
            Err(e) => {
                diffs.push(format!(
                    "run: receipt finished with status {}, replay failed: {e}",
                    r.result.status
                ));
                None
            }
        },
    };
    if let Some(now) = &now {
        diffs.extend(r.diff(now));
    }
    if a.json {
        print_json(
            &json!({"receipt": a.receipt, "file": path, "identical": diffs.is_empty(), "differences": diffs,
            "file_extended_since": extended,
            "output_digest": now.as_ref().map(|n| n.result.output_digest.clone())}),
        );
    } else if diffs.is_empty() {
        println!(
            "replay identical: {} on segment {} -> output {} (fuel {})",
            r.params.method, r.selection.chosen.index, r.result.output_digest, r.result.fuel_used
        );
        if extended {
            println!("  (the file has been appended to since; its first {} bytes are exactly the recorded file)", r.file.length);
        }
    } else {
        println!("replay DIFFERS from the receipt:");
        for d in &diffs {
            println!("  {d}");
        }
    }
    Ok(if diffs.is_empty() {
        exit::OK
    } else {
        exit::REPLAY_DIFFERS
    })
}
