"""The fully atomistic reference (mdfe.run.atomistic) applies the coupled run's collapse
guard (``solver.min_distance``; the guard's LAMMPS tripwire on a real short-range hole is
tests/coupling/test_collapse_guard.py). Morse triangular sheet, nearest neighbours at
r0 = 2.5 Å:

- the default guard, 0.6 × the bond = 1.5 Å, leaves a K-field step alone (closest pair ~2.5 Å,
  measured from the returned positions);
- a guard above the lattice's own bond (3.0 Å) must trip on the intact sheet: the step
  raises naming a pair whose distance, recomputed from the atoms' positions, is the one
  reported and below 3.0 Å — so a collapse can never be counted as a tip advance."""
import re

import numpy as np
import pytest
from scipy.spatial import cKDTree

from case_files import fast_case

from mdfe.run.atomistic import AtomisticCrack
from mdfe.run.model import build_inputs
from mdfe.run.schema import check_run_config


def crack(tmp_path, **changes) -> AtomisticCrack:
    cfg = check_run_config(fast_case(**{"output.directory": str(tmp_path), **changes}))
    return AtomisticCrack(build_inputs(cfg))


@pytest.mark.timeout(120)
def test_default_guard_leaves_a_k_step_alone(tmp_path):
    model = crack(tmp_path)
    try:
        # the triangular lattice's bond is its lattice constant (2.498 Å: r0 less the
        # second neighbours' pull)
        assert model.min_distance == pytest.approx(0.6 * model.inp.a, rel=1e-9)
        x, _ = model.solve(0.5, None)
    finally:
        model.close()
    d = cKDTree(x).query(x, k=2)[0][:, 1].min()
    assert 2.3 < d < 2.7, d


@pytest.mark.timeout(120)
def test_guard_above_the_bond_stops_the_step_naming_the_pair(tmp_path):
    model = crack(tmp_path, **{"solver.min_distance": 3.0})
    try:
        with pytest.raises(RuntimeError, match="collapse") as err:
            model.solve(0.5, None)
        a, b, d = re.search(r"atoms (\d+) and (\d+) at ([\d.]+) Å", str(err.value)).groups()
        x = model.md.positions(np.array([int(a), int(b)]))
    finally:
        model.close()
    r = float(np.linalg.norm(x[1] - x[0]))
    assert r == pytest.approx(float(d), abs=1e-3) and r < 3.0


@pytest.mark.timeout(120)
def test_guard_can_be_switched_off(tmp_path):
    """solver.collapse_guard = false: no guard, whatever min_distance says — the 3.0 Å
    guard that trips on the intact sheet above now leaves the step alone."""
    model = crack(tmp_path, **{"solver.min_distance": 3.0, "solver.collapse_guard": False})
    try:
        assert model.min_distance == 0.0
        x, _ = model.solve(0.5, None)
    finally:
        model.close()
    assert 2.3 < cKDTree(x).query(x, k=2)[0][:, 1].min() < 2.7
