//! Copy-in for global methods: read the whole CSR (and rhs) through the
//! host once, then validate it before any arithmetic: square, row_ptr from
//! 0, monotone, ending at nnz; every column < n; every value finite.

use crate::abi::{array, info, status};
use crate::linalg::Csr;
use crate::source::DataSource;
use alloc::vec::Vec;

/// Allocate `n` zeroed elements, or OUT_OF_MEMORY.
pub fn zeroed<T: Copy + Default>(n: usize) -> Result<Vec<T>, i32> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| status::OUT_OF_MEMORY)?;
    v.resize(n, T::default());
    Ok(v)
}

/// Read a whole array of `n` little-endian `T`s.
fn read_array<T: Copy + Default + FromLeBytes>(
    src: &mut impl DataSource,
    id: u32,
    n: usize,
) -> Result<Vec<T>, i32> {
    let size = core::mem::size_of::<T>();
    let mut v: Vec<T> = zeroed(n)?;
    let bytes = n.checked_mul(size).ok_or(status::BAD_DATA)?;
    // Read in bounded chunks straight into the typed buffer.
    const CHUNK: usize = 1 << 20;
    let mut buf: Vec<u8> = zeroed(bytes.min(CHUNK))?;
    let mut done = 0usize;
    while done < bytes {
        let len = (bytes - done).min(CHUNK);
        src.read(id, done as u64, &mut buf[..len])?;
        for (k, chunk) in buf[..len].chunks_exact(size).enumerate() {
            v[done / size + k] = T::from_le(chunk);
        }
        done += len;
    }
    Ok(v)
}

pub trait FromLeBytes {
    fn from_le(b: &[u8]) -> Self;
}
impl FromLeBytes for u32 {
    fn from_le(b: &[u8]) -> Self {
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
}
impl FromLeBytes for f64 {
    fn from_le(b: &[u8]) -> Self {
        f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    }
}

/// Load and validate the square system (A, b).
pub fn load_system(src: &mut impl DataSource) -> Result<(Csr, Vec<f64>), i32> {
    let (rows, cols, nnz) = (
        src.info(info::ROWS),
        src.info(info::COLS),
        src.info(info::NNZ),
    );
    if rows < 0 || nnz < 0 {
        return Err(status::MISSING_DATA);
    }
    if rows != cols || rows == 0 {
        return Err(status::BAD_DATA);
    }
    if src.info(info::HAS_RHS) != 1 {
        return Err(status::MISSING_DATA);
    }
    let (n, nnz) = (
        usize::try_from(rows).map_err(|_| status::BAD_DATA)?,
        usize::try_from(nnz).map_err(|_| status::BAD_DATA)?,
    );
    let row_ptr: Vec<u32> = read_array(src, array::ROW_PTR, n + 1)?;
    if row_ptr[0] != 0 || row_ptr[n] as usize != nnz || row_ptr.windows(2).any(|w| w[1] < w[0]) {
        return Err(status::BAD_DATA);
    }
    let col: Vec<u32> = read_array(src, array::COL_IDX, nnz)?;
    if col.iter().any(|&c| c as usize >= n) {
        return Err(status::BAD_DATA);
    }
    let val: Vec<f64> = read_array(src, array::VALUES, nnz)?;
    let b: Vec<f64> = read_array(src, array::RHS, n)?;
    if val.iter().chain(&b).any(|v| !v.is_finite()) {
        return Err(status::BAD_DATA);
    }
    Ok((
        Csr {
            n,
            row_ptr,
            col,
            val,
        },
        b,
    ))
}
