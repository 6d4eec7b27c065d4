//! Dense kernels (dot, squared distance, xpby) and CSR SpMV fused with its reductions.
//!
//! Summation order is fixed and identical in every build (`fixed_sum`):
//! two interleaved accumulators (even / odd indices) combined at the end,
//! then the odd tail. The simd128 path computes exactly that with f64x2
//! lanes (mul then add, never fused), so baseline, SIMD and native results
//! are bit-identical. Reductions fused into a loop that also writes vectors
//! (`Csr::spmv_dot`, `Csr::residual`, the CG update) keep that order.

use alloc::vec::Vec;

/// Σ of `terms` in the fixed order every reduction here uses: even-indexed
/// terms into one accumulator, odd-indexed into another, the two added,
/// then the last term when the count is odd. Terms are produced in index
/// order, so a fused loop (one that also writes vectors) gives the same
/// bits as separate passes.
#[inline(always)]
pub fn fixed_sum(mut terms: impl Iterator<Item = f64>) -> f64 {
    let (mut even, mut odd) = (0.0f64, 0.0f64);
    loop {
        let Some(e) = terms.next() else {
            return even + odd;
        };
        let Some(o) = terms.next() else {
            return (even + odd) + e;
        };
        even += e;
        odd += o;
    }
}

/// Σ x_i y_i in the order of `fixed_sum`.
#[inline]
pub fn dot(x: &[f64], y: &[f64]) -> f64 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return simd::dot(x, y);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    pairwise(x, y, |a, b| a * b)
}

/// Σ (x_i − y_i)² in the order of `fixed_sum`.
#[inline]
pub fn sqdist(x: &[f64], y: &[f64]) -> f64 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return simd::sqdist(x, y);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    pairwise(x, y, |a, b| (a - b) * (a - b))
}

/// `fixed_sum` of f(x_i, y_i) over two slices, written over pairs so the
/// compiler can keep both accumulators in one vector register (the native
/// speed limit for k-NN and the norms).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn pairwise(x: &[f64], y: &[f64], f: impl Fn(f64, f64) -> f64) -> f64 {
    let n = x.len().min(y.len());
    let (xs, ys) = (x[..n].chunks_exact(2), y[..n].chunks_exact(2));
    let (xt, yt) = (xs.remainder(), ys.remainder());
    let (mut even, mut odd) = (0.0f64, 0.0f64);
    for (a, b) in xs.zip(ys) {
        even += f(a[0], b[0]);
        odd += f(a[1], b[1]);
    }
    match (xt, yt) {
        ([a], [b]) => (even + odd) + f(*a, *b),
        _ => even + odd,
    }
}

/// y = x + b y (element-wise).
#[inline]
pub fn xpby(x: &[f64], b: f64, y: &mut [f64]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return simd::xpby(x, b, y);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = *xi + b * *yi;
    }
}

/// The simd128 forms: f64x2 lanes are the even / odd accumulators of
/// `fixed_sum`, and the odd tail is added last, as there.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    /// Σ f(x pair, y pair) over the pairs as (even, odd) lanes, plus
    /// `tail(x_last, y_last)` when the length is odd.
    #[inline(always)]
    fn lanes(
        x: &[f64],
        y: &[f64],
        f: impl Fn(v128, v128) -> v128,
        tail: impl Fn(f64, f64) -> f64,
    ) -> f64 {
        let n = x.len().min(y.len());
        let mut acc = f64x2_splat(0.0);
        for i in 0..n / 2 {
            // SAFETY: 2i + 1 < n ≤ both lengths; v128_load allows unaligned addresses.
            let (a, b) = unsafe {
                (
                    v128_load(x.as_ptr().add(2 * i) as *const v128),
                    v128_load(y.as_ptr().add(2 * i) as *const v128),
                )
            };
            acc = f64x2_add(acc, f(a, b));
        }
        let s = f64x2_extract_lane::<0>(acc) + f64x2_extract_lane::<1>(acc);
        if n % 2 == 1 {
            s + tail(x[n - 1], y[n - 1])
        } else {
            s
        }
    }

    #[inline]
    pub fn dot(x: &[f64], y: &[f64]) -> f64 {
        lanes(x, y, |a, b| f64x2_mul(a, b), |a, b| a * b)
    }

    #[inline]
    pub fn sqdist(x: &[f64], y: &[f64]) -> f64 {
        lanes(
            x,
            y,
            |a, b| {
                let d = f64x2_sub(a, b);
                f64x2_mul(d, d)
            },
            |a, b| (a - b) * (a - b),
        )
    }

    /// y = f(x pair, y pair) pairwise, `tail` on the odd last element.
    #[inline(always)]
    fn map2(
        x: &[f64],
        y: &mut [f64],
        f: impl Fn(v128, v128) -> v128,
        tail: impl Fn(f64, f64) -> f64,
    ) {
        let n = x.len().min(y.len());
        for i in 0..n / 2 {
            // SAFETY: 2i + 1 < n ≤ both lengths; unaligned v128 access is allowed.
            unsafe {
                let px = x.as_ptr().add(2 * i) as *const v128;
                let py = y.as_mut_ptr().add(2 * i) as *mut v128;
                v128_store(py, f(v128_load(px), v128_load(py)));
            }
        }
        if n % 2 == 1 {
            y[n - 1] = tail(x[n - 1], y[n - 1]);
        }
    }

    #[inline]
    pub fn xpby(x: &[f64], b: f64, y: &mut [f64]) {
        let bv = f64x2_splat(b);
        map2(
            x,
            y,
            |x, y| f64x2_add(x, f64x2_mul(bv, y)),
            |x, y| x + b * y,
        );
    }
}

