//! Which reader an input needs, decided by its content: the NPY magic
//! `\x93NUMPY`, the Matrix Market banner `%%MatrixMarket`, the `.fvecs`
//! shape (a plausible first dimension, a length that is a whole number of
//! `4 + 4·dim`-byte records, consistent dimensions in the first records),
//! or text. The extension or `--format` is a hint; when it contradicts the
//! content, that is an error naming both.

use super::source::{Role, Source};
use crate::error::Result;
use std::fmt;
use std::str::FromStr;

/// An input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Fvecs,
    Npy,
    /// Comma-separated text.
    Csv,
    /// Tab-separated text.
    Tsv,
    /// Text with the separator found from the first row (comma, tab or blanks).
    Text,
    MatrixMarket,
}

impl Format {
    /// The name `--format` takes and reports use.
    pub fn name(self) -> &'static str {
        match self {
            Format::Fvecs => "fvecs",
            Format::Npy => "npy",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Text => "txt",
            Format::MatrixMarket => "mtx",
        }
    }

    pub fn is_text(self) -> bool {
        matches!(self, Format::Csv | Format::Tsv | Format::Text)
    }

    fn from_extension(ext: &str) -> Option<Format> {
        Some(match ext {
            "fvecs" => Format::Fvecs,
            "npy" => Format::Npy,
            "csv" => Format::Csv,
            "tsv" => Format::Tsv,
            "txt" | "text" => Format::Text,
            "mtx" | "mm" => Format::MatrixMarket,
            _ => return None,
        })
    }

    fn allowed(self, role: Role) -> bool {
        match role {
            Role::Vectors => self != Format::MatrixMarket,
            Role::Matrix => self == Format::MatrixMarket,
            Role::Rhs => self == Format::Npy || self.is_text(),
            Role::Solver | Role::Labels => false,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Fvecs => ".fvecs",
            Format::Npy => "NPY",
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Text => "text",
            Format::MatrixMarket => "Matrix Market",
        })
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "matrix-market" | "matrixmarket" => Ok(Format::MatrixMarket),
            other => Format::from_extension(other).ok_or_else(|| {
                format!("unknown format '{s}' (expected fvecs, npy, csv, tsv, txt or mtx)")
            }),
        }
    }
}

/// What the first bytes say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Content {
    Empty,
    Npy,
    MatrixMarket,
    Fvecs,
    Text,
    /// Binary, and no shape we know.
    Unknown,
}

impl Content {
    fn describe(self) -> &'static str {
        match self {
            Content::Empty => "empty",
            Content::Npy => "an NPY array (\\x93NUMPY magic)",
            Content::MatrixMarket => "a Matrix Market file (%%MatrixMarket banner)",
            Content::Fvecs => ".fvecs records",
            Content::Text => "text",
            Content::Unknown => "binary data of no known shape",
        }
    }
    fn format(self) -> Option<Format> {
        match self {
            Content::Npy => Some(Format::Npy),
            Content::MatrixMarket => Some(Format::MatrixMarket),
            Content::Fvecs => Some(Format::Fvecs),
            Content::Text => Some(Format::Text),
            Content::Empty | Content::Unknown => None,
        }
    }
}

/// Bytes looked at: enough for the text check and a few `.fvecs` records.
const PEEK: usize = 64 << 10;

fn sniff(head: &[u8], len: Option<u64>) -> Content {
    if head.is_empty() {
        return Content::Empty;
    }
    if head.starts_with(b"\x93NUMPY") {
        return Content::Npy;
    }
    const BANNER: &[u8] = b"%%MatrixMarket";
    if head.len() >= BANNER.len() && head[..BANNER.len()].eq_ignore_ascii_case(BANNER) {
        return Content::MatrixMarket;
    }
    if let (Some(len), Some(d)) = (len, head.get(..4)) {
        let dim = i32::from_le_bytes([d[0], d[1], d[2], d[3]]);
        if (1..=u16::MAX as i32).contains(&dim) {
            let stride = 4 + 4 * dim as u64;
            let same = (0..)
                .map(|k| k * stride)
                .take_while(|&off| off + 4 <= head.len() as u64 && off < len)
                .all(|off| head[off as usize..off as usize + 4] == d[..]);
            if len >= stride && len.is_multiple_of(stride) && same {
                return Content::Fvecs;
            }
        }
    }
    let texty = |&b: &u8| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0c);
    if head.iter().all(texty) {
        return Content::Text;
    }
    Content::Unknown
}

