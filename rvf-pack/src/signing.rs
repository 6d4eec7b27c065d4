//! Signing segments as the published `rvf-crypto` 0.3.0 does: the SIGNED
//! flag (0x0004) in the header, then right after the payload a 72-byte
//! footer `sig_algo 0 (Ed25519), sig_length 64, signature, footer_length
//! 72`, then zero padding to 64 bytes (`alignment_pad` counts only that
//! padding). The signature is over the header's first 0x38 bytes (type,
//! flags, id, length, checksum algorithm, content hash, ...), the string
//! `RVF-v1-segment`, the segment id again and SHAKE-256/128 of the payload
//! (`loader::signature::message`). Keys: 32-byte Ed25519 seeds kept in text
//! files (`keys`).

use ed25519_dalek::{Signer as _, SigningKey};
use loader::signature::{self, FOOTER_LEN};
use rvf_spec::format::seg;

/// Which new segments a writer signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// Solver and interpreter modules (WASM segments).
    Code,
    /// Every segment but the manifest.
    All,
}

/// A key and which segments it signs.
pub struct SegmentSigner {
    key: SigningKey,
    pub which: Which,
}

impl SegmentSigner {
    pub fn new(seed: &[u8; 32], which: Which) -> Self {
        SegmentSigner {
            key: SigningKey::from_bytes(seed),
            which,
        }
    }

    /// A signer with `other`'s key choosing segments by `which`.
    pub fn sharing_key(other: &SegmentSigner, which: Which) -> Self {
        SegmentSigner {
            key: other.key.clone(),
            which,
        }
    }

    /// The public key that verifies this signer's footers.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// Whether a new segment of this type is signed. The manifest never is
    /// (the published readers take a footer after it for a torn tail).
    pub fn signs(&self, seg_type: u8) -> bool {
        match self.which {
            _ if seg_type == seg::MANIFEST => false,
            Which::Code => seg_type == seg::WASM,
            Which::All => true,
        }
    }

    /// The footer for a segment whose final header is `header` (SIGNED set)
    /// and whose payload's SHAKE-256/128 is `digest`.
    pub fn footer(&self, header: &[u8; 64], digest: &[u8; 16]) -> [u8; FOOTER_LEN] {
        let sig = self
            .key
            .sign(&signature::message(header, digest))
            .to_bytes();
        let mut f = [0u8; FOOTER_LEN];
        f[0..2].copy_from_slice(&signature::ALGO_ED25519.to_le_bytes());
        f[2..4].copy_from_slice(&(signature::SIGNATURE_LEN as u16).to_le_bytes());
        f[4..68].copy_from_slice(&sig);
        f[68..72].copy_from_slice(&(FOOTER_LEN as u32).to_le_bytes());
        f
    }

    /// Sign arbitrary bytes (a receipt): the 64-byte Ed25519 signature.
    pub fn sign_bytes(&self, bytes: &[u8]) -> [u8; 64] {
        self.key.sign(bytes).to_bytes()
    }
}
