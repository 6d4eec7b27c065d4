//! Where the kernel's data comes from: the `DataSource` trait (the four
//! `rvf` host functions of the ABI) and `ArraySource`, the reference
//! implementation over little-endian byte slices.
//!
//! `ArraySource` is used natively (parity tests, benchmarks) and by the
//! wasmi host to serve the imports, so "what a row read means" is defined
//! once (the JavaScript host implements the same rules, and the
//! conformance set checks that it does). It is host code: the guest kernel
//! only uses the trait. Every read is bounds-checked and returns an error code, never
//! panics; values are passed through raw (the kernel validates them).

use crate::abi::{array, info, set, status};

/// The data a solver can read: read-only, bounds-checked.
pub trait DataSource {
    /// Shape facts (`abi::info` keys); -1 when absent.
    fn info(&mut self, key: u32) -> i64;
    /// Copy bytes `[off, off + dst.len())` of an array into `dst`.
    fn read(&mut self, array: u32, off: u64, dst: &mut [u8]) -> Result<(), i32>;
    /// Row `u` of an adjacency set: returns its length; when it fits in
    /// `cols` (and `vals`, if given) the entries are copied, else nothing is.
    fn row(
        &mut self,
        set: u32,
        u: u32,
        cols: &mut [u32],
        vals: Option<&mut [f64]>,
    ) -> Result<usize, i32>;
    /// Row lengths of `ids` into `out` (same length).
    fn degrees(&mut self, set: u32, ids: &[u32], out: &mut [u32]) -> Result<(), i32>;
}

/// Arrays of a sparse system and a vector set as raw LE bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArraySource<'a> {
    /// Indexed by `abi::array` ids 0..=6.
    pub sparse: [&'a [u8]; 7],
    pub rows: i64,
    pub cols: i64,
    pub nnz: i64,
    /// The vector rows (`count × (id u64, dim × f32)`), as consecutive
    /// pieces: one per VEC segment, which together form one logical array.
    pub vectors: &'a [&'a [u8]],
    pub vec_dim: i64,
    pub vec_count: i64,
}

