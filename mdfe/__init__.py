"""mdfe: concurrent atomistic–continuum (FE–MD) simulation on one MPI stack.

Importing mdfe (or any of ``mdfe.coupling``, ``mdfe.solvers``, ``mdfe.potentials``) loads
the mpich wheel's MPI library first, so LAMMPS, mpi4py and PETSc all share it, and sets
OPENBLAS_NUM_THREADS / OMP_NUM_THREADS to 1 where the user has not set them (one BLAS thread
per MPI rank: with a thread per core, ranks oversubscribe the cores and the small dense
products of the coupling run up to 20× slower, measured). This takes effect only if mdfe is
imported before numpy; otherwise set the variables in the environment.
"""
from mdfe._libs import load_mpi
from mdfe.runtime import set_thread_defaults

set_thread_defaults()

__version__ = "0.1.0"

load_mpi()
