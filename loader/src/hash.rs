//! The hash rules of RVF v1: segment content hashes by `checksum_algo`, the
//! 32-byte SHAKE-256 bytecode hash of WASM segments, and upstream's additive
//! fold (recognised, never trusted).
//!
//! An all-zero stored hash means "not set": it is reported as such and is
//! never counted as verified.

use sha3::digest::{ExtendableOutput, Update, XofReader};
use sha3::Shake256;

pub use rvf_spec::format::algo;

/// SHAKE-256 with `N` output bytes.
pub fn shake256<const N: usize>(data: &[u8]) -> [u8; N] {
    let mut h = Shake256::default();
    h.update(data);
    let mut out = [0u8; N];
    h.finalize_xof().read(&mut out);
    out
}

/// SHAKE-256 over several byte slices in order (no copy).
pub fn shake256_parts<const N: usize>(parts: &[&[u8]]) -> [u8; N] {
    let mut h = Shake256::default();
    for p in parts {
        h.update(p);
    }
    let mut out = [0u8; N];
    h.finalize_xof().read(&mut out);
    out
}

/// XXH3-128 as RVF stores it (u128 little-endian).
pub fn xxh3_128_le(data: &[u8]) -> [u8; 16] {
    xxhash_rust::xxh3::xxh3_128(data).to_le_bytes()
}

/// Legacy "CRC32-rotation": zlib CRC32, lane i = crc.rotate_left(8 i) LE.
pub fn crc_rot(data: &[u8]) -> [u8; 16] {
    let crc = crc32fast::hash(data);
    let mut out = [0u8; 16];
    for (i, lane) in out.chunks_exact_mut(4).enumerate() {
        lane.copy_from_slice(&crc.rotate_left(8 * i as u32).to_le_bytes());
    }
    out
}

/// The content hash a writer stores for `payload` under `algo`, or `None`
/// for algorithms we refuse to write (0 is legacy-only, 3+ unsupported).
pub fn content_hash(algo: u8, payload: &[u8]) -> Option<[u8; 16]> {
    let mut h = ContentHasher::new(algo)?;
    h.update(payload);
    Some(h.finish())
}

/// A writer's content hash over a payload fed in pieces (so the payload
/// need never be held whole); the pieces' concatenation gets the same hash
/// as [`content_hash`] of it.
pub enum ContentHasher {
    Xxh3(xxhash_rust::xxh3::Xxh3Default),
    Shake(Shake256),
}

impl ContentHasher {
    /// A hasher for `algo`, or `None` for algorithms we refuse to write.
    pub fn new(algo: u8) -> Option<Self> {
        match algo {
            algo::XXH3_128 => Some(ContentHasher::Xxh3(Default::default())),
            algo::SHAKE256_128 => Some(ContentHasher::Shake(Shake256::default())),
            _ => None,
        }
    }

    pub fn update(&mut self, piece: &[u8]) {
        match self {
            ContentHasher::Xxh3(h) => h.update(piece),
            ContentHasher::Shake(h) => h.update(piece),
        }
    }

    /// The 16 bytes stored in the segment header.
    pub fn finish(self) -> [u8; 16] {
        match self {
            ContentHasher::Xxh3(h) => h.digest128().to_le_bytes(),
            ContentHasher::Shake(h) => {
                let mut out = [0u8; 16];
                h.finalize_xof().read(&mut out);
                out
            }
        }
    }
}

/// Outcome of checking a stored 16-byte content hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashStatus {
    /// The stored hash matches the payload under the named rule.
    Verified(HashRule),
    /// The stored hash is all zero: nothing to verify. Never treated as valid.
    NotSet,
    /// The stored hash does not match the payload.
    Mismatch,
    /// `checksum_algo` is one we do not implement (3 = HMAC, or unknown): fail closed.
    UnsupportedAlgo(u8),
}

/// Which concrete rule verified a hash (algo 0 has two).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashRule {
    CrcRotation,
    Xxh3_128,
    Shake256_128,
}

impl HashRule {
    /// The algorithm's name, spelled as everywhere else (`rvf_spec::format`).
    pub fn name(self) -> &'static str {
        match self {
            HashRule::CrcRotation => "CRC32-rotation",
            HashRule::Xxh3_128 => rvf_spec::format::checksum_name(algo::XXH3_128),
            HashRule::Shake256_128 => rvf_spec::format::checksum_name(algo::SHAKE256_128),
        }
    }
}

impl HashStatus {
    pub fn is_verified(self) -> bool {
        matches!(self, HashStatus::Verified(_))
    }
    /// A stable machine name (the conformance set, the JavaScript host).
    pub fn class(self) -> &'static str {
        match self {
            HashStatus::Verified(_) => "verified",
            HashStatus::NotSet => "not_set",
            HashStatus::Mismatch => "mismatch",
            HashStatus::UnsupportedAlgo(_) => "unsupported",
        }
    }
    /// A short label for tables and JSON.
    pub fn label(self) -> &'static str {
        match self {
            HashStatus::Verified(_) => "verified",
            HashStatus::NotSet => "not set",
            HashStatus::Mismatch => "MISMATCH",
            HashStatus::UnsupportedAlgo(_) => "unsupported algo",
        }
    }
}

