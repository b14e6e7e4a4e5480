"""FE assembly + solve time against problem size, on 1 and 2 MPI ranks.

Problem: a 2D membrane plate (quad4 box, anisotropic 3×3 law), clamped at x = 0, edge
traction at x = L; KSP CG + GAMG with the rigid-body near-null space, rtol 1e-8.
Baseline measured in the same run: scipy's direct sparse solver (SuperLU, serial) on
the same assembled matrix, up to ``--direct-max`` dofs; its solution also checks the
PETSc one. Reported: mesh+partition, assembly (COO preallocation + values), solve
(preconditioner set-up + CG) wall times (max over ranks), CG iterations, the fitted
exponent p of time ∝ dofs^p per rank count, and the ratios to the baselines.

Usage:  python benchmarks/fe_scaling.py [--sizes 1e4 3e4 1e5 3e5 1e6] [--ranks 1 2]
        [--out benchmarks/results/fe_scaling.json]
Each (ranks, size) point runs as ``mpirun -n ranks python fe_scaling.py --worker N``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import emit, run_worker, write_result  # noqa: E402
C_MEM = np.array([[21.8, 3.8, 0.0], [3.8, 21.8, 0.0], [0.0, 0.0, 9.0]])   # eV/Å², graphene-like


def worker(target_dofs: int, direct_max: int) -> None:
    import mdfe  # noqa: F401  (MPI library first)
    from mpi4py import MPI

    from mdfe.solvers import fe
    from mdfe.solvers.fe.problem import ElasticityProblem

    comm = MPI.COMM_WORLD
    n = max(2, int(round(np.sqrt(target_dofs / 2.0))) - 1)

    def timed(fn):
        comm.Barrier()
        t = MPI.Wtime()
        out = fn()
        comm.Barrier()
        return out, comm.allreduce(MPI.Wtime() - t, op=MPI.MAX)

    mesh = fe.box_mesh([100.0 * n / 64, 100.0 * n / 64], [n, n], "quad4")
    opts = {"ksp_rtol": 1e-8}
    prob, t_setup = timed(lambda: ElasticityProblem(mesh, {0: fe.membrane(C_MEM)}, options=opts))
    _, t_asm = timed(prob.assemble)                  # re-assembly: values only
    prob.set_dirichlet("xmin", 0.0)
    prob.add_traction("xmax", [0.01, 0.005])
    _, t_solve = timed(prob.solve)
    prob.set_nodal_forces(mesh.node_sets["xmax"], np.full((len(mesh.node_sets["xmax"]), 2), 1e-3))
    _, t_resolve = timed(prob.solve)
    row = {"ranks": comm.Get_size(), "dofs": prob.n_dofs, "setup_s": t_setup,
           "assembly_s": t_asm, "solve_s": t_solve, "resolve_s": t_resolve,
           "iterations": prob.iterations}
    if comm.Get_size() == 1 and prob.n_dofs <= direct_max:
        row.update(_direct_baseline(prob))
    if comm.Get_rank() == 0:
        emit(row)


def _direct_baseline(prob) -> dict:
    """Serial SuperLU solve of the same system (1 rank: PETSc order = local order)."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import spsolve
    ia, ja, a = prob.K.getValuesCSR()
    K = sp.csr_matrix((a, ja, ia))
    free = ~prob.constrained_mask()
    b = (prob.external_force().getArray())[free]
    t = time.perf_counter()
    x = spsolve(K[free][:, free].tocsc(), b)
    t_direct = time.perf_counter() - t
    u = prob.u.getArray()[free]
    return {"direct_s": t_direct, "direct_rel_diff": float(np.abs(u - x).max() / np.abs(x).max())}


def fit_exponent(dofs, times) -> float:
    """Least-squares slope of log(time) against log(dofs)."""
    return float(np.polyfit(np.log(dofs), np.log(times), 1)[0]) if len(dofs) > 1 else float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1e4, 3e4, 1e5, 3e5, 1e6])
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--direct-max", type=float, default=3.5e5)
    ap.add_argument("--out", default=str(HERE / "results" / "fe_scaling.json"))
    ap.add_argument("--worker", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(int(args.worker), int(args.direct_max))
        return 0
    rows = []
    for p in args.ranks:
        for s in args.sizes:
            rows += run_worker(Path(__file__), ["--worker", s, "--direct-max", args.direct_max],
                               ranks=p)
            r = rows[-1]
            base = next((q for q in rows if q["ranks"] == 1 and q["dofs"] == r["dofs"]), r)
            print(f"ranks {r['ranks']}  dofs {r['dofs']:>8d}  setup {r['setup_s']:7.3f} s  "
                  f"assembly {r['assembly_s']:7.3f} s  solve {r['solve_s']:7.3f} s "
                  f"({r['iterations']:3d} it)  re-solve {r['resolve_s']:7.3f} s  "
                  f"speed-up vs 1 rank {base['solve_s'] / r['solve_s']:5.2f}"
                  + (f"  scipy direct {r['direct_s']:7.3f} s (x{r['direct_s'] / r['solve_s']:.1f}, "
                     f"diff {r['direct_rel_diff']:.1e})" if "direct_s" in r else ""), flush=True)
    fits = {}
    for p in args.ranks:
        sel = [r for r in rows if r["ranks"] == p]
        d = [r["dofs"] for r in sel]
        fits[str(p)] = {k: fit_exponent(d, [r[k + "_s"] for r in sel])
                        for k in ("setup", "assembly", "solve")}
        print(f"ranks {p}: time ~ dofs^p with p = " +
              ", ".join(f"{k} {v:.2f}" for k, v in fits[str(p)].items()))
    out = Path(args.out)
    write_result(out.stem, {"rows": rows, "exponents": fits}, out.parent)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
