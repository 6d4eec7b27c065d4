//! The VEC payload in the runtime row layout that `rvf-runtime` 0.5.0
//! reads: `dim u16, count u32`, then `count × (id u64, dim × f32)`, all
//! little-endian. Rows start at byte 6 with a stride of
//! `ID_LEN + VALUE_LEN · dim`, so values are not 4-byte aligned.
//! `loader::vec_seg` reads by these; the JS host reads them from the
//! generated facts.

/// The header's length; the rows follow it.
pub const HEADER_LEN: usize = 6;

/// Byte offsets in the header.
pub mod at {
    pub const DIM: usize = 0;
    pub const COUNT: usize = 2;
}

/// A row's id (u64), before its values.
pub const ID_LEN: usize = 8;
/// One value (f32).
pub const VALUE_LEN: usize = 4;

/// A row's length for vectors of `dim` values.
pub const fn stride(dim: u16) -> usize {
    ID_LEN + VALUE_LEN * dim as usize
}

const _: () = assert!(HEADER_LEN == at::COUNT + 4 && at::COUNT == at::DIM + 2);
