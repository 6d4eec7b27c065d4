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

use crate::abi::{info, set, status, Params};
use crate::nodemap::NodeMap;
use crate::source::DataSource;
use alloc::collections::VecDeque;
use alloc::vec::Vec;

/// Per-node state of the nodes a push has touched.
#[derive(Default)]
pub struct Nodes {
    index: NodeMap,
    pub id: Vec<u32>,
    pub p: Vec<f64>,
    pub r: Vec<f64>,
    pub deg: Vec<u32>,
    pub queued: Vec<bool>,
}

impl Nodes {
    pub fn get(&self, node: u32) -> Option<usize> {
        self.index.get(node).map(|i| i as usize)
    }
    fn insert(&mut self, node: u32, deg: u32) -> usize {
        let i = self.id.len();
        self.index.insert(node, i as u32);
        self.id.push(node);
        self.p.push(0.0);
        self.r.push(0.0);
        self.deg.push(deg);
        self.queued.push(false);
        i
    }
    /// The state index of every node of `nodes` (into `idx`), creating
    /// state for unknown nodes; their out-degrees come in one host call.
    /// One map lookup per known node.
    fn resolve(
        &mut self,
        src: &mut impl DataSource,
        nodes: &[u32],
        idx: &mut Vec<usize>,
        scratch: &mut Vec<u32>,
        degs: &mut Vec<u32>,
    ) -> Result<(), i32> {
        const PENDING: usize = usize::MAX;
        idx.clear();
        scratch.clear();
        for &v in nodes {
            match self.get(v) {
                Some(i) => idx.push(i),
                None => {
                    if !scratch.contains(&v) {
                        scratch.push(v);
                    }
                    idx.push(PENDING);
                }
            }
        }
        if scratch.is_empty() {
            return Ok(());
        }
        degs.clear();
        degs.resize(scratch.len(), 0);
        src.degrees(set::FORWARD, scratch, degs)?;
        for (&v, &d) in scratch.iter().zip(degs.iter()) {
            self.insert(v, d);
        }
        for (i, &v) in idx.iter_mut().zip(nodes) {
            if *i == PENDING {
                *i = self.get(v).ok_or(status::BAD_DATA)?;
            }
        }
        Ok(())
    }
    /// (node, p) for p > 0, sorted by node.
    pub fn scores(&self) -> Vec<(u32, f64)> {
        let mut out: Vec<(u32, f64)> = self
            .id
            .iter()
            .zip(&self.p)
            .filter(|(_, &p)| p > 0.0)
            .map(|(&i, &p)| (i, p))
            .collect();
        out.sort_unstable_by_key(|e| e.0);
        out
    }
}

/// A reusable row buffer: it grows to the longest row seen and is never
/// re-zeroed, so reading a row is one host call and no bookkeeping.
#[derive(Default)]
pub struct RowBuf {
    buf: Vec<u32>,
}

