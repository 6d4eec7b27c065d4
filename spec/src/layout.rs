//! The fixed byte layouts of the solver ABI: `Params` (128 bytes) and
//! `Report` (64 bytes), their codecs, and the field tables hosts written in
//! other languages encode from. All little-endian, decoded field by field.

use crate::abi::{metric, ABI_MAJOR, ABI_VERSION};

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

fn put(b: &mut [u8], off: usize, v: &[u8]) {
    b[off..off + v.len()].copy_from_slice(v);
}

/// The type of a field in a fixed byte layout (all little-endian).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    U32,
    I32,
    U64,
    F64,
}

impl FieldType {
    /// Bytes the field occupies.
    pub const fn size(self) -> usize {
        match self {
            FieldType::U32 | FieldType::I32 => 4,
            FieldType::U64 | FieldType::F64 => 8,
        }
    }
    pub const fn name(self) -> &'static str {
        match self {
            FieldType::U32 => "u32",
            FieldType::I32 => "i32",
            FieldType::U64 => "u64",
            FieldType::F64 => "f64",
        }
    }
}

/// Byte offsets of the `Params` fields: the layout (docs/ABI.md). Bytes
/// 84..88 and 96..128 are reserved and must be zero.
pub mod params_at {
    pub const VERSION: usize = 0;
    pub const METHOD: usize = 4;
    pub const TOL: usize = 8;
    pub const MAX_ITER: usize = 16;
    pub const FLAGS: usize = 20;
    pub const ALPHA: usize = 24;
    pub const EPSILON: usize = 32;
    pub const SEED: usize = 40;
    pub const SOURCE: usize = 48;
    pub const TARGET: usize = 52;
    pub const K: usize = 56;
    pub const METRIC: usize = 60;
    pub const WORK_BUDGET: usize = 64;
    pub const NUM_WALKS: usize = 72;
    pub const INPUT_PTR: usize = 76;
    pub const INPUT_LEN: usize = 80;
    pub const MIN_MARGIN: usize = 88;
}

/// Every `Params` field: (name, offset, type), for hosts that encode the
/// struct themselves (the JavaScript host reads this table).
pub const PARAMS_FIELDS: [(&str, usize, FieldType); 17] = {
    use params_at as at;
    use FieldType::*;
    [
        ("version", at::VERSION, U32),
        ("method", at::METHOD, U32),
        ("tol", at::TOL, F64),
        ("max_iter", at::MAX_ITER, U32),
        ("flags", at::FLAGS, U32),
        ("alpha", at::ALPHA, F64),
        ("epsilon", at::EPSILON, F64),
        ("seed", at::SEED, U64),
        ("source", at::SOURCE, U32),
        ("target", at::TARGET, U32),
        ("k", at::K, U32),
        ("metric", at::METRIC, U32),
        ("work_budget", at::WORK_BUDGET, U64),
        ("num_walks", at::NUM_WALKS, U32),
        ("input_ptr", at::INPUT_PTR, U32),
        ("input_len", at::INPUT_LEN, U32),
        ("min_margin", at::MIN_MARGIN, F64),
    ]
};

impl Params {
    pub fn encode(&self) -> [u8; PARAMS_LEN] {
        use params_at as at;
        let mut b = [0u8; PARAMS_LEN];
        put(&mut b, at::VERSION, &PARAMS_VERSION.to_le_bytes());
        put(&mut b, at::METHOD, &self.method.to_le_bytes());
        put(&mut b, at::TOL, &self.tol.to_le_bytes());
        put(&mut b, at::MAX_ITER, &self.max_iter.to_le_bytes());
        put(&mut b, at::FLAGS, &self.flags.to_le_bytes());
        put(&mut b, at::ALPHA, &self.alpha.to_le_bytes());
        put(&mut b, at::EPSILON, &self.epsilon.to_le_bytes());
        put(&mut b, at::SEED, &self.seed.to_le_bytes());
        put(&mut b, at::SOURCE, &self.source.to_le_bytes());
        put(&mut b, at::TARGET, &self.target.to_le_bytes());
        put(&mut b, at::K, &self.k.to_le_bytes());
        put(&mut b, at::METRIC, &self.metric.to_le_bytes());
        put(&mut b, at::WORK_BUDGET, &self.work_budget.to_le_bytes());
        put(&mut b, at::NUM_WALKS, &self.num_walks.to_le_bytes());
        put(&mut b, at::INPUT_PTR, &self.input_ptr.to_le_bytes());
        put(&mut b, at::INPUT_LEN, &self.input_len.to_le_bytes());
        put(&mut b, at::MIN_MARGIN, &self.min_margin.to_le_bytes());
        b
    }

