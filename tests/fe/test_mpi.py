"""Distributed runs: the same answer on 1, 2 and 3 FE ranks on a graded gmsh mesh with
an MD region, a hole and a pre-cut edge crack (static, hyperelastic, dynamic), and one
HDF5/XDMF file written from rank 0."""
from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from mdfe.solvers.fe.gmsh_mesh import graded_mesh

SCRIPT = Path(__file__).parent / "mpi" / "graded_solve.py"


@pytest.fixture(scope="module")
def mesh_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("mesh") / "graded.msh"
    graded_mesh(200.0, 120.0, h_min=2.5, h_max=25.0, md_regions=[(80, 40, 130, 80)],
                holes=[(40, 90, 12)], cracks=[((0, 60), (100, 60))], path=str(path))
    return path


def _run(run_mpi, n, mesh_file, tmp):
    out = tmp / f"out{n}.npz"
    run_mpi(n, [SCRIPT, mesh_file, out, tmp / f"fields{n}"], timeout=120)
    return dict(np.load(out))


@pytest.fixture(scope="module")
def one_rank(mesh_file, tmp_path_factory):
    import os
    import subprocess
    import sys
    mpirun = Path(sys.executable).parent / "mpirun"   # the launcher run_mpi uses
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    out = tmp_path_factory.mktemp("ref") / "out1.npz"
    proc = subprocess.run([str(mpirun), "-n", "1", sys.executable, str(SCRIPT), str(mesh_file),
                           str(out), str(out.parent / "fields1")], capture_output=True,
                          text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dict(np.load(out))


@pytest.mark.parametrize("n", [2, 3])
def test_same_answer_as_one_rank(run_mpi, mesh_file, one_rank, tmp_path, n):
    ref = one_rank
    assert len(ref["u"]) > 1000
    r = _run(run_mpi, n, mesh_file, tmp_path)
    assert np.array_equal(r["nodes"], ref["nodes"])               # same global ids/coords
    assert r["n_local"] < 0.7 * ref["n_local"]                     # the work really is split
    for key in ("u", "u_hyp", "u_dyn"):
        err = np.abs(r[key] - ref[key]).max() / np.abs(ref[key]).max()
        print(f"{n} ranks, {key}: max relative difference to 1 rank {err:.2e}")
        assert err < 1e-8, (n, key, err)
    with h5py.File(tmp_path / f"fields{n}.h5") as f:
        assert np.array_equal(f["displacement"][()], r["u"])
        assert set(f["cell"]) >= {"strain", "stress", "von_mises", "material"}
    assert "Triangle" in (tmp_path / f"fields{n}.xdmf").read_text()


@pytest.mark.parametrize("n", [2, 3])
def test_bad_input_on_one_rank_raises_on_all(run_mpi, n):
    proc = run_mpi(n, [Path(__file__).parent / "mpi" / "bad_input_one_rank.py"], timeout=60)
    lines = [l for l in proc.stdout.splitlines() if "caught" in l]
    assert len(lines) == n and all("nodal forces must be finite with shape (2, 2)" in l for l in lines)
    assert sum(f"on FE rank {n - 1}" in l for l in lines) == n - 1
