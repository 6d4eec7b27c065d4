//! `rvf-pack create` and `rvf-pack append`.

use super::args::MetricArg;
use super::{print_json, CmdResult, Failure};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rvf_pack::inputs;
use rvf_pack::payload;
use rvf_pack::writer::{self, FileSummary, SegmentSpec};
use rvf_pack::PackError;
use rvf_spec::exit::Exit;
use rvf_spec::format::{self as fmt_spec, seg, Features};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

const CREATE_EXAMPLES: &str = "\
Examples:
  rvf-pack create out.rvf --matrix samples/karate.mtx --with-transpose \\
      --solver microkernel/dist/solver-baseline.wasm \\
      --solver microkernel/dist/solver-simd.wasm,priority=0 --meta dataset=karate
  rvf-pack create vecs.rvf --vectors samples/points.fvecs --metric l2
  rvf-pack create big.rvf --vectors big.npy --checksum xxh3   (faster; see --checksum)

Solver options (after the path, comma separated):
  role=microkernel|combined|interpreter|extension|control-plane  (default microkernel)
  target=wasm32|wasi-p1|wasi-p2|browser|bare-tile                 (default wasm32)
  priority=N        bootstrap priority, lower is tried first (default 0)
  features=a+b      declared features, checked against the module (e.g. simd+bulk-memory, none)
  interpreter=N     interpreter_type byte (default 0)";

/// Inputs shared by `create` and `append`.
#[derive(Args, Clone, Debug)]
pub struct Inputs {
    /// Vectors: .fvecs, .npy (2-D float32/float64) or .csv
    #[arg(long, value_name = "FILE")]
    pub vectors: Option<PathBuf>,
    /// Distance metric recorded in the manifest for the vectors (k-NN runs use it unless told otherwise)
    #[arg(long, value_enum, default_value = "l2")]
    pub metric: MetricArg,
    /// Sparse matrix: Matrix Market coordinate (.mtx)
    #[arg(long, value_name = "FILE")]
    pub matrix: Option<PathBuf>,
    /// Right-hand side for the matrix: .npy (1-D) or text, one number per line
    #[arg(long, value_name = "FILE", requires = "matrix")]
    pub rhs: Option<PathBuf>,
    /// Store the transpose (in-adjacency), needed by backward push
    #[arg(long, requires = "matrix")]
    pub with_transpose: bool,
    /// A solver module: PATH[,role=..,target=..,priority=..,features=..]
    #[arg(long = "solver", value_name = "SPEC")]
    pub solvers: Vec<String>,
    /// Dataset / provenance metadata (repeatable)
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
    /// Content hash stored in each new segment's header: shake256
    /// (SHAKE-256/128, collision-resistant) or xxh3 (XXH3-128, the published
    /// runtime's default: several times faster to write and verify, but it
    /// only detects accidental damage). Solver bytecode also always carries
    /// its SHAKE-256-256 hash, and run receipts hash the whole file with
    /// SHAKE-256, whichever is chosen here
    #[arg(long, value_enum, default_value_t = Checksum::Shake256)]
    pub checksum: Checksum,
    /// Allow a solver set with no baseline variant (required_features = 0)
    #[arg(long)]
    pub allow_no_baseline: bool,
    /// Pack solver modules no host can run as a solver (imports outside the
    /// rvf ABI, a start function, missing ABI exports); refused without it
    #[arg(long)]
    pub force: bool,
    /// Print what was written as JSON
    #[arg(long)]
    pub json: bool,
}

/// The content hash rule of new segments (`checksum_algo`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checksum {
    Shake256,
    Xxh3,
}

impl Checksum {
    fn algo(self) -> u8 {
        match self {
            Checksum::Shake256 => loader::hash::algo::SHAKE256_128,
            Checksum::Xxh3 => loader::hash::algo::XXH3_128,
        }
    }
}

/// Pack inputs into a new RVF file (written atomically)
#[derive(Args, Debug)]
#[command(after_help = CREATE_EXAMPLES)]
pub struct CreateArgs {
    /// Output file
    pub out: PathBuf,
    #[command(flatten)]
    pub inputs: Inputs,
}

/// Append segments to an existing RVF file (new manifest, old bytes kept)
#[derive(Args, Debug)]
#[command(after_help = "Example:\n  rvf-pack append data.rvf --solver solver-simd.wasm,priority=1")]
pub struct AppendArgs {
    /// The RVF file to extend
    pub file: PathBuf,
    #[command(flatten)]
    pub inputs: Inputs,
}

