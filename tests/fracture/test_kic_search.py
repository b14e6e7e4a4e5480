"""The K_IC search of mdfe.run.kic (coarse ramp, then fine from the last intact load) on
ramps with a known threshold: it brackets the threshold to within the fine step, asks
for the fine loads it should, and refuses a ramp that starts above the threshold."""
import numpy as np
import pytest

from mdfe.run.kic import first_rupture


def threshold_ramp(k_true, calls):
    """A ramp whose tip advances at the first load ≥ k_true (an exact 0 K crack)."""
    def ramp(k_start, k_step, steps):
        loads = k_start + k_step * np.arange(steps)
        hit = np.flatnonzero(loads >= k_true - 1e-12)
        calls.append(loads[:hit[0] + 1] if hit.size else loads)   # stops at the rupture
        return float(loads[hit[0]]) if hit.size else None
    return ramp


@pytest.mark.parametrize("k_true", [1.0, 1.0437, 1.1299, 1.17])
def test_search_brackets_the_threshold_to_the_fine_step(k_true):
    calls = []
    res = first_rupture(threshold_ramp(k_true, calls), 0.95, 0.02, 0.005, 2.0)
    k = res["K_IC_over_KG"]
    assert k_true <= k + 1e-12 < k_true + 0.005 + 1e-9       # first fine load at/above it
    assert res["resolution_over_KG"] == 0.005
    coarse, fine = calls
    assert np.allclose(np.diff(fine), 0.005) and fine[-1] <= coarse[-1] + 1e-9
    assert fine[0] == pytest.approx(coarse[-2])              # from the last intact load


def test_no_rupture_and_no_bracket():
    assert first_rupture(threshold_ramp(5.0, []), 0.95, 0.02, 0.005, 1.5)["K_IC_over_KG"] is None
    with pytest.raises(ValueError, match="advanced at the first load"):
        first_rupture(threshold_ramp(0.9, []), 0.95, 0.02, 0.005, 2.0)
    with pytest.raises(ValueError, match="fine"):
        first_rupture(threshold_ramp(1.0, []), 0.95, 0.01, 0.02, 2.0)
