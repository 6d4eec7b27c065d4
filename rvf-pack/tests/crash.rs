//! Crash safety: `create`, `append` and `run --record` killed with SIGKILL
//! at many points leave the destination either the complete old file or
//! the complete new file (byte for byte — packing is deterministic), and
//! that file opens in our loader and in the published runtime. Readers that
//! race an appender always see a whole file (old or new manifest), and
//! concurrent writers (threads or processes) are serialised: no append or
//! witness entry is lost.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rvf-pack"))
}
fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A vectors file big enough that writing it takes a while.
fn big_fvecs(dir: &Path) -> PathBuf {
    let (n, dim) = (120_000usize, 32usize);
    let mut b = Vec::with_capacity(n * (4 + 4 * dim));
    let mut st = 9u64;
    for _ in 0..n {
        b.extend_from_slice(&(dim as i32).to_le_bytes());
        for _ in 0..dim {
            st = st
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            b.extend_from_slice(&(((st >> 40) as f32) / 16_777_216.0).to_le_bytes());
        }
    }
    let p = dir.join("big.fvecs");
    std::fs::write(&p, b).unwrap();
    p
}

fn readable(bytes: &[u8], path: &Path) {
    let f = loader::RvfFile::parse(bytes).expect("our loader opens it");
    assert!(loader::verify::verify_file(&f).ok());
    rvf_runtime::RvfStore::open_readonly(path).expect("the published runtime opens it");
}

/// Kill `args` at `points` spread over its uninterrupted duration; after
/// each kill the destination must equal `old` or `new`.
fn kill_sweep(dest: &Path, old: Option<&[u8]>, args: &[String], points: u32) -> (u32, u32) {
    let reset = || match old {
        Some(b) => std::fs::write(dest, b).unwrap(),
        None => {
            let _ = std::fs::remove_file(dest);
        }
    };
    reset();
    let t = Instant::now();
    assert!(bin().args(args).output().unwrap().status.success());
    let full = t.elapsed();
    let new = std::fs::read(dest).unwrap();
    let (mut saw_old, mut saw_new) = (0, 0);
    let mut rng = 0x5eedu64;
    for k in 0..points {
        reset();
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        // Spread kill points over [0, 1.2 × full duration].
        let frac = (rng >> 11) as f64 / (1u64 << 53) as f64;
        let delay = full.mul_f64(1.2 * frac);
        let mut child = bin()
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        match std::fs::read(dest) {
            Ok(b) if b == new => {
                readable(&b, dest);
                saw_new += 1;
            }
            Ok(b) if Some(&b[..]) == old => {
                readable(&b, dest);
                saw_old += 1;
            }
            Ok(b) => panic!(
                "kill {k} at {delay:?}: destination is neither the old nor the new file ({} bytes)",
                b.len()
            ),
            Err(_) if old.is_none() => saw_old += 1, // create killed before the rename: no file, as before
            Err(e) => panic!("kill {k}: destination vanished: {e}"),
        }
    }
    // Leftover temporaries from killed runs are never mistaken for the file.
    (saw_old, saw_new)
}

#[test]
fn sigkill_during_create_append_and_record() {
    let d = tempfile::tempdir().unwrap();
    let big = big_fvecs(d.path());
    let karate = root().join("samples/karate.mtx");
    let base = root().join("microkernel/dist/solver-baseline.wasm");
    let dest = d.path().join("f.rvf");

    // create (over nothing)
    let create: Vec<String> = [
        "create",
        &s(&dest),
        "--vectors",
        &s(&big),
        "--matrix",
        &s(&karate),
        "--solver",
        &s(&base),
    ]
    .iter()
    .map(|x| x.to_string())
    .collect();
    let (o, n) = kill_sweep(&dest, None, &create, 24);
    eprintln!("create: {o} old, {n} new");
    // The last kill may have left no file: finish a create for the next sweeps.
    assert!(bin().args(&create).output().unwrap().status.success());
    let created = std::fs::read(&dest).unwrap();

    // append (to the created file)
    let append: Vec<String> = ["append", &s(&dest), "--vectors", &s(&big)]
        .iter()
        .map(|x| x.to_string())
        .collect();
    let (o2, n2) = kill_sweep(&dest, Some(&created), &append, 24);
    eprintln!("append: {o2} old, {n2} new");

    // run --record (on the created file)
    let record: Vec<String> = ["run", &s(&dest), "ppr-forward", "--source", "1", "--record"]
        .iter()
        .map(|x| x.to_string())
        .collect();
    let (o3, n3) = kill_sweep(&dest, Some(&created), &record, 24);
    eprintln!("run --record: {o3} old, {n3} new");
    assert!(
        o + o2 + o3 > 0 && n + n2 + n3 > 0,
        "kills landed on both sides"
    );
}