fn progress(label: &str, path: &Path) -> ProgressBar {
    // Show a spinner only for inputs big enough to take a while.
    let big = std::fs::metadata(path)
        .map(|m| m.len() > 32 << 20)
        .unwrap_or(false);
    if !big {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(format!("{label} {}", path.display()));
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// The segments, manifest facts and a JSON report of what the inputs make.
pub struct Built {
    pub segments: Vec<SegmentSpec>,
    pub vectors: Option<(u16, u64)>,
    pub metric_id: u8,
    pub report: Vec<serde_json::Value>,
}

pub fn build(i: &Inputs) -> Result<Built, PackError> {
    let mut segments = Vec::new();
    let mut report = Vec::new();
    let mut vectors = None;
    let metric_id = fmt_spec::metric_to_manifest(i.metric.0);
    if let Some(p) = &i.vectors {
        let pb = progress("reading vectors", p);
        let v = inputs::read_vectors(p)?;
        pb.finish_and_clear();
        let (dim, count) = (v.dim, v.count());
        // Encoded while it is written, never held whole beside the vectors.
        let rows = payload::VecRows::new(std::sync::Arc::new(v), 0)?;
        vectors = Some((dim as u16, count as u64));
        report.push(json!({"type": "VEC", "source": p, "dim": dim, "count": count}));
        segments.push(SegmentSpec {
            seg_type: seg::VEC,
            payload: writer::Payload::Vectors(rows),
        });
    }
    if let Some(p) = &i.matrix {
        let pb = progress("reading matrix", p);
        let (csr, _) = inputs::mtx::read(p)?;
        let rhs = i.rhs.as_deref().map(inputs::read_rhs).transpose()?;
        pb.finish_and_clear();
        let payload = csr
            .encode_segment(rhs.as_deref(), i.with_transpose)
            .map_err(|what| PackError::input(i.rhs.as_deref().unwrap_or(p), None, what))?;
        report.push(json!({"type": "SPARSE", "source": p, "rows": csr.rows, "cols": csr.cols, "nnz": csr.nnz(),
            "rhs": i.rhs.is_some(), "transpose": i.with_transpose}));
        segments.push(SegmentSpec {
            seg_type: seg::SPARSE,
            payload: payload.into(),
        });
    }
    let mut feature_sets = Vec::new();
    for spec in &i.solvers {
        let (path, opts) = super::solver_spec::parse(spec)?;
        let bytes = std::fs::read(&path).map_err(|e| PackError::io(&path, e))?;
        let (h, info, payload) = payload::wasm_payload(&path, &bytes, &opts)?;
        if !i.force {
            payload::check_runnable(&path, &h, &bytes)?;
        }
        feature_sets.push(h.required_features);
        report.push(json!({"type": "WASM", "source": path, "bytes": bytes.len(),
            "required_features": Features(h.required_features).to_string(),
            "exports": info.export_count, "imports": info.imports.len()}));
        segments.push(SegmentSpec {
            seg_type: seg::WASM,
            payload: payload.into(),
        });
    }
    if !feature_sets.is_empty() && !feature_sets.contains(&0) && !i.allow_no_baseline {
        return Err(PackError::Usage(
            "no solver variant is baseline (required_features = 0), so hosts without those features cannot run this file; \
             add a baseline build or pass --allow-no-baseline"
                .into(),
        ));
    }
    let mut kv = Vec::new();
    for m in &i.meta {
        let (k, v) = m
            .split_once('=')
            .ok_or_else(|| PackError::Usage(format!("--meta {m}: expected KEY=VALUE")))?;
        kv.push((k.to_string(), v.to_string()));
    }
    if !kv.is_empty() {
        segments.push(SegmentSpec {
            seg_type: seg::META,
            payload: payload::meta_payload(&kv)?.into(),
        });
        report.push(json!({"type": "META", "entries": kv.len()}));
    }
    Ok(Built {
        segments,
        vectors,
        metric_id,
        report,
    })
}

pub fn create(a: CreateArgs) -> CmdResult {
    let b = build(&a.inputs)?;
    if b.segments.is_empty() {
        return Err(Failure::usage(
            "nothing to pack: give --vectors, --matrix, --solver or --meta",
        ));
    }
    let (dimension, total_vectors) = b.vectors.unwrap_or((0, 0));
    writer::create_with(
        &a.out,
        &b.segments,
        FileSummary {
            dimension,
            total_vectors,
            metric_id: b.metric_id,
        },
        a.inputs.checksum.algo(),
    )?;
    report(&a.out, &b.report, a.inputs.json);
    Ok(Exit::Ok)
}

pub fn append(a: AppendArgs) -> CmdResult {
    let b = build(&a.inputs)?;
    if b.segments.is_empty() {
        return Err(Failure::usage("nothing to append"));
    }
    let lock = super::lock_for_writing(&a.file)?;
    let out = writer::append_locked(&lock, &b.segments, b.vectors, a.inputs.checksum.algo())?;
    report(&a.file, &b.report, a.inputs.json);
    if !a.inputs.json {
        println!("epoch {}", out.epoch);
    }
    Ok(Exit::Ok)
}

fn report(out: &Path, segs: &[serde_json::Value], as_json: bool) {
    if as_json {
        print_json(&json!({"file": out, "segments": segs}));
    } else {
        println!("wrote {}", out.display());
        for s in segs {
            println!("  {}", s);
        }
    }
}
