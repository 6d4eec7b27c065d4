//! Every method on the samples, run directly in the sandbox and two-stage
//! (inside the interpreter module, bootstrap/dist/interp.wasm, itself in the
//! host's sandbox): identical output bytes, report, kernel fuel and host
//! counters, and the data-segment checks run for the same arrays in the same
//! order. The direct run is also what the session (`rvf-pack run`) gives.
//! The SIMD interpreter module (bootstrap/dist/interp-simd.wasm) likewise
//! runs the SIMD kernel with the direct SIMD run's bits and fuel.
//! Plus the forwarding probe: pointers at and past the end of the kernel's
//! memory, and a memory that moves while it runs.

mod common;

use common::solve::{kernel, pack, sparse_spec};
use interpreter::two_stage::{Interpreter, LoadedKernel, TwoStageError};
use interpreter::wasmi::CompilationMode;
use interpreter::{Limits, RunOutput, Sandbox};
use loader::RvfFile;
use rvf_host::{data, HostConfig, Method, Request, Session};
use rvf_pack::inputs;
use rvf_pack::writer::SegmentSpec;
use rvf_spec::abi::Params;
use rvf_spec::format::{seg, WASM_FEAT_BULK_MEMORY, WASM_FEAT_SIMD};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The committed interpreter module `bootstrap/dist/NAME`, compiled.
fn load_interpreter(name: &str) -> Interpreter {
    let bytes = std::fs::read(common::root().join("bootstrap/dist").join(name)).unwrap();
    Interpreter::new(&bytes, CompilationMode::LazyTranslation).unwrap()
}

fn interp() -> &'static Interpreter {
    static I: OnceLock<Interpreter> = OnceLock::new();
    I.get_or_init(|| load_interpreter("interp.wasm"))
}

fn interp_simd() -> &'static Interpreter {
    static I: OnceLock<Interpreter> = OnceLock::new();
    I.get_or_init(|| load_interpreter("interp-simd.wasm"))
}

/// The three sample files, packed once (karate with its transpose,
/// poisson16 with its right-hand side, the points), with both kernels.
fn samples() -> &'static (tempfile::TempDir, [PathBuf; 3]) {
    static S: OnceLock<(tempfile::TempDir, [PathBuf; 3])> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (karate, _) = inputs::mtx::read(&common::sample("karate.mtx")).unwrap();
        let (poisson, _) = inputs::mtx::read(&common::sample("poisson16.mtx")).unwrap();
        let rhs = inputs::read_rhs(&common::sample("poisson16_rhs.txt")).unwrap();
        let points = inputs::read_vectors(&common::sample("points.fvecs")).unwrap();
        let vectors = SegmentSpec {
            seg_type: seg::VEC,
            payload: rvf_pack::payload::vec_payload(&points, 0).unwrap().into(),
        };
        let files = [
            pack(
                dir.path(),
                "karate.rvf",
                vec![sparse_spec(&karate, None, true)],
            ),
            pack(
                dir.path(),
                "poisson16.rvf",
                vec![sparse_spec(&poisson, Some(&rhs), false)],
            ),
            pack(dir.path(), "points.rvf", vec![vectors]),
        ];
        (dir, files)
    })
}

/// Options as `rvf-pack run` takes them.
type Options = &'static [(&'static str, &'static str)];

/// The five runs: (file index, method, options).
const RUNS: [(usize, Method, Options); 5] = [
    (
        0,
        Method::PprForward,
        &[("source", "0"), ("epsilon", "1e-6")],
    ),
    (
        0,
        Method::PprBackward,
        &[("target", "33"), ("epsilon", "1e-6")],
    ),
    (
        0,
        Method::WalkEstimate,
        &[
            ("source", "0"),
            ("target", "33"),
            ("walks", "1000"),
            ("seed", "7"),
        ],
    ),
    (1, Method::Cg, &[("tol", "1e-10")]),
    (2, Method::Knn, &[("query-index", "3"), ("k", "5")]),
];

/// A run's output and the arrays whose segment check it asked for, in order.
type Checked<E> = (Result<RunOutput, E>, Vec<u32>);

/// Run `req` on `file` with `run` (direct or two-stage), with a bulk-read
/// hook that logs which arrays it was asked about.
fn with_data<E>(
    file: &RvfFile<'_>,
    req: &Request,
    run: impl FnOnce(
        &Params,
        &[u8],
        rvf_spec::source::ArraySource<'_>,
        &mut dyn FnMut(u32) -> bool,
    ) -> Result<RunOutput, E>,
) -> Checked<E> {
    let binding = data::bind(file, req.matrix_choice()).unwrap();
    let input = req.input(&binding).unwrap();
    let params = req.params(file);
    let mut log = Vec::new();
    let mut check = |array: u32| {
        log.push(array);
        true
    };
    let out = run(&params, &input, binding.source(), &mut check);
    (out, log)
}

fn request(m: Method, options: &[(&str, &str)]) -> Request {
    let mut req = Request::new(m);
    for (k, v) in options {
        req.set_option(k, v).unwrap();
    }
    req
}

