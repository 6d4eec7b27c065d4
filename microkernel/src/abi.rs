//! The rvf-boot solver ABI, version 1 (documented in `docs/ABI.md`): the
//! parameter and report layouts, method ids, error codes, array ids and
//! info keys shared by the guest (this crate) and the host (`interpreter`).
//!
//! All structs are fixed-size little-endian byte layouts, decoded field by
//! field; nothing here depends on the host's endianness or struct padding.

/// ABI version: major << 16 | minor.
pub const ABI_VERSION: u32 = 0x0001_0000;
pub const ABI_MAJOR: u32 = ABI_VERSION >> 16;

/// Method ids (`Params::method`).
pub mod method {
    pub const CG: u32 = 1;
    pub const JACOBI: u32 = 2;
    pub const PPR_FORWARD: u32 = 3;
    pub const PPR_BACKWARD: u32 = 4;
    pub const WALK_ESTIMATE: u32 = 5;
    pub const KNN: u32 = 6;
    pub const ALL: [u32; 6] = [CG, JACOBI, PPR_FORWARD, PPR_BACKWARD, WALK_ESTIMATE, KNN];
    pub fn name(m: u32) -> &'static str {
        match m {
            CG => "cg",
            JACOBI => "jacobi",
            PPR_FORWARD => "ppr-forward",
            PPR_BACKWARD => "ppr-backward",
            WALK_ESTIMATE => "walk-estimate",
            KNN => "knn",
            _ => "unknown",
        }
    }
}

/// Capability bits returned by `rvf_capabilities`: bit (method - 1) per
/// supported method, plus `CAP_SIMD` when built with simd128.
pub const CAP_SIMD: u32 = 1 << 31;

/// Status / error codes (0 = ok, negative = error).
pub mod status {
    pub const OK: i32 = 0;
    pub const BAD_PARAMS: i32 = -1;
    pub const BAD_DATA: i32 = -2;
    pub const NOT_DOMINANT: i32 = -3;
    pub const NOT_CONVERGED: i32 = -4;
    pub const BREAKDOWN: i32 = -5;
    pub const BUDGET: i32 = -6;
    pub const HOST_READ: i32 = -7;
    pub const OUT_OF_MEMORY: i32 = -8;
    pub const MISSING_DATA: i32 = -9;
    pub const UNSUPPORTED: i32 = -10;
    pub const NOT_RUN: i32 = -11;

    /// The message a host shows for a status code.
    pub fn message(code: i32) -> &'static str {
        match code {
            OK => "ok",
            BAD_PARAMS => "bad parameters",
            BAD_DATA => "bad data (row_ptr not monotone, index out of range, or non-finite value)",
            NOT_DOMINANT => "matrix is not strictly diagonally dominant by the required margin",
            NOT_CONVERGED => "did not converge within the iteration budget (result written)",
            BREAKDOWN => "numerical breakdown (matrix not SPD, or NaN)",
            BUDGET => "work budget exhausted (result written)",
            HOST_READ => "host refused a data read",
            OUT_OF_MEMORY => "guest out of memory",
            MISSING_DATA => "the file lacks the data this method needs",
            UNSUPPORTED => "unsupported method",
            NOT_RUN => "no run has completed",
            _ => "unknown error",
        }
    }
}

/// Array ids for the `rvf.read` / `rvf.info` host functions.
pub mod array {
    pub const ROW_PTR: u32 = 0;
    pub const COL_IDX: u32 = 1;
    pub const VALUES: u32 = 2;
    pub const RHS: u32 = 3;
    pub const T_COL_PTR: u32 = 4;
    pub const T_ROW_IDX: u32 = 5;
    pub const T_VALUES: u32 = 6;
    /// Vector rows: `count × (id u64, dim × f32)`.
    pub const VECTORS: u32 = 16;
}

/// Keys for `rvf.info`.
pub mod info {
    pub const ROWS: u32 = 0;
    pub const COLS: u32 = 1;
    pub const NNZ: u32 = 2;
    pub const HAS_TRANSPOSE: u32 = 3;
    pub const HAS_RHS: u32 = 4;
    pub const VEC_DIM: u32 = 5;
    pub const VEC_COUNT: u32 = 6;
}

