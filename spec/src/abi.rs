//! The rvf-boot solver ABI, version 1 (documented in `docs/ABI.md`): the
//! parameter and report layouts, method ids and names, status codes and
//! their messages, array ids and info keys, shared by the guest
//! (`microkernel`) and every host.
//!
//! All structs are fixed-size little-endian byte layouts, decoded field by
//! field; nothing here depends on the host's endianness or struct padding.

/// ABI version: major << 16 | minor. Minor 1 added the report's `detail`
/// (a 1.0 guest leaves it zero: no detail).
pub const ABI_VERSION: u32 = 0x0001_0001;
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
    /// The name of a method id ("unknown" for others).
    pub fn name(m: u32) -> &'static str {
        super::Method::from_id(m).map_or("unknown", super::Method::name)
    }
}

/// The methods, for hosts: id, the name users type, and what each needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Cg,
    Jacobi,
    PprForward,
    PprBackward,
    WalkEstimate,
    Knn,
}

impl Method {
    pub const ALL: [Method; 6] = [
        Method::Cg,
        Method::Jacobi,
        Method::PprForward,
        Method::PprBackward,
        Method::WalkEstimate,
        Method::Knn,
    ];
    /// The id in `Params::method`.
    pub const fn id(self) -> u32 {
        match self {
            Method::Cg => method::CG,
            Method::Jacobi => method::JACOBI,
            Method::PprForward => method::PPR_FORWARD,
            Method::PprBackward => method::PPR_BACKWARD,
            Method::WalkEstimate => method::WALK_ESTIMATE,
            Method::Knn => method::KNN,
        }
    }
    /// The name users type (`rvf-pack run FILE NAME`).
    pub const fn name(self) -> &'static str {
        match self {
            Method::Cg => "cg",
            Method::Jacobi => "jacobi",
            Method::PprForward => "ppr-forward",
            Method::PprBackward => "ppr-backward",
            Method::WalkEstimate => "walk-estimate",
            Method::Knn => "knn",
        }
    }
    pub fn from_id(id: u32) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.id() == id)
    }
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.name() == name)
    }
    /// The kind of result the method returns.
    pub const fn result_kind(self) -> u32 {
        match self {
            Method::Cg | Method::Jacobi => result_kind::DENSE_F64,
            _ => result_kind::PAIRS,
        }
    }
    /// What a result value means, as a column heading.
    pub const fn value_label(self) -> &'static str {
        match self {
            Method::Cg | Method::Jacobi => "x",
            Method::PprForward | Method::PprBackward => "score",
            Method::WalkEstimate => "estimate",
            Method::Knn => "distance",
        }
    }
}

/// Distance metrics for k-NN, with the names users type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Squared Euclidean distance.
    L2,
    /// Score −q·x (smaller is nearer).
    InnerProduct,
    /// 1 − cos(q, x).
    Cosine,
}

impl Metric {
    pub const ALL: [Metric; 3] = [Metric::L2, Metric::InnerProduct, Metric::Cosine];
    pub const fn id(self) -> u32 {
        match self {
            Metric::L2 => metric::L2,
            Metric::InnerProduct => metric::INNER_PRODUCT,
            Metric::Cosine => metric::COSINE,
        }
    }
    pub const fn name(self) -> &'static str {
        match self {
            Metric::L2 => "l2",
            Metric::InnerProduct => "ip",
            Metric::Cosine => "cosine",
        }
    }
    /// What the k-NN value column holds under this metric.
    pub const fn value_label(self) -> &'static str {
        match self {
            Metric::L2 => "squared L2 distance",
            Metric::InnerProduct => "-(q.x)",
            Metric::Cosine => "1 - cosine",
        }
    }
    pub fn from_id(id: u32) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.id() == id)
    }
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// Capability bits returned by `rvf_capabilities`: bit (method - 1) per
/// supported method, plus `CAP_SIMD` when built with simd128.
pub const CAP_SIMD: u32 = 1 << 31;

/// A refusal inside the guest: a status code and a detail code naming the
/// parameter or the piece of data at fault (`detail::NONE` when none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub status: i32,
    pub detail: u32,
}

impl Fault {
    pub const fn new(status: i32, detail: u32) -> Fault {
        Fault { status, detail }
    }
}

impl From<i32> for Fault {
    /// A bare status; BAD_DATA from a host read means the arrays are
    /// inconsistent (row pointers past the indices, an index out of range),
    /// which is what `detail::STRUCTURE` says.
    fn from(status: i32) -> Fault {
        let detail = if status == status::BAD_DATA {
            detail::STRUCTURE
        } else {
            detail::NONE
        };
        Fault { status, detail }
    }
}

