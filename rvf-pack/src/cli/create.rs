//! `rvf-pack create` and `rvf-pack append`.

use super::args::MetricArg;
use super::{print_json, CmdResult, Failure};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use rvf_pack::inputs;
use rvf_pack::payload::{self, SolverOptions};
use rvf_pack::writer::{self, FileSummary, SegmentSpec};
use rvf_pack::PackError;
use rvf_spec::exit::Exit;
use rvf_spec::format::{self as fmt_spec, seg, Features, WasmRole};
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
  rvf-pack create les.rvf --matrix samples/lesmis.mtx --labels samples/lesmis.labels \\
      --solver microkernel/dist/solver-baseline.wasm,compress=zstd
  rvf-pack create self.rvf --matrix samples/karate.mtx --bootstrap=combined   (no other kernel needed)

Solver options (after the path, comma separated):
  role=microkernel|combined|interpreter|extension|control-plane  (default microkernel)
  target=wasm32|wasi-p1|wasi-p2|browser|bare-tile                 (default wasm32)
  priority=N        bootstrap priority, lower is tried first (default 0)
  features=a+b      declared features, checked against the module (e.g. simd+bulk-memory, none)
  interpreter=N     interpreter_type byte (default 0)
  compress=zstd|lz4 store the bytecode compressed (bytecode_hash stays over the module)";

/// Inputs shared by `create` and `append`.
#[derive(Args, Clone, Debug)]
pub struct Inputs {
    /// Vectors: .fvecs, .npy (2-D, or 1-D for one vector; float16/32/64 or
    /// integers, converted exactly) or CSV/TSV/text; - reads standard input.
    /// The format is detected from the content (the extension is a hint)
    #[arg(long, value_name = "FILE")]
    pub vectors: Option<PathBuf>,
    /// Distance metric recorded in the manifest for the vectors (k-NN runs use it unless told otherwise)
    #[arg(long, value_enum, default_value = "l2")]
    pub metric: MetricArg,
    /// Sparse matrix: Matrix Market coordinate (.mtx); - reads standard input
    #[arg(long, value_name = "FILE")]
    pub matrix: Option<PathBuf>,
    /// Right-hand side for the matrix: .npy (1-D) or text, one number per
    /// line; - reads standard input
    #[arg(long, value_name = "FILE", requires = "matrix")]
    pub rhs: Option<PathBuf>,
    /// The format of the input read from standard input (-), or of the only
    /// data input: fvecs, npy, csv, tsv, txt or mtx. Checked against the
    /// content; without it the content decides (.fvecs on standard input
    /// needs it)
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<inputs::Format>,
    /// The first row of a CSV/text input (--vectors, --rhs) is a header:
    /// skip it. Without this flag a first row is skipped only when every
    /// cell of it is non-numeric (and stderr says so)
    #[arg(long)]
    pub header: bool,
    /// Store the transpose (in-adjacency), needed by backward push
    #[arg(long, requires = "matrix")]
    pub with_transpose: bool,
    /// Names for the rows of --vectors or the nodes of --matrix (whichever
    /// this command packs): text, one label per line, in order. Stored in a
    /// META segment; `run` shows them next to indices
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// A solver module: PATH[,role=..,target=..,priority=..,features=..]
    #[arg(long = "solver", value_name = "SPEC")]
    pub solvers: Vec<String>,
    /// Also store a module that carries the runtime (ZSTD-compressed,
    /// priority 128). --bootstrap or --bootstrap=interpreter: the
    /// interpreter (wasmi built to WebAssembly, role interpreter), which
    /// runs the file's kernels: `run --via interpreter` and engines without
    /// a kernel's features use it. --bootstrap=combined: the interpreter
    /// with the baseline kernel built in (role combined), a solver any host
    /// runs as is, so the file needs no other kernel (same outputs as the
    /// baseline kernel; the fuel reported is the module's, wasmi included:
    /// docs/ABI.md "Combined module"). --bootstrap=interpreter-simd: the
    /// interpreter with wasmi's SIMD (priority 127, about 40 KiB more), which
    /// also runs the SIMD kernel, so engines without SIMD run a SIMD-only
    /// file and receipts of SIMD runs replay through it
    #[arg(long, value_enum, value_name = "MODULE", num_args = 0..=1,
          require_equals = true, default_missing_value = "interpreter")]
    pub bootstrap: Option<BootstrapArg>,
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
    /// Sign the new solver segments with this secret key (NAME.key from `rvf-pack keygen`)
    #[arg(long, value_name = "NAME.key")]
    pub sign: Option<PathBuf>,
    /// With --sign: sign every new segment (data too), not only the solvers
    #[arg(long, requires = "sign")]
    pub sign_all: bool,
    /// Print what was written as JSON
    #[arg(long)]
    pub json: bool,
}

