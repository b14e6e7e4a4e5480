"""MD-region set-up from a region outline in the FE frame (Å).

An :class:`Outline` is a rectangle aligned with the lattice rows of a sheet: the
atomistic core ``core = (x0, x1, y0, y1)``, a handshake band of width ``band`` around it,
and a pad of width ``pad`` (≥ 2 r_cut: many-body forces on the last band atom reach
neighbours of neighbours; pad forces are discarded) around the band.

:func:`sheet_region` fills the outline with a graphene / h-BN sheet at the potential's
relaxed lattice constant, with a lattice site at the FE point ``origin``, and returns the
ASE Atoms (reference positions; array ``role``) and roles (0 core, 1 band, 2 pad) — ready
for :class:`~mdfe.solvers.md.region.MDRegion` (``boundary s s p``, vacuum from the
builder). An outline edge closer than ``tol`` Å to a row of atoms is ambiguous (which side
is an atom on?) and is refused, naming the edge and the nearest allowed positions.

:func:`bulk_region` does the same for a bulk crystal, periodic along z (the crack front);
:func:`fill_outline` is the common step for any orthogonal unit cell.

:func:`slit` places a crack between two atom rows: it snaps the requested line to the
middle of the nearest widest gap between rows (so that only one bond per crossing is cut:
zigzag edges for a zigzag-along-x sheet) and the tip to the middle between atom columns,
and returns the IDs behind the tip above and below the line; pass them to
``MDRegion.exclude_pairs`` so that the faces do not interact (the crack cannot heal).
"""
from __future__ import annotations

import dataclasses

import numpy as np
from ase import Atoms

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.solvers.md.region import BAND, CORE, PAD
from mdfe.solvers.md.structures import bulk_crystal, sheet


@dataclasses.dataclass(frozen=True)
class Outline:
    """Rectangular MD region, FE frame, Å: core (x0, x1, y0, y1), band and pad widths."""

    core: tuple[float, float, float, float]
    band: float
    pad: float | None = None   # default 2 r_cut + 0.5 Å

    def edges(self, pad: float) -> dict[str, float]:
        """Named coordinates of all outline edges (Å)."""
        x0, x1, y0, y1 = self.core
        w = self.band
        return {"core x0": x0, "core x1": x1, "core y0": y0, "core y1": y1,
                "band x0": x0 - w, "band x1": x1 + w, "band y0": y0 - w, "band y1": y1 + w,
                "pad x0": x0 - w - pad, "pad x1": x1 + w + pad,
                "pad y0": y0 - w - pad, "pad y1": y1 + w + pad}


