//! A kernel run natively and in the sandbox (both variants) gives the same
//! report and bytes, on a tridiagonal system built here.

use interpreter::{Limits, Sandbox};
use rvf_spec::abi::{array, method, Params};
use rvf_spec::format::{WASM_FEAT_BULK_MEMORY, WASM_FEAT_SIMD};
use rvf_spec::source::ArraySource;

fn le_u32(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}
fn le_f64(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

#[test]
fn cg_parity_tridiagonal() {
    let n = 50usize;
    let (mut rp, mut ci, mut v) = (vec![0u32], vec![], vec![]);
    for i in 0..n {
        if i > 0 {
            ci.push(i as u32 - 1);
            v.push(-1.0);
        }
        ci.push(i as u32);
        v.push(2.0);
        if i + 1 < n {
            ci.push(i as u32 + 1);
            v.push(-1.0);
        }
        rp.push(ci.len() as u32);
    }
    let b: Vec<f64> = (0..n).map(|i| (i as f64).sin()).collect();
    let (rpb, cib, vb, bb) = (le_u32(&rp), le_u32(&ci), le_f64(&v), le_f64(&b));
    let mut src = ArraySource::empty();
    src.sparse[array::ROW_PTR as usize] = &rpb;
    src.sparse[array::COL_IDX as usize] = &cib;
    src.sparse[array::VALUES as usize] = &vb;
    src.sparse[array::RHS as usize] = &bb;
    src.rows = n as i64;
    src.cols = n as i64;
    src.nnz = ci.len() as i64;
    let p = Params {
        method: method::CG,
        tol: 1e-12,
        ..Default::default()
    };
    let native = microkernel::run(&p, &[], &mut src.clone());
    for (file, feats) in [
        ("solver-baseline.wasm", 0u16),
        ("solver-simd.wasm", WASM_FEAT_SIMD | WASM_FEAT_BULK_MEMORY),
    ] {
        let bytes = std::fs::read(format!(
            "{}/../microkernel/dist/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let sb = Sandbox::new(feats, Limits::default());
        let m = sb.admit(&bytes).unwrap();
        let out = m.run(&p, &[], src, None, None).unwrap();
        println!(
            "{file}: {:?} fuel {} host {:?}",
            out.report, out.fuel_used, out.host
        );
        assert_eq!(out.report, native.report);
        assert_eq!(out.output, native.output);
    }
    println!("native {:?}", native.report);
}
