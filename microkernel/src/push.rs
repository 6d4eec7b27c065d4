//! Local push methods for personalized PageRank (PPR) with teleport
//! probability α, on the graph whose adjacency is the matrix pattern (edge
//! values are ignored: the walk picks a uniform out-neighbour). A node with
//! no out-edges keeps the walk (self-loop semantics).
//!
//! - Forward push (Andersen–Chung–Lang, non-lazy) from a source s: push u
//!   while r(u) > ε·max(deg(u), 1). Invariant: Σp + Σr = 1 (mass identity);
//!   π_s(v) − p(v) = Σᵤ r(u) π_u(v) ∈ [0, Σr].
//! - Backward push (Andersen et al. 2007) to a target t, on the stored
//!   transpose: push v while r(v) > ε; each in-neighbour u gains
//!   (1−α) r(v) / out_deg(**u**) (upstream divides by the pushed node's
//!   degree, which is wrong on non-regular graphs). Then |π(s,t) − p(s)| ≤ ε.
//!
//! Both touch only the rows they push and keep state in a hash map, so the
//! work is independent of n. Node order is FIFO; output sorted by node.

use crate::nodemap::NodeMap;
use crate::radix;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use rvf_spec::abi::{detail, info, set, status, Fault, Params};
use rvf_spec::source::DataSource;

/// The push state of one touched node.
#[derive(Clone, Copy, Debug, Default)]
pub struct Node {
    pub p: f64,
    pub r: f64,
    pub id: u32,
    /// Out-degree in the forward adjacency.
    pub deg: u32,
    queued: bool,
}

/// Per-node state of the nodes a push has touched: one record per node
/// (one allocation to grow, one bounds check per access) and a map from
/// node id to record index.
pub struct Nodes {
    index: NodeMap,
    pub list: Vec<Node>,
    /// Ids of the nodes a `resolve` created (for the degrees call).
    fresh: Vec<u32>,
    degs: Vec<u32>,
}

/// Records a push run reserves up front, at most: 8 192 records (256 KiB)
/// and a 16 384-slot map (128 KiB). Growing past that doubles as usual.
const MAX_PRESIZE: usize = 8192;

impl Nodes {
    /// Room for `expected` nodes (clamped to 16..=`MAX_PRESIZE`) without
    /// regrowth: each growth rehashes the map and copies the records, which
    /// cost 9 % of a forward push at n = 10⁴ when this started at 1 024.
    /// Fresh memory costs nothing to zero.
    fn new(expected: usize) -> Self {
        let records = expected.clamp(16, MAX_PRESIZE);
        // Map load ≤ 1/2: the power of two ≥ 2 · records.
        let log2 = (2 * records).next_power_of_two().trailing_zeros();
        Nodes {
            index: NodeMap::with_capacity_log2(log2),
            list: Vec::with_capacity(records),
            fresh: Vec::new(),
            degs: Vec::new(),
        }
    }
    pub fn get(&self, node: u32) -> Option<usize> {
        self.index.get(node).map(|i| i as usize)
    }
    /// The record index of every node of `nodes` (into `idx[..nodes.len()]`),
    /// creating records for unknown nodes; their out-degrees come in one
    /// host call. One map probe per node. Fails on an id ≥ `n`.
    fn resolve(
        &mut self,
        src: &mut impl DataSource,
        nodes: &[u32],
        n: i64,
        idx: &mut Vec<u32>,
    ) -> Result<(), Fault> {
        // Buffers only ever grow (never re-zeroed per row), like `RowBuf`.
        for buf in [&mut *idx, &mut self.fresh] {
            if buf.len() < nodes.len() {
                buf.resize(nodes.len(), 0);
            }
        }
        let first = self.list.len() as u32;
        let added = self
            .index
            .get_or_insert_batch(nodes, n as u64, first, idx, &mut self.fresh)
            .ok_or(Fault::new(status::BAD_DATA, detail::STRUCTURE))?;
        if added == 0 {
            return Ok(());
        }
        let fresh = &self.fresh[..added];
        self.degs.clear();
        self.degs.resize(added, 0);
        src.degrees(set::FORWARD, fresh, &mut self.degs)?;
        self.list
            .extend(fresh.iter().zip(&self.degs).map(|(&id, &deg)| Node {
                id,
                deg,
                ..Node::default()
            }));
        Ok(())
    }
    /// (node, p) for p > 0, sorted by node.
    pub fn scores(&self) -> Vec<(u32, f64)> {
        let mut out: Vec<(u32, f64)> = self
            .list
            .iter()
            .filter(|x| x.p > 0.0)
            .map(|x| (x.id, x.p))
            .collect();
        radix::sort_by_key(&mut out);
        out
    }
}

