"""Small version of benchmarks/fe_scaling.py: runs end to end on 1 and 2 ranks, and the
PETSc CG+GAMG solution agrees with scipy's direct solver measured in the same run."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "fe_scaling.py"


def test_fe_scaling_small(tmp_path):
    out = tmp_path / "fe_scaling.json"
    proc = subprocess.run([sys.executable, str(SCRIPT), "--sizes", "2000", "8000", "--ranks", "1", "2",
                           "--out", str(out)], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(out.read_text())
    rows = data["rows"]
    assert [(r["ranks"], r["dofs"] > 1000) for r in rows] == [(1, True), (1, True), (2, True), (2, True)]
    direct = [r for r in rows if "direct_s" in r]
    assert len(direct) == 2 and all(r["direct_rel_diff"] < 1e-6 for r in direct)
    assert all(r["iterations"] > 0 for r in rows)
    assert set(data["exponents"]) == {"1", "2"}
