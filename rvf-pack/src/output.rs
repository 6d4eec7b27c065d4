//! Where outputs go. Every file rvf-pack writes (containers, receipts,
//! results, extracted payloads) is written to a temporary file next to its
//! destination, fsynced, and renamed over it, so a reader (or a crash)
//! sees the old file or the new one, never a torn one.

use crate::error::{PackError, Result};
use std::io::{self, Write};
use std::path::Path;

/// Replace `dest` atomically with what `fill` writes.
pub fn write_atomically(
    dest: &Path,
    fill: impl FnOnce(&mut io::BufWriter<&std::fs::File>) -> Result<()>,
) -> Result<()> {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".rvf-pack-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| PackError::io(dir, e))?;
    {
        let mut w = io::BufWriter::with_capacity(1 << 20, tmp.as_file());
        fill(&mut w)?;
        w.flush().map_err(|e| PackError::io(tmp.path(), e))?;
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
