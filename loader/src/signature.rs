//! Ed25519 signatures in the formats the published tools define
//! (docs/FORMAT.md, "Signatures"):
//!
//! - **Segment signature footers** (`rvf-crypto` 0.3.0 `sign_segment`): a
//!   segment whose header has the SIGNED flag (0x0004) is followed, right
//!   after its payload, by a footer `sig_algo u16 (0 = Ed25519), sig_length
//!   u16 (64), signature, footer_length u32 (72)`; `payload_length` excludes
//!   it and `alignment_pad` counts only the zero bytes after it. The
//!   signature is over 94 bytes: header bytes 0x00..0x38 (everything up to
//!   and including the content hash), the ASCII `RVF-v1-segment`, the
//!   segment id (u64 LE) again, and SHAKE-256/128 of the payload.
//! - **Signed root pages** (`rvf-runtime` 0.5.0): the last 4096 bytes of a
//!   signed store, signing (with the signature and the CRC32C zeroed) a
//!   page that names the newest manifest and its SHAKE-256/128 hash.
//!
//! Verification is strict (`verify_strict`, weak keys refused): every
//! signature the published signer makes passes; the small-order-key
//! forgeries plain `verify` accepts do not. Key ids are the first 8 bytes
//! of SHA-256 of the public key (`rvf_crypto::signer_key_id`). Nothing here
//! allocates or panics on any input.

use crate::bytes::{range, u16_at, u32_at, u64_at};
use crate::hash::shake256;
use core::fmt;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

pub use rvf_spec::signing::{
    ALGO_ED25519, DOMAIN, FOOTER_LEN, MESSAGE_LEN, SIGNATURE_LEN, SIGNED_FLAG as SIGNED,
};
use rvf_spec::signing::{AT_SIGNATURE, AT_SIG_LENGTH, FOOTER_OVERHEAD, SIGNED_HEADER_LEN};

/// A public key's id: the first 8 bytes of SHA-256 of its 32 bytes.
pub type KeyId = [u8; 8];

pub fn key_id(public_key: &[u8; 32]) -> KeyId {
    let d = Sha256::digest(public_key);
    let mut id = [0u8; 8];
    id.copy_from_slice(&d[..8]);
    id
}

/// What is wrong with a signature (or its absence).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigError {
    /// The SIGNED flag is set but the footer does not fit in the file.
    Truncated { offset: u64 },
    /// A signature algorithm this reader does not verify.
    UnsupportedAlgorithm { algo: u16 },
    /// `sig_length` is not the algorithm's (64 for Ed25519).
    BadLength { sig_length: u16 },
    /// `footer_length` disagrees with `sig_length`.
    FooterLength { found: u32, expected: u32 },
    /// A public key that is not a valid curve point, or a weak (small-order) one.
    BadKey,
    /// The signature does not verify under the key for these bytes.
    Mismatch,
    /// A root page whose CRC32C does not match its bytes.
    PageCrc,
    /// A root page that names another manifest than the file's newest.
    PageManifest,
}

impl SigError {
    /// A stable machine name (conformance set, JSON).
    pub fn class(self) -> &'static str {
        match self {
            SigError::Truncated { .. } => "sig_truncated",
            SigError::UnsupportedAlgorithm { .. } => "sig_algorithm",
            SigError::BadLength { .. } => "sig_length",
            SigError::FooterLength { .. } => "sig_footer_length",
            SigError::BadKey => "sig_key",
            SigError::Mismatch => "sig_mismatch",
            SigError::PageCrc => "page_crc",
            SigError::PageManifest => "page_manifest",
        }
    }
}

impl fmt::Display for SigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigError::Truncated { offset } => write!(
                f,
                "the SIGNED flag is set but no whole signature footer follows the payload at offset {offset}"
            ),
            SigError::UnsupportedAlgorithm { algo } => write!(
                f,
                "signature algorithm {algo} is not one this reader verifies (0 = Ed25519)"
            ),
            SigError::BadLength { sig_length } => {
                write!(f, "an Ed25519 signature is 64 bytes, the footer says {sig_length}")
            }
            SigError::FooterLength { found, expected } => write!(
                f,
                "the footer's footer_length is {found}, its signature needs {expected}"
            ),
            SigError::BadKey => f.write_str("the public key is not a valid (strong) Ed25519 key"),
            SigError::Mismatch => f.write_str("the signature does not verify for these bytes"),
            SigError::PageCrc => f.write_str("the root page's CRC32C does not match its bytes"),
            SigError::PageManifest => {
                f.write_str("the root page names another manifest than the file's newest")
            }
        }
    }
}

impl core::error::Error for SigError {}

/// A segment signature footer as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footer<'a> {
    pub algo: u16,
    pub signature: &'a [u8; SIGNATURE_LEN],
}

