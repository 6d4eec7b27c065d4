//! The `.npy` preamble and header dictionary, parsed without trusting it:
//! the header length is bounded before it is read, the shape's element
//! count is computed with checked arithmetic, and only the Python literal
//! subset numpy writes is accepted (`{'descr': '<f4', 'fortran_order':
//! False, 'shape': (3, 4), }`).

use std::io::{ErrorKind, Read};

/// The longest header accepted (numpy reads at most 10 000 bytes by default).
pub const MAX_HEADER: usize = 64 << 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endian {
    Little,
    Big,
    /// `|`: one-byte types.
    None,
}

/// A plain dtype: `<f4`, `>i8`, `|u1`, ...
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Descr {
    /// As written in the file.
    pub text: String,
    pub endian: Endian,
    /// `f`, `i`, `u`, `b`, `c`, ... (numpy's kind character).
    pub kind: char,
    /// Bytes per element (0 when the descr has none).
    pub size: usize,
}

impl Descr {
    /// numpy's name for the type ("int64", "float16"), or the descr.
    pub fn name(&self) -> String {
        let bits = self.size * 8;
        match self.kind {
            'f' => format!("float{bits}"),
            'i' => format!("int{bits}"),
            'u' => format!("uint{bits}"),
            'c' => format!("complex{bits}"),
            'b' => "bool".into(),
            _ => format!("'{}'", self.text),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Header {
    pub descr: Descr,
    pub fortran: bool,
    pub shape: Vec<u64>,
    /// Product of the shape.
    pub count: u64,
    /// Bytes before the data (preamble and header).
    pub data_offset: u64,
}

fn read_exact(r: &mut impl Read, buf: &mut [u8], what: &str) -> Result<(), String> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        ErrorKind::UnexpectedEof => format!("truncated {what}"),
        _ => format!("reading the {what}: {e}"),
    })
}

/// Read the preamble and header from `r`, leaving it at the first data byte.
pub fn read(r: &mut impl Read) -> Result<Header, String> {
    let mut pre = [0u8; 8];
    read_exact(r, &mut pre, "NPY preamble")?;
    if &pre[..6] != b"\x93NUMPY" {
        return Err("not an NPY file (no \\x93NUMPY magic)".into());
    }
    let (len, at) = match pre[6] {
        1 => {
            let mut l = [0u8; 2];
            read_exact(r, &mut l, "NPY preamble")?;
            (u16::from_le_bytes(l) as usize, 10)
        }
        2 | 3 => {
            let mut l = [0u8; 4];
            read_exact(r, &mut l, "NPY preamble")?;
            (u32::from_le_bytes(l) as usize, 12)
        }
        v => {
            return Err(format!(
                "NPY format version {v}.{} is not supported",
                pre[7]
            ))
        }
    };
    if len > MAX_HEADER {
        return Err(format!(
            "the NPY header is {len} bytes, more than the {MAX_HEADER} accepted"
        ));
    }
    let mut text = vec![0u8; len];
    read_exact(r, &mut text, "NPY header")?;
    let text = std::str::from_utf8(&text)
        .ok()
        .filter(|t| t.is_ascii())
        .ok_or("the NPY header is not ASCII text")?;
    let mut h = parse(text)?;
    h.data_offset = (at + len) as u64;
    Ok(h)
}

#[derive(Debug)]
enum Val {
    Str(String),
    Bool(bool),
    Tuple(Vec<u64>),
    /// A list or dict (a structured dtype).
    Nested,
}

struct P<'t> {
    s: &'t [u8],
    i: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        self.i += hit as usize;
        hit
    }
    fn fail(&self, what: &str) -> String {
        format!("malformed NPY header at character {}: {what}", self.i + 1)
    }
    fn string(&mut self) -> Result<String, String> {
        let q = self.peek().ok_or_else(|| self.fail("expected a string"))?;
        if q != b'\'' && q != b'"' {
            return Err(self.fail("expected a string"));
        }
        let start = self.i + 1;
        let len = self.s[start..]
            .iter()
            .position(|&c| c == q)
            .ok_or_else(|| self.fail("unterminated string"))?;
        self.i = start + len + 1;
        Ok(String::from_utf8_lossy(&self.s[start..start + len]).into_owned())
    }
    fn value(&mut self) -> Result<Val, String> {
        match self.peek() {
            Some(b'\'' | b'"') => Ok(Val::Str(self.string()?)),
            Some(b'T') if self.s[self.i..].starts_with(b"True") => {
                self.i += 4;
                Ok(Val::Bool(true))
            }
            Some(b'F') if self.s[self.i..].starts_with(b"False") => {
                self.i += 5;
                Ok(Val::Bool(false))
            }
            Some(b'(') => {
                self.i += 1;
                let mut dims = Vec::new();
                while !self.eat(b')') {
                    self.ws();
                    let start = self.i;
                    while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                        self.i += 1;
                    }
                    let d = std::str::from_utf8(&self.s[start..self.i])
                        .ok()
                        .and_then(|d| d.parse::<u64>().ok())
                        .ok_or_else(|| self.fail("a shape entry is not a whole number"))?;
                    self.eat(b'L');
                    dims.push(d);
                    if !self.eat(b',') && self.peek() != Some(b')') {
                        return Err(self.fail("expected ',' or ')' in the shape"));
                    }
                }
                Ok(Val::Tuple(dims))
            }
            Some(open @ (b'[' | b'{')) => {
                let close = if open == b'[' { b']' } else { b'}' };
                let mut depth = 0usize;
                while let Some(&c) = self.s.get(self.i) {
                    self.i += 1;
                    depth += (c == open) as usize;
                    if c == close {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(Val::Nested);
                        }
                    }
                }
                Err(self.fail("unbalanced brackets"))
            }
            _ => Err(self.fail("unexpected value")),
        }
    }
}

