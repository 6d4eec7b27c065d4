//! The `RvfFile` handle: an open file, its bytes and its session.
//!
//! A handle owns the bytes it reads: `rvf_file_open_bytes` copies the
//! caller's buffer (the caller may free theirs at once), and
//! `rvf_file_open_path` (std) memory-maps a regular file through
//! `rvf_host::MappedFile`. The host's `Session` borrows those bytes; the
//! handle keeps both and drops the session first.

use crate::args::{self, handle_out, Out};
use crate::codes::{ApiError, RvfCode};
use crate::config::RvfConfig;
use crate::error::{guard, guard_value, Fail, RvfError};
use alloc::boxed::Box;
use rvf_host::{HostConfig, Session};
use rvf_spec::exit::Exit;

/// Where a handle's bytes live. Raw pointers (not `Box`es) so the
/// session's borrow of them stays valid while the handle moves.
enum Backing {
    Owned(*mut [u8]),
    #[cfg(feature = "std")]
    Mapped(*mut rvf_host::MappedFile),
}

/// An open RVF file and its session (selection, verified data). Opaque;
/// free with `rvf_file_free`.
pub struct RvfFile {
    /// Borrows `backing`'s bytes; dropped before them (see `Drop`).
    session: Option<Session<'static>>,
    backing: Backing,
}

impl Drop for RvfFile {
    fn drop(&mut self) {
        self.session = None;
        match self.backing {
            // SAFETY: made by `Box::into_raw` in `open_*`, dropped once,
            // after the session that borrowed it.
            Backing::Owned(p) => drop(unsafe { Box::from_raw(p) }),
            #[cfg(feature = "std")]
            Backing::Mapped(p) => drop(unsafe { Box::from_raw(p) }),
        }
    }
}

impl RvfFile {
    /// Parse `bytes` (owned by `backing`) and start a session.
    ///
    /// # Safety
    /// `bytes` is the memory `backing` owns, which lives until the handle
    /// is dropped (the `'static` never leaves this handle).
    unsafe fn open(
        bytes: &'static [u8],
        backing: Backing,
        config: HostConfig,
    ) -> Result<RvfFile, Fail> {
        // Build the handle first, so `backing` is freed on every path.
        let mut handle = RvfFile {
            session: None,
            backing,
        };
        let parsed = rvf_host::RvfFile::parse(bytes)
            .map_err(|e| Fail::exit(rvf_host::loader_exit(&e), &e).with_class(e.class()))?;
        handle.session = Some(Session::new(parsed, config));
        Ok(handle)
    }

    pub fn session(&self) -> &Session<'static> {
        // Always Some outside `open` and `configure`.
        self.session.as_ref().expect("an open handle has a session")
    }

    pub fn session_mut(&mut self) -> &mut Session<'static> {
        self.session.as_mut().expect("an open handle has a session")
    }

    fn into_raw(self) -> *mut RvfFile {
        Box::into_raw(Box::new(self))
    }
}

/// Open an RVF file from a byte buffer. The bytes are copied: the handle
/// owns its copy, and the caller may free `bytes` when this returns.
/// `bytes` must not be NULL, even when `len` is 0 (an empty buffer is not
/// an RVF file: `RVF_EXIT_BAD_CONTAINER`).
/// `config` may be NULL (the defaults). On success `*out` is the handle;
/// on failure it is NULL and the code says why (`RVF_EXIT_BAD_CONTAINER`
/// for a malformed file, with the loader's rule as the error's class).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_file_open_bytes(
    bytes: *const u8,
    len: usize,
    config: *const RvfConfig,
    out: *mut *mut RvfFile,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        let out = handle_out(out, "out")?;
        // SAFETY: the caller's contract for `bytes`/`len` and `config`.
        let data = unsafe { args::bytes(bytes, len, "bytes") }?;
        let config = unsafe { RvfConfig::read(config) }?;
        let mut copy = alloc::vec::Vec::new();
        copy.try_reserve_exact(data.len())
            .map_err(|_| Fail::exit(Exit::Io, "out of memory copying the file"))?;
        copy.extend_from_slice(data);
        let raw: *mut [u8] = Box::into_raw(copy.into_boxed_slice());
        // SAFETY: `raw` is owned by the handle built from it and lives
        // until the handle is dropped.
        let handle = unsafe { RvfFile::open(&*raw, Backing::Owned(raw), config) }?;
        out.set(handle.into_raw());
        Ok(())
    })
}

