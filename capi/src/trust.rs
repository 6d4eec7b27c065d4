//! Trust: the keys a C host trusts (`RvfTrust`, the host's trusted keys)
//! and who signed a segment (`RvfSigner`, the host's `Signer`).
//!
//! A trust list is a handle the caller fills (raw key bytes, a `.pub`
//! file's text, or a trust file's text) and names in `RvfConfig.trust`.
//! Opening a file or configuring a handle copies its keys into that
//! file's policy, so the list may be freed (or changed, or reused for
//! other files) as soon as the call returns. Key text is parsed by
//! `rvf_host::trust` (the rules `rvf-pack` and the JS host apply); a weak
//! or malformed key is `RVF_EXIT_BAD_INPUT` with the JS host's classes
//! (`key_format`, `not_a_key`, `trust_file_line`).

use crate::args::{self, handle_out, Out};
use crate::codes::RvfCode;
use crate::error::{c_string, guard, guard_value, Fail, RvfError};
use alloc::boxed::Box;
use alloc::ffi::CString;
use alloc::string::ToString;
use alloc::vec::Vec;
use core::ffi::c_char;
use rvf_host::trust::{self as host_trust, KeyError};
use rvf_host::{Signer, TrustedKey};
use rvf_spec::exit::Exit;

/// Bytes of an Ed25519 public key.
pub const RVF_PUBLIC_KEY_LEN: usize = 32;
/// Bytes of a key id (the first 8 of SHA-256 of the public key).
pub const RVF_KEY_ID_LEN: usize = 8;

/// A key error: exit `bad_input`, with the host's class for its kind.
fn key_fail(e: &KeyError) -> Fail {
    Fail::exit(Exit::BadInput, e).with_class(e.class())
}

struct Entry {
    key: TrustedKey,
    name: CString,
}

/// A list of trusted public keys, each with a name. Opaque; make it with
/// `rvf_trust_new`, free it with `rvf_trust_free`.
pub struct RvfTrust {
    keys: Vec<Entry>,
}

impl RvfTrust {
    fn push(&mut self, key: TrustedKey) {
        let name = c_string(&key.name);
        self.keys.push(Entry { key, name });
    }

    /// The keys, for a policy.
    pub fn keys(&self) -> Vec<TrustedKey> {
        self.keys.iter().map(|e| e.key.clone()).collect()
    }
}

/// A new, empty trust list into `*out` (NULL on failure). An empty list
/// named in `RvfConfig.trust` is still a policy: one that trusts no key,
/// so no solver runs (`RVF_EXIT_UNTRUSTED`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_trust_new(
    out: *mut *mut RvfTrust,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        let out = handle_out(out, "out")?;
        out.set(Box::into_raw(Box::new(RvfTrust { keys: Vec::new() })));
        Ok(())
    })
}

/// Free a trust list (NULL is ignored). Files opened with it keep their
/// own copy of its keys.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_trust_free(trust: *mut RvfTrust) {
    guard_value((), || {
        if !trust.is_null() {
            // SAFETY: a pointer `rvf_trust_new` returned, freed once.
            drop(unsafe { Box::from_raw(trust) });
        }
    })
}

/// Trust the Ed25519 public key `public_key` (`len` bytes, which must be
/// `RVF_PUBLIC_KEY_LEN` = 32), calling it `name` (UTF-8; copied, shown in
/// verdicts and `RvfSigner.key_name`). A length other than 32 is
/// `RVF_EXIT_BAD_INPUT` (class `key_format`), a weak (small-order) or
/// invalid key `RVF_EXIT_BAD_INPUT` (class `not_a_key`); the list is then
/// unchanged.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_trust_add_key(
    trust: *mut RvfTrust,
    name: *const c_char,
    public_key: *const u8,
    len: usize,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        // SAFETY: the caller's contract for each pointer.
        let t = unsafe { args::get_mut(trust, "trust") }?;
        let name = unsafe { args::text(name, "name") }?;
        let bytes = unsafe { args::bytes(public_key, len, "public_key") }?;
        let key = <[u8; 32]>::try_from(bytes).map_err(|_| {
            key_fail(&KeyError::Format {
                what: alloc::format!("{} bytes", bytes.len()),
            })
        })?;
        let checked = host_trust::strong_public_key(&key).map_err(|e| key_fail(&e))?;
        t.push(TrustedKey::new(name, checked));
        Ok(())
    })
}

