//! §4. Open, select, verify, instantiate: what a session does before its
//! first run, on files whose data segment is a hole of growing size.

use super::{Ctx, Goal};
use crate::files::hole_file;
use crate::measure::{ms, rss_mib, time, Timing};
use loader::{MappedFile, RvfFile};
use rvf_host::{HostConfig, Session};

const SIZES: &[u64] = &[1 << 20, 64 << 20, 1 << 30, 4 << 30];
const QUICK_SIZES: &[u64] = &[1 << 20];
pub const REPS: usize = 20;
pub const WARM_UP: usize = 5;

/// One file size.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub bytes: u64,
    pub open_select: Timing,
    /// Resident memory the open file adds.
    pub rss_mib: f64,
}

#[derive(Clone, Debug)]
pub struct OpenSelect {
    pub rows: Vec<Row>,
}

impl OpenSelect {
    /// ≤ 1 ms at every size.
    pub fn goals(&self) -> Vec<Goal> {
        let medians = || self.rows.iter().map(|r| ms(r.open_select.median));
        let worst = medians().fold(0.0, f64::max);
        let span = worst / medians().fold(f64::INFINITY, f64::min);
        let largest = self.rows.last().map_or(0, |r| r.bytes >> 20);
        vec![Goal::new(
            format!("open + select ≤ 1 ms, flat from 1 MiB to {largest} MiB"),
            format!("at most {worst:.3} ms; largest / smallest {span:.2}x"),
            worst <= 1.0,
        )]
    }
}

pub fn measure(ctx: &Ctx) -> OpenSelect {
    let rows = ctx
        .pick(QUICK_SIZES, SIZES)
        .iter()
        .map(|&bytes| {
            let path = ctx.dir.join(format!("hole{bytes}.rvf"));
            hole_file(&path, bytes);
            let row = measure_file(&path, bytes);
            std::fs::remove_file(&path).ok();
            row
        })
        .collect();
    OpenSelect { rows }
}

fn measure_file(path: &std::path::Path, bytes: u64) -> Row {
    let rss0 = rss_mib();
    let once = || {
        let map = MappedFile::open(path).unwrap();
        let file = RvfFile::parse(map.bytes()).unwrap();
        let sel = Session::new(file, HostConfig::default()).select();
        assert!(sel.chosen().is_some());
    };
    // Untimed first: the first cell otherwise also pays for the previous
    // section's freed memory (a run of 1.4-1.6 ms here).
    (0..WARM_UP).for_each(|_| once());
    let (open_select, ()) = time(REPS, once);
    let keep = MappedFile::open(path).unwrap();
    let kept = RvfFile::parse(keep.bytes()).unwrap();
    let rss_mib = rss_mib() - rss0;
    drop(kept);
    drop(keep);
    Row {
        bytes,
        open_select,
        rss_mib,
    }
}