/// Every run of `RUNS`, directly and two-stage: identical outputs and
/// segment checks; and the direct run is what the session with `config`
/// gives, with a kernel that requires `features`. `show` prints a run.
fn assert_two_stage_is_direct<D: std::fmt::Debug, T: std::fmt::Display>(
    direct: impl Fn(
        &Params,
        &[u8],
        rvf_spec::source::ArraySource<'_>,
        &mut dyn FnMut(u32) -> bool,
    ) -> Result<RunOutput, D>,
    two: impl Fn(
        &Params,
        &[u8],
        rvf_spec::source::ArraySource<'_>,
        &mut dyn FnMut(u32) -> bool,
    ) -> Result<RunOutput, T>,
    config: impl Fn() -> HostConfig,
    features: u16,
    show: impl Fn(Method, &RunOutput, &[u32]),
) {
    let (_, files) = samples();
    for (f, m, options) in RUNS {
        let bytes = std::fs::read(&files[f]).unwrap();
        let file = RvfFile::parse(&bytes).unwrap();
        let req = request(m, options);
        let (d, dlog) = with_data(&file, &req, &direct);
        let (t, tlog) = with_data(&file, &req, &two);
        let d = d.unwrap();
        let t = t.unwrap_or_else(|e| panic!("{}: {e}", m.name()));
        show(m, &d, &dlog);
        assert!(!d.output.is_empty(), "{}", m.name());
        assert_eq!(t, d, "{}", m.name());
        assert_eq!(tlog, dlog, "{}", m.name());
        let s = Session::new(file, config()).run(&req).unwrap();
        assert_eq!(s.header.required_features, features);
        assert_eq!(
            (s.report, &s.output, s.fuel_used),
            (d.report, &d.output, d.fuel_used)
        );
    }
}

#[test]
fn every_method_gives_the_direct_result_two_stage() {
    let baseline = kernel("baseline");
    let direct = Sandbox::new(0, Limits::default()).admit(&baseline).unwrap();
    let two: LoadedKernel = interp().admit(&baseline, 0, Limits::default()).unwrap();
    assert_eq!(two.abi_version(), direct.abi_version());
    // The direct run is the session's (what `rvf-pack run` prints).
    assert_two_stage_is_direct(
        |p, i, s, c| direct.run(p, i, s, Some(c), None),
        |p, i, s, c| two.run(p, i, s, Some(c), None),
        || HostConfig {
            allowed_features: 0,
            ..HostConfig::default()
        },
        0,
        |m, d, dlog| {
            println!(
                "{}: status {} fuel {} host {:?} checks {dlog:?}",
                m.name(),
                d.report.status,
                d.fuel_used,
                d.host
            )
        },
    );
}

#[test]
fn every_method_gives_the_direct_simd_result_in_the_simd_interpreter() {
    let simd = kernel("simd");
    let declared = WASM_FEAT_SIMD | WASM_FEAT_BULK_MEMORY;
    assert_eq!(interp_simd().features() & declared, declared);
    let direct = Sandbox::new(declared, Limits::default())
        .admit(&simd)
        .unwrap();
    let two = interp_simd()
        .admit(&simd, declared, Limits::default())
        .unwrap();
    // The direct run is the session's default on this host (SIMD).
    assert_two_stage_is_direct(
        |p, i, s, c| direct.run(p, i, s, Some(c), None),
        |p, i, s, c| two.run(p, i, s, Some(c), None),
        HostConfig::default,
        declared,
        |m, d, _| {
            println!(
                "{} (simd): status {} fuel {}",
                m.name(),
                d.report.status,
                d.fuel_used
            )
        },
    );
}

#[test]
fn the_simd_kernel_is_refused_by_the_interpreter_module() {
    let simd = kernel("simd");
    let declared = WASM_FEAT_SIMD | WASM_FEAT_BULK_MEMORY;
    let e = interp()
        .admit(&simd, declared, Limits::default())
        .err()
        .expect("the module runs no SIMD");
    assert_eq!(
        e,
        TwoStageError::Features {
            declared,
            supported: interp().features()
        }
    );
    assert_eq!(
        e.to_string(),
        format!(
            "the kernel needs features (simd) that the interpreter module cannot run (it runs: {})",
            "bulk-memory, multi-value, reference-types, tail-call"
        )
    );
}

#[test]
fn forwarded_pointers_meet_the_direct_checks() {
    let (_, files) = samples();
    let probe = wat::parse_str(include_str!("forward_probe.wat")).unwrap();
    let limits = Limits::default();
    let direct = Sandbox::new(0, limits).admit(&probe).unwrap();
    let two = interp().admit(&probe, 0, limits).unwrap();
    let bytes = std::fs::read(&files[0]).unwrap();
    let file = RvfFile::parse(&bytes).unwrap();
    let req = request(Method::Cg, &[]);
    let (d, _) = with_data(&file, &req, |p, i, s, c| direct.run(p, i, s, Some(c), None));
    let (t, _) = with_data(&file, &req, |p, i, s, c| two.run(p, i, s, Some(c), None));
    let (d, mut t) = (d.unwrap(), t.unwrap());
    println!("probe: {} values, host {:?}", d.output.len() / 8, d.host);
    assert_eq!(d.output.len(), 8 * 53, "the probe's 53 values");
    // Two rows that do not fit behind their pointers are asked for again by
    // the module (so the same bytes land): the host counts two more calls.
    assert_eq!(t.host.calls, d.host.calls + 2);
    t.host.calls = d.host.calls;
    assert_eq!(t, d);
}

