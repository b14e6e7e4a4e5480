"""Unit cells of the crystals mdfe simulates, as functions of the lattice constant a (Å).

A :class:`UnitCell` holds ``cell`` (3, 3) lattice vectors as rows (Å), ``positions``
(nb, 3) Å, ``symbols`` (nb,), ``sublattice`` (nb,) int labels, and ``dim``: 2 for a sheet
(in-plane lattice vectors a, b in the xy plane; c = (0, 0, Lz) is vacuum), 3 for a bulk
crystal. Sheets lie in the plane z = Lz/2.

Orientation of the hexagonal sheets: ``"zigzag"`` has a zigzag row along x (lattice
vector a1 = a·(1, 0, 0)); ``"armchair"`` has an armchair row along x (the zigzag cell
turned by 90°). Bond length a/√3.
"""
from __future__ import annotations

import dataclasses

import numpy as np

HEXAGONAL_SHEETS = {"graphene": ("C", "C"), "hBN": ("B", "N")}


@dataclasses.dataclass(frozen=True)
class UnitCell:
    """A periodic cell: rows of ``cell`` (Å), ``positions`` (nb, 3) Å, labels; dim 2 or 3."""

    cell: np.ndarray
    positions: np.ndarray
    symbols: tuple[str, ...]
    sublattice: np.ndarray
    dim: int

    def repeat(self, n1: int, n2: int, n3: int = 1) -> "UnitCell":
        """The n1×n2×n3 supercell (sublattice labels kept)."""
        shifts = np.array([[i, j, k] for i in range(n1) for j in range(n2) for k in range(n3)],
                          float) @ self.cell
        pos = (shifts[:, None, :] + self.positions[None]).reshape(-1, 3)
        nrep = len(shifts)
        return UnitCell(self.cell * np.array([[n1], [n2], [n3]]), pos,
                        self.symbols * nrep, np.tile(self.sublattice, nrep), self.dim)


def sheet_vacuum(cutoff: float) -> float:
    """Height Lz (Å) of the periodic box of a sheet: at least 2·cutoff of vacuum, ≥ 20 Å."""
    return max(20.0, 2.0 * cutoff + 4.0)


def _hex_symbols(material: str) -> tuple[str, str]:
    if material not in HEXAGONAL_SHEETS:
        raise ValueError(f"material {material!r}: allowed {sorted(HEXAGONAL_SHEETS)}")
    return HEXAGONAL_SHEETS[material]


def hexagonal_primitive(material: str, a: float, lz: float = 20.0) -> UnitCell:
    """Two-atom primitive cell of graphene / h-BN, a1 = a(1,0,0), a2 = a(1/2, √3/2, 0)."""
    s1, s2 = _hex_symbols(material)
    cell = np.array([[a, 0, 0], [a / 2, a * np.sqrt(3) / 2, 0], [0, 0, lz]])
    pos = np.array([[0, 0, lz / 2], [a / 2, a * np.sqrt(3) / 6, lz / 2]])
    return UnitCell(cell, pos, (s1, s2), np.array([0, 1]), 2)


def hexagonal_rectangular(material: str, a: float, orientation: str = "zigzag",
                          lz: float = 20.0) -> UnitCell:
    """Four-atom orthogonal cell of graphene / h-BN; zigzag or armchair rows along x.

    zigzag: Lx = a, Ly = √3 a; armchair: Lx = √3 a, Ly = a. Sublattice 0 is the first
    species (C, B), 1 the second (C, N).
    """
    s1, s2 = _hex_symbols(material)
    h = a * np.sqrt(3)
    xy = np.array([[0, 0], [a / 2, h / 6], [a / 2, h / 2], [0, 2 * h / 3]])
    lxy = np.array([a, h])
    if orientation == "armchair":
        xy, lxy = xy[:, ::-1].copy(), lxy[::-1].copy()
    elif orientation != "zigzag":
        raise ValueError(f"orientation {orientation!r}: allowed 'zigzag', 'armchair'")
    pos = np.column_stack([xy, np.full(4, lz / 2)])
    cell = np.diag([lxy[0], lxy[1], lz])
    return UnitCell(cell, pos, (s1, s2, s1, s2), np.array([0, 1, 0, 1]), 2)


def bulk_primitive(symbol: str, structure: str, a: float, **kwargs) -> UnitCell:
    """Primitive cell of a bulk crystal from ``ase.build.bulk`` (each atom a sublattice)."""
    from ase.build import bulk
    try:
        atoms = bulk(symbol, structure, a=a, **kwargs)
    except (ValueError, KeyError) as exc:
        raise ValueError(f"bulk crystal {symbol!r} {structure!r}: {exc}") from exc
    return UnitCell(np.array(atoms.cell), atoms.positions.copy(),
                    tuple(atoms.get_chemical_symbols()), np.arange(len(atoms)), 3)
