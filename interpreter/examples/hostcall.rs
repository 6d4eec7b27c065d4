//! The cost of one host call in the sandbox, against an empty loop: a
//! hand-written module calls `rvf.info` or `rvf.degrees` a million times.
//!
//!   cargo run --release -p rvf-interpreter --example hostcall
//!
//! (Measured in docs/BENCHMARKS.md §7: a call is ~10x an empty loop trip,
//! about 5 % of a forward push.)

use interpreter::{Limits, Sandbox};
use rvf_spec::abi::{array, Params};
use rvf_spec::source::ArraySource;
use std::time::Instant;

const TRIPS: u32 = 1_000_000;

/// A module speaking the ABI (the hostile tests' `abi_module.wat.in`)
/// whose `rvf_run` loops `TRIPS` times over `body`.
fn module(body: &str) -> Vec<u8> {
    let imports = r#"(import "rvf" "info" (func $info (param i32) (result i64)))
        (import "rvf" "degrees" (func $deg (param i32 i32 i32 i32) (result i32)))"#;
    let run = format!(
        "(local $i i32)
        (loop $l {body}
          local.get $i i32.const 1 i32.add local.tee $i
          i32.const {TRIPS} i32.lt_u br_if $l)
        i32.const 0"
    );
    let text = include_str!("../tests/abi_module.wat.in")
        .replace("{imports}", imports)
        .replace("{run}", &run)
        .replace("{extra}", "");
    wat::parse_str(text).expect("valid WAT")
}

fn main() {
    // A 1000-row adjacency with 5 entries per row.
    let row_ptr: Vec<u8> = (0..=1000u32).flat_map(|x| (x * 5).to_le_bytes()).collect();
    let (col_idx, values) = (vec![0u8; 5000 * 4], vec![0u8; 5000 * 8]);
    let mut src = ArraySource::empty();
    src.sparse[array::ROW_PTR as usize] = &row_ptr;
    src.sparse[array::COL_IDX as usize] = &col_idx;
    src.sparse[array::VALUES as usize] = &values;
    (src.rows, src.cols, src.nnz) = (1000, 1000, 5000);
    let sandbox = Sandbox::new(
        0xFFFF,
        Limits {
            fuel: u64::MAX / 4,
            ..Limits::default()
        },
    );
    // degrees(set = forward, ids_ptr, count, out_ptr): the ids at 2048 are 0.
    for (name, body) in [
        ("empty loop trip", "nop"),
        ("rvf.info", "i32.const 0 call $info drop"),
        (
            "rvf.degrees, 1 id",
            "i32.const 0 i32.const 2048 i32.const 1 i32.const 4096 call $deg drop",
        ),
        (
            "rvf.degrees, 5 ids",
            "i32.const 0 i32.const 2048 i32.const 5 i32.const 4096 call $deg drop",
        ),
    ] {
        let m = sandbox.admit(&module(body)).expect("admitted");
        let t = Instant::now();
        let out = m.run(&Params::default(), &[], src, None, None);
        let ns = t.elapsed().as_secs_f64() * 1e9 / TRIPS as f64;
        match out {
            // Every call must have been served, not refused early.
            Ok(o) if o.report.status == 0 && o.host.refused == 0 => {
                println!("{name}: {ns:.1} ns per trip")
            }
            other => println!("{name}: failed: {other:?}"),
        }
    }
}
