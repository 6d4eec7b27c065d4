//! The sparse linear-system segment (type 0x24, rvf-boot's own; see
//! `docs/FORMAT.md`): a 64-byte header, then raw little-endian arrays, each
//! starting 64-byte aligned within the payload.
//!
//! The layout is a pure function of (rows, cols, nnz, flags); the payload
//! length must match it exactly. Opening is O(1): only the header is read.
//! `validate` is the O(nnz) pass (monotone row_ptr, column < cols, finite
//! values, transpose consistent) that `verify` and global methods run.

use crate::bytes::{align64, f64_at, range, u32_at, u64_at};
use crate::error::{Error, PayloadKind, Result};
use alloc::borrow::Cow;
use alloc::vec::Vec;
use rvf_spec::sparse::{self as spec, at};

pub const SPARSE_MAGIC: [u8; 4] = spec::MAGIC;
pub const SPARSE_VERSION: u16 = spec::VERSION;
pub const SPARSE_HEADER_LEN: u64 = spec::HEADER_LEN as u64;
pub const VALUE_F64: u8 = spec::VALUE_F64;
pub const INDEX_U32: u8 = spec::INDEX_U32;

/// Header flag bits (`rvf_spec::sparse::flags`).
pub use rvf_spec::sparse::flags;

fn bad(what: &'static str) -> Error {
    Error::BadPayload {
        kind: PayloadKind::Sparse,
        what,
    }
}
fn overflow(what: &'static str) -> Error {
    Error::CountOverflow {
        kind: PayloadKind::Sparse,
        what,
    }
}

/// Which array of the segment; its value is its ABI array id and its
/// position in the payload (`rvf_spec::sparse::ARRAYS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum SparseArray {
    RowPtr = 0,
    ColIdx = 1,
    Values = 2,
    Rhs = 3,
    TColPtr = 4,
    TRowIdx = 5,
    TValues = 6,
}

impl SparseArray {
    pub const ALL: [SparseArray; 7] = [
        SparseArray::RowPtr,
        SparseArray::ColIdx,
        SparseArray::Values,
        SparseArray::Rhs,
        SparseArray::TColPtr,
        SparseArray::TRowIdx,
        SparseArray::TValues,
    ];
    pub fn from_u32(v: u32) -> Option<Self> {
        Self::ALL.get(v as usize).copied()
    }
    pub fn name(self) -> &'static str {
        spec::ARRAYS[self as usize].0
    }
}

// Each variant is the array of the same position and id in the spec.
const _: () = {
    let mut i = 0;
    while i < SparseArray::ALL.len() {
        assert!(SparseArray::ALL[i] as u32 == spec::ARRAYS[i].1);
        i += 1;
    }
    assert!(SparseArray::ALL.len() == spec::ARRAYS.len());
};

/// Shape fields of the header.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SparseHeader {
    pub rows: u64,
    pub cols: u64,
    pub nnz: u64,
    pub flags: u32,
    pub dominance_margin: f64,
}

/// Byte ranges (offset, length) of each array within the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SparseLayout {
    pub arrays: [(u64, u64); 7],
    pub total: u64,
}

impl SparseLayout {
    /// Compute the layout with checked arithmetic. Index arrays are u32, so
    /// rows, cols and nnz must each fit in u32.
    pub fn compute(h: &SparseHeader) -> Result<SparseLayout> {
        if h.rows > u32::MAX as u64 - 1 || h.cols > u32::MAX as u64 - 1 || h.nnz > u32::MAX as u64 {
            return Err(overflow("rows/cols/nnz beyond u32 indices"));
        }
        let has_t = h.flags & flags::HAS_TRANSPOSE != 0;
        let has_rhs = h.flags & flags::HAS_RHS != 0;
        let lens = [
            (h.rows + 1) * 4,
            h.nnz * 4,
            h.nnz * 8,
            if has_rhs { h.rows * 8 } else { 0 },
            if has_t { (h.cols + 1) * 4 } else { 0 },
            if has_t { h.nnz * 4 } else { 0 },
            if has_t { h.nnz * 8 } else { 0 },
        ];
        let mut arrays = [(0u64, 0u64); 7];
        let mut pos = SPARSE_HEADER_LEN;
        let mut total = pos;
        for (slot, len) in arrays.iter_mut().zip(lens) {
            if len == 0 {
                *slot = (pos, 0);
                continue;
            }
            *slot = (pos, len);
            total = pos.checked_add(len).ok_or(overflow("array end"))?;
            pos = align64(total).ok_or(overflow("array alignment"))?;
        }
        Ok(SparseLayout { arrays, total })
    }
}

