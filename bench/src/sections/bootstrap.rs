//! §8. The interpreter in the file: its size stored raw, LZ4 and ZSTD;
//! what bootstrapping costs (read the segment, decompress, compile the
//! interpreter, load the kernel inside it); and the two-stage slowdown per
//! method against the direct run of the same (baseline) kernel, natively
//! and, when Node is there, in V8 (`web/bench/two-stage.mjs`).

use super::{Ctx, Goal};
use crate::measure::{ms, time, Timing};
use rvf_host::interpreter::two_stage::Interpreter;
use rvf_host::interpreter::wasmi::CompilationMode;
use rvf_host::{HostConfig, Method, Request, RvfFile, Session};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The goal of issue 20 for the stored interpreter.
pub const GOAL_BYTES: usize = 192 << 10;

#[derive(Clone, Debug)]
pub struct Sizes {
    pub raw: usize,
    pub lz4: usize,
    pub zstd: usize,
}

/// Steps of bootstrapping, natively (wasmi).
#[derive(Clone, Debug)]
pub struct Boot {
    pub decompress: Timing,
    pub compile_lazy: Timing,
    pub compile_eager: Timing,
    pub load_kernel: Timing,
    /// The whole: open the file, select via the interpreter (hashes,
    /// decompression, compile, kernel load inside).
    pub open_select: Timing,
    pub direct_open_select: Timing,
}

/// One method, direct against two-stage, in one engine.
#[derive(Clone, Debug)]
pub struct MethodRow {
    pub method: &'static str,
    pub direct: Timing,
    pub two_stage: Timing,
    /// Kernel fuel, equal on both paths (checked).
    pub fuel: u64,
}

/// V8's figures, from the Node script (or why there are none).
#[derive(Clone, Debug)]
pub enum V8 {
    Rows {
        boot_ms: f64,
        rows: Vec<(String, f64, f64)>,
    },
    Missing(String),
}

#[derive(Clone, Debug)]
pub struct Bootstrap {
    /// The interpreter module's.
    pub sizes: Sizes,
    /// The Combined module's (`--bootstrap=combined`).
    pub combined: Sizes,
    pub boot: Boot,
    pub native: Vec<MethodRow>,
    pub v8: V8,
}

impl Bootstrap {
    pub fn goals(&self) -> Vec<Goal> {
        vec![Goal::new(
            "the interpreter segment ≤ 192 KiB compressed",
            format!("{} bytes ZSTD ({} LZ4)", self.sizes.zstd, self.sizes.lz4),
            self.sizes.zstd <= GOAL_BYTES,
        )]
    }
}

/// The file every run uses: Poisson 16² with its right-hand side and the
/// sample points (data for every method), both kernels and the interpreter
/// as `create --bootstrap` stores it.
fn booted_file(dir: &Path) -> PathBuf {
    use rvf_pack::writer::{self, FileSummary, SegmentSpec};
    use rvf_spec::format::seg;
    let (a, _) = rvf_pack::inputs::mtx::read(Path::new("samples/poisson16.mtx")).unwrap();
    let rhs = rvf_pack::inputs::read_rhs(Path::new("samples/poisson16_rhs.txt")).unwrap();
    let points = rvf_pack::inputs::read_vectors(Path::new("samples/points.fvecs")).unwrap();
    let (_, _, interp) = rvf_pack::payload::wasm_payload(
        Path::new("interp.wasm"),
        rvf_pack::bootstrap::INTERPRETER,
        &rvf_pack::bootstrap::options(),
    )
    .unwrap();
    let mut segs = vec![
        SegmentSpec {
            seg_type: seg::SPARSE,
            payload: a.encode_segment(Some(&rhs), true).unwrap().into(),
        },
        SegmentSpec {
            seg_type: seg::VEC,
            payload: rvf_pack::payload::vec_payload(&points, 0).unwrap().into(),
        },
    ];
    segs.extend(crate::files::kernels());
    segs.push(SegmentSpec {
        seg_type: seg::WASM,
        payload: interp.into(),
    });
    let out = dir.join("booted.rvf");
    writer::create(&out, &segs, FileSummary::default()).expect("pack the bootstrap file");
    out
}

fn requests() -> Vec<(&'static str, Request)> {
    let mut v = Vec::new();
    for m in [Method::Cg, Method::Jacobi] {
        v.push((m.name(), Request::new(m)));
    }
    let mut f = Request::new(Method::PprForward);
    (f.source, f.epsilon) = (3, 1e-7);
    v.push(("ppr-forward", f));
    let mut b = Request::new(Method::PprBackward);
    (b.target, b.epsilon) = (5, 1e-7);
    v.push(("ppr-backward", b));
    let mut w = Request::new(Method::WalkEstimate);
    (w.source, w.target, w.walks, w.seed) = (1, 9, 2000, 11);
    v.push(("walk-estimate", w));
    let mut k = Request::new(Method::Knn);
    k.query = rvf_host::Query::Index(17);
    k.k = 5;
    v.push(("knn", k));
    v
}

