//! The error object and the guard every exported function runs in.
//!
//! A failing call returns its code and, when the caller passed a non-NULL
//! `RvfError **err`, stores a new `RvfError` there: the code, a stable
//! class and the message in words (the host's own `Display`). The caller
//! frees it with `rvf_error_free`; its strings live exactly as long as it.
//! On entry every function sets `*err` to NULL, so a caller never sees a
//! stale error (free the previous one first, or it leaks).
//!
//! With `std` the body runs under `catch_unwind`: a panic becomes
//! `RVF_ERR_PANIC` and never unwinds into C. Without `std` (bare metal)
//! a panic aborts (see `bare`).

use crate::codes::{self, ApiError, RvfCode};
use alloc::boxed::Box;
use alloc::ffi::CString;
use alloc::string::{String, ToString};
use core::ffi::c_char;
use core::ptr;

/// What went wrong in a call: a code, a class and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fail {
    pub code: RvfCode,
    /// A stable machine name: the loader's rule for a malformed file
    /// (`bad_magic`...), else the code's name.
    pub class: String,
    pub message: String,
}

impl Fail {
    pub fn new(code: RvfCode, message: impl ToString) -> Fail {
        Fail {
            code,
            class: codes::name_of(code).into(),
            message: message.to_string(),
        }
    }

    pub fn api(e: ApiError, what: &str) -> Fail {
        Fail::new(e.code(), alloc::format!("{what}: {}", e.meaning()))
    }

    pub fn exit(e: rvf_spec::exit::Exit, message: impl ToString) -> Fail {
        Fail::new(codes::exit_code(e), message)
    }

    pub fn with_class(mut self, class: &str) -> Fail {
        self.class = class.into();
        self
    }
}

/// An error: code, class and message. Opaque; free with `rvf_error_free`.
pub struct RvfError {
    code: RvfCode,
    class: CString,
    message: CString,
}

/// A C string of `s` (a NUL inside, which no message should hold, becomes
/// a space rather than cutting the text short).
pub fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

impl RvfError {
    fn from_fail(f: &Fail) -> RvfError {
        RvfError {
            code: f.code,
            class: c_string(&f.class),
            message: c_string(&f.message),
        }
    }
}

/// Run `body` as the body of an exported function: clear `*err`, catch a
/// panic (with std), and turn a failure into its code and error object.
pub fn guard(err: *mut *mut RvfError, body: impl FnOnce() -> Result<(), Fail>) -> RvfCode {
    let err_ok = !err.is_null() && err.is_aligned();
    if err_ok {
        // SAFETY: the caller passes NULL or a valid `RvfError **` (checked
        // non-NULL and aligned here).
        unsafe { err.write(ptr::null_mut()) };
    }
    let result = catch(body);
    match result {
        Ok(()) => 0,
        Err(f) => {
            if err_ok {
                let e = Box::into_raw(Box::new(RvfError::from_fail(&f)));
                // SAFETY: as above.
                unsafe { err.write(e) };
            }
            f.code
        }
    }
}

/// Run a body that returns a plain value (a count, a pointer): a panic
/// gives `fallback`.
pub fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch(|| Ok(body())).unwrap_or(fallback)
}

#[cfg(feature = "std")]
fn catch<T>(body: impl FnOnce() -> Result<T, Fail>) -> Result<T, Fail> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            // Dropping a panic payload can itself panic; never do it here.
            core::mem::forget(payload);
            Err(Fail::new(
                ApiError::Panic.code(),
                alloc::format!("{}: {what}", ApiError::Panic.meaning()),
            ))
        }
    }
}

#[cfg(not(feature = "std"))]
fn catch<T>(body: impl FnOnce() -> Result<T, Fail>) -> Result<T, Fail> {
    // No unwinding without std: a panic aborts (the panic handler in `bare`).
    body()
}

/// The code of an error (`RVF_ERR_NULL_POINTER` for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_error_code(err: *const RvfError) -> RvfCode {
    guard_value(ApiError::Panic.code(), || {
        // SAFETY: NULL or a live error from this library.
        match unsafe { err.as_ref() } {
            Some(e) => e.code,
            None => ApiError::NullPointer.code(),
        }
    })
}

/// The message of an error, in words (UTF-8). Owned by the error: valid
/// until `rvf_error_free(err)`. NULL for a NULL error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_error_message(err: *const RvfError) -> *const c_char {
    guard_value(ptr::null(), || {
        // SAFETY: NULL or a live error from this library.
        unsafe { err.as_ref() }.map_or(ptr::null(), |e| e.message.as_ptr())
    })
}

/// A stable machine name for what failed: for a malformed file the
/// loader's rule (`bad_magic`, `manifest_not_found`...), otherwise the
/// code's name (`no_solver`, `null_pointer`...). Owned by the error, like
/// the message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_error_class(err: *const RvfError) -> *const c_char {
    guard_value(ptr::null(), || {
        // SAFETY: NULL or a live error from this library.
        unsafe { err.as_ref() }.map_or(ptr::null(), |e| e.class.as_ptr())
    })
}

/// Free an error (NULL is ignored).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rvf_error_free(err: *mut RvfError) {
    guard_value((), || {
        if !err.is_null() {
            // SAFETY: a pointer this library returned, freed once.
            drop(unsafe { Box::from_raw(err) });
        }
    })
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use core::ffi::CStr;

    #[test]
    fn a_panic_becomes_a_code_and_an_error_never_an_unwind() {
        let mut err: *mut RvfError = ptr::null_mut();
        let code = guard(&mut err, || panic!("boom"));
        assert_eq!(code, ApiError::Panic.code());
        assert!(!err.is_null());
        unsafe {
            assert_eq!(rvf_error_code(err), ApiError::Panic.code());
            let msg = CStr::from_ptr(rvf_error_message(err)).to_str().unwrap();
            assert!(msg.contains("boom"), "{msg}");
            assert_eq!(CStr::from_ptr(rvf_error_class(err)).to_str(), Ok("panic"));
            rvf_error_free(err);
        }
        assert_eq!(guard_value(7, || -> i32 { panic!("again") }), 7);
        // A NULL `err` is fine; a success clears a stale pointer.
        assert_eq!(guard(ptr::null_mut(), || Err(Fail::new(3, "x"))), 3);
        let mut stale = 0x10 as *mut RvfError;
        assert_eq!(guard(&mut stale, || Ok(())), 0);
        assert!(stale.is_null());
    }
}
