//! Conjugate gradient (Hestenes–Stiefel), optionally Jacobi-preconditioned,
//! for symmetric positive definite systems. x₀ = 0; stops when the
//! recurrence residual ‖r‖ < tol·‖b‖ (scipy's rule, so iteration counts
//! compare), then judges convergence on the *recomputed* relative residual
//! ‖b − Ax‖/‖b‖: below tol is converged; above it (tol below what f64
//! reaches for the system) is NOT_CONVERGED with detail RESIDUAL_FLOOR,
//! never a silent "ok". Breakdown (pᵀAp ≤ 0 or NaN) is an error.

use crate::csr::zeroed;
use crate::linalg::{dot, fixed_sum, norm, xpby, Csr};
use alloc::vec::Vec;
use rvf_spec::abi::{detail, status, Params, FLAG_PRECONDITION};

pub struct Solution {
    pub x: Vec<f64>,
    pub iterations: u64,
    pub rel_residual: f64,
    pub converged: bool,
    pub status: i32,
    pub detail: u32,
}

impl Solution {
    /// Judge a finished iteration: converged by the recurrence and by the
    /// recomputed residual `rel` against `tol`, or why not.
    pub fn judged(x: Vec<f64>, iterations: u64, rel: f64, recurrence_ok: bool, tol: f64) -> Self {
        let (converged, status, detail) = if !recurrence_ok {
            (false, status::NOT_CONVERGED, detail::ITERATION_CAP)
        } else if rel < tol || rel == 0.0 {
            (true, status::OK, detail::NONE)
        } else {
            (false, status::NOT_CONVERGED, detail::RESIDUAL_FLOOR)
        };
        Solution {
            x,
            iterations,
            rel_residual: rel,
            converged,
            status,
            detail,
        }
    }
}

/// ‖b − Ax‖ / ‖b‖ (0 when b = 0 and x = 0).
pub fn relative_residual(a: &Csr, x: &[f64], b: &[f64]) -> Result<f64, i32> {
    let mut r: Vec<f64> = zeroed(a.n())?;
    let rn = libm::sqrt(a.residual(x, b, &mut r));
    let bn = norm(b);
    Ok(if bn == 0.0 { rn } else { rn / bn })
}

/// x += α p and r += (−α) q, returning rᵀr: one pass.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn update(alpha: f64, p: &[f64], q: &[f64], x: &mut [f64], r: &mut [f64]) -> f64 {
    let neg = -alpha;
    fixed_sum(
        x.iter_mut()
            .zip(r.iter_mut())
            .zip(p.iter().zip(q))
            .map(|((xi, ri), (pi, qi))| {
                *xi += alpha * pi;
                *ri += neg * qi;
                *ri * *ri
            }),
    )
}

/// The same with f64x2 lanes as `fixed_sum`'s even / odd accumulators.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn update(alpha: f64, p: &[f64], q: &[f64], x: &mut [f64], r: &mut [f64]) -> f64 {
    use core::arch::wasm32::*;
    let n = x.len().min(r.len()).min(p.len()).min(q.len());
    let (a, na) = (f64x2_splat(alpha), f64x2_splat(-alpha));
    let mut acc = f64x2_splat(0.0);
    for i in 0..n / 2 {
        // SAFETY: 2i + 1 < n ≤ every length; unaligned v128 access is allowed.
        unsafe {
            let px = x.as_mut_ptr().add(2 * i) as *mut v128;
            let pr = r.as_mut_ptr().add(2 * i) as *mut v128;
            let pp = p.as_ptr().add(2 * i) as *const v128;
            let pq = q.as_ptr().add(2 * i) as *const v128;
            v128_store(px, f64x2_add(v128_load(px), f64x2_mul(a, v128_load(pp))));
            let rv = f64x2_add(v128_load(pr), f64x2_mul(na, v128_load(pq)));
            v128_store(pr, rv);
            acc = f64x2_add(acc, f64x2_mul(rv, rv));
        }
    }
    let s = f64x2_extract_lane::<0>(acc) + f64x2_extract_lane::<1>(acc);
    if n % 2 == 1 {
        let k = n - 1;
        x[k] += alpha * p[k];
        r[k] += -alpha * q[k];
        s + r[k] * r[k]
    } else {
        s
    }
}

