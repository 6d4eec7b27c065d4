//! Exact k nearest vectors over the vector segment (L2, inner product,
//! cosine). Rows are streamed through the host in fixed-size chunks, so
//! guest memory stays O(chunk + k). Distances are computed in f64 from the
//! stored f32 with the fixed-order kernels of `linalg`; the SIMD build
//! computes the same sums straight from the f32 bytes (`fused`), same bits.
//! Ties are broken by row index.

use crate::csr::zeroed;
use crate::linalg::dot;
use alloc::vec::Vec;
use rvf_spec::abi::{array, detail, info, metric, status, Fault, Params};
use rvf_spec::source::DataSource;

const CHUNK_ROWS: usize = 256;

pub struct KnnResult {
    /// (row index, distance) sorted by (distance, index).
    pub hits: Vec<(u32, f64)>,
    pub scanned: u64,
}

/// Decode little-endian f32s into f64s (exact); false if any is NaN/inf.
/// (The SIMD build decodes only the query with it: its rows go through
/// `fused`.)
fn decode_f32s(b: &[u8], out: &mut [f64]) -> bool {
    let mut ok = true;
    for (o, c) in out.iter_mut().zip(b.chunks_exact(4)) {
        let v = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        ok &= v.is_finite();
        *o = v as f64;
    }
    ok
}

/// The distance from the query `q` (norm `qnorm`) to the stored row `rb`
/// (dim × f32 LE); None if the row holds a NaN or an infinity. `x` is
/// scratch of length dim.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn row_distance(metric: u32, q: &[f64], qnorm: f64, rb: &[u8], x: &mut [f64]) -> Option<f64> {
    if !decode_f32s(rb, x) {
        return None;
    }
    Some(match metric {
        metric::L2 => crate::linalg::sqdist(q, x),
        metric::INNER_PRODUCT => -dot(q, x),
        _ => cosine(dot(q, x), qnorm, libm::sqrt(dot(x, x))),
    })
}

/// The SIMD build computes the same sums straight from the f32 bytes
/// (`fused`), in the same order, so the bits are those of the baseline.
/// A non-finite entry makes its term, and so the sum, non-finite; a sum of
/// finite f32 terms in f64 cannot overflow; so checking the sum is
/// checking the row (for cosine, x·x covers every entry).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn row_distance(metric: u32, q: &[f64], qnorm: f64, rb: &[u8], _x: &mut [f64]) -> Option<f64> {
    let finite = |v: f64| v.is_finite().then_some(v);
    Some(match metric {
        metric::L2 => finite(fused::sqdist(q, rb))?,
        metric::INNER_PRODUCT => -finite(fused::dot(q, rb))?,
        _ => {
            let xx = finite(fused::dot_self(rb))?;
            cosine(fused::dot(q, rb), qnorm, libm::sqrt(xx))
        }
    })
}

fn cosine(qx: f64, qnorm: f64, xnorm: f64) -> f64 {
    if xnorm == 0.0 || qnorm == 0.0 {
        1.0
    } else {
        1.0 - qx / (qnorm * xnorm)
    }
}

/// `linalg::{sqdist, dot}` against a row of f32 bytes, decoding four
/// entries per v128 load: f64x2 lanes accumulate the even and the odd
/// indices in order, then the lanes are added, then the odd tail: the
/// baseline's order exactly.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod fused {
    use core::arch::wasm32::*;

    /// Σ term(a_i, x_i) over pairs of lanes, then the tail, where a is
    /// `q`, or the row itself when `q` is None. One 8-byte load per pair:
    /// in wasmi that is cheaper than a 16-byte load and a shuffle (measured:
    /// SIMD speed-up 1.6x with the shuffle, 2.1x without; a hand-unrolled
    /// loop was slower again).
    #[inline(always)]
    fn sum(
        q: Option<&[f64]>,
        rb: &[u8],
        term: impl Fn(v128, v128) -> v128,
        tail: impl Fn(f64, f64) -> f64,
    ) -> f64 {
        let n = q.map_or(usize::MAX, <[f64]>::len).min(rb.len() / 4);
        let pairs = n / 2;
        // Pair k: entries 2k and 2k + 1.
        let pair = |acc: v128, k: usize| {
            debug_assert!(k < pairs);
            // SAFETY: k < pairs, so 8k + 8 ≤ 4n ≤ rb.len() and 2k + 2 ≤ n ≤
            // q.len(); v128 loads may be unaligned.
            unsafe {
                let x =
                    f64x2_promote_low_f32x4(v128_load64_zero(rb.as_ptr().add(8 * k) as *const u64));
                let a = match q {
                    Some(q) => v128_load(q.as_ptr().add(2 * k) as *const v128),
                    None => x,
                };
                f64x2_add(acc, term(a, x))
            }
        };
        let mut acc = f64x2_splat(0.0);
        for k in 0..pairs {
            acc = pair(acc, k);
        }
        let s = f64x2_extract_lane::<0>(acc) + f64x2_extract_lane::<1>(acc);
        if n % 2 == 1 {
            let i = n - 1;
            let x =
                f32::from_le_bytes([rb[4 * i], rb[4 * i + 1], rb[4 * i + 2], rb[4 * i + 3]]) as f64;
            s + tail(q.map_or(x, |q| q[i]), x)
        } else {
            s
        }
    }

    pub fn sqdist(q: &[f64], rb: &[u8]) -> f64 {
        sum(
            Some(q),
            rb,
            |a, b| {
                let d = f64x2_sub(a, b);
                f64x2_mul(d, d)
            },
            |a, b| (a - b) * (a - b),
        )
    }

    pub fn dot(q: &[f64], rb: &[u8]) -> f64 {
        sum(Some(q), rb, |a, b| f64x2_mul(a, b), |a, b| a * b)
    }

    pub fn dot_self(rb: &[u8]) -> f64 {
        sum(None, rb, |a, b| f64x2_mul(a, b), |a, b| a * b)
    }
}

