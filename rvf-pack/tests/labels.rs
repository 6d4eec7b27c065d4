//! `--labels`: names stored at pack time and shown next to indices by
//! `run` (table, `--json`, CSV), checked against the labels file itself.

mod common;
use common::*;
use std::path::Path;

fn lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn lesmis(dir: &Path) -> std::path::PathBuf {
    let f = dir.join("lesmis.rvf");
    pack_lesmis(&f, &[]);
    f
}

/// Les Misérables with its transpose and character names, then `extra`.
fn pack_lesmis(f: &Path, extra: &[&str]) {
    let (mtx, labels) = (sample("lesmis.mtx"), sample("lesmis.labels"));
    let mut a = vec![
        "--matrix",
        s(&mtx),
        "--with-transpose",
        "--labels",
        s(&labels),
    ];
    a.extend_from_slice(extra);
    pack(f, &a);
}

#[test]
fn node_labels_follow_their_indices_in_every_output() {
    let d = tempfile::tempdir().unwrap();
    let f = lesmis(d.path());
    let names = lines(&sample("lesmis.labels"));
    assert_eq!(names.len(), 77);
    let o = run(&[
        "run",
        s(&f),
        "ppr-forward",
        "--source",
        "10",
        "--json",
        "--top",
        "77",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    let rows = v["results"].as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        let i = r["index"].as_u64().unwrap() as usize;
        assert_eq!(r["label"], names[i].as_str(), "row {i}");
    }
    // The table: the source (line 11 of the labels file) ranks first.
    let o = run(&["run", s(&f), "ppr-forward", "--source", "10", "--top", "3"]);
    let table = stdout(&o);
    assert!(table.contains("label"), "{table}");
    let first = table
        .lines()
        .find(|l| l.trim_start().starts_with("10 "))
        .unwrap();
    assert!(first.contains(&names[10]), "{table}");
    // CSV keeps every row with its label (quoted when needed).
    let csv = d.path().join("r.csv");
    let o = run(&[
        "run",
        s(&f),
        "ppr-forward",
        "--source",
        "10",
        "--out",
        s(&csv),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("index,label,value\n"), "{text}");
    for l in text.lines().skip(1) {
        let (i, rest) = l.split_once(',').unwrap();
        let name = rest.rsplit_once(',').unwrap().0;
        assert_eq!(name, names[i.parse::<usize>().unwrap()]);
    }
    // Signing rewrites the matrix segment: its labels stay attached.
    let (key, public) = keys(d.path());
    assert!(run(&["sign", s(&f), "--key", s(&key), "--all"])
        .status
        .success());
    let v = json(&run(&[
        "run",
        s(&f),
        "ppr-forward",
        "--source",
        "10",
        "--json",
        "--trust",
        s(&public),
    ]));
    assert_eq!(
        v["results"][0]["label"],
        names[v["results"][0]["index"].as_u64().unwrap() as usize].as_str()
    );
}

fn keys(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let o = run(&["keygen", "-o", s(&dir.join("k"))]);
    assert!(o.status.success(), "{}", stderr(&o));
    (dir.join("k.key"), dir.join("k.pub"))
}

#[test]
fn vector_labels_continue_across_appends() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a.fvecs"), d.path().join("b.fvecs"));
    let va = fvecs(&a, 5, 4, 1);
    let vb = fvecs(&b, 3, 4, 2);
    let (la, lb) = (d.path().join("a.txt"), d.path().join("b.txt"));
    std::fs::write(&la, "a0\na1\na2\na3\na4\n").unwrap();
    std::fs::write(&lb, "b0\nb1\nb2\n").unwrap();
    let f = d.path().join("v.rvf");
    pack(&f, &["--vectors", s(&a), "--labels", s(&la)]);
    let o = run(&["append", s(&f), "--vectors", s(&b), "--labels", s(&lb)]);
    assert!(o.status.success(), "{}", stderr(&o));
    // k-NN over the whole set from the first appended row: every hit is
    // labelled by the file that row came from.
    let o = run(&[
        "run",
        s(&f),
        "knn",
        "--query-index",
        "5",
        "--k",
        "8",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    let hits = v["results"].as_array().unwrap();
    assert_eq!(hits.len(), va.len() + vb.len());
    for h in hits {
        let i = h["index"].as_u64().unwrap();
        let want = if i < 5 {
            format!("a{i}")
        } else {
            format!("b{}", i - 5)
        };
        assert_eq!(h["label"], want.as_str());
    }
    assert_eq!(hits[0]["index"], 5, "the query row is its own nearest");
}

#[test]
fn wrong_label_files_are_refused_with_the_line_and_the_fix() {
    let d = tempfile::tempdir().unwrap();
    let short = d.path().join("short.txt");
    std::fs::write(&short, "a\nb\n").unwrap();
    let f = d.path().join("x.rvf");
    let o = run(&[
        "create",
        s(&f),
        "--matrix",
        s(&sample("karate.mtx")),
        "--labels",
        s(&short),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("short.txt") && stderr(&o).contains("2 labels for 34"),
        "{}",
        stderr(&o)
    );
    assert!(!f.exists());
    // Labels with nothing to label, or two things.
    let o = run(&[
        "create",
        s(&f),
        "--labels",
        s(&short),
        "--solver",
        s(&kernel("baseline")),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(&[
        "create",
        s(&f),
        "--matrix",
        s(&sample("karate.mtx")),
        "--vectors",
        s(&sample("points.fvecs")),
        "--labels",
        s(&short),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("exactly one"), "{}", stderr(&o));
}

#[test]
fn appended_labels_are_ignored_under_a_policy_unless_signed() {
    let d = tempfile::tempdir().unwrap();
    let (key, public) = keys(d.path());
    let f = d.path().join("k.rvf");
    pack(
        &f,
        &[
            "--matrix",
            s(&sample("karate.mtx")),
            "--sign",
            s(&key),
            "--sign-all",
        ],
    );
    // Someone who can only append renames the nodes: a second copy of the
    // same matrix, packed with their labels. Labels name a matrix by its
    // content, so without a policy they apply to the signed copy too.
    let fake = d.path().join("fake.txt");
    std::fs::write(
        &fake,
        (0..34).map(|i| format!("fake{i}\n")).collect::<String>(),
    )
    .unwrap();
    let o = run(&[
        "append",
        s(&f),
        "--matrix",
        s(&sample("karate.mtx")),
        "--labels",
        s(&fake),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["run", s(&f), "ppr-forward", "--data", "0", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        json(&o)["results"][0]["label"]
            .as_str()
            .unwrap_or("")
            .get(..4),
        Some("fake")
    );
    let o = run(&[
        "run",
        s(&f),
        "ppr-forward",
        "--data",
        "0",
        "--json",
        "--trust",
        s(&public),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(json(&o)["results"][0].get("label").is_none());
    assert!(
        stderr(&o).contains("no trusted key signed them"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_published_runtime_replays_our_metadata_chain() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("chain.rvf");
    pack(
        &f,
        &[
            "--matrix",
            s(&sample("lesmis.mtx")),
            "--meta",
            "dataset=lesmis",
        ],
    );
    // Each append adds a delta on the newest generation, so the published
    // runtime keeps every entry (a second snapshot would drop the first).
    let o = run(&["append", s(&f), "--meta", "source=networkx"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names: Vec<String> = (0..200).map(|i| format!("point {i}, \"quoted\"")).collect();
    let lf = d.path().join("points.labels");
    std::fs::write(&lf, names.join("\n")).unwrap();
    let o = run(&[
        "append",
        s(&f),
        "--vectors",
        s(&sample("points.fvecs")),
        "--labels",
        s(&lf),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let store = rvf_runtime::RvfStore::open_readonly(&f).unwrap();
    let text = |k: &str| match store.get_file_metadata(k) {
        Some(rvf_runtime::MetadataValue::String(v)) => v.clone(),
        other => panic!("{k}: {other:?}"),
    };
    assert_eq!(text("dataset"), "lesmis");
    assert_eq!(text("source"), "networkx");
    let labels = text("rvf-boot.labels.vectors.0");
    assert_eq!(labels.split('\n').collect::<Vec<_>>(), names);
    // And ours: the CSV quotes what needs quoting.
    let csv = d.path().join("k.csv");
    let o = run(&[
        "run",
        s(&f),
        "knn",
        "--query-index",
        "7",
        "--k",
        "3",
        "--out",
        s(&csv),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("7,\"point 7, \"\"quoted\"\"\","),
        "{text}"
    );
    assert_eq!(store.extract_wasm_all().unwrap().len(), 2);
}

/// Labels are used only when their META segment's payload matches its
/// content hash: a label changed with the RVFMETA encoding made whole again
/// (its RVFDONE checksum recomputed) but the segment's content hash and
/// signature kept is not shown, with or without a policy, and a note says
/// why; a META segment that no longer decodes is named too.
#[test]
fn changed_labels_are_never_shown() {
    let d = tempfile::tempdir().unwrap();
    let (key, public) = keys(d.path());
    let f = d.path().join("l.rvf");
    pack_lesmis(&f, &["--sign", s(&key), "--sign-all"]);
    let meta = segment(&f, |x| x["type"] == "META");
    let (off, len) = (
        meta["offset"].as_u64().unwrap() as usize + 64,
        meta["payload_length"].as_u64().unwrap() as usize,
    );
    let mut b = std::fs::read(&f).unwrap();
    let mut m = loader::meta_seg::MetadataSegment::decode(&b[off..off + len]).unwrap();
    let mut changed = false;
    for r in &mut m.file_metadata {
        if let loader::meta_seg::MetadataValue::String(t) = &mut r.value {
            if t.contains("Valjean") {
                *t = t.replace("Valjean", "Javert_");
                changed = true;
            }
        }
    }
    assert!(changed, "the sample names Valjean");
    let re = m.encode().unwrap();
    assert_eq!(re.len(), len, "same length, so it fits in place");
    b[off..off + len].copy_from_slice(&re);
    std::fs::write(&f, &b).unwrap();
    for policy in [vec![], vec!["--trust", s(&public)]] {
        let mut a = vec!["run", s(&f), "ppr-forward", "--source", "11", "--json"];
        a.extend(&policy);
        let o = run(&a);
        assert!(o.status.success(), "{policy:?}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(!out.contains("Javert_"), "{policy:?}: {out}");
        assert!(json(&o)["results"][0].get("label").is_none(), "{out}");
        assert!(
            stderr(&o).contains("content hash MISMATCH"),
            "{policy:?}: {}",
            stderr(&o)
        );
    }
    // One byte off in the encoding: the segment no longer decodes.
    b[off + len - 1] ^= 1;
    std::fs::write(&f, &b).unwrap();
    let o = run(&["run", s(&f), "ppr-forward", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("does not decode as RVFMETA"),
        "{}",
        stderr(&o)
    );
}
