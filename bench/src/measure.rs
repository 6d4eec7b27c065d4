//! Timing and process counters, and the facts about this machine the
//! report starts with.

use std::time::{Duration, Instant};

/// Median, fastest and slowest of repeated timings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timing {
    /// The middle one (the upper of the two middle ones for an even count).
    pub median: Duration,
    pub min: Duration,
    pub max: Duration,
}

impl Timing {
    /// Of `ts` (at least one).
    pub fn of(mut ts: Vec<Duration>) -> Timing {
        ts.sort();
        Timing {
            median: ts[ts.len() / 2],
            min: ts[0],
            max: ts[ts.len() - 1],
        }
    }

    /// Median, min and max in ms.
    pub fn ms(&self) -> (f64, f64, f64) {
        (ms(self.median), ms(self.min), ms(self.max))
    }
}

/// Time `f` `reps` times: the timing and the last result.
pub fn time<T>(reps: usize, mut f: impl FnMut() -> T) -> (Timing, T) {
    let mut ts = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps {
        let t = Instant::now();
        last = Some(f());
        ts.push(t.elapsed());
    }
    (Timing::of(ts), last.expect("at least one repetition"))
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// This process's minor page faults so far (field 10 of /proc/self/stat;
/// 0 where there is no procfs).
pub fn minor_faults() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the parenthesised command name, from field 3.
            let rest = &s[s.rfind(')')? + 1..];
            rest.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

/// This process's resident set in MiB (0 where there is no procfs).
pub fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// What the report says about where it ran.
#[derive(Clone, Debug)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub rustc: String,
    pub wasmi: &'static str,
}

impl Machine {
    pub fn this() -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
            })
            .unwrap_or_default();
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let rustc = std::process::Command::new("rustc")
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        Machine {
            cpu,
            cores,
            rustc,
            wasmi: rvf_host::engine::VERSION,
        }
    }
}
