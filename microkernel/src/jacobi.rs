//! Jacobi iteration (= the truncated Neumann series Σ Mᵏ D⁻¹ b, M = I − D⁻¹A),
//! allowed only when every row is strictly diagonally dominant by a relative
//! margin δ ≥ `min_margin` > 0. Then ‖M‖∞ = maxᵢ Σⱼ≠ᵢ|aᵢⱼ|/|aᵢᵢ| = 1 − δ < 1,
//! a rigorous bound on the spectral radius (no power-iteration guess), and
//! the iteration converges. Otherwise the method refuses with NOT_DOMINANT.

use crate::abi::{status, Params};
use crate::cg::{relative_residual, Solution};
use crate::csr::zeroed;
use crate::linalg::{norm, Csr};
use alloc::vec::Vec;

/// min over rows of (|aᵢᵢ| − Σⱼ≠ᵢ|aᵢⱼ|) / |aᵢᵢ|; −∞ when a diagonal is 0.
pub fn dominance_margin(a: &Csr) -> f64 {
    let mut m = f64::INFINITY;
    for (i, (cols, vals)) in a.rows().enumerate() {
        let (mut d, mut off) = (0.0f64, 0.0f64);
        for (c, v) in cols.iter().zip(vals) {
            if *c as usize == i {
                d += *v;
            } else {
                off += libm::fabs(*v);
            }
        }
        let d = libm::fabs(d);
        if d == 0.0 {
            return f64::NEG_INFINITY;
        }
        m = m.min((d - off) / d);
    }
    m
}

pub fn solve(a: &Csr, b: &[f64], p: &Params) -> Result<(Solution, f64), i32> {
    let margin = dominance_margin(a);
    if !(margin > 0.0 && margin >= p.min_margin) {
        return Err(status::NOT_DOMINANT);
    }
    let inv_d: Vec<f64> = a.diagonal().iter().map(|d| 1.0 / d).collect();
    let mut x: Vec<f64> = zeroed(a.n())?;
    let mut r: Vec<f64> = zeroed(a.n())?;
    let target = p.tol * norm(b);
    let mut it = 0u64;
    let mut converged = false;
    loop {
        let rn = libm::sqrt(a.residual(&x, b, &mut r));
        if rn < target || target == 0.0 && rn == 0.0 {
            converged = true;
            break;
        }
        if it >= p.max_iter as u64 {
            break;
        }
        for ((xi, ri), di) in x.iter_mut().zip(&r).zip(&inv_d) {
            *xi += ri * di;
        }
        it += 1;
    }
    let rel = relative_residual(a, &x, b)?;
    let st = if converged {
        status::OK
    } else {
        status::NOT_CONVERGED
    };
    Ok((
        Solution {
            x,
            iterations: it,
            rel_residual: rel,
            converged,
            status: st,
        },
        margin,
    ))
}
