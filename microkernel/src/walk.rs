//! Monte Carlo estimate of one PPR entry π(s, t): `num_walks` walks from s;
//! each step ends with probability α, else moves to a uniform out-neighbour
//! (a node without out-edges keeps the walk). The estimate is the fraction
//! of walks ending at t, with standard error √(p̂(1−p̂)/W).
//!
//! Walk i draws from its own SplitMix stream (seed, i), so the result does
//! not depend on batching. Work is O(W/α) row reads, independent of n.

use crate::push::RowBuf;
use crate::rng::SplitMix;
use rvf_spec::abi::{detail, info, set, status, Fault, Params};
use rvf_spec::source::DataSource;

pub struct WalkResult {
    pub estimate: f64,
    pub std_error: f64,
    pub walks: u64,
    pub steps: u64,
    pub status: i32,
}

pub fn estimate(src: &mut impl DataSource, p: &Params) -> Result<WalkResult, Fault> {
    let n = src.info(info::ROWS);
    if n < 0 {
        return Err(Fault::new(status::MISSING_DATA, detail::NO_MATRIX));
    }
    let bad = |d| Err(Fault::new(status::BAD_PARAMS, d));
    if !(p.alpha > 0.0 && p.alpha < 1.0) {
        return bad(detail::ALPHA);
    }
    if p.num_walks == 0 {
        return bad(detail::WALKS);
    }
    if p.source as i64 >= n {
        return bad(detail::SOURCE);
    }
    if p.target as i64 >= n {
        return bad(detail::TARGET);
    }
    let limit = if p.work_budget == 0 {
        1_000_000_000
    } else {
        p.work_budget
    };
    let mut rows = RowBuf::default();
    let (mut hits, mut steps) = (0u64, 0u64);
    let mut st = status::OK;
    let mut done = 0u64;
    'walks: for i in 0..p.num_walks as u64 {
        let mut rng = SplitMix::stream(p.seed, i);
        let mut cur = p.source;
        loop {
            if rng.next_f64() < p.alpha {
                break;
            }
            if steps >= limit {
                st = status::BUDGET;
                break 'walks;
            }
            steps += 1;
            let nbrs = rows.read(src, set::FORWARD, cur)?;
            if !nbrs.is_empty() {
                let next = nbrs[rng.below(nbrs.len() as u32) as usize];
                if next as i64 >= n {
                    return Err(Fault::new(status::BAD_DATA, detail::STRUCTURE));
                }
                cur = next;
            }
        }
        done += 1;
        if cur == p.target {
            hits += 1;
        }
    }
    let w = done.max(1) as f64;
    let est = hits as f64 / w;
    Ok(WalkResult {
        estimate: est,
        std_error: libm::sqrt(est * (1.0 - est) / w),
        walks: done,
        steps,
        status: st,
    })
}