def _rows(values: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    """Distinct coordinates (sorted) of atom rows along one axis."""
    v = np.sort(values)
    return v[np.concatenate([[True], np.diff(v) > tol])]


def _snap(value: float, rows: np.ndarray, outward: float) -> float:
    """The middle between rows nearest ``value``; with outward = ±1 the nearest one that
    does not move the edge inwards (so band and pad never get thinner)."""
    mids = (rows[:-1] + rows[1:]) / 2
    if outward:
        mids = mids[(mids - value) * outward >= 0]
    return float(mids[np.abs(mids - value).argmin()])


def sheet_region(material: str, potential: LammpsPotential, outline: Outline,
                 orientation: str = "zigzag", origin=(0.0, 0.0), tol: float = 0.2,
                 snap: bool = False) -> tuple[Atoms, np.ndarray]:
    """A graphene / h-BN sheet filling ``outline``: Atoms and roles (N,) — see the module
    docstring. ``snap``: see :func:`fill_outline`."""
    atoms, roles = fill_outline(sheet(material, potential, 1, 1, orientation), potential,
                                outline, origin, tol, snap)
    atoms.pbc = (False, False, False)
    return atoms, roles


def bulk_region(symbol: str, structure: str, potential: LammpsPotential, outline: Outline,
                periods_z: int = 1, origin=(0.0, 0.0), tol: float = 0.2, snap: bool = False
                ) -> tuple[Atoms, np.ndarray]:
    """A bulk crystal (cubic cell, axes along x, y, z) filling ``outline`` in xy and
    ``periods_z`` cells thick, periodic along z (a straight crack front along z): use
    ``boundary s s p``. The z period must exceed 2 r_cut."""
    unit = bulk_crystal(symbol, structure, potential, (1, 1, periods_z))
    if unit.cell[2, 2] <= 2 * potential.cutoff:
        raise ValueError(f"periods_z={periods_z}: the z period {unit.cell[2, 2]:.3f} Å must "
                         f"exceed 2 r_cut = {2 * potential.cutoff} Å")
    atoms, roles = fill_outline(unit, potential, outline, origin, tol, snap)
    atoms.pbc = (False, False, True)
    return atoms, roles


def fill_outline(unit: Atoms, potential: LammpsPotential, outline: Outline, origin=(0.0, 0.0),
                 tol: float = 0.2, snap: bool = False) -> tuple[Atoms, np.ndarray]:
    """Repeat the orthogonal cell ``unit`` in x and y, a lattice site at the FE point
    ``origin``, keep the atoms inside the outline, and give them roles.

    snap: move every outline edge to the middle between atom rows (core edges to the
    nearest, band and pad edges outwards) instead of refusing an ambiguous edge. The
    edges used are stored in ``atoms.info["outline_edges"]`` (Å); ``atoms.arrays["role"]``
    holds the roles. In-plane cell vectors are zeroed (not periodic).
    """
    x0, x1, y0, y1 = outline.core
    if not (x1 > x0 and y1 > y0):
        raise ValueError(f"outline core {outline.core}: need x0 < x1 and y0 < y1")
    if outline.band <= 0:
        raise ValueError(f"outline band width {outline.band} Å must be positive")
    pad = 2 * potential.cutoff + 0.5 if outline.pad is None else outline.pad
    if pad < 2 * potential.cutoff:
        raise ValueError(f"outline pad width {pad} Å is thinner than 2 r_cut = "
                         f"{2 * potential.cutoff} Å of {potential.pair_style}")
    edges = outline.edges(pad)
    lx, ly = unit.cell[0, 0], unit.cell[1, 1]
    ox, oy = origin
    margin = 3
    i0 = int(np.floor((edges["pad x0"] - ox) / lx)) - margin
    i1 = int(np.ceil((edges["pad x1"] - ox) / lx)) + margin
    j0 = int(np.floor((edges["pad y0"] - oy) / ly)) - margin
    j1 = int(np.ceil((edges["pad y1"] - oy) / ly)) + margin
    atoms = unit.repeat((i1 - i0, j1 - j0, 1))
    atoms.positions[:, 0] += ox + i0 * lx
    atoms.positions[:, 1] += oy + j0 * ly
    x = atoms.positions
    rows = {"x": _rows(x[:, 0]), "y": _rows(x[:, 1])}
    widths = {"core": 0.0, "band": outline.band, "pad": pad}
    inner = {"band": "core", "pad": "band"}
    for name in edges:   # core, band, pad: each snapped ring is built on the snapped one inside
        axis_rows = rows[name[-2]]
        kind, side = name.split()
        outward = 0 if kind == "core" else (1 if side.endswith("1") else -1)
        if snap:
            start = edges[name] if kind == "core" else (
                edges[f"{inner[kind]} {side}"] + outward * widths[kind])
            edges[name] = _snap(start, axis_rows, outward)
        value = edges[name]
        gap = np.abs(axis_rows - value).min()
        if gap < tol:
            raise ValueError(
                f"outline edge '{name}' = {value:.4f} Å passes {gap:.4f} Å from a row of atoms "
                f"(tolerance {tol} Å): it cuts the lattice ambiguously; put it between rows "
                f"(nearest: {_snap(value, axis_rows, -1):.4f} or {_snap(value, axis_rows, 1):.4f}"
                " Å) or pass snap=True")
    def inside(prefix):
        return ((x[:, 0] > edges[f"{prefix} x0"]) & (x[:, 0] < edges[f"{prefix} x1"])
                & (x[:, 1] > edges[f"{prefix} y0"]) & (x[:, 1] < edges[f"{prefix} y1"]))
    roles = np.full(len(atoms), PAD)
    roles[inside("band")] = BAND
    roles[inside("core")] = CORE
    keep = inside("pad")
    atoms, roles = atoms[keep], roles[keep]
    atoms.cell[0, 0] = atoms.cell[1, 1] = 0.0   # in-plane directions are not periodic
    atoms.set_array("role", roles)
    atoms.info["outline_edges"] = edges
    return atoms, roles


def slit(positions: np.ndarray, y: float, x_tip: float
         ) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Crack line y_cut and tip x between rows, and 1-based IDs behind the tip
    (x < tip) above and below the line: (y_cut, x_tip, upper_ids, lower_ids).

    positions (N, 3) Å, reference positions in ID order.
    """
    rows = _rows(positions[:, 1])
    gaps = np.diff(rows)
    wide = np.flatnonzero(gaps > gaps.max() - 1e-3)
    mids = (rows[wide] + rows[wide + 1]) / 2
    y_cut = mids[np.abs(mids - y).argmin()]
    cols = _rows(positions[:, 0])
    k = int(np.clip(np.searchsorted(cols, x_tip), 1, len(cols) - 1))
    tip = (cols[k - 1] + cols[k]) / 2
    behind = positions[:, 0] < tip
    upper = np.flatnonzero(behind & (positions[:, 1] > y_cut)) + 1
    lower = np.flatnonzero(behind & (positions[:, 1] < y_cut)) + 1
    return float(y_cut), float(tip), upper, lower