/// Check `stored` against `payload` under `checksum_algo`.
pub fn verify_content_hash(checksum_algo: u8, stored: &[u8; 16], payload: &[u8]) -> HashStatus {
    if stored.iter().all(|&b| b == 0) {
        return HashStatus::NotSet;
    }
    let (ok, rule) = match checksum_algo {
        algo::LEGACY => {
            if crc_rot(payload) == *stored {
                (true, HashRule::CrcRotation)
            } else {
                (xxh3_128_le(payload) == *stored, HashRule::Xxh3_128)
            }
        }
        algo::XXH3_128 => (xxh3_128_le(payload) == *stored, HashRule::Xxh3_128),
        algo::SHAKE256_128 => (shake256::<16>(payload) == *stored, HashRule::Shake256_128),
        other => return HashStatus::UnsupportedAlgo(other),
    };
    if ok {
        HashStatus::Verified(rule)
    } else {
        HashStatus::Mismatch
    }
}

/// Upstream's `simple_shake256_256`: an additive fold, not a hash. Files made
/// by `RvfStore::embed_wasm` carry this in `WasmHeader.bytecode_hash`; we
/// recognise it only to report it as unauthenticated.
pub fn upstream_fold(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, &b) in data.iter().enumerate() {
        let a = i % 32;
        out[a] = out[a].wrapping_add(b);
        let c = (i + 13) % 32;
        out[c] = out[c].wrapping_add(out[a].rotate_left(3));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use rvf_spec::hex::encode as hex;

    // Test vectors from ../shared/notes/rvf-wire.md §1.5 (checked there with
    // python xxhash / hashlib / zlib, independently of this code).
    #[test]
    fn published_vectors() {
        let cases: [(&[u8], &str, &str, &str); 3] = [
            (
                b"",
                "7f498d4624c30160d8984701d306aa99",
                "46b9dd2b0ba88d13233b3feb743eeb24",
                "00000000000000000000000000000000",
            ),
            (
                b"hello world",
                "c7b615cc75879ba90049873fe9098ddf",
                "369771bb2cb9d2b04c1d54cca487e372",
                "85114a0d0d85114a4a0d8511114a0d85",
            ),
            (
                b"123456789",
                "60581d68276471e9d5dce5ed77941133",
                "24347b9c4b6da2fc9cde08c87f33edd2",
                "2639f4cbcb2639f4f4cb263939f4cb26",
            ),
        ];
        for (input, xxh, shake, crc) in cases {
            assert_eq!(hex(&xxh3_128_le(input)), xxh);
            assert_eq!(hex(&shake256::<16>(input)), shake);
            assert_eq!(hex(&crc_rot(input)), crc);
        }
    }

    #[test]
    fn pieces_hash_as_the_whole() {
        // 1000 bytes cut at every kind of boundary (inside XXH3's 256-byte
        // stripes and SHAKE's 136-byte blocks), against the one-shot hashes
        // the published vectors above pin down.
        let data: alloc::vec::Vec<u8> = (0..1000u32).map(|i| (i * 7 + i / 3) as u8).collect();
        for algo in [algo::XXH3_128, algo::SHAKE256_128] {
            let whole = match algo {
                algo::XXH3_128 => xxh3_128_le(&data),
                _ => shake256::<16>(&data),
            };
            assert_eq!(content_hash(algo, &data), Some(whole));
            for step in [1, 7, 64, 135, 136, 137, 255, 256, 257, 999, 1000] {
                let mut h = ContentHasher::new(algo).unwrap();
                for piece in data.chunks(step) {
                    h.update(piece);
                    h.update(&[]);
                }
                assert_eq!(h.finish(), whole, "algo {algo}, pieces of {step}");
            }
        }
        for refused in [algo::LEGACY, 3, 255] {
            assert!(ContentHasher::new(refused).is_none());
            assert_eq!(content_hash(refused, b"x"), None);
        }
    }

    #[test]
    fn zero_hash_is_never_verified() {
        for algo in 0..=4 {
            assert_eq!(
                verify_content_hash(algo, &[0; 16], b"x"),
                HashStatus::NotSet
            );
        }
    }

    #[test]
    fn algo_zero_accepts_both_legacy_rules() {
        let p = b"hello world";
        assert_eq!(
            verify_content_hash(0, &crc_rot(p), p),
            HashStatus::Verified(HashRule::CrcRotation)
        );
        assert_eq!(
            verify_content_hash(0, &xxh3_128_le(p), p),
            HashStatus::Verified(HashRule::Xxh3_128)
        );
        assert_eq!(verify_content_hash(1, &crc_rot(p), p), HashStatus::Mismatch);
        assert_eq!(
            verify_content_hash(3, &[1; 16], p),
            HashStatus::UnsupportedAlgo(3)
        );
    }

    #[test]
    fn fold_matches_note_example() {
        // rvf-wire.md §2.2: the fold of `\0asm\x01\0\0\0` starts with the input.
        let f = upstream_fold(b"\0asm\x01\0\0\0");
        assert_eq!(&hex(&f)[..32], "0061736d010000000000000000000b9b");
    }
}
