//! Opening a path (std only): the file is memory-mapped read-only with
//! `memmap2`; all parsing then works on the mapped bytes.
//!
//! Only a regular file is read. The path is opened non-blocking and judged
//! by `fstat` on the open descriptor before any byte is read, so a FIFO, a
//! device or a directory is refused at once (never waited on, never read
//! until memory runs out), and no race between a check and the open exists.
//!
//! A mapped file can change under us if another process writes it in place;
//! rvf-boot's writers never do (they write a new file and rename), and
//! anything executed is first copied out and hashed (see `rvf-host`).

use crate::error::Error;
use std::fs::{File, Metadata, OpenOptions};
use std::path::Path;

/// A read-only mapping of a whole file (empty files are held as an empty slice).
pub struct MappedFile {
    map: Option<memmap2::Mmap>,
}

/// Open `path` for reading only if it is a regular file (following
/// symbolic links), without blocking on FIFOs or devices.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), Error> {
    let shown = path.display().to_string();
    let io = |what: &'static str, e: std::io::Error| Error::Io {
        path: shown.clone(),
        what,
        detail: e.to_string(),
    };
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    let f = o.open(path).map_err(|e| io("cannot open", e))?;
    let meta = f.metadata().map_err(|e| io("cannot stat", e))?;
    if !meta.is_file() {
        return Err(Error::NotAFile {
            path: shown,
            kind: file_kind(&meta),
        });
    }
    Ok((f, meta))
}

/// What a non-regular file is, in words.
pub fn file_kind(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_char_device() {
            return "character device";
        }
        if t.is_block_device() {
            return "block device";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    if t.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

impl MappedFile {
    pub fn open(path: &Path) -> Result<Self, Error> {
        let (f, meta) = open_regular(path)?;
        if meta.len() == 0 {
            return Ok(MappedFile { map: None });
        }
        // SAFETY: the mapping is read-only; concurrent truncation by another
        // process is the documented hazard of mmap (SIGBUS), accepted here as
        // for every mmap reader; our own writers replace files by rename.
        let map = unsafe { memmap2::Mmap::map(&f) }.map_err(|e| Error::Io {
            path: path.display().to_string(),
            what: "cannot map",
            detail: e.to_string(),
        })?;
        Ok(MappedFile { map: Some(map) })
    }

    pub fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }
}
