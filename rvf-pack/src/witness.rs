//! Recording runs in the file itself: one WITNESS_SEG per recorded run,
//! holding one 73-byte entry (type COMPUTATION) whose `action_hash` is
//! SHAKE-256-256 of the receipt bytes and whose `prev_hash` links to the
//! last entry already in the file. Appended atomically with a new manifest.

use crate::error::{PackError, Result};
use crate::lock::FileLock;
use crate::writer::{self, SegmentSpec};
use loader::hash::shake256;
use loader::witness::{self, Entry, TYPE_COMPUTATION};
use rvf_spec::format::seg;

/// Append a witness entry for `receipt` to the file of `lock` (held across
/// reading the chain's head and the append, so concurrent records extend
/// one chain). Refuses when the existing chain does not verify (never
/// extend a broken chain).
pub fn record(lock: &FileLock, receipt: &[u8], timestamp_ns: u64) -> Result<Entry> {
    let path = lock.path();
    let head = {
        let map = loader::MappedFile::open(path)?;
        let file = loader::RvfFile::parse(map.bytes())?;
        witness::verify_chain(&file)
            .map_err(|e| {
                PackError::Usage(format!(
                    "the file's witness chain does not verify ({e}); refusing to extend it"
                ))
            })?
            .head
    };
    let entry = Entry {
        prev_hash: head,
        action_hash: shake256::<32>(receipt),
        timestamp_ns,
        witness_type: TYPE_COMPUTATION,
    };
    writer::append_locked(
        lock,
        &[SegmentSpec {
            seg_type: seg::WITNESS,
            payload: entry.encode().to_vec().into(),
        }],
        None,
        loader::hash::algo::SHAKE256_128,
    )?;
    Ok(entry)
}
