//! `.npy` arrays: float16/32/64 and int8..64 / uint8..64, little or big
//! endian. Vectors are a 2-D array (rows), or a 1-D array read as one
//! vector; a right-hand side is 1-D or an (n, 1) column.
//!
//! Values are converted where exact: integers must be representable in the
//! target type (f32 for vectors, f64 for right-hand sides), float16 and
//! float32 always are; float64 vectors are rounded to f32 as before, but a
//! finite value beyond f32's range is refused as such, never called NaN.
//! The shape is checked against the file size before anything is reserved
//! from it; standard input grows only as its bytes arrive.

use super::npy_header::{self, Descr, Endian, Header};
use super::source::{self, Role, Source};
use super::{memory, Format, Loaded, Vectors};
use crate::error::{PackError, Result};
use std::io::{BufReader, ErrorKind, Read};
use std::path::{Path, PathBuf};

/// One element as stored.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Raw {
    /// From float16/32 (exact in f32) or float64.
    F(f64),
    I(i64),
    U(u64),
}

fn f16_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0f32 } else { 1.0 };
    let exp = (h >> 10) & 0x1f;
    let man = (h & 0x3ff) as u32;
    match exp {
        0 => sign * man as f32 * (1.0 / 16_777_216.0), // subnormal: man·2⁻²⁴
        0x1f => f32::from_bits(((h as u32 & 0x8000) << 16) | 0x7f80_0000 | (man << 13)),
        _ => f32::from_bits(((h as u32 & 0x8000) << 16) | ((exp as u32 + 112) << 23) | (man << 13)),
    }
}

/// Decode one element of `d` from `b` (exactly `d.size` bytes).
fn decode(d: &Descr, b: &[u8]) -> Raw {
    let mut x = [0u8; 8];
    // Little-endian into the low bytes, whatever the file's order.
    if d.endian == Endian::Big {
        b.iter().rev().enumerate().for_each(|(i, &v)| x[i] = v);
    } else {
        x[..b.len()].copy_from_slice(b);
    }
    let u = u64::from_le_bytes(x);
    let bits = 8 * d.size as u32;
    match d.kind {
        'f' => Raw::F(match d.size {
            2 => f16_to_f32(u as u16) as f64,
            4 => f32::from_bits(u as u32) as f64,
            _ => f64::from_bits(u),
        }),
        // Sign-extend from `bits`.
        'i' => Raw::I(((u << (64 - bits)) as i64) >> (64 - bits)),
        _ => Raw::U(u),
    }
}

/// Why a dtype is not read, or None when it is.
fn unsupported(d: &Descr) -> Option<String> {
    let ok = match d.kind {
        'f' => matches!(d.size, 2 | 4 | 8),
        'i' | 'u' => matches!(d.size, 1 | 2 | 4 | 8),
        _ => false,
    };
    (!ok).then(|| {
        format!(
            "dtype {} ('{}') is not float32 or float64, float16 or an integer type",
            d.name(),
            d.text
        )
    })
}

/// The target of a conversion: f32 for vectors, f64 for right-hand sides.
trait Target: Copy {
    fn from_raw(r: Raw, float64: bool) -> std::result::Result<Self, String>;
}

impl Target for f32 {
    fn from_raw(r: Raw, float64: bool) -> std::result::Result<f32, String> {
        match r {
            Raw::F(x) if !x.is_finite() => Err("is NaN or infinite".into()),
            // float16/32 are exact in f32; float64 rounds, within range.
            Raw::F(x) if float64 && (x as f32).is_infinite() => {
                Err(format!("is out of f32 range (max ±{:e})", f32::MAX))
            }
            Raw::F(x) => Ok(x as f32),
            Raw::I(v) if (v as f32) as i128 == v as i128 => Ok(v as f32),
            Raw::U(v) if (v as f32) as u128 == v as u128 => Ok(v as f32),
            _ => Err("is not exactly representable in f32".into()),
        }
    }
}

impl Target for f64 {
    fn from_raw(r: Raw, _: bool) -> std::result::Result<f64, String> {
        match r {
            Raw::F(x) if !x.is_finite() => Err("is NaN or infinite".into()),
            Raw::F(x) => Ok(x),
            Raw::I(v) if (v as f64) as i128 == v as i128 => Ok(v as f64),
            Raw::U(v) if (v as f64) as u128 == v as u128 => Ok(v as f64),
            _ => Err("is not exactly representable in f64".into()),
        }
    }
}

fn show(r: Raw) -> String {
    match r {
        Raw::F(x) if x.is_finite() => format!("{x:e}"),
        Raw::F(x) => format!("{x}"),
        Raw::I(v) => v.to_string(),
        Raw::U(v) => v.to_string(),
    }
}

