"""Small version of benchmarks/coupled_scaling.py: 1-rank runs at three sizes and 2-rank
runs (automatic and hand split) of the coupled crack, the plan run twice; the JSON has
each run's least-CPU pass (the same iteration in both passes: the solve is
deterministic), the model's coefficients, a prediction error for every held-out and
2-rank run, exchange fractions in [0, 1], labelled extrapolations, and the figure is
written. Runs 80 Å bodies (a coupled solve takes about a second; the benchmark's default
is 200 Å)."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
pytest.importorskip("petsc4py")


@pytest.mark.mpi
@pytest.mark.timeout(900)
def test_coupled_scaling_small(tmp_path):
    proc = subprocess.run([sys.executable, str(BENCH / "coupled_scaling.py"), "--sizes",
                           "80:5", "80:8", "80:11", "--tol", "1e-3", "--repeats", "2",
                           "--results", str(tmp_path)], capture_output=True, text=True,
                          timeout=800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    res = json.loads((tmp_path / "coupled_scaling.json").read_text())
    rows = res["rows"]
    assert [r["role"] for r in rows] == ["fit", "fit", "held-out size", "2 ranks auto",
                                         "2 ranks disjoint"]
    assert [r["ranks"] for r in rows] == [1, 1, 1, 2, 2]
    assert "shared" in rows[3]["layout"] and "disjoint" in rows[4]["layout"]
    assert (rows[4]["fe_ranks"], rows[4]["md_ranks"]) == (1, 1)
    for r in rows:
        assert r["converged"]
        rep = r["repeats"]
        assert len(rep["solve_cpu_s"]) == 2 and r["solve_cpu_s"] == min(rep["solve_cpu_s"])
        assert rep["exchanges"] == [r["exchanges"]] * 2
        assert rep["md_iterations"] == [r["md_iterations"]] * 2
        assert 0 <= r["split_cpu_s"]["exchange"] / r["solve_cpu_s"] <= 1
        if r["role"] != "fit":
            assert math.isfinite(r["prediction_error"])
            assert r["prediction_error"] == pytest.approx(
                r["predicted_s"]["total"] / r["solve_cpu_s"] - 1)
    coef = res["model"]["coefficients"]
    assert all(coef[k] > 0 for k in ("md", "fe", "operator", "exchange", "other"))
    assert math.isfinite(coef["alpha"]) and coef["alpha_source"]
    assert res["model"]["worst_error"] == pytest.approx(
        max(abs(r["prediction_error"]) for r in rows[2:]))
    assert len(res["extrapolation"]) == 9
    assert all(e["quasistatic_shared_s"] > 0 for e in res["extrapolation"])
    assert (tmp_path / res["figure"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
