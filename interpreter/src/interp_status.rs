//! A `SandboxError` on the interpreter ABI (`rvf_spec::interp`): a status
//! code, a detail number and a message, and back. The interpreter module
//! encodes the error of its sandbox; a host decodes it into exactly the
//! error a direct run gives. The message is the error's `Display` text (what
//! a host shows); the detail carries what the text alone cannot give back
//! exactly:
//!
//! | status | detail |
//! |---|---|
//! | `INVALID`, `STACK_OVERFLOW`, `TRAP` | 0 |
//! | `FORBIDDEN_IMPORT` | byte length of the import's module name << 8 \| reason (`why::IMPORTS` index) |
//! | `BAD_EXPORT` | export (0 `memory`, then the solver-ABI exports in order) << 8 \| reason (`why::EXPORTS` index) |
//! | `ABI_MISMATCH` | the kernel's `rvf_abi_version` |
//! | `OUT_OF_FUEL` | the fuel budget |
//! | `MEMORY_LIMIT` | the memory cap in bytes |
//! | `INITIAL_MEMORY` | the bytes the kernel's initial memory needs (the cap is the limits') |
//! | `BAD_RESULT` | reason (`why::RESULTS` index) |

use crate::error::{why, SandboxError};
use crate::sandbox::EXPORTS;
use alloc::string::{String, ToString};
use rvf_spec::interp::status;
use rvf_spec::sandbox::export;

/// The export named by a `BAD_EXPORT` detail.
fn export_name(i: usize) -> Option<&'static str> {
    match i {
        0 => Some(export::MEMORY),
        _ => EXPORTS.get(i - 1).map(|e| e.0),
    }
}

fn index(list: &[&str], w: &str) -> i64 {
    list.iter().position(|x| *x == w).unwrap_or(0) as i64
}

impl SandboxError {
    /// The interpreter-ABI status of this error.
    pub fn status(&self) -> i32 {
        match self {
            SandboxError::Invalid(_) => status::INVALID,
            SandboxError::ForbiddenImport { .. } => status::FORBIDDEN_IMPORT,
            SandboxError::BadExport { .. } => status::BAD_EXPORT,
            SandboxError::AbiMismatch { .. } => status::ABI_MISMATCH,
            SandboxError::OutOfFuel { .. } => status::OUT_OF_FUEL,
            SandboxError::MemoryLimit { .. } => status::MEMORY_LIMIT,
            SandboxError::InitialMemory { .. } => status::INITIAL_MEMORY,
            SandboxError::StackOverflow => status::STACK_OVERFLOW,
            SandboxError::Trap(_) => status::TRAP,
            SandboxError::BadResult(_) => status::BAD_RESULT,
        }
    }

    /// The detail number that goes with [`status`](Self::status) (module doc).
    pub fn detail(&self) -> i64 {
        match self {
            SandboxError::Invalid(_) | SandboxError::StackOverflow | SandboxError::Trap(_) => 0,
            SandboxError::ForbiddenImport { module, why, .. } => {
                ((module.len() as i64) << 8) | index(&why::IMPORTS, why)
            }
            SandboxError::BadExport { name, why } => {
                let at = match *name {
                    export::MEMORY => 0,
                    n => EXPORTS.iter().position(|e| e.0 == n).map_or(0, |i| i + 1),
                };
                ((at as i64) << 8) | index(&why::EXPORTS, why)
            }
            SandboxError::AbiMismatch { found } => *found as i64,
            SandboxError::OutOfFuel { budget } => *budget as i64,
            SandboxError::MemoryLimit { cap_bytes } => *cap_bytes as i64,
            SandboxError::InitialMemory { needed_bytes, .. } => *needed_bytes as i64,
            SandboxError::BadResult(w) => index(&why::RESULTS, w),
        }
    }