impl SparseHeader {
    /// The 64 header bytes (offsets: `rvf_spec::sparse::at`).
    pub fn encode(&self) -> [u8; spec::HEADER_LEN] {
        let mut b = [0u8; spec::HEADER_LEN];
        let mut put = |o: usize, v: &[u8]| b[o..o + v.len()].copy_from_slice(v);
        put(0, &SPARSE_MAGIC);
        put(at::VERSION, &SPARSE_VERSION.to_le_bytes());
        put(at::VALUE_TYPE, &[VALUE_F64]);
        put(at::INDEX_TYPE, &[INDEX_U32]);
        put(at::ROWS, &self.rows.to_le_bytes());
        put(at::COLS, &self.cols.to_le_bytes());
        put(at::NNZ, &self.nnz.to_le_bytes());
        put(at::FLAGS, &self.flags.to_le_bytes());
        put(at::DOMINANCE_MARGIN, &self.dominance_margin.to_le_bytes());
        b
    }

    pub fn decode(p: &[u8]) -> Result<SparseHeader> {
        let h = range(p, 0, SPARSE_HEADER_LEN).ok_or(bad("shorter than the 64-byte header"))?;
        if h[..SPARSE_MAGIC.len()] != SPARSE_MAGIC {
            return Err(bad("bad magic (expected \"RVSP\")"));
        }
        if h[at::VERSION..at::VERSION + 2] != SPARSE_VERSION.to_le_bytes() {
            return Err(bad("unsupported version"));
        }
        if h[at::VALUE_TYPE] != VALUE_F64 || h[at::INDEX_TYPE] != INDEX_U32 {
            return Err(bad(
                "unsupported value/index type (need f64 values, u32 indices)",
            ));
        }
        let flags = u32_at(h, at::FLAGS as u64).unwrap_or(0);
        if flags & !flags::KNOWN != 0 {
            return Err(bad("unknown flag bits"));
        }
        if u32_at(h, at::RESERVED as u64) != Some(0)
            || h[at::RESERVED_TAIL..].iter().any(|&b| b != 0)
        {
            return Err(bad("reserved header bytes are not zero"));
        }
        Ok(SparseHeader {
            rows: u64_at(h, at::ROWS as u64).unwrap_or(0),
            cols: u64_at(h, at::COLS as u64).unwrap_or(0),
            nnz: u64_at(h, at::NNZ as u64).unwrap_or(0),
            flags,
            dominance_margin: f64_at(h, at::DOMINANCE_MARGIN as u64).unwrap_or(0.0),
        })
    }
}

/// A zero-copy view of a sparse segment payload.
#[derive(Clone, Copy, Debug)]
pub struct SparseMatrix<'a> {
    pub header: SparseHeader,
    pub layout: SparseLayout,
    payload: &'a [u8],
}

impl<'a> SparseMatrix<'a> {
    /// O(1): decode the header and check the payload length matches the layout.
    pub fn parse(payload: &'a [u8]) -> Result<Self> {
        let header = SparseHeader::decode(payload)?;
        let layout = SparseLayout::compute(&header)?;
        if layout.total != payload.len() as u64 {
            return Err(bad("payload length does not match the array layout"));
        }
        Ok(SparseMatrix {
            header,
            layout,
            payload,
        })
    }

    pub fn has(&self, flag: u32) -> bool {
        self.header.flags & flag != 0
    }

