"""Small versions of benchmarks/mtp_nve.py and benchmarks/mtp_speed.py.

NVE: 216 atoms of diamond Si, 1 ps at 1 fs from 600 K (≈ 300 K after equipartition) with
the quick Si fit: the total-energy drift must stay below the issue's 1e-5 eV/atom/ps and
the fluctuation about the fit well below kT. Speed: the benchmark runs end to end on a
64-atom cell (timings are printed, never asserted).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import mtp_nve  # noqa: E402
import mtp_speed  # noqa: E402


def test_nve_conserves_energy():
    r = mtp_nve.run_nve(mtp_nve.QUICK_FIT, reps=3, ps=1.0)
    assert r["natoms"] == 216
    assert 200.0 < r["mean_temperature_K"] < 400.0, r
    assert abs(r["drift_eV_atom_ps"]) < 1e-5, r
    assert r["rms_about_fit_eV_atom"] < 1e-3 * r["kT_eV"], r


def test_speed_benchmark_runs(tmp_path, capsys):
    assert mtp_speed.main(["--levels", "8", "--steps", "1", "--repeats", "1", "--reps", "2",
                           "--workdir", str(tmp_path / "w")]) == 0
    rows = json.loads((tmp_path / "mtp_speed.json").read_text())["timings"]
    assert [r["model"] for r in rows] == ["mtp L8", "SNAP (Zuo)", "qSNAP (Zuo)", "tersoff"]
    assert all(r["one_rank_wall"] > 0 and r["many_ranks_wall"] > 0 for r in rows)
    assert rows[0]["motep_wall"] > 0
    assert "motep/mtp" in capsys.readouterr().out
