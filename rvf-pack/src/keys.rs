//! Key files on disk: `NAME.key` (the 32-byte Ed25519 seed, 64 hex digits,
//! mode 0600, never readable by others) and `NAME.pub` (the public key,
//! 64 hex digits), and trust files listing public keys by name (the text
//! formats are `rvf_host::trust`'s).

use crate::error::{PackError, Result};
use rvf_host::trust::{self, KeyError, TrustPolicy, TrustedKey};
use std::io::Write;
use std::path::{Path, PathBuf};

fn key_error(path: &Path, e: KeyError) -> PackError {
    PackError::input(path, None, e.to_string())
}

/// Read a small text file (keys and trust files are a few lines), refusing
/// anything but a regular file.
fn read_text(path: &Path) -> Result<String> {
    let (f, meta) = loader::open_regular(path)?;
    read_open(path, f, &meta)
}

/// The text of an opened key or trust file, read through the same handle
/// its metadata came from (so what was checked is what is read).
fn read_open(path: &Path, f: std::fs::File, meta: &std::fs::Metadata) -> Result<String> {
    if meta.len() > 1 << 20 {
        return Err(PackError::input(
            path,
            None,
            "too large for a key or trust file",
        ));
    }
    let mut s = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(f, 1 << 20), &mut s)
        .map_err(|e| PackError::io(path, e))?;
    Ok(s)
}

/// The public key in a `.pub` file.
pub fn read_public(path: &Path) -> Result<[u8; 32]> {
    trust::parse_public_key(&read_text(path)?).map_err(|e| key_error(path, e))
}

/// The seed in a `.key` file, refused when others may read the file.
pub fn read_secret(path: &Path) -> Result<[u8; 32]> {
    let (f, meta) = loader::open_regular(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(key_error(path, KeyError::Permissions { mode }));
        }
    }
    trust::parse_key_text(&read_open(path, f, &meta)?).map_err(|e| key_error(path, e))
}

/// The keys of a trust file (paths in it are relative to its directory).
pub fn read_trust_file(path: &Path) -> Result<Vec<TrustedKey>> {
    let base = path.parent().unwrap_or(Path::new("."));
    trust::parse_trust_file(&read_text(path)?, |p| {
        let key_path = base.join(p);
        read_public(&key_path).map_err(|e| KeyError::Io {
            what: e.to_string(),
        })
    })
    .map_err(|e| key_error(path, e))
}

/// Every file a policy from these arguments reads: the `.pub` files, the
/// trust files and the key files they name (outputs must never replace
/// them). A trust file that cannot be read adds only itself.
pub fn policy_inputs(pub_files: &[PathBuf], trust_files: &[PathBuf]) -> Vec<PathBuf> {
    let v: std::cell::RefCell<Vec<PathBuf>> =
        std::cell::RefCell::new(pub_files.iter().chain(trust_files).cloned().collect());
    for t in trust_files {
        let base = t.parent().unwrap_or(Path::new("."));
        if let Ok(text) = read_text(t) {
            // Only the paths are wanted here: any key will do.
            let _ = trust::parse_trust_file(&text, |p| {
                v.borrow_mut().push(base.join(p));
                Ok([0; 32])
            });
        }
    }
    v.into_inner()
}

/// A policy from `--trust KEY.pub` files and trust files; `None` when
/// neither is given. A trust file that lists no key still makes a policy,
/// one that trusts nothing (so nothing runs), never silently none.
pub fn policy(
    pub_files: &[PathBuf],
    trust_files: &[PathBuf],
    unsigned_data: bool,
) -> Result<Option<TrustPolicy>> {
    let mut keys = Vec::new();
    for p in pub_files {
        let name = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        keys.push(TrustedKey::new(name, read_public(p)?));
    }
    for t in trust_files {
        keys.extend(read_trust_file(t)?);
    }
    if pub_files.is_empty() && trust_files.is_empty() {
        return Ok(None);
    }
    Ok(Some(TrustPolicy {
        keys,
        unsigned_data,
    }))
}

/// A new key pair: `NAME.key` (mode 0600) and `NAME.pub`, refusing to
/// replace existing files. Returns the public key.
pub fn generate(name: &Path) -> Result<([u8; 32], PathBuf, PathBuf)> {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed)
        .map_err(|e| PackError::Usage(format!("no randomness for a key: {e}")))?;
    let public = ed25519_dalek::SigningKey::from_bytes(&seed)
        .verifying_key()
        .to_bytes();
    let (key, public_path) = (with_ext(name, "key"), with_ext(name, "pub"));
    for p in [&key, &public_path] {
        if std::fs::symlink_metadata(p).is_ok() {
            return Err(PackError::Usage(format!(
                "{} exists: refusing to replace a key (choose another name)",
                p.display()
            )));
        }
    }
    let comment = |what: &str| {
        format!(
            "# rvf-boot Ed25519 {what} key, id {}\n",
            rvf_spec::hex::encode(&loader::signature::key_id(&public))
        )
    };
    write_new(
        &key,
        0o600,
        &format!("{}{}\n", comment("secret"), rvf_spec::hex::encode(&seed)),
    )?;
    write_new(
        &public_path,
        0o644,
        &format!("{}{}\n", comment("public"), rvf_spec::hex::encode(&public)),
    )
    .inspect_err(|_| {
        // No secret key without its public half.
        let _ = std::fs::remove_file(&key);
    })?;
    Ok((public, key, public_path))
}

fn with_ext(name: &Path, ext: &str) -> PathBuf {
    let mut s = name.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// Create `path` (it must not exist) with `mode`, and write `text`.
fn write_new(path: &Path, mode: u32, text: &str) -> Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = o.open(path).map_err(|e| PackError::io(path, e))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| PackError::io(path, e))
}
