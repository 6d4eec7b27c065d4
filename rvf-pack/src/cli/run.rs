//! `rvf-pack run`: run a method of the file's solver in the sandbox.

use super::args::{MethodArg, MetricArg};
use super::host::{selection_json, HostArgs};
use super::{print_json, results, CmdResult, Failure};
use clap::Args;
use loader::MappedFile;
use rvf_host::receipt::{self, RunContext};
use rvf_host::{Query, Request, Session};
use rvf_spec::abi::status;
use rvf_spec::format::Features;
use rvf_spec::hex;
use serde_json::json;
use std::path::{Path, PathBuf};

fn run_help() -> String {
    format!(
        "Examples:
  rvf-pack run poisson.rvf cg --tol 1e-10 --out x.npy
  rvf-pack run karate.rvf ppr-forward --source 0 --epsilon 1e-6 --top 10
  rvf-pack run karate.rvf ppr-backward --target 33 --epsilon 1e-6
  rvf-pack run karate.rvf walk-estimate --source 0 --target 33 --walks 100000 --seed 7
  rvf-pack run vecs.rvf knn --query-index 3 --k 5 --metric cosine
  rvf-pack run data.rvf cg --host-features -simd --json

{}",
        super::exit_help()
    )
}

/// Run a method of the file's solver inside the sandbox
#[derive(Args, Debug)]
#[command(after_help = run_help())]
pub struct RunArgs {
    /// The RVF file
    pub file: PathBuf,
    /// The method to run
    #[arg(value_enum)]
    pub method: MethodArg,
    /// Relative residual target (cg, jacobi)
    #[arg(long, default_value_t = Request::new(rvf_spec::abi::Method::Cg).tol, allow_negative_numbers = true)]
    pub tol: f64,
    /// Iteration cap (cg, jacobi)
    #[arg(long, default_value_t = 10_000)]
    pub max_iter: u32,
    /// Jacobi-preconditioned CG
    #[arg(long)]
    pub precondition: bool,
    /// Minimum relative diagonal-dominance margin for jacobi
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    pub min_margin: f64,
    /// Teleport probability (PPR, walks)
    #[arg(long, default_value_t = 0.15, allow_negative_numbers = true)]
    pub alpha: f64,
    /// Push residual threshold
    #[arg(long, default_value_t = 1e-4, allow_negative_numbers = true)]
    pub epsilon: f64,
    /// Source node (ppr-forward, walk-estimate)
    #[arg(long, default_value_t = 0)]
    pub source: u32,
    /// Target node (ppr-backward, walk-estimate)
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
    /// Distance metric for knn (default: the metric stored in the file)
    #[arg(long, value_enum)]
    pub metric: Option<MetricArg>,
    /// Query vector as comma-separated numbers (knn), e.g. --query -1,0.5,2
    #[arg(long, conflicts_with = "query_index", allow_hyphen_values = true)]
    pub query: Option<String>,
    /// Use stored vector N as the query (knn)
    #[arg(long)]
    pub query_index: Option<u64>,
    /// The matrix to use (directory index of a SPARSE segment), when the file has several
    #[arg(long, value_name = "N")]
    pub data: Option<usize>,
    /// Write the full result to FILE: .npy, .csv or .txt
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Rows of results to print (and to put in --json)
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
    /// Sign the receipt with this secret key (NAME.key), so `replay` can show who ran it
    #[arg(long, value_name = "NAME.key", requires = "receipt")]
    pub sign_receipt: Option<PathBuf>,
    #[command(flatten)]
    pub host: HostArgs,
}

impl RunArgs {
    fn request(&self) -> Result<Request, Failure> {
        let mut r = Request::new(self.method.0);
        r.tol = self.tol;
        r.max_iter = self.max_iter;
        r.precondition = self.precondition;
        r.min_margin = self.min_margin;
        r.alpha = self.alpha;
        r.epsilon = self.epsilon;
        r.source = self.source;
        r.target = self.target;
        r.walks = self.walks;
        r.seed = self.seed;
        r.budget = self.budget;
        r.k = self.k;
        r.metric = self.metric.map(|m| m.0);
        r.data = self.data;
        r.verify_data = self.verify_data;
        r.query = match (&self.query, self.query_index) {
            (Some(q), _) => Query::Values(
                q.split(',')
                    .map(|s| s.trim().parse::<f32>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| {
                        Failure::usage(format!("--query '{q}' is not a list of numbers"))
                    })?,
            ),
            (None, Some(i)) => Query::Index(i),
            (None, None) => Query::None,
        };
        Ok(r)
    }
}

