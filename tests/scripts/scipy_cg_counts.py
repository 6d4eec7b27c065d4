#!/usr/bin/env python3
"""Independent truth for tests/tests/solvers.rs: scipy's CG iteration counts
on the 2-D Poisson systems the tests build (pip install numpy scipy).

System: 5-point Poisson on an m x m grid (Dirichlet), diagonal 4 + shift,
b = A x* with x*_i from the LCG below (seed 42, uniform in [-1, 1)),
or ("rhs") b itself from that LCG; x0 = 0, rtol = 1e-8, atol = 0.
Prints "m shift kind iterations".
"""
import numpy as np, scipy, scipy.sparse as sp, scipy.sparse.linalg as spla

def lcg(seed, n):
    s, out = seed, []
    for _ in range(n):
        s = (s * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        out.append(((s >> 11) / float(1 << 53)) * 2.0 - 1.0)
    return np.array(out)

for m, shift, kind in [(100, 0.0, "x*"), (100, 1.0, "x*"), (30, 0.0, "x*"), (100, 0.0, "rhs")]:
    T = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(m, m))
    I = sp.identity(m)
    A = (sp.kron(I, T) + sp.kron(T, I) + shift * sp.identity(m * m)).tocsr()
    x = lcg(42, m * m)
    b = A @ x if kind == "x*" else x
    its = [0]
    def cb(_): its[0] += 1
    sol, info = spla.cg(A, b, rtol=1e-8, atol=0.0, maxiter=100000, callback=cb)
    print(m, shift, kind, its[0], "scipy", scipy.__version__)
