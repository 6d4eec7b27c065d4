//! Sorting (node, score) pairs by node: an LSD radix sort on the u32 key,
//! 11 bits per pass, with every pass's histogram counted in one sweep and
//! passes that would not move anything skipped.
//!
//! The push methods end by sorting every touched node; in an interpreter a
//! comparison sort's branches and code size cost several times more than
//! these few linear passes (see docs/BENCHMARKS.md §7). Node ids are
//! unique in a push result, but the sort is stable anyway.

use alloc::vec::Vec;

const BITS: u32 = 11;
const BUCKETS: usize = 1 << BITS;

/// Sort `v` by its first field (ascending, stable).
pub fn sort_by_key(v: &mut Vec<(u32, f64)>) {
    let n = v.len();
    if n <= 32 {
        insertion_sort(v);
        return;
    }
    let max = v.iter().fold(0u32, |m, e| m.max(e.0));
    let passes = (32 - max.leading_zeros()).div_ceil(BITS) as usize;
    let mut counts = alloc::vec![0u32; BUCKETS * passes];
    for e in v.iter() {
        for (p, c) in counts.chunks_exact_mut(BUCKETS).enumerate() {
            c[digit(e.0, p)] += 1;
        }
    }
    let mut from = core::mem::take(v);
    let mut to: Vec<(u32, f64)> = alloc::vec![(0, 0.0); n];
    for (p, c) in counts.chunks_exact_mut(BUCKETS).enumerate() {
        if c[digit(from[0].0, p)] as usize == n {
            continue; // every key has the same digit: the pass is the identity
        }
        let mut sum = 0u32;
        for x in c.iter_mut() {
            let k = *x;
            *x = sum;
            sum += k;
        }
        for &e in &from {
            let d = digit(e.0, p);
            to[c[d] as usize] = e;
            c[d] += 1;
        }
        core::mem::swap(&mut from, &mut to);
    }
    *v = from;
}

#[inline]
fn digit(key: u32, pass: usize) -> usize {
    ((key >> (pass as u32 * BITS)) as usize) & (BUCKETS - 1)
}

fn insertion_sort(v: &mut [(u32, f64)]) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1].0 > v[j].0 {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sort_by_key;
    use crate::rng::SplitMix;

    #[test]
    fn agrees_with_the_standard_stable_sort() {
        let mut rng = SplitMix::stream(9, 9);
        // Sizes around the insertion-sort cut-off, key ranges needing 0 to
        // 3 passes, and duplicate keys (to check stability).
        for &(n, range) in &[
            (0usize, 1u32),
            (1, 1),
            (31, 100),
            (33, 100),
            (200, 1),
            (500, 2000),
            (3000, 1 << 21),
            (3000, 1 << 22),
            (5000, u32::MAX),
            (4000, 3),
        ] {
            let mut v: Vec<(u32, f64)> = (0..n).map(|i| (rng.below(range), i as f64)).collect();
            let mut want = v.clone();
            want.sort_by_key(|e| e.0);
            sort_by_key(&mut v);
            assert_eq!(v, want, "n={n} range={range}");
        }
    }
}
