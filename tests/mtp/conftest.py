"""MTP tests: import mdfe first (it loads the MPI library before motep/mpi4py)."""
import mdfe  # noqa: F401
