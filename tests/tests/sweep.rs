//! Flip every bit of every byte of a small sample file, one at a time: the
//! loader must either refuse to run (parse error, no verified solver, data
//! refused, solver error) or — only for bytes outside every hashed region —
//! run with identical results. Prints the counts (see docs/SECURITY.md).

mod common;
use common::solve::*;
use loader::RvfFile;
use rvf_host::{HostConfig, Limits, MatrixChoice, RunError, Session};
use rvf_pack::writer::{self, FileSummary, SegmentSpec};
use rvf_spec::abi;

/// A tiny solver speaking ABI 1.0: bulk-reads the right-hand side (so the
/// host checks the data segment's hash) and returns it as a dense result.
fn echo_rhs_module() -> Vec<u8> {
    wat::parse_str(
        r#"(module
          (import "rvf" "info" (func $info (param i32) (result i64)))
          (import "rvf" "read" (func $read (param i32 i64 i32 i32) (result i32)))
          (memory (export "memory") 1 1)
          (data (i32.const 0) "\00\00\01\00")
          (global $len (mut i32) (i32.const 0))
          (func (export "rvf_abi_version") (result i32) i32.const 0x10000)
          (func (export "rvf_alloc") (param i32) (result i32) i32.const 1024)
          (func (export "rvf_set_params") (param i32 i32) (result i32) i32.const 0)
          (func (export "rvf_run") (result i32) (local $n i32) (local $st i32)
            (local.set $n (i32.wrap_i64 (call $info (i32.const 0))))
            (if (i32.gt_u (local.get $n) (i32.const 1024)) (then (return (i32.const -2))))
            (local.set $st (call $read (i32.const 3) (i64.const 0) (i32.mul (local.get $n) (i32.const 8)) (i32.const 2048)))
            (i32.store (i32.const 4) (local.get $st))
            (if (i32.eqz (local.get $st)) (then
              (global.set $len (i32.mul (local.get $n) (i32.const 8)))
              (i32.store (i32.const 52) (local.get $n))))
            local.get $st)
          (func (export "rvf_result_ptr") (result i32) i32.const 2048)
          (func (export "rvf_result_len") (result i32) global.get $len)
          (func (export "rvf_report_ptr") (result i32) i32.const 0))"#,
    )
    .unwrap()
}

#[derive(Default, Debug)]
struct Counts {
    parse_error: u32,
    no_solver: u32,
    run_refused: u32,
    solver_error: u32,
    ran_identically: u32,
}

#[test]
fn bit_flip_sweep_refuses_or_runs_identically() {
    let a = poisson(4, 1.0);
    let b = lcg(2, 16);
    let code = echo_rhs_module();
    let (_, _, wp) =
        rvf_pack::payload::wasm_payload(std::path::Path::new("e"), &code, &Default::default())
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.rvf");
    writer::create(
        &p,
        &[
            sparse_spec(&a, Some(&b), false),
            SegmentSpec {
                seg_type: 0x10,
                payload: wp.into(),
            },
        ],
        FileSummary::default(),
    )
    .unwrap();
    let good = std::fs::read(&p).unwrap();
    let limits = Limits {
        fuel: 1_000_000,
        ..Limits::default()
    };
    let params = abi::Params {
        method: abi::method::CG,
        ..Default::default()
    };
    let run = |bytes: &[u8]| -> Result<Vec<u8>, &'static str> {
        let f = RvfFile::parse(bytes).map_err(|_| "parse")?;
        let config = HostConfig {
            limits,
            ..HostConfig::default()
        };
        let out = Session::new(f, config)
            .run_exact(params, Vec::new(), MatrixChoice::Only, false)
            .map_err(|e| match e {
                RunError::NoSolver(_) => "select",
                _ => "run",
            })?;
        if out.report.status != 0 {
            return Err("status");
        }
        Ok(out.output)
    };
    let want = run(&good).unwrap();
    assert_eq!(
        want,
        b.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>()
    );
    // Hashed regions: every listed segment's payload (and the manifest's).
    let f = RvfFile::parse(&good).unwrap();
    let mut hashed: Vec<(usize, usize)> = f
        .segments()
        .map(|(_, s)| s.unwrap())
        .chain(std::iter::once(f.manifest_segment().unwrap()))
        .map(|s| {
            (
                s.offset as usize + 64,
                s.offset as usize + 64 + s.payload.len(),
            )
        })
        .collect();
    hashed.sort();
    let mut c = Counts::default();
    let mut bad = good.clone();
    for i in 0..good.len() {
        for bit in 0..8 {
            bad[i] ^= 1 << bit;
            match run(&bad) {
                Err("parse") => c.parse_error += 1,
                Err("select") => c.no_solver += 1,
                Err("run") => c.run_refused += 1,
                Err(_) => c.solver_error += 1,
                Ok(out) => {
                    assert_eq!(
                        out, want,
                        "flipping bit {bit} of byte {i} changed the result"
                    );
                    assert!(
                        !hashed.iter().any(|&(s, e)| (s..e).contains(&i)),
                        "byte {i} is hashed, yet the run went ahead"
                    );
                    c.ran_identically += 1;
                }
            }
            bad[i] ^= 1 << bit;
        }
    }
    let total = good.len() as u32 * 8;
    eprintln!(
        "bit-flip sweep over {} bytes ({total} flips): {c:?}",
        good.len()
    );
    assert_eq!(
        c.parse_error + c.no_solver + c.run_refused + c.solver_error + c.ran_identically,
        total
    );
    assert!(c.ran_identically > 0 && c.run_refused > 0 && c.no_solver > 0 && c.parse_error > 0);
}
