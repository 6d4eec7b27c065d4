//! The write side's compressed sparse row matrix: built from triplets,
//! transposed, checked for symmetry and diagonal dominance, and encoded as
//! a sparse segment payload (layout owned by `loader::sparse_seg`).
//!
//! Every array sized from a row, column or entry count is reserved
//! fallibly ([`crate::inputs::memory`]): a matrix too large for memory is
//! an error saying how much it needs, never an abort. Values are checked
//! finite after duplicates are summed, so no sum that overflows reaches a
//! file `verify` would reject. Long passes report to a [`Progress`].

use crate::inputs::memory::{self, MemoryError};
use crate::inputs::progress::{tick, Progress};
use loader::sparse_seg::{flags, SparseHeader, SparseLayout};
use std::fmt;

/// CSR with u32 indices and f64 values; columns sorted within each row.
#[derive(Clone, Debug, PartialEq)]
pub struct Csr {
    pub rows: u32,
    pub cols: u32,
    pub row_ptr: Vec<u32>,
    pub col_idx: Vec<u32>,
    pub values: Vec<f64>,
}

/// Why a matrix cannot be built or encoded. Positions count from 0.
#[derive(Clone, Debug, PartialEq)]
pub enum CsrError {
    IndexOutOfRange {
        row: u32,
        col: u32,
    },
    /// A value (after summing duplicates) is NaN or infinite.
    NotFinite {
        row: u32,
        col: u32,
        value: f64,
    },
    TooManyEntries(u64),
    RhsLength {
        got: usize,
        rows: u32,
    },
    Layout(String),
    Memory(MemoryError),
}