/// `query`: dim × f32 little-endian bytes.
pub fn search(src: &mut impl DataSource, p: &Params, query: &[u8]) -> Result<KnnResult, Fault> {
    let (dim, count) = (src.info(info::VEC_DIM), src.info(info::VEC_COUNT));
    if dim <= 0 || count < 0 {
        return Err(Fault::new(status::MISSING_DATA, detail::NO_VECTORS));
    }
    let dim = dim as usize;
    let bad = |d| Err(Fault::new(status::BAD_PARAMS, d));
    if query.len() != dim * 4 {
        return bad(detail::QUERY_LENGTH);
    }
    if p.k == 0 {
        return bad(detail::K);
    }
    if p.metric > metric::COSINE {
        return bad(detail::METRIC);
    }
    let mut q: Vec<f64> = zeroed(dim)?;
    if !decode_f32s(query, &mut q) {
        return bad(detail::QUERY_VALUE);
    }
    let qnorm = libm::sqrt(dot(&q, &q));
    let stride = 8 + 4 * dim;
    let k = (p.k as usize).min(count as usize);
    let mut best = Best::with_capacity(k)?;
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
            let d = row_distance(p.metric, &q, qnorm, rb, &mut x)
                .ok_or(Fault::new(status::BAD_DATA, detail::NON_FINITE_VECTOR))?;
            best.offer(d, (row + j) as u32);
        }
        row += m;
    }
    Ok(KnnResult {
        hits: best.into_sorted(),
        scanned: count as u64,
    })
}

/// The k best (distance, index) pairs seen so far, as a max-heap on
/// (distance, index): the worst kept pair is at the top, so each offer is
/// O(log k) and a scan of n rows O(n log k). Distances are finite (rows
/// with a NaN or an infinity are refused), so `<` on the pairs is a total
/// order.
struct Best {
    heap: Vec<(f64, u32)>,
    k: usize,
}

impl Best {
    fn with_capacity(k: usize) -> Result<Best, Fault> {
        let mut heap = Vec::new();
        heap.try_reserve_exact(k)
            .map_err(|_| Fault::from(status::OUT_OF_MEMORY))?;
        Ok(Best { heap, k })
    }

    fn offer(&mut self, d: f64, idx: u32) {
        let h = &mut self.heap;
        if h.len() < self.k {
            h.push((d, idx));
            // Sift up.
            let mut i = h.len() - 1;
            while i > 0 {
                let parent = (i - 1) / 2;
                if h[parent] < h[i] {
                    h.swap(parent, i);
                    i = parent;
                } else {
                    break;
                }
            }
        } else if self.k > 0 && (d, idx) < h[0] {
            h[0] = (d, idx);
            sift_down(h, 0);
        }
    }

    /// (index, distance) sorted by (distance, index): heapsort in place
    /// (no general sort is linked into the module).
    fn into_sorted(mut self) -> Vec<(u32, f64)> {
        let h = &mut self.heap;
        for end in (1..h.len()).rev() {
            h.swap(0, end);
            sift_down(&mut h[..end], 0);
        }
        self.heap.into_iter().map(|(d, i)| (i, d)).collect()
    }
}

/// Restore the max-heap below `i`.
fn sift_down(h: &mut [(f64, u32)], mut i: usize) {
    loop {
        let (l, r) = (2 * i + 1, 2 * i + 2);
        let mut top = i;
        if l < h.len() && h[top] < h[l] {
            top = l;
        }
        if r < h.len() && h[top] < h[r] {
            top = r;
        }
        if top == i {
            return;
        }
        h.swap(i, top);
        i = top;
    }
}

#[cfg(test)]
mod tests {
    use super::Best;

    /// The heap keeps exactly what sorting everything and cutting at k
    /// keeps, ties by index, for every k.
    #[test]
    fn best_k_equals_sort_and_cut() {
        let mut s = 99u64;
        let rows: Vec<(f64, u32)> = (0..300u32)
            .map(|i| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1);
                (((s >> 33) % 17) as f64 - 8.0, i)
            })
            .collect();
        for k in [1usize, 2, 5, 16, 17, 299, 300] {
            let mut b = Best::with_capacity(k).unwrap();
            rows.iter().for_each(|&(d, i)| b.offer(d, i));
            let mut want = rows.clone();
            want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            want.truncate(k);
            let want: Vec<(u32, f64)> = want.into_iter().map(|(d, i)| (i, d)).collect();
            assert_eq!(b.into_sorted(), want, "k = {k}");
        }
    }
}
