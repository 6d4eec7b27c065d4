//! What a run asks for, in the terms users give it, and how that becomes
//! the exact ABI parameters and input bytes the sandbox is handed.

use crate::data::{DataBinding, MatrixChoice};
use alloc::string::String;
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

    /// Set one option by the name `rvf-pack run` gives it, without the
    /// leading `--` (`tol`, `max-iter`, `query-index`, ...), from its text,
    /// parsed as the CLI parses it. This is the one list of the run options
    /// that a request holds; front ends without clap (the firmware's
    /// command line) use it instead of a list of their own.
    ///
    /// An empty `value` means the option was given without one: a flag
    /// (`precondition`, `verify-data`) turns on, and an option that needs a
    /// value says so ([`OptionError::MissingValue`], nothing changed), which
    /// is how a command-line parser learns whether to take the next word.
    /// Flags also take `true` and `false`. `query` and `query-index` are
    /// the two forms of the one k-NN query: giving both is refused, as the
    /// CLI refuses it. Host, limit and output options (`host-features`,
    /// `segment`, `fuel`, `max-memory`, `out`, ...) are not a request's and
    /// are [`OptionError::Unknown`] here.
    pub fn set_option(&mut self, name: &str, value: &str) -> Result<(), OptionError> {
        const NAMES: [&str; 17] = [
            "tol",
            "max-iter",
            "precondition",
            "min-margin",
            "alpha",
            "epsilon",
            "source",
            "target",
            "walks",
            "seed",
            "budget",
            "k",
            "metric",
            "query",
            "query-index",
            "data",
            "verify-data",
        ];
        let Some(option) = NAMES.into_iter().find(|n| *n == name) else {
            return Err(OptionError::Unknown(name.into()));
        };
        let flag = matches!(option, "precondition" | "verify-data");
        if value.is_empty() && !flag {
            return Err(OptionError::MissingValue(option));
        }
        let bad = |expected| OptionError::Invalid {
            option,
            value: value.into(),
            expected,
        };
        let float = || value.parse::<f64>().map_err(|_| bad(Expected::Number));
        let whole = || {
            value
                .parse::<u32>()
                .map_err(|_| bad(Expected::Whole(u32::MAX as u64)))
        };
        let whole64 = || {
            value
                .parse::<u64>()
                .map_err(|_| bad(Expected::Whole(u64::MAX)))
        };
        let on = || match value {
            "" | "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(bad(Expected::Flag)),
        };
        let conflict = |with| OptionError::Conflict { option, with };
        match option {
            "tol" => self.tol = float()?,
            "max-iter" => self.max_iter = whole()?,
            "precondition" => self.precondition = on()?,
            "min-margin" => self.min_margin = float()?,
            "alpha" => self.alpha = float()?,
            "epsilon" => self.epsilon = float()?,
            "source" => self.source = whole()?,
            "target" => self.target = whole()?,
            "walks" => self.walks = whole()?,
            "seed" => self.seed = whole64()?,
            "budget" => self.budget = whole64()?,
            "k" => self.k = whole()?,
            "metric" => {
                self.metric = Some(Metric::from_name(value).ok_or_else(|| bad(Expected::Metric))?)
            }
            "query" => {
                if matches!(self.query, Query::Index(_)) {
                    return Err(conflict("query-index"));
                }
                let values: Result<Vec<f32>, _> =
                    value.split(',').map(|s| s.trim().parse::<f32>()).collect();
                self.query = Query::Values(values.map_err(|_| bad(Expected::Numbers))?);
            }
            "query-index" => {
                if matches!(self.query, Query::Values(_)) {
                    return Err(conflict("query"));
                }
                self.query = Query::Index(whole64()?);
            }
            "data" => {
                let n = value.parse::<usize>();
                self.data = Some(n.map_err(|_| bad(Expected::Whole(usize::MAX as u64)))?);
            }
            _ => self.verify_data = on()?,
        }
        Ok(())
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

/// Why [`Request::set_option`] refused an option.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionError {
    /// Not an option of a request (host, limit and output options are the
    /// front end's).
    Unknown(String),
    /// The option takes a value and none was given.
    MissingValue(&'static str),
    /// The value does not parse.
    Invalid {
        option: &'static str,
        value: String,
        expected: Expected,
    },
    /// Both forms of one setting were given (`query` and `query-index`).
    Conflict {
        option: &'static str,
        with: &'static str,
    },
}

/// What an option's value must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Number,
    /// A whole number from 0 to this.
    Whole(u64),
    /// Comma-separated numbers.
    Numbers,
    /// One of the metric names.
    Metric,
    /// Nothing, `true` or `false`.
    Flag,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Number => f.write_str("a number"),
            Expected::Whole(max) => write!(f, "a whole number from 0 to {max}"),
            Expected::Numbers => f.write_str("a list of numbers"),
            Expected::Metric => {
                f.write_str("one of ")?;
                for (i, m) in Metric::ALL.iter().enumerate() {
                    write!(f, "{}{}", if i > 0 { ", " } else { "" }, m.name())?;
                }
                Ok(())
            }
            Expected::Flag => f.write_str("a flag (no value, true or false)"),
        }
    }
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionError::Unknown(name) => write!(f, "--{name} is not an option of a run request"),
            OptionError::MissingValue(option) => write!(f, "--{option} needs a value"),
            OptionError::Invalid {
                option,
                value,
                expected,
            } => write!(f, "--{option} '{value}' is not {expected}"),
            OptionError::Conflict { option, with } => {
                write!(
                    f,
                    "--{option} cannot be used with --{with} (both give the k-NN query)"
                )
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for OptionError {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn with(options: &[(&str, &str)]) -> Result<Request, OptionError> {
        let mut r = Request::new(Method::PprForward);
        for (n, v) in options {
            r.set_option(n, v)?;
        }
        Ok(r)
    }

    #[test]
    fn every_option_sets_its_field() {
        let r = with(&[
            ("tol", "1e-12"),
            ("max-iter", "7"),
            ("precondition", ""),
            ("min-margin", "0.5"),
            ("alpha", "0.2"),
            ("epsilon", "-1e-6"),
            ("source", "3"),
            ("target", "33"),
            ("walks", "1000"),
            ("seed", "18446744073709551615"),
            ("budget", "99"),
            ("k", "5"),
            ("metric", "cosine"),
            ("query-index", "4"),
            ("data", "2"),
            ("verify-data", "true"),
        ])
        .unwrap();
        let want = Request {
            tol: 1e-12,
            max_iter: 7,
            precondition: true,
            min_margin: 0.5,
            alpha: 0.2,
            epsilon: -1e-6,
            source: 3,
            target: 33,
            walks: 1000,
            seed: u64::MAX,
            budget: 99,
            k: 5,
            metric: Some(Metric::Cosine),
            query: Query::Index(4),
            data: Some(2),
            verify_data: true,
            ..Request::new(Method::PprForward)
        };
        assert_eq!(r, want);
        let q = with(&[("query", "-1, 0.5,2")]).unwrap();
        assert_eq!(q.query, Query::Values(alloc::vec![-1.0, 0.5, 2.0]));
        assert!(!with(&[("precondition", "false")]).unwrap().precondition);
    }

    #[test]
    fn an_empty_value_tells_flags_from_options() {
        let mut r = Request::new(Method::Cg);
        assert_eq!(r.set_option("verify-data", ""), Ok(()));
        assert!(r.verify_data);
        let before = r.clone();
        assert_eq!(
            r.set_option("tol", ""),
            Err(OptionError::MissingValue("tol"))
        );
        assert_eq!(r, before, "a refused option changes nothing");
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let e = |n: &str, v: &str| with(&[(n, v)]).unwrap_err().to_string();
        assert_eq!(e("tol", "x"), "--tol 'x' is not a number");
        assert_eq!(
            e("k", "-1"),
            "--k '-1' is not a whole number from 0 to 4294967295"
        );
        assert_eq!(
            e("metric", "hamming"),
            "--metric 'hamming' is not one of l2, ip, cosine"
        );
        assert_eq!(
            e("query", "1,,2"),
            "--query '1,,2' is not a list of numbers"
        );
        assert_eq!(
            e("precondition", "yes"),
            "--precondition 'yes' is not a flag (no value, true or false)"
        );
        assert_eq!(e("fuel", "1"), "--fuel is not an option of a run request");
        let both = with(&[("query-index", "1"), ("query", "1,2")]).unwrap_err();
        assert_eq!(
            both,
            OptionError::Conflict {
                option: "query",
                with: "query-index"
            }
        );
        assert!(with(&[("query", "1"), ("query-index", "1")]).is_err());
    }

    #[test]
    fn host_and_output_options_are_not_a_requests() {
        for name in [
            "host-features",
            "segment",
            "fuel",
            "max-memory",
            "allow-unhashed",
            "json",
            "out",
            "top",
            "receipt",
        ] {
            assert_eq!(with(&[(name, "1")]), Err(OptionError::Unknown(name.into())));
        }
    }
}