/// A module's size raw, and as `create` stores it with LZ4 and ZSTD.
fn sizes_of(code: &[u8]) -> Sizes {
    Sizes {
        raw: code.len(),
        lz4: rvf_pack::payload::compress(code, 1).unwrap().len(),
        zstd: rvf_pack::payload::compress(code, 2).unwrap().len(),
    }
}

pub fn measure(ctx: &Ctx) -> Bootstrap {
    let sizes = sizes_of(rvf_pack::bootstrap::INTERPRETER);
    let combined = sizes_of(rvf_pack::bootstrap::COMBINED);
    let reps = ctx.pick(3, 10);
    let path = booted_file(ctx.dir);
    let bytes = std::fs::read(&path).unwrap();
    let file = RvfFile::parse(&bytes).unwrap();
    let stored = file
        .segments()
        .filter_map(|(_, s)| s.ok())
        .filter_map(|s| loader::wasm_seg::WasmSegment::parse(s.payload).ok())
        .find(|w| w.header.role == rvf_spec::format::WasmRole::Interpreter as u8)
        .expect("the interpreter segment");
    let (decompress, raw) = time(reps, || stored.code(16 << 20).unwrap().into_owned());
    let (compile_lazy, _) = time(reps, || {
        Interpreter::new(&raw, CompilationMode::LazyTranslation).unwrap()
    });
    let (compile_eager, interp) = time(reps, || {
        Interpreter::new(&raw, CompilationMode::Eager).unwrap()
    });
    let kernel = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../microkernel/dist/solver-baseline.wasm"),
    )
    .unwrap();
    let (load_kernel, _) = time(reps, || {
        interp
            .admit(&kernel, 0, rvf_host::Limits::default())
            .unwrap()
    });
    let via = HostConfig {
        via_interpreter: true,
        ..HostConfig::default()
    };
    let direct = HostConfig::default().with_mask("-simd").unwrap();
    let open = |c: &HostConfig| {
        let f = RvfFile::parse(&bytes).unwrap();
        let s = Session::new(f, c.clone()).select();
        assert!(s.chosen().is_some());
    };
    let (open_select, ()) = time(reps, || open(&via));
    let (direct_open_select, ()) = time(reps, || open(&direct));
    let mut two = Session::new(RvfFile::parse(&bytes).unwrap(), via);
    let mut one = Session::new(RvfFile::parse(&bytes).unwrap(), direct);
    let native = requests()
        .into_iter()
        .map(|(name, req)| {
            let (d, a) = time(reps, || one.run(&req).unwrap());
            let (t, b) = time(reps, || two.run(&req).unwrap());
            assert_eq!(a.digest(), b.digest(), "{name}: outputs differ");
            assert_eq!(a.fuel_used, b.fuel_used, "{name}: kernel fuel differs");
            MethodRow {
                method: name,
                direct: d,
                two_stage: t,
                fuel: a.fuel_used,
            }
        })
        .collect();
    let v8 = v8(&path, ctx);
    Bootstrap {
        sizes,
        combined,
        boot: Boot {
            decompress,
            compile_lazy,
            compile_eager,
            load_kernel,
            open_select,
            direct_open_select,
        },
        native,
        v8,
    }
}

/// V8's figures from `node web/bench/two-stage.mjs FILE REPS` (JSON:
/// `{boot_ms, rows: [{method, direct_ms, two_stage_ms}]}`).
fn v8(path: &Path, ctx: &Ctx) -> V8 {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web");
    let script = web.join("bench/two-stage.mjs");
    if !script.exists() {
        return V8::Missing("web/bench/two-stage.mjs is not there".into());
    }
    if !web.join("node_modules").exists() {
        return V8::Missing("web/node_modules is missing (cd web && npm ci)".into());
    }
    let out = match Command::new("node")
        .arg(&script)
        .arg(path)
        .arg(ctx.pick("3", "10"))
        .output()
    {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            return V8::Missing(format!(
                "the script failed: {}",
                String::from_utf8_lossy(&o.stderr)
            ))
        }
        Err(e) => return V8::Missing(format!("node: {e}")),
    };
    let v: serde_json::Value = match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => return V8::Missing(format!("the script's output: {e}")),
    };
    let rows = v["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["method"].as_str().unwrap_or("?").to_string(),
                r["direct_ms"].as_f64().unwrap_or(f64::NAN),
                r["two_stage_ms"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    V8::Rows {
        boot_ms: v["boot_ms"].as_f64().unwrap_or(f64::NAN),
        rows,
    }
}

/// Median in ms.
pub fn med(t: &Timing) -> f64 {
    ms(t.median)
}