    /// Raw little-endian bytes of one array (empty if absent).
    pub fn array_bytes(&self, a: SparseArray) -> &'a [u8] {
        let (off, len) = self.layout.arrays[a as usize];
        range(self.payload, off, len).unwrap_or(&[])
    }

    /// Element size of an array in bytes.
    pub fn elem_size(a: SparseArray) -> usize {
        match a {
            SparseArray::RowPtr
            | SparseArray::ColIdx
            | SparseArray::TColPtr
            | SparseArray::TRowIdx => 4,
            _ => 8,
        }
    }

    /// Typed u32 array: borrowed when aligned on a little-endian host, else copied.
    pub fn u32s(&self, a: SparseArray) -> Cow<'a, [u32]> {
        le_slice(self.array_bytes(a))
    }
    /// Typed f64 array: borrowed when aligned on a little-endian host, else copied.
    pub fn f64s(&self, a: SparseArray) -> Cow<'a, [f64]> {
        le_slice(self.array_bytes(a))
    }

    /// The O(nnz) structural check: row_ptr starts at 0, is monotone and ends
    /// at nnz; every column index < cols; every value (and rhs) finite; the
    /// transpose, when present, is exactly the transpose.
    pub fn validate(&self) -> Result<()> {
        let (rows, cols, nnz) = (self.header.rows, self.header.cols, self.header.nnz);
        check_csr(
            &self.u32s(SparseArray::RowPtr),
            &self.u32s(SparseArray::ColIdx),
            nnz,
            cols,
        )?;
        if self
            .f64s(SparseArray::Values)
            .iter()
            .any(|v| !v.is_finite())
        {
            return Err(bad("non-finite value"));
        }
        if self.f64s(SparseArray::Rhs).iter().any(|v| !v.is_finite()) {
            return Err(bad("non-finite right-hand side"));
        }
        if self.has(flags::HAS_TRANSPOSE) {
            let tp = self.u32s(SparseArray::TColPtr);
            let ti = self.u32s(SparseArray::TRowIdx);
            check_csr(&tp, &ti, nnz, rows)?;
            let tv = self.f64s(SparseArray::TValues);
            // Transpose the forward CSR with a counting pass and compare.
            let rp = self.u32s(SparseArray::RowPtr);
            let ci = self.u32s(SparseArray::ColIdx);
            let v = self.f64s(SparseArray::Values);
            let mut next: Vec<u32> = tp[..cols as usize].to_vec();
            for r in 0..rows as usize {
                for k in rp[r] as usize..rp[r + 1] as usize {
                    let c = ci[k] as usize;
                    let slot = next[c] as usize;
                    if slot >= tp[c + 1] as usize
                        || ti[slot] as usize != r
                        || tv[slot].to_bits() != v[k].to_bits()
                    {
                        return Err(bad("stored transpose is not the transpose of the matrix"));
                    }
                    next[c] += 1;
                }
            }
        }
        Ok(())
    }
}

fn check_csr(ptr: &[u32], idx: &[u32], nnz: u64, bound: u64) -> Result<()> {
    if ptr.first() != Some(&0) {
        return Err(bad("row_ptr does not start at 0"));
    }
    if ptr.windows(2).any(|w| w[1] < w[0]) {
        return Err(bad("row_ptr is not monotone"));
    }
    if ptr.last().map(|&x| x as u64) != Some(nnz) {
        return Err(bad("row_ptr does not end at nnz"));
    }
    if idx.iter().any(|&c| c as u64 >= bound) {
        return Err(bad("column index out of range"));
    }
    Ok(())
}

/// Reinterpret little-endian bytes as `[T]`, zero-copy where possible.
pub fn le_slice<'a, T: bytemuck::Pod + FromLe>(b: &'a [u8]) -> Cow<'a, [T]> {
    #[cfg(target_endian = "little")]
    if let Ok(s) = bytemuck::try_cast_slice(b) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        b.chunks_exact(core::mem::size_of::<T>())
            .map(T::from_le)
            .collect(),
    )
}

/// Decoding one element from little-endian bytes.
pub trait FromLe: Sized {
    fn from_le(b: &[u8]) -> Self;
}
impl FromLe for u32 {
    fn from_le(b: &[u8]) -> Self {
        u32::from_le_bytes(b.try_into().unwrap_or([0; 4]))
    }
}
impl FromLe for f64 {
    fn from_le(b: &[u8]) -> Self {
        f64::from_le_bytes(b.try_into().unwrap_or([0; 8]))
    }
}
