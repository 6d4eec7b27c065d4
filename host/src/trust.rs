//! Trust: public keys, trust lists, and the policy selection and data
//! binding apply (docs/SECURITY.md, "Trust policy").
//!
//! Under a policy, a solver segment is eligible only when its signature
//! footer verifies under one of the trusted keys (the footer carries no
//! key id, so each trusted key is tried); by default every data segment a
//! run reads must be signed by a trusted key too. Without a policy nothing
//! changes, and front ends say that the code is unauthenticated.
//!
//! Key files are text: 64 hex digits (the 32 key bytes) and an optional
//! comment line starting with `#`. A trust file lists one key per line,
//! `NAME HEX` or `NAME PATH-TO-KEY.pub` (relative to the trust file), with
//! `#` comments.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use loader::container::Segment;
use loader::signature::{self, KeyId, SigError};

/// A key the host trusts, with the name the user gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedKey {
    pub name: String,
    pub public_key: [u8; 32],
    pub id: KeyId,
}

impl TrustedKey {
    pub fn new(name: impl Into<String>, public_key: [u8; 32]) -> Self {
        TrustedKey {
            name: name.into(),
            id: signature::key_id(&public_key),
            public_key,
        }
    }
}

/// What the host requires of the code and data it runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustPolicy {
    pub keys: Vec<TrustedKey>,
    /// Accept data segments no trusted key signed (code must still be).
    pub unsigned_data: bool,
}

/// Who signed a segment, as far as this host can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signer {
    Unsigned,
    /// The SIGNED flag is set but the footer is malformed.
    BadFooter(SigError),
    /// A well-formed footer; no trusted key was given to check it against.
    Unchecked,
    /// The footer verifies under this trusted key.
    Trusted(TrustedKey),
    /// A well-formed footer that no trusted key verifies.
    Untrusted,
}

impl Signer {
    /// A stable machine name.
    pub fn class(&self) -> &'static str {
        match self {
            Signer::Unsigned => "unsigned",
            Signer::BadFooter(_) => "bad_footer",
            Signer::Unchecked => "signed_unchecked",
            Signer::Trusted(_) => "trusted",
            Signer::Untrusted => "untrusted",
        }
    }
    /// The trusted key, when there is one.
    pub fn key(&self) -> Option<&TrustedKey> {
        match self {
            Signer::Trusted(k) => Some(k),
            _ => None,
        }
    }
}

impl fmt::Display for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Signer::Unsigned => f.write_str("unsigned"),
            Signer::BadFooter(e) => write!(f, "signature footer broken: {e}"),
            Signer::Unchecked => f.write_str("signed (no trusted keys given to check it)"),
            Signer::Trusted(k) => write!(
                f,
                "signed by {} (key {}), trusted",
                k.name,
                rvf_spec::hex::encode(&k.id)
            ),
            Signer::Untrusted => {
                f.write_str("signed, but by none of the trusted keys (or the bytes changed since)")
            }
        }
    }
}

impl TrustPolicy {
    /// Who signed `seg` (whose payload digest, SHAKE-256/128, is `digest`).
    pub fn signer_of(
        &self,
        file_bytes: &[u8],
        body_end: u64,
        seg: &Segment<'_>,
        digest: &[u8; 16],
    ) -> Signer {
        signer_of(Some(self), file_bytes, body_end, seg, digest)
    }
}

/// Who signed `seg`, checked against `policy`'s keys when there is one.
pub fn signer_of(
    policy: Option<&TrustPolicy>,
    file_bytes: &[u8],
    body_end: u64,
    seg: &Segment<'_>,
    digest: &[u8; 16],
) -> Signer {
    if !seg.is_signed() {
        return Signer::Unsigned;
    }
    let footer = match signature::footer(file_bytes, seg.payload_end(), body_end) {
        Ok(f) => f,
        Err(e) => return Signer::BadFooter(e),
    };
    let Some(policy) = policy else {
        return Signer::Unchecked;
    };
    let header = loader::header::encode(&seg.header);
    let message = signature::message(&header, digest);
    policy
        .keys
        .iter()
        .find(|k| signature::verify(&k.public_key, &message, footer.signature).is_ok())
        .map_or(Signer::Untrusted, |k| Signer::Trusted(k.clone()))
}

/// What a file's signed root page (`rvf-runtime` signed stores) says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootPage {
    /// The file ends in no root page.
    Absent,
    /// A page is present; no trusted keys were given to check it.
    Unchecked,
    /// The page names the newest manifest and a trusted key signed it.
    Verified(TrustedKey),
    /// The page is well formed but no trusted key signed it.
    NotTrusted,
    /// The page is malformed or names another manifest.
    Broken(SigError),
}

impl fmt::Display for RootPage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RootPage::Absent => f.write_str("no signed root page"),
            RootPage::Unchecked => {
                f.write_str("signed root page present (not checked: no trusted keys)")
            }
            RootPage::Verified(k) => write!(
                f,
                "signed root page verified: signed by {} (key {}), names the newest manifest",
                k.name,
                rvf_spec::hex::encode(&k.id)
            ),
            RootPage::NotTrusted => {
                f.write_str("signed root page: signed by none of the trusted keys")
            }
            RootPage::Broken(e) => write!(f, "signed root page: {e}"),
        }
    }
}

/// Who signed each directory segment, and the root page's verdict.
#[derive(Clone, Debug)]
pub struct FileTrust {
    pub segments: Vec<(usize, Signer)>,
    pub root_page: RootPage,
}

