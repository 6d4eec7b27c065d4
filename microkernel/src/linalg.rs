//! Dense kernels (dot, squared distance, axpy, xpby) and CSR SpMV.
//!
//! Summation order is fixed and identical in every build: dot products use
//! two interleaved accumulators (even / odd indices) combined at the end,
//! then the odd tail. The simd128 path computes exactly that with f64x2
//! lanes (mul then add, never fused), so baseline, SIMD and native results
//! are bit-identical.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::*;

/// Σ x_i y_i with the fixed two-lane order.
#[inline]
pub fn dot(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let pairs = n / 2;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let s = {
        let mut acc = f64x2_splat(0.0);
        for i in 0..pairs {
            // SAFETY: 2i + 1 < n for i < pairs; v128_load allows unaligned addresses.
            let (a, b) = unsafe {
                (
                    v128_load(x.as_ptr().add(2 * i) as *const v128),
                    v128_load(y.as_ptr().add(2 * i) as *const v128),
                )
            };
            acc = f64x2_add(acc, f64x2_mul(a, b));
        }
        f64x2_extract_lane::<0>(acc) + f64x2_extract_lane::<1>(acc)
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let s = {
        let (mut a0, mut a1) = (0.0f64, 0.0f64);
        for i in 0..pairs {
            a0 += x[2 * i] * y[2 * i];
            a1 += x[2 * i + 1] * y[2 * i + 1];
        }
        a0 + a1
    };
    if n % 2 == 1 {
        s + x[n - 1] * y[n - 1]
    } else {
        s
    }
}

/// Σ (x_i - y_i)² with the same fixed two-lane order.
#[inline]
pub fn sqdist(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let pairs = n / 2;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let s = {
        let mut acc = f64x2_splat(0.0);
        for i in 0..pairs {
            // SAFETY: as in `dot`.
            let d = unsafe {
                f64x2_sub(
                    v128_load(x.as_ptr().add(2 * i) as *const v128),
                    v128_load(y.as_ptr().add(2 * i) as *const v128),
                )
            };
            acc = f64x2_add(acc, f64x2_mul(d, d));
        }
        f64x2_extract_lane::<0>(acc) + f64x2_extract_lane::<1>(acc)
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let s = {
        let (mut a0, mut a1) = (0.0f64, 0.0f64);
        for i in 0..pairs {
            let d0 = x[2 * i] - y[2 * i];
            let d1 = x[2 * i + 1] - y[2 * i + 1];
            a0 += d0 * d0;
            a1 += d1 * d1;
        }
        a0 + a1
    };
    if n % 2 == 1 {
        let d = x[n - 1] - y[n - 1];
        s + d * d
    } else {
        s
    }
}

/// y += a x (element-wise, so every build gives the same bits).
#[inline]
pub fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    let n = x.len().min(y.len());
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        let av = f64x2_splat(a);
        let pairs = n / 2;
        for i in 0..pairs {
            // SAFETY: 2i + 1 < n; unaligned v128 access is allowed.
            unsafe {
                let px = x.as_ptr().add(2 * i) as *const v128;
                let py = y.as_mut_ptr().add(2 * i) as *mut v128;
                v128_store(py, f64x2_add(v128_load(py), f64x2_mul(av, v128_load(px))));
            }
        }
        if n % 2 == 1 {
            y[n - 1] += a * x[n - 1];
        }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    for (yi, xi) in y[..n].iter_mut().zip(&x[..n]) {
        *yi += a * *xi;
    }
}

/// y = x + b y (element-wise).
#[inline]
pub fn xpby(x: &[f64], b: f64, y: &mut [f64]) {
    let n = x.len().min(y.len());
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        let bv = f64x2_splat(b);
        for i in 0..n / 2 {
            // SAFETY: 2i + 1 < n; unaligned v128 access is allowed.
            unsafe {
                let px = x.as_ptr().add(2 * i) as *const v128;
                let py = y.as_mut_ptr().add(2 * i) as *mut v128;
                v128_store(py, f64x2_add(v128_load(px), f64x2_mul(bv, v128_load(py))));
            }
        }
        if n % 2 == 1 {
            y[n - 1] = x[n - 1] + b * y[n - 1];
        }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    for (yi, xi) in y[..n].iter_mut().zip(&x[..n]) {
        *yi = *xi + b * *yi;
    }
}

/// A square CSR matrix held in guest memory (validated on load).
pub struct Csr {
    pub n: usize,
    pub row_ptr: alloc::vec::Vec<u32>,
    pub col: alloc::vec::Vec<u32>,
    pub val: alloc::vec::Vec<f64>,
}

impl Csr {
    /// y = A x, each row summed left to right.
    pub fn spmv(&self, x: &[f64], y: &mut [f64]) {
        for (i, yi) in y.iter_mut().enumerate().take(self.n) {
            let (a, b) = (self.row_ptr[i] as usize, self.row_ptr[i + 1] as usize);
            let mut s = 0.0;
            for (c, v) in self.col[a..b].iter().zip(&self.val[a..b]) {
                s += v * x[*c as usize];
            }
            *yi = s;
        }
    }

    /// The diagonal (sum of diagonal entries per row; 0 when absent).
    pub fn diagonal(&self) -> alloc::vec::Vec<f64> {
        let mut d = alloc::vec![0.0; self.n];
        for (i, di) in d.iter_mut().enumerate() {
            let (a, b) = (self.row_ptr[i] as usize, self.row_ptr[i + 1] as usize);
            for (c, v) in self.col[a..b].iter().zip(&self.val[a..b]) {
                if *c as usize == i {
                    *di += *v;
                }
            }
        }
        d
    }
}

/// Euclidean norm (via the fixed-order dot).
#[inline]
pub fn norm(x: &[f64]) -> f64 {
    libm::sqrt(dot(x, x))
}
