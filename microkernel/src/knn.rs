//! Exact k nearest vectors over the vector segment (L2, inner product,
//! cosine). Rows are streamed through the host in fixed-size chunks, so
//! guest memory stays O(chunk + k). Distances are computed in f64 from the
//! stored f32 with the fixed-order kernels of `linalg` (SIMD in the SIMD
//! build, same bits). Ties are broken by row index.

use crate::abi::{array, info, metric, status, Params};
use crate::csr::zeroed;
use crate::linalg::{dot, sqdist};
use crate::source::DataSource;
use alloc::vec::Vec;

const CHUNK_ROWS: usize = 256;

pub struct KnnResult {
    /// (row index, distance) sorted by (distance, index).
    pub hits: Vec<(u32, f64)>,
    pub scanned: u64,
}

/// Decode little-endian f32s into f64s (exact); false if any is NaN/inf.
fn decode_f32s(b: &[u8], out: &mut [f64]) -> bool {
    let n = out.len().min(b.len() / 4);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (mut ok, done) = {
        use core::arch::wasm32::*;
        let quads = n / 4;
        let inf = f32x4_splat(f32::INFINITY);
        let mut okv = i32x4_splat(-1);
        for i in 0..quads {
            // SAFETY: 16i + 16 <= 4n <= b.len() and 4i + 4 <= n <= out.len();
            // v128 loads and stores may be unaligned.
            unsafe {
                let v = v128_load(b.as_ptr().add(16 * i) as *const v128);
                okv = v128_and(okv, f32x4_lt(f32x4_abs(v), inf));
                let hi = i32x4_shuffle::<2, 3, 0, 1>(v, v);
                v128_store(
                    out.as_mut_ptr().add(4 * i) as *mut v128,
                    f64x2_promote_low_f32x4(v),
                );
                v128_store(
                    out.as_mut_ptr().add(4 * i + 2) as *mut v128,
                    f64x2_promote_low_f32x4(hi),
                );
            }
        }
        (i32x4_all_true(okv), 4 * quads)
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let (mut ok, done) = (true, 0);
    for (o, c) in out[done..n].iter_mut().zip(b[4 * done..].chunks_exact(4)) {
        let v = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        ok &= v.is_finite();
        *o = v as f64;
    }
    ok
}

/// `query`: dim × f32 little-endian bytes.
pub fn search(src: &mut impl DataSource, p: &Params, query: &[u8]) -> Result<KnnResult, i32> {
    let (dim, count) = (src.info(info::VEC_DIM), src.info(info::VEC_COUNT));
    if dim <= 0 || count < 0 {
        return Err(status::MISSING_DATA);
    }
    let dim = dim as usize;
    if query.len() != dim * 4 || p.k == 0 || p.metric > metric::COSINE {
        return Err(status::BAD_PARAMS);
    }
    let mut q: Vec<f64> = zeroed(dim)?;
    if !decode_f32s(query, &mut q) {
        return Err(status::BAD_PARAMS);
    }
    let qnorm = libm::sqrt(dot(&q, &q));
    let stride = 8 + 4 * dim;
    let k = (p.k as usize).min(count as usize);
    let mut best: Vec<(f64, u32)> = Vec::with_capacity(k + 1);
    let mut buf: Vec<u8> = zeroed(CHUNK_ROWS * stride)?;
    let mut x: Vec<f64> = zeroed(dim)?;
    let mut row = 0usize;
    while row < count as usize {
        let m = (count as usize - row).min(CHUNK_ROWS);
        src.read(
            array::VECTORS,
            (row * stride) as u64,
            &mut buf[..m * stride],
        )?;
        for j in 0..m {
            let rb = &buf[j * stride + 8..(j + 1) * stride];
            if !decode_f32s(rb, &mut x) {
                return Err(status::BAD_DATA);
            }
            let d = match p.metric {
                metric::L2 => sqdist(&q, &x),
                metric::INNER_PRODUCT => -dot(&q, &x),
                _ => {
                    let xn = libm::sqrt(dot(&x, &x));
                    if xn == 0.0 || qnorm == 0.0 {
                        1.0
                    } else {
                        1.0 - dot(&q, &x) / (qnorm * xn)
                    }
                }
            };
            let idx = (row + j) as u32;
            if best.len() < k || (d, idx) < best[best.len() - 1] {
                let pos = best.partition_point(|e| *e < (d, idx));
                best.insert(pos, (d, idx));
                best.truncate(k);
            }
        }
        row += m;
    }
    Ok(KnnResult {
        hits: best.into_iter().map(|(d, i)| (i, d)).collect(),
        scanned: count as u64,
    })
}