/// An array whose header has been read and checked against the input.
struct Opened<'p> {
    name: PathBuf,
    h: Header,
    r: BufReader<Source<'p>>,
    known_len: bool,
}

fn open_array(mut src: Source) -> Result<Opened> {
    let name = src.name.clone();
    let bad = |what: String| PackError::input(&name, Some("byte offset 0".into()), what);
    let h = npy_header::read(&mut src).map_err(bad)?;
    if let Some(why) = unsupported(&h.descr) {
        return Err(bad(why));
    }
    // Fortran order matters only when two or more axes are longer than 1.
    if h.fortran && h.shape.iter().filter(|&&d| d > 1).count() > 1 {
        return Err(bad(
            "Fortran-ordered arrays are not supported; save with C order".into(),
        ));
    }
    let bytes = h.count.checked_mul(h.descr.size as u64);
    if let Some(len) = src.len {
        let room = len.saturating_sub(h.data_offset);
        if bytes.is_none_or(|b| b > room) {
            return Err(bad(format!(
                "shape {:?} of {} does not fit in the file ({room} data bytes)",
                h.shape,
                h.descr.name()
            )));
        }
    }
    Ok(Opened {
        name,
        h,
        known_len: src.len.is_some(),
        r: BufReader::with_capacity(1 << 20, src),
    })
}

impl Opened<'_> {
    /// Read and convert every element; `at(i)` says where element i is.
    fn read<T: Target>(mut self, at: impl Fn(u64) -> String) -> Result<Vec<T>> {
        let (d, count, off0) = (&self.h.descr, self.h.count, self.h.data_offset);
        let size = d.size as u64;
        let name = &self.name;
        let err = |i: u64, what: String| {
            PackError::input(name, Some(format!("byte offset {}", off0 + i * size)), what)
        };
        let mem = |e: memory::MemoryError| PackError::input(name, None, e.to_string());
        let mut out: Vec<T> = if self.known_len {
            // Bounded by the file's length (checked in `open_array`).
            memory::with_capacity(count as usize, "the array").map_err(mem)?
        } else {
            Vec::new()
        };
        let float64 = d.kind == 'f' && d.size == 8;
        let mut buf = vec![0u8; (64 << 10) / d.size * d.size];
        let mut i = 0u64;
        while i < count {
            let want = ((count - i) * size).min(buf.len() as u64) as usize;
            if let Err(e) = self.r.read_exact(&mut buf[..want]) {
                return Err(match e.kind() {
                    ErrorKind::UnexpectedEof => err(
                        i,
                        format!("the data ends before the {count} elements the shape declares"),
                    ),
                    _ => PackError::io(name, e),
                });
            }
            if !self.known_len {
                memory::grow(&mut out, want / d.size, "the array").map_err(mem)?;
            }
            for b in buf[..want].chunks_exact(d.size) {
                let raw = decode(d, b);
                let v = T::from_raw(raw, float64).map_err(|why| {
                    let value = if why.contains("NaN") {
                        String::new()
                    } else {
                        format!(" {}", show(raw))
                    };
                    err(
                        i,
                        format!("{} value{value} at index {i}{} {why}", d.name(), at(i)),
                    )
                })?;
                out.push(v);
                i += 1;
            }
        }
        Ok(out)
    }
}

/// Vectors: a 2-D array of rows, or a 1-D array read as one vector.
pub fn vectors(src: Source) -> Result<Loaded<Vectors>> {
    let a = open_array(src)?;
    let (n, d, one) = match a.h.shape[..] {
        [n, d] => (n, d, false),
        [d] => (1, d, true),
        _ => {
            return Err(PackError::input(
                &a.name,
                None,
                format!("expected a 1-D or 2-D array, got shape {:?}", a.h.shape),
            ))
        }
    };
    if d == 0 || d > u16::MAX as u64 || n == 0 {
        return Err(PackError::input(
            &a.name,
            None,
            format!("shape {:?} needs 1..=65535 columns and ≥ 1 row", a.h.shape),
        ));
    }
    let (name, descr) = (a.name.clone(), a.h.descr.clone());
    let data = a.read::<f32>(|i| format!(" (vector {}, component {})", i / d, i % d))?;
    let mut l = Loaded::new(
        Vectors {
            dim: d as usize,
            data,
        },
        &name,
        Format::Npy,
    )
    .fact("dtype", descr.name());
    if one {
        l.notes
            .push(format!("a 1-D array: read as one vector of dimension {d}"));
    }
    Ok(l)
}

