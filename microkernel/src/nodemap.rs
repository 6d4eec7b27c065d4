//! A map from node id (u32) to a dense state index (u32): open addressing,
//! Fibonacci hashing, linear probing, load factor ≤ 1/2.
//!
//! Specialised because it is the hot path of every push, and a generic
//! SwissTable costs several times more operations per lookup in an
//! interpreter (measured with wasmi fuel; see docs/BENCHMARKS.md).
//! Deterministic: no random state. `u32::MAX` marks an empty slot; node ids
//! are < rows ≤ u32::MAX − 1 (checked when the sparse layout is decoded).

use alloc::vec::Vec;

const EMPTY: u32 = u32::MAX;

pub struct NodeMap {
    keys: Vec<u32>,
    vals: Vec<u32>,
    len: usize,
    shift: u32,
}

impl Default for NodeMap {
    fn default() -> Self {
        NodeMap {
            keys: alloc::vec![EMPTY; 64],
            vals: alloc::vec![0; 64],
            len: 0,
            shift: 32 - 6,
        }
    }
}

impl NodeMap {
    #[inline]
    fn slot(&self, key: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B9) >> self.shift) as usize
    }

    #[inline]
    pub fn get(&self, key: u32) -> Option<u32> {
        let mask = self.keys.len() - 1;
        let mut i = self.slot(key);
        loop {
            let k = self.keys[i];
            if k == key {
                return Some(self.vals[i]);
            }
            if k == EMPTY {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Insert a key that is not present.
    pub fn insert(&mut self, key: u32, val: u32) {
        if 2 * (self.len + 1) > self.keys.len() {
            self.grow();
        }
        let mask = self.keys.len() - 1;
        let mut i = self.slot(key);
        while self.keys[i] != EMPTY {
            i = (i + 1) & mask;
        }
        self.keys[i] = key;
        self.vals[i] = val;
        self.len += 1;
    }

    fn grow(&mut self) {
        let cap = self.keys.len() * 2;
        let old_k = core::mem::replace(&mut self.keys, alloc::vec![EMPTY; cap]);
        let old_v = core::mem::replace(&mut self.vals, alloc::vec![0; cap]);
        self.shift -= 1;
        self.len = 0;
        for (k, v) in old_k.into_iter().zip(old_v) {
            if k != EMPTY {
                self.insert(k, v);
            }
        }
    }
}
