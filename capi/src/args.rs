//! Checked arguments: every pointer and length that crosses the boundary
//! goes through one of these before it is used.
//!
//! What can be checked is: NULL, alignment, lengths a Rust slice cannot
//! have (more than `isize::MAX` bytes), UTF-8. What cannot be (that a
//! non-NULL pointer points at live memory of the stated length, that a
//! handle came from this library and was not freed) is the caller's
//! contract, stated in the header.

use crate::codes::ApiError;
use crate::error::Fail;
use alloc::vec::Vec;
use core::ffi::{c_char, CStr};

/// A borrowed byte buffer `(ptr, len)`: `ptr` must not be NULL (even for
/// `len` 0), and `len` must fit a slice.
///
/// # Safety
/// `ptr` points at `len` readable bytes that stay unchanged during the call.
pub unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a [u8], Fail> {
    if ptr.is_null() {
        return Err(Fail::api(ApiError::NullPointer, what));
    }
    if len > isize::MAX as usize {
        return Err(Fail::api(ApiError::BadLength, what));
    }
    // SAFETY: non-NULL, length in range; the caller guarantees the memory.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// `len` f32 values at `ptr`, copied (any alignment). NULL is refused.
///
/// # Safety
/// `ptr` points at `len` readable f32 values.
pub unsafe fn floats(ptr: *const f32, len: usize, what: &str) -> Result<Vec<f32>, Fail> {
    if ptr.is_null() {
        return Err(Fail::api(ApiError::NullPointer, what));
    }
    if len > isize::MAX as usize / core::mem::size_of::<f32>() {
        return Err(Fail::api(ApiError::BadLength, what));
    }
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| Fail::api(ApiError::BadLength, what))?;
    for i in 0..len {
        // SAFETY: i < len, within the caller's buffer; unaligned reads allowed.
        v.push(unsafe { ptr.add(i).read_unaligned() });
    }
    Ok(v)
}

/// A NUL-terminated UTF-8 string.
///
/// # Safety
/// `ptr` is NULL or points at a NUL-terminated string.
pub unsafe fn text<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, Fail> {
    if ptr.is_null() {
        return Err(Fail::api(ApiError::NullPointer, what));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let s = unsafe { CStr::from_ptr(ptr) };
    s.to_str().map_err(|_| Fail::api(ApiError::BadUtf8, what))
}

/// A shared reference to a handle or input struct: non-NULL and aligned.
///
/// # Safety
/// `ptr` is NULL or points at a live `T`.
pub unsafe fn get<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Fail> {
    if ptr.is_null() {
        return Err(Fail::api(ApiError::NullPointer, what));
    }
    if !ptr.is_aligned() {
        return Err(Fail::api(ApiError::Misaligned, what));
    }
    // SAFETY: non-NULL, aligned, live by the caller's contract.
    Ok(unsafe { &*ptr })
}

/// A mutable reference to a handle: non-NULL and aligned.
///
/// # Safety
/// `ptr` is NULL or points at a live `T` no one else uses during the call.
pub unsafe fn get_mut<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, Fail> {
    if ptr.is_null() {
        return Err(Fail::api(ApiError::NullPointer, what));
    }
    if !ptr.is_aligned() {
        return Err(Fail::api(ApiError::Misaligned, what));
    }
    // SAFETY: non-NULL, aligned, live and unshared by the caller's contract.
    Ok(unsafe { &mut *ptr })
}

/// An out-parameter, checked before any work is done.
pub struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Check `ptr` (non-NULL, aligned).
    pub fn new(ptr: *mut T, what: &str) -> Result<Out<T>, Fail> {
        if ptr.is_null() {
            return Err(Fail::api(ApiError::NullPointer, what));
        }
        if !ptr.is_aligned() {
            return Err(Fail::api(ApiError::Misaligned, what));
        }
        Ok(Out(ptr))
    }

    /// Store `v` (the old value is overwritten, never dropped).
    pub fn set(&self, v: T) {
        // SAFETY: checked non-NULL and aligned; writable by the caller's contract.
        unsafe { self.0.write(v) }
    }
}

/// An out-parameter for a new handle: NULL is stored at once, so the
/// caller sees NULL on every failure.
pub fn handle_out<T>(ptr: *mut *mut T, what: &str) -> Result<Out<*mut T>, Fail> {
    let out = Out::new(ptr, what)?;
    out.set(core::ptr::null_mut());
    Ok(out)
}

/// An index from C (`i64`, negative = none) as a `usize`.
pub fn optional_index(v: i64, what: &str) -> Result<Option<usize>, Fail> {
    if v < 0 {
        return Ok(None);
    }
    usize::try_from(v)
        .map(Some)
        .map_err(|_| Fail::api(ApiError::BadLength, what))
}

/// Copy `s` into the caller's buffer `buf` of `cap` bytes, `snprintf`
/// style: at most `cap - 1` bytes (never splitting a UTF-8 character) and
/// a NUL. Returns the full length of `s` in bytes (without the NUL), so a
/// result `>= cap` means the text was cut. `buf` may be NULL (or `cap` 0)
/// to ask for the length alone.
///
/// # Safety
/// `buf` is NULL or points at `cap` writable bytes.
pub unsafe fn copy_text(s: &str, buf: *mut c_char, cap: usize) -> usize {
    if buf.is_null() || cap == 0 {
        return s.len();
    }
    let mut n = s.len().min(cap - 1);
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    // SAFETY: n + 1 <= cap bytes of the caller's buffer; `s` does not overlap it.
    unsafe {
        core::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), n);
        buf.add(n).write(0);
    }
    s.len()
}
