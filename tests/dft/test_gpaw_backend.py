"""GPAW back-end (optional extra): forces equal −dE/dx of the labelled energy."""
from __future__ import annotations

import pytest

from mdfe.potentials.dft.settings import load_settings
from mdfe.potentials.dft.structures import honeycomb

gpaw = pytest.importorskip("gpaw")

# Cheap, unconverged settings: consistency of forces with energies needs no convergence.
CHEAP = """xc = "PBE"
smearing = 0.1
kpoint_density = 1.0
vacuum_gap = 4.0
max_scf_iterations = 100
default_initial_magmom = 0.5
[cutoff]
C = 250.0
N = 250.0
"""


def test_gpaw_forces_match_finite_difference(tmp_path):
    from mdfe.potentials.dft.calculators import make_backend
    path = tmp_path / "cheap.toml"
    path.write_text(CHEAP)
    backend = make_backend("gpaw", load_settings(path))
    at = honeycomb(2.467, ("C", "C"), "2", 7.0)
    at.positions[0] += [0.06, -0.04, 0.03]
    calc, meta = backend.calculator_for(at)
    assert meta["kpts"] == "3 3 1" and meta["cutoff"] == 250.0 and meta["spin"] is False
    labels = backend.evaluate(at)
    h = 2e-3
    energies = []
    for sign in (1, -1):
        moved = at.copy()
        moved.positions[0, 0] += sign * h
        energies.append(backend.evaluate(moved).energy)
    fd = -(energies[0] - energies[1]) / (2 * h)
    assert labels.forces[0, 0] == pytest.approx(fd, abs=2e-3)
    assert abs(labels.forces[0, 0]) > 0.5  # a real force, not a trivially passing zero
    assert labels.info["energy_zero_width"] == pytest.approx(labels.energy, abs=0.05)


def test_spin_polarised_configuration_is_magnetic(tmp_path):
    """A free N atom (4S, p³ all spin-up) carries 3 μB once info['spin'] is set."""
    from ase import Atoms
    from mdfe.potentials.dft.calculators import make_backend
    path = tmp_path / "cheap.toml"
    path.write_text(CHEAP)
    backend = make_backend("gpaw", load_settings(path))
    atom = Atoms("N", positions=[[3.0, 3.1, 3.2]], cell=[6.0, 6.2, 6.4], pbc=True)
    atom.info["spin"] = True
    labels = backend.evaluate(atom)
    assert labels.info["spin"] is True and labels.info["kpts"] == "1 1 1"
    assert labels.info["magmom"] == pytest.approx(3.0, abs=0.05)
