//! Segment signatures as the published `rvf-crypto` 0.3.0 writes them
//! (docs/FORMAT.md, "Signatures"): the footer after a SIGNED segment's
//! payload and the message its signature covers. `loader::signature`
//! parses and verifies by these; the packer writes by them; the JS host
//! reads them from the generated facts.

/// The SIGNED bit of a segment header's flags.
pub const SIGNED_FLAG: u16 = rvf_types::SegmentFlags::SIGNED;
/// `sig_algo` of an Ed25519 footer (the segment-footer numbering).
pub const ALGO_ED25519: u16 = 0;
/// An Ed25519 signature, R ‖ S.
pub const SIGNATURE_LEN: usize = 64;
/// Footer bytes besides the signature: sig_algo u16, sig_length u16,
/// footer_length u32.
pub const FOOTER_OVERHEAD: usize = 8;
/// An Ed25519 footer.
pub const FOOTER_LEN: usize = FOOTER_OVERHEAD + SIGNATURE_LEN;
/// Offsets in the footer.
pub const AT_SIG_ALGO: usize = 0;
pub const AT_SIG_LENGTH: usize = 2;
pub const AT_SIGNATURE: usize = 4;
/// The signed message starts with the header's bytes up to and including
/// the content hash (0x38 bytes).
pub const SIGNED_HEADER_LEN: usize =
    crate::segment::at::CONTENT_HASH + crate::segment::CONTENT_HASH_LEN;
const _: () = assert!(SIGNED_HEADER_LEN == 0x38);
/// Then this domain string, the segment id (u64 LE), and SHAKE-256/128 of
/// the payload.
pub const DOMAIN: &[u8; 14] = b"RVF-v1-segment";
pub const DIGEST_LEN: usize = 16;
pub const MESSAGE_LEN: usize = SIGNED_HEADER_LEN + DOMAIN.len() + 8 + DIGEST_LEN;
pub const PUBLIC_KEY_LEN: usize = 32;
/// A key id: the first bytes of SHA-256 of the public key.
pub const KEY_ID_LEN: usize = 8;