/// The module `--bootstrap` stores.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BootstrapArg {
    Interpreter,
    InterpreterSimd,
    Combined,
}

impl BootstrapArg {
    /// The module's role, bytes and header options.
    fn module(self) -> (WasmRole, &'static [u8], SolverOptions) {
        use rvf_pack::bootstrap::{self as b, Module};
        let of = |m: Module| (m.role(), m.bytes(), m.options());
        match self {
            BootstrapArg::Interpreter => of(Module::Interpreter),
            BootstrapArg::InterpreterSimd => (
                WasmRole::Interpreter,
                b::INTERPRETER_SIMD,
                b::simd_options(),
            ),
            BootstrapArg::Combined => of(Module::Combined),
        }
    }
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

/// Progress of reading and encoding the inputs: a bar on stderr when
/// progress is enabled (a terminal, no `--quiet`) and the output is not
/// JSON, shown once the work has taken a second (quick commands print
/// nothing extra); cleared when finished or dropped.
fn progress(json: bool) -> ProgressBar {
    use indicatif::{ProgressDrawTarget, ProgressFinish};
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
        .with_finish(ProgressFinish::AndClear);
    if json || !super::progress::enabled() {
        return pb;
    }
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let weak = pb.downgrade();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(1));
        if let Some(b) = weak.upgrade().filter(|b| !b.is_finished()) {
            b.set_draw_target(ProgressDrawTarget::stderr());
            b.enable_steady_tick(Duration::from_millis(120));
        }
    });
    pb
}

/// The segments, manifest facts and a JSON report of what the inputs make.
pub struct Built {
    pub segments: Vec<SegmentSpec>,
    pub vectors: Option<(u16, u64)>,
    pub metric_id: u8,
    pub report: Vec<serde_json::Value>,
}

/// What the file appended to already holds (nothing, for `create`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Existing {
    /// A baseline solver (so new SIMD-only variants are fine).
    pub has_baseline: bool,
    /// Rows of its vector set (new vectors continue after them).
    pub vectors: u64,
    /// Its metadata chain: the newest META segment's generation and how
    /// many deltas lead back to a full snapshot (`None`: no META segment).
    pub meta: Option<(u64, usize)>,
}

/// The most deltas the published runtime replays after a snapshot
/// (`rvf_types::metadata::MAX_META_DELTAS`).
const MAX_META_DELTAS: usize = loader::meta_seg::MAX_META_DELTAS;

impl Existing {
    /// Where this command's META segment goes in the chain: the first
    /// snapshot, or a delta on the newest generation.
    fn next_meta(&self) -> Result<payload::MetaGeneration, PackError> {
        match self.meta {
            None => Ok(payload::MetaGeneration::FIRST),
            Some((_, deltas)) if deltas >= MAX_META_DELTAS => Err(PackError::Usage(format!(
                "the file's metadata chain already has {deltas} deltas after its snapshot, the most the \
                 published runtime replays; pack a new file to add metadata or labels"
            ))),
            Some((g, _)) => Ok(payload::MetaGeneration {
                generation: g.checked_add(1).ok_or_else(|| {
                    PackError::Usage("the file's metadata generation is at its maximum".into())
                })?,
                base: Some(g),
            }),
        }
    }
}