/// Detail codes (`Report::detail`): what exactly a refusal is about. Each
/// has a message template and a fix, filled by hosts with the run's values
/// (`{source}`, `{rows}`, ...: see [`detail::describe`]).
pub mod detail {
    pub const NONE: u32 = 0;
    // Parameters (with BAD_PARAMS).
    pub const TOL: u32 = 1;
    pub const ALPHA: u32 = 2;
    pub const EPSILON: u32 = 3;
    pub const SOURCE: u32 = 4;
    pub const TARGET: u32 = 5;
    pub const WALKS: u32 = 6;
    pub const K: u32 = 7;
    pub const METRIC: u32 = 8;
    pub const QUERY_LENGTH: u32 = 9;
    pub const QUERY_VALUE: u32 = 10;
    pub const PARAMS_STRUCT: u32 = 11;
    // Missing data (with MISSING_DATA).
    pub const NO_MATRIX: u32 = 20;
    pub const NO_RHS: u32 = 21;
    pub const NO_TRANSPOSE: u32 = 22;
    pub const NO_VECTORS: u32 = 23;
    // Bad data (with BAD_DATA).
    pub const NOT_SQUARE: u32 = 30;
    pub const STRUCTURE: u32 = 31;
    pub const NON_FINITE: u32 = 32;
    pub const NON_FINITE_VECTOR: u32 = 33;
    pub const TRANSPOSE_MISMATCH: u32 = 34;
    // Convergence (with NOT_CONVERGED).
    pub const ITERATION_CAP: u32 = 40;
    pub const RESIDUAL_FLOOR: u32 = 41;

    /// (code, name, what, fix): the words every host shows. `{name}`
    /// placeholders stand for the run's values (params by field name;
    /// `rows`, `cols`, `dim`, `count`, `query_len`, `residual`, `max_iter`).
    pub const TABLE: [(u32, &str, &str, &str); 21] = [
        (
            TOL,
            "TOL",
            "tol {tol} must be finite and greater than 0",
            "give e.g. --tol 1e-8",
        ),
        (
            ALPHA,
            "ALPHA",
            "alpha {alpha} must lie strictly between 0 and 1",
            "give e.g. --alpha 0.15",
        ),
        (
            EPSILON,
            "EPSILON",
            "epsilon {epsilon} must be finite and greater than 0",
            "give e.g. --epsilon 1e-4",
        ),
        (
            SOURCE,
            "SOURCE",
            "source {source} is not a node of the graph, which has {rows} nodes",
            "give --source below {rows}",
        ),
        (
            TARGET,
            "TARGET",
            "target {target} is not a node of the graph, which has {rows} nodes",
            "give --target below {rows}",
        ),
        (
            WALKS,
            "WALKS",
            "the number of walks must be at least 1",
            "give e.g. --walks 10000",
        ),
        (K, "K", "k must be at least 1", "give e.g. --k 10"),
        (
            METRIC,
            "METRIC",
            "metric {metric} is not one this solver knows",
            "give --metric l2, ip or cosine",
        ),
        (
            QUERY_LENGTH,
            "QUERY_LENGTH",
            "the query has {query_len} values but the vectors have dimension {dim}",
            "give {dim} values, or --query-index N",
        ),
        (
            QUERY_VALUE,
            "QUERY_VALUE",
            "the query holds a NaN or an infinity",
            "give finite values",
        ),
        (
            PARAMS_STRUCT,
            "PARAMS_STRUCT",
            "the parameter struct is malformed (length, version or reserved bytes)",
            "",
        ),
        (
            NO_MATRIX,
            "NO_MATRIX",
            "the file has no matrix (SPARSE segment)",
            "pack one with --matrix FILE",
        ),
        (
            NO_RHS,
            "NO_RHS",
            "the matrix has no right-hand side",
            "pack it with --rhs FILE",
        ),
        (
            NO_TRANSPOSE,
            "NO_TRANSPOSE",
            "the matrix has no stored transpose, which this method reads",
            "pack it with --with-transpose",
        ),
        (
            NO_VECTORS,
            "NO_VECTORS",
            "the file has no vectors",
            "pack them with --vectors FILE",
        ),
        (
            NOT_SQUARE,
            "NOT_SQUARE",
            "the matrix is {rows} x {cols}, this method needs a square one",
            "",
        ),
        (
            STRUCTURE,
            "STRUCTURE",
            "the matrix's row pointers or column indices are inconsistent (a corrupt data segment)",
            "check the file with rvf-pack verify",
        ),
        (
            NON_FINITE,
            "NON_FINITE",
            "the matrix or its right-hand side holds a NaN or an infinity",
            "check the file with rvf-pack verify",
        ),
        (
            NON_FINITE_VECTOR,
            "NON_FINITE_VECTOR",
            "a stored vector holds a NaN or an infinity",
            "check the file with rvf-pack verify",
        ),
        (
            TRANSPOSE_MISMATCH,
            "TRANSPOSE_MISMATCH",
            "the stored transpose disagrees with the matrix (a corrupt data segment)",
            "check the file with rvf-pack verify",
        ),
        (
            ITERATION_CAP,
            "ITERATION_CAP",
            "stopped at the iteration cap ({max_iter}) with relative residual {residual}",
            "raise --max-iter, or loosen --tol",
        ),
    ];

