"""Run under mpirun: coupled vs full-atomistic graphene with a vacancy cluster; JSON on rank 0.

usage: vacancy_check.py CORE_HALF_WIDTH [CORE_HALF_WIDTH ...] [--body L] [--strain E]

Body: a square graphene sheet of side ~L Å under biaxial strain E (default 2e-2): outer
layer of atoms (2 r_cut) / FE boundary nodes held at the homogeneous state. A cluster of
vacancies (an atom and its three neighbours) sits at the centre.
Reference: the full-atomistic LAMMPS relaxation of the same body (no FE).
Coupled: FE (tri3, ~2.5 Å) + one MD region whose core is a square of the given
half-width; e% = 100 ‖u − u_ref‖ / ‖u_ref − u_affine‖ over atoms within half the core
half-width of the cluster, for each core size.
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


def option(name, default):
    return float(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main():
    from mpi4py import MPI
    from mdfe.coupling import build
    from mdfe.coupling.geometry import OUTSIDE, Outline, RegionGeometry
    from mdfe.coupling.quasistatic import QuasiStaticCoupling
    from mdfe.potentials.lammps_potential import LammpsPotential
    from mdfe.potentials.properties.unit_cells import hexagonal_primitive
    from mdfe.solvers.fe.mesh import box_mesh
    from mdfe.solvers.md.region import MDRegion
    from mdfe.solvers.md.structures import relaxed_lattice_constant, sheet

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    skip = {sys.argv[i + 1] for i, a in enumerate(sys.argv) if a.startswith("--")}
    widths = [float(a) for a in args if a not in skip]
    L_body, strain = option("--body", 60.0), option("--strain", 2e-2)
    comm = MPI.COMM_WORLD
    t0 = time.time()
    pot = LammpsPotential.tersoff()
    a = relaxed_lattice_constant(pot, "graphene")
    nx, ny = int(round(L_body / a)), int(round(L_body / (a * np.sqrt(3))))
    crystal = sheet("graphene", pot, nx, ny, "zigzag", a=a)
    crystal.positions[:, :2] += [0.37, 0.41]
    L = np.array([nx * a, ny * a * np.sqrt(3)]) + 0.8
    centre = L / 2
    X = crystal.positions
    # vacancy cluster: the atom nearest the centre and its three neighbours
    i0 = int(np.argmin(np.linalg.norm(X[:, :2] - centre, axis=1)))
    near = np.linalg.norm(X[:, :2] - X[i0, :2], axis=1) < 1.1 * a / np.sqrt(3)
    crystal = crystal[~near]
    X = crystal.positions
    law = build.continuum_law(pot, hexagonal_primitive("graphene", a))
    H = np.eye(2) * strain
    x_aff = reference.homogeneous_positions(X, crystal.get_array("sublattice"), H, law)

    # ---- full-atomistic reference: boundary layer (2 r_cut) fixed at the homogeneous state
    d_edge = np.minimum(X[:, :2], L - X[:, :2]).min(axis=1)
    roles = np.where(d_edge < 2 * pot.cutoff + 0.4, "pad", "core")
    ref = MDRegion(crystal, pot, roles, comm=comm)
    ids = np.arange(1, len(X) + 1)
    ref.set_positions(ids, x_aff)
    ref.relax(ftol=1e-9, style="cg")
    x_ref = ref.positions(ids)
    ref.close()

    mesh = box_mesh(L, np.round(L / 2.5).astype(int), "tri3")
    boundary = np.unique(np.concatenate(list(mesh.node_sets.values())))
    fe_comm, md_comms = cases.split(comm, "shared", 1)
    fe = build.fe_problem(mesh, law, fe_comm, options={"ksp_rtol": 1e-12})
    results = []
    for w in widths:
        geom = RegionGeometry(Outline.box(centre - w, centre + w), band_width=5.0,
                              pad_width=4.5, blend_width=1.5, name="vacancy")
        role = geom.roles(X[:, :2])
        keep = np.flatnonzero(role != OUTSIDE)
        region = build.coupled_region(geom, md_comms[0], crystal[keep], role[keep], pot, mesh,
                                      law)
        qs = QuasiStaticCoupling(comm, fe, [region], tol=1e-6, max_exchanges=100)
        qs.set_dirichlet(boundary, mesh.nodes[boundary] @ H.T)
        qs.set_displacements(mesh.nodes[qs.owned] @ H.T)
        t1 = time.time()
        rep = qs.solve()
        x = region.md.positions(region.ids)
        sel = np.linalg.norm(X[keep, :2] - centre, axis=1) < 0.5 * w
        u, u_ref, u_aff = (x - X[keep])[sel], (x_ref - X)[keep][sel], (x_aff - X)[keep][sel]
        e = 100 * np.linalg.norm(u - u_ref) / np.linalg.norm(u_ref - u_aff)
        results.append({"core_half_width": w, "atoms": len(keep), "e_percent": e,
                        "exchanges": rep.exchanges, "converged": rep.converged,
                        "residual": rep.residuals[-1], "md_iterations": rep.md_iterations,
                        "seconds": time.time() - t1,
                        "defect_field": float(np.linalg.norm(u_ref - u_aff))})
        region.md.close()
    if comm.rank == 0:
        print(json.dumps({"atoms_full": len(X), "strain": strain, "results": results,
                          "seconds": time.time() - t0}), flush=True)


with abort_on_error():
    main()
