//! Input readers on files written independently of them: .npy written with
//! npyz's writer (f32 and f64, 2-D and 1-D), CSV with a header row, TSV,
//! .fvecs, and Matrix Market general / symmetric / pattern / integer.
//!
//! Then the real binary on hostile and awkward inputs, one test per class:
//! sums that overflow, first-row typos, counts too large for memory,
//! inputs that never end, messages, standard input and content detection,
//! and the report of what was read.

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
    // (Integer dtypes are converted when exact; bool is not a number type.)
    write_npy(&pi, &[2, 2], &[true, false, true, true]);
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

// ---------------------------------------------------------------------
// The real binary.

use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rvf-pack"))
}

/// Run under a 4 GiB address-space limit (Unix), so an input that would
/// make the packer allocate without bound fails here instead of the host.
fn limited(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = if cfg!(unix) {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg("ulimit -v 4194304; exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_rvf-pack"));
        c
    } else {
        bin()
    };
    c.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    c.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = c.spawn().unwrap();
    if let Some(bytes) = stdin {
        let mut w = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        // A reader may stop early (an error): a broken pipe is fine.
        std::thread::spawn(move || std::io::Write::write_all(&mut w, &bytes).ok());
    }
    child.wait_with_output().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit code 3 ("bad input file", never a signal) with all of `want` in stderr.
fn refused(o: &Output, want: &[&str]) {
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(3), "{e}");
    for w in want {
        assert!(e.contains(w), "want {w:?} in: {e}");
    }
}

/// An .npy file of any dtype from raw little/big-endian bytes.
fn raw_npy(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
    let h = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}\n");
    let mut b = b"\x93NUMPY\x01\x00".to_vec();
    b.extend((h.len() as u16).to_le_bytes());
    b.extend(h.as_bytes());
    b.extend(data);
    b
}

fn report(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn cli_class1_duplicates_summing_to_infinity_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let m = d.path().join("dup.mtx");
    std::fs::write(
        &m,
        "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n2 3 1e308\n2 3 1.5e308\n",
    )
    .unwrap();
    let out = d.path().join("o.rvf");
    let o = limited(&["create", s(&out), "--matrix", s(&m)], None);
    refused(&o, &["dup.mtx", "entry (2, 3)", "sum to inf"]);
    assert!(!out.exists());
    // The same values without the overflow pack, and verify accepts them.
    std::fs::write(
        &m,
        "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n2 3 1e308\n2 3 -1.5e308\n",
    )
    .unwrap();
    assert!(limited(&["create", s(&out), "--matrix", s(&m)], None)
        .status
        .success());
    assert!(bin()
        .args(["verify", s(&out)])
        .output()
        .unwrap()
        .status
        .success());
}

#[test]
fn cli_class2_a_first_row_is_a_header_only_when_all_text_or_said() {
    let d = tempfile::tempdir().unwrap();
    let (c, out) = (d.path().join("typo.csv"), d.path().join("o.rvf"));
    std::fs::write(&c, "1.0,2.O\n3,4\n").unwrap();
    let o = limited(&["create", s(&out), "--vectors", s(&c)], None);
    refused(
        &o,
        &[
            "typo.csv: line 1: '2.O' is not a number (column 2)",
            "--header",
        ],
    );
    let o = limited(
        &["create", s(&out), "--vectors", s(&c), "--header", "--json"],
        None,
    );
    let r = report(&o);
    assert_eq!(r["segments"][0]["count"], 1);
    assert!(stderr(&o).contains("skipped header row (--header): 1.0,2.O"));
    // An all-text first row is skipped, on stderr and in the report.
    std::fs::write(&c, "x,y\n1,2\n").unwrap();
    let o = limited(&["create", s(&out), "--vectors", s(&c), "--json"], None);
    let r = report(&o);
    assert!(
        stderr(&o).contains("typo.csv: skipped header row: x,y"),
        "{}",
        stderr(&o)
    );
    assert_eq!(r["segments"][0]["header_skipped"], true);
    assert!(r["segments"][0]["notes"][0]
        .as_str()
        .unwrap()
        .contains("skipped header row: x,y"));
}

