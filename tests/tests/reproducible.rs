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
        // A microcontroller's budget: at most 2 pages (128 KiB) of initial
        // linear memory (a 64 KiB stack set at link time, then static data).
        let info = rvf_pack::wasm_info::analyze(&committed).unwrap();
        assert!(
            info.min_memory_pages <= 2,
            "solver-{v}.wasm starts with {} pages of memory, over the 2-page budget",
            info.min_memory_pages
        );
    }
}