/// Bytes the footer of a SIGNED segment occupies after `payload_end`, as
/// read from its `sig_length` (0 when unreadable: the layout then treats
/// the segment as unsigned and the footer check reports it).
pub fn footer_len(data: &[u8], payload_end: u64, limit: u64) -> u64 {
    match u16_at(data, payload_end + AT_SIG_LENGTH as u64) {
        Some(n) if payload_end + FOOTER_OVERHEAD as u64 + n as u64 <= limit => {
            FOOTER_OVERHEAD as u64 + n as u64
        }
        _ => 0,
    }
}

/// Decode the footer following a payload that ends at `payload_end`, no
/// further than `limit`.
pub fn footer(data: &[u8], payload_end: u64, limit: u64) -> Result<Footer<'_>, SigError> {
    let cut = SigError::Truncated {
        offset: payload_end,
    };
    let algo = u16_at(data, payload_end).ok_or(cut)?;
    let sig_length = u16_at(data, payload_end + AT_SIG_LENGTH as u64).ok_or(cut)?;
    let end = payload_end + FOOTER_OVERHEAD as u64 + sig_length as u64;
    if end > limit || end > data.len() as u64 {
        return Err(cut);
    }
    let footer_length = u32_at(data, end - 4).ok_or(cut)?;
    if algo != ALGO_ED25519 {
        return Err(SigError::UnsupportedAlgorithm { algo });
    }
    if sig_length as usize != SIGNATURE_LEN {
        return Err(SigError::BadLength { sig_length });
    }
    if footer_length != FOOTER_LEN as u32 {
        return Err(SigError::FooterLength {
            found: footer_length,
            expected: FOOTER_LEN as u32,
        });
    }
    let signature = range(
        data,
        payload_end + AT_SIGNATURE as u64,
        SIGNATURE_LEN as u64,
    )
    .and_then(|s| <&[u8; SIGNATURE_LEN]>::try_from(s).ok())
    .ok_or(cut)?;
    Ok(Footer { algo, signature })
}

/// The 94 bytes a segment signature covers: header bytes 0x00..0x38, the
/// domain, the segment id again, and SHAKE-256/128 of the payload.
pub fn message(header: &[u8; 64], payload_digest: &[u8; 16]) -> [u8; MESSAGE_LEN] {
    let mut m = [0u8; MESSAGE_LEN];
    let (h, d) = (SIGNED_HEADER_LEN, SIGNED_HEADER_LEN + DOMAIN.len());
    m[..h].copy_from_slice(&header[..h]);
    m[h..d].copy_from_slice(DOMAIN);
    // The segment id again (header bytes 0x08..0x10).
    let id = rvf_spec::segment::at::SEGMENT_ID;
    m[d..d + 8].copy_from_slice(&header[id..id + 8]);
    m[d + 8..].copy_from_slice(payload_digest);
    m
}

/// The payload digest a segment signature covers.
pub fn payload_digest(payload: &[u8]) -> [u8; 16] {
    shake256::<16>(payload)
}

/// A strong Ed25519 public key, or `BadKey`.
pub fn public_key(bytes: &[u8; 32]) -> Result<VerifyingKey, SigError> {
    let k = VerifyingKey::from_bytes(bytes).map_err(|_| SigError::BadKey)?;
    if k.is_weak() {
        return Err(SigError::BadKey);
    }
    Ok(k)
}

/// Verify `signature` over `message` under `key` (strict).
pub fn verify(
    key: &[u8; 32],
    message: &[u8],
    signature: &[u8; SIGNATURE_LEN],
) -> Result<(), SigError> {
    let k = public_key(key)?;
    k.verify_strict(message, &Signature::from_bytes(signature))
        .map_err(|_| SigError::Mismatch)
}

/// CRC32C (Castagnoli, reflected 0x82F63B78), as the root page carries.
pub fn crc32c(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0x82F6_3B78
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// Byte offsets in a signed root page (`rvf-runtime` 0.5.0 `root_page`).
pub mod page {
    pub const LEN: usize = 4096;
    pub const MANIFEST_OFFSET: usize = 0x008;
    pub const MANIFEST_LENGTH: usize = 0x010;
    pub const EPOCH: usize = 0x024;
    pub const SIG_ALGO: usize = 0x098;
    pub const SIG_LENGTH: usize = 0x09A;
    pub const SIGNATURE: usize = 0x09C;
    pub const MANIFEST_HASH: usize = 0xFD0;
    pub const FINGERPRINT: usize = 0xFE0;
    pub const MANIFEST_SEGMENT_ID: usize = 0xFF0;
    pub const CRC: usize = 0xFFC;
    /// `sig_algo` of Ed25519 in a root page (not the footer's 0).
    pub const ALGO_ED25519: u16 = 1;
}

/// What a root page says, once its CRC, manifest pin and signature check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RootPage {
    pub manifest_offset: u64,
    pub epoch: u32,
    /// SHAKE-256/128 of the signer's public key (the page's own fingerprint).
    pub fingerprint: [u8; 16],
}

