"""An exception on one rank ends the whole MPI job promptly, with that rank's message."""
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.mpi
@pytest.mark.parametrize("n", [2, 3])
def test_error_on_one_rank_aborts_the_job(run_mpi, n):
    t0 = time.monotonic()
    proc = run_mpi(n, [HERE / "mpi_raise_on_one_rank.py"], timeout=60, check=False)
    elapsed = time.monotonic() - t0
    assert proc.returncode != 0
    assert elapsed < 30
    assert "error on rank 1 of %d" % n in proc.stderr
    assert "deliberate failure on rank one: bad value 42 for key 'x'" in proc.stderr
    assert "unreachable" not in proc.stdout
