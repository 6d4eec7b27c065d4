//! §5. Packing throughput: vectors written to a file and fsynced by
//! rvf-pack (SHAKE-256, the default, and XXH3) and by the published
//! runtime, taking turns.

use super::{Ctx, Goal};
use crate::measure::{time, Timing};
use crate::workload::uniform_f32;
use rvf_pack::inputs::Vectors;
use rvf_pack::writer::{self, FileSummary, Payload, SegmentSpec};
use rvf_spec::format::{algo, seg};
use std::sync::Arc;

/// (vectors, dimension).
const SHAPE: (usize, usize) = (200_000, 128);
const QUICK_SHAPE: (usize, usize) = (20_000, 128);
/// Each writer runs once a round.
pub const ROUNDS: usize = 5;

/// One writer's times over the rounds.
#[derive(Clone, Copy, Debug)]
pub struct Writer {
    pub name: &'static str,
    pub hash: &'static str,
    pub timing: Timing,
}

#[derive(Clone, Debug)]
pub struct Packing {
    pub count: usize,
    pub dim: usize,
    /// MB (10⁶ bytes) of vector data.
    pub mbytes: f64,
    pub shake: Writer,
    pub xxh3: Writer,
    /// The published runtime.
    pub theirs: Writer,
}

impl Packing {
    /// The three writers, in the table's order.
    pub fn writers(&self) -> [Writer; 3] {
        [self.shake, self.xxh3, self.theirs]
    }
    /// Median MB/s.
    pub fn mb_per_s(&self, w: &Writer) -> f64 {
        self.mbytes / w.timing.median.as_secs_f64()
    }
    /// How many times faster than the published runtime (medians).
    pub fn vs_published(&self, w: &Writer) -> f64 {
        self.theirs.timing.median.as_secs_f64() / w.timing.median.as_secs_f64()
    }

    /// ≥ 2x the published runtime and ≥ 500 MB/s, with either hash.
    pub fn goals(&self) -> Vec<Goal> {
        [
            ("SHAKE-256, the default", &self.shake),
            ("XXH3, `--checksum xxh3`", &self.xxh3),
        ]
        .into_iter()
        .map(|(hash, w)| {
            let (ratio, mbs) = (self.vs_published(w), self.mb_per_s(w));
            Goal::new(
                format!("packing ≥ 2x the published runtime and ≥ 500 MB/s ({hash})"),
                format!("{ratio:.2}x, {mbs:.0} MB/s"),
                ratio >= 2.0 && mbs >= 500.0,
            )
        })
        .collect()
    }
}

pub fn measure(ctx: &Ctx) -> Packing {
    let (count, dim) = ctx.pick(QUICK_SHAPE, SHAPE);
    let data = uniform_f32(count * dim, 11);
    // The vectors as the packer holds them after reading its input (the
    // published runtime is likewise handed slices of the same data).
    let v = Arc::new(Vectors {
        dim,
        data: data.clone(),
    });
    let ours_path = ctx.dir.join("ours.rvf");
    let ours = |checksum: u8| {
        let rows = rvf_pack::payload::VecRows::new(v.clone(), 0).unwrap();
        writer::create_with(
            &ours_path,
            &[SegmentSpec {
                seg_type: seg::VEC,
                payload: Payload::Vectors(rows),
            }],
            FileSummary {
                dimension: dim as u16,
                total_vectors: count as u64,
                metric_id: 0,
            },
            checksum,
        )
        .unwrap();
    };
    let theirs_path = ctx.dir.join("theirs.rvf");
    let theirs = || {
        let _ = std::fs::remove_file(&theirs_path);
        let mut st = rvf_runtime::RvfStore::create(
            &theirs_path,
            rvf_runtime::RvfOptions {
                dimension: dim as u16,
                ..Default::default()
            },
        )
        .unwrap();
        let rows: Vec<&[f32]> = data.chunks_exact(dim).collect();
        let ids: Vec<u64> = (0..count as u64).collect();
        st.ingest_batch(&rows, &ids, None).unwrap();
        st.close().unwrap();
    };
    // The writers take turns, so each meets the same page cache and disk state.
    let mut times = [(); 3].map(|_| Vec::with_capacity(ROUNDS));
    for _ in 0..ROUNDS {
        times[0].push(time(1, || ours(algo::SHAKE256_128)).0.median);
        times[1].push(time(1, || ours(algo::XXH3_128)).0.median);
        times[2].push(time(1, theirs).0.median);
    }
    let [shake, xxh3, theirs] = times.map(Timing::of);
    let writer = |name, hash, timing| Writer { name, hash, timing };
    Packing {
        count,
        dim,
        mbytes: (count * dim * 4) as f64 / 1e6,
        shake: writer("rvf-pack create (default)", "SHAKE-256/128", shake),
        xxh3: writer("rvf-pack create --checksum xxh3", "XXH3-128", xxh3),
        theirs: writer(
            "rvf-runtime 0.5.0 (create + ingest_batch + close)",
            "XXH3-128",
            theirs,
        ),
    }
}
