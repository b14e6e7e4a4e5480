"""Crack-tip tracking on atoms from bond rupture against the reference neighbour list.

The reference bonds are the first-neighbour pairs of the reference (lattice) positions X:
pairs closer than ``shell`` × the nearest-neighbour distance d0 (default 1.2: the first
shell of graphene, h-BN, fcc, bcc, diamond). Pairs across a pre-cut slit are given as
``exclude`` (the IDs above and below the slit, :func:`mdfe.solvers.md.setup.slit`) and
dropped: they are not bonds. A bond is broken when its current length exceeds
``stretch`` × its reference length (default 1.5: 2.13 Å for graphene, past the 2.1 Å
outer cutoff of Tersoff and well past the inflection of any C–C bond).

The tip is the furthest broken-bond midpoint along the crack direction e among the
broken bonds near the crack line (|n·(m − tip0)| ≤ ``band``), never behind the initial
tip tip0; the crack extension is e·(tip − tip0) ≥ 0. Everything is vectorised over bonds
(cKDTree for the neighbour list). Units: Å. Shapes: positions (N, 3) or (N, 2) in ID
order (row i = ID i + 1); bonds (m, 2) row indices.
"""
from __future__ import annotations

import dataclasses

import numpy as np
from scipy.spatial import cKDTree


def reference_bonds(X: np.ndarray, shell: float = 1.2, exclude=None) -> np.ndarray:
    """First-neighbour bonds (m, 2) of reference positions X (rows i < j), without the
    pairs with one atom in each of ``exclude = (ids_a, ids_b)`` (1-based IDs)."""
    X = np.asarray(X, float)
    tree = cKDTree(X)
    d0 = tree.query(X, k=2)[0][:, 1].min()
    if not d0 > 0:
        raise ValueError("reference positions contain coincident atoms")
    pairs = tree.query_pairs(shell * d0, output_type="ndarray")
    if exclude is not None:
        side = np.zeros(len(X), np.int8)
        side[np.asarray(exclude[0], np.int64) - 1] = 1
        side[np.asarray(exclude[1], np.int64) - 1] = 2
        s = side[pairs]
        pairs = pairs[~(((s[:, 0] == 1) & (s[:, 1] == 2)) | ((s[:, 0] == 2) & (s[:, 1] == 1)))]
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def bond_lengths(x: np.ndarray, bonds: np.ndarray) -> np.ndarray:
    """Lengths (m,) Å of ``bonds`` at positions x (N, d)."""
    x = np.asarray(x, float)
    return np.linalg.norm(x[bonds[:, 1]] - x[bonds[:, 0]], axis=1)


def coordination(x: np.ndarray, bonds: np.ndarray, X: np.ndarray, stretch: float = 1.5
                 ) -> np.ndarray:
    """Intact reference bonds per atom (N,) at positions x."""
    intact = bond_lengths(x, bonds) <= stretch * bond_lengths(X, bonds)
    return np.bincount(bonds[intact].ravel(), minlength=len(x))


@dataclasses.dataclass
class TipState:
    """Tip position (2,) Å, extension along e (Å), broken bonds (k, 2) near the line."""
    tip: np.ndarray
    extension: float
    broken: np.ndarray


class CrackTipTracker:
    """Tracks a straight crack in a sheet (in-plane x, y) or a bulk slab.

    X: reference positions (N, ≥2) Å. tip0: initial tip (2,) Å. angle: crack direction
    (rad from +x). exclude: (ids_a, ids_b) across the pre-cut slit. band: half-width (Å)
    of the strip around the crack line in which broken bonds count.
    """

    def __init__(self, X, tip0, angle: float = 0.0, exclude=None, band: float = 3.0,
                 shell: float = 1.2, stretch: float = 1.5):
        if stretch <= 1.0:
            raise ValueError(f"stretch {stretch}: a bond breaks beyond stretch × its "
                             "reference length, so stretch must exceed 1")
        self.X = np.asarray(X, float)
        self.bonds = reference_bonds(self.X, shell, exclude)
        self.r0 = bond_lengths(self.X, self.bonds)
        self.stretch, self.band = float(stretch), float(band)
        self.tip0 = np.asarray(tip0, float)[:2]
        self.e = np.array([np.cos(angle), np.sin(angle)])
        self.n = np.array([-self.e[1], self.e[0]])

    def broken(self, x) -> np.ndarray:
        """Mask (m,) of reference bonds longer than stretch × reference length at x."""
        return bond_lengths(x, self.bonds) > self.stretch * self.r0

    def locate(self, x) -> TipState:
        """The tip at positions x (N, ≥2) Å (rows in the order of X)."""
        x = np.asarray(x, float)
        cut = self.bonds[self.broken(x)]
        mid = 0.5 * (x[cut[:, 0], :2] + x[cut[:, 1], :2]) - self.tip0
        near = np.abs(mid @ self.n) <= self.band
        ahead = mid[near] @ self.e
        ext = float(max(ahead.max(initial=0.0), 0.0))
        return TipState(self.tip0 + ext * self.e, ext, cut[near])


def tip_opening(x, X, upper, lower, tip0, depth: float = 3.0, band: float = 1.5) -> float:
    """Crack-tip opening (Å): mean y of the upper face atoms minus that of the lower face
    atoms, at current positions x, over the face atoms whose reference sites lie within
    ``depth`` Å behind the initial tip and ``band`` Å of the crack line (minus the same
    at the reference X, so an unloaded slit opens 0). upper, lower: 1-based IDs."""
    x, X = np.asarray(x, float), np.asarray(X, float)
    tip0 = np.asarray(tip0, float)

    def face(ids):
        rows = np.asarray(ids, np.int64) - 1
        d = X[rows, :2] - tip0
        keep = rows[(d[:, 0] > -depth) & (d[:, 0] <= 0) & (np.abs(d[:, 1]) < band)]
        if keep.size == 0:
            raise ValueError(f"no face atom within {depth} Å behind the tip {tip0.tolist()}")
        return keep
    up, lo = face(upper), face(lower)
    return float((x[up, 1].mean() - x[lo, 1].mean()) - (X[up, 1].mean() - X[lo, 1].mean()))
