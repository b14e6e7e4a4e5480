"""Coupled vs full-atomistic LAMMPS, small CI versions of benchmarks/coupling_accuracy.py
(graphene, BNC.tersoff): e% = 100 ‖u − u_ref‖/‖u_ref − u_far‖ near the defect.

The bounds are what these small bodies meet (measured, docs/coupling.md §7), so a
regression in the coupling — or in the reference — fails them. CPU time 6 s (vacancy) and
10 s (crack) on one rank; wall time 53 s and 90 s at load ~13 on the shared 2 cores."""
import json
from pathlib import Path

import pytest

HERE = Path(__file__).parent
#: measured 0.39 % (18 exchanges; the defect field ‖u_ref − u_affine‖ there is 0.98 Å)
BOUND_VACANCY = 1.0
#: measured 1.99 % with the crack faces' edge relaxation δ placed as F δ (2.78 % with δ
#: unrotated, 38.3 % without δ: docs/coupling.md §7); this small body's MD region is 29 %
#: of it
BOUND_CRACK = 3.0


def run(run_mpi, *args, timeout=400):
    out = run_mpi(1, [HERE / "mpi" / "accuracy_check.py", *map(str, args)], timeout=timeout)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.mpi
@pytest.mark.timeout(600)
def test_vacancy_cluster_matches_full_atomistics(run_mpi):
    """4-atom vacancy cluster at 2 % biaxial strain, core half-width 8.6 Å, 56 × 52 Å body."""
    res = run(run_mpi, "vacancy", 2, "--body", 56, 52)
    r = res["results"][0]
    assert res["reference_max_force"] <= 1e-7
    assert r["converged"] and r["exchanges"] <= 60, r
    assert r["defect_field_A"] > 0.5, r              # there is a defect field to resolve
    assert r["e_percent"] <= BOUND_VACANCY, r


@pytest.mark.mpi
@pytest.mark.timeout(600)
def test_crack_below_fracture_matches_full_atomistics(run_mpi):
    """Zigzag crack at K = 0.6 K_G, core 7.5 × 8.6 Å half-sizes, 70 × 64 Å body."""
    res = run(run_mpi, "crack", 2, "--body", 70, 64)
    r = res["results"][0]
    assert res["reference_max_force"] <= 1e-7
    assert r["converged"] and r["exchanges"] <= 60, r
    assert r["e_percent"] <= BOUND_CRACK, r
