"""Coupled patch tests (issue 7, "Must show" (a)-(c)) under MPI: graphene (Tersoff,
multilattice with inner shift) and fcc Cu (EAM, Bravais), 1 and 2 MD regions, shared and
disjoint layouts. The script prints the measured numbers; the bounds are the issue's.

Measured wall times on the shared 2-core machine at load ~9 (the CPU time is ~1/4): 40-60 s
for the 2-rank single-region cases, 100-215 s for two regions (before the tabulated inner
shift); the multi-region and 3-rank runs are marked ``benchmark``, and the pytest timeouts
are raised above the 120 s default. 2026-12-01, tabulated shift, load ~7-10: graphene
(a)+(b)+(c) in one run 80 s, split into (a)+(b) 16 s and (c) 23 s at load ~5; fcc 57 s;
traction negative control 19 s.
"""
import json
from pathlib import Path

import pytest

HERE = Path(__file__).parent
pytest.importorskip("petsc4py")

BOUND_A = {"graphene": 1e-8, "fcc": 1e-10}


def run(run_mpi, n, case, regions, layout, *extra):
    out = run_mpi(n, [HERE / "mpi" / "patch_check.py", case, regions, layout, *extra],
                  timeout=900)
    return json.loads(out.stdout.strip().splitlines()[-1])


def check(res, case, parts="abc"):
    if "a" in parts:
        a = res["a"]
        assert max(a["fe"], a["core"], a["band"]) <= BOUND_A[case], a  # (a) before iterating
    if "b" in parts:
        b = res["b"]
        assert b["converged"] and b["residual"] < 1e-10, b              # (b) solved ...
        assert b["err"] <= 1e-7, b                                      # ... to the exact state
        assert b["exchanges"] <= 60, b
    if "c" in parts:
        c = res["c"]
        assert c["converged"], c                                        # (c) traction control
        assert c["rel_err"] <= 1e-3, c


@pytest.mark.mpi
@pytest.mark.timeout(900)
@pytest.mark.parametrize("parts", ["ab", "c"])       # one run of all three took 80 s wall
def test_patch_graphene_2_ranks(run_mpi, parts):
    check(run(run_mpi, 2, "graphene", 1, "shared", "--parts", parts), "graphene", parts)


@pytest.mark.mpi
@pytest.mark.timeout(900)
def test_patch_fcc_2_ranks(run_mpi):
    check(run(run_mpi, 2, "fcc", 1, "shared"), "fcc")


@pytest.mark.mpi
@pytest.mark.benchmark
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("n, case, regions, layout", [
    (1, "graphene", 1, "shared"), (2, "graphene", 2, "shared"), (3, "graphene", 2, "disjoint"),
    (3, "fcc", 1, "disjoint"), (3, "fcc", 2, "shared")])
def test_patch_more_layouts(run_mpi, n, case, regions, layout):
    check(run(run_mpi, n, case, regions, layout), case)


@pytest.mark.mpi
@pytest.mark.timeout(900)
def test_traction_patch_detects_wrong_fe_constants(run_mpi):
    """(c) is sharp: FE constants 5 % too stiff give a relative error far above 1e-3."""
    res = run(run_mpi, 2, "graphene", 1, "shared", "--fe-scale", "1.05", "--parts", "c")
    assert res["c"]["converged"]
    assert res["c"]["rel_err"] > 1e-2, res["c"]
