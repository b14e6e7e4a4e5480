"""The Griffith reference of the Morse triangular sheet (the K_IC benchmark's solid)
against a hand count of the bonds a close-packed cut breaks.

Cutting the sheet between two close-packed rows (spacing a along the row) breaks, per
length a, 2 first-neighbour bonds (length a) and 4 second-neighbour bonds (√3 a): two
edges, so the unrelaxed edge energy is γ_u = −(2 φ(a) + 4 φ(√3 a)) / (2 a) with φ the
LAMMPS morse/smooth/linear pair energy. Relaxing the edge can only lower it, and for this
short-ranged potential only a little (measured 0.171387 vs 0.171402 eV/Å):
γ_u ≥ γ ≥ 0.995 γ_u. The lattice constant makes the
pair sum's in-plane stress vanish (checked by its derivative)."""
import numpy as np
import pytest

from mdfe.potentials.properties.edges import edge_energy
from mdfe.run.model import make_potential

D, ALPHA, R0, RC = 0.5, 2.0, 2.5, 4.6


def phi(r):
    """morse/smooth/linear: Morse shifted so that energy and force vanish at RC (eV)."""
    def e(x):
        return D * (np.exp(-2 * ALPHA * (x - R0)) - 2 * np.exp(-ALPHA * (x - R0)))

    def de(x):
        return -2 * ALPHA * D * (np.exp(-2 * ALPHA * (x - R0)) - np.exp(-ALPHA * (x - R0)))
    return np.where(r < RC, e(r) - e(RC) - (r - RC) * de(RC), 0.0)


@pytest.fixture(scope="module")
def sheet():
    from mdfe.potentials.properties.elastic import lattice_constant
    from mdfe.potentials.properties.unit_cells import hexagonal_primitive
    pot = make_potential({"kind": "morse", "file": "", "elements": ["Ar"], "D": D,
                          "alpha": ALPHA, "r0": R0, "cutoff": RC}, "test")
    a = lattice_constant(pot, lambda s: hexagonal_primitive("triangular", s), R0, window=0.1)
    return pot, a


def test_lattice_constant_zeroes_the_pair_stress(sheet):
    _, a = sheet
    # energy per atom 3 φ(a) + 3 φ(√3 a) (6 + 6 neighbours, halved) is stationary in a
    e = lambda s: 3 * phi(s) + 3 * phi(np.sqrt(3) * s)          # noqa: E731
    h = 1e-5
    assert abs((e(a + h) - e(a - h)) / (2 * h)) < 1e-6
    assert 2.45 < a < 2.55


def test_edge_energy_against_the_cut_bonds(sheet):
    pot, a = sheet
    gamma = edge_energy(pot, "triangular", a, "zigzag")
    gamma_u = -(2 * phi(a) + 4 * phi(np.sqrt(3) * a)) / (2 * a)
    assert 0.995 * gamma_u <= gamma <= gamma_u + 1e-9
