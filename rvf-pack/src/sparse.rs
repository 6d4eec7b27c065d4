//! The write side's compressed sparse row matrix: built from triplets,
//! transposed, checked for symmetry and diagonal dominance, and encoded as
//! a sparse segment payload (layout owned by `loader::sparse_seg`).

use loader::sparse_seg::{flags, SparseHeader, SparseLayout};

/// CSR with u32 indices and f64 values; columns sorted within each row.
#[derive(Clone, Debug, PartialEq)]
pub struct Csr {
    pub rows: u32,
    pub cols: u32,
    pub row_ptr: Vec<u32>,
    pub col_idx: Vec<u32>,
    pub values: Vec<f64>,
}

impl Csr {
    /// Build from (row, col, value) triplets: sorted, duplicates summed.
    pub fn from_triplets(rows: u32, cols: u32, mut t: Vec<(u32, u32, f64)>) -> Result<Csr, String> {
        if t.iter().any(|&(r, c, _)| r >= rows || c >= cols) {
            return Err("triplet index out of range".into());
        }
        t.sort_by_key(|&(r, c, _)| (r, c));
        let mut row_ptr = vec![0u32; rows as usize + 1];
        let mut col_idx: Vec<u32> = Vec::with_capacity(t.len());
        let mut values: Vec<f64> = Vec::with_capacity(t.len());
        let mut last: Option<(u32, u32)> = None;
        for (r, c, v) in t {
            if last == Some((r, c)) {
                *values.last_mut().expect("a previous entry exists") += v;
                continue;
            }
            last = Some((r, c));
            col_idx.push(c);
            values.push(v);
            row_ptr[r as usize + 1] += 1;
        }
        if col_idx.len() > u32::MAX as usize {
            return Err("more than 2^32 - 1 non-zeros".into());
        }
        for i in 0..rows as usize {
            row_ptr[i + 1] += row_ptr[i];
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

    /// The transpose, in CSR form (rows of Aᵀ = columns of A), rows sorted.
    pub fn transpose(&self) -> Csr {
        let mut ptr = vec![0u32; self.cols as usize + 1];
        for &c in &self.col_idx {
            ptr[c as usize + 1] += 1;
        }
        for i in 0..self.cols as usize {
            ptr[i + 1] += ptr[i];
        }
        let mut next = ptr.clone();
        let mut idx = vec![0u32; self.nnz()];
        let mut val = vec![0f64; self.nnz()];
        for r in 0..self.rows as usize {
            for k in self.row_ptr[r] as usize..self.row_ptr[r + 1] as usize {
                let c = self.col_idx[k] as usize;
                let slot = next[c] as usize;
                idx[slot] = r as u32;
                val[slot] = self.values[k];
                next[c] += 1;
            }
        }
        Csr {
            rows: self.cols,
            cols: self.rows,
            row_ptr: ptr,
            col_idx: idx,
            values: val,
        }
    }

    /// Exactly symmetric (bitwise equal values at mirrored positions).
    pub fn is_symmetric(&self) -> bool {
        if self.rows != self.cols {
            return false;
        }
        let t = self.transpose();
        t.row_ptr == self.row_ptr
            && t.col_idx == self.col_idx
            && t.values
                .iter()
                .zip(&self.values)
                .all(|(a, b)| a.to_bits() == b.to_bits())
    }

    /// min over rows of (|a_ii| - Σ_{j≠i} |a_ij|) / |a_ii|; `None` when not
    /// square or some diagonal is zero. Positive means strictly dominant.
    pub fn dominance_margin(&self) -> Option<f64> {
        if self.rows != self.cols || self.rows == 0 {
            return None;
        }
        let mut margin = f64::INFINITY;
        for r in 0..self.rows as usize {
            let (mut diag, mut off) = (0.0f64, 0.0f64);
            for k in self.row_ptr[r] as usize..self.row_ptr[r + 1] as usize {
                if self.col_idx[k] as usize == r {
                    diag += self.values[k].abs();
                } else {
                    off += self.values[k].abs();
                }
            }
            if diag == 0.0 {
                return None;
            }
            margin = margin.min((diag - off) / diag);
        }
        Some(margin)
    }

    /// Encode as a sparse segment payload (header + 64-aligned arrays).
    pub fn encode_segment(
        &self,
        rhs: Option<&[f64]>,
        with_transpose: bool,
    ) -> Result<Vec<u8>, String> {
        if let Some(b) = rhs {
            if b.len() != self.rows as usize {
                return Err(format!(
                    "right-hand side has {} entries, matrix has {} rows",
                    b.len(),
                    self.rows
                ));
            }
        }
        let mut fl = 0;
        if self.is_symmetric() {
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
        let layout = SparseLayout::compute(&header).map_err(|e| e.to_string())?;
        let mut out = vec![0u8; layout.total as usize];
        out[..64].copy_from_slice(&header.encode());
        let put_u32 = |out: &mut Vec<u8>, slot: usize, v: &[u32]| {
            let off = layout.arrays[slot].0 as usize;
            for (i, x) in v.iter().enumerate() {
                out[off + 4 * i..off + 4 * i + 4].copy_from_slice(&x.to_le_bytes());
            }
        };
        let put_f64 = |out: &mut Vec<u8>, slot: usize, v: &[f64]| {
            let off = layout.arrays[slot].0 as usize;
            for (i, x) in v.iter().enumerate() {
                out[off + 8 * i..off + 8 * i + 8].copy_from_slice(&x.to_le_bytes());
            }
        };
        put_u32(&mut out, 0, &self.row_ptr);
        put_u32(&mut out, 1, &self.col_idx);
        put_f64(&mut out, 2, &self.values);
        if let Some(b) = rhs {
            put_f64(&mut out, 3, b);
        }
        if with_transpose {
            let t = self.transpose();
            put_u32(&mut out, 4, &t.row_ptr);
            put_u32(&mut out, 5, &t.col_idx);
            put_f64(&mut out, 6, &t.values);
        }
        Ok(out)
    }
}