pub fn run(a: RunArgs) -> CmdResult {
    let config = a.host.config()?;
    let request = a.request()?;
    // Outputs are judged before the run: never an input (the container, the
    // receipt's signing key, the trust policy's files), never each other.
    let kept: Vec<PathBuf> = std::iter::once(a.file.clone())
        .chain(a.sign_receipt.clone())
        .chain(a.host.trust.inputs())
        .collect();
    let inputs: Vec<&Path> = kept.iter().map(PathBuf::as_path).collect();
    if let Some(out) = &a.out {
        rvf_pack::output::Destination::resolve(out, &inputs)?;
    }
    if let Some(r) = &a.receipt {
        if a.out.as_deref() == Some(r.as_path()) {
            return Err(Failure::usage("--out and --receipt name the same file"));
        }
        let mut and_out = inputs.clone();
        and_out.extend(a.out.as_deref());
        rvf_pack::output::Destination::resolve(r, &and_out)?;
    }
    let map = MappedFile::open(&a.file)?;
    let mut session = Session::new(super::parse_rvf(&a.file, &map)?, config.clone());
    if config.policy.is_none() {
        eprintln!("{}", super::host::UNAUTHENTICATED);
    }
    let spinner = super::progress::Spinner::start("verifying and compiling the solver");
    session.prepare()?;
    spinner.phase(format!(
        "running {}{}",
        a.method.0.name(),
        if a.verify_data {
            " (verifying the data first)"
        } else {
            ""
        }
    ));
    let out = session.run(&request);
    drop(spinner);
    let out = out?;
    let results = out
        .results()
        .map_err(|e| Failure::new(rvf_spec::exit::Exit::Trap, e.to_string()))?;
    let exit = out.exit();
    let refused = out.refused();
    // Labels of the data read, if the file has them (owned: the session
    // may be closed below to record a witness).
    let found = session.labels(&out);
    for skipped in &found.skipped {
        eprintln!("rvf-pack: note: {skipped}");
    }
    if !refused && (a.receipt.is_some() || a.record) {
        let ctx = RunContext {
            path: &a.file.to_string_lossy(),
            file: session.file(),
            mask: a.host.host_features.clone(),
            limits: &config.limits,
            verify_data: a.verify_data,
            policy: config.policy.as_ref(),
        };
        let mut r = receipt::build(&ctx, &out);
        if a.timestamp {
            r.timestamp_unix = Some(receipt::timestamp_now());
        }
        if let Some(key) = &a.sign_receipt {
            let signer = rvf_pack::signing::SegmentSigner::new(
                &rvf_pack::keys::read_secret(key)?,
                rvf_pack::signing::Which::Code,
            );
            r.sign(&signer.public_key(), |b| signer.sign_bytes(b));
        }
        let bytes = r.to_bytes();
        if let Some(path) = &a.receipt {
            rvf_pack::output::write_bytes(path, &inputs, &bytes)?;
        }
        if a.record {
            drop(session);
            drop(map);
            let ts = r
                .timestamp_unix
                .map_or(0, |t| t.saturating_mul(1_000_000_000));
            let lock = super::lock_for_writing(&a.file)?;
            let e = rvf_pack::witness::record(&lock, &bytes, ts)?;
            if !a.host.json {
                println!(
                    "  recorded witness entry {}",
                    hex::encode(&loader::hash::shake256::<32>(&e.encode()))
                );
            }
        }
    }
    let labels = found.labels.as_ref();
    if let (Some(path), false) = (&a.out, refused) {
        results::write(path, &inputs, &results, labels)?;
    }
    let r = out.report;
    let digest = hex::encode(&out.digest());
    let chosen = out.chosen();
    if a.host.json {
        let mut v = json!({
            "file": a.file, "method": out.method().map(|m| m.name()),
            "segment": {"index": chosen.index, "offset": chosen.offset,
                        "required_features": Features(out.header.required_features).to_string()},
            "data": {"matrix": out.data.matrix, "vectors": out.data.vectors},
            "selection": selection_json(&out.selection),
            "report": {
                "status": r.status, "status_message": status::message(r.status),
                "detail": r.detail, "detail_name": rvf_spec::abi::detail::name(r.detail),
                "status_words": out.status_words(),
                "iterations": r.iterations, "residual": r.residual, "estimate": r.estimate,
                "work": r.work, "converged": r.converged == 1, "result_count": r.result_count,
            },
            "fuel_used": out.fuel_used,
            "host_calls": out.host.calls, "rows_served": out.host.rows_served, "bytes_served": out.host.bytes_served,
            "output_digest": digest,
            "authenticated": config.policy.is_some(),
            "signer": super::host::signer_json(&chosen.signer),
            "value_label": results::value_label(&out),
        });
        match &a.out {
            Some(p) if !refused => v["out"] = json!(p),
            _ => {
                v["results"] = results::rows_json(&results, a.top, labels);
                if let Some(l) = labels.and_then(|l| results::dense_labels_json(&results, a.top, l))
                {
                    v["labels"] = l;
                }
            }
        }
        if let Some(l) = labels {
            v["labels_segments"] = json!(l.segments);
        }
        print_json(&v);
    } else {
        println!("{}", out.summary());
        if refused {
            eprintln!("rvf-pack: {}", out.status_words());
            return Ok(exit);
        }
        println!("{}", out.figures());
        match &a.out {
            Some(p) if !refused => println!("  wrote {} values to {}", r.result_count, p.display()),
            _ => results::print_table(&results, &out, a.top, labels),
        }
    }
    if exit != rvf_spec::exit::Exit::Ok {
        eprintln!("rvf-pack: {}", out.status_words());
    }
    Ok(exit)
}
