//! A map from node id (u32) to a dense state index (u32): open addressing,
//! Fibonacci hashing, linear probing, load factor ≤ 1/2.
//!
//! Specialised because it is the hot path of every push, and a generic
//! SwissTable costs several times more operations per lookup in an
//! interpreter (measured with wasmi fuel; see docs/BENCHMARKS.md).
//! Deterministic: no random state.
//!
//! A slot is one u64: `(key + 1) | value << 32`, so an all-zero slot is
//! empty and a new table is zeroed memory (which the kernel's allocator
//! hands out without writing when it is fresh). Node ids are
//! < rows ≤ u32::MAX − 1 (checked when the sparse layout is decoded), so
//! `key + 1` never wraps to the empty marker.

use alloc::vec::Vec;

pub struct NodeMap {
    slots: Vec<u64>,
    len: usize,
    shift: u32,
}

/// The first slot probed for `key` (Fibonacci hashing into 2^(32 − shift) slots).
#[inline(always)]
fn home(key: u32, shift: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9) >> shift) as usize
}

impl Default for NodeMap {
    fn default() -> Self {
        Self::with_capacity_log2(6)
    }
}

impl NodeMap {
    /// An empty map with `2^log2` slots (room for half as many keys
    /// before it grows).
    pub fn with_capacity_log2(log2: u32) -> Self {
        NodeMap {
            slots: alloc::vec![0; 1 << log2],
            len: 0,
            shift: 32 - log2,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The slot holding `key` and its contents, or the empty slot (and 0)
    /// where the probe for `key` ends.
    #[inline]
    fn find(&self, key: u32) -> (usize, u64) {
        let mask = self.slots.len() - 1;
        let tag = key.wrapping_add(1);
        let mut i = home(key, self.shift);
        loop {
            let s = self.slots[i];
            if s == 0 || s as u32 == tag {
                return (i, s);
            }
            i = (i + 1) & mask;
        }
    }

    #[inline]
    pub fn get(&self, key: u32) -> Option<u32> {
        let (_, s) = self.find(key);
        (s != 0).then_some((s >> 32) as u32)
    }

    /// Room for `more` keys beyond the current ones without growing.
    #[inline]
    fn reserve(&mut self, more: usize) {
        while 2 * (self.len + more) > self.slots.len() {
            self.grow();
        }
    }

    /// Resolve a batch of keys (each must be < `bound`): the value of each
    /// key of `keys` goes to the same position of `vals`; an absent key is
    /// inserted with the value `next`, `next + 1`, … in order of first
    /// appearance and appended to `fresh`. Returns how many were inserted,
    /// or `None` at the first key ≥ `bound` (the keys before it stay
    /// inserted). `vals` and `fresh` need at least `keys.len()` entries.
    ///
    /// One probe sequence per key; the map grows, if it must, before the
    /// batch, so the loop keeps the table in locals (in an interpreter a
    /// field reloaded per key is a load per key).
    pub fn get_or_insert_batch(
        &mut self,
        keys: &[u32],
        bound: u64,
        next: u32,
        vals: &mut [u32],
        fresh: &mut [u32],
    ) -> Option<usize> {
        self.reserve(keys.len());
        let (mask, shift) = (self.slots.len() - 1, self.shift);
        let slots = &mut self.slots[..];
        let mut added = 0usize;
        let mut out_of_range = false;
        for (&key, val) in keys.iter().zip(vals.iter_mut()) {
            if key as u64 >= bound {
                out_of_range = true;
                break;
            }
            let tag = key.wrapping_add(1);
            let mut i = home(key, shift);
            loop {
                let s = slots[i];
                if s == 0 {
                    let v = next.wrapping_add(added as u32);
                    slots[i] = tag as u64 | (v as u64) << 32;
                    fresh[added] = key;
                    added += 1;
                    *val = v;
                    break;
                }
                if s as u32 == tag {
                    *val = (s >> 32) as u32;
                    break;
                }
                i = (i + 1) & mask;
            }
        }
        self.len += added;
        (!out_of_range).then_some(added)
    }

    #[cold]
    fn grow(&mut self) {
        let cap = self.slots.len() * 2;
        let old = core::mem::replace(&mut self.slots, alloc::vec![0; cap]);
        self.shift -= 1;
        for s in old {
            if s != 0 {
                // Keys are distinct, so the probe ends at an empty slot.
                let (i, _) = self.find((s as u32).wrapping_sub(1));
                self.slots[i] = s;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NodeMap;

    #[test]
    fn batches_agree_with_a_btreemap_through_growth() {
        let mut m = NodeMap::default();
        let mut truth = alloc::collections::BTreeMap::new();
        let mut x = 12345u32;
        let mut next = 0u32;
        let (mut vals, mut fresh) = ([0u32; 9], [0u32; 9]);
        for step in 0..5_000usize {
            // Batches of 1 to 9 keys from a small range, so keys repeat
            // across and within batches; include 0 and the largest legal id.
            let keys: alloc::vec::Vec<u32> = (0..1 + step % 9)
                .map(|j| {
                    x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    match (step + j) % 97 {
                        0 => 0,
                        1 => u32::MAX - 2,
                        _ => x % 5_000,
                    }
                })
                .collect();
            let mut want_fresh = alloc::vec::Vec::new();
            let want: alloc::vec::Vec<u32> = keys
                .iter()
                .map(|&k| {
                    *truth.entry(k).or_insert_with(|| {
                        want_fresh.push(k);
                        next += 1;
                        next - 1
                    })
                })
                .collect();
            let start = next - want_fresh.len() as u32;
            let added = m.get_or_insert_batch(&keys, u32::MAX as u64, start, &mut vals, &mut fresh);
            assert_eq!(added, Some(want_fresh.len()));
            assert_eq!(vals[..keys.len()], want[..]);
            assert_eq!(fresh[..want_fresh.len()], want_fresh[..]);
        }
        assert_eq!(m.len(), truth.len());
        for (&k, &v) in &truth {
            assert_eq!(m.get(k), Some(v));
        }
        assert_eq!(m.get(5_001), None);
    }

    #[test]
    fn a_key_out_of_range_ends_the_batch() {
        let mut m = NodeMap::default();
        let (mut vals, mut fresh) = ([0u32; 4], [0u32; 4]);
        assert_eq!(
            m.get_or_insert_batch(&[3, 10, 4, 5], 10, 0, &mut vals, &mut fresh),
            None
        );
        // The key before the bad one is in; the ones after are not.
        assert_eq!((m.len(), m.get(3), m.get(4)), (1, Some(0), None));
    }
}
