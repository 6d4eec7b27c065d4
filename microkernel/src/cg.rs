//! Conjugate gradient (Hestenes–Stiefel), optionally Jacobi-preconditioned,
//! for symmetric positive definite systems. x₀ = 0; stops when
//! ‖r‖ < tol·‖b‖ (scipy's rule, so iteration counts compare); reports the
//! *recomputed* relative residual ‖b − Ax‖/‖b‖. Breakdown (pᵀAp ≤ 0 or NaN)
//! is an error, not a silent result.

use crate::abi::{status, Params, FLAG_PRECONDITION};
use crate::csr::zeroed;
use crate::linalg::{axpy, dot, norm, xpby, Csr};
use alloc::vec::Vec;

pub struct Solution {
    pub x: Vec<f64>,
    pub iterations: u64,
    pub rel_residual: f64,
    pub converged: bool,
    pub status: i32,
}

/// ‖b − Ax‖ / ‖b‖ (0 when b = 0 and x = 0).
pub fn relative_residual(a: &Csr, x: &[f64], b: &[f64]) -> Result<f64, i32> {
    let mut r: Vec<f64> = zeroed(a.n)?;
    a.spmv(x, &mut r);
    for (ri, bi) in r.iter_mut().zip(b) {
        *ri = bi - *ri;
    }
    let bn = norm(b);
    Ok(if bn == 0.0 { norm(&r) } else { norm(&r) / bn })
}

pub fn solve(a: &Csr, b: &[f64], p: &Params) -> Result<Solution, i32> {
    let n = a.n;
    let precond = p.flags & FLAG_PRECONDITION != 0;
    let inv_diag: Vec<f64> = if precond {
        let d = a.diagonal();
        if d.iter().any(|&x| !(x > 0.0)) {
            // An SPD matrix has a positive diagonal.
            return Err(status::BREAKDOWN);
        }
        d.iter().map(|&x| 1.0 / x).collect()
    } else {
        Vec::new()
    };
    let mut x: Vec<f64> = zeroed(n)?;
    let mut r = b.to_vec();
    let mut z: Vec<f64> = if precond {
        r.iter().zip(&inv_diag).map(|(a, b)| a * b).collect()
    } else {
        r.clone()
    };
    let mut pv = z.clone();
    let mut q: Vec<f64> = zeroed(n)?;
    let bnorm = norm(b);
    let target = p.tol * bnorm;
    let mut rz = dot(&r, &z);
    let mut it = 0u64;
    let mut converged = norm(&r) < target || bnorm == 0.0;
    while !converged && it < p.max_iter as u64 {
        a.spmv(&pv, &mut q);
        let pq = dot(&pv, &q);
        if !(pq > 0.0) || !pq.is_finite() {
            return Err(status::BREAKDOWN);
        }
        let alpha = rz / pq;
        axpy(alpha, &pv, &mut x);
        axpy(-alpha, &q, &mut r);
        it += 1;
        let rn = norm(&r);
        if !rn.is_finite() {
            return Err(status::BREAKDOWN);
        }
        if rn < target {
            converged = true;
            break;
        }
        if precond {
            for ((zi, ri), di) in z.iter_mut().zip(&r).zip(&inv_diag) {
                *zi = ri * di;
            }
        } else {
            z.copy_from_slice(&r);
        }
        let rz_new = dot(&r, &z);
        let beta = rz_new / rz;
        rz = rz_new;
        xpby(&z, beta, &mut pv);
    }
    let rel = relative_residual(a, &x, b)?;
    Ok(Solution {
        x,
        iterations: it,
        rel_residual: rel,
        converged,
        status: if converged {
            status::OK
        } else {
            status::NOT_CONVERGED
        },
    })
}