/// A small file to append to.
fn tiny(dir: &Path) -> PathBuf {
    let p = dir.join("w.rvf");
    rvf_pack::writer::create(
        &p,
        &[rvf_pack::writer::SegmentSpec {
            seg_type: 0x31,
            payload: vec![1; 1000].into(),
        }],
        Default::default(),
    )
    .unwrap();
    p
}

#[test]
fn concurrent_readers_see_the_old_or_the_new_manifest() {
    let d = tempfile::tempdir().unwrap();
    let p = tiny(d.path());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (p, stop) = (p.clone(), stop.clone());
            std::thread::spawn(move || {
                let (mut reads, mut last_epoch) = (0u32, 0u32);
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let map = loader::MappedFile::open(&p).unwrap();
                    let f = loader::RvfFile::parse(map.bytes())
                        .expect("a reader never sees a torn file");
                    let e = f.manifest().manifest.epoch;
                    assert!(e >= last_epoch, "epochs only move forward");
                    assert_eq!(
                        f.directory().len() as u32,
                        1 + 2 * (e - 1),
                        "the directory matches its epoch"
                    );
                    last_epoch = e;
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    let t = Instant::now();
    for i in 0..40u8 {
        rvf_pack::writer::append(
            &p,
            &[rvf_pack::writer::SegmentSpec {
                seg_type: 0x31,
                payload: vec![i; 5000].into(),
            }],
            None,
        )
        .unwrap();
    }
    std::thread::sleep(Duration::from_millis(20));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let reads: u32 = readers.into_iter().map(|h| h.join().unwrap()).sum();
    eprintln!(
        "{reads} concurrent reads during 40 appends ({:?})",
        t.elapsed()
    );
    assert!(reads > 40);
}

/// Run `op(path, writer, i)` for i in 0..each on `writers` threads at once.
fn race(p: &Path, writers: u8, each: u8, op: fn(&Path, u8, u8)) {
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let p = p.to_path_buf();
            std::thread::spawn(move || (0..each).for_each(|i| op(&p, w, i)))
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn concurrent_appends_lose_nothing() {
    let d = tempfile::tempdir().unwrap();
    let p = tiny(d.path());
    const EACH: u8 = 10;
    let (writers, each) = (4u8, EACH);
    race(&p, writers, each, |p, w, i| {
        rvf_pack::writer::append(
            p,
            &[rvf_pack::writer::SegmentSpec {
                seg_type: 0x31,
                payload: vec![w * EACH + i; 3000].into(),
            }],
            None,
        )
        .unwrap();
    });
    let bytes = std::fs::read(&p).unwrap();
    readable(&bytes, &p);
    let f = loader::RvfFile::parse(&bytes).unwrap();
    let appends = u32::from(writers) * u32::from(each);
    assert_eq!(
        f.manifest().manifest.epoch,
        1 + appends,
        "one epoch per append"
    );
    // Every appended payload is there, once.
    let mut seen: Vec<u8> = (0..f.directory().len())
        .filter_map(|i| f.segment(i).ok())
        .filter(|s| s.header.seg_type == 0x31 && s.payload.len() == 3000)
        .map(|s| s.payload[0])
        .collect();
    seen.sort();
    assert_eq!(seen, (0..writers * each).collect::<Vec<_>>());
}

#[test]
fn concurrent_records_keep_one_witness_chain() {
    let d = tempfile::tempdir().unwrap();
    let p = tiny(d.path());
    let (writers, each) = (3u8, 6u8);
    race(&p, writers, each, |p, w, i| {
        let lock = rvf_pack::lock::FileLock::acquire(p, || {}).unwrap();
        rvf_pack::witness::record(&lock, &[w, i], 0).unwrap();
    });
    let map = loader::MappedFile::open(&p).unwrap();
    let f = loader::RvfFile::parse(map.bytes()).unwrap();
    let chain = loader::witness::verify_chain(&f).expect("one unbroken chain");
    assert_eq!(chain.entries.len(), usize::from(writers * each));
}

#[test]
fn concurrent_append_processes_are_serialised() {
    let d = tempfile::tempdir().unwrap();
    let p = tiny(d.path());
    let n = 6;
    let children: Vec<_> = (0..n)
        .map(|i| {
            bin()
                .args(["append", &s(&p), "--meta", &format!("writer={i}")])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut waited = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
        // A writer that finds the file locked says so, and says nothing else.
        for line in String::from_utf8_lossy(&out.stderr).lines() {
            assert!(
                line.starts_with("rvf-pack: waiting for another writer of "),
                "{line}"
            );
            waited += 1;
        }
    }
    eprintln!("{waited} of {n} writers waited for the lock");
    let bytes = std::fs::read(&p).unwrap();
    readable(&bytes, &p);
    let f = loader::RvfFile::parse(&bytes).unwrap();
    assert_eq!(f.manifest().manifest.epoch, 1 + n, "no append lost");
    let out = bin().args(["inspect", &s(&p), "--json"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for i in 0..n {
        assert!(
            text.contains(&format!("\"writer\": \"{i}\"")),
            "writer {i} missing from:\n{text}"
        );
    }
}
