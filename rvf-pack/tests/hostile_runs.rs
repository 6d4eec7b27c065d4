//! The hostile-input set for `run`, `verify` and `replay` through the real
//! binary: one test per class of the hostile-input review (issue 16's
//! numbering, listed in docs/SECURITY.md). Expected answers come from
//! brute force or from the inputs, never from the code under test.

mod common;
use common::*;

/// #1: all VEC segments form one vector set; several matrices are chosen
/// explicitly and the output says which was used.
#[test]
fn c01_every_data_segment_is_read_or_chosen_explicitly() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a.fvecs"), d.path().join("b.fvecs"));
    let mut rows = fvecs(&a, 200, 8, 1);
    rows.extend(fvecs(&b, 3, 8, 2));
    let f = d.path().join("v.rvf");
    pack(&f, &["--vectors", s(&a)]);
    assert!(run(&["append", s(&f), "--vectors", s(&b)]).status.success());
    // Query with a vector of the appended segment: it must be its own hit.
    let o = run(&[
        "run",
        s(&f),
        "knn",
        "--query-index",
        "201",
        "--k",
        "5",
        "--json",
        "--top",
        "5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    // Brute force over all 203 rows.
    assert_eq!(result_indices(&v), nearest_by_l2(&rows, 201)[..5]);
    assert_eq!(v["data"]["vectors"].as_array().unwrap().len(), 2);
    let o = run(&["run", s(&f), "knn", "--query-index", "203"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the file has 203 vectors"),
        "{}",
        stderr(&o)
    );

    // A second matrix: no silent choice, and --data names it.
    let g = karate(d.path());
    let path = d.path().join("path.mtx");
    std::fs::write(
        &path,
        "%%MatrixMarket matrix coordinate pattern general\n3 3 2\n1 2\n2 3\n",
    )
    .unwrap();
    assert!(
        run(&["append", s(&g), "--matrix", s(&path), "--with-transpose"])
            .status
            .success()
    );
    let o = run(&["run", s(&g), "ppr-forward", "--source", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("choose one with --data N"),
        "{}",
        stderr(&o)
    );
    let inspect = json(&run(&["inspect", s(&g), "--json"]));
    let second = inspect["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["type"] == "SPARSE")
        .map(|x| x["index"].as_u64().unwrap())
        .nth(1)
        .unwrap()
        .to_string();
    let o = run(&[
        "run",
        s(&g),
        "ppr-forward",
        "--source",
        "0",
        "--data",
        &second,
        "--json",
        "--top",
        "100",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        v["data"]["matrix"].as_u64().map(|x| x.to_string()),
        Some(second)
    );
    // The path 0 → 1 → 2 (2 dangles): scores on its 3 nodes only.
    assert!(v["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["index"].as_u64().unwrap() < 3));
}

/// The 10-byte NPY preamble and header dict of `b`, and the data after it.
fn npy_parts(b: &[u8]) -> (String, &[u8]) {
    assert_eq!(&b[..8], b"\x93NUMPY\x01\x00");
    let n = u16::from_le_bytes([b[8], b[9]]) as usize;
    assert_eq!((10 + n) % 64, 0, "header padded to 64");
    (
        String::from_utf8(b[10..10 + n].to_vec()).unwrap(),
        &b[10 + n..],
    )
}

/// #2: `--out` writes the format its extension names (NPY for every result
/// kind, CSV), and refuses an extension it cannot honour.
#[test]
fn c02_results_are_written_in_the_format_the_extension_names() {
    let d = tempfile::tempdir().unwrap();
    let (g, p) = (karate(d.path()), poisson(d.path()));
    let npy = d.path().join("scores.npy");
    let o = run(&[
        "run",
        s(&g),
        "ppr-forward",
        "--source",
        "0",
        "--out",
        s(&npy),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want = json(&run(&[
        "run",
        s(&g),
        "ppr-forward",
        "--source",
        "0",
        "--json",
        "--top",
        "1000",
    ]));
    let bytes = std::fs::read(&npy).unwrap();
    let (header, data) = npy_parts(&bytes);
    assert!(
        header.contains("'descr': [('index', '<u4'), ('value', '<f8')]"),
        "{header}"
    );
    let rows = want["results"].as_array().unwrap();
    assert!(
        header.contains(&format!("'shape': ({},)", rows.len())),
        "{header}"
    );
    for (r, rec) in rows.iter().zip(data.chunks_exact(12)) {
        assert_eq!(
            r["index"].as_u64().unwrap(),
            u32::from_le_bytes(rec[..4].try_into().unwrap()) as u64
        );
        assert_eq!(
            r["value"].as_f64().unwrap(),
            f64::from_le_bytes(rec[4..].try_into().unwrap())
        );
    }
    // Dense: a 1-D float64 array numpy (here npyz) reads back.
    let x = d.path().join("x.npy");
    assert!(run(&["run", s(&p), "cg", "--out", s(&x)]).status.success());
    let arr = npyz::NpyFile::new(std::fs::File::open(&x).unwrap()).unwrap();
    assert_eq!(arr.shape(), &[256]);
    let vals: Vec<f64> = arr.into_vec().unwrap();
    let want = json(&run(&["run", s(&p), "cg", "--json", "--top", "1000"]));
    let want: Vec<f64> = want["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(vals, want);
    // CSV with a header row.
    let csv = d.path().join("s.csv");
    assert!(run(&[
        "run",
        s(&g),
        "walk-estimate",
        "--walks",
        "100",
        "--out",
        s(&csv)
    ])
    .status
    .success());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("index,value\n0,"), "{text}");
    // An extension nobody can honour is refused, and nothing is written.
    let bad = d.path().join("s.parquet");
    let o = run(&["run", s(&g), "ppr-forward", "--out", s(&bad)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("use .npy, .csv or .txt"),
        "{}",
        stderr(&o)
    );
    assert!(!bad.exists());
}

/// #3: a refused run never writes its outputs.
#[test]
fn c03_a_refused_run_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let g = karate(d.path());
    let (out, rc) = (d.path().join("x.npy"), d.path().join("r.json"));
    std::fs::write(&out, b"precious").unwrap();
    // cg needs a right-hand side the karate file does not have.
    let o = run(&["run", s(&g), "cg", "--out", s(&out), "--receipt", s(&rc)]);
    assert_eq!(o.status.code(), Some(12));
    assert!(stderr(&o).contains("pack it with --rhs"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    assert!(!rc.exists());
}

/// #5: an unset content hash is never "verified".
#[test]
fn c05_unset_hashes_are_never_verified() {
    let d = tempfile::tempdir().unwrap();
    let g = poisson(d.path());
    let mut b = std::fs::read(&g).unwrap();
    // The sparse segment (no transpose) is the second: zero its content hash
    // and change a right-hand side value (the low byte of its last f64).
    let v = json(&run(&["inspect", s(&g), "--json"]));
    let sp = &v["segments"][1];
    assert_eq!(sp["type"], "SPARSE");
    let (off, len) = (
        sp["offset"].as_u64().unwrap() as usize,
        sp["payload_length"].as_u64().unwrap() as usize,
    );
    b[off + 0x28..off + 0x38].fill(0);
    b[off + 64 + len - 8] ^= 1;
    std::fs::write(&g, &b).unwrap();
    let o = run(&["verify", s(&g)]);
    assert_eq!(o.status.code(), Some(15));
    assert!(stdout(&o).contains("NOT VERIFIED"), "{}", stdout(&o));
    assert!(!stdout(&o).lines().any(|l| l == "verified"));
    assert_eq!(
        run(&["verify", s(&g), "--allow-unhashed"]).status.code(),
        Some(0)
    );
    let o = run(&["run", s(&g), "cg", "--verify-data"]);
    assert_eq!(o.status.code(), Some(15), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("content hash not set"),
        "{}",
        stderr(&o)
    );
}

/// #6: convergence is judged on the recomputed residual.
#[test]
fn c06_cg_below_the_f64_floor_is_not_converged() {
    let d = tempfile::tempdir().unwrap();
    let p = poisson(d.path());
    let o = run(&["run", s(&p), "cg", "--tol", "1e-17", "--json"]);
    assert_eq!(o.status.code(), Some(13), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["report"]["converged"], false);
    assert_eq!(v["report"]["detail_name"], "RESIDUAL_FLOOR");
    assert!(v["report"]["residual"].as_f64().unwrap() >= 1e-17);
    // A reachable target still converges, with the true residual below it.
    let v = json(&run(&["run", s(&p), "cg", "--tol", "1e-10", "--json"]));
    assert_eq!(v["report"]["converged"], true);
    assert!(v["report"]["residual"].as_f64().unwrap() < 1e-10);
}

/// #10: k-NN with k close to n stays within the default fuel on the
/// baseline variant (an O(n log k) selection).
#[test]
fn c10_knn_with_k_near_n_fits_the_fuel() {
    let d = tempfile::tempdir().unwrap();
    let v = d.path().join("v.fvecs");
    let rows = fvecs(&v, 50_000, 2, 9);
    let f = d.path().join("v.rvf");
    pack(&f, &["--vectors", s(&v)]);
    let o = run(&[
        "run",
        s(&f),
        "knn",
        "--query-index",
        "0",
        "--k",
        "50000",
        "--host-features",
        "none",
        "--json",
        "--top",
        "50000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let res = json(&o);
    assert_eq!(result_indices(&res), nearest_by_l2(&rows, 0));
}

/// #15, #16: a receipt may lower the host's limits, never raise them, and
/// everything it states is checked.
#[test]
fn c15_c16_receipts_are_checked_and_capped() {
    let d = tempfile::tempdir().unwrap();
    let g = karate(d.path());
    let rc = d.path().join("r.json");
    assert!(run(&["run", s(&g), "ppr-forward", "--receipt", s(&rc)])
        .status
        .success());
    let original: serde_json::Value = serde_json::from_slice(&std::fs::read(&rc).unwrap()).unwrap();
    let edited = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut r = original.clone();
        f(&mut r);
        let p = d.path().join("edited.json");
        std::fs::write(&p, serde_json::to_vec_pretty(&r).unwrap()).unwrap();
        p
    };
    // Limits far above the host's: capped, and the replay is still identical.
    let p = edited(&|r| {
        r["engine"]["fuel_limit"] = serde_json::json!(u64::MAX);
        r["engine"]["max_memory_bytes"] = serde_json::json!(u64::MAX);
        r["engine"]["max_recursion"] = serde_json::json!(u64::MAX);
    });
    let o = run(&["replay", s(&p), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["limits"]["fuel"], original["engine"]["fuel_limit"]);
    assert_eq!(
        v["limits"]["max_memory_bytes"],
        original["engine"]["max_memory_bytes"]
    );
    // A readable field that contradicts the exact record: refused.
    let p = edited(&|r| r["params"]["method"] = serde_json::json!("cg"));
    let o = run(&["replay", s(&p)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("params.method says cg"),
        "{}",
        stderr(&o)
    );
    let p = edited(&|r| r["result"]["converged"] = serde_json::json!(false));
    assert_eq!(run(&["replay", s(&p)]).status.code(), Some(3));
    // An empty "recorded prefix" does not make any file an append of it.
    let p = edited(&|r| {
        r["file"]["length"] = serde_json::json!(0);
        r["file"]["digest"] =
            serde_json::json!("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f");
    });
    let o = run(&["replay", s(&p)]);
    assert_eq!(o.status.code(), Some(14), "{}", stdout(&o));
    assert!(stdout(&o).contains("file prefix"), "{}", stdout(&o));
}

/// #22, #23: every refusal names the parameter or the missing piece, and
/// how to fix it; an initial memory above the cap is a memory-limit refusal.
#[test]
fn c22_c23_refusals_name_what_and_the_fix() {
    let d = tempfile::tempdir().unwrap();
    let (g, p) = (karate(d.path()), poisson(d.path()));
    let cases: [(&std::path::Path, &[&str], i32, &str); 7] = [
        (
            &g,
            &["ppr-forward", "--source", "50"],
            12,
            "source 50 is not a node of the graph, which has 34 nodes",
        ),
        (
            &g,
            &["walk-estimate", "--alpha", "NaN"],
            12,
            "alpha NaN must lie strictly between 0 and 1",
        ),
        (
            &g,
            &["ppr-forward", "--epsilon", "0"],
            12,
            "epsilon 0 must be finite and greater than 0",
        ),
        (
            &p,
            &["cg", "--tol", "-1"],
            12,
            "tol -1 must be finite and greater than 0",
        ),
        (
            &p,
            &["knn", "--query", "1,2,3"],
            2,
            "3 values, the file's vectors have dimension 16",
        ),
        (&p, &["ppr-backward"], 12, "pack it with --with-transpose"),
        (
            &g,
            &["ppr-forward", "--max-memory", "64K"],
            9,
            "131072 bytes of linear memory, above the 65536-byte cap",
        ),
    ];
    for (file, args, code, words) in cases {
        let mut a = vec!["run", s(file)];
        a.extend_from_slice(args);
        let o = run(&a);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(words), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("status -"), "{args:?}");
    }
    // Corrupt row pointers read by a local method: named as corrupt data.
    let mut b = std::fs::read(&g).unwrap();
    let row_ptr = 64 + 64; // header, sparse header
    b[row_ptr + 4 * 5..row_ptr + 4 * 6].copy_from_slice(&100_000u32.to_le_bytes());
    let bad = d.path().join("bad.rvf");
    std::fs::write(&bad, &b).unwrap();
    let o = run(&["run", s(&bad), "ppr-forward", "--source", "4"]);
    assert_eq!(o.status.code(), Some(12), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("corrupt data segment"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("host refused"), "{}", stderr(&o));
}

/// The `index` of every result of a `run --json`, in order.
fn result_indices(v: &serde_json::Value) -> Vec<u64> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["index"].as_u64().unwrap())
        .collect()
}

/// Every row's index, nearest to row `q` first: brute force, squared L2 in
/// f64, ties by index (the independent truth for k-NN).
fn nearest_by_l2(rows: &[Vec<f32>], q: usize) -> Vec<u64> {
    let q = &rows[q];
    let mut by: Vec<(f64, u64)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let d = r
                .iter()
                .zip(q)
                .map(|(x, y)| (*x as f64 - *y as f64).powi(2));
            (d.sum(), i as u64)
        })
        .collect();
    by.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    by.into_iter().map(|w| w.1).collect()
}
