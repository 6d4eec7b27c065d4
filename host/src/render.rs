//! The text of a finished run, as every front end prints it: `rvf-pack run`
//! and the bare-metal firmware print these lines byte for byte (the
//! firmware's `output digest` and `fuel` lines are read by `boot/check.sh`;
//! rvf-js reproduces the CLI's). `core::fmt` only, so it builds without
//! `std`. What only one front end prints (the CLI's result table, the
//! firmware's RAM report) stays in that front end.

use crate::session::Outcome;
use core::fmt;
use rvf_spec::format::{role_name, Features};

/// What ran and how it ended, from [`Outcome::summary`]: the line
/// `METHOD on segment N (role, features F): status words`, then the data
/// line (`  data: matrix segment M` or `  data: vector segment(s) A, B`)
/// when the run read data. No trailing newline.
pub struct Summary<'a>(&'a Outcome);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let out = self.0;
        write!(
            f,
            "{} on segment {} ({}, features {}): {}",
            out.method().map_or("?", |m| m.name()),
            out.chosen().index,
            role_name(out.header.role),
            Features(out.header.required_features),
            out.status_words()
        )?;
        if let Some(m) = out.data.matrix {
            write!(f, "\n  data: matrix segment {m}")?;
        } else if let Some((first, rest)) = out.data.vectors.split_first() {
            write!(f, "\n  data: vector segment(s) {first}")?;
            for i in rest {
                write!(f, ", {i}")?;
            }
        }
        Ok(())
    }
}

/// The run's numbers, from [`Outcome::figures`]: the line
/// `  iterations …  residual …  estimate …  work …  fuel …  host calls …`,
/// then `  output digest <hex>`. No trailing newline.
pub struct Figures<'a> {
    out: &'a Outcome,
    fuel_last: bool,
}

impl Figures<'_> {
    /// The firmware's layout: fuel not in the first line but on a line of
    /// its own, `  fuel <n>`, after the digest.
    pub fn fuel_last(self) -> Self {
        Figures {
            fuel_last: true,
            ..self
        }
    }
}

impl fmt::Display for Figures<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let out = self.out;
        let r = &out.report;
        write!(
            f,
            "  iterations {}  residual {:.3e}  estimate {:.6e}  work {}",
            r.iterations, r.residual, r.estimate, r.work
        )?;
        if !self.fuel_last {
            write!(f, "  fuel {}", out.fuel_used)?;
        }
        write!(f, "  host calls {}\n  output digest ", out.host.calls)?;
        for b in out.digest() {
            write!(f, "{b:02x}")?;
        }
        if self.fuel_last {
            write!(f, "\n  fuel {}", out.fuel_used)?;
        }
        Ok(())
    }
}

impl Outcome {
    /// The status and data lines every front end prints for this run.
    pub fn summary(&self) -> Summary<'_> {
        Summary(self)
    }
    /// The iterations/fuel/host-calls line and the `output digest` line.
    pub fn figures(&self) -> Figures<'_> {
        Figures {
            out: self,
            fuel_last: false,
        }
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use crate::{HostConfig, Method, Request, RvfFile, Session};
    use alloc::format;

    #[test]
    fn both_layouts_of_a_run() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/conformance/karate-shake.rvf"
        );
        let bytes = std::fs::read(path).unwrap();
        let mut session = Session::new(RvfFile::parse(&bytes).unwrap(), HostConfig::default());
        let mut request = Request::new(Method::PprForward);
        request.epsilon = 1e-6;
        let out = session.run(&request).unwrap();
        let m = out.data.matrix.unwrap();
        let summary = format!("{}", out.summary());
        let head = format!("ppr-forward on segment {} (", out.chosen().index);
        assert!(summary.starts_with(&head), "{summary}");
        assert!(summary.ends_with(&format!("): ok\n  data: matrix segment {m}")));
        let digest = rvf_spec::hex::encode(&out.digest());
        let r = &out.report;
        let numbers = format!(
            "  iterations {}  residual {:.3e}  estimate {:.6e}  work {}",
            r.iterations, r.residual, r.estimate, r.work
        );
        let calls = out.host.calls;
        assert_eq!(
            format!("{}", out.figures()),
            format!(
                "{numbers}  fuel {}  host calls {calls}\n  output digest {digest}",
                out.fuel_used
            )
        );
        assert_eq!(
            format!("{}", out.figures().fuel_last()),
            format!(
                "{numbers}  host calls {calls}\n  output digest {digest}\n  fuel {}",
                out.fuel_used
            )
        );
    }
}
