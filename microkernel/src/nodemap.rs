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

    #[inline]
    fn slot(&self, key: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B9) >> self.shift) as usize
    }

    /// The slot holding `key` and its contents, or the empty slot (and 0)
    /// where the probe for `key` ends.
    #[inline]
    fn find(&self, key: u32) -> (usize, u64) {
        let mask = self.slots.len() - 1;
        let tag = key.wrapping_add(1);
        let mut i = self.slot(key);
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

    /// The value of `key`, or insert `value` for it: `(value, inserted)`.
    /// One probe sequence either way.
    #[inline]
    pub fn get_or_insert(&mut self, key: u32, value: u32) -> (u32, bool) {
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let (i, s) = self.find(key);
        if s != 0 {
            return ((s >> 32) as u32, false);
        }
        self.slots[i] = key.wrapping_add(1) as u64 | (value as u64) << 32;
        self.len += 1;
        (value, true)
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
    fn agrees_with_a_btreemap_through_growth() {
        let mut m = NodeMap::default();
        let mut truth = alloc::collections::BTreeMap::new();
        let mut x = 12345u32;
        for step in 0..20_000u32 {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            // Keys from a small range so many repeat; include 0 and the
            // largest legal id.
            let key = match step % 97 {
                0 => 0,
                1 => u32::MAX - 2,
                _ => x % 5_000,
            };
            let want = *truth.entry(key).or_insert(step);
            let (got, inserted) = m.get_or_insert(key, step);
            assert_eq!(got, want);
            assert_eq!(inserted, want == step);
        }
        assert_eq!(m.len(), truth.len());
        for (&k, &v) in &truth {
            assert_eq!(m.get(k), Some(v));
        }
        assert_eq!(m.get(5_001), None);
    }
}
