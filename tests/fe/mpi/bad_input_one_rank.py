"""Run under mpirun: bad nodal forces on the last rank only must raise FEInputError on
every rank (no rank left waiting); rank 0 prints what each rank caught."""
import numpy as np

import mdfe  # noqa: F401  (loads the MPI library first)
from mpi4py import MPI

from mdfe.solvers import fe
from mdfe.solvers.fe.problem import ElasticityProblem

comm = MPI.COMM_WORLD
mesh = fe.box_mesh([4.0, 2.0], [8, 4], "quad4")
prob = ElasticityProblem(mesh, {0: fe.membrane(np.diag([5.0, 5.0, 2.0]))}, comm=comm)
bad = comm.Get_rank() == comm.Get_size() - 1
caught = None
try:
    prob.set_nodal_forces([0, 1], np.zeros((2, 3) if bad else (2, 2)))
except fe.FEInputError as exc:
    caught = f"rank {comm.Get_rank()} caught: {exc}"
lines = comm.gather(caught, root=0)          # one writer: no interleaved output
if comm.Get_rank() == 0:
    print("\n".join(str(line) for line in lines), flush=True)
