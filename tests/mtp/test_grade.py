"""MaxVol extrapolation grade: training neighbourhoods grade ≤ 1 (the MaxVol property, an
active-set row grades exactly 1), strongly deformed ones ≫ 1, artificial atoms skipped."""
from __future__ import annotations

import numpy as np
import pytest
from ase.build import bulk

from mdfe.potentials.mtp.grade import ExtrapolationGrader, select_configurations
from mtp_cases import crystal, potential


def _training():
    return [crystal(1, seed=s, rattle=0.12) for s in range(10)]


def test_training_grades_at_most_one_and_deformed_extrapolate():
    train = _training()
    grader = ExtrapolationGrader(potential(8, 1, seed=4), ["Si"], train)
    g = grader.grade(train)
    per_atom = np.concatenate([r.atoms for r in g])
    assert per_atom.max() <= 1 + 1e-6
    assert np.isclose(per_atom, 1.0, atol=1e-8).sum() >= 1      # active-set rows
    squeezed = crystal(1, seed=99, rattle=0.12)
    squeezed.set_cell(squeezed.cell * 0.8, scale_atoms=True)
    assert grader.grade([squeezed])[0].configuration > 2.0

    per_conf = ExtrapolationGrader(potential(8, 1, seed=4), ["Si"], train * 3,
                                   per="configuration")
    assert max(r.configuration for r in per_conf.grade(train)) <= 1 + 1e-6


def test_artificial_atoms_do_not_raise_the_grade_or_select():
    grader = ExtrapolationGrader(potential(8, 1, seed=4), ["Si"], _training())
    slab = bulk("Si", "diamond", a=5.0, cubic=True) * (1, 1, 3)
    slab.rattle(0.05, seed=1)
    slab.center(vacuum=6.0, axis=2)             # free surfaces: the artificial pad
    z = slab.positions[:, 2]
    pad = (z < z.min() + 2.6) | (z > z.max() - 2.6)
    unmasked, masked = grader.grade([slab, slab], [np.zeros(len(slab), bool), pad])
    np.testing.assert_array_equal(unmasked.atoms, masked.atoms)
    assert masked.configuration == pytest.approx(unmasked.atoms[~pad].max())
    assert unmasked.configuration == pytest.approx(unmasked.atoms.max())
    assert unmasked.configuration > masked.configuration
    threshold = 0.5 * (unmasked.configuration + masked.configuration)
    assert list(select_configurations([unmasked, masked], threshold)) == [0]
    slab.arrays["artificial"] = pad             # the default mask source
    assert grader.grade([slab])[0].configuration == masked.configuration


def test_bad_masks_and_species_are_errors():
    grader = ExtrapolationGrader(potential(8, 1, seed=4), ["Si"], _training())
    with pytest.raises(ValueError, match=r"mask 0 has shape \(3,\), configuration has 8 atoms"):
        grader.grade([crystal(1)], [np.zeros(3, bool)])
    with pytest.raises(ValueError, match=r"graded configuration 0: atomic numbers \[6\]"):
        grader.grade([crystal(2)])
