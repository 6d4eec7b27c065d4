//! The committed microkernel modules rebuild byte-identically from source
//! with the documented command (microkernel/build.sh). The check needs the
//! toolchain pinned in rust-toolchain.toml; when another rustc is active it
//! says so plainly and fails, rather than passing silently.

mod common;

#[test]
fn committed_kernels_rebuild_byte_identically() {
    let root = common::root();
    let want = std::fs::read_to_string(root.join("rust-toolchain.toml")).unwrap();
    let pinned = want
        .lines()
        .find_map(|l| l.strip_prefix("channel = "))
        .unwrap()
        .trim_matches('"')
        .to_string();
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .current_dir(&root)
        .output()
        .unwrap();
    let version = String::from_utf8_lossy(&rustc.stdout).to_string();
    assert!(
        version.contains(&format!("rustc {pinned} ")),
        "the rebuild check needs rustc {pinned} (rust-toolchain.toml); found {version}"
    );
    let out = tempfile::tempdir().unwrap();
    let st = std::process::Command::new("bash")
        .arg(root.join("microkernel/build.sh"))
        .arg(out.path())
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(st.success());
    for v in ["baseline", "simd"] {
        let built = std::fs::read(out.path().join(format!("solver-{v}.wasm"))).unwrap();
        let committed =
            std::fs::read(root.join(format!("microkernel/dist/solver-{v}.wasm"))).unwrap();
        assert!(
            built == committed,
            "solver-{v}.wasm differs from a fresh build: run microkernel/build.sh and commit"
        );
        assert!(
            committed.len() <= 48 * 1024,
            "solver-{v}.wasm is {} bytes, over the 48 KiB budget",
            committed.len()
        );
    }
}