fn parse(text: &str) -> Result<Header, String> {
    let mut p = P {
        s: text.as_bytes(),
        i: 0,
    };
    if !p.eat(b'{') {
        return Err(p.fail("expected '{'"));
    }
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    while !p.eat(b'}') {
        let key = p.string()?;
        if !p.eat(b':') {
            return Err(p.fail("expected ':'"));
        }
        let v = p.value()?;
        match (key.as_str(), v) {
            ("descr", Val::Str(s)) => descr = Some(parse_descr(&s)),
            ("descr", _) => return Err("structured dtypes are not supported".into()),
            ("fortran_order", Val::Bool(b)) => fortran = Some(b),
            ("shape", Val::Tuple(t)) => shape = Some(t),
            (k @ ("fortran_order" | "shape"), v) => {
                return Err(format!("'{k}' has an unexpected value {v:?}"))
            }
            _ => {}
        }
        if !p.eat(b',') && p.peek() != Some(b'}') {
            return Err(p.fail("expected ',' or '}'"));
        }
    }
    let missing = |k: &str| format!("the NPY header has no '{k}'");
    let shape = shape.ok_or_else(|| missing("shape"))?;
    let count = shape
        .iter()
        .try_fold(1u64, |a, &d| a.checked_mul(d))
        .ok_or_else(|| format!("shape {shape:?} has more elements than can be counted"))?;
    Ok(Header {
        descr: descr.ok_or_else(|| missing("descr"))?,
        fortran: fortran.ok_or_else(|| missing("fortran_order"))?,
        shape,
        count,
        data_offset: 0,
    })
}

fn parse_descr(s: &str) -> Descr {
    let b = s.as_bytes();
    let endian = match b.first() {
        Some(b'>') => Endian::Big,
        Some(b'|') => Endian::None,
        Some(b'=') if cfg!(target_endian = "big") => Endian::Big,
        _ => Endian::Little,
    };
    let body = s.trim_start_matches(['<', '>', '|', '=']);
    let kind = body.chars().next().unwrap_or('?');
    let size = body.get(1..).and_then(|d| d.parse().ok()).unwrap_or(0);
    Descr {
        text: s.to_string(),
        endian,
        kind,
        size,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(header: &str) -> Vec<u8> {
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        b.extend((header.len() as u16).to_le_bytes());
        b.extend(header.as_bytes());
        b
    }

    #[test]
    fn parses_what_numpy_writes_and_nothing_it_cannot_count() {
        let h =
            read(&mut &file("{'descr': '>i8', 'fortran_order': False, 'shape': (3, 4), }\n")[..])
                .unwrap();
        assert_eq!(
            (h.descr.kind, h.descr.size, h.descr.endian),
            ('i', 8, Endian::Big)
        );
        assert_eq!((h.shape, h.count, h.data_offset), (vec![3, 4], 12, 10 + 60));
        let h = read(&mut &file("{'descr':'<f2','fortran_order':True,'shape':(5,)}")[..]).unwrap();
        assert_eq!(
            (h.descr.name(), h.fortran, h.count),
            ("float16".to_string(), true, 5)
        );
        let e = read(&mut &file("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }")[..]);
        assert!(e.unwrap_err().contains("more elements than can be counted"));
        let e = read(
            &mut &file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }")[..],
        );
        assert!(e.unwrap_err().contains("structured"));
        let mut huge = b"\x93NUMPY\x02\x00".to_vec();
        huge.extend(u32::MAX.to_le_bytes());
        assert!(read(&mut &huge[..]).unwrap_err().contains("more than"));
        assert!(read(&mut &b"PK\x03\x04zipzip"[..])
            .unwrap_err()
            .contains("magic"));
        assert!(read(&mut &file("{'descr': '<f4', 'shape': (1,)}")[..])
            .unwrap_err()
            .contains("fortran_order"));
    }
}