/// Linux only: elsewhere neither the available-memory check nor the
/// address-space limit applies, and the refused sizes could really be
/// allocated.
#[cfg(target_os = "linux")]
#[test]
fn cli_class3_counts_too_large_for_memory_fail_cleanly() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o.rvf");
    let m = d.path().join("tall.mtx");
    let tall = "%%MatrixMarket matrix coordinate real general\n4294967294 1 1\n1 1 1.0\n";
    assert_eq!(tall.len(), 69);
    std::fs::write(&m, tall).unwrap();
    let o = limited(&["create", s(&out), "--matrix", s(&m)], None);
    refused(&o, &["tall.mtx", "GiB", "memory"]);
    // One row, 2^32 - 2 columns: fine alone, too big with the transpose.
    let w = d.path().join("wide.mtx");
    std::fs::write(
        &w,
        "%%MatrixMarket matrix coordinate real general\n1 4294967294 1\n1 4294967294 1\n",
    )
    .unwrap();
    let o = limited(&["create", s(&out), "--matrix", s(&w), "--json"], None);
    assert_eq!(report(&o)["segments"][0]["cols"], 4294967294u64);
    let o = limited(
        &["create", s(&out), "--matrix", s(&w), "--with-transpose"],
        None,
    );
    refused(&o, &["wide.mtx", "GiB", "memory"]);
    // More entries declared than the file can hold: refused before reserving.
    std::fs::write(
        &m,
        "%%MatrixMarket matrix coordinate real general\n2 2 4000000000\n1 1 1\n",
    )
    .unwrap();
    let o = limited(&["create", s(&out), "--matrix", s(&m)], None);
    refused(&o, &["tall.mtx: line 2: declares 4000000000 entries"]);
}

#[test]
fn cli_class4_sizes_are_checked_while_reading() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o.rvf");
    // A 12 MB single-line CSV: refused at the line bound, not read whole.
    let c = d.path().join("wide.csv");
    std::fs::write(&c, "1,".repeat(6 << 20)).unwrap();
    let o = limited(&["create", s(&out), "--vectors", s(&c)], None);
    refused(&o, &["wide.csv: line 1: line is longer than 4.0 MiB"]);
    // 70 000 columns on a short line: the column limit.
    std::fs::write(&c, "1,".repeat(70_000)).unwrap();
    let o = limited(&["create", s(&out), "--vectors", s(&c)], None);
    refused(&o, &["wide.csv: line 1: more than 65535 columns"]);
    // A 3 GiB solver (sparse file): refused from its size, never read.
    let big = d.path().join("big.wasm");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let o = limited(&["create", s(&out), "--solver", s(&big)], None);
    refused(
        &o,
        &["big.wasm: module is 3221225472 bytes; the limit is 8388608"],
    );
    // Devices are refused at once; standard input that never ends is bounded.
    #[cfg(unix)]
    {
        for flag in ["--matrix", "--vectors", "--solver"] {
            let o = limited(&["create", s(&out), flag, "/dev/zero"], None);
            refused(&o, &["/dev/zero: is a character device", flag]);
        }
        let m = d.path().join("m.mtx");
        std::fs::write(
            &m,
            "%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 1\n",
        )
        .unwrap();
        let o = limited(
            &["create", s(&out), "--matrix", s(&m), "--rhs", "/dev/zero"],
            None,
        );
        refused(&o, &["/dev/zero: is a character device", "--rhs"]);
        let zeros = vec![0u8; 6 << 20];
        let o = limited(
            &["create", s(&out), "--vectors", "-", "--format", "csv"],
            Some(&zeros),
        );
        refused(
            &o,
            &["<stdin>: --format says CSV but the content is binary"],
        );
        let ones = vec![b'1'; 6 << 20];
        let o = limited(
            &["create", s(&out), "--vectors", "-", "--format", "csv"],
            Some(&ones),
        );
        refused(&o, &["<stdin>: line 1: line is longer than"]);
        let o = limited(&["create", s(&out), "--matrix", "-"], Some(&zeros));
        refused(
            &o,
            &["<stdin>: line 1: line is longer than 4096 bytes (not a Matrix Market banner)"],
        );
        let fifo = d.path().join("pipe.mtx");
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let o = limited(&["create", s(&out), "--matrix", s(&fifo)], None);
        refused(
            &o,
            &["pipe.mtx: is a FIFO, not a regular file; --matrix expects"],
        );
    }
}

