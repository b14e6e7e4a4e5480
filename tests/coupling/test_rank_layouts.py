"""Same coupled answer on 1, 2, 3, 4 ranks, shared and disjoint layouts (issue 7): a
graphene body with a vacancy in the MD core (a non-homogeneous state), solved to
1e-10 eV/Å; atom and FE displacements agree with the 1-rank run within 1e-6 relative.

CPU time per run is ~5 s on 1 rank; wall time on the shared, oversubscribed machine is
several times that (measured at load ~16: 60 s for 2 shared including the 1-rank run,
18 s for 2 disjoint, 29 s for 3 disjoint), hence the raised timeouts. All six passed
(2026-12-01): 4 ranks disjoint vs 1 rank differ by 2e-13 Å."""
import json
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).parent
SCRIPT = HERE / "mpi" / "ranks_check.py"
_ONE_RANK = {}


def solve(run_mpi, tmp_path, n, layout):
    out = tmp_path / f"ranks_{n}_{layout}.json"
    run_mpi(n, [SCRIPT, layout, out], timeout=400)
    res = json.loads(out.read_text())
    assert res["converged"] and res["residual"] < 1e-10, res["residual"]
    return res


@pytest.mark.mpi
@pytest.mark.timeout(900)
@pytest.mark.parametrize("n, layout", [
    (2, "shared"), (2, "disjoint"), (3, "disjoint"),
    # measured 239, 360 and 129 s wall at load ~16 (4 ranks oversubscribe 2 busy cores;
    # MPI busy-waits): too slow for the default suite, run with -m benchmark
    pytest.param(3, "shared", marks=pytest.mark.benchmark),
    pytest.param(4, "shared", marks=pytest.mark.benchmark),
    pytest.param(4, "disjoint", marks=pytest.mark.benchmark)])
def test_same_answer_as_one_rank(run_mpi, tmp_path, n, layout):
    if "res" not in _ONE_RANK:                  # computed once per session, by the first
        _ONE_RANK["res"] = solve(run_mpi, tmp_path, 1, "shared")
    ref = _ONE_RANK["res"]
    res = solve(run_mpi, tmp_path, n, layout)
    assert res["ids"] == ref["ids"]
    for key in ("u", "U"):
        a, b = np.array(res[key]), np.array(ref[key])
        assert np.abs(a - b).max() <= 1e-6 * np.abs(b).max(), (key, np.abs(a - b).max())