    /// The error a status, detail and message stand for; `cap_bytes` is the
    /// memory cap of the limits the kernel was loaded under (`INITIAL_MEMORY`
    /// does not carry it). `None` for `OK`, the module's own refusals
    /// (`NOT_LOADED`, `BAD_ARGUMENT`), unknown codes, and a detail or
    /// message that does not fit the status.
    pub fn from_status(
        code: i32,
        detail: i64,
        message: &str,
        cap_bytes: u64,
    ) -> Option<SandboxError> {
        let lo = (detail & 0xFF) as usize;
        let hi = (detail >> 8) as usize;
        Some(match code {
            status::INVALID => {
                SandboxError::Invalid(payload(message, |s| SandboxError::Invalid(s.to_string()))?)
            }
            status::TRAP => {
                SandboxError::Trap(payload(message, |s| SandboxError::Trap(s.to_string()))?)
            }
            status::FORBIDDEN_IMPORT => {
                let why = *why::IMPORTS.get(lo)?;
                // "module imports {module}.{name}: {why}"
                let head = SandboxError::ForbiddenImport {
                    module: String::new(),
                    name: String::new(),
                    why: "",
                }
                .to_string();
                let prefix = head.strip_suffix(".: ")?;
                let rest = message.strip_prefix(prefix)?;
                let rest = rest.strip_suffix(why)?.strip_suffix(": ")?;
                let (module, name) = (rest.get(..hi)?, rest.get(hi..)?.strip_prefix('.')?);
                SandboxError::ForbiddenImport {
                    module: module.to_string(),
                    name: name.to_string(),
                    why,
                }
            }
            status::BAD_EXPORT => SandboxError::BadExport {
                name: export_name(hi)?,
                why: why::EXPORTS.get(lo)?,
            },
            status::ABI_MISMATCH => SandboxError::AbiMismatch {
                found: u32::try_from(detail).ok()?,
            },
            status::OUT_OF_FUEL => SandboxError::OutOfFuel {
                budget: detail as u64,
            },
            status::MEMORY_LIMIT => SandboxError::MemoryLimit {
                cap_bytes: detail as u64,
            },
            status::INITIAL_MEMORY => SandboxError::InitialMemory {
                needed_bytes: detail as u64,
                cap_bytes,
            },
            status::STACK_OVERFLOW => SandboxError::StackOverflow,
            status::BAD_RESULT => SandboxError::BadResult(why::RESULTS.get(detail as usize)?),
            _ => return None,
        })
    }
}

/// The text inside a message of the form `make(text)` displays.
fn payload(message: &str, make: impl Fn(&str) -> SandboxError) -> Option<String> {
    let prefix = make("").to_string();
    message.strip_prefix(prefix.as_str()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn every_error_survives_the_round_trip() {
        let mut all = vec![
            SandboxError::Invalid("type mismatch: expected i32".into()),
            SandboxError::Invalid(String::new()),
            SandboxError::AbiMismatch { found: 0x0002_0000 },
            SandboxError::OutOfFuel { budget: 50_000_000 },
            SandboxError::MemoryLimit { cap_bytes: 1 << 30 },
            SandboxError::InitialMemory {
                needed_bytes: 20000 * 65536,
                cap_bytes: 64 << 20,
            },
            SandboxError::StackOverflow,
            SandboxError::Trap("wasm `unreachable` instruction executed".into()),
        ];
        for w in why::IMPORTS {
            for (m, n) in [("env", "f"), ("a.b: c", ".x: y"), ("", ""), ("rvf", "ℝ")] {
                all.push(SandboxError::ForbiddenImport {
                    module: m.into(),
                    name: n.into(),
                    why: w,
                });
            }
        }
        for w in why::EXPORTS {
            for name in (0..=EXPORTS.len()).filter_map(export_name) {
                all.push(SandboxError::BadExport { name, why: w });
            }
        }
        for w in why::RESULTS {
            all.push(SandboxError::BadResult(w));
        }
        for e in all {
            let back = SandboxError::from_status(e.status(), e.detail(), &e.to_string(), 64 << 20);
            assert_eq!(back.as_ref(), Some(&e), "{e}");
        }
        assert_eq!(SandboxError::from_status(status::OK, 0, "", 0), None);
        assert_eq!(
            SandboxError::from_status(status::TRAP, 0, "nonsense", 0),
            None
        );
        assert_eq!(
            SandboxError::from_status(status::BAD_RESULT, 99, "", 0),
            None
        );
        assert_eq!(
            SandboxError::from_status(status::NOT_LOADED, 0, "", 0),
            None
        );
    }
}
