"""The whole stack in one MPI job: PETSc on the FE group and LAMMPS on an MD group run
concurrently and give the serial results; `mdfe info` reports once."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest

MDFE = [str(Path(sys.executable).parent / "mdfe")]


def smoke(run_mpi, n, mode):
    proc = run_mpi(n, ["-m", "mdfe", "smoke", "--mode", mode, "--json"], timeout=120)
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def serial():
    """The serial results, computed in this process on COMM_SELF."""
    from mpi4py import MPI

    from mdfe.smoke import poisson_2d, tersoff_graphene_md
    return {"poisson": poisson_2d(MPI.COMM_SELF), "md": tersoff_graphene_md(MPI.COMM_SELF)}


def test_poisson_solution_is_the_discrete_one(serial):
    """u(centre) of −Δu = 1 on the unit square is 0.07367 (series solution); the 64×64
    five-point solution is within O(h²) of it."""
    assert abs(serial["poisson"]["centre"] - 0.0736713) < 5e-4
    assert serial["md"]["atoms"] == 96


def test_tersoff_md_conserves_energy(serial):
    """NVE from 300 K: KE + PE stays at its start value E0 = PE(flat sheet) + KE(300 K),
    within the velocity-Verlet fluctuation ~(ω Δt)² KE (ω Δt ≈ 0.3 for C–C stretching at
    1 fs: about 1 % of KE)."""
    from mpi4py import MPI

    from mdfe.smoke import tersoff_graphene_md
    start = tersoff_graphene_md(MPI.COMM_SELF, steps=0)
    e0, e1 = start["pe"] + start["ke"], serial["md"]["pe"] + serial["md"]["ke"]
    assert abs(e1 - e0) < 1e-2 * start["ke"]
    assert serial["md"]["ke"] < start["ke"]  # equipartition: KE flows into PE from a flat start


@pytest.mark.mpi
@pytest.mark.parametrize("n,mode", [(3, "disjoint"), (3, "shared"), (2, "disjoint")])
def test_fe_and_md_groups_match_serial(run_mpi, serial, n, mode):
    par = smoke(run_mpi, n, mode)
    for key in ("norm", "centre"):
        assert par["poisson"][key] == pytest.approx(serial["poisson"][key], rel=1e-10, abs=0)
    for key in ("pe", "ke"):
        assert par["md"][key] == pytest.approx(serial["md"][key], rel=1e-10, abs=0)


@pytest.mark.mpi
def test_info_reports_once_under_mpirun(run_mpi):
    out = run_mpi(3, ["-m", "mdfe", "info", "--md-regions", "2"], timeout=60).stdout
    assert out.count("MPI layout: 3 rank(s), shared") == 1
    assert out.count("petsc4py") == 1
    assert "MPICH" in out and "lammps" in out
    version_line = next(line for line in out.splitlines() if line.startswith("petsc "))
    assert version_line.split(":")[1].strip() == "3.26.1"