/// Open an RVF file from a path (UTF-8), memory-mapped read-only. Only a
/// regular file is read (a FIFO or device is refused at once, never
/// waited on): `RVF_EXIT_IO` with class `io` or `not_a_file`. The bytes of
/// a mapping can be changed by another process after they were hashed; a
/// host that must rule that out reads the file itself and uses
/// `rvf_file_open_bytes` (see docs/SECURITY.md). Not in builds without the
/// `std` feature (bare metal).
#[cfg(feature = "std")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_file_open_path(
    path: *const core::ffi::c_char,
    config: *const RvfConfig,
    out: *mut *mut RvfFile,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        let out = handle_out(out, "out")?;
        // SAFETY: the caller's contract for `path` and `config`.
        let path = unsafe { args::text(path, "path") }?;
        let config = unsafe { RvfConfig::read(config) }?;
        let map = rvf_host::MappedFile::open(std::path::Path::new(path))
            .map_err(|e| Fail::exit(rvf_host::loader_exit(&e), &e).with_class(e.class()))?;
        let raw = Box::into_raw(Box::new(map));
        // SAFETY: the mapping is owned by the handle and its bytes do not
        // move while it lives (the `MappedFile` is boxed and never moved).
        let bytes: &'static [u8] = unsafe { (*raw).bytes() };
        let handle = unsafe { RvfFile::open(bytes, Backing::Mapped(raw), config) }?;
        out.set(handle.into_raw());
        Ok(())
    })
}

/// Free a file handle and its bytes (NULL is ignored). Selections and runs
/// made from it stay valid: they own copies of what they show.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_file_free(file: *mut RvfFile) {
    guard_value((), || {
        if !file.is_null() {
            // SAFETY: a pointer `rvf_file_open_*` returned, freed once.
            drop(unsafe { Box::from_raw(file) });
        }
    })
}

/// Replace the handle's configuration (limits, features, forced segment,
/// trust policy). The selection is made again at the next run; data
/// segments already verified in this handle stay verified (their hashes;
/// signatures are checked again under the new policy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_file_configure(
    file: *mut RvfFile,
    config: *const RvfConfig,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        // SAFETY: the caller's contract for `file` and `config`.
        let f = unsafe { args::get_mut(file, "file") }?;
        let config = unsafe { RvfConfig::read(config) }?;
        let old = f.session.take().expect("an open handle has a session");
        let parsed = old.file().clone();
        f.session = Some(Session::with_memo(parsed, config, old.into_memo()));
        Ok(())
    })
}

/// The file's length in bytes (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_file_len(file: *const RvfFile) -> u64 {
    guard_value(0, || {
        // SAFETY: NULL or a live handle.
        unsafe { args::get(file, "file") }.map_or(0, |f| f.session().file().len())
    })
}

/// One entry of the file's segment directory (the newest manifest's).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RvfSegment {
    /// Directory index (what `force_segment`, `RvfRequest.data` and the
    /// candidates' `segment` refer to).
    pub index: u64,
    pub segment_id: u64,
    /// File offset of the segment header.
    pub offset: u64,
    pub payload_length: u64,
    /// Segment type (`RVF_SEG_*`; name: `rvf_name(RVF_NAME_KIND_SEGMENT_TYPE, ...)`).
    pub seg_type: u8,
}

/// The number of segments in the file's directory (0 for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_file_segment_count(file: *const RvfFile) -> usize {
    guard_value(0, || {
        // SAFETY: NULL or a live handle.
        unsafe { args::get(file, "file") }.map_or(0, |f| f.session().file().directory().len())
    })
}

/// Directory entry `index` into `*out` (`RVF_ERR_BAD_INDEX` past the end).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_file_segment(
    file: *const RvfFile,
    index: usize,
    out: *mut RvfSegment,
    err: *mut *mut RvfError,
) -> RvfCode {
    guard(err, || {
        // SAFETY: the caller's contract for `file`.
        let f = unsafe { args::get(file, "file") }?;
        let out = Out::new(out, "out")?;
        let dir = f.session().file().directory();
        let e = dir.get(index).ok_or_else(|| {
            Fail::new(
                ApiError::BadIndex.code(),
                alloc::format!("segment {index}: the directory has {} entries", dir.len()),
            )
        })?;
        out.set(RvfSegment {
            index: index as u64,
            segment_id: e.segment_id,
            offset: e.offset,
            payload_length: e.payload_length,
            seg_type: e.seg_type,
        });
        Ok(())
    })
}
