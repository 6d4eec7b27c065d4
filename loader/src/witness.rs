//! WITNESS_SEG (type 0x0A) chains in the upstream 73-byte format:
//! `prev_hash[32] || action_hash[32] || timestamp_ns u64 || witness_type u8`.
//! `prev_hash` of each entry is SHAKE-256-256 of the previous entry's 73
//! bytes (zeros for the first); the chain continues across witness
//! segments in file order. Segments holding one legacy (≤ 0.4) record are
//! recognised as upstream does and counted, not verified.

use crate::container::RvfFile;
use crate::hash::shake256;
use alloc::vec::Vec;

pub const ENTRY_LEN: usize = 73;
pub const TYPE_COMPUTATION: u8 = 0x02;

/// One decoded entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub prev_hash: [u8; 32],
    pub action_hash: [u8; 32],
    pub timestamp_ns: u64,
    pub witness_type: u8,
}

impl Entry {
    pub fn encode(&self) -> [u8; ENTRY_LEN] {
        let mut b = [0u8; ENTRY_LEN];
        b[..32].copy_from_slice(&self.prev_hash);
        b[32..64].copy_from_slice(&self.action_hash);
        b[64..72].copy_from_slice(&self.timestamp_ns.to_le_bytes());
        b[72] = self.witness_type;
        b
    }
    fn decode(b: &[u8]) -> Option<Entry> {
        Some(Entry {
            prev_hash: b.get(..32)?.try_into().ok()?,
            action_hash: b.get(32..64)?.try_into().ok()?,
            timestamp_ns: u64::from_le_bytes(b.get(64..72)?.try_into().ok()?),
            witness_type: *b.get(72)?,
        })
    }
}

/// Where a chain check failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainError {
    /// The segment's payload is neither whole entries nor one legacy record.
    Truncated { segment: usize },
    /// Entry `entry` (0-based, counting across segments) does not link to its predecessor.
    BrokenLink { segment: usize, entry: usize },
}

impl core::fmt::Display for ChainError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ChainError::Truncated { segment } => write!(
                f,
                "witness segment {segment} is not a whole number of 73-byte entries (nor one legacy record)"
            ),
            ChainError::BrokenLink { segment, entry } => write!(
                f,
                "witness chain broken at entry {entry} (segment {segment}): it does not link to the entry before it"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ChainError {}

/// The result of walking all witness segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    pub entries: Vec<Entry>,
    /// Hash the next entry must carry as `prev_hash`.
    pub head: [u8; 32],
    pub segments: usize,
    /// Segments holding one legacy record (`type u8, ts u64, action_len
    /// u32, action, prev_hash[32]`): their links use upstream's additive
    /// fold, which authenticates nothing, so they are counted, not verified.
    pub legacy_records: usize,
}

/// True when `p` is exactly one legacy witness record (upstream's rule).
pub fn is_legacy_record(p: &[u8]) -> bool {
    if p.len() < 1 + 8 + 4 + 32 {
        return false;
    }
    let n = u32::from_le_bytes([p[9], p[10], p[11], p[12]]) as usize;
    13usize.checked_add(n).and_then(|x| x.checked_add(32)) == Some(p.len())
}

/// Verify the chain across every witness segment of the directory, in file order.
pub fn verify_chain(file: &RvfFile<'_>) -> Result<Chain, ChainError> {
    let mut segs: Vec<(u64, usize)> = file
        .directory()
        .iter()
        .enumerate()
        .filter(|(_, e)| e.seg_type == rvf_spec::format::seg::WITNESS)
        .map(|(i, e)| (e.offset, i))
        .collect();
    segs.sort_unstable();
    let mut chain = Chain {
        entries: Vec::new(),
        head: [0; 32],
        segments: segs.len(),
        legacy_records: 0,
    };
    for (_, i) in segs {
        let p = file
            .segment(i)
            .map_err(|_| ChainError::Truncated { segment: i })?
            .payload;
        if is_legacy_record(p) {
            chain.legacy_records += 1;
            continue;
        }
        if !p.len().is_multiple_of(ENTRY_LEN) {
            return Err(ChainError::Truncated { segment: i });
        }
        for b in p.chunks_exact(ENTRY_LEN) {
            let e = Entry::decode(b).ok_or(ChainError::Truncated { segment: i })?;
            if e.prev_hash != chain.head {
                return Err(ChainError::BrokenLink {
                    segment: i,
                    entry: chain.entries.len(),
                });
            }
            chain.head = shake256::<32>(b);
            chain.entries.push(e);
        }
    }
    Ok(chain)
}
