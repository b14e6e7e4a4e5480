"""Borophene (β12, χ3) geometry, the two-parameter stress-free sheet cell, and graphene |
h-BN lateral heterostructures with the coherent and commensurate misfit strategies."""
import numpy as np
import pytest
from ase import Atoms
from ase.neighborlist import neighbor_list

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.elastic import relaxed_sheet_cell
from mdfe.potentials.properties.unit_cells import borophene_rectangular, hexagonal_rectangular
from mdfe.solvers.md.structures import (borophene_sheet, lateral_heterostructure,
                                        relaxed_lattice_constant)

BNC = LammpsPotential.tersoff(("B", "N", "C"))


@pytest.mark.parametrize("phase, natoms, eta, coordinations, ab", [
    ("beta12", 5, 1 / 6, {4, 5, 6}, (2.93, 5.07)),   # Feng et al. Nat. Chem. 2016 (DFT)
    ("chi3", 8, 1 / 5, {4, 5}, (2.92, 4.47)),         # χ3: a and primitive |b| = √7 d
])
def test_borophene_geometry(phase, natoms, eta, coordinations, ab):
    d = 1.69
    unit = borophene_rectangular(phase, d)
    lx, ly = unit.cell[0, 0], unit.cell[1, 1]
    sites = lx * ly / (np.sqrt(3) / 2 * d ** 2)
    assert len(unit.positions) == natoms
    assert 1 - natoms / sites == pytest.approx(eta)
    atoms = Atoms(unit.symbols, unit.positions, cell=unit.cell, pbc=True)
    i, dist = neighbor_list("id", atoms, 1.2 * d)
    assert set(np.bincount(i)) == coordinations
    np.testing.assert_allclose(dist, d, rtol=1e-12)
    b = ly if phase == "beta12" else np.sqrt(7) * d
    assert (lx, b) == pytest.approx(ab, rel=0.01)


def test_two_parameter_relaxation_of_a_rectangular_cell():
    a = relaxed_lattice_constant(BNC, "hBN")       # isotropic root, another code path
    cell = relaxed_sheet_cell(BNC, hexagonal_rectangular("hBN", 2.45))
    assert cell.cell[0, 0] == pytest.approx(a, rel=1e-8)
    assert cell.cell[1, 1] == pytest.approx(np.sqrt(3) * a, rel=1e-8)


def test_borophene_with_a_potential_that_cannot_hold_it_is_refused():
    # BNC.tersoff's B–B spacing relaxes past its 2.1 Å cutoff: no stress-free borophene
    with pytest.raises(ValueError, match="no stress-free stretch"):
        borophene_sheet("beta12", LammpsPotential.tersoff(("B",)), 2, 2)


@pytest.mark.parametrize("strategy, nx", [("coherent", 20), ("commensurate", 500)])
def test_lateral_heterostructure(strategy, nx):
    atoms = lateral_heterostructure(BNC, nx, 2, 2, strategy)
    a_g = relaxed_lattice_constant(BNC, "graphene")
    a_h = relaxed_lattice_constant(BNC, "hBN")
    sym = np.array(atoms.get_chemical_symbols())
    n_c, n_b, n_n = (np.sum(sym == s) for s in "CBN")
    assert n_b == n_n and n_c + n_b + n_n == len(atoms)
    n_g, n_h = n_c // 8, n_b // 4          # cells along x (2 rows of 4-atom cells)
    eps_g, eps_h = atoms.info["strain_x"]
    assert eps_g == pytest.approx(atoms.cell[0, 0] / (n_g * a_g) - 1)
    assert eps_g * n_g + eps_h * n_h == pytest.approx(0, abs=1e-5 * nx)  # energy-balanced
    if strategy == "coherent":
        assert n_g == n_h == nx
    else:   # the best integer pair near 2·nx cells
        best = min(abs(g * a_g - (2 * nx - g) * a_h) for g in range(nx - 5, nx + 6))
        assert abs(n_g * a_g - n_h * a_h) == pytest.approx(best)
        assert n_g != n_h and abs(eps_g) < 1e-3
    i, j, dist = neighbor_list("ijd", atoms, 1.7)
    coordination = np.bincount(i, minlength=len(atoms))
    y = atoms.positions[:, 1]
    away = np.minimum.reduce([np.abs(y - atoms.info["interface_y"]), y,
                              atoms.cell[1, 1] - y]) > 3.0
    assert np.all(coordination[away] == 3)
    bonds = {frozenset(p) for p in zip(sym[i], sym[j])}
    assert {frozenset("C"), frozenset("BN"), frozenset("CB"), frozenset("CN")} <= bonds
    assert dist[away[i]].max() < max(a_g, a_h) / np.sqrt(3) * 1.01
    if strategy == "coherent":   # no misfit dislocation: a perfect honeycomb throughout
        assert np.all(coordination == 3)
        assert len(bonds) == 4
