//! One job: open the file, select and verify its solver, run the method —
//! all through `rvf_host::Session` — and print what `rvf-pack run` prints
//! (status words, `output digest`, `fuel`) plus the RAM it took. Every
//! refusal is printed and becomes `rvf-pack run`'s exit code; nothing here
//! panics on a bad file or a hostile module.

use crate::args::Job;
use crate::heap;
use crate::ram::{self, Phases};
use rvf_host::{HostConfig, RunError, RvfFile, Session};
use rvf_spec::exit::Exit;
use rvf_spec::format::Features;

#[cfg(feature = "embed")]
static EMBEDDED: &[u8] = include_bytes!(env!("RVF_EMBED_PATH"));

/// Run job `n`; returns its exit code.
pub fn run(n: usize, job: &Job<'_>) -> Exit {
    println!("job {n}: {} {}", job.file, job.request.method.name());
    let mut phases = Phases::start();
    // Everything the job allocated is freed before the RAM report.
    let code = run_phases(job, &mut phases);
    ram::report(&phases);
    println!("  exit {} ({})", code.code(), code.name());
    code
}

fn run_phases(job: &Job<'_>, phases: &mut Phases) -> Exit {
    #[cfg(feature = "embed")]
    let (bytes, how): (&[u8], &str) = (EMBEDDED, "embedded in flash; FILE names it only");
    #[cfg(not(feature = "embed"))]
    let owned: alloc::vec::Vec<u8> = match crate::semihost::read_file(job.file) {
        Ok(b) => b,
        Err(e) => {
            println!("  error: {}: {e}", job.file);
            return Exit::Io;
        }
    };
    #[cfg(not(feature = "embed"))]
    let (bytes, how): (&[u8], &str) = (&owned, "read over semihosting into the heap");
    println!("  file {} bytes ({how})", bytes.len());
    let file = match RvfFile::parse(bytes) {
        Ok(f) => f,
        Err(e) => {
            println!("  error: {e}");
            return Exit::BadContainer;
        }
    };
    phases.opened();

    let mut config = match host_config(job) {
        Ok(c) => c,
        Err(e) => {
            println!("  error: {e}");
            return Exit::Usage;
        }
    };
    let (mut session, sel) = match prepare(&file, &mut config, job) {
        Ok(s) => s,
        Err((e, sel_peak)) => {
            phases.selected_peak(sel_peak);
            println!("  {e}");
            return e.exit();
        }
    };
    phases.selected();
    println!(
        "  limits: fuel {}, guest memory cap {} B{}",
        config.limits.fuel,
        config.limits.max_memory_bytes,
        if job.host.max_memory.is_some() {
            ""
        } else {
            " (from the free heap)"
        }
    );
    println!(
        "  host features {}; segment {} selected (features {}), verified",
        Features(config.features()),
        sel.0,
        Features(sel.1)
    );
    // An explicit cap above what the heap can honour: a growing module may
    // then meet a failed allocation (memory.grow answers -1) before the cap.
    let safe = ram::safe_memory_cap(heap::free());
    if job.host.max_memory.is_some() && config.limits.max_memory_bytes > safe {
        println!(
            "  warning: --max-memory is above the {safe} B this heap can honour while memory grows; \
             a module that grows may see memory.grow fail instead of being stopped at the cap"
        );
    }
    if job.breakdown {
        crate::breakdown::print(session.file(), sel.0, &config.limits);
    }

    phases.run_starts();
    let result = session.run(&job.request);
    phases.ran(matches!(result, Ok(_) | Err(RunError::Sandbox(_))));
    let code = match result {
        Ok(out) => {
            // The lines `rvf-pack run` prints, fuel last (boot/check.sh reads
            // the `output digest` and `fuel` lines).
            println!("{}", out.summary());
            println!("{}", out.figures().fuel_last());
            // As `rvf-pack run`: results that do not decode are a bad result.
            match out.results() {
                Ok(_) => out.exit(),
                Err(e) => {
                    println!("  error: {e}");
                    Exit::Trap
                }
            }
        }
        Err(e) => {
            println!("  stopped: {e}");
            e.exit()
        }
    };
    code
}

/// The session's host configuration from the job's host options, as
/// `rvf-pack run` builds it; the memory cap is set by [`prepare`].
fn host_config(job: &Job<'_>) -> Result<HostConfig, alloc::string::String> {
    let h = &job.host;
    let mut c = HostConfig {
        force_segment: h.segment,
        allow_unhashed: h.allow_unhashed,
        ..HostConfig::default()
    };
    if let Some(f) = h.fuel {
        c.limits.fuel = f;
    }
    if let Some(m) = h.max_memory {
        c.limits.max_memory_bytes = m;
    }
    match h.features {
        None => Ok(c),
        Some(s) => c
            .with_mask(s)
            .map_err(|e| alloc::format!("--host-features {s}: {e}")),
    }
}

/// Open a session and select its solver (hashes, validation, eager
/// compilation). Unless `--max-memory` set one, the guest-memory cap is
/// the largest the heap can honour next to the compiled module
/// ([`ram::safe_memory_cap`]), so that a growing module meets the cap
/// before the allocator runs dry. The module's size is estimated first
/// and checked once it is compiled; a low estimate selects once more.
/// Returns the chosen segment and its features, or the refusal and the
/// heap peak of selection.
#[allow(clippy::type_complexity)]
fn prepare<'a>(
    file: &RvfFile<'a>,
    config: &mut HostConfig,
    job: &Job<'_>,
) -> Result<(Session<'a>, (usize, u16)), (RunError, usize)> {
    let asked = config.limits.max_memory_bytes;
    let derived = job.host.max_memory.is_none();
    let mut module = ram::COMPILED_PER_WASM_BYTE * largest_wasm_segment(file);
    for attempt in 0.. {
        if derived {
            let cap = ram::safe_memory_cap(heap::free().saturating_sub(module));
            config.limits.max_memory_bytes = asked.min(cap);
        }
        heap::reset_peak();
        let before = heap::stats().live;
        // `HostConfig` is `Copy` at this revision, not once it carries a
        // trust policy: clone works for both.
        #[allow(clippy::clone_on_copy)]
        let mut session = Session::new(file.clone(), config.clone());
        let chosen = match session.prepare() {
            Ok(sel) => sel
                .chosen()
                .map(|c| (c.index, c.header.map_or(0, |h| h.required_features))),
            Err(e) => return Err((e, heap::stats().peak)),
        };
        let held = heap::stats().live - before;
        let safe = ram::safe_memory_cap(heap::free());
        match chosen {
            Some(c) if !derived || config.limits.max_memory_bytes <= safe || attempt > 0 => {
                return Ok((session, c))
            }
            Some(_) => {
                println!("  (selecting again: the compiled module holds {held} B, more than the {module} B estimated)");
                module = held;
            }
            None => unreachable!("prepare() succeeds only with a chosen segment"),
        }
    }
    unreachable!("the second selection is always kept")
}

/// The largest WASM segment's payload, for the first estimate of the
/// compiled module's size (the directory alone; nothing is decoded).
fn largest_wasm_segment(file: &RvfFile<'_>) -> usize {
    file.directory()
        .iter()
        .filter(|e| e.seg_type == rvf_spec::format::seg::WASM)
        .map(|e| e.payload_length as usize)
        .max()
        .unwrap_or(0)
}
