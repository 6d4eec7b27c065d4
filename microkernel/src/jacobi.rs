//! Jacobi iteration (= the truncated Neumann series Σ Mᵏ D⁻¹ b, M = I − D⁻¹A),
//! allowed only when every row is strictly diagonally dominant by a relative
//! margin δ ≥ `min_margin` > 0. Then ‖M‖∞ = maxᵢ Σⱼ≠ᵢ|aᵢⱼ|/|aᵢᵢ| = 1 − δ < 1,
//! a rigorous bound on the spectral radius (no power-iteration guess), and
//! the iteration converges. Otherwise the method refuses with NOT_DOMINANT.

use crate::cg::{relative_residual, Solution};
use crate::csr::zeroed;
use crate::linalg::{norm, Csr};
use alloc::vec::Vec;
use rvf_spec::abi::{detail, status, Params};

/// The relative dominance margin of `a` (`rvf_spec::rules`, the one
/// definition the packer records and this method enforces).
pub fn dominance_margin(a: &Csr) -> f64 {
    rvf_spec::rules::dominance_margin(a.rows())
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
    // The loop judged the true residual itself: only the cap can stop it short.
    let (status, detail) = if converged {
        (status::OK, detail::NONE)
    } else {
        (status::NOT_CONVERGED, detail::ITERATION_CAP)
    };
    let sol = Solution {
        x,
        iterations: it,
        rel_residual: rel,
        converged,
        status,
        detail,
    };
    Ok((sol, margin))
}
