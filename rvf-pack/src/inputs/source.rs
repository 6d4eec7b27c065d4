//! Opening an input: a path (a regular file only, refused at once if it is
//! a FIFO, a device or a directory) or `-` for standard input; errors name
//! the path and what the flag expected. Bytes can be peeked for content
//! detection before the reader takes them; reading reports progress.

use super::progress::{Progress, EVERY};
use crate::error::{PackError, Result};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// What an input is for: names the flag and what it expects in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Vectors,
    Matrix,
    Rhs,
    Solver,
    Labels,
}

impl Role {
    pub fn flag(self) -> &'static str {
        match self {
            Role::Vectors => "--vectors",
            Role::Matrix => "--matrix",
            Role::Rhs => "--rhs",
            Role::Solver => "--solver",
            Role::Labels => "--labels",
        }
    }
    pub fn expects(self) -> &'static str {
        match self {
            Role::Vectors => "vectors (.fvecs, .npy or CSV)",
            Role::Matrix => "a Matrix Market coordinate file (.mtx)",
            Role::Rhs => "a right-hand side (.npy, or text with one number per line)",
            Role::Solver => "a WebAssembly module (.wasm)",
            Role::Labels => "labels (text, one per line)",
        }
    }
}

/// The name standard input is shown under in messages.
pub const STDIN_NAME: &str = "<stdin>";

/// True when `path` means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// An open input.
pub struct Source<'p> {
    /// The path, or `<stdin>`.
    pub name: PathBuf,
    /// The length in bytes when known (regular files).
    pub len: Option<u64>,
    pub stdin: bool,
    inner: Box<dyn Read>,
    head: Vec<u8>,
    pos: usize,
    done: u64,
    next_report: u64,
    progress: &'p dyn Progress,
}

/// Open `path` (or standard input for `-`) as the input for `role`.
pub fn open<'p>(path: &Path, role: Role, progress: &'p dyn Progress) -> Result<Source<'p>> {
    let (name, len, stdin, inner): (PathBuf, _, _, Box<dyn Read>) = if is_stdin(path) {
        (STDIN_NAME.into(), None, true, Box::new(io::stdin().lock()))
    } else {
        let (f, meta) = loader::open_regular(path).map_err(|e| open_error(e, role))?;
        (path.to_path_buf(), Some(meta.len()), false, Box::new(f))
    };
    Ok(Source::new(name, len, stdin, inner, progress))
}

/// An input error from `loader::open_regular`, naming the path and what
/// the flag expected.
pub fn open_error(e: loader::Error, role: Role) -> PackError {
    let (flag, expects) = (role.flag(), role.expects());
    match e {
        loader::Error::Io { path, what, detail } => PackError::Io {
            file: path.into(),
            source: io::Error::other(format!("{what} ({flag} expects {expects}): {detail}")),
        },
        loader::Error::NotAFile { path, kind } => PackError::input(
            Path::new(&path),
            None,
            format!(
                "is a {kind}, not a regular file; {flag} expects {expects} (or - for standard input)"
            ),
        ),
        other => PackError::Container(other),
    }
}

impl<'p> Source<'p> {
    /// A source over any reader (tests, in-memory text).
    pub fn new(
        name: PathBuf,
        len: Option<u64>,
        stdin: bool,
        inner: Box<dyn Read>,
        progress: &'p dyn Progress,
    ) -> Self {
        Source {
            name,
            len,
            stdin,
            inner,
            head: Vec::new(),
            pos: 0,
            done: 0,
            next_report: EVERY,
            progress,
        }
    }