/// Adjacency sets for `rvf.row` / `rvf.degrees`.
pub mod set {
    pub const FORWARD: u32 = 0;
    pub const TRANSPOSE: u32 = 1;
}

/// Distance metrics for k-NN.
pub mod metric {
    pub const L2: u32 = 0;
    pub const INNER_PRODUCT: u32 = 1;
    pub const COSINE: u32 = 2;
}

/// Result layouts (`Report::result_kind`).
pub mod result_kind {
    /// `n × f64` (a full solution vector).
    pub const DENSE_F64: u32 = 0;
    /// `count × (u32 index, u32 0, f64 value)`.
    pub const PAIRS: u32 = 1;
}

pub const PARAMS_LEN: usize = 128;
pub const PARAMS_VERSION: u32 = 1;
pub const REPORT_LEN: usize = 64;
pub const PAIR_LEN: usize = 16;

/// Solver parameters (`PARAMS_LEN` bytes, little-endian; see docs/ABI.md).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    pub method: u32,
    /// Relative residual target (CG, Jacobi).
    pub tol: f64,
    /// Iteration cap (CG, Jacobi).
    pub max_iter: u32,
    /// bit 0: Jacobi-preconditioned CG.
    pub flags: u32,
    /// Teleport / absorption probability (PPR, walks).
    pub alpha: f64,
    /// Push residual threshold.
    pub epsilon: f64,
    pub seed: u64,
    pub source: u32,
    pub target: u32,
    pub k: u32,
    pub metric: u32,
    /// Maximum pushes (push methods); 0 = default.
    pub work_budget: u64,
    pub num_walks: u32,
    /// Guest pointer and byte length of an input vector (k-NN query, f32 × dim).
    pub input_ptr: u32,
    pub input_len: u32,
    /// Minimum relative dominance margin for Jacobi (e.g. 0.01).
    pub min_margin: f64,
}

pub const FLAG_PRECONDITION: u32 = 1;

impl Default for Params {
    fn default() -> Self {
        Params {
            method: 0,
            tol: 1e-8,
            max_iter: 10_000,
            flags: 0,
            alpha: 0.15,
            epsilon: 1e-4,
            seed: 0,
            source: 0,
            target: 0,
            k: 10,
            metric: metric::L2,
            work_budget: 0,
            num_walks: 10_000,
            input_ptr: 0,
            input_len: 0,
            min_margin: 0.01,
        }
    }
}

fn rd<const N: usize>(b: &[u8], off: usize) -> [u8; N] {
    let mut a = [0u8; N];
    if let Some(s) = b.get(off..off + N) {
        a.copy_from_slice(s);
    }
    a
}

impl Params {
    pub fn encode(&self) -> [u8; PARAMS_LEN] {
        let mut b = [0u8; PARAMS_LEN];
        b[0..4].copy_from_slice(&PARAMS_VERSION.to_le_bytes());
        b[4..8].copy_from_slice(&self.method.to_le_bytes());
        b[8..16].copy_from_slice(&self.tol.to_le_bytes());
        b[16..20].copy_from_slice(&self.max_iter.to_le_bytes());
        b[20..24].copy_from_slice(&self.flags.to_le_bytes());
        b[24..32].copy_from_slice(&self.alpha.to_le_bytes());
        b[32..40].copy_from_slice(&self.epsilon.to_le_bytes());
        b[40..48].copy_from_slice(&self.seed.to_le_bytes());
        b[48..52].copy_from_slice(&self.source.to_le_bytes());
        b[52..56].copy_from_slice(&self.target.to_le_bytes());
        b[56..60].copy_from_slice(&self.k.to_le_bytes());
        b[60..64].copy_from_slice(&self.metric.to_le_bytes());
        b[64..72].copy_from_slice(&self.work_budget.to_le_bytes());
        b[72..76].copy_from_slice(&self.num_walks.to_le_bytes());
        b[76..80].copy_from_slice(&self.input_ptr.to_le_bytes());
        b[80..84].copy_from_slice(&self.input_len.to_le_bytes());
        b[88..96].copy_from_slice(&self.min_margin.to_le_bytes());
        b
    }

