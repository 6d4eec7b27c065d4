//! Labels for a run's results: the names `rvf-pack --labels` stores for
//! the rows of a vector set or the nodes of a matrix (`rvf_spec::labels`
//! says how), read from the file's META segments and matched to the data
//! the run read.
//!
//! Labels are data: under a trust policy that requires signed data, label
//! entries in a META segment no trusted key signed are not used (and are
//! reported as skipped), so nobody who can only append can rename results.

use crate::trust::TrustPolicy;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use loader::hash::HashStatus;
use loader::meta_seg::{self, MetadataValue};
use loader::{RvfFile, Segment};
use rvf_spec::format::{algo, seg};
use rvf_spec::labels::{self as spec, Target as Named};

/// What a run's results are indices into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Rows of the file's vector set.
    Vectors,
    /// Nodes of the matrix at this directory index.
    Matrix(usize),
}

/// The labels of one target: runs of consecutive indices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels {
    /// Directory indices of the META segments they came from.
    pub segments: Vec<usize>,
    /// first index → that entry's labels.
    runs: BTreeMap<u64, Run>,
}

/// One entry's labels: the joined text and where each label starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Run {
    text: String,
    starts: Vec<u32>,
}

impl Run {
    /// Index the labels of `text` (`None` if memory for the index is short).
    fn new(text: String) -> Option<Run> {
        let n = text.matches(spec::SEPARATOR).count() + 1;
        let mut starts = Vec::new();
        starts.try_reserve_exact(n).ok()?;
        starts.push(0);
        for (at, _) in text.match_indices(spec::SEPARATOR) {
            starts.push(u32::try_from(at + 1).ok()?);
        }
        Some(Run { text, starts })
    }
    fn get(&self, k: usize) -> Option<&str> {
        let start = *self.starts.get(k)? as usize;
        let end = self
            .starts
            .get(k + 1)
            .map_or(self.text.len(), |&e| e as usize - 1);
        self.text.get(start..end)
    }
    fn len(&self) -> usize {
        self.starts.len()
    }
}

impl Labels {
    /// The label of row or node `index`, if it has one.
    pub fn get(&self, index: u64) -> Option<&str> {
        let (first, run) = self.runs.range(..=index).next_back()?;
        run.get(usize::try_from(index - first).ok()?)
    }
    /// How many labels there are.
    pub fn len(&self) -> usize {
        self.runs.values().map(Run::len).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// Why label entries that name the run's data were not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skipped {
    /// Under the trust policy, no trusted key signed their META segment.
    Untrusted { segment: usize },
    /// Their META segment's payload does not match its content hash (or
    /// its algorithm is one this host does not check): `hash` says which.
    Corrupt { segment: usize, hash: &'static str },
    /// Under the trust policy, their META segment's content hash is unset,
    /// so no signature can vouch for the bytes.
    Unhashed { segment: usize },
    /// A META segment names label keys but does not decode as RVFMETA.
    Undecodable { segment: usize },
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skipped::Untrusted { segment } => write!(
                f,
                "labels in META segment {segment} not used: no trusted key signed them"
            ),
            Skipped::Corrupt { segment, hash } => write!(
                f,
                "labels in META segment {segment} not used: content hash {hash}"
            ),
            Skipped::Unhashed { segment } => write!(
                f,
                "labels in META segment {segment} not used: its content hash is not set, so nothing vouches for them under the trust policy"
            ),
            Skipped::Undecodable { segment } => write!(
                f,
                "labels in META segment {segment} not used: the segment does not decode as RVFMETA"
            ),
        }
    }
}

/// The labels found for a target, and label segments passed over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub labels: Option<Labels>,
    pub skipped: Vec<Skipped>,
}

/// SHAKE-256/128 of a payload: the stored hash when that is the segment's
/// algorithm (no pass over the data), else computed.
fn payload_digest(s: &Segment<'_>) -> [u8; 16] {
    if s.header.checksum_algo == algo::SHAKE256_128 {
        s.header.content_hash
    } else {
        loader::signature::payload_digest(s.payload)
    }
}

/// The labels of `target` in `file`, under `policy` when there is one.
pub fn find(file: &RvfFile<'_>, target: Target, policy: Option<&TrustPolicy>) -> Found {
    let mut found = Found::default();
    let mut labels = Labels::default();
    let digest = match target {
        Target::Vectors => None,
        Target::Matrix(m) => match file.segment(m) {
            Ok(s) => Some(rvf_spec::hex::encode(&payload_digest(&s))),
            Err(_) => return found,
        },
    };
    let wanted = |t: Named<'_>| match (t, &digest) {
        (Named::Vectors, None) => true,
        (Named::Matrix(d), Some(want)) => d.eq_ignore_ascii_case(want),
        _ => false,
    };
    let check_signer = policy.filter(|p| !p.unsigned_data);
    for (i, s) in file.segments() {
        let Ok(s) = s else { continue };
        if s.header.seg_type != seg::META {
            continue;
        }
        let Ok(meta) = meta_seg::decode(s.payload) else {
            let names_labels = s
                .payload
                .windows(spec::PREFIX.len())
                .any(|w| w == spec::PREFIX.as_bytes());
            if names_labels {
                found.skipped.push(Skipped::Undecodable { segment: i });
            }
            continue;
        };
        let mut entries = meta.file_metadata.iter().filter_map(|r| {
            let (t, first) = spec::parse_key(&r.key)?;
            match &r.value {
                MetadataValue::String(v) if wanted(t) => Some((first, v)),
                _ => None,
            }
        });
        let Some(head) = entries.next() else { continue };
        // The bytes decoded must be the bytes hashed (and, under a policy,
        // signed): label segments are small, so always one pass over them.
        match s.hash_status() {
            HashStatus::Verified(_) => {}
            HashStatus::NotSet if policy.is_none() => {}
            HashStatus::NotSet => {
                found.skipped.push(Skipped::Unhashed { segment: i });
                continue;
            }
            HashStatus::Mismatch => {
                found.skipped.push(Skipped::Corrupt {
                    segment: i,
                    hash: "MISMATCH",
                });
                continue;
            }
            HashStatus::UnsupportedAlgo(_) => {
                found.skipped.push(Skipped::Corrupt {
                    segment: i,
                    hash: "algorithm unsupported",
                });
                continue;
            }
        }
        if let Some(p) = check_signer {
            let signer = p.signer_of(file.bytes(), file.body_end(), &s, &payload_digest(&s));
            if signer.key().is_none() {
                found.skipped.push(Skipped::Untrusted { segment: i });
                continue;
            }
        }
        labels.segments.push(i);
        for (first, text) in core::iter::once(head).chain(entries) {
            // An entry too large to index is left out (entries are at most
            // 16 MiB, so this takes a host short of memory).
            if let Some(run) = Run::new(text.clone()) {
                labels.runs.insert(first, run);
            }
        }
    }
    if !labels.is_empty() {
        found.labels = Some(labels);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_answer_by_index() {
        let mut l = Labels::default();
        l.runs.insert(0, Run::new("a\nb".into()).unwrap());
        l.runs.insert(5, Run::new("f".into()).unwrap());
        l.runs.insert(9, Run::new("\n\nz".into()).unwrap());
        let got: Vec<Option<&str>> = (0..13).map(|i| l.get(i)).collect();
        let want = [
            Some("a"),
            Some("b"),
            None,
            None,
            None,
            Some("f"),
            None,
            None,
            None,
            Some(""),
            Some(""),
            Some("z"),
            None,
        ];
        assert_eq!(got, want);
        assert_eq!(l.len(), 6);
    }
}