/// The format of `src` for `role`: from its content, with `flag` (from
/// `--format`) or the extension as a hint. Peeks, never consumes.
pub fn decide(src: &mut Source, role: Role, flag: Option<Format>) -> Result<Format> {
    let len = src.len;
    let content = sniff(src.peek(PEEK)?, len);
    let ext = Format::from_extension(&src.extension());
    let hint = match (flag, ext) {
        (Some(f), _) => Some((f, "--format")),
        (None, Some(f)) => Some((f, "the extension")),
        (None, None) => None,
    };
    let format = match (content.format(), hint) {
        _ if content == Content::Empty => {
            return Err(src.err(None, "the input is empty: no data"));
        }
        (Some(Format::Text), Some((h, _))) if h.is_text() || h == Format::MatrixMarket => h,
        (Some(c), Some((h, by))) if c != h => {
            return Err(src.err(
                None,
                format!(
                    "{by} says {h} but the content is {}; fix the name or --format",
                    content.describe()
                ),
            ));
        }
        (Some(c), _) => c,
        (None, Some((h, by))) if h.is_text() => {
            return Err(src.err(
                None,
                format!("{by} says {h} but the content is {}", content.describe()),
            ));
        }
        (None, Some((h, _))) => h,
        // A matrix can only be Matrix Market: its reader says what is wrong.
        (None, None) if role == Role::Matrix => Format::MatrixMarket,
        (None, None) => {
            let why = if src.stdin {
                "; .fvecs is recognised only in a file, by its length"
            } else {
                ""
            };
            return Err(src.err(
                None,
                format!(
                    "cannot tell the format from the content ({}{why}): name it with --format (fvecs, npy, csv, tsv, txt or mtx)",
                    content.describe()
                ),
            ));
        }
    };
    if !format.allowed(role) {
        return Err(src.err(
            None,
            format!(
                "is {format} data; {} expects {}",
                role.flag(),
                role.expects()
            ),
        ));
    }
    Ok(format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fvecs(dims: &[i32]) -> Vec<u8> {
        let mut b = Vec::new();
        for &d in dims {
            b.extend(d.to_le_bytes());
            b.extend(vec![0u8; 4 * dims[0] as usize]);
        }
        b
    }

    fn decide_bytes(
        name: &str,
        bytes: Vec<u8>,
        role: Role,
        flag: Option<Format>,
    ) -> Result<Format> {
        decide(&mut Source::from_bytes(Path::new(name), bytes), role, flag)
    }

    #[test]
    fn content_decides_and_the_name_is_a_hint() {
        let v = Role::Vectors;
        let npy = b"\x93NUMPY\x01\x00rest".to_vec();
        assert_eq!(
            decide_bytes("a.bin", npy.clone(), v, None).unwrap(),
            Format::Npy
        );
        assert_eq!(
            decide_bytes("a", fvecs(&[2, 2]), v, None).unwrap(),
            Format::Fvecs
        );
        assert_eq!(
            decide_bytes("a.dat", b"1,2\n".to_vec(), v, None).unwrap(),
            Format::Text
        );
        assert_eq!(
            decide_bytes("a.tsv", b"1\t2\n".to_vec(), v, None).unwrap(),
            Format::Tsv
        );
        let mm = b"%%matrixmarket matrix coordinate real general\n".to_vec();
        assert_eq!(
            decide_bytes("m", mm.clone(), Role::Matrix, None).unwrap(),
            Format::MatrixMarket
        );
        // Contradictions name both.
        let e = decide_bytes("a.csv", npy, v, None).unwrap_err().to_string();
        assert!(
            e.contains("the extension says CSV") && e.contains("NPY"),
            "{e}"
        );
        let e = decide_bytes("a.npy", fvecs(&[2]), v, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("says NPY") && e.contains(".fvecs"), "{e}");
        let e = decide_bytes("a.csv", b"1,2\n".to_vec(), v, Some(Format::Npy));
        assert!(e.unwrap_err().to_string().contains("--format says NPY"));
        // Inconsistent second dimension: not .fvecs-shaped, so the name decides.
        let odd = fvecs(&[2, 3]);
        assert!(decide_bytes("a", odd.clone(), v, None).is_err());
        assert_eq!(
            decide_bytes("a.fvecs", odd, v, None).unwrap(),
            Format::Fvecs
        );
        // The wrong flag for the content.
        let e = decide_bytes("m.mtx", mm, v, None).unwrap_err().to_string();
        assert!(
            e.contains("Matrix Market") && e.contains("--vectors expects"),
            "{e}"
        );
        let e = decide_bytes("e.csv", Vec::new(), v, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("empty"), "{e}");
        assert_eq!("NPY".parse::<Format>().unwrap(), Format::Npy);
        assert!("xls".parse::<Format>().is_err());
    }
}
