//! One module per section of the report: each `measure` runs the section's
//! benchmarks and returns plain rows (no markdown: that is `render`'s), and
//! the goals it judges.
//!
//! | § | module | what |
//! |---|---|---|
//! | 1 | [`sublinear`] | push and walk queries from the file, n = 10⁴ … 4·10⁶ |
//! | 2 | [`overhead`] | the same kernel natively and in wasmi: CG, top-k |
//! | 2 | [`external`] | scipy and pyamg on §2's systems |
//! | 4 | [`open_select`] | open, select, verify, instantiate |
//! | 5 | [`packing`] | packing throughput against the published runtime |
//! | 6 | [`local_vs_full`] | a local query against a full solve |
//! | 8 | [`bootstrap`] | the interpreter in the file: size, bootstrap, two-stage slowdown |
//!
//! §7, the history of changes made against these benchmarks, is
//! docs/BENCHMARKS-HISTORY.md (the report links to it).

pub mod bootstrap;
pub mod external;
pub mod local_vs_full;
pub mod open_select;
pub mod overhead;
pub mod packing;
pub mod sublinear;

use std::path::Path;

/// What every section is run with.
pub struct Ctx<'a> {
    /// Smallest sizes only.
    pub quick: bool,
    /// Skip the external baselines.
    pub no_external: bool,
    /// Where the sections write their files (removed at the end).
    pub dir: &'a Path,
}

impl Ctx<'_> {
    /// `quick` or `full`, by the run's size.
    pub fn pick<T>(&self, quick: T, full: T) -> T {
        if self.quick {
            quick
        } else {
            full
        }
    }
}

/// A goal of the project's issue 7, judged on this run's figures.
#[derive(Clone, Debug)]
pub struct Goal {
    pub goal: String,
    pub got: String,
    pub met: bool,
}

impl Goal {
    pub fn new(goal: impl Into<String>, got: impl Into<String>, met: bool) -> Goal {
        Goal {
            goal: goal.into(),
            got: got.into(),
            met,
        }
    }
}
