//! `--labels FILE`: one label per line (UTF-8), line *i* naming row or
//! node *i − 1* of the data it labels. Leading and trailing blanks are
//! dropped; a blank line before the last label is an error (every row needs
//! its label, and a skipped line would shift every label after it). At most `expect + 1`
//! lines are read, each bounded by `rvf_spec::labels::MAX_LABEL_BYTES`.

use super::lines::{LineError, Lines};
use super::progress::Progress;
use super::source::{self, Role};
use crate::error::{PackError, Result};
use rvf_spec::labels::MAX_LABEL_BYTES;
use std::io::BufReader;
use std::path::Path;

/// Read exactly `expect` labels (`what` names what they label, for messages).
pub fn load(path: &Path, expect: u64, what: &str, progress: &dyn Progress) -> Result<Vec<String>> {
    let src = source::open(path, Role::Labels, progress)?;
    let name = src.name.clone();
    let err = |line: Option<u64>, w: String| {
        PackError::input(&name, line.map(|l| format!("line {l}")), w)
    };
    let mut labels: Vec<String> = Vec::new();
    let mut lines = Lines::new(BufReader::new(src), MAX_LABEL_BYTES, None);
    let mut blank = None;
    loop {
        let (line, bytes) = match lines.next_any(false) {
            Ok(Some(l)) => l,
            Ok(None) => break,
            Err(LineError::TooLong { line, max }) => {
                return Err(err(Some(line), format!("label is longer than {max} bytes")))
            }
            Err(LineError::Io(e)) => return Err(PackError::io(&name, e)),
        };
        if bytes.is_empty() {
            // Blank lines at the end are fine; one before a label is not.
            blank.get_or_insert(line);
            continue;
        }
        if let Some(at) = blank {
            return Err(err(
                Some(at),
                "blank line: every row needs a label (a skipped line would shift the rest)".into(),
            ));
        }
        if labels.len() as u64 == expect {
            return Err(err(
                None,
                format!("more than {expect} labels, one per line, for the {expect} {what}"),
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            err(
                Some(line),
                format!("not UTF-8 (at byte {})", e.valid_up_to()),
            )
        })?;
        labels
            .try_reserve(1)
            .map_err(|_| err(Some(line), "out of memory holding the labels".into()))?;
        labels.push(text.to_string());
    }
    if (labels.len() as u64) < expect {
        return Err(err(
            None,
            format!(
                "{} labels for {expect} {what}: give one per line, in order",
                labels.len()
            ),
        ));
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &[u8], expect: u64) -> Result<Vec<String>> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("l.txt");
        std::fs::write(&p, text).unwrap();
        load(&p, expect, "nodes", &())
    }

    #[test]
    fn one_label_per_line_exactly() {
        assert_eq!(
            load_text(b"Valjean\n  Javert \r\nCosette", 3).unwrap(),
            ["Valjean", "Javert", "Cosette"]
        );
        assert_eq!(load_text(b"a\nb\nc\n\n\n", 3).unwrap(), ["a", "b", "c"]);
        let e = load_text(b"a\nb\n", 3).unwrap_err().to_string();
        assert!(e.contains("2 labels for 3 nodes"), "{e}");
        let e = load_text(b"a\nb\nc\nd\n", 3).unwrap_err().to_string();
        assert!(e.contains("more than 3 labels"), "{e}");
        let e = load_text(b"a\n\nc\n", 3).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("blank line"), "{e}");
        let e = load_text(b"a\n\xff\xfe\nc\n", 3).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("not UTF-8"), "{e}");
        let long = vec![b'x'; MAX_LABEL_BYTES + 1];
        let e = load_text(&long, 1).unwrap_err().to_string();
        assert!(e.contains("longer than"), "{e}");
    }
}
