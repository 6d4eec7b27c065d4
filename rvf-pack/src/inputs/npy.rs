//! `.npy` via the `npyz` crate: 2-D float32/float64 arrays for vectors,
//! 1-D for right-hand sides. The shape is checked against the file size
//! before anything is allocated from it.

use super::{check_finite_f32, Vectors};
use crate::error::{PackError, Result};
use npyz::{NpyFile, Order, TypeChar};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

struct Array {
    shape: Vec<u64>,
    data: Data,
}

/// The array's elements in the type the file holds.
enum Data {
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl Data {
    fn f64s(self) -> Vec<f64> {
        match self {
            Data::F32(v) => v.into_iter().map(f64::from).collect(),
            Data::F64(v) => v,
        }
    }
}

/// Read through a 1 MiB buffer, so peak memory is the array alone.
fn read_array(path: &Path) -> Result<Array> {
    let io = |e| PackError::io(path, e);
    let file = File::open(path).map_err(io)?;
    let file_len = file.metadata().map_err(io)?.len();
    let bad = |what: String| PackError::input(path, None, what);
    let npy = NpyFile::new(BufReader::with_capacity(1 << 20, file))
        .map_err(|e| bad(format!("not a valid .npy file: {e}")))?;
    if npy.order() != Order::C {
        return Err(bad(
            "Fortran-ordered arrays are not supported; save with C order".into(),
        ));
    }
    let shape = npy.shape().to_vec();
    let npyz::DType::Plain(ts) = npy.dtype() else {
        return Err(bad(
            "structured dtypes are not supported (need float32 or float64)".into(),
        ));
    };
    let size = ts.size_field();
    if ts.type_char() != TypeChar::Float || !(size == 4 || size == 8) {
        return Err(bad(format!("dtype {ts} is not float32 or float64")));
    }
    // Nothing is allocated from the shape unless the file holds that much.
    shape
        .iter()
        .try_fold(1u64, |a, &d| a.checked_mul(d))
        .filter(|&n| n.checked_mul(size).is_some_and(|b| b <= file_len))
        .ok_or_else(|| bad(format!("shape {shape:?} does not fit in the file")))?;
    let reading = |e: std::io::Error| bad(format!("reading data: {e}"));
    let data = if size == 4 {
        Data::F32(npy.into_vec::<f32>().map_err(reading)?)
    } else {
        Data::F64(npy.into_vec::<f64>().map_err(reading)?)
    };
    Ok(Array { shape, data })
}

/// A 2-D array of vectors (rows), converted to f32.
pub fn read_matrix_f32(path: &Path) -> Result<Vectors> {
    let a = read_array(path)?;
    let [n, d] = a.shape[..] else {
        return Err(PackError::input(
            path,
            None,
            format!("expected a 2-D array, got shape {:?}", a.shape),
        ));
    };
    if d == 0 || d > u16::MAX as u64 || n == 0 {
        return Err(PackError::input(
            path,
            None,
            format!("shape ({n}, {d}) needs 1..=65535 columns and ≥ 1 row"),
        ));
    }
    let data: Vec<f32> = match a.data {
        Data::F32(v) => v,
        Data::F64(v) => v.into_iter().map(|x| x as f32).collect(),
    };
    check_finite_f32(path, &data, d as usize)?;
    Ok(Vectors {
        dim: d as usize,
        data,
    })
}

/// A 1-D array (or an (n, 1) column) of f64.
pub fn read_vector_f64(path: &Path) -> Result<Vec<f64>> {
    let a = read_array(path)?;
    if !(a.shape.len() == 1 || (a.shape.len() == 2 && a.shape[1] == 1)) {
        return Err(PackError::input(
            path,
            None,
            format!("expected a 1-D array, got shape {:?}", a.shape),
        ));
    }
    let f64s = a.data.f64s();
    if let Some(i) = f64s.iter().position(|x| !x.is_finite()) {
        return Err(PackError::input(
            path,
            Some(format!("element {i}")),
            "value is NaN or infinite",
        ));
    }
    Ok(f64s)
}