/// Trust the public key in `key_text`, the text of a `.pub` file from
/// `rvf-pack keygen` (64 hex digits; `#` comment lines ignored), calling
/// it `name`. Malformed text is `RVF_EXIT_BAD_INPUT` (class `key_format`),
/// a weak key `RVF_EXIT_BAD_INPUT` (class `not_a_key`); the list is then
/// unchanged.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_trust_add_key_text(
    trust: *mut RvfTrust,
    name: *const c_char,
    key_text: *const c_char,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        // SAFETY: the caller's contract for each pointer.
        let t = unsafe { args::get_mut(trust, "trust") }?;
        let name = unsafe { args::text(name, "name") }?;
        let text = unsafe { args::text(key_text, "key_text") }?;
        let key = host_trust::parse_public_key(text).map_err(|e| key_fail(&e))?;
        t.push(TrustedKey::new(name, key));
        Ok(())
    })
}

/// Trust every key of a trust file's text: one `NAME HEX` per line (64 hex
/// digits), blank lines and `#` comments ignored (docs/FORMAT.md,
/// "Signatures"). The library reads no files, so a line naming a `.pub`
/// path is refused: read that key yourself (`rvf_trust_add_key_text`).
/// A bad line is `RVF_EXIT_BAD_INPUT` (class `trust_file_line`, the
/// message starts `line N:`) and no key of the text is added.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_trust_add_file_text(
    trust: *mut RvfTrust,
    text: *const c_char,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        // SAFETY: the caller's contract for each pointer.
        let t = unsafe { args::get_mut(trust, "trust") }?;
        let text = unsafe { args::text(text, "text") }?;
        let keys = host_trust::parse_trust_file(text, |path| {
            Err(KeyError::Io {
                what: alloc::format!(
                    "{path}: a key must be given as 64 hex digits here (no files to read a .pub path from)"
                ),
            })
        })
        .map_err(|e| key_fail(&e))?;
        for k in keys {
            t.push(k);
        }
        Ok(())
    })
}

/// The number of keys in the list (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_trust_count(trust: *const RvfTrust) -> usize {
    guard_value(0, || {
        // SAFETY: NULL or a live trust list.
        unsafe { args::get(trust, "trust") }.map_or(0, |t| t.keys.len())
    })
}

/// One trusted key: its name, id and bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RvfTrustedKey {
    /// The name it was given. Owned by the trust list: valid until the
    /// list is freed.
    pub name: *const c_char,
    /// Its id: the first 8 bytes of SHA-256 of the public key (shown and
    /// recorded, never trusted).
    pub id: [u8; RVF_KEY_ID_LEN],
    pub public_key: [u8; RVF_PUBLIC_KEY_LEN],
}

/// Key `i` of the list (0 <= i < count, in the order added) into `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_trust_key(
    trust: *const RvfTrust,
    i: usize,
    out: *mut RvfTrustedKey,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        // SAFETY: the caller's contract for `trust`.
        let t = unsafe { args::get(trust, "trust") }?;
        let out = Out::new(out, "out")?;
        let e = t.keys.get(i).ok_or_else(|| {
            Fail::new(
                crate::codes::ApiError::BadIndex.code(),
                alloc::format!("key {i}: the trust list has {}", t.keys.len()),
            )
        })?;
        out.set(RvfTrustedKey {
            name: e.name.as_ptr(),
            id: e.key.id,
            public_key: e.key.public_key,
        });
        Ok(())
    })
}

/// Who signed a segment, as far as this host can tell (the host's `Signer`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RvfSignerKind {
    /// The segment is not signed.
    Unsigned = 0,
    /// The SIGNED flag is set but the signature footer is malformed.
    BadFooter = 1,
    /// A well-formed footer; no trust list was given to check it.
    SignedUnchecked = 2,
    /// The signature verifies under a trusted key (`key_name`, `key_id`).
    Trusted = 3,
    /// A well-formed footer that no trusted key verifies (or the bytes
    /// changed since it was signed).
    Untrusted = 4,
}

