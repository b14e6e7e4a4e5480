"""Same coupled answer on 1, 2, 3, 4 ranks, shared and disjoint layouts (issue 7): a
graphene body with a vacancy in the MD core (a non-homogeneous state), solved to
1e-10 eV/Å; atom and FE displacements agree with the 1-rank run within 1e-6 relative.

CPU time per run is ~5 s on 1 rank; wall time on the shared, oversubscribed machine is
several times that (docs/coupling.md §7), hence the raised timeouts."""
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
@pytest.mark.parametrize("n, layout", [(2, "shared"), (3, "shared"), (4, "shared"),
                                       (2, "disjoint"), (3, "disjoint"), (4, "disjoint")])
def test_same_answer_as_one_rank(run_mpi, tmp_path, n, layout):
    if "res" not in _ONE_RANK:                  # computed once per session, by the first
        _ONE_RANK["res"] = solve(run_mpi, tmp_path, 1, "shared")
    ref = _ONE_RANK["res"]
    res = solve(run_mpi, tmp_path, n, layout)
    assert res["ids"] == ref["ids"]
    for key in ("u", "U"):
        a, b = np.array(res[key]), np.array(ref[key])
        assert np.abs(a - b).max() <= 1e-6 * np.abs(b).max(), (key, np.abs(a - b).max())
