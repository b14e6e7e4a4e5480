"""Atomistic structures (ASE ``Atoms``) at the lattice constant of the potential in use.

- :func:`sheet`: a rectangular graphene or h-BN sheet, zigzag or armchair rows along x,
  lying in z = Lz/2 with Lz from :func:`~mdfe.potentials.properties.unit_cells.sheet_vacuum`
  (≥ 2 r_cut of vacuum), periodic cell (nx·Lx, ny·Ly, Lz); arrays ``sublattice``.
- :func:`bulk_crystal`: a bulk crystal from ``ase.build.bulk`` (cubic cell if possible),
  repeated; arrays ``sublattice`` = index of the atom in the primitive cell is not defined
  for cubic cells, so it holds the basis index within the repeated cell.
- :func:`relaxed_lattice_constant`: a (Å) relaxed with the potential (cached per potential).

The FE reference configuration must use the same lattice constant: take it from
:func:`relaxed_lattice_constant`.
"""
from __future__ import annotations

import functools

import numpy as np
from ase import Atoms

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.elastic import lattice_constant
from mdfe.potentials.properties.unit_cells import (HEXAGONAL_SHEETS, bulk_primitive,
                                                   hexagonal_primitive, hexagonal_rectangular,
                                                   sheet_vacuum)

SHEET_GUESS = {"graphene": 2.46, "hBN": 2.50}  # Å, starting points for the root search


@functools.lru_cache(maxsize=None)
def relaxed_lattice_constant(potential: LammpsPotential, material: str,
                             structure: str | None = None) -> float:
    """Lattice constant (Å) relaxed with ``potential``.

    material: 'graphene' or 'hBN' (structure None), or a chemical symbol with an ASE
    ``structure`` ('diamond', 'fcc', 'bcc', ...; cubic one-parameter lattices).
    """
    if structure is None:
        if material not in HEXAGONAL_SHEETS:
            raise ValueError(f"material {material!r}: allowed sheets {sorted(HEXAGONAL_SHEETS)}"
                             " or a chemical symbol with structure=...")
        return lattice_constant(potential, functools.partial(hexagonal_primitive, material),
                                SHEET_GUESS[material], window=0.1)
    from ase.data import atomic_numbers, reference_states
    guess = reference_states[atomic_numbers[material]].get("a")
    if guess is None:
        raise ValueError(f"no reference lattice constant for {material!r} in ASE")
    return lattice_constant(potential, functools.partial(bulk_primitive, material, structure),
                            guess, window=0.1)


def sheet(material: str, potential: LammpsPotential, nx: int, ny: int,
          orientation: str = "zigzag", a: float | None = None) -> Atoms:
    """nx × ny rectangular cells of a graphene / h-BN sheet (see module docstring)."""
    if nx < 1 or ny < 1:
        raise ValueError(f"nx={nx}, ny={ny}: need at least one cell each way")
    a = relaxed_lattice_constant(potential, material) if a is None else a
    unit = hexagonal_rectangular(material, a, orientation, sheet_vacuum(potential.cutoff))
    cells = unit.repeat(nx, ny)
    atoms = Atoms(cells.symbols, positions=cells.positions, cell=cells.cell,
                  pbc=(True, True, False))
    atoms.set_array("sublattice", cells.sublattice)
    return atoms


def bulk_crystal(symbol: str, structure: str, potential: LammpsPotential,
                 size=(1, 1, 1), a: float | None = None) -> Atoms:
    """A bulk crystal (cubic cell when ASE can make one) repeated ``size`` times."""
    from ase.build import bulk
    a = relaxed_lattice_constant(potential, symbol, structure) if a is None else a
    try:
        atoms = bulk(symbol, structure, a=a, cubic=True)
    except (ValueError, RuntimeError):
        atoms = bulk(symbol, structure, a=a)
    atoms.set_array("sublattice", np.arange(len(atoms)))
    return atoms.repeat(tuple(size))