/// A square CSR matrix held in guest memory. The fields are private so the
/// structural invariants `Csr::new` checks hold for its whole life; the row
/// loops rely on them to skip per-entry bounds checks.
pub struct Csr {
    n: usize,
    row_ptr: Vec<u32>,
    col: Vec<u32>,
    val: Vec<f64>,
}

impl Csr {
    /// Adopt the arrays if they form an n × n CSR matrix: `row_ptr` has
    /// n + 1 entries, starts at 0, never decreases and ends at
    /// `col.len() == val.len()`, and every column is < n. `None` otherwise.
    pub fn new(n: usize, row_ptr: Vec<u32>, col: Vec<u32>, val: Vec<f64>) -> Option<Csr> {
        let nnz = col.len();
        let shaped = row_ptr.len() == n.checked_add(1)?
            && val.len() == nnz
            && row_ptr[0] == 0
            && row_ptr[n] as usize == nnz
            && row_ptr.windows(2).all(|w| w[0] <= w[1])
            && col.iter().all(|&c| (c as usize) < n);
        shaped.then_some(Csr {
            n,
            row_ptr,
            col,
            val,
        })
    }

    /// Rows and columns.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Each row's (columns, values), in row order. One row-pointer entry is
    /// read per row: each row starts where the previous one ended.
    #[inline(always)]
    pub fn rows(&self) -> impl Iterator<Item = (&[u32], &[f64])> + '_ {
        let mut start = 0usize;
        self.row_ptr[1..].iter().map(move |&end| {
            let end = end as usize;
            // SAFETY: `new` checked 0 = row_ptr[0] ≤ row_ptr[1] ≤ … ≤
            // col.len() == val.len(), `start` is the previous entry, and the
            // fields never change afterwards.
            let row = unsafe {
                (
                    self.col.get_unchecked(start..end),
                    self.val.get_unchecked(start..end),
                )
            };
            start = end;
            row
        })
    }

    /// Σ v·x[c] over one row, left to right from 0.0.
    ///
    /// # Safety
    /// Every column in `cols` must be < `x.len()`: true for a row from
    /// `self.rows()` (columns < n, checked by `new`) when x is n long.
    #[inline(always)]
    unsafe fn row_dot(cols: &[u32], vals: &[f64], x: &[f64]) -> f64 {
        let mut s = 0.0;
        for (c, v) in cols.iter().zip(vals) {
            // SAFETY: the caller's guarantee.
            s += v * unsafe { *x.get_unchecked(*c as usize) };
        }
        s
    }

    /// (A x)_i for each row i in order; x must be n long.
    #[inline(always)]
    fn row_dots<'a>(&'a self, x: &'a [f64]) -> impl Iterator<Item = f64> + 'a {
        let x = &x[..self.n];
        // SAFETY: rows of self, whose columns are < n = x.len() (`new`).
        self.rows()
            .map(move |(c, v)| unsafe { Self::row_dot(c, v, x) })
    }

    /// q = A p, returning pᵀq (`dot(p, q)`'s bits) from the same pass.
    pub fn spmv_dot(&self, p: &[f64], q: &mut [f64]) -> f64 {
        let q = &mut q[..self.n];
        fixed_sum(
            q.iter_mut()
                .zip(self.row_dots(p))
                .zip(p)
                .map(|((qi, d), pi)| {
                    *qi = d;
                    pi * d
                }),
        )
    }

    /// r = b − A x, returning rᵀr (`dot(r, r)`'s bits) from the same pass.
    pub fn residual(&self, x: &[f64], b: &[f64], r: &mut [f64]) -> f64 {
        let (b, r) = (&b[..self.n], &mut r[..self.n]);
        fixed_sum(
            r.iter_mut()
                .zip(self.row_dots(x))
                .zip(b)
                .map(|((ri, d), bi)| {
                    *ri = bi - d;
                    *ri * *ri
                }),
        )
    }

    /// The diagonal (sum of diagonal entries per row; 0 when absent).
    pub fn diagonal(&self) -> Vec<f64> {
        self.rows()
            .enumerate()
            .map(|(i, (c, v))| {
                c.iter()
                    .zip(v)
                    .filter(|(c, _)| **c as usize == i)
                    .fold(0.0, |d, (_, v)| d + v)
            })
            .collect()
    }
}

