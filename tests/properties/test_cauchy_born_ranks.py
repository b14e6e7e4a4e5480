"""Cauchy–Born laws on many ranks (one LAMMPS instance per rank on COMM_SELF, as FE ranks
use them for their own quadrature points) give the serial results."""
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).with_name("cauchy_born_ranks_script.py")


@pytest.mark.mpi
def test_per_rank_laws_equal_serial(run_mpi_json):
    runs = run_mpi_json(SCRIPT)
    for n in (2, 3):
        for ref, got in zip(runs[1], runs[n]):
            for key in ("W", "P", "A", "xi"):
                np.testing.assert_allclose(got[key], ref[key], rtol=1e-10, atol=1e-12)
