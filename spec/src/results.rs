//! Decoding the result bytes of a run (`abi::result_kind`): the one
//! definition every host uses to turn bytes into `(index, value)` rows.

use crate::abi::{result_kind, PAIR_LEN};
use alloc::vec::Vec;
use core::fmt;

/// Why result bytes do not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultError {
    /// `result_kind` is not one of `abi::result_kind`.
    UnknownKind(u32),
    /// The byte length is not a whole number of elements.
    Ragged { kind: u32, len: usize },
}

impl fmt::Display for ResultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResultError::UnknownKind(k) => write!(f, "unknown result kind {k}"),
            ResultError::Ragged { kind, len } => write!(
                f,
                "{len} result bytes are not a whole number of {}-byte elements (kind {kind})",
                element_len(*kind).unwrap_or(0)
            ),
        }
    }
}

impl core::error::Error for ResultError {}

/// Bytes per element of a result kind.
pub const fn element_len(kind: u32) -> Option<usize> {
    match kind {
        result_kind::DENSE_F64 => Some(8),
        result_kind::PAIRS => Some(PAIR_LEN),
        _ => None,
    }
}

/// A decoded result: a dense vector (row `i` is `x[i]`) or sparse pairs.
#[derive(Clone, Debug, PartialEq)]
pub enum Results {
    Dense(Vec<f64>),
    Pairs(Vec<(u32, f64)>),
}

impl Results {
    /// Decode `bytes` of `kind`.
    pub fn decode(kind: u32, bytes: &[u8]) -> Result<Results, ResultError> {
        let n = element_len(kind).ok_or(ResultError::UnknownKind(kind))?;
        if !bytes.len().is_multiple_of(n) {
            return Err(ResultError::Ragged {
                kind,
                len: bytes.len(),
            });
        }
        Ok(match kind {
            result_kind::DENSE_F64 => Results::Dense(bytes.chunks_exact(8).map(f64_le).collect()),
            _ => Results::Pairs(bytes.chunks_exact(PAIR_LEN).map(pair).collect()),
        })
    }

    pub fn len(&self) -> usize {
        match self {
            Results::Dense(x) => x.len(),
            Results::Pairs(p) => p.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows as `(index, value)`; a dense row's index is its position.
    pub fn rows(&self) -> impl Iterator<Item = (u32, f64)> + '_ {
        let (dense, pairs) = match self {
            Results::Dense(x) => (Some(x), None),
            Results::Pairs(p) => (None, Some(p)),
        };
        let d = dense
            .into_iter()
            .flat_map(|x| x.iter().enumerate().map(|(i, v)| (i as u32, *v)));
        d.chain(pairs.into_iter().flat_map(|p| p.iter().copied()))
    }
}

fn f64_le(c: &[u8]) -> f64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(c);
    f64::from_le_bytes(b)
}

fn pair(c: &[u8]) -> (u32, f64) {
    (
        u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
        f64_le(&c[8..16]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_kinds_and_refuses_the_rest() {
        // Bytes written out by hand, not by an encoder under test.
        let mut dense = Vec::new();
        dense.extend_from_slice(&1.5f64.to_le_bytes());
        dense.extend_from_slice(&(-2.0f64).to_le_bytes());
        assert_eq!(
            Results::decode(result_kind::DENSE_F64, &dense),
            Ok(Results::Dense(alloc::vec![1.5, -2.0]))
        );
        let mut pairs = Vec::new();
        pairs.extend_from_slice(&7u32.to_le_bytes());
        pairs.extend_from_slice(&[0; 4]);
        pairs.extend_from_slice(&0.25f64.to_le_bytes());
        let r = Results::decode(result_kind::PAIRS, &pairs).unwrap();
        assert_eq!(r.rows().collect::<Vec<_>>(), [(7, 0.25)]);
        assert_eq!(
            Results::decode(result_kind::PAIRS, &pairs[..15]),
            Err(ResultError::Ragged { kind: 1, len: 15 })
        );
        assert_eq!(Results::decode(9, &[]), Err(ResultError::UnknownKind(9)));
        let d = Results::decode(result_kind::DENSE_F64, &dense).unwrap();
        assert_eq!(d.rows().collect::<Vec<_>>(), [(0, 1.5), (1, -2.0)]);
    }
}