/// z = r ∘ d, returning rᵀz: one pass.
fn precondition(r: &[f64], d: &[f64], z: &mut [f64]) -> f64 {
    fixed_sum(z.iter_mut().zip(r.iter().zip(d)).map(|(zi, (ri, di))| {
        *zi = ri * di;
        ri * *zi
    }))
}

/// Each iteration is three passes over the vectors — q = Ap with pᵀq; the
/// x, r update with rᵀr; p = z + βp — plus z = D⁻¹r with rᵀz when
/// preconditioned. Every reduction keeps `fixed_sum`'s order, so the bits
/// equal the textbook sequence of separate SpMV, dot and axpy passes.
pub fn solve(a: &Csr, b: &[f64], p: &Params) -> Result<Solution, i32> {
    let n = a.n();
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
    // z = D⁻¹r when preconditioned; without, z is r itself (no copy).
    let mut z: Vec<f64> = if precond { zeroed(n)? } else { Vec::new() };
    let mut rz = if precond {
        precondition(&r, &inv_diag, &mut z)
    } else {
        dot(&r, &r)
    };
    let mut pv = if precond { z.clone() } else { r.clone() };
    let mut q: Vec<f64> = zeroed(n)?;
    let bnorm = norm(b);
    let target = p.tol * bnorm;
    let mut it = 0u64;
    let mut converged = norm(&r) < target || bnorm == 0.0;
    while !converged && it < p.max_iter as u64 {
        let pq = a.spmv_dot(&pv, &mut q);
        if !(pq > 0.0) || !pq.is_finite() {
            return Err(status::BREAKDOWN);
        }
        let alpha = rz / pq;
        let rr = update(alpha, &pv, &q, &mut x, &mut r);
        it += 1;
        let rn = libm::sqrt(rr);
        if !rn.is_finite() {
            return Err(status::BREAKDOWN);
        }
        if rn < target {
            converged = true;
            break;
        }
        let rz_new = if precond {
            precondition(&r, &inv_diag, &mut z)
        } else {
            rr
        };
        let beta = rz_new / rz;
        rz = rz_new;
        xpby(if precond { &z } else { &r }, beta, &mut pv);
    }
    let rel = relative_residual(a, &x, b)?;
    Ok(Solution::judged(x, it, rel, converged, p.tol))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix;

    #[test]
    fn fused_updates_give_the_bits_of_separate_passes() {
        let mut rng = SplitMix::stream(8, 3);
        let mut v = |n: usize| -> Vec<f64> { (0..n).map(|_| rng.next_f64() * 2.0 - 1.0).collect() };
        for n in [0usize, 1, 2, 9, 64, 65] {
            let (p, q, x0, r0, d) = (v(n), v(n), v(n), v(n), v(n));
            let alpha = 0.37;
            let (mut x, mut r) = (x0.clone(), r0.clone());
            x.iter_mut().zip(&p).for_each(|(x, p)| *x += alpha * p);
            r.iter_mut().zip(&q).for_each(|(r, q)| *r += -alpha * q);
            let (mut x2, mut r2) = (x0.clone(), r0.clone());
            let rr = update(alpha, &p, &q, &mut x2, &mut r2);
            assert_eq!((x, &r), (x2, &r2), "n={n}");
            assert_eq!(rr.to_bits(), dot(&r, &r).to_bits());

            let z: Vec<f64> = r.iter().zip(&d).map(|(r, d)| r * d).collect();
            let mut z2 = vec![f64::NAN; n];
            let rz = precondition(&r, &d, &mut z2);
            assert_eq!(z, z2);
            assert_eq!(rz.to_bits(), dot(&r, &z).to_bits());
        }
    }
}
