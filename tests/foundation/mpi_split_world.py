"""Under mpirun: print, per rank, the groups it belongs to and each group communicator's size
(checked with an allreduce over that communicator, not just Get_size)."""
import sys

import mdfe  # noqa: F401  (loads the MPI library first)
from mpi4py import MPI

from mdfe.layout import plan_layout, split_world

k, mode = int(sys.argv[1]), sys.argv[2]
world = MPI.COMM_WORLD
groups = split_world(world, plan_layout(world.Get_size(), k, mode=mode))
parts = []
for name, comm in [("fe", groups.fe)] + [(f"md{i}", c) for i, c in enumerate(groups.md)]:
    if comm is not None:
        parts.append(f"{name}={comm.allreduce(1)}")
lines = world.gather(f"rank {world.Get_rank()}: " + " ".join(parts))
if world.Get_rank() == 0:
    print("\n".join(lines), flush=True)
