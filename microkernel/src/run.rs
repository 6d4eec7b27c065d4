//! One entry point for every method: parameters in, a report and the
//! result bytes out. Used natively as is, and by the wasm exports.

use crate::{cg, csr, jacobi, knn, push, walk};
use alloc::vec::Vec;
use rvf_spec::abi::{detail, method, result_kind, status, Fault, Params, Report, PAIR_LEN};
use rvf_spec::source::DataSource;

/// The outcome of a run: the report and the result bytes (see `abi::result_kind`).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub report: Report,
    pub output: Vec<u8>,
}

const CANONICAL_NAN: u64 = 0x7FF8_0000_0000_0000;

/// f64 → LE bytes with NaN canonicalized.
fn put_f64(out: &mut Vec<u8>, v: f64) {
    let bits = if v.is_nan() {
        CANONICAL_NAN
    } else {
        v.to_bits()
    };
    out.extend_from_slice(&bits.to_le_bytes());
}

fn dense(x: &[f64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(x.len() * 8);
    for &v in x {
        put_f64(&mut out, v);
    }
    out
}

fn pairs(p: &[(u32, f64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(p.len() * PAIR_LEN);
    for &(i, v) in p {
        out.extend_from_slice(&i.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        put_f64(&mut out, v);
    }
    out
}

fn canon(v: f64) -> f64 {
    if v.is_nan() {
        f64::from_bits(CANONICAL_NAN)
    } else {
        v
    }
}

/// Run `p.method` against `src`. `input` is the k-NN query (f32 × dim).
pub fn run(p: &Params, input: &[u8], src: &mut impl DataSource) -> Outcome {
    let mut report = Report {
        method: p.method,
        ..Default::default()
    };
    let result = run_inner(p, input, src, &mut report);
    let output = match result {
        Ok(out) => out,
        Err(f) => {
            report.status = f.status;
            report.detail = f.detail;
            Vec::new()
        }
    };
    report.residual = canon(report.residual);
    report.estimate = canon(report.estimate);
    Outcome { report, output }
}

fn run_inner(
    p: &Params,
    input: &[u8],
    src: &mut impl DataSource,
    r: &mut Report,
) -> Result<Vec<u8>, Fault> {
    match p.method {
        method::CG | method::JACOBI => {
            if !(p.tol > 0.0) || !p.tol.is_finite() {
                return Err(Fault::new(status::BAD_PARAMS, detail::TOL));
            }
            let (a, b) = csr::load_system(src)?;
            r.work = a.n() as u64;
            let sol = if p.method == method::CG {
                cg::solve(&a, &b, p)?
            } else {
                let (s, margin) = jacobi::solve(&a, &b, p)?;
                r.estimate = margin;
                s
            };
            r.result_kind = result_kind::DENSE_F64;
            r.iterations = sol.iterations;
            r.residual = sol.rel_residual;
            r.converged = sol.converged as u32;
            r.status = sol.status;
            r.detail = sol.detail;
            r.result_count = sol.x.len() as u32;
            Ok(dense(&sol.x))
        }
        method::PPR_FORWARD | method::PPR_BACKWARD => {
            let res = if p.method == method::PPR_FORWARD {
                push::forward(src, p)?
            } else {
                push::backward(src, p)?
            };
            let scores = res.nodes.scores();
            r.result_kind = result_kind::PAIRS;
            r.iterations = res.pushes;
            r.work = res.rows_read;
            r.residual = res.residual_mass;
            r.estimate = scores.iter().map(|s| s.1).sum();
            r.converged = (res.status == status::OK) as u32;
            r.status = res.status;
            r.result_count = scores.len() as u32;
            Ok(pairs(&scores))
        }
        method::WALK_ESTIMATE => {
            let w = walk::estimate(src, p)?;
            r.result_kind = result_kind::PAIRS;
            r.iterations = w.walks;
            r.work = w.steps;
            r.estimate = w.estimate;
            r.residual = w.std_error;
            r.converged = (w.status == status::OK) as u32;
            r.status = w.status;
            r.result_count = 1;
            Ok(pairs(&[(p.target, w.estimate)]))
        }
        method::KNN => {
            let k = knn::search(src, p, input)?;
            r.result_kind = result_kind::PAIRS;
            r.iterations = k.scanned;
            r.work = k.scanned;
            r.converged = 1;
            r.result_count = k.hits.len() as u32;
            Ok(pairs(&k.hits))
        }
        _ => Err(Fault::from(status::UNSUPPORTED)),
    }
}