impl RowBuf {
    /// Row `u` of an adjacency set.
    pub fn read(&mut self, src: &mut impl DataSource, which: u32, u: u32) -> Result<&[u32], i32> {
        if self.buf.len() < 16 {
            self.buf.resize(16, 0);
        }
        loop {
            let n = src.row(which, u, &mut self.buf, None)?;
            if n <= self.buf.len() {
                return Ok(&self.buf[..n]);
            }
            self.buf
                .try_reserve(n - self.buf.len())
                .map_err(|_| status::OUT_OF_MEMORY)?;
            self.buf.resize(n, 0);
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

fn check(p: &Params, node: u32, n: i64) -> Result<(), i32> {
    if !(p.alpha > 0.0 && p.alpha < 1.0) || !(p.epsilon > 0.0) || !p.epsilon.is_finite() {
        return Err(status::BAD_PARAMS);
    }
    if n < 0 {
        return Err(status::MISSING_DATA);
    }
    if node as i64 >= n {
        return Err(status::BAD_PARAMS);
    }
    Ok(())
}

fn budget(p: &Params) -> u64 {
    if p.work_budget == 0 {
        100_000_000
    } else {
        p.work_budget
    }
}

/// Forward push from `p.source`.
pub fn forward(src: &mut impl DataSource, p: &Params) -> Result<PushResult, i32> {
    let n = src.info(info::ROWS);
    check(p, p.source, n)?;
    if src.info(info::COLS) != n {
        return Err(status::BAD_DATA);
    }
    let (alpha, eps) = (p.alpha, p.epsilon);
    let mut nodes = Nodes::default();
    let (mut scratch, mut degs, mut rows_buf, mut idx) =
        (Vec::new(), Vec::new(), RowBuf::default(), Vec::new());
    nodes.resolve(src, &[p.source], &mut idx, &mut scratch, &mut degs)?;
    nodes.r[0] = 1.0;
    let mut queue = VecDeque::new();
    queue.push_back(0usize);
    nodes.queued[0] = true;
    let (mut pushes, mut rows) = (0u64, 0u64);
    let limit = budget(p);
    let mut st = status::OK;
    while let Some(u) = queue.pop_front() {
        nodes.queued[u] = false;
        let ru = nodes.r[u];
        let du = nodes.deg[u];
        if !(ru > eps * du.max(1) as f64) {
            continue;
        }
        if pushes >= limit {
            st = status::BUDGET;
            break;
        }
        pushes += 1;
        nodes.p[u] += alpha * ru;
        if du == 0 {
            nodes.r[u] = (1.0 - alpha) * ru;
            if nodes.r[u] > eps {
                nodes.queued[u] = true;
                queue.push_back(u);
            }
            continue;
        }
        nodes.r[u] = 0.0;
        let node_u = nodes.id[u];
        let nbrs = rows_buf.read(src, set::FORWARD, node_u)?;
        rows += 1;
        if nbrs.iter().any(|&v| v as i64 >= n) {
            return Err(status::BAD_DATA);
        }
        nodes.resolve(src, nbrs, &mut idx, &mut scratch, &mut degs)?;
        let share = (1.0 - alpha) * ru / du as f64;
        for &i in idx.iter() {
            nodes.r[i] += share;
            if !nodes.queued[i] && nodes.r[i] > eps * nodes.deg[i].max(1) as f64 {
                nodes.queued[i] = true;
                queue.push_back(i);
            }
        }
    }
    let residual_mass = nodes.r.iter().sum();
    Ok(PushResult {
        nodes,
        pushes,
        rows_read: rows,
        residual_mass,
        status: st,
    })
}

/// Backward push to `p.target` over the stored transpose.
pub fn backward(src: &mut impl DataSource, p: &Params) -> Result<PushResult, i32> {
    let n = src.info(info::ROWS);
    check(p, p.target, n)?;
    if src.info(info::COLS) != n {
        return Err(status::BAD_DATA);
    }
    if src.info(info::HAS_TRANSPOSE) != 1 {
        return Err(status::MISSING_DATA);
    }
    let (alpha, eps) = (p.alpha, p.epsilon);
    let mut nodes = Nodes::default();
    let (mut scratch, mut degs, mut rows_buf, mut idx) =
        (Vec::new(), Vec::new(), RowBuf::default(), Vec::new());
    nodes.resolve(src, &[p.target], &mut idx, &mut scratch, &mut degs)?;
    nodes.r[0] = 1.0;
    let mut queue = VecDeque::new();
    queue.push_back(0usize);
    nodes.queued[0] = true;
    let (mut pushes, mut rows) = (0u64, 0u64);
    let limit = budget(p);
    let mut st = status::OK;
    while let Some(v) = queue.pop_front() {
        nodes.queued[v] = false;
        let rv = nodes.r[v];
        if !(rv > eps) {
            continue;
        }
        if pushes >= limit {
            st = status::BUDGET;
            break;
        }
        pushes += 1;
        nodes.p[v] += alpha * rv;
        nodes.r[v] = 0.0;
        if nodes.deg[v] == 0 {
            // Self-loop semantics: v is its own (only) in-neighbour via the loop.
            nodes.r[v] += (1.0 - alpha) * rv;
        }
        let node_v = nodes.id[v];
        let nbrs = rows_buf.read(src, set::TRANSPOSE, node_v)?;
        rows += 1;
        if nbrs.iter().any(|&u| u as i64 >= n) {
            return Err(status::BAD_DATA);
        }
        nodes.resolve(src, nbrs, &mut idx, &mut scratch, &mut degs)?;
        for &i in idx.iter() {
            let du = nodes.deg[i];
            if du == 0 {
                // The transpose says u → v exists, the forward rows disagree.
                return Err(status::BAD_DATA);
            }
            nodes.r[i] += (1.0 - alpha) * rv / du as f64;
        }
        for &i in idx.iter().chain(core::iter::once(&v)) {
            if !nodes.queued[i] && nodes.r[i] > eps {
                nodes.queued[i] = true;
                queue.push_back(i);
            }
        }
    }
    let residual_mass = nodes.r.iter().sum();
    Ok(PushResult {
        nodes,
        pushes,
        rows_read: rows,
        residual_mass,
        status: st,
    })
}
