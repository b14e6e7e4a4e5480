"""Importing mdfe sets one BLAS/OpenMP thread per process unless the user chose a number."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = ("import mdfe, os; "
         "print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'])")


@pytest.mark.parametrize("user, want", [(None, "1 1"), ("3", "3 3")])
def test_import_sets_one_thread_unless_user_set(user, want):
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    if user is not None:
        env.update(OPENBLAS_NUM_THREADS=user, OMP_NUM_THREADS=user)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, timeout=120, check=True)
    assert out.stdout.split("\n")[-2] == want
