//! Lines of a text input, read as bytes with a bound on their length.
//!
//! A line longer than the bound is an error naming it, found after reading
//! at most the bound (a 100 MB line, or `/dev/zero`, never fills memory).
//! Comment lines (first non-blank byte = the comment byte) are skipped as
//! bytes without being held, whatever their length or encoding; blank lines
//! are skipped. Lines are numbered from 1 counting every line.

use std::io::{self, BufRead};

/// Why no line was returned.
#[derive(Debug)]
pub enum LineError {
    /// Line `line` is longer than `max` bytes.
    TooLong {
        line: u64,
        max: usize,
    },
    Io(io::Error),
}

pub struct Lines<R> {
    r: R,
    line: u64,
    max: usize,
    comment: Option<u8>,
    buf: Vec<u8>,
}

#[derive(PartialEq)]
enum State {
    Start,
    Data,
    Comment,
}

impl<R: BufRead> Lines<R> {
    /// Lines of at most `max` bytes; `comment` starts a comment line.
    pub fn new(r: R, max: usize, comment: Option<u8>) -> Self {
        Lines {
            r,
            line: 0,
            max,
            comment,
            buf: Vec::new(),
        }
    }

    /// The number of the line returned last.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The next line (without leading blanks and the line end), blank and
    /// comment lines included when `skip` is false.
    pub fn next_any(&mut self, skip: bool) -> Result<Option<(u64, &[u8])>, LineError> {
        loop {
            self.buf.clear();
            let mut state = State::Start;
            let mut any = false;
            loop {
                let avail = self.r.fill_buf().map_err(LineError::Io)?;
                if avail.is_empty() {
                    break;
                }
                if !any {
                    any = true;
                    self.line += 1;
                }
                let (mut chunk, end) = match avail.iter().position(|&b| b == b'\n') {
                    Some(i) => (&avail[..i], Some(i + 1)),
                    None => (avail, None),
                };
                if state == State::Start {
                    let blanks = chunk
                        .iter()
                        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
                        .count();
                    chunk = &chunk[blanks..];
                    if let Some(&first) = chunk.first() {
                        state = if skip && Some(first) == self.comment {
                            State::Comment
                        } else {
                            State::Data
                        };
                    }
                }
                if state == State::Data {
                    if self.buf.len() + chunk.len() > self.max {
                        return Err(LineError::TooLong {
                            line: self.line,
                            max: self.max,
                        });
                    }
                    self.buf.extend_from_slice(chunk);
                }
                let used = end.unwrap_or(avail.len());
                self.r.consume(used);
                if end.is_some() {
                    break;
                }
            }
            if !any {
                return Ok(None);
            }
            if state == State::Data || !skip {
                while self.buf.last().is_some_and(|b| b.is_ascii_whitespace()) {
                    self.buf.pop();
                }
                return Ok(Some((self.line, &self.buf)));
            }
        }
    }

    /// The next line that is neither blank nor a comment.
    pub fn next_data(&mut self) -> Result<Option<(u64, &[u8])>, LineError> {
        self.next_any(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_comments_and_blanks_as_bytes_and_bounds_lines() {
        let text = b"% caf\xe9 latin-1\n\n  1 2\r\n%\n\t3 4  \nlast";
        let mut l = Lines::new(&text[..], 8, Some(b'%'));
        assert_eq!(l.next_data().unwrap(), Some((3, &b"1 2"[..])));
        assert_eq!(l.next_data().unwrap(), Some((5, &b"3 4"[..])));
        assert_eq!(l.next_data().unwrap(), Some((6, &b"last"[..])));
        assert!(l.next_data().unwrap().is_none());
        // A long comment is fine; a long data line is not, and reading stops.
        let mut long = b"%".repeat(100);
        long.extend_from_slice(b"\n123456789\n");
        let mut l = Lines::new(&long[..], 8, Some(b'%'));
        match l.next_data() {
            Err(LineError::TooLong { line: 2, max: 8 }) => {}
            other => panic!("{other:?}"),
        }
        // Without skipping, the first line comes back whatever it is.
        let mut l = Lines::new(&b"\n% x\n"[..], 8, Some(b'%'));
        assert_eq!(l.next_any(false).unwrap(), Some((1, &b""[..])));
        assert_eq!(l.next_any(false).unwrap(), Some((2, &b"% x"[..])));
    }
}
