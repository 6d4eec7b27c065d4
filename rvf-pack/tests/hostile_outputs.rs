//! The hostile-input set for packing and for every output path, through
//! the real binary: one test per class of the hostile-input review (issue
//! 16's numbering, listed in docs/SECURITY.md).

mod common;
use common::*;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// #8: modules no host can run are refused at pack time (exit 3), naming
/// the rule, unless --force.
#[test]
fn c08_unrunnable_modules_are_refused_at_pack_time() {
    let d = tempfile::tempdir().unwrap();
    let cases = [
        (
            "wasi.wasm",
            r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))) (memory (export "memory") 1))"#,
            "wasi_snapshot_preview1.fd_write",
        ),
        (
            "start.wasm",
            r#"(module (memory (export "memory") 1) (func $s) (start $s))"#,
            "start",
        ),
        (
            "noabi.wasm",
            r#"(module (memory (export "memory") 1) (func (export "f")))"#,
            "rvf_abi_version",
        ),
        ("empty.wasm", "(module)", "memory"),
    ];
    for (name, wat_text, words) in cases {
        let m = d.path().join(name);
        std::fs::write(&m, wat::parse_str(wat_text).unwrap()).unwrap();
        let out = d.path().join(format!("{name}.rvf"));
        let o = run(&["create", s(&out), "--solver", s(&m)]);
        assert_eq!(o.status.code(), Some(3), "{name}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains("no host can run this module") && e.contains(words),
            "{name}: {e}"
        );
        assert!(!out.exists(), "{name}: nothing written");
        let o = run(&[
            "create",
            s(&out),
            "--solver",
            s(&m),
            "--force",
            "--allow-no-baseline",
        ]);
        assert!(o.status.success(), "{name} with --force: {}", stderr(&o));
    }
}

/// #9: a repeated --meta key is refused, never silently reduced to one value.
#[test]
fn c09_repeated_meta_keys_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("m.rvf");
    let o = run(&["create", s(&out), "--meta", "k=b", "--meta", "k=a"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--meta k is given twice"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
}

/// `ARGS` exits 2, refusing an output that is one of its inputs.
fn assert_refused_as_input(a: &[&str]) {
    let o = run(a);
    assert_eq!(o.status.code(), Some(2), "{a:?}: {}", stderr(&o));
    assert!(
        stderr(&o).contains("refusing to overwrite an input"),
        "{a:?}: {}",
        stderr(&o)
    );
}

/// #11: an output that is the same file as an input is refused.
#[test]
fn c11_outputs_never_replace_inputs() {
    let d = tempfile::tempdir().unwrap();
    let g = karate(d.path());
    let mtx = d.path().join("m.mtx");
    std::fs::copy(sample("karate.mtx"), &mtx).unwrap();
    let link = d.path().join("link.rvf");
    std::os::unix::fs::symlink(&g, &link).unwrap();
    let before = (std::fs::read(&g).unwrap(), std::fs::read(&mtx).unwrap());
    let cases: [Vec<&str>; 5] = [
        vec!["create", s(&mtx), "--matrix", s(&mtx)],
        vec!["run", s(&g), "ppr-forward", "--out", s(&g)],
        vec!["run", s(&g), "ppr-forward", "--receipt", s(&link)],
        vec!["extract", s(&g), "--segment", "1", "-o", s(&link)],
        vec!["append", s(&g), "--matrix", s(&link)],
    ];
    for a in &cases {
        assert_refused_as_input(a);
    }
    assert_eq!(
        (std::fs::read(&g).unwrap(), std::fs::read(&mtx).unwrap()),
        before
    );
}

/// #11 for keys: a signing key, a trusted public key, a trust file and the
/// key files a trust file names are inputs too; no output replaces them.
#[test]
fn c11_outputs_never_replace_keys_or_trust_files() {
    let d = tempfile::tempdir().unwrap();
    let base = d.path().join("k");
    assert!(run(&["keygen", "-o", s(&base)]).status.success());
    let (key, public) = (d.path().join("k.key"), d.path().join("k.pub"));
    let trust = d.path().join("trust.txt");
    std::fs::write(&trust, "k k.pub\n").unwrap();
    let g = d.path().join("g.rvf");
    pack(
        &g,
        &[
            "--matrix",
            s(&sample("karate.mtx")),
            "--with-transpose",
            "--sign",
            s(&key),
        ],
    );
    let snapshot = || {
        [&key, &public, &trust, &g]
            .map(|p| std::fs::read(p).unwrap())
            .to_vec()
    };
    let before = snapshot();
    let mtx = sample("karate.mtx");
    let (k, p, t, m, f) = (s(&key), s(&public), s(&trust), s(&mtx), s(&g));
    let cases: [Vec<&str>; 6] = [
        vec!["run", f, "ppr-forward", "--receipt", k, "--sign-receipt", k],
        vec!["run", f, "ppr-forward", "--trust", p, "--out", p],
        vec!["run", f, "ppr-forward", "--trust-file", t, "--out", t],
        // The key the trust file names, by a path of its own.
        vec!["run", f, "ppr-forward", "--trust-file", t, "--receipt", p],
        vec!["create", k, "--matrix", m, "--sign", k],
        vec!["append", k, "--sign", k],
    ];
    for a in &cases {
        let o = run(a);
        assert_ne!(o.status.code(), Some(0), "{a:?}: {}", stderr(&o));
        assert_eq!(snapshot(), before, "{a:?} changed a file");
    }
    // The first four are refused as outputs over inputs, by name.
    for a in &cases[..4] {
        assert_refused_as_input(a);
    }
    let o = run(&cases[4]);
    assert!(
        stderr(&o).contains("refusing to overwrite an input"),
        "{}",
        stderr(&o)
    );
}

/// #12: outputs are written through symbolic links to their target; a
/// device or other non-regular file is never replaced; `-` is stdout.
#[test]
fn c12_links_are_written_through_and_devices_refused() {
    let d = tempfile::tempdir().unwrap();
    let g = karate(d.path());
    let link = d.path().join("link.rvf");
    std::os::unix::fs::symlink(&g, &link).unwrap();
    let o = run(&["append", s(&link), "--meta", "k=v"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    let v = json(&run(&["inspect", s(&g), "--json"]));
    assert_eq!(v["manifest"]["epoch"], 2, "the target was updated");
    let stdout_link = d.path().join("so.json");
    std::os::unix::fs::symlink("/dev/stdout", &stdout_link).unwrap();
    for a in [
        vec!["run", s(&g), "ppr-forward", "--receipt", "/dev/null"],
        vec!["run", s(&g), "ppr-forward", "--receipt", s(&stdout_link)],
        vec!["extract", s(&g), "--segment", "1", "-o", s(d.path())],
    ] {
        let o = run(&a);
        assert_eq!(o.status.code(), Some(2), "{a:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("not a regular file; refusing to replace it"),
            "{a:?}: {}",
            stderr(&o)
        );
    }
    let o = run(&["extract", s(&g), "--segment", "1", "-o", "-"]);
    assert!(o.status.success());
    assert_eq!(&o.stdout[..4], b"\0asm", "the bytecode went to stdout");
}

/// #13: new files honour the umask; a replaced file keeps its mode.
#[test]
fn c13_modes_follow_the_umask_and_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for (umask, want) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let out = d.path().join(format!("u{umask}.rvf"));
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" create \"$1\" --meta k=v"
            ))
            .arg(env!("CARGO_BIN_EXE_rvf-pack"))
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(mode(&out), want, "umask {umask}");
    }
    let g = d.path().join("u022.rvf");
    std::fs::set_permissions(&g, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert!(run(&["append", s(&g), "--meta", "k2=v"]).status.success());
    assert_eq!(mode(&g), 0o640, "append keeps the mode");
}

