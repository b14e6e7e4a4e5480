"""Run by test_cauchy_born_ranks.py under mpirun: every rank builds its own Cauchy–Born
law (COMM_SELF) and the table, evaluates its own share of F; rank 0 writes all results."""
import json
import sys

import numpy as np

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.cauchy_born import CauchyBorn
from mdfe.potentials.properties.unit_cells import hexagonal_primitive
from mpi4py import MPI

comm = MPI.COMM_WORLD
F = np.eye(2) + 0.05 * np.sin(np.arange(6 * 4).reshape(6, 2, 2))
mine = np.arange(len(F))[comm.rank::comm.size]
cb = CauchyBorn(LammpsPotential.tersoff(), hexagonal_primitive("graphene", 2.4920489397974133))
W, P, A = cb(F[mine])
xi = cb.xi(F[mine])
parts = comm.gather((mine.tolist(), W.tolist(), P.tolist(), A.tolist(), xi.tolist()))
if comm.rank == 0:
    out = {}
    for idx, w, p, a, x in parts:
        for k, i in enumerate(idx):
            out[i] = {"W": w[k], "P": p[k], "A": a[k], "xi": x[k]}
    with open(sys.argv[1], "w") as fh:
        json.dump([out[i] for i in range(len(F))], fh)
