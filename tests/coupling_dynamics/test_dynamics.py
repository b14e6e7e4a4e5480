"""Dynamic FE–MD coupling (issue 7, "Must show", dynamics) on the 1D-like Cu bar of
dyn_bar.py (EAM Cu_u3, [100] chain of planes, h = 2a): uniform strain stays put, long waves
cross the band, short waves are absorbed by the damping band (and reflected without it),
energy drift, and the same trajectory on 1, 2, 3 ranks (shared and disjoint layouts).

The MPI script prints nothing; it writes the measured numbers as JSON. The bounds are the
issue's. Energies are defined in coupling/dynamics.py (docs/coupling.md section 4).
"""
import json
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).parent
SCRIPT = HERE / "mpi" / "dyn_check.py"
pytest.importorskip("petsc4py")


def run(run_mpi, tmp_path, n, mode, *args, timeout=300):
    out = tmp_path / f"{mode}_{n}_{abs(hash(args))}.json"
    run_mpi(n, [SCRIPT, out, mode, *map(str, args)], timeout=timeout)
    return json.loads(out.read_text())


def drift_per_1000(res) -> float:
    """Least-squares slope of E − E_relaxed per 1000 steps over the run, relative to the
    packet energy E(0)."""
    steps, E = np.array(res["step"], float), np.array(res["E"])
    slope = np.polyfit(steps, E, 1)[0]
    return abs(slope) * 1000.0 / E[0]


@pytest.mark.mpi
@pytest.mark.timeout(300)
def test_uniform_strain_state_stays(run_mpi, tmp_path):
    """ε_xx = 1 % (nonlinear for the atoms): no ghost force, so nothing moves in 2000 steps."""
    res = run(run_mpi, tmp_path, 1, "strain", "--steps", 2000, "--sample", 100)
    assert len(res["err_md"]) == 21
    assert max(res["err_md"]) <= 1e-3, res["err_md"]
    assert max(res["err_fe"]) <= 1e-3, res["err_fe"]
