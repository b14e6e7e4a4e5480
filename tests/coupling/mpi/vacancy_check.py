"""Run under mpirun: coupled vs full-atomistic graphene with a vacancy cluster; JSON on rank 0.

usage: vacancy_check.py CORE_HALF_WIDTH [CORE_HALF_WIDTH ...] [--body L] [--strain E]
                        [--tol T] [--layout shared|disjoint] [--dump] [--verbose]

Body: a square graphene sheet of side ~L Å under biaxial strain E (default 2e-2): outer
layer of atoms (2 r_cut) / FE boundary nodes held at the homogeneous state. A cluster of
vacancies (an atom and its three neighbours) sits at the centre.
Reference: the full-atomistic LAMMPS relaxation of the same body (no FE).
Coupled: FE (tri3, ~2.5 Å) + one MD region whose core is a square of the given
half-width; e% = 100 ‖u − u_ref‖ / ‖u_ref − u_affine‖ over atoms within half the core
half-width of the cluster, for each core size. --dump adds the coupled displacements of all
region atoms (by ID) to the output, for comparisons across rank counts and layouts.
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


def log(comm, msg, t0):
    if comm.rank == 0 and "--verbose" in sys.argv:
        print(f"[{time.time() - t0:7.1f} s] {msg}", file=sys.stderr, flush=True)


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
    skip = {sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1])
            if a.startswith("--") and a not in ("--verbose", "--dump", "--no-predict")}
    widths = [float(a) for a in args if a not in skip]
    L_body, strain = option("--body", 60.0), option("--strain", 2e-2)
    tol = option("--tol", 1e-6)
    layout = sys.argv[sys.argv.index("--layout") + 1] if "--layout" in sys.argv else "shared"
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
    log(comm, f"full-atomistic reference relaxed ({len(X)} atoms)", t0)

    mesh = box_mesh(L, np.round(L / 2.5).astype(int), "tri3")
    boundary = np.unique(np.concatenate(list(mesh.node_sets.values())))
    fe_comm, md_comms = cases.split(comm, layout, 1)
    fe = (build.fe_problem(mesh, law, fe_comm, options={"ksp_rtol": 1e-12})
          if fe_comm is not None else None)
    results = []
    for w in widths:
        geom = RegionGeometry(Outline.box(centre - w, centre + w), band_width=5.0,
                              pad_width=4.5, blend_width=1.5, name="vacancy")
        role = geom.roles(X[:, :2])
        keep = np.flatnonzero(role != OUTSIDE)
        region = build.coupled_region(geom, md_comms[0], crystal[keep], role[keep], pot, mesh,
                                      law)
        qs = QuasiStaticCoupling(comm, fe, [region], tol=tol, max_exchanges=100,
                                 verbose="--verbose" in sys.argv,
                                 predict_core="--no-predict" not in sys.argv)
        qs.set_dirichlet(boundary, mesh.nodes[boundary] @ H.T)
        qs.set_displacements(mesh.nodes[qs.owned] @ H.T)
        t1 = time.time()
        rep = qs.solve()
        log(comm, f"core half-width {w}: {rep.exchanges} exchanges, residual "
                  f"{rep.residuals[-1]:.2e}", t0)
        # displacements of the region's atoms, by ID, on world rank 0 (test output only)
        x = region.md.positions(region.ids) if region.md is not None else None
        if region.md is not None and region.md.comm.rank == 0 and comm.rank != 0:
            comm.send(x, dest=0, tag=11)
        if comm.rank == 0 and x is None:
            x = comm.recv(tag=11)
        if comm.rank == 0:
            sel = np.linalg.norm(X[keep, :2] - centre, axis=1) < 0.5 * w
            u, u_ref, u_aff = (x - X[keep])[sel], (x_ref - X)[keep][sel], (x_aff - X)[keep][sel]
            e = 100 * np.linalg.norm(u - u_ref) / np.linalg.norm(u_ref - u_aff)
            results.append({"core_half_width": w, "atoms": len(keep), "e_percent": e,
                            "exchanges": rep.exchanges, "converged": rep.converged,
                            "residual": rep.residuals[-1], "md_iterations": rep.md_iterations,
                            "seconds": time.time() - t1,
                            "transfer_share": rep.seconds_transfer / max(rep.seconds, 1e-300),
                            "defect_field": float(np.linalg.norm(u_ref - u_aff))})
            if "--dump" in sys.argv:
                results[-1]["u"] = (x - X[keep]).tolist()
        if region.md is not None:
            region.md.close()
    if comm.rank == 0:
        print(json.dumps({"atoms_full": len(X), "strain": strain, "results": results,
                          "seconds": time.time() - t0}), flush=True)


with abort_on_error():
    main()