impl fmt::Display for CsrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsrError::IndexOutOfRange { row, col } => {
                write!(f, "triplet index out of range: ({row}, {col}), counting from 0")
            }
            CsrError::NotFinite { row, col, value } => write!(
                f,
                "entry ({row}, {col}), counting from 0: value {value} (duplicates summed) is not finite"
            ),
            CsrError::TooManyEntries(n) => {
                write!(f, "more than 2^32 - 1 non-zeros ({n} entries)")
            }
            CsrError::RhsLength { got, rows } => write!(
                f,
                "right-hand side has {got} entries, matrix has {rows} rows"
            ),
            CsrError::Layout(s) => f.write_str(s),
            CsrError::Memory(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for CsrError {}

impl From<MemoryError> for CsrError {
    fn from(e: MemoryError) -> Self {
        CsrError::Memory(e)
    }
}

impl From<CsrError> for String {
    fn from(e: CsrError) -> String {
        e.to_string()
    }
}

fn put_u32(out: &mut [u8], off: u64, v: &[u32]) {
    let off = off as usize;
    for (d, x) in out[off..off + 4 * v.len()].chunks_exact_mut(4).zip(v) {
        d.copy_from_slice(&x.to_le_bytes());
    }
}

fn put_f64(out: &mut [u8], off: u64, v: &[f64]) {
    let off = off as usize;
    for (d, x) in out[off..off + 8 * v.len()].chunks_exact_mut(8).zip(v) {
        d.copy_from_slice(&x.to_le_bytes());
    }
}

impl Csr {
    /// Build from (row, col, value) triplets: sorted, duplicates summed.
    pub fn from_triplets(rows: u32, cols: u32, t: Vec<(u32, u32, f64)>) -> Result<Csr, CsrError> {
        Self::from_triplets_with(rows, cols, t, &())
    }

    /// [`Csr::from_triplets`], reporting progress. Entries are placed by a
    /// counting sort on rows, then each row is sorted by column; duplicates
    /// are summed in the order given, and each sum must be finite.
    pub fn from_triplets_with(
        rows: u32,
        cols: u32,
        t: Vec<(u32, u32, f64)>,
        p: &dyn Progress,
    ) -> Result<Csr, CsrError> {
        if let Some(&(row, col, _)) = t.iter().find(|&&(r, c, _)| r >= rows || c >= cols) {
            return Err(CsrError::IndexOutOfRange { row, col });
        }
        let e = t.len();
        if e > u32::MAX as usize {
            return Err(CsrError::TooManyEntries(e as u64));
        }
        let n = rows as usize;
        let mut row_ptr: Vec<u32> =
            memory::filled(n + 1, 0, &format!("the row pointers of {rows} rows"))?;
        let mut col_idx: Vec<u32> = memory::filled(e, 0, &format!("{e} column indices"))?;
        let mut values: Vec<f64> = memory::filled(e, 0.0, &format!("{e} values"))?;
        p.stage("counting rows", n as u64);
        for &(r, _, _) in &t {
            row_ptr[r as usize + 1] += 1;
        }
        for i in 0..n {
            row_ptr[i + 1] += row_ptr[i];
            tick(p, i as u64);
        }
        p.stage("placing entries", e as u64);
        for (k, (r, c, v)) in t.into_iter().enumerate() {
            let slot = row_ptr[r as usize] as usize;
            row_ptr[r as usize] += 1;
            col_idx[slot] = c;
            values[slot] = v;
            tick(p, k as u64);
        }
        // row_ptr[r] is now where row r ends: shift to where it starts.
        for r in (1..=n).rev() {
            row_ptr[r] = row_ptr[r - 1];
        }
        row_ptr[0] = 0;
        // Sort each row by column (ties in input order), sum duplicates and
        // compact in place; `w` is the write position.
        p.stage("sorting rows", n as u64);
        let mut scratch: Vec<(u32, u32, f64)> = Vec::new();
        let (mut w, mut start) = (0usize, 0usize);
        for r in 0..n {
            let end = row_ptr[r + 1] as usize;
            let row_start = w;
            if col_idx[start..end].windows(2).all(|x| x[0] < x[1]) {
                col_idx.copy_within(start..end, w);
                values.copy_within(start..end, w);
                w += end - start;
            } else {
                scratch.clear();
                memory::grow(&mut scratch, end - start, "a row's entries")?;
                scratch.extend((start..end).map(|k| (col_idx[k], (k - start) as u32, values[k])));
                scratch.sort_unstable_by_key(|&(c, k, _)| (c, k));
                for &(c, _, v) in &scratch {
                    if w > row_start && col_idx[w - 1] == c {
                        values[w - 1] += v;
                    } else {
                        col_idx[w] = c;
                        values[w] = v;
                        w += 1;
                    }
                }
            }
            if let Some(k) = (row_start..w).find(|&k| !values[k].is_finite()) {
                return Err(CsrError::NotFinite {
                    row: r as u32,
                    col: col_idx[k],
                    value: values[k],
                });
            }
            start = end;
            row_ptr[r + 1] = w as u32;
            tick(p, r as u64);
        }
        if w < e {
            col_idx.truncate(w);
            values.truncate(w);
            col_idx.shrink_to_fit();
            values.shrink_to_fit();
        }
        Ok(Csr {
            rows,
            cols,
            row_ptr,
            col_idx,
            values,
        })
    }

    pub fn nnz(&self) -> usize {
        self.col_idx.len()
    }

    /// Column pointers of the transpose (counts of each column, summed).
    fn column_pointers(&self) -> Result<Vec<u32>, CsrError> {
        let what = format!("the column pointers of {} columns", self.cols);
        let mut ptr: Vec<u32> = memory::filled(self.cols as usize + 1, 0, &what)?;
        for &c in &self.col_idx {
            ptr[c as usize + 1] += 1;
        }
        for i in 0..self.cols as usize {
            ptr[i + 1] += ptr[i];
        }
        Ok(ptr)
    }

    /// Visit every entry as (row, col, index into col_idx/values), rows in order.
    fn for_each_entry(&self, mut f: impl FnMut(usize, usize, usize)) {
        for r in 0..self.rows as usize {
            for k in self.row_ptr[r] as usize..self.row_ptr[r + 1] as usize {
                f(r, self.col_idx[k] as usize, k);
            }
        }
    }

    /// The transpose, in CSR form (rows of Aᵀ = columns of A), rows sorted.
    pub fn transpose(&self) -> Result<Csr, CsrError> {
        let ptr = self.column_pointers()?;
        let mut next = memory::with_capacity(ptr.len(), "the transpose's cursors")?;
        next.extend_from_slice(&ptr);
        let mut idx: Vec<u32> = memory::filled(self.nnz(), 0, "the transpose's row indices")?;
        let mut val: Vec<f64> = memory::filled(self.nnz(), 0.0, "the transpose's values")?;
        self.for_each_entry(|r, c, k| {
            let slot = next[c] as usize;
            idx[slot] = r as u32;
            val[slot] = self.values[k];
            next[c] += 1;
        });
        Ok(Csr {
            rows: self.cols,
            cols: self.rows,
            row_ptr: ptr,
            col_idx: idx,
            values: val,
        })
    }

    /// Exactly symmetric (bitwise equal values at mirrored positions);
    /// false when the check cannot get the memory it needs.
    pub fn is_symmetric(&self) -> bool {
        self.symmetric(&()).unwrap_or(false)
    }

    /// Exactly symmetric, checked with one cursor per row (4 bytes a row)
    /// rather than a whole transpose: visiting rows in order, entry (r, c)
    /// must meet (c, r) next in row c, with the same bits.
    pub fn symmetric(&self, p: &dyn Progress) -> Result<bool, CsrError> {
        if self.rows != self.cols {
            return Ok(false);
        }
        let n = self.rows as usize;
        let mut next: Vec<u32> = memory::with_capacity(n, "the symmetry check's cursors")?;
        next.extend_from_slice(&self.row_ptr[..n]);
        p.stage("checking symmetry", n as u64);
        for r in 0..n {
            for k in self.row_ptr[r] as usize..self.row_ptr[r + 1] as usize {
                let c = self.col_idx[k] as usize;
                let q = next[c] as usize;
                if q >= self.row_ptr[c + 1] as usize
                    || self.col_idx[q] as usize != r
                    || self.values[q].to_bits() != self.values[k].to_bits()
                {
                    return Ok(false);
                }
                next[c] += 1;
            }
            tick(p, r as u64);
        }
        Ok((0..n).all(|c| next[c] == self.row_ptr[c + 1]))
    }

    /// The relative diagonal-dominance margin, computed by the rule the
    /// kernel enforces (`rvf_spec::rules::dominance_margin`); `None` when not
    /// square, empty, or some diagonal is zero. Positive means strictly
    /// dominant.
    pub fn dominance_margin(&self) -> Option<f64> {
        if self.rows != self.cols || self.rows == 0 {
            return None;
        }
        let rows = self.row_ptr.windows(2).map(|w| {
            let (a, b) = (w[0] as usize, w[1] as usize);
            (&self.col_idx[a..b], &self.values[a..b])
        });
        let m = rvf_spec::rules::dominance_margin(rows);
        (m != f64::NEG_INFINITY).then_some(m)
    }

    /// Encode as a sparse segment payload (header + 64-aligned arrays).
    pub fn encode_segment(
        &self,
        rhs: Option<&[f64]>,
        with_transpose: bool,
    ) -> Result<Vec<u8>, CsrError> {
        self.encode_segment_with(rhs, with_transpose, &())
    }

    /// [`Csr::encode_segment`], reporting progress. The transpose is
    /// written straight into the payload (one cursor array beside it).
    pub fn encode_segment_with(
        &self,
        rhs: Option<&[f64]>,
        with_transpose: bool,
        p: &dyn Progress,
    ) -> Result<Vec<u8>, CsrError> {
        if let Some(b) = rhs {
            if b.len() != self.rows as usize {
                return Err(CsrError::RhsLength {
                    got: b.len(),
                    rows: self.rows,
                });
            }
        }
        let mut fl = 0;
        if self.symmetric(p)? {
            fl |= flags::SYMMETRIC;
        }
        if with_transpose {
            fl |= flags::HAS_TRANSPOSE;
        }
        if rhs.is_some() {
            fl |= flags::HAS_RHS;
        }
        let margin = self.dominance_margin();
        if margin.is_some() {
            fl |= flags::DOMINANCE_KNOWN;
        }
        let header = SparseHeader {
            rows: self.rows as u64,
            cols: self.cols as u64,
            nnz: self.nnz() as u64,
            flags: fl,
            dominance_margin: margin.unwrap_or(0.0),
        };
        let layout = SparseLayout::compute(&header).map_err(|e| CsrError::Layout(e.to_string()))?;
        let what = format!(
            "the sparse segment of a {} × {} matrix with {} entries",
            self.rows,
            self.cols,
            self.nnz()
        );
        let total = usize::try_from(layout.total).map_err(|_| MemoryError {
            what: what.clone(),
            bytes: layout.total,
            available: None,
        })?;
        let mut out: Vec<u8> = memory::filled(total, 0, &what)?;
        p.stage("encoding the sparse segment", 4);
        out[..64].copy_from_slice(&header.encode());
        let at = |slot: usize| layout.arrays[slot].0;
        put_u32(&mut out, at(0), &self.row_ptr);
        put_u32(&mut out, at(1), &self.col_idx);
        p.at(1);
        put_f64(&mut out, at(2), &self.values);
        p.at(2);
        if let Some(b) = rhs {
            put_f64(&mut out, at(3), b);
        }
        p.at(3);
        if with_transpose {
            let mut next = self.column_pointers()?;
            put_u32(&mut out, at(4), &next);
            p.stage("writing the transpose", self.nnz() as u64);
            let (ri, rv) = (at(5) as usize, at(6) as usize);
            let mut done = 0u64;
            self.for_each_entry(|r, c, k| {
                let slot = next[c] as usize;
                out[ri + 4 * slot..ri + 4 * slot + 4].copy_from_slice(&(r as u32).to_le_bytes());
                out[rv + 8 * slot..rv + 8 * slot + 8]
                    .copy_from_slice(&self.values[k].to_le_bytes());
                next[c] += 1;
                done += 1;
                tick(p, done);
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> u32 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 33) as u32
    }

    #[test]
    fn dominance_margin_by_hand() {
        // Row 0: (4 - 1) / 4 = 0.75; row 1 (its diagonal given twice,
        // summed): (5 - 1) / 5 = 0.8.
        let a = Csr::from_triplets(
            2,
            2,
            vec![
                (0, 0, 4.0),
                (0, 1, -1.0),
                (1, 0, -1.0),
                (1, 1, 5.0),
                (1, 1, 0.0),
            ],
        )
        .unwrap();
        assert_eq!(a.dominance_margin(), Some(0.75));
        let b = Csr::from_triplets(2, 2, vec![(0, 0, 2.0), (0, 1, 3.0), (1, 1, -2.0)]).unwrap();
        assert_eq!(b.dominance_margin(), Some(-0.5));
        let zero = Csr::from_triplets(2, 2, vec![(0, 1, 1.0), (1, 1, 1.0)]).unwrap();
        assert_eq!(zero.dominance_margin(), None);
        let rect = Csr::from_triplets(2, 3, vec![(0, 0, 1.0)]).unwrap();
        assert_eq!(rect.dominance_margin(), None);
    }

    #[test]
    fn duplicates_are_summed_in_input_order_and_must_stay_finite() {
        let a = Csr::from_triplets(
            2,
            3,
            vec![(1, 2, 1.0), (0, 1, 2.0), (1, 0, 3.0), (0, 1, 4.0)],
        )
        .unwrap();
        assert_eq!(
            (a.row_ptr, a.col_idx, a.values),
            (vec![0, 1, 3], vec![1, 0, 2], vec![6.0, 3.0, 1.0])
        );
        // Each finite, the sum not: refused with its position.
        let e = Csr::from_triplets(2, 2, vec![(1, 0, f64::MAX), (0, 0, 1.0), (1, 0, f64::MAX)])
            .unwrap_err();
        assert!(
            matches!(e, CsrError::NotFinite { row: 1, col: 0, value } if value == f64::INFINITY),
            "{e}"
        );
        assert!(Csr::from_triplets(2, 2, vec![(2, 0, 1.0)]).is_err());
    }

    #[test]
    fn symmetry_transpose_and_encoding_agree_with_a_plain_transpose() {
        let mut seed = 7;
        let t: Vec<_> = (0..400)
            .map(|_| {
                (
                    lcg(&mut seed) % 30,
                    lcg(&mut seed) % 20,
                    (lcg(&mut seed) % 9) as f64 - 4.0,
                )
            })
            .collect();
        let a = Csr::from_triplets(30, 20, t).unwrap();
        let at = a.transpose().unwrap();
        let back = at.transpose().unwrap();
        assert_eq!(back, a);
        let pl = a.encode_segment(None, true).unwrap();
        let h = SparseHeader {
            rows: 30,
            cols: 20,
            nnz: a.nnz() as u64,
            flags: flags::HAS_TRANSPOSE,
            dominance_margin: 0.0,
        };
        let l = SparseLayout::compute(&h).unwrap();
        let mut want = vec![0u8; l.total as usize];
        put_u32(&mut want, l.arrays[4].0, &at.row_ptr);
        put_u32(&mut want, l.arrays[5].0, &at.col_idx);
        put_f64(&mut want, l.arrays[6].0, &at.values);
        assert_eq!(pl[l.arrays[4].0 as usize..], want[l.arrays[4].0 as usize..]);
        assert!(!a.is_symmetric());
        // A + Aᵀ-shaped square matrix is symmetric; one changed bit is not.
        let sq: Vec<_> = (0..200)
            .map(|_| (lcg(&mut seed) % 25, lcg(&mut seed) % 25, 1.5))
            .collect();
        let mut both = sq.clone();
        both.extend(sq.iter().map(|&(r, c, v)| (c, r, v)));
        let s = Csr::from_triplets(25, 25, both).unwrap();
        assert!(s.symmetric(&()).unwrap());
        let mut s2 = s.clone();
        let row_of = |k: usize| s.row_ptr.iter().rposition(|&p| p as usize <= k).unwrap();
        let k = (0..s.nnz())
            .find(|&k| s.col_idx[k] as usize != row_of(k))
            .unwrap();
        s2.values[k] = f64::from_bits(s2.values[k].to_bits() ^ 1);
        assert!(!s2.is_symmetric());
        let e = a
            .encode_segment(Some(&[1.0]), false)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "right-hand side has 1 entries, matrix has 30 rows");
    }
}
