"""Process-wide run-time behaviour of mdfe under MPI.

- :func:`set_thread_defaults`: one BLAS thread per MPI rank unless the user chose.
- :func:`abort_on_error`: an exception on any rank prints that rank's message and aborts
  the whole MPI job (``MPI_Abort``) instead of leaving the other ranks hanging in a
  collective call.
"""
from __future__ import annotations

import contextlib
import os
import sys
import time
import traceback

#: s to wait between writing a rank's error and MPI_Abort (see abort_on_error)
ABORT_GRACE_S = 0.5
_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")


def set_thread_defaults() -> None:
    """Set OPENBLAS_NUM_THREADS and OMP_NUM_THREADS to 1 where the user has not set them."""
    for var in _THREAD_VARS:
        os.environ.setdefault(var, "1")


def world_size_and_rank() -> tuple[int, int]:
    """(size, rank) of MPI_COMM_WORLD; mpi4py is imported (and MPI initialised) here."""
    from mpi4py import MPI
    return MPI.COMM_WORLD.Get_size(), MPI.COMM_WORLD.Get_rank()


@contextlib.contextmanager
def abort_on_error(exit_code: int = 1):
    """Run the body; on an exception print it with the rank and abort every rank.

    Serial runs (one rank) re-raise instead, so Python's normal exit status applies.
    ``SystemExit`` and ``KeyboardInterrupt`` pass through untouched on one rank.
    """
    try:
        yield
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001 - every error must end the whole job
        size, rank = world_size_and_rank()
        if size == 1:
            raise
        msg = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        sys.stderr.write(f"mdfe: error on rank {rank} of {size}; aborting all ranks\n{msg}")
        sys.stderr.flush()
        # Give mpirun's I/O forwarding time to pass the message on: an immediate abort can
        # kill the job before the launcher has read it (seen once in 3-rank runs: empty
        # stderr). An error path, so the pause costs nothing that matters.
        time.sleep(ABORT_GRACE_S)
        from mpi4py import MPI
        MPI.COMM_WORLD.Abort(exit_code)
        # The mpich wheel's MPI_Abort only asks the launcher to kill the job and returns;
        # this rank must not go on into the next collective meanwhile.
        os._exit(exit_code)
