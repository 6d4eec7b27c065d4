//! Helpers of the CLI-level hostile-input tests: the real binary, sample
//! files packed with both kernels.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rvf-pack"));
    c.stdin(Stdio::null()).env_remove("SOURCE_DATE_EPOCH");
    c
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn sample(name: &str) -> PathBuf {
    root().join("samples").join(name)
}

pub fn kernel(v: &str) -> PathBuf {
    root().join(format!("microkernel/dist/solver-{v}.wasm"))
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `rvf-pack create OUT ARGS...`, which must succeed.
pub fn create(out: &Path, args: &[&str]) {
    let mut a = vec!["create", s(out)];
    a.extend_from_slice(args);
    let o = run(&a);
    assert!(o.status.success(), "{a:?}: {}", stderr(&o));
}

/// `rvf-pack append FILE ARGS...`, which must succeed.
pub fn append(f: &Path, args: &[&str]) {
    let mut a = vec!["append", s(f)];
    a.extend_from_slice(args);
    let o = run(&a);
    assert!(o.status.success(), "{a:?}: {}", stderr(&o));
}

/// `rvf-pack create OUT ARGS... --solver baseline --solver simd`, which must succeed.
pub fn pack(out: &Path, args: &[&str]) {
    let (b, m) = (kernel("baseline"), kernel("simd"));
    let mut a = args.to_vec();
    a.extend_from_slice(&["--solver", s(&b), "--solver", s(&m)]);
    create(out, &a);
}

/// The karate graph with its transpose.
pub fn karate(dir: &Path) -> PathBuf {
    let p = dir.join("karate.rvf");
    pack(
        &p,
        &["--matrix", s(&sample("karate.mtx")), "--with-transpose"],
    );
    p
}

/// Poisson 16² with its right-hand side, and the sample vectors.
pub fn poisson(dir: &Path) -> PathBuf {
    let p = dir.join("poisson.rvf");
    pack(
        &p,
        &[
            "--matrix",
            s(&sample("poisson16.mtx")),
            "--rhs",
            s(&sample("poisson16_rhs.txt")),
            "--vectors",
            s(&sample("points.fvecs")),
        ],
    );
    p
}

/// An `.fvecs` file of `rows` from a fixed LCG.
pub fn fvecs(path: &Path, rows: usize, dim: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut s = seed;
    let mut out = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..rows {
        let v: Vec<f32> = (0..dim)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
            })
            .collect();
        bytes.extend_from_slice(&(dim as i32).to_le_bytes());
        v.iter()
            .for_each(|x| bytes.extend_from_slice(&x.to_le_bytes()));
        out.push(v);
    }
    std::fs::write(path, bytes).unwrap();
    out
}

/// The JSON a command printed.
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(o), stderr(o)))
}

/// The segments `inspect --json` lists.
pub fn segments(f: &Path) -> Vec<serde_json::Value> {
    json(&run(&["inspect", s(f), "--json"]))["segments"]
        .as_array()
        .unwrap()
        .clone()
}

/// The first segment `inspect --json` lists that `pick` accepts.
pub fn segment(f: &Path, pick: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    segments(f).into_iter().find(|x| pick(x)).unwrap()
}