/// #17, #21: a FIFO is refused at once (never waited on), and a missing
/// path or a directory is named with what was expected.
#[test]
fn c17_c21_non_regular_and_missing_paths_are_named() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe.rvf");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for a in [
        vec!["inspect", s(&fifo)],
        vec!["verify", s(&fifo)],
        vec!["run", s(&fifo), "cg"],
        vec!["append", s(&fifo), "--meta", "k=v"],
    ] {
        let t = Instant::now();
        let mut child = bin()
            .args(&a)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if t.elapsed() > Duration::from_secs(20) {
                child.kill().unwrap();
                panic!("{a:?} blocked on a FIFO");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let o = child.wait_with_output().unwrap();
        assert_ne!(o.status.code(), Some(0), "{a:?}");
        assert!(
            stderr(&o).contains("pipe.rvf: is a FIFO, not a regular file"),
            "{a:?}: {}",
            stderr(&o)
        );
    }
    let o = run(&["inspect", s(&d.path().join("missing.rvf"))]);
    assert_eq!(o.status.code(), Some(5));
    assert!(
        stderr(&o).contains("missing.rvf: cannot open: No such file"),
        "{}",
        stderr(&o)
    );
    let o = run(&["inspect", s(d.path())]);
    assert_eq!(o.status.code(), Some(5));
    assert!(
        stderr(&o).contains("is a directory, not a regular file"),
        "{}",
        stderr(&o)
    );
}

/// #19: the tail scan's work is bounded: a large file of zeros (sparse on
/// disk) is refused without stepping through it byte by byte.
#[test]
fn c19_a_large_file_of_zeros_is_refused_quickly() {
    let d = tempfile::tempdir().unwrap();
    let z = d.path().join("zeros.rvf");
    let f = std::fs::File::create(&z).unwrap();
    f.set_len(1 << 30).unwrap();
    let o = run(&["inspect", s(&z)]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stdout(&o).contains("no manifest found"), "{}", stdout(&o));
    // The bound itself is a unit test of the scan (loader::container);
    // here the whole command must finish, which before took ~7 s per GiB.
}

/// #20: a closed pipe ends the command quietly, never a panic.
#[test]
fn c20_a_closed_pipe_is_not_a_panic() {
    let d = tempfile::tempdir().unwrap();
    let p = poisson(d.path());
    let mut child = bin()
        .args(["run", s(&p), "cg", "--json", "--top", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read a little, then close our end of the pipe.
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut out, &mut first).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    let e = stderr(&o);
    assert!(!e.contains("panicked") && !e.contains("Broken pipe"), "{e}");
    assert_ne!(o.status.code(), Some(101));
}

/// #24: a solver path with a comma in it can be packed.
#[test]
fn c24_solver_paths_may_hold_commas() {
    let d = tempfile::tempdir().unwrap();
    let odd = d.path().join("a,b=c");
    std::fs::create_dir(&odd).unwrap();
    let k = odd.join("solver,v1.wasm");
    std::fs::copy(kernel("baseline"), &k).unwrap();
    let out = d.path().join("o.rvf");
    let spec = format!("{},priority=3", s(&k));
    let o = run(&[
        "create",
        s(&out),
        "--matrix",
        s(&sample("karate.mtx")),
        "--solver",
        &spec,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&run(&["inspect", s(&out), "--json"]));
    assert_eq!(v["segments"][1]["detail"]["bootstrap_priority"], 3);
    // A path that exists as written is never split, whatever it holds.
    let plain = d.path().join("x,priority=1.wasm");
    std::fs::copy(kernel("baseline"), &plain).unwrap();
    let o = run(&["create", s(&out), "--meta", "k=v", "--solver", s(&plain)]);
    assert!(o.status.success(), "{}", stderr(&o));
}
