//! What a run asks for, in the terms users give it, and how that becomes
//! the exact ABI parameters and input bytes the sandbox is handed.

use crate::data::{DataBinding, MatrixChoice};
use alloc::vec::Vec;
use core::fmt;
use loader::RvfFile;
use rvf_spec::abi::{Method, Metric, Params, FLAG_PRECONDITION};

/// The k-NN query.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    None,
    /// The query vector's values.
    Values(Vec<f32>),
    /// Row `i` of the file's vector set.
    Index(u64),
}

/// A method and its options. Fields a method does not use are ignored by
/// it (and still recorded in receipts, as the exact ABI struct).
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub method: Method,
    /// Relative residual target (cg, jacobi).
    pub tol: f64,
    /// Iteration cap (cg, jacobi).
    pub max_iter: u32,
    /// Jacobi-preconditioned CG.
    pub precondition: bool,
    /// Required relative diagonal-dominance margin (jacobi).
    pub min_margin: f64,
    /// Teleport probability (push, walks).
    pub alpha: f64,
    /// Push residual threshold.
    pub epsilon: f64,
    pub source: u32,
    pub target: u32,
    /// Number of random walks.
    pub walks: u32,
    /// Seed of the walks: results depend only on it.
    pub seed: u64,
    /// Work budget: pushes or walk steps (0 = the kernel's default).
    pub budget: u64,
    /// Neighbours to return (knn).
    pub k: u32,
    /// Distance metric (knn); `None` = the metric the file's manifest stores.
    pub metric: Option<Metric>,
    pub query: Query,
    /// The matrix to use, by directory index (`--data N`); `None` = the only one.
    pub data: Option<usize>,
    /// Check every bound data segment's hash and structure before running.
    pub verify_data: bool,
}

impl Request {
    /// A request with the ABI's default options.
    pub fn new(method: Method) -> Request {
        let d = Params::default();
        Request {
            method,
            tol: d.tol,
            max_iter: d.max_iter,
            precondition: d.flags & FLAG_PRECONDITION != 0,
            min_margin: d.min_margin,
            alpha: d.alpha,
            epsilon: d.epsilon,
            source: d.source,
            target: d.target,
            walks: d.num_walks,
            seed: d.seed,
            budget: d.work_budget,
            k: d.k,
            metric: None,
            query: Query::None,
            data: None,
            verify_data: false,
        }
    }

    /// Which matrix this request binds.
    pub fn matrix_choice(&self) -> MatrixChoice {
        match (self.method, self.data) {
            (Method::Knn, _) => MatrixChoice::None,
            (_, Some(i)) => MatrixChoice::Index(i),
            (_, None) => MatrixChoice::Only,
        }
    }

    /// The metric a k-NN run uses: the one asked for, else the file's.
    pub fn metric_for(&self, file: &RvfFile<'_>) -> Metric {
        self.metric.unwrap_or_else(|| {
            rvf_spec::format::metric_from_manifest(file.manifest().manifest.metric_id)
                .unwrap_or(Metric::L2)
        })
    }

    /// The exact ABI parameters (input pointer and length are the sandbox's).
    pub fn params(&self, file: &RvfFile<'_>) -> Params {
        Params {
            method: self.method.id(),
            tol: self.tol,
            max_iter: self.max_iter,
            flags: if self.precondition {
                FLAG_PRECONDITION
            } else {
                0
            },
            alpha: self.alpha,
            epsilon: self.epsilon,
            seed: self.seed,
            source: self.source,
            target: self.target,
            k: self.k,
            metric: self.metric_for(file).id(),
            work_budget: self.budget,
            num_walks: self.walks,
            input_ptr: 0,
            input_len: 0,
            min_margin: self.min_margin,
        }
    }

    /// The input bytes (the k-NN query as f32 LE); empty for other methods.
    pub fn input(&self, data: &DataBinding<'_>) -> Result<Vec<u8>, QueryError> {
        if self.method != Method::Knn {
            return Ok(Vec::new());
        }
        let values: Vec<f32> = match &self.query {
            Query::None => return Err(QueryError::Missing),
            Query::Values(v) => v.clone(),
            Query::Index(i) => data
                .vectors
                .values(*i)
                .ok_or(QueryError::IndexOutOfRange {
                    index: *i,
                    count: data.vectors.count,
                })?
                .collect(),
        };
        if data.vectors.count > 0 && values.len() != data.vectors.dim as usize {
            return Err(QueryError::Length {
                got: values.len(),
                dim: data.vectors.dim,
            });
        }
        Ok(values.iter().flat_map(|x| x.to_le_bytes()).collect())
    }
}

/// Why the k-NN query cannot be built.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryError {
    Missing,
    IndexOutOfRange { index: u64, count: u64 },
    Length { got: usize, dim: u16 },
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::Missing => {
                f.write_str("knn needs a query: give --query V1,V2,... or --query-index N")
            }
            QueryError::IndexOutOfRange { index, count } => write!(
                f,
                "--query-index {index}: the file has {count} vectors (0..{count})"
            ),
            QueryError::Length { got, dim } => write!(
                f,
                "--query has {got} values, the file's vectors have dimension {dim}"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for QueryError {}
