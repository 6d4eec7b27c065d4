//! Opening a path (std only): the file is memory-mapped read-only with
//! `memmap2`; all parsing then works on the mapped bytes.
//!
//! A mapped file can change under us if another process writes it in place;
//! rvf-boot's writers never do (they write a new file and rename), and
//! anything executed is first copied out and hashed (see the runtime).

use crate::error::Error;
use std::fs::File;
use std::path::Path;

/// A read-only mapping of a whole file (empty files are held as an empty slice).
pub struct MappedFile {
    map: Option<memmap2::Mmap>,
}

impl MappedFile {
    pub fn open(path: &Path) -> Result<Self, Error> {
        let io = |what: &'static str, e: std::io::Error| Error::Io {
            what,
            detail: e.to_string(),
        };
        let f = File::open(path).map_err(|e| io("cannot open file", e))?;
        let len = f.metadata().map_err(|e| io("cannot stat file", e))?.len();
        if len == 0 {
            return Ok(MappedFile { map: None });
        }
        // SAFETY: the mapping is read-only; concurrent truncation by another
        // process is the documented hazard of mmap (SIGBUS), accepted here as
        // for every mmap reader; our own writers replace files by rename.
        let map = unsafe { memmap2::Mmap::map(&f) }.map_err(|e| io("cannot map file", e))?;
        Ok(MappedFile { map: Some(map) })
    }

    pub fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }
}
