//! Argument types shared by subcommands. Their names and help come from
//! the one owner of each fact (`rvf_spec`): no list of methods, metrics or
//! features is written out here.

use clap::builder::PossibleValue;
use clap::ValueEnum;
use rvf_spec::abi::{Method, Metric};

/// A solver method, as typed on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MethodArg(pub Method);

static METHODS: [MethodArg; 6] = [
    MethodArg(Method::ALL[0]),
    MethodArg(Method::ALL[1]),
    MethodArg(Method::ALL[2]),
    MethodArg(Method::ALL[3]),
    MethodArg(Method::ALL[4]),
    MethodArg(Method::ALL[5]),
];

impl ValueEnum for MethodArg {
    fn value_variants<'a>() -> &'a [Self] {
        &METHODS
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()))
    }
}

/// A k-NN distance metric, as typed on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricArg(pub Metric);

static METRICS: [MetricArg; 3] = [
    MetricArg(Metric::ALL[0]),
    MetricArg(Metric::ALL[1]),
    MetricArg(Metric::ALL[2]),
];

impl ValueEnum for MetricArg {
    fn value_variants<'a>() -> &'a [Self] {
        &METRICS
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()).help(self.0.value_label()))
    }
}

/// A byte count with an optional K/M/G suffix (powers of 1024).
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let (n, mul) = match s.chars().last() {
        Some('K' | 'k') => (&s[..s.len() - 1], 1u64 << 10),
        Some('M' | 'm') => (&s[..s.len() - 1], 1 << 20),
        Some('G' | 'g') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    n.parse::<u64>()
        .ok()
        .and_then(|v| v.checked_mul(mul))
        .ok_or_else(|| format!("'{s}' is not a byte count (e.g. 512M, 2G)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_and_metric_is_offered() {
        assert_eq!(METHODS.map(|m| m.0), Method::ALL);
        assert_eq!(METRICS.map(|m| m.0), Metric::ALL);
        assert_eq!(parse_bytes("2K"), Ok(2048));
        assert!(parse_bytes("x").is_err());
    }
}