/// Euclidean norm (via the fixed-order dot).
#[inline]
pub fn norm(x: &[f64]) -> f64 {
    libm::sqrt(dot(x, x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix;

    /// The order the module doc defines, written out as separate loops.
    fn two_lane(t: &[f64]) -> f64 {
        let (mut a0, mut a1) = (0.0f64, 0.0f64);
        for k in 0..t.len() / 2 {
            a0 += t[2 * k];
            a1 += t[2 * k + 1];
        }
        let s = a0 + a1;
        if t.len() % 2 == 1 {
            s + t[t.len() - 1]
        } else {
            s
        }
    }

    /// Terms whose sum depends on the order of addition.
    fn awkward(rng: &mut SplitMix, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| {
                let scale = [1e16, 1.0, 1e-8][i % 3];
                (rng.next_f64() - 0.5) * scale
            })
            .collect()
    }

    #[test]
    fn fixed_sum_is_the_two_lane_order() {
        let mut rng = SplitMix::stream(3, 1);
        let mut order_mattered = false;
        for n in 0..40 {
            let t = awkward(&mut rng, n);
            let got = fixed_sum(t.iter().copied());
            assert_eq!(got.to_bits(), two_lane(&t).to_bits(), "n={n}");
            order_mattered |= got.to_bits() != t.iter().sum::<f64>().to_bits();
        }
        // The check above can fail: these terms are order-sensitive.
        assert!(order_mattered);
    }

    fn random_csr(rng: &mut SplitMix, n: usize) -> Csr {
        let (mut row_ptr, mut col, mut val) = (vec![0u32], Vec::new(), Vec::new());
        for _ in 0..n {
            for _ in 0..rng.below(7) {
                col.push(rng.below(n as u32));
                val.push(rng.next_f64() * 4.0 - 2.0);
            }
            row_ptr.push(col.len() as u32);
        }
        Csr::new(n, row_ptr, col, val).expect("well formed")
    }

    #[test]
    fn fused_passes_give_the_bits_of_separate_passes() {
        let mut rng = SplitMix::stream(5, 2);
        for n in [1usize, 2, 7, 50, 51] {
            let a = random_csr(&mut rng, n);
            let (x, b) = (awkward(&mut rng, n), awkward(&mut rng, n));
            // q = A x by the definition: each row summed left to right.
            let q: Vec<f64> = a
                .rows()
                .map(|(c, v)| {
                    c.iter()
                        .zip(v)
                        .fold(0.0, |s, (c, v)| s + v * x[*c as usize])
                })
                .collect();
            let want = dot(&x, &q);
            let mut q2 = vec![f64::NAN; n];
            assert_eq!(a.spmv_dot(&x, &mut q2).to_bits(), want.to_bits());
            assert_eq!(q, q2);

            let r: Vec<f64> = b.iter().zip(&q).map(|(b, q)| b - q).collect();
            let mut r2 = vec![f64::NAN; n];
            let rr = a.residual(&x, &b, &mut r2);
            assert_eq!(rr.to_bits(), dot(&r, &r).to_bits());
            assert_eq!(r, r2);
        }
    }

    #[test]
    fn csr_new_refuses_each_broken_invariant() {
        let ok = || (vec![0u32, 2, 3, 3], vec![0u32, 2, 1], vec![1.0, 2.0, 3.0]);
        let (p, c, v) = ok();
        let a = Csr::new(3, p, c, v).expect("valid");
        let rows: Vec<_> = a.rows().map(|(c, _)| c.to_vec()).collect();
        assert_eq!(rows, [vec![0, 2], vec![1], vec![]]);
        type Break = fn(&mut Vec<u32>, &mut Vec<u32>, &mut Vec<f64>);
        let broken: [(&str, Break); 6] = [
            ("row_ptr too short", |p, _, _| {
                p.pop();
            }),
            ("row_ptr not from 0", |p, _, _| p[0] = 1),
            ("row_ptr decreasing", |p, _, _| p[1] = 4),
            ("row_ptr not ending at nnz", |p, _, _| p[3] = 2),
            ("values shorter than columns", |_, _, v| {
                v.pop();
            }),
            ("column out of range", |_, c, _| c[1] = 3),
        ];
        for (what, f) in broken {
            let (mut p, mut c, mut v) = ok();
            f(&mut p, &mut c, &mut v);
            assert!(Csr::new(3, p, c, v).is_none(), "{what}");
        }
        assert!(Csr::new(usize::MAX, vec![0], vec![], vec![]).is_none());
    }
}