/// The page's fields and whether it names `manifest` (offset, unpadded
/// length, payload hash and, when set, segment id).
pub fn root_page(
    page_bytes: &[u8],
    manifest_offset: u64,
    manifest_segment_id: u64,
    manifest_payload: &[u8],
) -> Result<RootPage, SigError> {
    let p: &[u8; page::LEN] = page_bytes.try_into().map_err(|_| SigError::PageCrc)?;
    let crc = u32_at(p, page::CRC as u64).ok_or(SigError::PageCrc)?;
    if crc32c(&p[..page::CRC]) != crc {
        return Err(SigError::PageCrc);
    }
    let off = u64_at(p, page::MANIFEST_OFFSET as u64).unwrap_or(u64::MAX);
    let len = u64_at(p, page::MANIFEST_LENGTH as u64).unwrap_or(u64::MAX);
    let id = u64_at(p, page::MANIFEST_SEGMENT_ID as u64).unwrap_or(u64::MAX);
    let hash = shake256::<16>(manifest_payload);
    if off != manifest_offset
        || len != 64 + manifest_payload.len() as u64
        || p[page::MANIFEST_HASH..page::MANIFEST_HASH + 16] != hash
        || (id != 0 && id != manifest_segment_id)
    {
        return Err(SigError::PageManifest);
    }
    let mut fingerprint = [0u8; 16];
    fingerprint.copy_from_slice(&p[page::FINGERPRINT..page::FINGERPRINT + 16]);
    Ok(RootPage {
        manifest_offset: off,
        epoch: u32_at(p, page::EPOCH as u64).unwrap_or(0),
        fingerprint,
    })
}

/// Verify a root page's signature under `key` (its fields were checked by
/// [`root_page`]).
pub fn verify_root_page(page_bytes: &[u8], key: &[u8; 32]) -> Result<(), SigError> {
    let p: &[u8; page::LEN] = page_bytes.try_into().map_err(|_| SigError::PageCrc)?;
    let algo = u16_at(p, page::SIG_ALGO as u64).unwrap_or(0);
    let len = u16_at(p, page::SIG_LENGTH as u64).unwrap_or(0);
    if algo != page::ALGO_ED25519 {
        return Err(SigError::UnsupportedAlgorithm { algo });
    }
    if len as usize != SIGNATURE_LEN {
        return Err(SigError::BadLength { sig_length: len });
    }
    if shake256::<16>(key) != p[page::FINGERPRINT..page::FINGERPRINT + 16] {
        return Err(SigError::Mismatch);
    }
    let mut signature = [0u8; SIGNATURE_LEN];
    signature.copy_from_slice(&p[page::SIGNATURE..page::SIGNATURE + SIGNATURE_LEN]);
    let mut signed = *p;
    signed[page::SIGNATURE..page::SIGNATURE + SIGNATURE_LEN].fill(0);
    signed[page::CRC..].fill(0);
    verify(key, &signed, &signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_check_value() {
        // The CRC catalogue's check value for CRC-32C.
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
    }

    #[test]
    fn key_id_of_the_notes_test_key() {
        // ../shared research: seed 07×32 gives this public key and id.
        let pk = crate::bytes::array::<32>(
            &rvf_spec::hex::decode(
                "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c",
            )
            .unwrap(),
            0,
        )
        .unwrap();
        assert_eq!(rvf_spec::hex::encode(&key_id(&pk)), "fe812c12f3ab4ce6");
    }

    #[test]
    fn footers_are_judged_field_by_field() {
        let mut f = alloc::vec![0u8; 64];
        f.extend_from_slice(&[0, 0, 64, 0]);
        f.extend_from_slice(&[7u8; 64]);
        f.extend_from_slice(&72u32.to_le_bytes());
        let end = f.len() as u64;
        assert!(footer(&f, 64, end).is_ok());
        assert_eq!(footer_len(&f, 64, end), 72);
        assert_eq!(
            footer(&f, 64, end - 1),
            Err(SigError::Truncated { offset: 64 })
        );
        let mut g = f.clone();
        g[64] = 9;
        assert_eq!(
            footer(&g, 64, end),
            Err(SigError::UnsupportedAlgorithm { algo: 9 })
        );
        let mut g = f.clone();
        g[132..136].copy_from_slice(&999u32.to_le_bytes());
        assert_eq!(
            footer(&g, 64, end),
            Err(SigError::FooterLength {
                found: 999,
                expected: 72
            })
        );
        let mut g = f.clone();
        g[66] = 63;
        assert!(matches!(
            footer(&g, 64, end),
            Err(SigError::BadLength { sig_length: 63 })
        ));
        // A small-order public key is refused, never "verified".
        let mut weak = [0u8; 32];
        weak[0] = 1;
        assert_eq!(verify(&weak, b"m", &[0; 64]), Err(SigError::BadKey));
    }
}