/// Who signed a segment. The strings are owned by the handle it came
/// from (the selection or the run).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RvfSigner {
    pub kind: RvfSignerKind,
    /// The kind's stable name (the host's `Signer::class`, `signer.class`
    /// in `rvf-pack --json`): `unsigned`, `bad_footer`,
    /// `signed_unchecked`, `trusted`, `untrusted`.
    pub class_name: *const c_char,
    /// In words: `signed by alice (key fe812c12f3ab4ce6), trusted`.
    pub text: *const c_char,
    /// The trusted key's name (`Trusted` only; NULL otherwise).
    pub key_name: *const c_char,
    /// The trusted key's id (`Trusted` only; zero otherwise).
    pub key_id: [u8; RVF_KEY_ID_LEN],
}

/// An `RvfSigner` and the strings it points at.
pub struct OwnedSigner {
    info: RvfSigner,
    _class: CString,
    _text: CString,
    _name: Option<CString>,
}

impl OwnedSigner {
    pub fn new(s: &Signer) -> OwnedSigner {
        let class = c_string(s.class());
        let text = c_string(&s.to_string());
        let name = s.key().map(|k| c_string(&k.name));
        OwnedSigner {
            info: RvfSigner {
                kind: match s {
                    Signer::Unsigned => RvfSignerKind::Unsigned,
                    Signer::BadFooter(_) => RvfSignerKind::BadFooter,
                    Signer::Unchecked => RvfSignerKind::SignedUnchecked,
                    Signer::Trusted(_) => RvfSignerKind::Trusted,
                    Signer::Untrusted => RvfSignerKind::Untrusted,
                },
                // The CStrings' heap buffers do not move with them.
                class_name: class.as_ptr(),
                text: text.as_ptr(),
                key_name: name.as_ref().map_or(core::ptr::null(), |n| n.as_ptr()),
                key_id: s.key().map_or([0; RVF_KEY_ID_LEN], |k| k.id),
            },
            _class: class,
            _text: text,
            _name: name,
        }
    }

    pub fn info(&self) -> RvfSigner {
        self.info
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use core::ffi::CStr;
    use core::ptr;

    const ALICE: &str = "e35fe26605222a2245ebe09060014428dabbc383f2984dcd081bc90305e08109";

    unsafe fn class(err: *mut RvfError) -> String {
        let s = unsafe { CStr::from_ptr(crate::error::rvf_error_class(err)) };
        let s = s.to_str().unwrap().to_string();
        unsafe { crate::error::rvf_error_free(err) };
        s
    }

    #[test]
    fn keys_go_in_whole_or_not_at_all() {
        unsafe {
            let mut t: *mut RvfTrust = ptr::null_mut();
            let mut err: *mut RvfError = ptr::null_mut();
            assert_eq!(rvf_trust_new(&mut t, ptr::null_mut()), 0);
            let alice = rvf_spec::hex::decode(ALICE).unwrap();
            assert_eq!(
                rvf_trust_add_key(t, c"alice".as_ptr(), alice.as_ptr(), 32, &mut err),
                0
            );
            let mut weak = [0u8; 32];
            weak[0] = 1;
            let bad = Exit::BadInput.code() as RvfCode;
            assert_eq!(
                rvf_trust_add_key(t, c"w".as_ptr(), weak.as_ptr(), 32, &mut err),
                bad
            );
            assert_eq!(class(err), "not_a_key");
            assert_eq!(
                rvf_trust_add_key(t, c"w".as_ptr(), alice.as_ptr(), 31, &mut err),
                bad
            );
            assert_eq!(class(err), "key_format");
            let text = alloc::format!("a {ALICE}\nb keys/b.pub\n\0");
            assert_eq!(
                rvf_trust_add_file_text(t, text.as_ptr().cast(), &mut err),
                bad
            );
            assert_eq!(class(err), "trust_file_line");
            assert_eq!(rvf_trust_count(t), 1);
            let mut k = core::mem::zeroed::<RvfTrustedKey>();
            assert_eq!(rvf_trust_key(t, 0, &mut k, ptr::null_mut()), 0);
            assert_eq!(CStr::from_ptr(k.name).to_str(), Ok("alice"));
            assert_eq!(k.public_key.as_slice(), alice.as_slice());
            assert_eq!(k.id, rvf_host::TrustedKey::new("x", k.public_key).id);
            rvf_trust_free(t);
        }
    }
}
