"""Forces and stress of the MTP calculator against finite differences of its energy;
invariances. Seeded random non-zero coefficients; levels 8, 16, 24; 1-3 species."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from mdfe.potentials.mtp.calculator import MTPCalculator
from mtp_cases import SPECIES, crystal, potential


def _energy(atoms, calc):
    a = atoms.copy()
    a.calc = calc
    return a.get_potential_energy()


def _fd(f, h=5e-5):
    """4th-order central difference of f(t) at t = 0."""
    return (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h)


@pytest.mark.parametrize("n_species", [1, 2, 3])
@pytest.mark.parametrize("level", [8, 16, 24])
def test_forces_and_stress_are_energy_derivatives(level, n_species):
    atoms = crystal(n_species, seed=level + n_species)
    calc = MTPCalculator(potential(level, n_species, seed=level), SPECIES[n_species])
    atoms.calc = calc
    forces, stress = atoms.get_forces(), atoms.get_stress(voigt=False)
    fmax = np.abs(forces).max()
    assert fmax >= 0.1 and np.abs(stress).max() > 0
    tol = 1e-6 * fmax + 1e-8
    for i in (0, 3, 6):
        for k in range(3):
            def e(t, i=i, k=k):
                a = atoms.copy()
                a.positions[i, k] += t
                return _energy(a, calc)
            assert abs(-_fd(e) - forces[i, k]) <= tol, (i, k, -_fd(e), forces[i, k])
    vol = atoms.get_volume()
    for i, j in [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]:
        def e(t, i=i, j=j):
            eps = np.zeros((3, 3))
            eps[i, j] = eps[j, i] = t / 2 if i != j else t
            a = atoms.copy()
            a.set_cell(atoms.cell @ (np.eye(3) + eps), scale_atoms=True)
            return _energy(a, calc)
        de = _fd(e)        # dE/dt = V·σ_ij for ε_ij = ε_ji = t/2 (i ≠ j) or ε_ii = t
        assert abs(de - vol * stress[i, j]) <= 1e-6 * vol * np.abs(stress).max() + 1e-8


@pytest.mark.parametrize("n_species", [1, 3])
def test_invariance_rotation_translation_permutation(n_species):
    atoms = crystal(n_species, seed=7)
    calc = MTPCalculator(potential(16, n_species, seed=3), SPECIES[n_species])
    atoms.calc = calc
    e0, f0, s0 = atoms.get_potential_energy(), atoms.get_forces(), atoms.get_stress(voigt=False)
    e_atoms = atoms.get_potential_energies()
    assert abs(e_atoms.sum() - e0) <= 1e-10 * abs(e0)

    rot = Rotation.from_euler("zyx", [0.3, -1.1, 2.0]).as_matrix()
    r = atoms.copy()
    r.set_cell(atoms.cell @ rot.T, scale_atoms=True)
    r.calc = calc
    assert abs(r.get_potential_energy() - e0) <= 1e-10 * abs(e0)
    np.testing.assert_allclose(r.get_forces(), f0 @ rot.T, atol=1e-9 * np.abs(f0).max())
    np.testing.assert_allclose(r.get_stress(voigt=False), rot @ s0 @ rot.T,
                               atol=1e-9 * np.abs(s0).max())

    t = atoms.copy()
    t.translate([0.37, -1.9, 12.5])
    t.calc = calc
    assert abs(t.get_potential_energy() - e0) <= 1e-10 * abs(e0)

    like = np.flatnonzero(atoms.numbers == atoms.numbers[0])
    order = np.arange(len(atoms))
    order[like] = like[::-1]
    p = atoms[order]
    p.calc = calc
    assert abs(p.get_potential_energy() - e0) <= 1e-10 * abs(e0)
    np.testing.assert_allclose(p.get_forces(), f0[order], atol=1e-9 * np.abs(f0).max())


def test_unknown_species_is_an_error():
    atoms = crystal(2)
    atoms.calc = MTPCalculator(potential(8, 1), ["Si"])
    with pytest.raises(ValueError, match=r"atomic numbers \[6\]"):
        atoms.get_potential_energy()
