"""pair_style mtp grade: per-atom MaxVol extrapolation grades equal motep's.

motep's Grader (neighbourhood mode, linear parameters only, i.e. the basis vectors B_α)
selects the active set by MaxVol among training neighbourhoods and grades a distorted
cell with a least-squares solve; LAMMPS reads the same active set from a file and stores
each atom's grade in the custom per-atom vector d_mtp_grade.
"""
from __future__ import annotations

import numpy as np
import pytest
from motep.grade.grader import Grader
from motep.grade.setting import GradeMode
from motep.io.mlip.mtp import read_mtp

from mdfe.potentials.lammps.active_set import write_active_set
from pairmtp_cases import diamond, gather, lammps_setup, random_potential


@pytest.mark.parametrize("level", [8, 16])
def test_grades_match_motep(tmp_path, level):
    pot = random_potential(tmp_path / "pot.mtp", level, 1, seed=level)
    data = read_mtp(pot)
    data.species = [14]
    data.optimized = ["moment_coeffs"]
    grader = Grader(data, engine="cext", mode=GradeMode.NEIGHBORHOOD, seed=1)
    training = [diamond(1, seed=s, rattle=0.05) for s in range(4)]
    grader.update(training)
    write_active_set(tmp_path / "active.txt", grader.maxvol_result.submatrix)

    distorted = diamond(1, seed=9, strain=np.diag([0.06, -0.04, 0.03]), rattle=0.12)
    for atoms, inside in ((training[0], True), (distorted, False)):
        ref = grader.grade([atoms])[0].calc.results["nbh_grades"]
        pair = f"pair_style mtp grade {tmp_path / 'active.txt'}\npair_coeff * * {pot} Si"
        lmp = lammps_setup(atoms, pot, ["Si"], pair=pair)
        lmp.command("compute grade all property/atom d_mtp_grade")
        lmp.command("run 0 post no")
        got = gather(lmp, "c_grade", 1)[:, 0]
        lmp.close()
        # MaxVol: training neighbourhoods lie in the span (grade <= 1); distortion leaves it
        assert (ref.max() <= 1.0 + 1e-9) if inside else (ref.max() > 1.0)
        np.testing.assert_allclose(got, ref, rtol=1e-8, atol=1e-12)


def test_active_set_size_must_match(tmp_path):
    pot = random_potential(tmp_path / "pot.mtp", 8, 1, seed=1)
    write_active_set(tmp_path / "active.txt", np.eye(3))
    pair = f"pair_style mtp grade {tmp_path / 'active.txt'}\npair_coeff * * {pot} Si"
    with pytest.raises(Exception, match="active set has basis_size = 3 but the potential has 7"):
        lammps_setup(diamond(1, seed=1), pot, ["Si"], pair=pair).command("run 0")
