//! Copy-in for global methods: read the whole CSR (and rhs) through the
//! host once, then validate it before any arithmetic: square, row_ptr from
//! 0, monotone, ending at nnz; every column < n; every value finite.

use crate::linalg::Csr;
use alloc::vec::Vec;
use rvf_spec::abi::{array, detail, info, status, Fault};
use rvf_spec::source::DataSource;

/// Allocate `n` zeroed elements, or OUT_OF_MEMORY. Goes through
/// `alloc_zeroed`, which the wasm allocator serves without writing when the
/// memory was never handed out before (fresh linear memory is zero).
pub fn zeroed<T: bytemuck::Zeroable>(n: usize) -> Result<Vec<T>, i32> {
    bytemuck::allocation::try_zeroed_vec(n).map_err(|()| status::OUT_OF_MEMORY)
}

/// Read a whole array of `n` little-endian `T`s, straight into the typed
/// buffer in bounded chunks (no per-element decoding on little-endian
/// targets such as wasm32).
fn read_array<T: bytemuck::Pod + LeToNative>(
    src: &mut impl DataSource,
    id: u32,
    n: usize,
) -> Result<Vec<T>, i32> {
    const CHUNK: usize = 1 << 20;
    let mut v: Vec<T> = zeroed(n)?;
    let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut v);
    for (k, chunk) in bytes.chunks_mut(CHUNK).enumerate() {
        src.read(id, (k * CHUNK) as u64, chunk)?;
    }
    if cfg!(target_endian = "big") {
        v.iter_mut().for_each(|x| *x = x.le_to_native());
    }
    Ok(v)
}

/// Little-endian to native (a no-op on little-endian targets).
pub trait LeToNative: Sized {
    fn le_to_native(self) -> Self;
}
impl LeToNative for u32 {
    fn le_to_native(self) -> Self {
        u32::from_le(self)
    }
}
impl LeToNative for f64 {
    fn le_to_native(self) -> Self {
        f64::from_bits(u64::from_le(self.to_bits()))
    }
}

/// Load and validate the square system (A, b).
pub fn load_system(src: &mut impl DataSource) -> Result<(Csr, Vec<f64>), Fault> {
    let (rows, cols, nnz) = (
        src.info(info::ROWS),
        src.info(info::COLS),
        src.info(info::NNZ),
    );
    let structure = Fault::new(status::BAD_DATA, detail::STRUCTURE);
    if rows < 0 || nnz < 0 {
        return Err(Fault::new(status::MISSING_DATA, detail::NO_MATRIX));
    }
    if rows != cols {
        return Err(Fault::new(status::BAD_DATA, detail::NOT_SQUARE));
    }
    if rows == 0 {
        return Err(structure);
    }
    if src.info(info::HAS_RHS) != 1 {
        return Err(Fault::new(status::MISSING_DATA, detail::NO_RHS));
    }
    let (n, nnz): (usize, usize) = (
        usize::try_from(rows).map_err(|_| structure)?,
        usize::try_from(nnz).map_err(|_| structure)?,
    );
    let n1 = n.checked_add(1).ok_or(structure)?;
    let row_ptr: Vec<u32> = read_array(src, array::ROW_PTR, n1)?;
    let col: Vec<u32> = read_array(src, array::COL_IDX, nnz)?;
    let val: Vec<f64> = read_array(src, array::VALUES, nnz)?;
    let b: Vec<f64> = read_array(src, array::RHS, n)?;
    if val.iter().chain(&b).any(|v| !v.is_finite()) {
        return Err(Fault::new(status::BAD_DATA, detail::NON_FINITE));
    }
    let a = Csr::new(n, row_ptr, col, val).ok_or(structure)?;
    Ok((a, b))
}
