//! Memory sized from input counts, allocated fallibly.
//!
//! A count read from an input (rows, entries, a shape) never sizes an
//! allocation through an infallible `vec!` or `with_capacity`: these helpers
//! reserve with `try_reserve_exact` and turn a refusal into an error that
//! says what needed how much. [`check_available`] refuses up front a
//! requirement larger than the memory the system reports free, so a tiny
//! file declaring billions of rows is refused before anything is touched.

use std::fmt;

/// An allocation that could not be made (or would not fit in memory).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryError {
    /// What the memory was for ("the row pointers of 4294967294 rows").
    pub what: String,
    /// How many bytes it would need.
    pub bytes: u64,
    /// Bytes the system reported available, when known.
    pub available: Option<u64>,
}

impl fmt::Display for MemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} would need {} of memory",
            self.what,
            bytes(self.bytes)
        )?;
        match self.available {
            Some(a) => write!(f, ", but only {} is available", bytes(a)),
            None => f.write_str(", which could not be allocated"),
        }
    }
}

impl std::error::Error for MemoryError {}

/// `n` in words: "16.0 GiB (17179869184 bytes)".
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} bytes")
    } else {
        format!("{v:.1} {} ({n} bytes)", UNITS[u])
    }
}

fn error(what: impl Into<String>, bytes: u64) -> MemoryError {
    MemoryError {
        what: what.into(),
        bytes,
        available: None,
    }
}

/// A vector of `n` copies of `fill`, or an error naming `what`.
pub fn filled<T: Clone>(n: usize, fill: T, what: &str) -> Result<Vec<T>, MemoryError> {
    let mut v = with_capacity(n, what)?;
    v.resize(n, fill);
    Ok(v)
}

/// An empty vector with room for exactly `n` elements.
pub fn with_capacity<T>(n: usize, what: &str) -> Result<Vec<T>, MemoryError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| error(what, size_of::<T>() as u64 * n as u64))?;
    Ok(v)
}

/// Make room for `more` elements (amortised growth), or fail naming `what`.
pub fn grow<T>(v: &mut Vec<T>, more: usize, what: &str) -> Result<(), MemoryError> {
    v.try_reserve(more).map_err(|_| {
        let want = (v.len() as u64).saturating_add(more as u64);
        error(what, want.saturating_mul(size_of::<T>() as u64))
    })
}

/// Bytes the system reports available for new allocations (Linux:
/// `MemAvailable + SwapFree` from /proc/meminfo); `None` elsewhere.
pub fn available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = text.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib * 1024)
    };
    Some(field("MemAvailable:")? + field("SwapFree:").unwrap_or(0))
}

/// Refuse a requirement of `need` bytes that is larger than the memory the
/// system reports available (when it reports it).
pub fn check_available(need: u64, what: impl Into<String>) -> Result<(), MemoryError> {
    match available() {
        Some(a) if need > a => Err(MemoryError {
            what: what.into(),
            bytes: need,
            available: Some(a),
        }),
        _ => Ok(()),
    }
}

/// `n` briefly: "8.0 MiB", "512 bytes".
pub fn short(n: u64) -> String {
    let long = bytes(n);
    long.split(" (").next().unwrap_or(&long).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_what_and_how_much() {
        let e = filled(usize::MAX / 4, 0u32, "the row pointers").unwrap_err();
        assert!(
            e.to_string().starts_with("the row pointers would need"),
            "{e}"
        );
        assert!(e.to_string().contains("could not be allocated"), "{e}");
        let mut v = vec![1u64];
        assert!(grow(&mut v, usize::MAX / 16, "the vectors").is_err());
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(16 << 30), "16.0 GiB (17179869184 bytes)");
        assert_eq!(short(8 << 20), "8.0 MiB");
        if available().is_some() {
            let e = check_available(u64::MAX, "a matrix").unwrap_err();
            assert!(e.to_string().contains("but only"), "{e}");
        }
        assert!(check_available(1, "a byte").is_ok());
    }
}
