"""Active learning round: MD candidates and greedy diverse MaxVol-style selection."""
from __future__ import annotations

import numpy as np
from ase.calculators.emt import EMT

from mdfe.potentials.dft.active import md_candidates, select_diverse
from mdfe.potentials.dft.structures import honeycomb


class _DistanceGrader:
    """Stand-in grader: γ = distance (in a 1D feature) to the nearest 'training' point."""

    def __init__(self, training):
        self.x = np.array([t.info["x"] for t in training])

    def grade(self, images):
        class G:
            def __init__(self, g):
                self.configuration = g
        return [G(float(np.min(np.abs(self.x - im.info["x"])))) for im in images]


def _points(xs):
    out = []
    for x in xs:
        at = honeycomb(2.29, ("C", "C"), "2", 10.0)
        at.info["x"] = x
        out.append(at)
    return out


def test_selection_is_diverse_and_stops_at_threshold():
    training = _points([0.0])
    cands = _points([5.0, 5.1, 5.2, 3.0, 0.5])
    picked = select_diverse(_DistanceGrader, training, cands, threshold=1.0, max_count=10)
    # 5.2 first (farthest); then 5.0/5.1 are within 0.2 of it -> 3.0 (distance 2.2) next;
    # then nothing is ≥ 1 away from {0, 5.2, 3.0} except none -> stop.
    assert picked == [2, 3]
    assert cands[2].info["grade"] == 5.2 and cands[3].info["grade"] == 2.2
    assert select_diverse(_DistanceGrader, training, cands, 1.0, max_count=1) == [2]


def test_md_candidates_snapshots_and_break():
    start = honeycomb(2.29, ("C", "C"), "8", 10.0)
    start.info.update(config_type="t_al_md", rattle=0.05)
    snaps = md_candidates(EMT, [start], [300.0, 1000.0], steps=40, every=10, seed=0)
    assert len(snaps) == 8 and {s.info["temperature"] for s in snaps} == {300.0, 1000.0}
    assert all("rattle" not in s.info and s.calc is None for s in snaps)
    moved = [np.abs(s.positions - start.positions).max() for s in snaps]
    assert min(moved) > 1e-4  # the atoms really moved
    calls = []

    def grade(at):
        calls.append(1)
        return 20.0 if len(calls) == 2 else 1.0  # second snapshot extrapolates
    snaps = md_candidates(EMT, [start], [300.0], steps=40, every=10, seed=0, grade=grade)
    assert len(snaps) == 1 and snaps[0].info["grade"] == 1.0