    /// The words for a detail code, with the placeholders filled by `value`
    /// (left as written when it has none).
    pub fn describe(
        code: u32,
        value: impl Fn(&str) -> Option<alloc::string::String>,
    ) -> Option<(alloc::string::String, alloc::string::String)> {
        let (what, fix) = match code {
            RESIDUAL_FLOOR => RESIDUAL_FLOOR_WORDS,
            _ => TABLE.iter().find(|e| e.0 == code).map(|e| (e.2, e.3))?,
        };
        Some((fill(what, &value), fill(fix, &value)))
    }

    /// Words of RESIDUAL_FLOOR (kept apart: the table's length is part of its type).
    pub const RESIDUAL_FLOOR_WORDS: (&str, &str) = (
        "the recurrence residual reached tol {tol}, but the recomputed residual {residual} is above it: tol is below what f64 reaches for this system",
        "loosen --tol",
    );

    /// The name of a detail code.
    pub fn name(code: u32) -> &'static str {
        match code {
            NONE => "NONE",
            RESIDUAL_FLOOR => "RESIDUAL_FLOOR",
            _ => TABLE
                .iter()
                .find(|e| e.0 == code)
                .map_or("UNKNOWN", |e| e.1),
        }
    }

    fn fill(
        template: &str,
        value: &impl Fn(&str) -> Option<alloc::string::String>,
    ) -> alloc::string::String {
        let mut out = alloc::string::String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let key = &after[..close];
                    match value(key) {
                        Some(v) => out.push_str(&v),
                        None => {
                            out.push('{');
                            out.push_str(key);
                            out.push('}');
                        }
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}

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
    pub const ALL: [i32; 12] = [
        OK,
        BAD_PARAMS,
        BAD_DATA,
        NOT_DOMINANT,
        NOT_CONVERGED,
        BREAKDOWN,
        BUDGET,
        HOST_READ,
        OUT_OF_MEMORY,
        MISSING_DATA,
        UNSUPPORTED,
        NOT_RUN,
    ];

    /// The constant's name (docs, JSON, the C API).
    pub fn name(code: i32) -> &'static str {
        match code {
            OK => "OK",
            BAD_PARAMS => "BAD_PARAMS",
            BAD_DATA => "BAD_DATA",
            NOT_DOMINANT => "NOT_DOMINANT",
            NOT_CONVERGED => "NOT_CONVERGED",
            BREAKDOWN => "BREAKDOWN",
            BUDGET => "BUDGET",
            HOST_READ => "HOST_READ",
            OUT_OF_MEMORY => "OUT_OF_MEMORY",
            MISSING_DATA => "MISSING_DATA",
            UNSUPPORTED => "UNSUPPORTED",
            NOT_RUN => "NOT_RUN",
            _ => "UNKNOWN",
        }
    }

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

pub use crate::layout::{
    params_at, report_at, FieldType, Params, Report, FLAG_PRECONDITION, PAIR_LEN, PARAMS_FIELDS,
    PARAMS_LEN, PARAMS_VERSION, REPORT_FIELDS, REPORT_LEN,
};

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn details_fill_their_placeholders() {
        let v = |k: &str| match k {
            "source" => Some("50".into()),
            "rows" => Some("34".into()),
            _ => None,
        };
        let (what, fix) = detail::describe(detail::SOURCE, v).unwrap();
        assert_eq!(
            what,
            "source 50 is not a node of the graph, which has 34 nodes"
        );
        assert_eq!(fix, "give --source below 34");
        let (what, _) = detail::describe(detail::TOL, |_| None).unwrap();
        assert_eq!(what, "tol {tol} must be finite and greater than 0");
        assert!(detail::describe(detail::NONE, |_| None).is_none());
        assert_eq!(detail::name(detail::RESIDUAL_FLOOR), "RESIDUAL_FLOOR");
        let mut codes: Vec<u32> = detail::TABLE.iter().map(|e| e.0).collect();
        codes.push(detail::RESIDUAL_FLOOR);
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), detail::TABLE.len() + 1, "codes are distinct");
    }

    #[test]
    fn methods_and_metrics_round_trip_by_name_and_id() {
        for m in Method::ALL {
            assert_eq!(Method::from_name(m.name()), Some(m));
            assert_eq!(Method::from_id(m.id()), Some(m));
            assert_eq!(method::name(m.id()), m.name());
        }
        assert_eq!(method::name(99), "unknown");
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
            assert_eq!(Metric::from_id(m.id()), Some(m));
        }
    }
}
