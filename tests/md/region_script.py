"""Run by tests/md/test_region.py under mpirun: one MD region on COMM_WORLD.

Perturbs a small graphene flake by a fixed in-plane pattern (IDs in a scrambled order),
relaxes with the pad prescribed, and writes JSON (rank 0) with energies, forces and
positions keyed by ID, so that runs on 1, 2, 3 ranks can be compared.
"""
import json
import sys

import numpy as np

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.solvers.md.region import MDRegion
from mdfe.solvers.md.structures import sheet
from mpi4py import MPI


def flake_roles(x):
    """Pad: last 2.5 Å along x; band: the 3 Å before it; core: the rest."""
    roles = np.zeros(len(x), int)
    roles[x[:, 0] > x[:, 0].max() - 4.5] = 1
    roles[x[:, 0] > x[:, 0].max() - 2.0] = 2
    return roles


def main(out):
    pot = LammpsPotential.tersoff()
    atoms = sheet("graphene", pot, 6, 3, a=2.492)
    region = MDRegion(atoms, pot, flake_roles(atoms.positions))
    order = np.random.default_rng(1).permutation(region.ids)
    d = 0.04 * np.sin(np.arange(3 * len(order)).reshape(-1, 3) * 0.7)
    d[:, 2] = 0.0
    region.set_positions(order, region.reference_positions(order) + d)
    res = {"energy0": region.energy(), "forces0": region.forces(region.ids).tolist(),
           "positions0": region.positions(region.ids).tolist()}
    res["iterations"] = region.relax(ftol=1e-4, style="cg")
    res.update(energy1=region.energy(), forces1=region.forces(region.ids).tolist(),
               positions1=region.positions(region.ids).tolist(),
               roles=region.roles.tolist(), ranks=MPI.COMM_WORLD.size)
    # owner-local access: each rank moves the atoms it owns, by a rule of the ID
    mine = region.owned_ids()
    x_all = region.positions(region.ids)
    shift = lambda ids: 0.01 * np.column_stack([np.cos(ids), np.sin(ids), 0 * ids])
    region.set_owned_positions(mine, region.owned_positions(mine) + shift(mine))
    region.evaluate()
    local_f = region.owned_forces(mine)
    all_f = region.forces(region.ids)
    res["owned_force_error"] = MPI.COMM_WORLD.allreduce(
        float(np.abs(local_f - all_f[mine - 1]).max(initial=0.0)), op=MPI.MAX)
    res["owned_position_error"] = float(np.abs(
        region.positions(region.ids) - x_all - shift(region.ids)).max())
    res["owned_count"] = MPI.COMM_WORLD.allreduce(len(mine))
    if MPI.COMM_WORLD.rank == 0:
        with open(out, "w") as fh:
            json.dump(res, fh)
    region.close()


if __name__ == "__main__":
    main(sys.argv[1])
