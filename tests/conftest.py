"""Shared pytest fixtures for mdfe's tests.

``run_mpi(n, args, timeout=...)`` runs ``python <args>`` under the mpich wheel's
``mpirun -n n`` (oversubscribing is allowed) and returns the CompletedProcess; use it for
every test that must hold on 2 and 3 ranks.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# one BLAS/OpenMP thread per process for the whole suite, before any test module loads
# numpy (import mdfe does the same, but only helps if it comes first; a threaded QR under
# load made a 2.5-CPU-s training replay take 17 CPU-s)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402

BIN = Path(sys.executable).parent
MPIRUN = BIN / "mpirun"


def mpi_env() -> dict[str, str]:
    """Environment for MPI subprocesses: one BLAS thread per rank."""
    env = dict(os.environ)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


@pytest.fixture
def run_mpi():
    """Run ``python *args`` on n ranks; returns subprocess.CompletedProcess (text)."""
    def _run(n: int, args: list[str], timeout: float = 120, check: bool = True,
             cwd: str | os.PathLike | None = None):
        cmd = [str(MPIRUN), "-n", str(n), sys.executable, *map(str, args)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env=mpi_env(), cwd=cwd)
        if check and proc.returncode != 0:
            raise AssertionError(
                f"{' '.join(cmd)} exited {proc.returncode}\n--- stdout\n{proc.stdout}"
                f"\n--- stderr\n{proc.stderr}")
        return proc
    return _run


@pytest.fixture
def run_mpi_json(run_mpi, tmp_path):
    """Run ``python script OUT`` on each rank count in ``ns``; return {n: JSON that the
    script wrote to OUT}."""
    import json

    def _run(script, ns=(1, 2, 3), timeout: float = 60):
        results = {}
        for n in ns:
            out = tmp_path / f"{Path(script).stem}_np{n}.json"
            run_mpi(n, [script, out], timeout=timeout)
            results[n] = json.loads(out.read_text())
        return results
    return _run
