"""Run under mpirun: coupled dynamics of the Cu bar (dyn_bar.py); writes JSON (rank 0).

usage: dyn_check.py OUT MODE [--layout shared|disjoint] [--steps N] [--dt PS] [--sample K]
                    [--strain EPS] [--lam CELLS] [--sigma LAMBDAS] [--amp A] [--gamma G]
                    [--damping-width W] [--core-cells C] [--fe-cells F]
  MODE strain: the uniform uniaxial strain state ε_xx = EPS (atoms at (1 + ε) X, FE nodes at
       ε X, bar ends held there), integrated N steps; max |x − x_exact| over all atoms and
       max |U − U_exact| over FE nodes (Å) every K steps.
  MODE packet: from the relaxed crystal, core atoms displaced by the longitudinal packet
       u_x = A exp(−(X − X_c)²/2σ²) cos(2π (X − X_c)/λ), λ = CELLS·a, σ = LAMBDAS·λ, zero
       velocity (it splits into two halves running to the two bands); energies every K
       steps (E − E_relaxed, core energy, core kinetic energy), packet energy E(0).
Both modes report a fingerprint of the final state (atom positions by ID, FE nodal
displacements by node id, gathered) to compare rank counts and layouts.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import dyn_bar  # noqa: E402

import mdfe  # noqa: E402,F401
from mdfe.runtime import abort_on_error  # noqa: E402


def options():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("mode", choices=["strain", "packet"])
    p.add_argument("--layout", default="shared", choices=["shared", "disjoint"])
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--dt", type=float, default=0.004)
    p.add_argument("--sample", type=int, default=20)
    p.add_argument("--strain", type=float, default=0.01)
    p.add_argument("--lam", type=float, default=16.0)
    p.add_argument("--sigma", type=float, default=0.75)
    p.add_argument("--amp", type=float, default=0.01)
    p.add_argument("--gamma", type=float, default=0.0)
    p.add_argument("--damping-width", type=float, default=0.0)
    p.add_argument("--core-cells", type=int, default=56)
    p.add_argument("--fe-cells", type=int, default=40)
    return p.parse_args()


def main():
    from mpi4py import MPI
    from mdfe.coupling.dynamics import DynamicCoupling, lattice_density
    from mdfe.potentials.properties.unit_cells import bulk_primitive
    opt = options()
    comm = MPI.COMM_WORLD
    t0 = time.time()
    case = dyn_bar.bar(opt.core_cells, opt.fe_cells, opt.damping_width)
    fe_comm, md_comm = dyn_bar.split(comm, opt.layout)
    fe, region, law = dyn_bar.build(case, fe_comm, md_comm)
    nodes = case.mesh.nodes
    eps = opt.strain if opt.mode == "strain" else 0.0
    if fe is not None:
        fe.set_dirichlet("xmin", 0.0, components=[0])
        fe.set_dirichlet("xmax", eps * case.length, components=[0])
    rho = lattice_density(bulk_primitive("Cu", "fcc", case.a))
    dyn = DynamicCoupling(comm, fe, [region], opt.dt, rho, gamma_max=opt.gamma)
    owned = dyn.owned
    U0 = np.zeros((len(owned), 3))
    U0[:, 0] = eps * nodes[owned, 0]
    core_ids = region.ids[region.roles == 0]
    X = region.X
    exact = X.copy()
    exact[:, 0] *= 1.0 + eps
    dyn.set_state(U0)
    if region.md is not None:
        region.md.set_positions(region.ids, exact)
    dyn.start(reference=True)
    out = {"mode": opt.mode, "ranks": comm.size, "layout": opt.layout, "dt": opt.dt,
           "atoms": len(region.ids), "core_atoms": int(len(core_ids)),
           "fe_nodes": int(case.mesh.n_nodes), "h": case.h, "a": case.a}
    if opt.mode == "packet":
        lam, xc = opt.lam * case.a, 0.5 * (case.geometry.core.lo[0] + case.geometry.core.hi[0])
        sigma = opt.sigma * lam
        if region.md is not None:
            Xc = X[core_ids - 1]
            x = Xc.copy()
            s = Xc[:, 0] - xc
            x[:, 0] += opt.amp * np.exp(-0.5 * (s / sigma) ** 2) * np.cos(2 * np.pi * s / lam)
            region.md.set_positions(core_ids, x)
        dyn.start()
        out.update(lam=lam, sigma=sigma)
    hist = {"step": [], "E": [], "core": [], "core_ke": [], "err_md": [], "err_fe": []}

    def sample(k):
        e = dyn.energy()
        hist["step"].append(k)
        hist["E"].append(e["total"])
        hist["core"].append(e["core"])
        hist["core_ke"].append(e["md_kinetic"])
        if opt.mode == "strain":
            err_md = 0.0
            if region.md is not None:
                err_md = float(np.abs(region.md.positions(region.ids) - exact).max())
            err_fe = float(np.abs(dyn.U - U0).max(initial=0.0))
            hist["err_md"].append(comm.allreduce(err_md, op=MPI.MAX))
            hist["err_fe"].append(comm.allreduce(err_fe, op=MPI.MAX))

    sample(0)
    t_run = time.time()
    for k in range(opt.sample, opt.steps + 1, opt.sample):
        dyn.step(opt.sample)
        sample(k)
    t_run = time.time() - t_run
    # fingerprint of the final state, gathered by ID / node id
    pos = region.md.positions(region.ids) if region.md is not None else None
    U = None
    if fe is not None:
        v = fe.vector()
        v.setArray(dyn.U.reshape(-1))
        U = fe.gather(v, everywhere=True)
    root_md = comm.allreduce(comm.rank if region.md is not None else comm.size, op=MPI.MIN)
    root_fe = comm.allreduce(comm.rank if fe is not None else comm.size, op=MPI.MIN)
    pos = comm.bcast(pos, root=root_md)
    U = comm.bcast(U, root=root_fe)
    secs = {k: comm.allreduce(v, op=MPI.MAX) for k, v in dyn.seconds.items()}
    out.update(hist, positions=(pos - X).tolist(), U=U.tolist(), seconds_run=t_run,
               seconds=time.time() - t0, seconds_parts=secs, steps=opt.steps)
    if comm.rank == 0:
        Path(opt.out).write_text(json.dumps(out))


with abort_on_error():
    main()
