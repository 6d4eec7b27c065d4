//! Outcome codes. Every function returns an [`RvfCode`]:
//!
//! - `0..=255`: `rvf_spec::exit::Exit` (`Exit::code`, a `u8`), the codes
//!   every front end shares: `RVF_EXIT_OK` = 0, `RVF_EXIT_NO_SOLVER` = 6...
//!   The header's `RVF_EXIT_*` constants are generated from `Exit::ALL`
//!   (name = `RVF_EXIT_` + `Exit::name` in upper case).
//! - negative: [`ApiError`], what only a C caller can get wrong (a NULL
//!   pointer, a length, a string). An exit code is a `u8`, so no exit code
//!   ever takes a negative value: the two sets cannot collide, whatever
//!   codes `rvf_spec` adds later.
//!
//! Names and meanings are static NUL-terminated strings, built at compile
//! time from `Exit::name` / `Exit::meaning` (never freed, valid forever).

use core::ffi::c_char;
use rvf_spec::exit::Exit;

/// An outcome code: an `rvf_spec` exit code (0..=255, `RVF_EXIT_*`) or a
/// negative C API argument error (`RVF_ERR_*`).
pub type RvfCode = i32;

/// Errors only a caller of the C API can cause. Values are negative (an
/// exit code never is); the header spells them `RVF_ERR_<NAME>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// A required pointer is NULL.
    NullPointer = -1,
    /// A length is impossible (more than `PTRDIFF_MAX` bytes, an index
    /// that does not fit the platform).
    BadLength = -2,
    /// A string is not UTF-8.
    BadUtf8 = -3,
    /// A caller buffer is smaller than the value copied into it (what fits
    /// is written).
    BufferTooSmall = -4,
    /// An index is past the end (segment, candidate).
    BadIndex = -5,
    /// A pointer is not aligned for its type.
    Misaligned = -6,
    /// rvf-boot panicked inside the call (a bug: please report it); the
    /// panic was caught and no handle was changed half-way.
    Panic = -7,
}

impl ApiError {
    pub const ALL: [ApiError; 7] = [
        ApiError::NullPointer,
        ApiError::BadLength,
        ApiError::BadUtf8,
        ApiError::BufferTooSmall,
        ApiError::BadIndex,
        ApiError::Misaligned,
        ApiError::Panic,
    ];

    pub const fn code(self) -> RvfCode {
        self as RvfCode
    }

    /// The machine name (the header's constant is `RVF_ERR_` + upper case).
    pub const fn name(self) -> &'static str {
        match self {
            ApiError::NullPointer => "null_pointer",
            ApiError::BadLength => "bad_length",
            ApiError::BadUtf8 => "bad_utf8",
            ApiError::BufferTooSmall => "buffer_too_small",
            ApiError::BadIndex => "bad_index",
            ApiError::Misaligned => "misaligned",
            ApiError::Panic => "panic",
        }
    }

    pub const fn meaning(self) -> &'static str {
        match self {
            ApiError::NullPointer => "a required pointer argument is NULL",
            ApiError::BadLength => "a length or index argument is out of range for this platform",
            ApiError::BadUtf8 => "a string argument is not valid UTF-8",
            ApiError::BufferTooSmall => {
                "the caller's buffer is too small (the part that fits was written)"
            }
            ApiError::BadIndex => "an index argument is past the end",
            ApiError::Misaligned => "a pointer argument is not aligned for its type",
            ApiError::Panic => "internal error: rvf-boot panicked (caught; please report it)",
        }
    }

    pub fn from_code(code: RvfCode) -> Option<ApiError> {
        ApiError::ALL.into_iter().find(|e| e.code() == code)
    }
}

/// The code of an exit.
pub const fn exit_code(e: Exit) -> RvfCode {
    e.code() as RvfCode
}

// ---- static strings, built at compile time ------------------------------

const EXITS: usize = Exit::ALL.len();
const CODES: usize = EXITS + ApiError::ALL.len();
const UNKNOWN: &str = "unknown";