#[test]
fn cli_class5_messages_name_the_path_line_and_reason() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o.rvf");
    let missing = d.path().join("missing.fvecs");
    let o = limited(&["create", s(&out), "--vectors", s(&missing)], None);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(5), "{e}");
    assert!(
        e.contains("missing.fvecs: cannot open (--vectors expects vectors"),
        "{e}"
    );
    let o = limited(
        &[
            "create",
            s(&out),
            "--rhs",
            s(d.path()),
            "--matrix",
            s(d.path()),
        ],
        None,
    );
    refused(
        &o,
        &["is a directory, not a regular file; --matrix expects a Matrix Market"],
    );
    // A Latin-1 comment is skipped; a non-ASCII data line is named.
    let m = d.path().join("latin1.mtx");
    let bytes =
        b"%%MatrixMarket matrix coordinate real general\n% Universit\xe9 de Montr\xe9al\n1 1 1\n1 1 2\n"
            .to_vec();
    std::fs::write(&m, &bytes).unwrap();
    assert!(limited(&["create", s(&out), "--matrix", s(&m)], None)
        .status
        .success());
    std::fs::write(
        &m,
        b"%%MatrixMarket matrix coordinate real general\n% Universit\xe9\n1 1 2\n1 1 3\xb0\n",
    )
    .unwrap();
    let o = limited(&["create", s(&out), "--matrix", s(&m)], None);
    refused(
        &o,
        &["latin1.mtx: line 4: not ASCII text (byte 0xb0 at column 6)"],
    );
    // Finite but beyond f32: out of range, not "NaN".
    let c = d.path().join("big.csv");
    std::fs::write(&c, "1,2\n3,1e39\n").unwrap();
    let o = limited(&["create", s(&out), "--vectors", s(&c)], None);
    refused(
        &o,
        &["big.csv: line 2: value 1e39 is out of f32 range (max ±3.4028235e38)"],
    );
    assert!(!stderr(&o).contains("NaN"));
}

