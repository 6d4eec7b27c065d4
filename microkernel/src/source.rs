//! Where the kernel's data comes from: the `DataSource` trait (the four
//! `rvf` host functions of the ABI) and `ArraySource`, the reference
//! implementation over little-endian byte slices.
//!
//! `ArraySource` is used natively (parity tests, benchmarks) and by the
//! wasmi host to serve the imports, so "what a row read means" is defined
//! once. Every read is bounds-checked and returns an error code, never
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

/// Arrays of a sparse system and a vector segment as raw LE bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArraySource<'a> {
    /// Indexed by `abi::array` ids 0..=6.
    pub sparse: [&'a [u8]; 7],
    pub rows: i64,
    pub cols: i64,
    pub nnz: i64,
    pub vectors: &'a [u8],
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

    /// The bytes of an array id (empty when absent or unknown).
    pub fn array(&self, id: u32) -> &'a [u8] {
        match id {
            array::VECTORS => self.vectors,
            i if (i as usize) < 7 => self.sparse[i as usize],
            _ => &[],
        }
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
        let (a, b) = (a as usize, b as usize);
        let cols = self.array(idx).get(a * 4..b * 4).ok_or(status::HOST_READ)?;
        let vals = self.array(val).get(a * 8..b * 8).ok_or(status::HOST_READ)?;
        Ok((cols, vals))
    }

    /// Length of row `u` (checked like `row_bytes`).
    pub fn degree(&self, which: u32, u: u32) -> Result<u32, i32> {
        self.row_bytes(which, u).map(|(c, _)| (c.len() / 4) as u32)
    }
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
        let a = self.array(id);
        let start = usize::try_from(off).map_err(|_| status::HOST_READ)?;
        let end = start.checked_add(dst.len()).ok_or(status::HOST_READ)?;
        dst.copy_from_slice(a.get(start..end).ok_or(status::HOST_READ)?);
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
