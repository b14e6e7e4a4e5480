"""Edge relaxation of crack-face atoms (mdfe.coupling.face_relaxation), checked against
direct LAMMPS forces: a sheet periodic in x, cut by a slit along its whole length
(two free faces), with every atom at X + δ from :func:`face_offsets`, is in equilibrium —
the forces LAMMPS computes on the face atoms vanish — while at the bulk sites X they are
of order 1 eV/Å. The table comes from a separately built ribbon (different cell, vacuum
instead of an excluded slit), so the check tests the site matching, the mirror of the
lower face and the table's completeness."""
import functools

import numpy as np
import pytest

import mdfe  # noqa: F401
from mdfe.coupling.face_relaxation import edge_relaxation, face_offsets
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.elastic import lattice_constant
from mdfe.potentials.properties.unit_cells import hexagonal_primitive
from mdfe.solvers.md.setup import slit
from mdfe.solvers.md.structures import relaxed_lattice_constant, sheet


def slit_sheet_forces(pot, atoms, y_cut, offsets):
    """LAMMPS forces (n, 3) eV/Å on a periodic sheet with no bonds across y = y_cut (the
    slit spans the whole x period), atoms at X + offsets."""
    from mpi4py import MPI
    from mdfe.solvers.md.region import MDRegion
    X = atoms.positions
    above = np.flatnonzero(X[:, 1] > y_cut) + 1
    below = np.flatnonzero(X[:, 1] < y_cut) + 1
    md = MDRegion(atoms, pot, np.full(len(atoms), "core"), comm=MPI.COMM_SELF,
                  boundary="p s p")
    try:
        md.exclude_pairs(above, below)
        md.set_positions(md.ids, X + offsets)
        md.evaluate()
        return md.forces(md.ids)
    finally:
        md.close()


def material_and_potential(material):
    """(potential, lattice constant Å): graphene with BNC.tersoff, or the Morse triangular
    sheet of examples/triangular_kic.toml (its edges relax outwards, ~4e-3 Å)."""
    if material == "graphene":
        pot = LammpsPotential.tersoff()
        return pot, relaxed_lattice_constant(pot, "graphene")
    pot = LammpsPotential("morse/smooth/linear 4.6", ("* * 0.5 2.0 2.5",), ("Ar",), 4.6)
    return pot, lattice_constant(pot, functools.partial(hexagonal_primitive, "triangular"),
                                 2.5, window=0.1)


@pytest.mark.parametrize("material", ["graphene", "triangular"])
@pytest.mark.parametrize("orientation", ["zigzag", "armchair"])
def test_offsets_put_crack_faces_in_equilibrium(material, orientation):
    pot, a = material_and_potential(material)
    edge = edge_relaxation(pot, material, a, orientation)
    cell_y = sheet(material, pot, 1, 1, orientation, a=a).cell[1, 1]
    # two face regions of the table's depth, plus 2 r_cut of bulk between them and the
    # outer rows (free edges without offsets, not checked)
    ny = int(np.ceil(2 * (edge.depth.max() + 2 * pot.cutoff + 1.0) / cell_y)) + 1
    atoms = sheet(material, pot, 3, ny, orientation, a=a)
    atoms.positions[:, 1] += 0.5                   # off the box edge; y is not periodic here
    X = atoms.positions
    # the slit between the rows nearest the middle; y is free (boundary s), so the sheet's
    # own bottom and top rows are free edges too: they get no offsets and are not checked
    y_cut, _, _, _ = slit(X, X[:, 1].mean(), X[:, 0].max() + 1.0)
    near_slit = np.abs(X[:, 1] - y_cut) < edge.depth.max() + 1.0
    delta = face_offsets(X, near_slit, y_cut, X[:, 0].max() + 1.0, edge)
    faces = np.abs(X[:, 1] - y_cut) < edge.depth.max()         # checked atoms
    assert np.abs(delta[faces]).max() > (0.15 if material == "graphene" else 1e-3)
    assert np.allclose(delta[:, 1][X[:, 1] > y_cut].sum(), -delta[:, 1][X[:, 1] < y_cut].sum())
    f_bulk = slit_sheet_forces(pot, atoms, y_cut, np.zeros_like(X))
    f_relaxed = slit_sheet_forces(pot, atoms, y_cut, delta)
    f0, f1 = np.abs(f_bulk[faces]).max(), np.abs(f_relaxed[faces]).max()
    assert f0 > (1.0 if material == "graphene" else 0.02)     # bulk sites: off equilibrium
    assert f1 < 1e-6 * f0 + 1e-9, (f0, f1)


def test_mismatched_lattice_is_rejected():
    pot = LammpsPotential.tersoff()
    a = relaxed_lattice_constant(pot, "graphene")
    atoms = sheet("graphene", pot, 3, 6, "zigzag", a=1.01 * a)
    X = atoms.positions
    y_cut, _, _, _ = slit(X, X[:, 1].mean(), X[:, 0].max() + 1.0)
    with pytest.raises(ValueError, match="do not match the relaxed ribbon"):
        face_offsets(X, np.ones(len(X), bool), y_cut, X[:, 0].max() + 1.0,
                     edge_relaxation(pot, "graphene", a, "zigzag"))
