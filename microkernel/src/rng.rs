//! Deterministic random numbers: SplitMix64. Walk `i` of a run draws from
//! its own stream seeded by `mix(seed, i)`, so results do not depend on how
//! walks are batched or ordered. No OS entropy, ever: the seed is a parameter.

/// One SplitMix64 output step (also a good 64-bit mixer).
#[inline]
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A SplitMix64 generator.
#[derive(Clone, Debug)]
pub struct SplitMix {
    state: u64,
}

impl SplitMix {
    /// The stream for item `i` of a run seeded with `seed`.
    pub fn stream(seed: u64, i: u64) -> Self {
        SplitMix {
            state: splitmix64(seed ^ splitmix64(i)),
        }
    }
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1) with 53 random bits.
    #[inline]
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    /// Uniform in [0, n) (multiply-high; bias ≤ n / 2^64).
    #[inline]
    pub fn below(&mut self, n: u32) -> u32 {
        mul_hi(self.next_u64(), n)
    }
}

/// `(x · n) >> 64`, exactly, in 64-bit arithmetic: wasm32 has no 128-bit
/// multiply (a u128 product becomes a call to a software `__multi3`).
/// With x = h·2³² + l: x·n = h·n·2³² + l·n, and h·n + (l·n >> 32) < 2⁶⁴.
#[inline]
pub fn mul_hi(x: u64, n: u32) -> u32 {
    let n = n as u64;
    let (h, l) = (x >> 32, x & 0xFFFF_FFFF);
    ((h * n + ((l * n) >> 32)) >> 32) as u32
}

#[cfg(test)]
mod tests {
    #[test]
    fn mul_hi_equals_the_128_bit_product() {
        let mut s = super::SplitMix::stream(1, 2);
        let edges = [0u64, 1, u32::MAX as u64, 1 << 32, u64::MAX - 1, u64::MAX];
        for k in 0..200_000 {
            let x = if k < 36 { edges[k % 6] } else { s.next_u64() };
            let n = match k % 4 {
                0 => u32::MAX,
                1 => (x >> 7) as u32,
                2 => k as u32,
                _ => edges[(k / 6) % 6] as u32,
            };
            let want = ((x as u128 * n as u128) >> 64) as u32;
            assert_eq!(super::mul_hi(x, n), want, "x={x} n={n}");
        }
    }
}