fn u32_at(b: &[u8], i: u64) -> Option<u32> {
    let o = usize::try_from(i.checked_mul(4)?).ok()?;
    let s = b.get(o..o.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

impl<'a> ArraySource<'a> {
    /// A source with no data (every read fails, every info is -1).
    pub fn empty() -> Self {
        ArraySource {
            rows: -1,
            cols: -1,
            nnz: -1,
            vec_dim: -1,
            vec_count: -1,
            ..Default::default()
        }
    }

    /// The bytes of a sparse array id (empty when absent or unknown).
    pub fn array(&self, id: u32) -> &'a [u8] {
        match self.sparse.get(id as usize) {
            Some(a) if id != array::VECTORS => a,
            _ => &[],
        }
    }

    /// The pieces of an array id, in order (the vector set may have many).
    fn pieces(&self, id: u32) -> &[&'a [u8]] {
        match id {
            array::VECTORS => self.vectors,
            i if (i as usize) < self.sparse.len() => {
                core::slice::from_ref(&self.sparse[i as usize])
            }
            _ => &[],
        }
    }

    /// Bytes `[off, off + len)` of an array as the sub-slices of its pieces
    /// that cover them, in order; `None` (never a short read) when the range
    /// is not wholly inside the array.
    pub fn range(
        &self,
        id: u32,
        off: u64,
        len: u64,
    ) -> Option<impl Iterator<Item = &'a [u8]> + '_> {
        let end = off.checked_add(len)?;
        let total: u64 = self.pieces(id).iter().map(|p| p.len() as u64).sum();
        if end > total {
            return None;
        }
        let mut base = 0u64;
        Some(self.pieces(id).iter().filter_map(move |p| {
            let (start, stop) = (base, base + p.len() as u64);
            base = stop;
            let (a, b) = (off.max(start), end.min(stop));
            (a < b).then(|| &p[(a - start) as usize..(b - start) as usize])
        }))
    }

    /// Raw column and value bytes of row `u` of a set.
    pub fn row_bytes(&self, which: u32, u: u32) -> Result<(&'a [u8], &'a [u8]), i32> {
        let (ptr, idx, val, n) = match which {
            set::FORWARD => (array::ROW_PTR, array::COL_IDX, array::VALUES, self.rows),
            set::TRANSPOSE => (
                array::T_COL_PTR,
                array::T_ROW_IDX,
                array::T_VALUES,
                self.cols,
            ),
            _ => return Err(status::BAD_PARAMS),
        };
        if (u as i64) >= n || self.array(ptr).is_empty() {
            return Err(status::HOST_READ);
        }
        let p = self.array(ptr);
        let (a, b) = (u32_at(p, u as u64), u32_at(p, u as u64 + 1));
        let (Some(a), Some(b)) = (a, b) else {
            return Err(status::HOST_READ);
        };
        if a > b {
            return Err(status::BAD_DATA);
        }
        // Row pointers past the index or value arrays are corrupt data.
        let (a, b) = (a as usize, b as usize);
        let cols = self.array(idx).get(a * 4..b * 4).ok_or(status::BAD_DATA)?;
        let vals = self.array(val).get(a * 8..b * 8).ok_or(status::BAD_DATA)?;
        Ok((cols, vals))
    }

    /// Length of row `u` (checked like `row_bytes`). A node whose degree
    /// forward push asks for is often pushed soon after, so the first line
    /// of its row is prefetched.
    pub fn degree(&self, which: u32, u: u32) -> Result<u32, i32> {
        let (c, _) = self.row_bytes(which, u)?;
        if let Some(first) = c.first() {
            prefetch(first);
        }
        Ok((c.len() / 4) as u32)
    }

    /// Readahead after row bytes `cols` are served: a push or walk next
    /// reads the degrees and rows of those columns, so their row-pointer
    /// entries (both directions) are prefetched. Ids out of range are
    /// skipped. On a large graph these reads are cache and TLB misses;
    /// started here, they overlap the guest's work on the row.
    pub fn prefetch_pointers(&self, cols: &[u8]) {
        for ptr in [array::ROW_PTR, array::T_COL_PTR] {
            let p = self.array(ptr);
            if p.is_empty() {
                continue;
            }
            for id in cols.chunks_exact(4) {
                let id = u32::from_le_bytes([id[0], id[1], id[2], id[3]]) as usize;
                if let Some(at) = id.checked_mul(4).and_then(|o| p.get(o)) {
                    prefetch(at);
                }
            }
        }
    }
}

/// Ask the processor to start loading the cache line holding `at`. A hint
/// only: it cannot fault and changes no result (a no-op on targets without a
/// stable prefetch intrinsic, wasm32 among them).
#[inline(always)]
#[allow(unsafe_code)]
fn prefetch(at: &u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` needs SSE, part of every x86_64 target; it reads
    // nothing architecturally, and `at` is a valid reference anyway.
    unsafe {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((at as *const u8).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

impl DataSource for ArraySource<'_> {
    fn info(&mut self, key: u32) -> i64 {
        match key {
            info::ROWS => self.rows,
            info::COLS => self.cols,
            info::NNZ => self.nnz,
            info::HAS_TRANSPOSE => !self.sparse[array::T_COL_PTR as usize].is_empty() as i64,
            info::HAS_RHS => !self.sparse[array::RHS as usize].is_empty() as i64,
            info::VEC_DIM => self.vec_dim,
            info::VEC_COUNT => self.vec_count,
            _ => -1,
        }
    }

    fn read(&mut self, id: u32, off: u64, dst: &mut [u8]) -> Result<(), i32> {
        let pieces = self
            .range(id, off, dst.len() as u64)
            .ok_or(status::HOST_READ)?;
        let mut at = 0;
        for p in pieces {
            dst[at..at + p.len()].copy_from_slice(p);
            at += p.len();
        }
        Ok(())
    }

    fn row(
        &mut self,
        which: u32,
        u: u32,
        cols: &mut [u32],
        vals: Option<&mut [f64]>,
    ) -> Result<usize, i32> {
        let (c, v) = self.row_bytes(which, u)?;
        let n = c.len() / 4;
        if n > cols.len() || vals.as_ref().is_some_and(|x| n > x.len()) {
            return Ok(n);
        }
        self.prefetch_pointers(c);
        for (d, s) in cols.iter_mut().zip(c.chunks_exact(4)) {
            *d = u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
        }
        if let Some(vals) = vals {
            for (d, s) in vals.iter_mut().zip(v.chunks_exact(8)) {
                *d = f64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]);
            }
        }
        Ok(n)
    }

    fn degrees(&mut self, which: u32, ids: &[u32], out: &mut [u32]) -> Result<(), i32> {
        if ids.len() != out.len() {
            return Err(status::BAD_PARAMS);
        }
        for (o, &u) in out.iter_mut().zip(ids) {
            *o = self.degree(which, u)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(words: &[u32]) -> alloc::vec::Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn vector_reads_span_pieces_exactly() {
        let (a, b, c) = ([1u8, 2, 3], [4u8], [5u8, 6]);
        let pieces: [&[u8]; 4] = [&a, &[], &b, &c];
        let src = ArraySource {
            vectors: &pieces,
            ..ArraySource::empty()
        };
        let mut s = src;
        for off in 0..=6u64 {
            for len in 0..=6 - off as usize {
                let mut dst = alloc::vec![0u8; len];
                s.read(array::VECTORS, off, &mut dst).unwrap();
                let want: alloc::vec::Vec<u8> =
                    (off as u8 + 1..off as u8 + 1 + len as u8).collect();
                assert_eq!(dst, want, "off {off} len {len}");
            }
        }
        let mut dst = [0u8; 2];
        assert_eq!(s.read(array::VECTORS, 5, &mut dst), Err(status::HOST_READ));
        assert_eq!(
            s.read(array::VECTORS, u64::MAX, &mut dst),
            Err(status::HOST_READ)
        );
        assert_eq!(s.read(99, 0, &mut []), Ok(()));
        assert_eq!(s.read(99, 0, &mut dst), Err(status::HOST_READ));
    }

    #[test]
    fn prefetching_hostile_ids_changes_nothing() {
        // 0 → {1, 2}, 1 → {2}, 2 → {}, with its transpose.
        let (ptr, col) = (bytes(&[0, 2, 3, 3]), bytes(&[1, 2, 2]));
        let (tptr, tcol) = (bytes(&[0, 0, 1, 3]), bytes(&[0, 0, 1]));
        let vals = alloc::vec![0u8; 24];
        let mut src = ArraySource::empty();
        src.sparse[array::ROW_PTR as usize] = &ptr;
        src.sparse[array::COL_IDX as usize] = &col;
        src.sparse[array::VALUES as usize] = &vals;
        src.sparse[array::T_COL_PTR as usize] = &tptr;
        src.sparse[array::T_ROW_IDX as usize] = &tcol;
        src.sparse[array::T_VALUES as usize] = &vals;
        (src.rows, src.cols, src.nnz) = (3, 3, 3);
        // Ids past the pointer arrays, at the u32 limit, and a ragged tail:
        // skipped, never a panic or an out-of-bounds pointer.
        let mut hostile = bytes(&[0, 3, 4, 1 << 30, u32::MAX]);
        hostile.push(7);
        src.prefetch_pointers(&hostile);
        src.prefetch_pointers(&[]);
        let mut degs = [9u32; 3];
        src.degrees(set::FORWARD, &[0, 1, 2], &mut degs).unwrap();
        assert_eq!(degs, [2, 1, 0]);
        src.degrees(set::TRANSPOSE, &[0, 1, 2], &mut degs).unwrap();
        assert_eq!(degs, [0, 1, 2]);
        let mut cols = [0u32; 4];
        assert_eq!(src.row(set::FORWARD, 0, &mut cols, None), Ok(2));
        assert_eq!(cols[..2], [1, 2]);
        assert_eq!(src.degree(set::FORWARD, 3), Err(status::HOST_READ));
    }
}
