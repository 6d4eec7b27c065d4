#!/usr/bin/env python3
"""Regenerate the small sample inputs in this folder (committed, so nothing
here runs in CI). Needs: pip install networkx numpy.

- karate.mtx      Zachary's karate club (networkx's copy of Newman/karate):
                  34 nodes, 78 undirected edges, pattern, symmetric.
- lesmis.mtx      Les Misérables co-appearance (Newman/lesmis): 77 nodes,
                  254 weighted undirected edges, real, symmetric.
- lesmis.labels   the 77 character names, one per line, in node order.
- poisson16.mtx   2-D Poisson 5-point stencil on a 16x16 grid (n = 256),
                  diagonal 4 + 1 (shift 1: strictly diagonally dominant).
- poisson16_rhs.txt  b = A x* with x*_i = sin(i) (one number per line).
- points.fvecs    200 vectors of dim 16 from a fixed LCG (seed 42).
"""
import math, struct, os
import networkx as nx

here = os.path.dirname(os.path.abspath(__file__))

def write_graph(g, name, weighted, comment):
    nodes = sorted(g.nodes(), key=lambda v: list(g.nodes()).index(v))
    idx = {v: i + 1 for i, v in enumerate(nodes)}
    edges = []
    for u, v, d in g.edges(data=True):
        a, b = idx[u], idx[v]
        if a < b:
            a, b = b, a
        edges.append((a, b, d.get("weight", 1)))
    edges.sort()
    with open(os.path.join(here, name), "w") as f:
        f.write("%%%%MatrixMarket matrix coordinate %s symmetric\n" % ("integer" if weighted else "pattern"))
        f.write("%% %s\n" % comment)
        f.write("%d %d %d\n" % (len(nodes), len(nodes), len(edges)))
        for a, b, w in edges:
            f.write("%d %d %d\n" % (a, b, w) if weighted else "%d %d\n" % (a, b))

write_graph(nx.karate_club_graph(), "karate.mtx", False,
            "Zachary karate club, from networkx.karate_club_graph() (networkx %s)" % nx.__version__)
write_graph(nx.les_miserables_graph(), "lesmis.mtx", True,
            "Les Miserables co-appearances, from networkx.les_miserables_graph() (networkx %s)" % nx.__version__)

# One label per node, in the node order write_graph numbers them.
with open(os.path.join(here, "lesmis.labels"), "w") as f:
    for v in nx.les_miserables_graph().nodes():
        f.write("%s\n" % v)

m = 16
n = m * m
entries = []
def k(i, j): return i * m + j
for i in range(m):
    for j in range(m):
        r = k(i, j)
        entries.append((r, r, 5.0))
        if i > 0: entries.append((r, k(i - 1, j), -1.0))
        if j > 0: entries.append((r, k(i, j - 1), -1.0))
with open(os.path.join(here, "poisson16.mtx"), "w") as f:
    f.write("%%MatrixMarket matrix coordinate real symmetric\n")
    f.write("% 2-D Poisson 5-point, 16x16 grid, diagonal 4 + shift 1\n")
    f.write("%d %d %d\n" % (n, n, len(entries)))
    for r, c, v in entries:
        f.write("%d %d %.1f\n" % (r + 1, c + 1, v))
xs = [math.sin(i) for i in range(n)]
def row_dot(r):
    i, j = divmod(r, m)
    s = 5.0 * xs[r]
    for (a, b) in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)):
        if 0 <= a < m and 0 <= b < m:
            s -= xs[k(a, b)]
    return s
with open(os.path.join(here, "poisson16_rhs.txt"), "w") as f:
    for r in range(n):
        f.write(repr(row_dot(r)) + "\n")

state = 42
def lcg():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
    return ((state >> 11) / float(1 << 53)) * 2.0 - 1.0
with open(os.path.join(here, "points.fvecs"), "wb") as f:
    for _ in range(200):
        f.write(struct.pack("<i", 16))
        f.write(struct.pack("<16f", *[lcg() for _ in range(16)]))
