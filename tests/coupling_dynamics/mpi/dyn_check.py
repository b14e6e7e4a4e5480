"""Run under mpirun: coupled dynamics of the Cu bar (dyn_bar.py); writes JSON (rank 0).

usage: dyn_check.py OUT MODE [--layout shared|disjoint] [--steps N] [--dt PS] [--sample K]
                    [--strain EPS] [--lam CELLS] [--sigma LAMBDAS] [--amp A] [--gamma G]
                    [--damping-width W] [--core-cells C] [--fe-cells F]
                    [--second-core-cells C2] [--gap-cells G] [--temperature T]
                    [--gamma-core G] [--seed S] [--material Cu|graphene]
                    [--polarization x|z]
  MODE strain: the uniform uniaxial strain state ε_xx = EPS (atoms at (1 + ε) X plus, for
       graphene, the inner shift ξ_s(F) − ξ_s(1) of their sublattice; FE nodes at
       ε X, bar ends held there), integrated N steps; max |x − x_exact| over all atoms and
       max |U − U_exact| over FE nodes (Å) every K steps.
  MODE packet: from the relaxed crystal, core atoms displaced by the packet (x: longitudinal,
       z: flexural, --polarization) u = A exp(−(X − X_c)²/2σ²) cos(2π (X − X_c)/λ),
       λ = CELLS·a, σ = LAMBDAS·λ (graphene, x: plus the inner shift ξ_s(F(X)) − ξ_s(1) of the
       local strain, so the packet is acoustic), zero
       velocity (it splits into two halves running to the two bands); energies every K
       steps (E − E_relaxed, core energy, core kinetic energy), packet energy E(0).
  MODE thermal: from the relaxed crystal, core velocities from ``velocity ... loop geom``
       at T = --temperature K, Langevin core (friction --gamma-core 1/ps plus the damping
       band, random force at T); core and FE kinetic energies every K steps.
With --second-core-cells C2 --gap-cells G a second MD region follows the first (the packet
starts in the first). All modes report a fingerprint of the final state (atom positions by ID, FE nodal
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
    p.add_argument("mode", choices=["strain", "packet", "thermal"])
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
    p.add_argument("--second-core-cells", type=int, default=0)
    p.add_argument("--gap-cells", type=int, default=0)
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--gamma-core", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=4242)
    p.add_argument("--material", default="Cu", choices=["Cu", "graphene"])
    p.add_argument("--polarization", default="x", choices=["x", "z"])
    return p.parse_args()


def main():
    from mpi4py import MPI
    from mdfe.coupling.dynamics import DynamicCoupling, lattice_density
    opt = options()
    comm = MPI.COMM_WORLD
    t0 = time.time()
    case = dyn_bar.bar(opt.core_cells, opt.fe_cells, opt.damping_width,
                       opt.second_core_cells, opt.gap_cells, opt.material)
    n_md = len(case.geometries)
    fe_comm, md_comms = dyn_bar.split(comm, opt.layout, n_md)
    md_comms = md_comms if n_md > 1 else [md_comms]
    fe, regions, law = dyn_bar.build_all(case, fe_comm, md_comms)
    nodes = case.mesh.nodes
    eps = opt.strain if opt.mode == "strain" else 0.0
    if fe is not None:
        fe.set_dirichlet("xmin", 0.0, components=[0])
        fe.set_dirichlet("xmax", eps * case.length, components=[0])
    rho = lattice_density(case.unit_cell)
    dyn = DynamicCoupling(comm, fe, regions, opt.dt, rho, gamma_max=opt.gamma,
                          temperature=opt.temperature, gamma_core=opt.gamma_core,
                          seed=opt.seed)
    owned = dyn.owned
    U0 = np.zeros((len(owned), dyn.dim))
    U0[:, 0] = eps * nodes[owned, 0]
    exact = []
    for r in regions:
        x = r.X.copy()
        x[:, 0] *= 1.0 + eps
        if law.shift is not None and r.hs is not None:    # multilattice: + ξ_s(F) − ξ_s(1)
            F = np.eye(dyn.dim)
            F[0, 0] += eps
            x[:, :dyn.dim] += law.shift.shift(F[None])[0][r.hs.sublattice]   # hs.ids = r.ids
        exact.append(x)
        if r.md is not None:
            r.md.set_positions(r.ids, x)
    dyn.set_state(U0)
    dyn.start(reference=True)
    region = regions[0]
    core_ids = region.ids[region.roles == 0]
    out = {"mode": opt.mode, "ranks": comm.size, "layout": opt.layout, "dt": opt.dt,
           "atoms": sum(len(r.ids) for r in regions), "regions": n_md,
           "material": opt.material, "polarization": opt.polarization,
           "core_atoms": int(sum((r.roles == 0).sum() for r in regions)),
           "fe_nodes": int(case.mesh.n_nodes), "h": case.h, "a": case.a,
           "fe_free_dofs": int(comm.allreduce(int((~dyn.fixed).sum()) if fe is not None
                                              else 0))}
    if opt.mode == "packet":
        lam, xc = opt.lam * case.a, 0.5 * (case.geometry.core.lo[0] + case.geometry.core.hi[0])
        sigma = opt.sigma * lam
        if region.md is not None:
            x = region.X[core_ids - 1].copy()
            s = x[:, 0] - xc
            env = opt.amp * np.exp(-0.5 * (s / sigma) ** 2)
            x[:, "xz".index(opt.polarization) * 2] += env * np.cos(2 * np.pi * s / lam)
            if law.shift is not None and opt.polarization == "x":
                # the local strain's inner shift, so the packet is acoustic (no optical part)
                F = np.tile(np.eye(dyn.dim), (len(x), 1, 1))
                F[:, 0, 0] += -env * (s / sigma ** 2 * np.cos(2 * np.pi * s / lam)
                                      + 2 * np.pi / lam * np.sin(2 * np.pi * s / lam))
                sub = region.hs.sublattice[core_ids - 1]
                x[:, :dyn.dim] += law.shift.shift(F)[np.arange(len(x)), sub]
            region.md.set_positions(core_ids, x)
        dyn.start()
        out.update(lam=lam, sigma=sigma)
    if opt.mode == "thermal":
        dyn.thermalize(opt.temperature, opt.seed)
        dyn.start()
    hist = {"step": [], "E": [], "core": [], "core_ke": [], "fe_ke": [], "core_regions": [],
            "err_md": [], "err_fe": []}

    def sample(k):
        e = dyn.energy()
        hist["step"].append(k)
        hist["E"].append(e["total"])
        hist["core"].append(e["core"])
        hist["core_ke"].append(e["md_kinetic"])
        hist["fe_ke"].append(e["fe_kinetic"])
        hist["core_regions"].append(e["core_by_region"])
        if opt.mode == "strain":
            err_md = 0.0
            for r, x in zip(regions, exact):
                if r.md is not None:
                    err_md = max(err_md, float(np.abs(r.md.positions(r.ids) - x).max()))
            err_fe = float(np.abs(dyn.U - U0).max(initial=0.0))
            hist["err_md"].append(comm.allreduce(err_md, op=MPI.MAX))
            hist["err_fe"].append(comm.allreduce(err_fe, op=MPI.MAX))

    sample(0)
    t_run = time.time()
    parts = ("fe", "md", "exchange", "operators")
    per_step = []                 # s per step of each part, each sample interval
    for k in range(opt.sample, opt.steps + 1, opt.sample):
        before = [dyn.seconds[p] for p in parts]
        dyn.step(opt.sample)
        per_step.append([(dyn.seconds[p] - b) / opt.sample
                         for p, b in zip(parts, before)])
        sample(k)
    t_run = time.time() - t_run
    # fingerprint of the final state, gathered by ID / node id
    pos = []
    for r in regions:
        p = r.md.positions(r.ids) - r.X if r.md is not None else None
        root = comm.allreduce(comm.rank if r.md is not None and r.md.comm.rank == 0
                              else comm.size, op=MPI.MIN)
        pos.append(comm.bcast(p, root=root))
    U = None
    if fe is not None:
        v = fe.vector()
        v.setArray(dyn.U.reshape(-1))
        U = fe.gather(v, everywhere=True)
    root_fe = comm.allreduce(comm.rank if fe is not None else comm.size, op=MPI.MIN)
    U = comm.bcast(U, root=root_fe)
    secs = {k: comm.allreduce(v, op=MPI.MAX) for k, v in dyn.seconds.items()}
    out["per_step_seconds"] = comm.gather(per_step, root=0)      # [rank][interval][part]
    w_dyn = None if fe is None else np.array(fe.weights)
    dyn.close()
    restored = fe is None or bool(np.array_equal(fe.weights, np.ones(case.mesh.n_elems)))
    out["weights_zero_inside"] = int(comm.allreduce(0 if w_dyn is None else
                                                    int((w_dyn == 0).sum()), op=MPI.MAX))
    out["weights_restored"] = bool(comm.allreduce(restored, op=MPI.LAND))
    out.update(hist, positions=np.concatenate(pos).tolist(), U=U.tolist(), seconds_run=t_run,
               seconds=time.time() - t0, seconds_parts=secs, steps=opt.steps)
    if comm.rank == 0:
        Path(opt.out).write_text(json.dumps(out))


with abort_on_error():
    main()
