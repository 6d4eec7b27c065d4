//! Errors of the write side. Input errors name the file and the line or
//! byte offset; container errors wrap the loader's typed errors.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum PackError {
    /// Bad user input: file, where (line N / offset N), what.
    Input {
        file: PathBuf,
        at: Option<String>,
        what: String,
    },
    /// A WASM module that cannot be packed (invalid, or a header would lie).
    Wasm { file: PathBuf, what: String },
    /// Invalid arguments or combinations (e.g. no baseline solver variant).
    Usage(String),
    /// The existing file is not a readable RVF file.
    Container(loader::Error),
    /// A segment to be signed does not verify as stored: signing it would
    /// vouch for bytes nobody vouched for. `unhashed`: its content hash is
    /// unset (allowed with `--allow-unhashed`), else it fails a check.
    Unverified {
        index: usize,
        what: String,
        unhashed: bool,
    },
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
}

impl PackError {
    pub fn input(file: &std::path::Path, at: Option<String>, what: impl Into<String>) -> Self {
        PackError::Input {
            file: file.to_path_buf(),
            at,
            what: what.into(),
        }
    }
    pub fn io(file: &std::path::Path, source: std::io::Error) -> Self {
        PackError::Io {
            file: file.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackError::Input {
                file,
                at: Some(at),
                what,
            } => {
                write!(f, "{}: {at}: {what}", file.display())
            }
            PackError::Input {
                file,
                at: None,
                what,
            } => write!(f, "{}: {what}", file.display()),
            PackError::Wasm { file, what } => write!(f, "{}: {what}", file.display()),
            PackError::Usage(s) => f.write_str(s),
            PackError::Container(e) => write!(f, "{e}"),
            PackError::Unverified {
                index,
                what,
                unhashed: false,
            } => write!(
                f,
                "segment {index} does not verify ({what}): it is not signed; run `rvf-pack verify` to see why"
            ),
            PackError::Unverified { index, what, .. } => write!(
                f,
                "segment {index}: {what}: signing it would vouch for bytes nothing checked; \
                 pass --allow-unhashed if you know them to be right"
            ),
            PackError::Io { file, source } => write!(f, "{}: {source}", file.display()),
        }
    }
}

impl std::error::Error for PackError {}

impl From<loader::Error> for PackError {
    fn from(e: loader::Error) -> Self {
        PackError::Container(e)
    }
}

pub type Result<T, E = PackError> = std::result::Result<T, E>;
