//! Serialising writers of one file. Appending and recording read a file,
//! write a new one and rename it over the old, so two at once would each
//! start from the same old file and the later rename would drop the other's
//! work. A writer therefore holds a `FileLock` from its first read until its
//! rename. Readers take no lock: they always see a whole file (old or new).
//!
//! The lock is `File::lock` (an advisory `flock` on Unix, `LockFileEx` on
//! Windows) on the file now at the path; the OS drops it when the holder
//! exits or dies, so a killed writer never leaves a stale lock. Because a
//! holder replaces the file, a waiter that gets the lock checks that the
//! path still names the file it locked, and otherwise locks the new one.

use crate::error::{PackError, Result};
use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// The right to read, rewrite and replace the file at a path, held until
/// dropped.
#[derive(Debug)]
pub struct FileLock {
    /// `None` when nothing was at the path (nothing to serialise against).
    _file: Option<File>,
    path: PathBuf,
}

impl FileLock {
    /// Lock the file at `path`, waiting for another writer if there is
    /// one (`on_wait` is called once, before the wait). A missing file
    /// gives a lock that holds nothing: creating a file replaces whatever
    /// is there, so there is nothing to lose.
    pub fn acquire(path: &Path, mut on_wait: impl FnMut()) -> Result<FileLock> {
        let mut waited = false;
        loop {
            let file = match File::open(path) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Ok(FileLock {
                        _file: None,
                        path: path.to_path_buf(),
                    })
                }
                Err(e) => return Err(PackError::io(path, e)),
            };
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    if !waited {
                        on_wait();
                        waited = true;
                    }
                    file.lock().map_err(|e| PackError::io(path, e))?;
                }
                Err(TryLockError::Error(e)) => return Err(PackError::io(path, e)),
            }
            if still_at(&file, path).map_err(|e| PackError::io(path, e))? {
                return Ok(FileLock {
                    _file: Some(file),
                    path: path.to_path_buf(),
                });
            }
            // The holder renamed a new file over the path while we waited:
            // our lock is on the old one. Drop it and lock the new file.
        }
    }

    /// The path this lock is for.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether `path` still names `file` (same device and inode); false when
/// nothing is there any more.
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let a = file.metadata()?;
    match std::fs::metadata(path) {
        Ok(b) => Ok(a.dev() == b.dev() && a.ino() == b.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Stable std has no file identity on other platforms; there the lock
/// serialises writers that start while another holds it, but a waiter is
/// not re-pointed to a file renamed in while it waited.
#[cfg(not(unix))]
fn still_at(_: &File, _: &Path) -> io::Result<bool> {
    Ok(true)
}