/// A right-hand side: a 1-D array or an (n, 1) column, as f64.
pub fn rhs(src: Source) -> Result<Loaded<Vec<f64>>> {
    let a = open_array(src)?;
    if !matches!(a.h.shape[..], [_] | [_, 1]) {
        return Err(PackError::input(
            &a.name,
            None,
            format!("expected a 1-D array, got shape {:?}", a.h.shape),
        ));
    }
    let (name, descr) = (a.name.clone(), a.h.descr.clone());
    let v = a.read::<f64>(|_| String::new())?;
    Ok(Loaded::new(v, &name, Format::Npy).fact("dtype", descr.name()))
}

/// A 2-D (or 1-D) array of vectors from a path, converted to f32.
pub fn read_matrix_f32(path: &Path) -> Result<Vectors> {
    Ok(vectors(source::open(path, Role::Vectors, &())?)?.value)
}

/// A 1-D array (or an (n, 1) column) of f64 from a path.
pub fn read_vector_f64(path: &Path) -> Result<Vec<f64>> {
    Ok(rhs(source::open(path, Role::Rhs, &())?)?.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An .npy file of `descr` and `shape` holding `data` (raw bytes).
    fn npy(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
        let h = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}\n");
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        b.extend((h.len() as u16).to_le_bytes());
        b.extend(h.as_bytes());
        b.extend(data);
        b
    }
    fn src(bytes: Vec<u8>) -> Source<'static> {
        Source::from_bytes(Path::new("a.npy"), bytes)
    }

    #[test]
    fn integer_and_half_dtypes_convert_exactly_or_say_why_not() {
        let ints: Vec<u8> = [1i64, 2, 3, 4, 5, 16_777_217]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let e = vectors(src(npy("<i8", "(2, 3)", &ints)))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("int64 value 16777217 at index 5 (vector 1, component 2) is not exactly representable in f32"),
            "{e}"
        );
        // The same value is exact in f64: fine as a right-hand side.
        let b = rhs(src(npy("<i8", "(6,)", &ints))).unwrap().value;
        assert_eq!(b[5], 16_777_217.0);
        let v = vectors(src(npy("|u1", "(2, 2)", &[0, 1, 2, 255]))).unwrap();
        assert_eq!(v.value.data, vec![0.0, 1.0, 2.0, 255.0]);
        assert_eq!(v.facts["dtype"], "uint8");
        let be: Vec<u8> = [-2i16, 300].iter().flat_map(|v| v.to_be_bytes()).collect();
        let v = vectors(src(npy(">i2", "(2,)", &be))).unwrap();
        assert_eq!((v.value.dim, v.value.data.clone()), (2, vec![-2.0, 300.0]));
        assert!(v.notes[0].contains("one vector of dimension 2"));
        // float16: 1.0, -2.5, the smallest subnormal, 65504.
        let halves: Vec<u8> = [0x3c00u16, 0xc100, 0x0001, 0x7bff]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let v = vectors(src(npy("<f2", "(1, 4)", &halves))).unwrap().value;
        assert_eq!(v.data, vec![1.0, -2.5, 2f32.powi(-24), 65504.0]);
        let e = vectors(src(npy("<f2", "(1, 1)", &0x7c00u16.to_le_bytes())))
            .unwrap_err()
            .to_string();
        assert!(e.contains("NaN or infinite"), "{e}");
        let e = vectors(src(npy("<f8", "(1,)", &1e39f64.to_le_bytes())))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("float64 value 1e39 at index 0") && e.contains("out of f32 range"),
            "{e}"
        );
        let u64max = u64::MAX.to_le_bytes();
        let e = rhs(src(npy("<u8", "(1,)", &u64max)))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not exactly representable in f64"), "{e}");
        let e = vectors(src(npy("|b1", "(1,)", &[1])))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("dtype bool") && e.contains("not float32 or float64"),
            "{e}"
        );
    }

    #[test]
    fn shapes_are_checked_against_the_input() {
        let e = vectors(src(npy("<f4", "(1000, 1000)", &[0; 16])))
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not fit in the file"), "{e}");
        // Standard input (no length): the data simply ends early.
        let bytes = npy("<f4", "(1000, 1000)", &[0; 16]);
        let s = Source::new(
            "<stdin>".into(),
            None,
            true,
            Box::new(std::io::Cursor::new(bytes)),
            &(),
        );
        let e = vectors(s).unwrap_err().to_string();
        assert!(e.contains("ends before the 1000000 elements"), "{e}");
        let e = vectors(src(npy("<f4", "(1, 2, 2)", &[0; 16])))
            .unwrap_err()
            .to_string();
        assert!(e.contains("1-D or 2-D"), "{e}");
        let e = rhs(src(npy("<f4", "(2, 2)", &[0; 16])))
            .unwrap_err()
            .to_string();
        assert!(e.contains("1-D"), "{e}");
    }
}
