"""Under mpirun: rank 1 raises while the other ranks wait in a collective."""
import mdfe  # noqa: F401
from mpi4py import MPI

from mdfe.runtime import abort_on_error

world = MPI.COMM_WORLD
with abort_on_error():
    if world.Get_rank() == 1:
        raise ValueError("deliberate failure on rank one: bad value 42 for key 'x'")
    world.Barrier()  # would hang forever without the abort
print("unreachable on a correct run", flush=True)