/// Build the new segments.
pub fn build(i: &Inputs, existing: Existing) -> Result<Built, PackError> {
    use inputs::source::is_stdin;
    let mut segments = Vec::new();
    let mut report = Vec::new();
    let mut vectors = None;
    let mut labels_of = None;
    let metric_id = fmt_spec::metric_to_manifest(i.metric.0);
    // Standard input can be read once; --format names its format, or that
    // of the only data input.
    let data: Vec<(&str, &Path)> = [
        ("--vectors", &i.vectors),
        ("--matrix", &i.matrix),
        ("--rhs", &i.rhs),
    ]
    .into_iter()
    .filter_map(|(flag, p)| Some((flag, p.as_deref()?)))
    .collect();
    if i.labels.is_some() && (i.vectors.is_some() == i.matrix.is_some()) {
        return Err(PackError::Usage(
            "--labels names the rows of --vectors or the nodes of --matrix: give exactly one of them \
             in the same command"
                .into(),
        ));
    }
    let solver_paths = i
        .solvers
        .iter()
        .map(|s| super::solver_spec::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let from_stdin: Vec<&str> = data
        .iter()
        .filter(|(_, p)| is_stdin(p))
        .map(|(flag, _)| *flag)
        .chain(
            solver_paths
                .iter()
                .filter(|(p, _)| is_stdin(p))
                .map(|_| "--solver"),
        )
        .chain(
            i.labels
                .as_deref()
                .filter(|p| is_stdin(p))
                .map(|_| "--labels"),
        )
        .collect();
    if from_stdin.len() > 1 {
        return Err(PackError::Usage(format!(
            "{} all read standard input (-); only one input can",
            from_stdin.join(", ")
        )));
    }
    if i.format.is_some() && from_stdin.is_empty() && data.len() != 1 {
        return Err(PackError::Usage(
            "--format names the format of the input read from standard input (-), or of the only \
             data input; with several inputs, their formats are detected from their content"
                .into(),
        ));
    }
    let opts = |p: &Path| inputs::Options {
        format: i.format.filter(|_| is_stdin(p) || from_stdin.is_empty()),
        header: i.header,
    };
    let pb = progress(i.json);
    let bar: &dyn inputs::Progress = &pb;
    // What was read, for the report; notes also go to stderr.
    let describe = |r: &mut serde_json::Value,
                    prefix: &str,
                    facts: &serde_json::Map<String, serde_json::Value>,
                    source: &Path,
                    notes: &[String]| {
        for (k, v) in facts {
            r[format!("{prefix}{k}")] = v.clone();
        }
        for n in notes {
            pb.suspend(|| eprintln!("rvf-pack: {}: {n}", source.display()));
            if let Some(list) = r["notes"].as_array_mut() {
                list.push(json!(format!("{}: {n}", source.display())));
            } else {
                r["notes"] = json!([format!("{}: {n}", source.display())]);
            }
        }
    };
    if let Some(p) = &i.vectors {
        let l = inputs::load_vectors(p, &opts(p), bar)?;
        let (dim, count) = (l.value.dim, l.value.count());
        let mut r = json!({"type": "VEC", "source": p, "format": l.format.name(), "dim": dim, "count": count});
        describe(&mut r, "", &l.facts, &l.source, &l.notes);
        // Encoded while it is written, never held whole beside the vectors.
        let rows = payload::VecRows::new(std::sync::Arc::new(l.value), 0)?;
        vectors = Some((dim as u16, count as u64));
        labels_of = Some((
            payload::LabelsOf::Vectors {
                first_row: existing.vectors,
            },
            count as u64,
            "vectors",
        ));
        report.push(r);
        segments.push(SegmentSpec {
            seg_type: seg::VEC,
            payload: writer::Payload::Vectors(rows),
        });
    }
    if let Some(p) = &i.matrix {
        let needs = inputs::mtx::Needs {
            rhs: i.rhs.is_some(),
            transpose: i.with_transpose,
        };
        let m = inputs::load_matrix(p, &opts(p), needs, bar)?;
        let rhs = i
            .rhs
            .as_deref()
            .map(|r| inputs::load_rhs(r, &opts(r), bar))
            .transpose()?;
        let (csr, _) = &m.value;
        let payload = csr
            .encode_segment_with(rhs.as_ref().map(|b| &b.value[..]), i.with_transpose, bar)
            .map_err(|e| match (&e, &rhs) {
                (rvf_pack::sparse::CsrError::RhsLength { .. }, Some(b)) => {
                    PackError::input(&b.source, None, e.to_string())
                }
                _ => PackError::input(&m.source, None, e.to_string()),
            })?;
        let mut r = json!({"type": "SPARSE", "source": p, "format": m.format.name(),
            "rows": csr.rows, "cols": csr.cols, "nnz": csr.nnz(),
            "rhs": i.rhs.is_some(), "transpose": i.with_transpose});
        describe(&mut r, "", &m.facts, &m.source, &m.notes);
        if let (Some(b), Some(rp)) = (&rhs, &i.rhs) {
            r["rhs_source"] = json!(rp);
            r["rhs_format"] = json!(b.format.name());
            describe(&mut r, "rhs_", &b.facts, &b.source, &b.notes);
        }
        report.push(r);
        if i.labels.is_some() {
            labels_of = Some((
                payload::LabelsOf::Matrix {
                    digest: loader::hash::shake256::<16>(&payload),
                },
                u64::from(csr.rows),
                "matrix rows (nodes)",
            ));
        }
        segments.push(SegmentSpec {
            seg_type: seg::SPARSE,
            payload: payload.into(),
        });
    }
    // Label entries go into this command's META segment, with --meta's.
    let mut label_entries = Vec::new();
    if let (Some(p), Some((of, n, what))) = (&i.labels, labels_of) {
        let labels = inputs::labels::load(p, n, what, bar)?;
        label_entries = payload::label_entries(of, &labels)?;
        report
            .push(json!({"type": "META", "labels_source": p, "labels": labels.len(), "of": what}));
    }
    pb.finish_and_clear();
    let mut feature_sets = Vec::new();
    for (path, opts) in &solver_paths {
        let path = path.as_path();
        // Size checked from metadata first; at most limit + 1 bytes read.
        let bytes = inputs::source::read_module(path, payload::MAX_WASM_BYTES)?;
        let (h, info, payload) = payload::wasm_payload(path, &bytes, opts)?;
        if !i.force {
            payload::check_runnable(path, &h, &bytes)?;
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
    if let Some((role, code, options)) = i.bootstrap.map(BootstrapArg::module) {
        let role = fmt_spec::role_name(role as u8).to_string();
        let name = PathBuf::from(format!("<built-in {role}>"));
        let (h, _, payload) = payload::wasm_payload(&name, code, &options)?;
        // An interpreter must speak the interpreter ABI; a Combined module
        // must be runnable as a solver.
        payload::check_runnable(&name, &h, code)?;
        report.push(
            json!({"type": "WASM", "source": format!("{role} (built in)"), "bytes": code.len(),
            "stored_bytes": h.compressed_size, "role": role}),
        );
        segments.push(SegmentSpec {
            seg_type: seg::WASM,
            payload: payload.into(),
        });
    }
    if !feature_sets.is_empty()
        && !feature_sets.contains(&0)
        && !existing.has_baseline
        && !i.allow_no_baseline
    {
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
        if k.starts_with(rvf_spec::labels::PREFIX) {
            return Err(PackError::Usage(format!(
                "--meta {k}: keys starting with {} hold labels; use --labels",
                rvf_spec::labels::PREFIX
            )));
        }
        kv.push((k.to_string(), v.to_string()));
    }
    if !kv.is_empty() {
        report.push(json!({"type": "META", "entries": kv.len()}));
    }
    kv.extend(label_entries);
    if !kv.is_empty() {
        let at = existing.next_meta()?;
        segments.push(SegmentSpec {
            seg_type: seg::META,
            payload: payload::meta_payload(&kv, at)?.into(),
        });
    }
    Ok(Built {
        segments,
        vectors,
        metric_id,
        report,
    })
}

/// The files a command reads (an output must never be one of them).
fn input_paths(i: &Inputs) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = [&i.vectors, &i.matrix, &i.rhs, &i.labels]
        .into_iter()
        .flatten()
        .filter(|p| !inputs::source::is_stdin(p))
        .cloned()
        .collect();
    v.extend(
        i.solvers
            .iter()
            .filter_map(|s| super::solver_spec::parse(s).ok())
            .map(|(p, _)| p),
    );
    // The signing key is an input too.
    v.extend(i.sign.iter().cloned());
    v
}

pub fn create(a: CreateArgs) -> CmdResult {
    let inputs = input_paths(&a.inputs);
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    rvf_pack::output::Destination::resolve(&a.out, &refs)?;
    let b = build(&a.inputs, Existing::default())?;
    if b.segments.is_empty() {
        return Err(Failure::usage(
            "nothing to pack: give --vectors, --matrix, --solver, --bootstrap or --meta",
        ));
    }
    let (dimension, total_vectors) = b.vectors.unwrap_or((0, 0));
    let spinner = super::progress::Spinner::start(format!("writing {}", a.out.display()));
    let signer = signer(&a.inputs)?;
    writer::create_signed(
        &a.out,
        &b.segments,
        FileSummary {
            dimension,
            total_vectors,
            metric_id: b.metric_id,
        },
        a.inputs.checksum.algo(),
        signer.as_ref(),
    )?;
    drop(spinner);
    report(&a.out, &b.report, a.inputs.json);
    Ok(Exit::Ok)
}

pub fn append(a: AppendArgs) -> CmdResult {
    // The file appended to is the output; none of the new inputs may be it.
    let inputs = input_paths(&a.inputs);
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    rvf_pack::output::Destination::resolve(&a.file, &refs)?;
    let b = build(&a.inputs, existing(&a.file)?)?;
    if b.segments.is_empty() {
        return Err(Failure::usage("nothing to append"));
    }
    let lock = super::lock_for_writing(&a.file)?;
    let spinner = super::progress::Spinner::start(format!("appending to {}", a.file.display()));
    let signer = signer(&a.inputs)?;
    let out = writer::append_signed(
        &lock,
        &b.segments,
        b.vectors,
        a.inputs.checksum.algo(),
        signer.as_ref(),
    )?;
    drop(spinner);
    report(&a.file, &b.report, a.inputs.json);
    if !a.inputs.json {
        println!("epoch {}", out.epoch);
    }
    Ok(Exit::Ok)
}

/// What the file's current directory holds: a solver that needs no WASM
/// feature (a baseline variant), and how many vectors.
fn existing(path: &Path) -> Result<Existing, Failure> {
    let map = loader::MappedFile::open(path)?;
    let file = super::parse_rvf(path, &map)?;
    let has_baseline = file.segments().any(|(_, seg)| {
        seg.ok()
            .filter(|s| s.header.seg_type == rvf_spec::format::seg::WASM)
            .and_then(|s| loader::wasm_seg::WasmSegment::parse(s.payload).ok())
            .is_some_and(|w| w.header.required_features == 0)
    });
    // Rows of the vector set as hosts number them: every VEC segment of
    // the directory, in order (rvf_host::data).
    let vectors = file
        .segments()
        .filter_map(|(_, seg)| seg.ok())
        .filter(|s| s.header.seg_type == rvf_spec::format::seg::VEC)
        .filter_map(|s| loader::vec_seg::VectorSegment::parse(s.payload).ok())
        .map(|v| u64::from(v.count))
        .sum();
    // The metadata chain, newest first, back to its full snapshot (as the
    // published runtime replays it; undecodable META segments are skipped).
    let mut meta = None;
    for (_, seg) in file.segments().collect::<Vec<_>>().into_iter().rev() {
        let Some(m) = seg
            .ok()
            .filter(|s| s.header.seg_type == rvf_spec::format::seg::META)
            .and_then(|s| loader::meta_seg::decode(s.payload).ok())
        else {
            continue;
        };
        let (_, deltas) = meta.get_or_insert((m.generation, 0));
        if m.full_snapshot {
            break;
        }
        *deltas += 1;
    }
    Ok(Existing {
        has_baseline,
        vectors,
        meta,
    })
}

/// The signer of `--sign KEY [--sign-all]`.
fn signer(i: &Inputs) -> Result<Option<rvf_pack::signing::SegmentSigner>, Failure> {
    let Some(key) = &i.sign else { return Ok(None) };
    let seed = rvf_pack::keys::read_secret(key)?;
    let which = if i.sign_all {
        rvf_pack::signing::Which::All
    } else {
        rvf_pack::signing::Which::Code
    };
    Ok(Some(rvf_pack::signing::SegmentSigner::new(&seed, which)))
}

/// One segment of the report as a readable line: its type, then what it holds.
fn summary_line(s: &serde_json::Value) -> String {
    let Some(obj) = s.as_object() else {
        return s.to_string();
    };
    let mut line = format!(
        "{:<7}",
        obj.get("type").and_then(|t| t.as_str()).unwrap_or("?")
    );
    for (k, v) in obj.iter().filter(|(k, _)| *k != "type") {
        match v {
            serde_json::Value::String(t) => line.push_str(&format!(" {k}={t}")),
            serde_json::Value::Null => {}
            other => line.push_str(&format!(" {k}={other}")),
        }
    }
    line
}

fn report(out: &Path, segs: &[serde_json::Value], as_json: bool) {
    if as_json {
        print_json(&json!({"file": out, "segments": segs}));
    } else {
        let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
        println!("wrote {} ({size} bytes)", out.display());
        for s in segs {
            println!("  {}", summary_line(s));
        }
    }
}
