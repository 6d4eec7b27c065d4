#!/usr/bin/env python3
"""External baselines for docs/BENCHMARKS.md §2: scipy and pyamg on the
Poisson systems rvf-bench writes (run by rvf-bench inside a venv it makes;
pip install numpy scipy pyamg).

Usage: external.py DIR NAME...   reads DIR/NAME.mtx and DIR/NAME_rhs.txt
Prints one JSON object per system:
  n, nnz, versions, cg (ms, iterations, relative residual),
  spsolve (ms, relative residual; skipped above SPSOLVE_MAX_N unknowns),
  amg (setup ms, solve ms, iterations, relative residual).
CG and AMG-preconditioned CG stop at ||b - Ax|| < 1e-8 ||b|| from x0 = 0,
the rule rvf's CG uses. Times are the best of REPS runs.
"""
import json, sys, time

import numpy as np
import pyamg
import scipy
import scipy.io
import scipy.sparse.linalg as spla

TOL = 1e-8
REPS = 3
SPSOLVE_MAX_N = 200_000  # SuperLU on the 10^6 grid takes minutes and GBs


def best(f):
    out, t_best = None, float("inf")
    for _ in range(REPS):
        t = time.perf_counter()
        out = f()
        t_best = min(t_best, time.perf_counter() - t)
    return out, t_best * 1e3


def relres(A, x, b):
    return float(np.linalg.norm(b - A @ x) / np.linalg.norm(b))


def main():
    d = sys.argv[1]
    for name in sys.argv[2:]:
        A = scipy.io.mmread(f"{d}/{name}.mtx").tocsr()
        b = np.loadtxt(f"{d}/{name}_rhs.txt")
        row = {"name": name, "n": A.shape[0], "nnz": int(A.nnz),
               "versions": {"scipy": scipy.__version__, "pyamg": pyamg.__version__,
                            "numpy": np.__version__}}

        def cg():
            its = [0]
            def count(_):
                its[0] += 1
            x, info = spla.cg(A, b, rtol=TOL, atol=0.0, maxiter=100_000, callback=count)
            assert info == 0, info
            return x, its[0]
        (x, its), ms = best(cg)
        row["cg"] = {"ms": ms, "iterations": its, "relres": relres(A, x, b)}

        if A.shape[0] <= SPSOLVE_MAX_N:
            A_csc = A.tocsc()
            x, ms = best(lambda: spla.spsolve(A_csc, b))
            row["spsolve"] = {"ms": ms, "relres": relres(A, x, b)}
        else:
            row["spsolve"] = None

        ml, setup_ms = best(lambda: pyamg.smoothed_aggregation_solver(A))
        def amg():
            res = []
            x = ml.solve(b, tol=TOL, accel="cg", residuals=res)
            return x, len(res) - 1
        (x, its), ms = best(amg)
        row["amg"] = {"setup_ms": setup_ms, "solve_ms": ms, "iterations": its,
                      "relres": relres(A, x, b)}
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