#[test]
fn cli_class6_stdin_and_content_detection() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o.rvf");
    let json = |args: &[&str], stdin: Option<&[u8]>| {
        let mut a = vec!["create", s(&out), "--json"];
        a.extend(args);
        report(&limited(&a, stdin))
    };
    // .npy on standard input, named by --format or found by its magic.
    let ints: Vec<u8> = [1i64, 2, 3, 4, 5, 6]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let npy = raw_npy("<i8", "(2, 3)", &ints);
    let r = json(&["--vectors", "-", "--format", "npy"], Some(&npy));
    assert_eq!(
        (
            r["segments"][0]["count"].as_u64(),
            r["segments"][0]["dim"].as_u64()
        ),
        (Some(2), Some(3))
    );
    assert_eq!(r["segments"][0]["dtype"], "int64");
    json(&["--vectors", "-"], Some(&npy));
    // A value that int64 holds but f32 does not: refused with the reason.
    let bad: Vec<u8> = [1i64, 2, 3, 4, 5, 16_777_217]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let o = limited(
        &["create", s(&out), "--vectors", "-"],
        Some(&raw_npy("<i8", "(2, 3)", &bad)),
    );
    refused(
        &o,
        &[
            "<stdin>",
            "int64 value 16777217 at index 5",
            "not exactly representable in f32",
        ],
    );
    // uint8, big-endian float16, and a 1-D array as one vector.
    let p = d.path().join("u8.npy");
    std::fs::write(&p, raw_npy("|u1", "(2, 2)", &[0, 1, 2, 255])).unwrap();
    assert_eq!(
        json(&["--vectors", s(&p)], None)["segments"][0]["dtype"],
        "uint8"
    );
    std::fs::write(
        &p,
        raw_npy(">f2", "(3,)", &[0x3c, 0x00, 0xc1, 0x00, 0x00, 0x00]),
    )
    .unwrap();
    let r = json(&["--vectors", s(&p)], None);
    assert_eq!(
        (
            r["segments"][0]["count"].as_u64(),
            r["segments"][0]["dim"].as_u64()
        ),
        (Some(1), Some(3))
    );
    // Content decides: an .npy named .dat works; one named .csv is a contradiction.
    let dat = d.path().join("v.dat");
    std::fs::write(&dat, &npy).unwrap();
    assert_eq!(
        json(&["--vectors", s(&dat)], None)["segments"][0]["format"],
        "npy"
    );
    let lie = d.path().join("v.csv");
    std::fs::write(&lie, &npy).unwrap();
    let o = limited(&["create", s(&out), "--vectors", s(&lie)], None);
    refused(
        &o,
        &["v.csv: the extension says CSV but the content is an NPY array"],
    );
    // .fvecs is found by its shape in a file; on stdin it needs --format.
    let mut fv = Vec::new();
    for v in [[1.0f32, 2.0], [3.0, 4.0]] {
        fv.extend(2i32.to_le_bytes());
        v.iter().for_each(|x| fv.extend(x.to_le_bytes()));
    }
    let f = d.path().join("points");
    std::fs::write(&f, &fv).unwrap();
    assert_eq!(
        json(&["--vectors", s(&f)], None)["segments"][0]["format"],
        "fvecs"
    );
    let o = limited(&["create", s(&out), "--vectors", "-"], Some(&fv));
    refused(&o, &["<stdin>: cannot tell the format", "--format"]);
    assert_eq!(
        json(&["--vectors", "-", "--format", "fvecs"], Some(&fv))["segments"][0]["count"],
        2
    );
    // Matrix and right-hand side on standard input.
    let mtx = b"%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 4\n2 2 5\n";
    let b = d.path().join("b.txt");
    std::fs::write(&b, "1\n2\n").unwrap();
    let r = json(&["--matrix", "-", "--rhs", s(&b)], Some(mtx));
    assert_eq!(r["segments"][0]["rhs"], true);
    let m = d.path().join("m.mtx");
    std::fs::write(&m, mtx).unwrap();
    let r = json(&["--matrix", s(&m), "--rhs", "-"], Some(b"1\n2\n"));
    assert_eq!(r["segments"][0]["rhs_format"], "txt");
    // Standard input is read once.
    let o = limited(
        &["create", s(&out), "--matrix", "-", "--rhs", "-"],
        Some(mtx),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn cli_class7_the_report_says_what_was_read() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o.rvf");
    let c = d.path().join("v.csv");
    std::fs::write(&c, "a,b,c\n1,2,3\n4,5,6\n").unwrap();
    let m = d.path().join("m.mtx");
    std::fs::write(
        &m,
        "%%MatrixMarket matrix coordinate integer symmetric\n3 3 3\n1 1 4\n2 1 1\n2 1 1\n",
    )
    .unwrap();
    let r = report(&limited(
        &[
            "create",
            s(&out),
            "--json",
            "--vectors",
            s(&c),
            "--matrix",
            s(&m),
            "--with-transpose",
        ],
        None,
    ));
    let (v, sp) = (&r["segments"][0], &r["segments"][1]);
    assert_eq!(
        (v["type"].as_str(), v["format"].as_str()),
        (Some("VEC"), Some("csv"))
    );
    assert_eq!((v["count"].as_u64(), v["dim"].as_u64()), (Some(2), Some(3)));
    assert_eq!(v["separator"], ",");
    assert!(v["notes"][0]
        .as_str()
        .unwrap()
        .contains("skipped header row: a,b,c"));
    assert_eq!(
        (sp["type"].as_str(), sp["format"].as_str()),
        (Some("SPARSE"), Some("mtx"))
    );
    assert_eq!(
        (sp["rows"].as_u64(), sp["cols"].as_u64(), sp["nnz"].as_u64()),
        (Some(3), Some(3), Some(3))
    );
    assert_eq!(
        (sp["field"].as_str(), sp["symmetry"].as_str()),
        (Some("integer"), Some("symmetric"))
    );
    assert_eq!(
        (sp["entries"].as_u64(), sp["duplicates_summed"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(sp["transpose"], true);
}