    /// In-memory bytes (tests and `parse` helpers).
    pub fn from_bytes(name: &Path, bytes: Vec<u8>) -> Source<'static> {
        let len = bytes.len() as u64;
        Source::new(
            name.to_path_buf(),
            Some(len),
            false,
            Box::new(io::Cursor::new(bytes)),
            &(),
        )
    }

    /// Up to `n` bytes from the start, without consuming them (fewer only
    /// at the end of the input).
    pub fn peek(&mut self, n: usize) -> Result<&[u8]> {
        while self.head.len() - self.pos < n {
            let mut chunk = vec![0u8; n - (self.head.len() - self.pos)];
            let got = loop {
                match self.inner.read(&mut chunk) {
                    Ok(g) => break g,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(PackError::io(&self.name, e)),
                }
            };
            if got == 0 {
                break;
            }
            self.head.extend_from_slice(&chunk[..got]);
        }
        Ok(&self.head[self.pos..])
    }

    /// The path's extension, lower case ("" for none or stdin).
    pub fn extension(&self) -> String {
        if self.stdin {
            return String::new();
        }
        self.name
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase()
    }

    /// Announce the reading stage to the progress sink.
    pub fn start_progress(&self, what: &str) {
        self.progress.stage(
            &format!("{what} {}", self.name.display()),
            self.len.unwrap_or(0),
        );
    }

    pub fn progress(&self) -> &'p dyn Progress {
        self.progress
    }

    /// An input error at `at` in this source.
    pub fn err(&self, at: Option<String>, what: impl Into<String>) -> PackError {
        PackError::input(&self.name, at, what)
    }

    pub fn io_err(&self, e: io::Error) -> PackError {
        PackError::io(&self.name, e)
    }
}

impl Read for Source<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = if self.pos < self.head.len() {
            let n = buf.len().min(self.head.len() - self.pos);
            buf[..n].copy_from_slice(&self.head[self.pos..self.pos + n]);
            self.pos += n;
            if self.pos == self.head.len() {
                self.head = Vec::new();
                self.pos = 0;
            }
            n
        } else {
            self.inner.read(buf)?
        };
        self.done += n as u64;
        if self.done >= self.next_report {
            self.progress.at(self.done);
            self.next_report = self.done + EVERY;
        }
        Ok(n)
    }
}

/// Read a whole module of at most `limit` bytes: the size is checked from
/// the file's metadata before reading, and at most `limit + 1` bytes are
/// ever read (the file may grow, or be standard input).
pub fn read_module(path: &Path, limit: usize) -> Result<Vec<u8>> {
    let too_big = |file: &Path, size: String| PackError::Wasm {
        file: file.to_path_buf(),
        what: format!(
            "module is {size} bytes; the limit is {limit} ({})",
            super::memory::short(limit as u64)
        ),
    };
    let mut src = open(path, Role::Solver, &())?;
    if let Some(len) = src.len {
        if len > limit as u64 {
            return Err(too_big(&src.name, len.to_string()));
        }
    }
    let mut bytes = Vec::new();
    (&mut src)
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| src.io_err(e))?;
    if bytes.len() > limit {
        return Err(too_big(&src.name, format!("more than {limit}")));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_names_the_path_and_what_was_expected() {
        let d = tempfile::tempdir().unwrap();
        let missing = d.path().join("nope.mtx");
        let e = open(&missing, Role::Matrix, &()).err().unwrap().to_string();
        assert!(
            e.contains("nope.mtx") && e.contains("--matrix expects"),
            "{e}"
        );
        let e = open(d.path(), Role::Vectors, &()).err().unwrap();
        assert!(matches!(e, PackError::Input { .. }), "{e}");
        let e = e.to_string();
        assert!(
            e.contains("is a directory") && e.contains("--vectors"),
            "{e}"
        );
        #[cfg(unix)]
        {
            let e = open(Path::new("/dev/zero"), Role::Rhs, &());
            let e = e.err().unwrap().to_string();
            assert!(e.contains("character device"), "{e}");
        }
    }

    #[test]
    fn peeked_bytes_are_read_again() {
        let mut s = Source::from_bytes(Path::new("x"), b"hello world".to_vec());
        assert_eq!(s.peek(5).unwrap(), b"hello");
        assert_eq!(s.peek(50).unwrap(), b"hello world");
        let mut all = String::new();
        s.read_to_string(&mut all).unwrap();
        assert_eq!(all, "hello world");
    }

    #[test]
    fn modules_are_size_checked_before_reading() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("big.wasm");
        std::fs::write(&p, vec![0u8; 101]).unwrap();
        let e = read_module(&p, 100).unwrap_err().to_string();
        assert!(e.contains("module is 101 bytes; the limit is 100"), "{e}");
        assert_eq!(read_module(&p, 101).unwrap().len(), 101);
        #[cfg(unix)]
        assert!(read_module(Path::new("/dev/zero"), 100).is_err());
    }
}