/// Text `i` of the table (exits, then API errors, then "unknown").
const fn text(i: usize, meaning: bool) -> &'static str {
    if i < EXITS {
        let e = Exit::ALL[i];
        if meaning {
            e.meaning()
        } else {
            e.name()
        }
    } else if i < CODES {
        let e = ApiError::ALL[i - EXITS];
        if meaning {
            e.meaning()
        } else {
            e.name()
        }
    } else {
        UNKNOWN
    }
}

const fn table_len(meaning: bool) -> usize {
    let mut i = 0;
    let mut n = 0;
    while i <= CODES {
        n += text(i, meaning).len() + 1;
        i += 1;
    }
    n
}

/// Every text with a NUL after it, back to back.
const fn table<const N: usize>(meaning: bool) -> [u8; N] {
    let mut out = [0u8; N];
    let mut at = 0;
    let mut i = 0;
    while i <= CODES {
        let b = text(i, meaning).as_bytes();
        let mut j = 0;
        while j < b.len() {
            // A NUL inside a text would cut it short in C.
            assert!(b[j] != 0);
            out[at] = b[j];
            at += 1;
            j += 1;
        }
        at += 1;
        i += 1;
    }
    out
}

/// Where text `i` starts in the table.
const fn starts(meaning: bool) -> [usize; CODES + 1] {
    let mut out = [0usize; CODES + 1];
    let mut at = 0;
    let mut i = 0;
    while i <= CODES {
        out[i] = at;
        at += text(i, meaning).len() + 1;
        i += 1;
    }
    out
}

static NAMES: [u8; table_len(false)] = table(false);
static MEANINGS: [u8; table_len(true)] = table(true);
static NAME_AT: [usize; CODES + 1] = starts(false);
static MEANING_AT: [usize; CODES + 1] = starts(true);

/// Position of `code` in the table (`CODES` = unknown).
fn position(code: RvfCode) -> usize {
    if let Some(e) = u8::try_from(code).ok().and_then(Exit::from_code) {
        return Exit::ALL.iter().position(|x| *x == e).unwrap_or(CODES);
    }
    match ApiError::from_code(code) {
        Some(e) => EXITS + ApiError::ALL.iter().position(|x| *x == e).unwrap_or(0),
        None => CODES,
    }
}

/// The machine name of a code as a static C string.
pub fn name_of(code: RvfCode) -> &'static str {
    text(position(code), false)
}

/// What a code means as a static Rust string.
pub fn meaning_of(code: RvfCode) -> &'static str {
    text(position(code), true)
}

/// The machine name of a code: `"ok"`, `"no_solver"`, `"null_pointer"`...
/// (`"unknown"` for a value that is no code). A static string: never free
/// it; it stays valid for the life of the program.
#[unsafe(no_mangle)]
pub extern "C" fn rvf_code_name(code: RvfCode) -> *const c_char {
    NAMES[NAME_AT[position(code)]..].as_ptr().cast()
}

/// What a code means, in words (static, like `rvf_code_name`).
#[unsafe(no_mangle)]
pub extern "C" fn rvf_code_message(code: RvfCode) -> *const c_char {
    MEANINGS[MEANING_AT[position(code)]..].as_ptr().cast()
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use core::ffi::CStr;

    #[test]
    fn every_code_has_its_static_name_and_meaning() {
        for e in Exit::ALL {
            let c = exit_code(e);
            let name = unsafe { CStr::from_ptr(rvf_code_name(c)) };
            assert_eq!(name.to_str().unwrap(), e.name());
            let m = unsafe { CStr::from_ptr(rvf_code_message(c)) };
            assert_eq!(m.to_str().unwrap(), e.meaning());
        }
        for e in ApiError::ALL {
            assert!(e.code() < 0, "API codes are negative: never an exit code");
            let name = unsafe { CStr::from_ptr(rvf_code_name(e.code())) };
            assert_eq!(name.to_str().unwrap(), e.name());
        }
        for bad in [-100, 200, i32::MIN, i32::MAX] {
            let name = unsafe { CStr::from_ptr(rvf_code_name(bad)) };
            assert_eq!(name.to_str().unwrap(), "unknown");
        }
    }
}
