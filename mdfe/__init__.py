"""mdfe: concurrent atomistic–continuum (FE–MD) simulation on one MPI stack.

Importing mdfe (or any of ``mdfe.coupling``, ``mdfe.solvers``, ``mdfe.potentials``) loads
the mpich wheel's MPI library first, so LAMMPS, mpi4py and PETSc all share it.
"""
from mdfe._libs import load_mpi

__version__ = "0.1.0"

load_mpi()
