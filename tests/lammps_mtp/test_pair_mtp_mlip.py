"""A potential trained by the MLIP program gives, in LAMMPS, MLIP's own predictions.

data/mlip_multi_l10.mtp (level 10, three species) and MLIP's energies, forces and
virials for it (data/mlip_multi_l10_efs.cfg, printed to 12 / 6 / 5 decimals) come from
motep's test suite (data/README.md). LAMMPS must agree to the printed digits: |ΔE| below
half a unit in the last place plus 1e-13 eV of summation-order noise, likewise for F, W.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from motep.io.mlip.cfg import read_cfg

from pairmtp_cases import ELEMENTS, NUMBERS, lammps_result, lammps_setup

DATA = Path(__file__).parent / "data"
VOIGT = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]    # MLIP order xx yy zz yz xz xy


@pytest.mark.parametrize("index", [0, 1, 2])
def test_reproduces_mlip_predictions(index):
    atoms = read_cfg(DATA / "mlip_multi_l10_efs.cfg", index=index)
    e_mlip, f_mlip = atoms.get_potential_energy(), atoms.get_forces()
    w_mlip = -atoms.get_stress() * atoms.get_volume()        # PlusStress, eV
    species = atoms.numbers.copy()
    atoms.calc = None
    atoms.numbers = np.array(NUMBERS)[species]
    rcell, q = atoms.cell.standard_form()                     # rcell = cell @ q.T
    atoms.set_cell(rcell, scale_atoms=True)
    lmp = lammps_setup(atoms, DATA / "mlip_multi_l10.mtp", list(ELEMENTS))
    got = lammps_result(lmp)
    lmp.close()
    w = np.zeros((3, 3))
    for k, (a, b) in enumerate([(0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2)]):
        w[a, b] = w[b, a] = got.virial[k]
    w = q.T @ w @ q                                           # back to MLIP's frame
    assert abs(got.energy - e_mlip) <= 0.5e-12 + 1e-13
    assert np.abs(got.forces @ q - f_mlip).max() <= 0.5e-6 + 1e-12
    assert max(abs(w[a, b] - w_mlip[k]) for k, (a, b) in enumerate(VOIGT)) <= 0.5e-5 + 1e-10
