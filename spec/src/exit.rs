//! Exit codes: one per failure class, shared by every front end (the
//! `rvf-pack` CLI, the Node CLI, the firmware's QEMU script, the C API's
//! error codes), with the words shown for each. A front end maps its typed
//! errors to an [`Exit`]; it never writes a number of its own.

use crate::abi::status;
use core::fmt;

/// What a run or a command ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Exit {
    Ok = 0,
    VerifyFailed = 1,
    Usage = 2,
    BadInput = 3,
    BadContainer = 4,
    Io = 5,
    NoSolver = 6,
    Refused = 7,
    OutOfFuel = 8,
    MemoryLimit = 9,
    StackOverflow = 10,
    Trap = 11,
    SolverRefused = 12,
    NotConverged = 13,
    ReplayDiffers = 14,
    Unhashed = 15,
    Untrusted = 16,
}

impl Exit {
    pub const ALL: [Exit; 17] = [
        Exit::Ok,
        Exit::VerifyFailed,
        Exit::Usage,
        Exit::BadInput,
        Exit::BadContainer,
        Exit::Io,
        Exit::NoSolver,
        Exit::Refused,
        Exit::OutOfFuel,
        Exit::MemoryLimit,
        Exit::StackOverflow,
        Exit::Trap,
        Exit::SolverRefused,
        Exit::NotConverged,
        Exit::ReplayDiffers,
        Exit::Unhashed,
        Exit::Untrusted,
    ];

    /// The process exit code.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// A stable machine name (JSON, the C API's constant names, the JS host).
    pub const fn name(self) -> &'static str {
        match self {
            Exit::Ok => "ok",
            Exit::VerifyFailed => "verify_failed",
            Exit::Usage => "usage",
            Exit::BadInput => "bad_input",
            Exit::BadContainer => "bad_container",
            Exit::Io => "io",
            Exit::NoSolver => "no_solver",
            Exit::Refused => "refused",
            Exit::OutOfFuel => "out_of_fuel",
            Exit::MemoryLimit => "memory_limit",
            Exit::StackOverflow => "stack_overflow",
            Exit::Trap => "trap",
            Exit::SolverRefused => "solver_refused",
            Exit::NotConverged => "not_converged",
            Exit::ReplayDiffers => "replay_differs",
            Exit::Unhashed => "unhashed",
            Exit::Untrusted => "untrusted",
        }
    }

    /// What the code means, for `--help` and the docs.
    pub const fn meaning(self) -> &'static str {
        match self {
            Exit::Ok => "success",
            Exit::VerifyFailed => "verification failed (a hash or payload check did not pass)",
            Exit::Usage => "usage error (bad arguments)",
            Exit::BadInput => {
                "bad input file (vectors, matrix, right-hand side, WASM module, receipt)"
            }
            Exit::BadContainer => "not a readable RVF file (malformed container)",
            Exit::Io => "I/O error",
            Exit::NoSolver => "no runnable solver segment (every candidate's reason is printed)",
            Exit::Refused => "the forced segment (--segment) was refused before execution",
            Exit::OutOfFuel => "out of fuel",
            Exit::MemoryLimit => "memory limit",
            Exit::StackOverflow => "stack overflow",
            Exit::Trap => "the module trapped or returned a malformed result",
            Exit::SolverRefused => {
                "the solver refused its input (parameters, data, not dominant, breakdown)"
            }
            Exit::NotConverged => {
                "the solver stopped without converging (budget); the result is still written"
            }
            Exit::ReplayDiffers => "replay differs from the receipt",
            Exit::Unhashed => "not verified: a segment's content hash is unset, so nothing could be checked (--allow-unhashed accepts it)",
            Exit::Untrusted => "under the trust policy, no solver (or a data segment) is signed by a trusted key",
        }
    }

    pub fn from_code(code: u8) -> Option<Exit> {
        Exit::ALL.into_iter().find(|e| e.code() == code)
    }

    /// The exit code of a finished run's solver status.
    pub const fn for_status(s: i32) -> Exit {
        match s {
            status::OK => Exit::Ok,
            status::NOT_CONVERGED | status::BUDGET => Exit::NotConverged,
            _ => Exit::SolverRefused,
        }
    }
}

/// The exit-code table as `--help` prints it (one line per code).
pub struct Table;

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Exit codes:")?;
        for e in Exit::ALL {
            write!(f, "\n  {:>2}  {}", e.code(), e.meaning())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_dense_distinct_and_named() {
        for (i, e) in Exit::ALL.into_iter().enumerate() {
            assert_eq!(e.code() as usize, i);
            assert_eq!(Exit::from_code(e.code()), Some(e));
        }
        let mut names: alloc::vec::Vec<_> = Exit::ALL.iter().map(|e| e.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Exit::ALL.len());
        assert_eq!(Exit::from_code(200), None);
        assert_eq!(Exit::for_status(status::BUDGET), Exit::NotConverged);
        assert_eq!(Exit::for_status(status::BAD_PARAMS), Exit::SolverRefused);
    }
}
