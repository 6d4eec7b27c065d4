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
    /// one (`on_wait` is called once, before the wait). A missing file, or
    /// anything but a regular file (opening a FIFO could block), gives a
    /// lock that holds nothing: there is no file content to lose, and the
    /// writer's own read or rename reports what is wrong with the path.
    pub fn acquire(path: &Path, mut on_wait: impl FnMut()) -> Result<FileLock> {
        let mut waited = false;
        loop {
            let nothing = || FileLock {
                _file: None,
                path: path.to_path_buf(),
            };
            match std::fs::metadata(path) {
                Ok(m) if !m.is_file() => return Ok(nothing()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(nothing()),
                _ => {}
            }
            let file = match File::open(path) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(nothing()),
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

#[cfg(all(test, unix))]
mod tests {
    use super::FileLock;
    use std::time::Duration;

    /// `acquire` on `path` finishes within a few seconds.
    fn returns(path: &std::path::Path) -> bool {
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.to_path_buf();
        std::thread::spawn(move || tx.send(FileLock::acquire(&p, || {}).is_ok()));
        rx.recv_timeout(Duration::from_secs(5)).unwrap_or(false)
    }

    #[test]
    fn special_and_missing_paths_hold_nothing_and_never_block() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        // Opening a FIFO for reading would wait for a writer.
        assert!(returns(&fifo));
        assert!(returns(d.path()));
        assert!(returns(&d.path().join("missing")));
    }

    #[test]
    fn a_second_writer_waits_for_the_first() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        std::fs::write(&p, b"x").unwrap();
        let held = FileLock::acquire(&p, || panic!("nobody holds it yet")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let q = p.clone();
        let waiter = std::thread::spawn(move || {
            FileLock::acquire(&q, || tx.send(()).unwrap()).unwrap();
        });
        // The waiter reports that it waits, and finishes once we let go.
        rx.recv_timeout(Duration::from_secs(5))
            .expect("on_wait called");
        assert!(!waiter.is_finished());
        drop(held);
        waiter.join().unwrap();
    }
}
