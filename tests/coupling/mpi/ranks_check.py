"""Run under mpirun: a graphene body with a vacancy in its MD core, coupled solve to
1e-10 eV/Å; writes JSON (coupled displacements of the region's atoms by ID, FE nodal
displacements by node id, report) to OUT from world rank 0.

usage: ranks_check.py LAYOUT OUT      LAYOUT shared | disjoint (FE on rank 0, MD on the rest)

The state is not homogeneous (the vacancy relaxes and the FE field around it follows),
so agreement across rank counts and layouts tests the distributed exchange, not a known
answer.
"""
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cases  # noqa: E402

import mdfe  # noqa: E402,F401
from mdfe.runtime import abort_on_error  # noqa: E402


def main():
    from mpi4py import MPI
    from mdfe.coupling import build
    from mdfe.coupling.quasistatic import QuasiStaticCoupling
    layout, out = sys.argv[1], sys.argv[2]
    comm = MPI.COMM_WORLD
    case = cases.graphene_case(1)
    atoms, roles = case.atoms[0], case.roles[0]
    geom = case.geometries[0]
    centre = (np.asarray(geom.core.lo) + np.asarray(geom.core.hi)) / 2
    gone = int(np.argmin(np.linalg.norm(atoms.positions[:, :2] - centre, axis=1)))
    keep = np.arange(len(atoms)) != gone
    atoms, roles = atoms[keep], roles[keep]
    fe_comm, md_comms = cases.split(comm, layout, 1)
    law = build.continuum_law(case.potential, case.unit_cell, comm=comm)
    fe = build.fe_problem(case.mesh, law, fe_comm,
                          options={"ksp_rtol": 1e-13, "ksp_atol": 1e-16}) if fe_comm else None
    region = build.coupled_region(geom, md_comms[0], atoms, roles, case.potential, case.mesh,
                                  law)
    qs = QuasiStaticCoupling(comm, fe, [region], tol=1e-10, max_exchanges=100)
    nodes = case.mesh.nodes
    boundary = np.unique(np.concatenate(list(case.mesh.node_sets.values())))
    H = np.array([[1e-2, 2e-3], [2e-3, 5e-3]])
    qs.set_dirichlet(boundary, nodes[boundary] @ H.T)
    qs.set_displacements(nodes[qs.owned] @ H.T)
    rep = qs.solve()
    x = region.md.positions(region.ids) if region.md is not None else None
    U = comm.gather((qs.owned, qs.U), root=0)
    root_md = comm.allreduce(comm.rank if region.md is not None and region.md.comm.rank == 0
                             else comm.size, op=MPI.MIN)
    if comm.rank == root_md and root_md != 0:
        comm.send(x, dest=0, tag=12)
    if comm.rank == 0:
        if root_md != 0:
            x = comm.recv(source=root_md, tag=12)
        U_all = np.zeros_like(nodes)
        for ids, vals in U:
            U_all[ids] = vals
        Path(out).write_text(json.dumps({
            "ranks": comm.size, "layout": layout, "converged": bool(rep.converged),
            "exchanges": rep.exchanges, "residual": rep.residuals[-1],
            "ids": region.ids.tolist(), "u": (x - region.X).tolist(), "U": U_all.tolist()}))


with abort_on_error():
    main()
