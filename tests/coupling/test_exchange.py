"""KeyedTransfer under MPI: forward values and reverse sums against a gathered reference."""
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.mpi
@pytest.mark.parametrize("n", [1, 2, 3])
def test_keyed_transfer(run_mpi, n):
    out = run_mpi(n, [HERE / "mpi" / "exchange_check.py"], timeout=60)
    assert f"OK {n}" in out.stdout