/// Judge every signature of `file` against `policy` (each signed
/// segment's payload is hashed, SHAKE-256/128, to check its footer).
pub fn file_trust(file: &loader::RvfFile<'_>, policy: Option<&TrustPolicy>) -> FileTrust {
    let mut segments = Vec::new();
    for (i, seg) in file.segments() {
        let Ok(seg) = seg else { continue };
        let digest = if seg.is_signed() && policy.is_some() {
            signature::payload_digest(seg.payload)
        } else {
            [0; 16]
        };
        segments.push((
            i,
            signer_of(policy, file.bytes(), file.body_end(), &seg, &digest),
        ));
    }
    let root_page = if !file.has_root_page() {
        RootPage::Absent
    } else {
        let page = &file.bytes()[file.body_end() as usize..];
        let m = file.manifest();
        let payload = file.manifest_segment().map(|s| s.payload).unwrap_or(&[]);
        match signature::root_page(page, m.offset, m.header.segment_id, payload) {
            Err(e) => RootPage::Broken(e),
            Ok(_) => match policy {
                None => RootPage::Unchecked,
                Some(p) => p
                    .keys
                    .iter()
                    .find(|k| signature::verify_root_page(page, &k.public_key).is_ok())
                    .map_or(RootPage::NotTrusted, |k| RootPage::Verified(k.clone())),
            },
        }
    };
    FileTrust {
        segments,
        root_page,
    }
}

/// Why a key or trust file does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// Not 64 hex digits.
    Format { what: String },
    /// The key bytes are not a valid (strong) Ed25519 public key.
    NotAKey,
    /// A secret key file others may read.
    Permissions { mode: u32 },
    /// A trust-file line that is not `NAME KEY`.
    Line { line: usize, what: String },
    /// Reading a key or trust file failed.
    Io { what: String },
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Format { what } => {
                write!(f, "not a key: {what} (expected 64 hex digits, 32 bytes)")
            }
            KeyError::NotAKey => {
                f.write_str("the 32 bytes are not a valid (strong) Ed25519 public key")
            }
            KeyError::Permissions { mode } => write!(
                f,
                "the secret key is readable by others (mode {mode:o}): chmod 600 it"
            ),
            KeyError::Line { line, what } => write!(f, "line {line}: {what}"),
            KeyError::Io { what } => f.write_str(what),
        }
    }
}

impl KeyError {
    /// A stable machine name (the C API and the JS host use the same).
    pub fn class(&self) -> &'static str {
        match self {
            KeyError::Format { .. } => "key_format",
            KeyError::NotAKey => "not_a_key",
            KeyError::Permissions { .. } => "key_permissions",
            KeyError::Line { .. } => "trust_file_line",
            KeyError::Io { .. } => "key_path",
        }
    }
}

impl core::error::Error for KeyError {}

/// 32 public-key bytes, checked to be a strong Ed25519 key.
pub fn strong_public_key(bytes: &[u8; 32]) -> Result<[u8; 32], KeyError> {
    signature::public_key(bytes).map_err(|_| KeyError::NotAKey)?;
    Ok(*bytes)
}

/// The 32 bytes of a key file's text (64 hex digits; `#` lines ignored).
pub fn parse_key_text(text: &str) -> Result<[u8; 32], KeyError> {
    let hexdigits: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if hexdigits.is_empty() {
        return Err(KeyError::Format {
            what: "empty".into(),
        });
    }
    let bytes = rvf_spec::hex::decode(&hexdigits).ok_or_else(|| KeyError::Format {
        what: "not hex".into(),
    })?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyError::Format {
        what: alloc::format!("{} bytes", bytes.len()),
    })
}

/// A public key from a key file's text, checked to be a strong key.
pub fn parse_public_key(text: &str) -> Result<[u8; 32], KeyError> {
    strong_public_key(&parse_key_text(text)?)
}

/// The keys a trust file lists; `resolve` reads a key named by a path.
pub fn parse_trust_file(
    text: &str,
    resolve: impl Fn(&str) -> Result<[u8; 32], KeyError>,
) -> Result<Vec<TrustedKey>, KeyError> {
    let mut keys = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let bad = |what: &str| KeyError::Line {
            line: i + 1,
            what: what.to_string(),
        };
        let (name, key) = l
            .split_once(char::is_whitespace)
            .ok_or_else(|| bad("expected 'NAME KEY' (KEY: 64 hex digits or a .pub path)"))?;
        let key = key.trim();
        let bytes = if key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()) {
            parse_public_key(key)
        } else {
            resolve(key)
        }
        .map_err(|e| bad(&e.to_string()))?;
        keys.push(TrustedKey::new(name, bytes));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PK: &str = "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c";

    #[test]
    fn key_texts_and_trust_files() {
        let k = parse_public_key(&alloc::format!("# comment\n{PK}\n")).unwrap();
        assert_eq!(rvf_spec::hex::encode(&k), PK);
        assert!(matches!(
            parse_key_text("abcd"),
            Err(KeyError::Format { .. })
        ));
        assert!(matches!(parse_key_text(""), Err(KeyError::Format { .. })));
        assert!(matches!(
            parse_key_text(&"zz".repeat(32)),
            Err(KeyError::Format { .. })
        ));
        let mut weak = alloc::string::String::from("01");
        weak.push_str(&"00".repeat(31));
        assert_eq!(parse_public_key(&weak), Err(KeyError::NotAKey));
        let keys = parse_trust_file(
            &alloc::format!("# team\nalice {PK}\nbob keys/bob.pub\n"),
            |p| {
                assert_eq!(p, "keys/bob.pub");
                Ok(k)
            },
        )
        .unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].name, "alice");
        assert_eq!(rvf_spec::hex::encode(&keys[1].id), "fe812c12f3ab4ce6");
        assert!(matches!(
            parse_trust_file("lonely\n", |_| Ok(k)),
            Err(KeyError::Line { line: 1, .. })
        ));
    }
}
