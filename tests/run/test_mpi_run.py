"""``mdfe run`` under MPI: on 2 ranks the shared layout (FE and MD each over both ranks)
and the disjoint one (FE on rank 0, MD on rank 1) reach the same coupled state. The
converged states differ only through the coupled tolerance (1e-4 eV/Å here; the domain
decomposition changes the iteration path): positions within 1e-3 Å, FE field within 1e-3
relative; both also agree with the applied load through the J consistency check. Both
layouts run in one ``mpirun`` (Morse sheet, no plots) to stay within a minute."""
from pathlib import Path

import numpy as np
import pytest

from case_files import write_case

from mdfe.run.output import load_checkpoint

LAYOUTS = Path(__file__).with_name("run_layouts.py")


@pytest.mark.mpi
@pytest.mark.timeout(300)
def test_shared_and_disjoint_layouts_agree(tmp_path, run_mpi):
    cases, outs = [], []
    for mode in ("shared", "disjoint"):
        folder = tmp_path / mode
        folder.mkdir()
        cases.append(write_case(folder, fast=True, **{
            "loading.steps": 1, "solver.tol": 1e-4, "layout.mode": mode,
            "output.plots": False}))
    run_mpi(2, [LAYOUTS, *cases], timeout=300)
    for mode, case in zip(("shared", "disjoint"), cases):
        out = case.parent / "out"
        outs.append(load_checkpoint(out))
        assert f"MPI layout: 2 rank(s), {mode}" in (out / "run.log").read_text()
    a, b = outs
    assert np.abs(a["x"] - b["x"]).max() < 1e-3
    assert np.abs(a["U"] - b["U"]).max() < 1e-3 * np.abs(a["U"]).max()
    for st in outs:
        r = st["rows"][0]
        assert r["converged"] and r["K_J_over_KG"] == pytest.approx(0.5, rel=0.03)