/// A reusable row buffer: it starts at 16 entries, grows to the longest
/// row seen and is never re-zeroed, so reading a row is one host call and
/// no bookkeeping.
pub struct RowBuf {
    buf: Vec<u32>,
}

impl Default for RowBuf {
    fn default() -> Self {
        RowBuf {
            buf: alloc::vec![0; 16],
        }
    }
}

impl RowBuf {
    /// Row `u` of an adjacency set: one host call when the row fits (the
    /// inlined fast path of every push and walk step), else grow and retry.
    #[inline(always)]
    pub fn read(&mut self, src: &mut impl DataSource, which: u32, u: u32) -> Result<&[u32], i32> {
        let n = src.row(which, u, &mut self.buf, None)?;
        if n <= self.buf.len() {
            return Ok(&self.buf[..n]);
        }
        self.read_long(src, which, u, n)
    }

    #[inline(never)]
    fn read_long(
        &mut self,
        src: &mut impl DataSource,
        which: u32,
        u: u32,
        mut n: usize,
    ) -> Result<&[u32], i32> {
        loop {
            self.buf
                .try_reserve(n - self.buf.len())
                .map_err(|_| status::OUT_OF_MEMORY)?;
            self.buf.resize(n, 0);
            n = src.row(which, u, &mut self.buf, None)?;
            if n <= self.buf.len() {
                return Ok(&self.buf[..n]);
            }
        }
    }
}

pub struct PushResult {
    pub nodes: Nodes,
    pub pushes: u64,
    pub rows_read: u64,
    pub residual_mass: f64,
    pub status: i32,
}

/// Check the parameters and the graph (square, `node` in range, `which`
/// names it in a refusal); the number of nodes.
fn check(src: &mut impl DataSource, p: &Params, node: u32, which: u32) -> Result<i64, Fault> {
    if !(p.alpha > 0.0 && p.alpha < 1.0) {
        return Err(Fault::new(status::BAD_PARAMS, detail::ALPHA));
    }
    if !(p.epsilon > 0.0) || !p.epsilon.is_finite() {
        return Err(Fault::new(status::BAD_PARAMS, detail::EPSILON));
    }
    let n = src.info(info::ROWS);
    if n < 0 {
        return Err(Fault::new(status::MISSING_DATA, detail::NO_MATRIX));
    }
    if node as i64 >= n {
        return Err(Fault::new(status::BAD_PARAMS, which));
    }
    if src.info(info::COLS) != n {
        return Err(Fault::new(status::BAD_DATA, detail::NOT_SQUARE));
    }
    Ok(n)
}

fn budget(p: &Params) -> u64 {
    if p.work_budget == 0 {
        100_000_000
    } else {
        p.work_budget
    }
}

/// Everything a push run holds: the node records, the FIFO work queue
/// (record indices), the row buffer and counters.
struct Push {
    nodes: Nodes,
    queue: VecDeque<u32>,
    rows: RowBuf,
    idx: Vec<u32>,
    n: i64,
    pushes: u64,
    rows_read: u64,
    limit: u64,
}