    /// Decode; `None` when the length or version is wrong or reserved bytes are set.
    pub fn decode(b: &[u8]) -> Option<Params> {
        if b.len() != PARAMS_LEN || u32::from_le_bytes(rd(b, 0)) != PARAMS_VERSION {
            return None;
        }
        if b[84..88].iter().chain(&b[96..]).any(|&x| x != 0) {
            return None;
        }
        Some(Params {
            method: u32::from_le_bytes(rd(b, 4)),
            tol: f64::from_le_bytes(rd(b, 8)),
            max_iter: u32::from_le_bytes(rd(b, 16)),
            flags: u32::from_le_bytes(rd(b, 20)),
            alpha: f64::from_le_bytes(rd(b, 24)),
            epsilon: f64::from_le_bytes(rd(b, 32)),
            seed: u64::from_le_bytes(rd(b, 40)),
            source: u32::from_le_bytes(rd(b, 48)),
            target: u32::from_le_bytes(rd(b, 52)),
            k: u32::from_le_bytes(rd(b, 56)),
            metric: u32::from_le_bytes(rd(b, 60)),
            work_budget: u64::from_le_bytes(rd(b, 64)),
            num_walks: u32::from_le_bytes(rd(b, 72)),
            input_ptr: u32::from_le_bytes(rd(b, 76)),
            input_len: u32::from_le_bytes(rd(b, 80)),
            min_margin: f64::from_le_bytes(rd(b, 88)),
        })
    }
}

/// What a run reports (`REPORT_LEN` bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Report {
    pub status: i32,
    pub method: u32,
    pub result_kind: u32,
    /// Iterations (CG, Jacobi), pushes (push), walks (walk), vectors scanned (k-NN).
    pub iterations: u64,
    /// Relative residual (CG, Jacobi); remaining residual mass (push); std error (walk).
    pub residual: f64,
    /// Single-value result: walk estimate; sum of scores (push).
    pub estimate: f64,
    /// Rows read through the host (local methods), or matrix rows copied (global).
    pub work: u64,
    pub converged: u32,
    pub result_count: u32,
}

impl Report {
    pub fn encode(&self) -> [u8; REPORT_LEN] {
        let mut b = [0u8; REPORT_LEN];
        b[0..4].copy_from_slice(&ABI_VERSION.to_le_bytes());
        b[4..8].copy_from_slice(&self.status.to_le_bytes());
        b[8..12].copy_from_slice(&self.method.to_le_bytes());
        b[12..16].copy_from_slice(&self.result_kind.to_le_bytes());
        b[16..24].copy_from_slice(&self.iterations.to_le_bytes());
        b[24..32].copy_from_slice(&self.residual.to_le_bytes());
        b[32..40].copy_from_slice(&self.estimate.to_le_bytes());
        b[40..48].copy_from_slice(&self.work.to_le_bytes());
        b[48..52].copy_from_slice(&self.converged.to_le_bytes());
        b[52..56].copy_from_slice(&self.result_count.to_le_bytes());
        b
    }

    pub fn decode(b: &[u8]) -> Option<Report> {
        if b.len() != REPORT_LEN || u32::from_le_bytes(rd(b, 0)) >> 16 != ABI_MAJOR {
            return None;
        }
        Some(Report {
            status: i32::from_le_bytes(rd(b, 4)),
            method: u32::from_le_bytes(rd(b, 8)),
            result_kind: u32::from_le_bytes(rd(b, 12)),
            iterations: u64::from_le_bytes(rd(b, 16)),
            residual: f64::from_le_bytes(rd(b, 24)),
            estimate: f64::from_le_bytes(rd(b, 32)),
            work: u64::from_le_bytes(rd(b, 40)),
            converged: u32::from_le_bytes(rd(b, 48)),
            result_count: u32::from_le_bytes(rd(b, 52)),
        })
    }
}
