//! The SPARSE payload, version 1 (rvf-boot's sparse linear system, segment
//! type 0x24; docs/FORMAT.md): a 64-byte header, then raw little-endian
//! arrays in [`ARRAYS`] order, each starting 64-byte aligned within the
//! payload. `loader::sparse_seg` reads and the packer writes by these; the
//! JS host reads them from the generated facts.

use crate::abi::array;

pub const MAGIC: [u8; 4] = *b"RVSP";
pub const VERSION: u16 = 1;
pub const HEADER_LEN: usize = 64;
/// `value_type` of f64 values (the only one).
pub const VALUE_F64: u8 = 1;
/// `index_type` of u32 indices (the only one).
pub const INDEX_U32: u8 = 1;

/// Byte offsets in the header (after the 4-byte magic). `reserved` (u32)
/// and `reserved_tail` (to the end of the header) must be zero.
pub mod at {
    pub const VERSION: usize = 0x04;
    pub const VALUE_TYPE: usize = 0x06;
    pub const INDEX_TYPE: usize = 0x07;
    pub const ROWS: usize = 0x08;
    pub const COLS: usize = 0x10;
    pub const NNZ: usize = 0x18;
    pub const FLAGS: usize = 0x20;
    pub const RESERVED: usize = 0x24;
    pub const DOMINANCE_MARGIN: usize = 0x28;
    pub const RESERVED_TAIL: usize = 0x30;
}

/// Header flag bits.
pub mod flags {
    /// The matrix is symmetric (the writer checked it).
    pub const SYMMETRIC: u32 = 1 << 0;
    /// The transpose (in-adjacency) follows the CSR arrays.
    pub const HAS_TRANSPOSE: u32 = 1 << 1;
    /// A right-hand side vector follows.
    pub const HAS_RHS: u32 = 1 << 2;
    /// `dominance_margin` holds min_i (|a_ii| - Σ_{j≠i} |a_ij|) / |a_ii|.
    pub const DOMINANCE_KNOWN: u32 = 1 << 3;
    /// Every defined bit; others must be zero.
    pub const KNOWN: u32 = SYMMETRIC | HAS_TRANSPOSE | HAS_RHS | DOMINANCE_KNOWN;
}

/// The arrays in payload order: (ABI array name, ABI array id). The id of
/// each is also its position.
pub const ARRAYS: [(&str, u32); 7] = [
    ("row_ptr", array::ROW_PTR),
    ("col_idx", array::COL_IDX),
    ("values", array::VALUES),
    ("rhs", array::RHS),
    ("t_col_ptr", array::T_COL_PTR),
    ("t_row_idx", array::T_ROW_IDX),
    ("t_values", array::T_VALUES),
];

const _: () = {
    let mut i = 0;
    while i < ARRAYS.len() {
        assert!(ARRAYS[i].1 as usize == i);
        i += 1;
    }
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_tile_the_header() {
        // magic 4, version u16, value_type u8, index_type u8, rows u64,
        // cols u64, nnz u64, flags u32, reserved u32, margin f64, zeros.
        assert_eq!(at::VERSION, MAGIC.len());
        assert_eq!(at::VALUE_TYPE, at::VERSION + 2);
        assert_eq!(at::INDEX_TYPE, at::VALUE_TYPE + 1);
        assert_eq!(at::ROWS, at::INDEX_TYPE + 1);
        assert_eq!(at::COLS, at::ROWS + 8);
        assert_eq!(at::NNZ, at::COLS + 8);
        assert_eq!(at::FLAGS, at::NNZ + 8);
        assert_eq!(at::RESERVED, at::FLAGS + 4);
        assert_eq!(at::DOMINANCE_MARGIN, at::RESERVED + 4);
        assert_eq!(at::RESERVED_TAIL, at::DOMINANCE_MARGIN + 8);
        assert_eq!(HEADER_LEN - at::RESERVED_TAIL, 16);
        assert_eq!(flags::KNOWN, 0xF);
    }
}
