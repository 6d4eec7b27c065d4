//! Input readers on files written independently of them: .npy written with
//! npyz's writer (f32 and f64, 2-D and 1-D), CSV with a header row, TSV,
//! .fvecs, and Matrix Market general / symmetric / pattern / integer.

use rvf_pack::inputs::{self, mtx};
use std::path::Path;

fn write_npy<T: npyz::Serialize + npyz::AutoSerialize + Copy>(
    path: &Path,
    shape: &[u64],
    data: &[T],
) {
    use npyz::WriterBuilder;
    let f = std::fs::File::create(path).unwrap();
    let mut w = npyz::WriteOptions::<T>::new()
        .default_dtype()
        .shape(shape)
        .writer(f)
        .begin_nd()
        .unwrap();
    w.extend(data.iter().copied()).unwrap();
    w.finish().unwrap();
}

#[test]
fn npy_vectors_and_rhs() {
    let d = tempfile::tempdir().unwrap();
    let p32 = d.path().join("v32.npy");
    let data32: Vec<f32> = (0..12).map(|i| i as f32 * 0.5).collect();
    write_npy(&p32, &[4, 3], &data32);
    let v = inputs::read_vectors(&p32).unwrap();
    assert_eq!((v.dim, v.count()), (3, 4));
    assert_eq!(v.data, data32);
    let p64 = d.path().join("v64.npy");
    let data64: Vec<f64> = (0..6).map(|i| i as f64 / 3.0).collect();
    write_npy(&p64, &[2, 3], &data64);
    let v = inputs::read_vectors(&p64).unwrap();
    assert_eq!(v.data, data64.iter().map(|&x| x as f32).collect::<Vec<_>>());
    let rhs = d.path().join("b.npy");
    write_npy(&rhs, &[5], &[1.0f64, 2.0, 3.0, 4.0, 5.5]);
    assert_eq!(
        inputs::read_rhs(&rhs).unwrap(),
        vec![1.0, 2.0, 3.0, 4.0, 5.5]
    );
    // Wrong rank and wrong dtype are clear errors naming the file.
    let e = inputs::read_rhs(&p64).unwrap_err().to_string();
    assert!(e.contains("v64.npy") && e.contains("1-D"), "{e}");
    let pi = d.path().join("ints.npy");
    write_npy(&pi, &[2, 2], &[1i32, 2, 3, 4]);
    let e = inputs::read_vectors(&pi).unwrap_err().to_string();
    assert!(e.contains("not float32 or float64"), "{e}");
    // A shape that does not fit in the file is refused before allocating.
    let mut bytes = std::fs::read(&p32).unwrap();
    let shape = bytes.windows(5).position(|w| w == b"shape").unwrap();
    let four = shape + bytes[shape..].iter().position(|&c| c == b'4').unwrap();
    bytes[four] = b'9'; // (4, 3) -> (9, 3): 27 values, the file holds 12
    std::fs::write(&p32, &bytes).unwrap();
    assert!(inputs::read_vectors(&p32).is_err());
}

#[test]
fn csv_tsv_and_fvecs() {
    let d = tempfile::tempdir().unwrap();
    let c = d.path().join("v.csv");
    std::fs::write(&c, "x,y,z\n1,2,3\n# a comment\n4.5, 5, -6e-1\n").unwrap();
    let v = inputs::read_vectors(&c).unwrap();
    assert_eq!(v.data, vec![1.0, 2.0, 3.0, 4.5, 5.0, -0.6]);
    let t = d.path().join("v.tsv");
    std::fs::write(&t, "1\t2\n3\t4\n").unwrap();
    assert_eq!(inputs::read_vectors(&t).unwrap().dim, 2);
    let ragged = d.path().join("r.csv");
    std::fs::write(&ragged, "1,2\n3\n").unwrap();
    assert!(inputs::read_vectors(&ragged)
        .unwrap_err()
        .to_string()
        .contains("line 2: 1 columns, expected 2"));
    let nan = d.path().join("n.csv");
    std::fs::write(&nan, "1,NaN\n").unwrap();
    assert!(inputs::read_vectors(&nan)
        .unwrap_err()
        .to_string()
        .contains("NaN"));
    let col = d.path().join("b.txt");
    std::fs::write(&col, "1\n2.5\n").unwrap();
    assert_eq!(inputs::read_rhs(&col).unwrap(), vec![1.0, 2.5]);
    // .fvecs with mixed dimensions names the offset.
    let fv = d.path().join("m.fvecs");
    let mut b = Vec::new();
    b.extend(2i32.to_le_bytes());
    b.extend(1f32.to_le_bytes());
    b.extend(2f32.to_le_bytes());
    b.extend(3i32.to_le_bytes());
    b.extend([0u8; 8]);
    std::fs::write(&fv, &b).unwrap();
    let e = inputs::read_vectors(&fv).unwrap_err().to_string();
    assert!(e.contains("byte offset") && e.contains("dimension"), "{e}");
}

#[test]
fn matrix_market_variants() {
    let p = Path::new("m.mtx");
    // general real, with a duplicate (summed) and a comment
    let (a, b) = mtx::parse(
        p,
        "%%MatrixMarket matrix coordinate real general\n% c\n2 3 3\n1 1 1.5\n2 3 -2\n1 1 0.5\n",
    )
    .unwrap();
    assert!(!b.symmetric);
    assert_eq!((a.rows, a.cols, a.nnz()), (2, 3, 2));
    assert_eq!(a.values, vec![2.0, -2.0]);
    assert_eq!(a.col_idx, vec![0, 2]);
    // symmetric integer: mirrored
    let (a, _) = mtx::parse(
        p,
        "%%MatrixMarket matrix coordinate integer symmetric\n2 2 2\n1 1 4\n2 1 -1\n",
    )
    .unwrap();
    assert_eq!(a.nnz(), 3);
    assert!(a.is_symmetric());
    // pattern: ones
    let (a, _) = mtx::parse(
        p,
        "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n2 1\n",
    )
    .unwrap();
    assert_eq!(a.values, vec![1.0]);
    // errors name the line
    for (text, want) in [
        ("%%MatrixMarket matrix array real general\n2 2\n", "line 1"),
        (
            "%%MatrixMarket matrix coordinate complex general\n2 2 1\n1 1 1 0\n",
            "complex",
        ),
        (
            "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n",
            "declares 2 entries",
        ),
        (
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 x\n",
            "line 3",
        ),
        (
            "%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1\n",
            "lower triangle",
        ),
    ] {
        let e = mtx::parse(p, text).unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
    }
}
