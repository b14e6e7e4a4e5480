"""Unit cells of the crystals mdfe simulates, as functions of the lattice constant a (Å).

A :class:`UnitCell` holds ``cell`` (3, 3) lattice vectors as rows (Å), ``positions``
(nb, 3) Å, ``symbols`` (nb,), ``sublattice`` (nb,) int labels, and ``dim``: 2 for a sheet
(in-plane lattice vectors a, b in the xy plane; c = (0, 0, Lz) is vacuum), 3 for a bulk
crystal. Sheets lie in the plane z = Lz/2.

Orientation of the hexagonal sheets: ``"zigzag"`` has a zigzag row along x (lattice
vector a1 = a·(1, 0, 0)); ``"armchair"`` has an armchair row along x (the zigzag cell
turned by 90°). Bond length a/√3. ``"triangular"`` is the one-atom hexagonal (triangular)
Bravais sheet (nearest neighbours at a; a model solid for pair potentials): the same
cells with the second site dropped, so "zigzag" puts a close-packed row along x.
"""
from __future__ import annotations

import dataclasses

import numpy as np

HEXAGONAL_SHEETS = {"graphene": ("C", "C"), "hBN": ("B", "N"), "triangular": ("Ar",)}
SHEET_A_GUESS = {"graphene": 2.46, "hBN": 2.50}   # Å, starting points for a root search


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


def min_image(d: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Difference vectors ``d`` (..., 3) Å wrapped to the nearest periodic image of an
    orthogonal cell with edge ``lengths`` (3,) Å (a new array)."""
    return d - lengths * np.round(d / lengths)


def sheet_vacuum(cutoff: float) -> float:
    """Height Lz (Å) of the periodic box of a sheet: at least 2·cutoff of vacuum, ≥ 20 Å."""
    return max(20.0, 2.0 * cutoff + 4.0)


def _hex_symbols(material: str) -> tuple[str, ...]:
    if material not in HEXAGONAL_SHEETS:
        raise ValueError(f"material {material!r}: allowed {sorted(HEXAGONAL_SHEETS)}")
    return HEXAGONAL_SHEETS[material]


def hexagonal_primitive(material: str, a: float, lz: float = 20.0) -> UnitCell:
    """Two-atom primitive cell of graphene / h-BN (one atom: triangular),
    a1 = a(1,0,0), a2 = a(1/2, √3/2, 0)."""
    sym = _hex_symbols(material)
    cell = np.array([[a, 0, 0], [a / 2, a * np.sqrt(3) / 2, 0], [0, 0, lz]])
    pos = np.array([[0, 0, lz / 2], [a / 2, a * np.sqrt(3) / 6, lz / 2]])[:len(sym)]
    return UnitCell(cell, pos, sym, np.arange(len(sym)), 2)


def hexagonal_rectangular(material: str, a: float, orientation: str = "zigzag",
                          lz: float = 20.0) -> UnitCell:
    """Four-atom orthogonal cell of graphene / h-BN; zigzag or armchair rows along x.

    zigzag: Lx = a, Ly = √3 a; armchair: Lx = √3 a, Ly = a. Sublattice 0 is the first
    species (C, B), 1 the second (C, N). Triangular: two atoms (0, 0), (a/2, h/2).
    """
    sym = _hex_symbols(material)
    h = a * np.sqrt(3)
    xy = np.array([[0, 0], [a / 2, h / 6], [a / 2, h / 2], [0, 2 * h / 3]])
    if len(sym) == 1:
        xy = xy[[0, 2]]
    lxy = np.array([a, h])
    if orientation == "armchair":
        xy, lxy = xy[:, ::-1].copy(), lxy[::-1].copy()
    elif orientation != "zigzag":
        raise ValueError(f"orientation {orientation!r}: allowed 'zigzag', 'armchair'")
    pos = np.column_stack([xy, np.full(len(xy), lz / 2)])
    cell = np.diag([lxy[0], lxy[1], lz])
    sub = np.arange(len(xy)) % len(sym)
    return UnitCell(cell, pos, tuple(sym[i] for i in sub), sub, 2)


def bulk_primitive(symbol: str, structure: str, a: float, **kwargs) -> UnitCell:
    """Primitive cell of a bulk crystal from ``ase.build.bulk`` (each atom a sublattice)."""
    from ase.build import bulk
    try:
        atoms = bulk(symbol, structure, a=a, **kwargs)
    except (ValueError, KeyError) as exc:
        raise ValueError(f"bulk crystal {symbol!r} {structure!r}: {exc}") from exc
    return UnitCell(np.array(atoms.cell), atoms.positions.copy(),
                    tuple(atoms.get_chemical_symbols()), np.arange(len(atoms)), 3)


BOROPHENE_HOLES = {
    # hole lattice on the triangular boron lattice (spacing d, rows of sites along y):
    # vectors in units of d; hole density η = 1/6 (β12) and 1/5 (χ3)
    "beta12": ((np.sqrt(3), 0.0), (0.0, 3.0)),
    "chi3": ((np.sqrt(3), 0.0), (np.sqrt(3) / 2, 2.5)),
}


def borophene_rectangular(phase: str, d: float, lz: float = 20.0) -> UnitCell:
    """Planar borophene, rectangular cell: a triangular boron lattice (bond d, Å) with a
    periodic pattern of vacant sites (Feng et al., Nat. Chem. 8, 563 (2016)).

    β12: cell √3d × 3d, 5 atoms (η = 1/6; DFT a = 2.93, b = 5.07 Å at d ≈ 1.69 Å);
    χ3: cell √3d × 5d, 8 atoms (η = 1/5; primitive cell √3d and √7d ≈ 2.92, 4.47 Å).
    Lattice vector a along x. ``sublattice`` is the site index in the cell (each site its
    own sublattice for the Cauchy–Born inner shift).
    """
    if phase not in BOROPHENE_HOLES:
        raise ValueError(f"borophene phase {phase!r}: allowed {sorted(BOROPHENE_HOLES)}")
    (h1x, _), (h2x, h2y) = BOROPHENE_HOLES[phase]
    ny = int(round(h2y if h2x == 0 else 2 * h2y))   # conventional cell height: 3d or 5d
    lx, ly = np.sqrt(3) * d, ny * d
    sites = np.array([(i * np.sqrt(3) / 2, j + 0.5 * (i % 2)) for i in range(2)
                      for j in range(ny)]) * d
    holes = np.array([[0.0, 0.0], [h2x, h2y]]) * d
    holes[:, 0] %= lx
    holes[:, 1] %= ly
    keep = np.ones(len(sites), bool)
    for h in holes:
        dist = sites - h
        dist -= np.round(dist / [lx, ly]) * [lx, ly]
        keep &= np.hypot(dist[:, 0], dist[:, 1]) > 1e-6 * d
    pos = np.column_stack([sites[keep], np.full(keep.sum(), lz / 2)])
    return UnitCell(np.diag([lx, ly, lz]), pos, ("B",) * len(pos), np.arange(len(pos)), 2)
