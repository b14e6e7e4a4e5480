"""Face contact of an unloaded slit: do a sheet potential's crack faces stay apart?

A crack in the coupled and fully atomistic runs is a slit cut between two atom rows: the
atoms on the two sides keep their lattice sites (the faces one bond apart) and do not
interact (:meth:`mdfe.solvers.md.region.MDRegion.exclude_pairs`). A potential whose bare
faces are unstable pulls them into each other: the carbon MTP C_L16g, which passes its
one-atom short-range scans (:mod:`.short_range`), lets every second atom of the faces'
first zigzag row pop out past the face (into the slit), leaving a bond to the second row at
~2.3 Å; unloaded, the crack-face atoms then sit 0.45–1.0 Å apart
(potentials/data/README.md, C_L16g).

:func:`slit_check` is that case, small (240–280 atoms at a 5 Å cut-off, < 1 s; collapsing
potentials up to 25 s), in LAMMPS: a periodic sheet (x and y) with a slit along x over half
its period — the slit has two ends, like a crack behind its tip. The ends matter: a slit
through the whole period is translation invariant along the faces, and CG from the as-cut
state then keeps every face atom equivalent and never leaves the symmetric (retracted) face
— measured with C_L16g, zigzag faces, 4–20 cells long, rattled up to 0.15 Å: the faces
1.75–1.77 Å apart — although its popped-out face is 0.79 eV per popped atom lower; with
ends it fuses as in the crack body.
The atoms within ``cutoff + 1`` Å of the cut line behind the ends, on either side, do not
interact with each other (every pair across the slit is within that depth on both sides);
the sheet is wide enough (≥ 3 × that depth) that the two sets do not meet across the
periodic y boundary. The faces are as cut, one bond b = a/√3 apart; the sheet relaxes
unloaded at fixed cell by CG.

Reported: the closest pair across the slit and the longest face bond — the longest of the
lattice bonds with both atoms on one side, behind the ends, in the face's first two rows
(rows: layers parallel to the faces, one rectangular cell thick per two rows; zigzag faces:
a row is a zigzag chain, its bond to the second row 2.14 Å deep; armchair: a dimer row).
Rule (:func:`passes`): faces must not fuse, closest pair across the slit ≥ 0.8 b
(:data:`MIN_GAP`) — and no two atoms anywhere closer (a collapse within one side) — and no
face bond stretched beyond 1.3 b (:data:`MAX_FACE_BOND`).
Measured (graphene, b = 1.423 Å at the MTPs' a): sound potentials keep their faces
apart — C_L16f: pair across 1.54 Å (zigzag faces) / 1.39 Å (armchair, next to a slit
end), face bonds ≤ 1.47 Å; BNC.tersoff (graphene and h-BN, each at its own a): 1.64–1.87
Å, face bonds ≤ 1.03 b — while C_L16g's zigzag faces fuse: pair across 0.55 Å (0.38 b),
face bond 2.62 Å (1.84 b) (its armchair faces pass). 0.8 b lies well between. 1.3 b
(1.85 Å in graphene) is beyond any bond of an intact sheet at its ideal strength (C_L16f
under uniaxial stress at the peak: longest bond 1.20 b pulled along zigzag, ε = 0.26;
1.26 b along armchair, ε = 0.20) and below the crack tracker's broken-bond length (1.5 b,
:mod:`mdfe.solvers.md.crack_tip`): an unloaded face bond that long is a face coming apart.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.edges import relax_fixed_cell
from mdfe.potentials.properties.unit_cells import (hexagonal_rectangular, min_image,
                                                  sheet_vacuum)

MIN_GAP = 0.8        # × bond: the closest pair across the slit must stay at least this far
MAX_FACE_BOND = 1.3  # × bond: no bond in the faces' first two rows may be longer


@dataclasses.dataclass(frozen=True)
class SlitSheet:
    """The cut sheet: ``cell`` (3, 3) Å (orthogonal, periodic), ``positions`` (N, 3) Å,
    ``symbols`` (N,), ``upper`` / ``lower`` 0-based indices of the atoms that do not
    interact across the slit, ``row`` (N,) row index from the cut (1 = the face row; 0 for
    atoms not in ``upper``/``lower``), ``bond`` Å, ``y_cut`` / ``x_end`` Å (the slit runs
    over 0 ≤ x < x_end)."""

    cell: np.ndarray
    positions: np.ndarray
    symbols: tuple[str, ...]
    upper: np.ndarray
    lower: np.ndarray
    row: np.ndarray
    bond: float
    y_cut: float
    x_end: float


def _midpoint_near(values: np.ndarray, period: float, target: float, widest: bool) -> float:
    """Midpoint between neighbouring distinct ``values`` (periodic with ``period``) nearest
    ``target``; with ``widest`` only over the widest gaps."""
    v = np.unique(np.round(values, 6))
    gaps = np.diff(np.append(v, v[0] + period))
    keep = gaps > gaps.max() - 1e-3 if widest else np.ones(len(v), bool)
    mids = (v + gaps / 2)[keep] % period
    return float(mids[np.abs(mids - target).argmin()])


def slit_sheet(material: str, a: float, faces: str, cutoff: float,
               length: float = 30.0, through: bool = False) -> SlitSheet:
    """The periodic sheet (lattice constant ``a`` Å, ``faces`` 'zigzag' or 'armchair' rows
    along x) about ``length`` Å long (an even number of cells), at least 3 (cutoff + 1) Å
    wide, cut between the two rows nearest its middle (zigzag: across the 1-bond gap) over
    the first half of its length (see the module docstring) — or, ``through``, over all of
    it (no ends: the faces are those of a ribbon)."""
    lz = sheet_vacuum(cutoff)
    unit = hexagonal_rectangular(material, a, faces, lz)
    lx, ly = unit.cell[0, 0], unit.cell[1, 1]
    depth = cutoff + 1.0
    nx = 2 * int(np.ceil(length / (2 * lx)))
    ny = int(np.ceil(3 * depth / ly + 1e-9))
    s = unit.repeat(nx, ny)
    x, y = s.positions[:, 0], s.positions[:, 1]
    L = np.diag(s.cell)
    y_cut = _midpoint_near(y, L[1], L[1] / 2, widest=True)
    x_end = L[0] if through else _midpoint_near(x, L[0], L[0] / 2, widest=False)
    behind = x < x_end
    h = y - y_cut                                     # height above the cut
    upper = np.flatnonzero(behind & (h > 0) & (h < depth))
    lower = np.flatnonzero(behind & (h < 0) & (h > -depth))
    row = np.zeros(len(x), int)
    for side in (upper, lower):
        row[side] = np.ceil(np.abs(h[side]) / (ly / 2) - 1e-6).astype(int)
    return SlitSheet(s.cell, s.positions.copy(), s.symbols, upper, lower, row,
                     a / np.sqrt(3), y_cut, x_end)


def _distances(x: np.ndarray, i: np.ndarray, j: np.ndarray, lengths: np.ndarray):
    """|x_i − x_j| (Å) under the minimum image, shape (len(i), len(j))."""
    return np.linalg.norm(min_image(x[i][:, None, :] - x[j][None, :, :], lengths), axis=-1)


def face_bonds(sheet: SlitSheet) -> np.ndarray:
    """(n, 2) 0-based index pairs: the lattice bonds (within 1.05 b of each other as cut)
    with both atoms on one side of the slit, both in rows 1–2 of that face."""
    lengths = np.diag(sheet.cell)
    out = []
    for side in (sheet.upper, sheet.lower):
        idx = side[sheet.row[side] <= 2]
        d = _distances(sheet.positions, idx, idx, lengths)
        p, q = np.nonzero(np.triu(d < 1.05 * sheet.bond, 1))
        out.append(np.column_stack([idx[p], idx[q]]))
    return np.concatenate(out)


def measure(sheet: SlitSheet, x: np.ndarray) -> dict:
    """Closest pair across the slit and longest face bond at positions ``x`` (N, 3) Å."""
    lengths = np.diag(sheet.cell)
    cross = _distances(x, sheet.upper, sheet.lower, lengths)
    k = np.unravel_index(np.argmin(cross), cross.shape)
    bonds = face_bonds(sheet)
    blen = np.linalg.norm(min_image(x[bonds[:, 0]] - x[bonds[:, 1]], lengths), axis=1)
    m = int(np.argmax(blen))
    pair = (int(sheet.upper[k[0]]), int(sheet.lower[k[1]]))
    every = _distances(x, np.arange(len(x)), np.arange(len(x)), lengths)
    np.fill_diagonal(every, np.inf)
    return {"closest_cross_pair_A": float(cross[k]),
            "closest_cross_pair": [sheet.symbols[i] for i in pair],
            "closest_cross_pair_x_A": float(x[pair[0], 0] % lengths[0]),
            "closest_pair_A": float(every.min()),
            "longest_face_bond_A": float(blen[m]),
            "longest_face_bond_rows": sorted(int(sheet.row[i]) for i in bonds[m])}


def passes(result: dict, bond: float) -> bool:
    """The pass rule of the module docstring on a :func:`measure` result."""
    return bool(min(result["closest_cross_pair_A"], result["closest_pair_A"]) >= MIN_GAP * bond
                and result["longest_face_bond_A"] <= MAX_FACE_BOND * bond)


def slit_check(potential: LammpsPotential, material: str, a: float, faces: str,
               ftol: float = 1e-3, maxiter: int = 1000) -> dict:
    """Relax the unloaded slit of :func:`slit_sheet` (CG to ``ftol`` eV/Å, LAMMPS'
    2-norm, at fixed cell; at most ``maxiter`` iterations: a sound slit converges in
    < 100, a collapsing one — atoms falling into each other, the energy without bound —
    would run on) with ``potential``; returns {faces, n_atoms, slit_length_A, bond_A,
    closest_cross_pair_A, closest_cross_pair (symbols), closest_cross_pair_x_A (where along
    the slit, which spans 0 … slit_length_A), closest_pair_A (any two atoms),
    longest_face_bond_A, longest_face_bond_rows, gap_over_bond, face_bond_over_bond,
    passed}."""
    sheet = slit_sheet(material, a, faces, potential.cutoff)
    _, x = relax_fixed_cell(potential, sheet.cell, sheet.positions, sheet.symbols, ftol,
                            exclude=(sheet.upper + 1, sheet.lower + 1), maxiter=maxiter)
    out = {"faces": faces, "n_atoms": len(x), "slit_length_A": sheet.x_end,
           "bond_A": sheet.bond, **measure(sheet, x)}
    out["gap_over_bond"] = out["closest_cross_pair_A"] / sheet.bond
    out["face_bond_over_bond"] = out["longest_face_bond_A"] / sheet.bond
    out["passed"] = passes(out, sheet.bond)
    return out