    /// Decode; `None` when the length or version is wrong or reserved bytes are set.
    pub fn decode(b: &[u8]) -> Option<Params> {
        use params_at as at;
        if b.len() != PARAMS_LEN || u32::from_le_bytes(rd(b, at::VERSION)) != PARAMS_VERSION {
            return None;
        }
        if b[84..88].iter().chain(&b[96..]).any(|&x| x != 0) {
            return None;
        }
        Some(Params {
            method: u32::from_le_bytes(rd(b, at::METHOD)),
            tol: f64::from_le_bytes(rd(b, at::TOL)),
            max_iter: u32::from_le_bytes(rd(b, at::MAX_ITER)),
            flags: u32::from_le_bytes(rd(b, at::FLAGS)),
            alpha: f64::from_le_bytes(rd(b, at::ALPHA)),
            epsilon: f64::from_le_bytes(rd(b, at::EPSILON)),
            seed: u64::from_le_bytes(rd(b, at::SEED)),
            source: u32::from_le_bytes(rd(b, at::SOURCE)),
            target: u32::from_le_bytes(rd(b, at::TARGET)),
            k: u32::from_le_bytes(rd(b, at::K)),
            metric: u32::from_le_bytes(rd(b, at::METRIC)),
            work_budget: u64::from_le_bytes(rd(b, at::WORK_BUDGET)),
            num_walks: u32::from_le_bytes(rd(b, at::NUM_WALKS)),
            input_ptr: u32::from_le_bytes(rd(b, at::INPUT_PTR)),
            input_len: u32::from_le_bytes(rd(b, at::INPUT_LEN)),
            min_margin: f64::from_le_bytes(rd(b, at::MIN_MARGIN)),
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
    /// What a refusal is about (`abi::detail`; 0 = nothing more to say).
    pub detail: u32,
}

/// Byte offsets of the `Report` fields (docs/ABI.md); 60..64 reserved.
pub mod report_at {
    pub const VERSION: usize = 0;
    pub const STATUS: usize = 4;
    pub const METHOD: usize = 8;
    pub const RESULT_KIND: usize = 12;
    pub const ITERATIONS: usize = 16;
    pub const RESIDUAL: usize = 24;
    pub const ESTIMATE: usize = 32;
    pub const WORK: usize = 40;
    pub const CONVERGED: usize = 48;
    pub const RESULT_COUNT: usize = 52;
    pub const DETAIL: usize = 56;
}

/// Every `Report` field: (name, offset, type).
pub const REPORT_FIELDS: [(&str, usize, FieldType); 11] = {
    use report_at as at;
    use FieldType::*;
    [
        ("version", at::VERSION, U32),
        ("status", at::STATUS, I32),
        ("method", at::METHOD, U32),
        ("result_kind", at::RESULT_KIND, U32),
        ("iterations", at::ITERATIONS, U64),
        ("residual", at::RESIDUAL, F64),
        ("estimate", at::ESTIMATE, F64),
        ("work", at::WORK, U64),
        ("converged", at::CONVERGED, U32),
        ("result_count", at::RESULT_COUNT, U32),
        ("detail", at::DETAIL, U32),
    ]
};

impl Report {
    pub fn encode(&self) -> [u8; REPORT_LEN] {
        use report_at as at;
        let mut b = [0u8; REPORT_LEN];
        put(&mut b, at::VERSION, &ABI_VERSION.to_le_bytes());
        put(&mut b, at::STATUS, &self.status.to_le_bytes());
        put(&mut b, at::METHOD, &self.method.to_le_bytes());
        put(&mut b, at::RESULT_KIND, &self.result_kind.to_le_bytes());
        put(&mut b, at::ITERATIONS, &self.iterations.to_le_bytes());
        put(&mut b, at::RESIDUAL, &self.residual.to_le_bytes());
        put(&mut b, at::ESTIMATE, &self.estimate.to_le_bytes());
        put(&mut b, at::WORK, &self.work.to_le_bytes());
        put(&mut b, at::CONVERGED, &self.converged.to_le_bytes());
        put(&mut b, at::RESULT_COUNT, &self.result_count.to_le_bytes());
        put(&mut b, at::DETAIL, &self.detail.to_le_bytes());
        b
    }

    /// Decode; `None` when the length is wrong or the ABI major differs.
    pub fn decode(b: &[u8]) -> Option<Report> {
        use report_at as at;
        if b.len() != REPORT_LEN || u32::from_le_bytes(rd(b, at::VERSION)) >> 16 != ABI_MAJOR {
            return None;
        }
        Some(Report {
            status: i32::from_le_bytes(rd(b, at::STATUS)),
            method: u32::from_le_bytes(rd(b, at::METHOD)),
            result_kind: u32::from_le_bytes(rd(b, at::RESULT_KIND)),
            iterations: u64::from_le_bytes(rd(b, at::ITERATIONS)),
            residual: f64::from_le_bytes(rd(b, at::RESIDUAL)),
            estimate: f64::from_le_bytes(rd(b, at::ESTIMATE)),
            work: u64::from_le_bytes(rd(b, at::WORK)),
            converged: u32::from_le_bytes(rd(b, at::CONVERGED)),
            result_count: u32::from_le_bytes(rd(b, at::RESULT_COUNT)),
            detail: u32::from_le_bytes(rd(b, at::DETAIL)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Write `v` (of type `t`) at `off` by hand, as a host reading the table would.
    fn field(b: &mut [u8], off: usize, t: FieldType, v: u64) {
        b[off..off + t.size()].copy_from_slice(&v.to_le_bytes()[..t.size()]);
    }

    #[test]
    fn the_field_tables_are_the_codecs_layout() {
        // Encode a struct whose every field holds a distinct value, then
        // rebuild the bytes from the tables alone: they must be equal.
        let p = Params {
            method: 3,
            tol: 0.5,
            max_iter: 7,
            flags: 1,
            alpha: 0.25,
            epsilon: 0.125,
            seed: 0x0102_0304_0506_0708,
            source: 11,
            target: 12,
            k: 13,
            metric: 2,
            work_budget: 99,
            num_walks: 15,
            input_ptr: 16,
            input_len: 17,
            min_margin: 0.0625,
        };
        let vals: [u64; 17] = [
            PARAMS_VERSION as u64,
            3,
            0.5f64.to_bits(),
            7,
            1,
            0.25f64.to_bits(),
            0.125f64.to_bits(),
            0x0102_0304_0506_0708,
            11,
            12,
            13,
            2,
            99,
            15,
            16,
            17,
            0.0625f64.to_bits(),
        ];
        let mut by_table = [0u8; PARAMS_LEN];
        for ((_, off, t), v) in PARAMS_FIELDS.iter().zip(vals) {
            field(&mut by_table, *off, *t, v);
        }
        assert_eq!(p.encode(), by_table);
        assert_eq!(Params::decode(&by_table), Some(p));
        let r = Report {
            status: -4,
            method: 1,
            result_kind: 1,
            iterations: 5,
            residual: 0.5,
            estimate: 2.0,
            work: 6,
            converged: 1,
            result_count: 9,
            detail: 4,
        };
        let vals: [u64; 11] = [
            ABI_VERSION as u64,
            (-4i32) as u32 as u64,
            1,
            1,
            5,
            0.5f64.to_bits(),
            2.0f64.to_bits(),
            6,
            1,
            9,
            4,
        ];
        let mut by_table = [0u8; REPORT_LEN];
        for ((_, off, t), v) in REPORT_FIELDS.iter().zip(vals) {
            field(&mut by_table, *off, *t, v);
        }
        assert_eq!(r.encode(), by_table);
        assert_eq!(Report::decode(&by_table), Some(r));
    }
}
