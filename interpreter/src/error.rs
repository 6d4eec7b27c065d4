//! Sandbox errors: one variant per way a module can be refused or stopped,
//! so callers (and exit codes) can tell them apart.

use alloc::string::String;
use core::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SandboxError {
    /// The module does not validate with the allowed feature set.
    Invalid(String),
    /// The module imports something outside the `rvf` ABI.
    ForbiddenImport {
        module: String,
        name: String,
        why: &'static str,
    },
    /// A required export is missing or has the wrong type.
    BadExport {
        name: &'static str,
        why: &'static str,
    },
    /// The module speaks another ABI major version.
    AbiMismatch { found: u32 },
    /// The fuel budget ran out.
    OutOfFuel { budget: u64 },
    /// Linear memory growth beyond the cap was attempted.
    MemoryLimit { cap_bytes: u64 },
    /// The module's initial linear memory alone is above the cap.
    InitialMemory { needed_bytes: u64, cap_bytes: u64 },
    /// Call stack / recursion limit.
    StackOverflow,
    /// Any other trap (unreachable, out-of-bounds access, ...).
    Trap(String),
    /// The guest reported a result outside its own memory or malformed.
    BadResult(&'static str),
}

impl fmt::Display for SandboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SandboxError::Invalid(e) => write!(f, "module rejected by the validator: {e}"),
            SandboxError::ForbiddenImport { module, name, why } => {
                write!(f, "module imports {module}.{name}: {why}")
            }
            SandboxError::BadExport { name, why } => write!(f, "export `{name}`: {why}"),
            SandboxError::AbiMismatch { found } => write!(
                f,
                "module speaks solver ABI {}.{} but this host speaks {}.x",
                found >> 16,
                found & 0xFFFF,
                rvf_spec::abi::ABI_MAJOR
            ),
            SandboxError::OutOfFuel { budget } => write!(f, "out of fuel (budget {budget})"),
            SandboxError::MemoryLimit { cap_bytes } => {
                write!(
                    f,
                    "memory limit: the module tried to grow past {cap_bytes} bytes"
                )
            }
            SandboxError::InitialMemory {
                needed_bytes,
                cap_bytes,
            } => write!(
                f,
                "memory limit: the module starts with {needed_bytes} bytes of linear memory, above the {cap_bytes}-byte cap (raise --max-memory)"
            ),
            SandboxError::StackOverflow => f.write_str("call stack exhausted (recursion limit)"),
            SandboxError::Trap(t) => write!(f, "module trapped: {t}"),
            SandboxError::BadResult(w) => write!(f, "module returned a bad result: {w}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SandboxError {}

/// The fixed words of the errors (`why` and `BadResult`), one owner each
/// (`rvf_spec::interp::why`), listed so that an error can cross the
/// interpreter ABI as a number and come back as the same `&'static str`
/// (`interp_status`).
pub use rvf_spec::interp::why;