impl Push {
    /// Seed the queue with `start` holding all the residual mass.
    fn start(src: &mut impl DataSource, p: &Params, n: i64, start: u32) -> Result<Self, Fault> {
        // Forward push touches fewer than 1 + 1/(αε) nodes: each push of u
        // moves more than αε·deg(u) into p, and Σp ≤ 1. A sizing hint only
        // (backward push has no such bound), never more than n.
        let bound = 1.0 + 1.0 / (p.alpha * p.epsilon);
        let expected = (bound.min(MAX_PRESIZE as f64) as usize).min(n as usize);
        let mut s = Push {
            nodes: Nodes::new(expected),
            queue: VecDeque::with_capacity(expected.clamp(16, 1024)),
            rows: RowBuf::default(),
            idx: Vec::new(),
            n,
            pushes: 0,
            rows_read: 0,
            limit: budget(p),
        };
        s.nodes.resolve(src, &[start], n, &mut s.idx)?;
        s.nodes.list[0].r = 1.0;
        s.enqueue(0);
        Ok(s)
    }
    #[inline]
    fn enqueue(&mut self, i: u32) {
        self.nodes.list[i as usize].queued = true;
        self.queue.push_back(i);
    }
    /// Read row `u` of `which` and resolve its entries into
    /// `self.idx[..m]`; returns m, the row's length.
    fn neighbours(
        &mut self,
        src: &mut impl DataSource,
        which: u32,
        u: u32,
    ) -> Result<usize, Fault> {
        let nbrs = self.rows.read(src, which, u)?;
        self.rows_read += 1;
        self.nodes.resolve(src, nbrs, self.n, &mut self.idx)?;
        Ok(nbrs.len())
    }
    fn finish(self, st: i32) -> PushResult {
        let residual_mass = self.nodes.list.iter().map(|x| x.r).sum();
        PushResult {
            nodes: self.nodes,
            pushes: self.pushes,
            rows_read: self.rows_read,
            residual_mass,
            status: st,
        }
    }
}

/// Forward push from `p.source`.
pub fn forward(src: &mut impl DataSource, p: &Params) -> Result<PushResult, Fault> {
    let n = check(src, p, p.source, detail::SOURCE)?;
    let mut s = Push::start(src, p, n, p.source)?;
    let (alpha, eps) = (p.alpha, p.epsilon);
    while let Some(u) = s.queue.pop_front() {
        let node = &mut s.nodes.list[u as usize];
        node.queued = false;
        let (ru, du) = (node.r, node.deg);
        if !(ru > eps * du.max(1) as f64) {
            continue;
        }
        if s.pushes >= s.limit {
            return Ok(s.finish(status::BUDGET));
        }
        s.pushes += 1;
        node.p += alpha * ru;
        if du == 0 {
            node.r = (1.0 - alpha) * ru;
            if node.r > eps {
                s.enqueue(u);
            }
            continue;
        }
        node.r = 0.0;
        let id = node.id;
        let m = s.neighbours(src, set::FORWARD, id)?;
        let share = (1.0 - alpha) * ru / du as f64;
        let (list, queue) = (&mut s.nodes.list, &mut s.queue);
        for &i in &s.idx[..m] {
            let v = &mut list[i as usize];
            v.r += share;
            if !v.queued && v.r > eps * v.deg.max(1) as f64 {
                v.queued = true;
                queue.push_back(i);
            }
        }
    }
    Ok(s.finish(status::OK))
}

/// Backward push to `p.target` over the stored transpose.
pub fn backward(src: &mut impl DataSource, p: &Params) -> Result<PushResult, Fault> {
    let n = check(src, p, p.target, detail::TARGET)?;
    if src.info(info::HAS_TRANSPOSE) != 1 {
        return Err(Fault::new(status::MISSING_DATA, detail::NO_TRANSPOSE));
    }
    let mut s = Push::start(src, p, n, p.target)?;
    let (alpha, eps) = (p.alpha, p.epsilon);
    while let Some(v) = s.queue.pop_front() {
        let node = &mut s.nodes.list[v as usize];
        node.queued = false;
        let rv = node.r;
        if !(rv > eps) {
            continue;
        }
        if s.pushes >= s.limit {
            return Ok(s.finish(status::BUDGET));
        }
        s.pushes += 1;
        node.p += alpha * rv;
        node.r = 0.0;
        if node.deg == 0 {
            // Self-loop semantics: v is its own (only) in-neighbour via the loop.
            node.r += (1.0 - alpha) * rv;
        }
        let id = node.id;
        let m = s.neighbours(src, set::TRANSPOSE, id)?;
        for &i in &s.idx[..m] {
            let u = &mut s.nodes.list[i as usize];
            if u.deg == 0 {
                // The transpose says u → v exists, the forward rows disagree.
                return Err(Fault::new(status::BAD_DATA, detail::TRANSPOSE_MISMATCH));
            }
            u.r += (1.0 - alpha) * rv / u.deg as f64;
        }
        let (list, queue) = (&mut s.nodes.list, &mut s.queue);
        for &i in s.idx[..m].iter().chain([&v]) {
            let u = &mut list[i as usize];
            if !u.queued && u.r > eps {
                u.queued = true;
                queue.push_back(i);
            }
        }
    }
    Ok(s.finish(status::OK))
}
