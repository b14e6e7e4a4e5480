"""Run under mpirun: coupled patch tests (a), (b), (c); prints one JSON line on rank 0.

usage: patch_check.py CASE N_REGIONS LAYOUT [--fe-scale S] [--parts abc]
  CASE graphene (Tersoff, multilattice, inner shift) or fcc (EAM Cu, Bravais);
  LAYOUT shared (FE and MD groups on all ranks) or disjoint (FE on rank 0, MD regions on
  the other ranks, round robin).
  --fe-scale S multiplies the FE constants by S (negative control for (c)).
  --parts: which of (a), (b), (c) to run (default all).

(a) exact homogeneous state F = 1 + H (atoms at F X + ξ_s(F), FE nodes at H X, Dirichlet
    on the whole outer boundary): coupled residual before any iteration.
(b) perturbed start (nodes and core atoms), solved to 1e-10 eV/Å: max |u − u_exact| Å,
    u_exact from the Cauchy–Born unit cell directly (not through N).
(c) traction on xmin/xmax (uniaxial stress at strain 1e-3), three pinned dofs:
    max |u − u_exact| / max |u_exact| over FE nodes and atoms, u_exact from a direct
    LAMMPS computation of the periodic crystal's response (tests/coupling/reference.py).
"""
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cases  # noqa: E402
import reference  # noqa: E402

import mdfe  # noqa: E402,F401
from mdfe.runtime import abort_on_error  # noqa: E402


def main():
    from mpi4py import MPI
    from mdfe.coupling import build
    from mdfe.coupling.quasistatic import QuasiStaticCoupling
    case_name, n_regions, layout = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    scale = float(sys.argv[sys.argv.index("--fe-scale") + 1]) if "--fe-scale" in sys.argv else 1.0
    parts = sys.argv[sys.argv.index("--parts") + 1] if "--parts" in sys.argv else "abc"
    comm = MPI.COMM_WORLD
    t0 = time.time()
    case = cases.graphene_case(n_regions) if case_name == "graphene" else cases.fcc_case(n_regions)
    fe_comm, md_comms = cases.split(comm, layout, n_regions)
    law = build.continuum_law(case.potential, case.unit_cell, comm=comm)
    fe = build.fe_problem(case.mesh, law, fe_comm, scale=scale,
                          options={"ksp_rtol": 1e-13, "ksp_atol": 1e-16}) if fe_comm else None
    regions = [build.coupled_region(g, md_comms[i], case.atoms[i], case.roles[i], case.potential,
                                    case.mesh, law)
               for i, g in enumerate(case.geometries)]
    qs = QuasiStaticCoupling(comm, fe, regions, tol=1e-10, max_exchanges=60)
    dim = case.mesh.dim
    out = {"case": case_name, "regions": n_regions, "layout": layout, "ranks": comm.size}
    nodes = case.mesh.nodes
    owned = qs.owned
    boundary = np.unique(np.concatenate([v for k, v in case.mesh.node_sets.items()]))

    # ---- (a) exact homogeneous state
    H = np.array([[1e-3, 4e-4, 0], [-2e-4, -5e-4, 3e-4], [1e-4, 2e-4, 6e-4]])[:dim, :dim]
    if "a" in parts or "b" in parts:
        qs.set_dirichlet(boundary, nodes[boundary] @ H.T)
        qs.set_displacements(nodes[owned] @ H.T)
        out["a"] = qs.residual(core_from_fe=True)
    if "b" in parts:
        part_b(qs, regions, nodes, owned, boundary, H, law, out, comm)
    if "c" in parts:
        part_c(qs, fe, regions, case, law, out, comm)
    out["seconds"] = time.time() - t0
    if comm.rank == 0:
        print(json.dumps(out), flush=True)


def part_b(qs, regions, nodes, owned, boundary, H, law, out, comm):
    """(b) perturbed start, solve, compare with the exact state."""
    from mpi4py import MPI
    rng = np.random.default_rng(7)
    pert = rng.uniform(-0.02, 0.02, nodes.shape)
    pert[boundary] = 0.0
    qs.set_displacements(nodes[owned] @ H.T + pert[owned])
    rep = qs.solve()
    err_fe = np.abs(qs.U - nodes[owned] @ H.T).max(initial=0.0)
    err_md = 0.0
    for r in regions:
        if r.md is not None:
            exact = reference.homogeneous_positions(r.X, r.hs.sublattice, H, law) - r.X
            got = r.md.positions(r.ids) - r.X
            err_md = max(err_md, np.abs(got - exact).max())
    out["b"] = {"converged": rep.converged, "exchanges": rep.exchanges,
                "residual": rep.residuals[-1], "first_residual": rep.residuals[0],
                "md_iterations": rep.md_iterations,
                "err": comm.allreduce(max(err_fe, err_md), op=MPI.MAX)}



def part_c(qs, fe, regions, case, law, out, comm):
    """(c) traction control at strain 1e-3."""
    from mpi4py import MPI
    nodes, owned, dim = case.mesh.nodes, qs.owned, case.mesh.dim
    eps_xx = 1e-3
    strain, stress = reference.uniaxial_response(case.potential, case.material, case.a, eps_xx)
    qs.clear_dirichlet()
    if fe is not None:
        fe.clear_loads()
        t = np.zeros(dim)
        t[0] = stress
        fe.add_traction("xmax", t)
        fe.add_traction("xmin", -t)
    pin = reference.pins(case.mesh)
    for node, comps in pin:
        qs.set_dirichlet([node], 0.0, components=comps)
    X0 = nodes[pin[0][0]]
    qs.set_displacements(np.zeros((len(owned), dim)))
    rep = qs.solve()
    u_exact = (nodes[owned] - X0) @ strain.T
    den = np.abs(u_exact).max(initial=0.0)
    num_fe = np.abs(qs.U - u_exact).max(initial=0.0)
    num_md = 0.0
    for r in regions:
        if r.md is not None:
            got = (r.md.positions(r.ids) - r.X)[:, :dim]
            ex = (reference.homogeneous_positions(r.X, r.hs.sublattice, strain, law)
                  - r.X)[:, :dim] - X0 @ strain.T                 # ε (X − X0) + Δξ_s
            num_md, den = max(num_md, np.abs(got - ex).max()), max(den, np.abs(ex).max())
    den = comm.allreduce(den, op=MPI.MAX)
    out["c"] = {"converged": rep.converged, "exchanges": rep.exchanges,
                "residual": rep.residuals[-1], "strain": np.diag(strain).tolist(),
                "rel_err_fe": comm.allreduce(num_fe, op=MPI.MAX) / den,
                "rel_err_md": comm.allreduce(num_md, op=MPI.MAX) / den}
    out["c"]["rel_err"] = max(out["c"]["rel_err_fe"], out["c"]["rel_err_md"])


with abort_on_error():
    main()
