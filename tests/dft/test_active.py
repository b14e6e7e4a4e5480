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


def test_write_selection_writes_the_maxvol_picks_tagged(tmp_path):
    """With the shipped carbon MTP's grade: the file holds the picks, tagged, in pick order
    (grades non-increasing), and a configuration copied from the training set is never
    picked (its grade is ≤ 1: it lies inside the active set's volume)."""
    import ase.io

    from mdfe.potentials.dft.active import write_selection
    from mdfe.potentials.dft.labelling import read_inputs
    from mdfe.potentials.dft.datasets import DATA_DIR
    from mdfe.potentials.dft.structures import sheet_set
    from mdfe.potentials.mtp.mtp_file import read_mtp
    model = read_mtp(DATA_DIR / "carbon" / "C_L16e.mtp")
    frames = sheet_set(2.467, ("C", "C"), {"8": 24}, seed=3, name="t")
    training, cands = frames[:18], frames[18:] + [frames[0].copy()]
    out = tmp_path / "sel.extxyz"
    sel = write_selection(model, ["C"], training, cands, 1.0, 3, out, config_type="probe")
    back = ase.io.read(out, ":")
    assert 1 <= len(back) == len(sel) <= 3
    assert [a.info["pick_index"] for a in back] == list(range(len(back)))
    assert len(read_inputs(out)) == len(back)   # the labeller takes the file as written
    assert all(a.info["config_type"] == "probe" for a in back)
    grades = [a.info["grade"] for a in back]
    assert all(g >= 1.0 for g in grades) and grades == sorted(grades, reverse=True)
    assert not any(np.allclose(a.positions, frames[0].positions) for a in back)
