//! Where outputs go, and the rules every output obeys. Every file rvf-pack
//! writes (containers, receipts, results, extracted payloads) is written to
//! a temporary file in the directory of its destination, fsynced, and
//! renamed over it, so a reader (or a crash) sees the old file or the new
//! one, never a torn one. Before anything is written:
//!
//! - a symbolic link is followed to its target, which is what gets
//!   replaced (the link stays a link);
//! - an existing destination that is not a regular file (a device, a FIFO,
//!   a directory, `/dev/stdout`) is refused: it is never replaced by a
//!   regular file (write to `-` for standard output);
//! - a destination that is the same file as one of the command's inputs
//!   (same device and inode, after resolving links) is refused;
//! - a new file gets the mode `0666` less the umask, as any Unix tool's;
//!   a replaced file keeps its mode (and its owner, where permitted).

use crate::error::{PackError, Result};
use std::fs::{self, Metadata, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How many symbolic links are followed before giving up (as the kernel's ELOOP).
const MAX_LINKS: usize = 40;

/// A destination resolved and judged.
#[derive(Debug)]
pub struct Destination {
    /// The path written (symbolic links resolved).
    path: PathBuf,
    /// The regular file being replaced, if one exists.
    existing: Option<Metadata>,
}

fn refuse(dest: &Path, what: String) -> PackError {
    PackError::Usage(format!("{}: {what}", dest.display()))
}

/// Follow `dest` through symbolic links to the path that would be written.
fn follow_links(dest: &Path) -> Result<PathBuf> {
    let mut p = dest.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&p).map_err(|e| PackError::io(&p, e))?;
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(PackError::io(&p, e)),
        }
    }
    Err(refuse(
        dest,
        format!("more than {MAX_LINKS} symbolic links to follow"),
    ))
}

/// True when `a` and `b` name the same existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                x.dev() == y.dev() && x.ino() == y.ino()
            }
            #[cfg(not(unix))]
            {
                let _ = (x, y);
                fs::canonicalize(a).ok() == fs::canonicalize(b).ok()
            }
        }
        _ => false,
    }
}

impl Destination {
    /// Resolve and judge `dest` for a command whose inputs are `inputs`.
    pub fn resolve(dest: &Path, inputs: &[&Path]) -> Result<Destination> {
        if let Some(input) = inputs.iter().find(|i| same_file(dest, i)) {
            return Err(refuse(
                dest,
                format!(
                    "is the same file as the input {}; refusing to overwrite an input (choose another output)",
                    input.display()
                ),
            ));
        }
        // What the kernel resolves the name to (it also resolves special
        // links such as /dev/stdout -> /proc/self/fd/1 -> a pipe).
        let existing = match fs::metadata(dest) {
            Ok(m) if m.is_file() => Some(m),
            Ok(m) => {
                return Err(refuse(
                    dest,
                    format!(
                        "is a {}, not a regular file; refusing to replace it{}",
                        loader::file_kind(&m),
                        if m.is_dir() {
                            ""
                        } else {
                            " (use - for standard output)"
                        }
                    ),
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(PackError::io(dest, e)),
        };
        // The path to replace: the target of any symbolic links (a dangling
        // link's target is created).
        let path = follow_links(dest)?;
        Ok(Destination { path, existing })
    }

    /// The path written (the target of any symbolic link).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replace the destination atomically with what `fill` writes.
    pub fn write(
        &self,
        fill: impl FnOnce(&mut io::BufWriter<&std::fs::File>) -> Result<()>,
    ) -> Result<()> {
        let dest = &self.path;
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut b = tempfile::Builder::new();
        b.prefix(".rvf-pack-").suffix(".tmp");
        #[cfg(unix)]
        {
            // Created with 0666: the kernel applies the umask, as for any tool.
            use std::os::unix::fs::PermissionsExt;
            b.permissions(Permissions::from_mode(0o666));
        }
        let tmp = b.tempfile_in(dir).map_err(|e| PackError::io(dir, e))?;
        {
            let mut w = io::BufWriter::with_capacity(1 << 20, tmp.as_file());
            fill(&mut w)?;
            w.flush().map_err(|e| PackError::io(tmp.path(), e))?;
        }
        if let Some(old) = &self.existing {
            keep_mode_and_owner(tmp.as_file(), old).map_err(|e| PackError::io(tmp.path(), e))?;
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| PackError::io(tmp.path(), e))?;
        tmp.persist(dest)
            .map_err(|e| PackError::io(dest, e.error))?;
        // Make the rename durable.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// Give the new file the replaced file's mode, and its owner where the
/// process may (an owner change other users' files need is skipped).
fn keep_mode_and_owner(f: &std::fs::File, old: &Metadata) -> io::Result<()> {
    f.set_permissions(old.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = f.metadata()?;
        if (now.uid(), now.gid()) != (old.uid(), old.gid()) {
            match std::os::unix::fs::fchown(f, Some(old.uid()), Some(old.gid())) {
                Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {}
                other => other?,
            }
        }
    }
    Ok(())
}

/// Replace `dest` atomically with what `fill` writes, by the rules above
/// (with no inputs to compare against).
pub fn write_atomically(
    dest: &Path,
    fill: impl FnOnce(&mut io::BufWriter<&std::fs::File>) -> Result<()>,
) -> Result<()> {
    Destination::resolve(dest, &[])?.write(fill)
}

/// Write `bytes` to `dest` by the rules above, or to standard output when
/// `dest` is `-`.
pub fn write_bytes(dest: &Path, inputs: &[&Path], bytes: &[u8]) -> Result<()> {
    if dest == Path::new("-") {
        let mut out = io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|_| out.flush())
            .map_err(|e| PackError::io(dest, e));
    }
    Destination::resolve(dest, inputs)?
        .write(|w| w.write_all(bytes).map_err(|e| PackError::io(dest, e)))
}