/// An interpreter module with `version`, `run` and `result_len` as the
/// bodies of those exports, the rest as an honest module answers (its
/// report: OK, no values). Pure Wasm 1.0.
fn hostile_interpreter(version: &str, run: &str, result_len: &str) -> Vec<u8> {
    let text = format!(
        r#"(module
  (memory (export "memory") 2)
  (global (export "__stack_pointer") (mut i32) (i32.const 1024))
  (global $heap (mut i32) (i32.const 4096))
  (data (i32.const 2048) "\00\00\01\00")
  (func (export "rvfi_version") (result i32) {version})
  (func (export "rvfi_features") (result i32) i32.const 0x2E)
  (func (export "rvfi_alloc") (param i32) (result i32) (local i32)
    global.get $heap local.set 1
    global.get $heap local.get 0 i32.add i32.const 7 i32.add i32.const -8 i32.and
    global.set $heap
    local.get 1)
  (func (export "rvfi_free") (param i32 i32))
  (func (export "rvfi_set_limits") (param i64 i64 i32 i32 i32 i64) (result i32) i32.const 0)
  (func (export "rvfi_load") (param i32 i32 i32) (result i32) i32.const 0)
  (func (export "rvfi_run") (param i32 i32 i32 i64) (result i32) {run})
  (func (export "rvfi_fuel_used") (result i64) i64.const 0)
  (func (export "rvfi_report_ptr") (result i32) i32.const 2048)
  (func (export "rvfi_result_ptr") (result i32) i32.const 0)
  (func (export "rvfi_result_len") (result i32) {result_len})
  (func (export "rvfi_detail") (result i64) i64.const 0x10000)
  (func (export "rvfi_error_ptr") (result i32) i32.const 0)
  (func (export "rvfi_error_len") (result i32) i32.const 0)
  (func (export "rvfi_unload")))"#
    );
    wat::parse_str(text).unwrap()
}

#[test]
fn a_hostile_interpreter_segment_is_stopped_by_the_callers_limits() {
    use rvf_spec::exit::Exit;
    let dir = tempfile::tempdir().unwrap();
    let (karate, _) = inputs::mtx::read(&common::sample("karate.mtx")).unwrap();
    let spin = "(loop $l (br $l))";
    let cases = [
        // The probe spins: no usable interpreter (exit 6), at once, whatever
        // the run's fuel.
        (
            format!("{spin} i32.const 0x10000"),
            "i32.const 0",
            "i32.const 0",
            Exit::NoSolver,
            "out of fuel (budget 1000000)",
        ),
        // The run spins: out of the outer fuel `--fuel 1000` gives (exit 8).
        (
            "i32.const 0x10000".into(),
            "(loop $l (br $l)) i32.const 0",
            "i32.const 0",
            Exit::OutOfFuel,
            "out of fuel (budget 102048000)",
        ),
        // A result of 4 GiB - 1: over the result limit, nothing copied (exit 11).
        (
            "i32.const 0x10000".into(),
            "i32.const 0",
            "i32.const -1",
            Exit::Trap,
            rvf_spec::interp::why::RESULT_LIMIT,
        ),
    ];
    for (n, (version, run, result_len, exit, words)) in cases.into_iter().enumerate() {
        let evil = hostile_interpreter(&version, run, result_len);
        let opts = rvf_pack::payload::SolverOptions {
            role: rvf_spec::format::WasmRole::Interpreter as u8,
            ..Default::default()
        };
        let (_, _, p) =
            rvf_pack::payload::wasm_payload(std::path::Path::new("evil.wasm"), &evil, &opts)
                .unwrap();
        let interp_seg = SegmentSpec {
            seg_type: seg::WASM,
            payload: p.into(),
        };
        let f = pack(
            dir.path(),
            &format!("evil{n}.rvf"),
            vec![sparse_spec(&karate, None, true), interp_seg],
        );
        let bytes = std::fs::read(&f).unwrap();
        let file = RvfFile::parse(&bytes).unwrap();
        let config = HostConfig {
            via_interpreter: true,
            limits: Limits {
                fuel: 1000,
                ..Limits::default()
            },
            ..HostConfig::default()
        };
        let e = Session::new(file, config)
            .run(&request(Method::PprForward, &[]))
            .err()
            .unwrap_or_else(|| panic!("case {n} ran"));
        assert_eq!(e.exit(), exit, "case {n}: {e}");
        assert!(e.to_string().contains(words), "case {n}: {e}");
    }
}
