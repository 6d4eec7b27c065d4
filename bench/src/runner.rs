//! Running queries as an application does: a file opened once, one
//! `rvf_host::Session` per kernel variant (the variant selected, hashed and
//! compiled once, each query in a fresh instance, each data segment hashed
//! once before its first bulk read), and the same queries natively, with
//! the same kernel compiled for the host.

use loader::{MappedFile, RvfFile};
use rvf_host::{data, DataBinding, HostConfig, MatrixChoice, Outcome, Request, Session};
use rvf_spec::abi::{status, Params};
use rvf_spec::format::WASM_FEAT_SIMD;
use rvf_spec::source::ArraySource;
use std::fmt;
use std::path::Path;

/// The two kernel variants a file carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Baseline,
    Simd,
}

impl Variant {
    /// The host that selects this variant: every engine feature (the SIMD
    /// kernel ranks first), or every feature but SIMD.
    pub fn config(self) -> HostConfig {
        let all = HostConfig::default();
        match self {
            Variant::Simd => all,
            Variant::Baseline => HostConfig {
                allowed_features: all.allowed_features & !WASM_FEAT_SIMD,
                ..all
            },
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Variant::Baseline => "baseline",
            Variant::Simd => "SIMD",
        })
    }
}

/// An open file with a session per variant.
pub struct Opened<'a> {
    baseline: Session<'a>,
    simd: Session<'a>,
}

impl<'a> Opened<'a> {
    pub fn session(&mut self, v: Variant) -> &mut Session<'a> {
        match v {
            Variant::Baseline => &mut self.baseline,
            Variant::Simd => &mut self.simd,
        }
    }

    /// Run `req` with variant `v`; it must succeed (converged or not).
    pub fn run(&mut self, v: Variant, req: &Request) -> Outcome {
        let out = self
            .session(v)
            .run(req)
            .unwrap_or_else(|e| panic!("{} {v}: {e}", req.method.name()));
        let s = out.report.status;
        assert!(
            s == status::OK || s == status::NOT_CONVERGED,
            "{} {v}: {}",
            req.method.name(),
            status::message(s)
        );
        out
    }

    /// Check the hashes of the data `matrix` binds in `v`'s session now,
    /// untimed. Each session checks a data segment once, before its first
    /// bulk read; a host serving both variants from one open file checks
    /// it once per file. Calling this for one variant leaves the check to
    /// the other variant's first bulk read, so the timed runs pay for it
    /// once per file.
    pub fn verify_data_now(&mut self, v: Variant, matrix: MatrixChoice) {
        self.session(v)
            .verify_data(matrix)
            .unwrap_or_else(|e| panic!("the {v} session: {e}"));
    }
}

/// Map and parse `path`, open a session per variant and select both now
/// (as an application does when it opens a file, so no timed query pays
/// for selection), then hand them to `f`.
pub fn with_file<R>(path: &Path, f: impl FnOnce(&mut Opened<'_>) -> R) -> R {
    let map = MappedFile::open(path).expect("map a bench file");
    let session = |v: Variant| {
        let file = RvfFile::parse(map.bytes()).expect("parse a bench file");
        let mut s = Session::new(file, v.config());
        select_now(&mut s, v);
        s
    };
    f(&mut Opened {
        baseline: session(Variant::Baseline),
        simd: session(Variant::Simd),
    })
}

/// Select the variant's kernel now and check the variant meant was chosen.
fn select_now(s: &mut Session<'_>, v: Variant) {
    let sel = s
        .prepare()
        .unwrap_or_else(|e| panic!("the {v} session: {e}"));
    let chosen = sel
        .chosen()
        .and_then(|c| c.header)
        .expect("a chosen header");
    let simd = chosen.required_features & WASM_FEAT_SIMD != 0;
    assert_eq!(
        simd,
        v == Variant::Simd,
        "the {v} session chose another variant"
    );
}

/// A packed file's bytes read into memory, for the native kernel: the
/// arrays the sandbox is served (bound by the host's `data::bind`), held
/// on the heap as a native application would hold them.
pub struct InMemory(Vec<u8>);

impl InMemory {
    pub fn read(path: &Path) -> InMemory {
        InMemory(std::fs::read(path).expect("read a bench file"))
    }

    /// The native runner over the data `matrix` chooses.
    pub fn native(&self, matrix: MatrixChoice) -> Native<'_> {
        let file = RvfFile::parse(&self.0).expect("parse a bench file");
        let binding = data::bind(&file, matrix).expect("bind the bench data");
        Native { file, binding }
    }
}

/// The microkernel compiled for the host, on bound data in memory.
pub struct Native<'a> {
    file: RvfFile<'a>,
    binding: DataBinding<'a>,
}

impl Native<'_> {
    /// The exact ABI parameters a session would run `req` with.
    pub fn params(&self, req: &Request) -> Params {
        req.params(&self.file)
    }

    pub fn source(&self) -> ArraySource<'_> {
        self.binding.source()
    }

    /// Run `req` natively, with the parameters and input a session would use.
    pub fn run(&self, req: &Request) -> microkernel::Outcome {
        let input = req.input(&self.binding).expect("the bench's query fits");
        microkernel::run(&self.params(req), &input, &mut self.source())
    }
}
