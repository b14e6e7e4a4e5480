"""Edge relaxation of crack-face atoms that the FE places (band and pad).

The FE places a prescribed atom at X + N U (+ inner shift ξ): the bulk crystal under the
local F. An atom on (or a few rows under) a free crack face is not there in the atomistic
solution: the face relaxes — a zigzag graphene edge atom moves 0.21 Å inwards with
BNC.tersoff, an armchair pair 0.19 Å — and the relaxed face carries an edge stress
(docs/coupling.md §7). Held at bulk sites, face atoms in the band push on their
neighbours with forces of several eV/Å, which the restriction hands to the FE nodes as
a spurious load on the crack faces.

:func:`face_offsets` gives each prescribed face atom the displacement δ_a (Å) of the same
site in a relaxed straight ribbon of the same potential, lattice constant and edge
orientation (:func:`mdfe.potentials.properties.edges.relaxed_ribbon`); the coupling then
places it at X + δ + N U (+ ξ). δ is the relaxation of the unstrained edge: the strain of
the face under load changes it at second order (for a mode-I K-field the stress along the
faces vanishes).

Frame: the crack runs along −x from the tip, its faces are the rows just above and below
the slit line y = y_cut (:func:`mdfe.solvers.md.setup.slit`).
"""
from __future__ import annotations

import dataclasses

import numpy as np

#: Å: sites of the crystal and the ribbon coincide to this (both are the ideal lattice)
SITE_TOL = 1e-4


@dataclasses.dataclass(frozen=True)
class EdgeRelaxation:
    """Relaxation of one straight edge, as a table over the sites under it.

    depth (k,) Å: distance of each site below the outermost row, into the material;
    phase (k,) Å: position along the edge relative to the outermost row's first site,
    modulo ``period``; delta (k, 3) Å: relaxation of that site, in the frame where the
    material lies at +y (the upper face of a crack)."""
    depth: np.ndarray
    phase: np.ndarray
    delta: np.ndarray
    period: float


def edge_relaxation(potential, material: str, a: float, orientation: str,
                    reach: float | None = None) -> EdgeRelaxation:
    """The :class:`EdgeRelaxation` of the lower edge of a relaxed ribbon (whole rectangular
    cells) at least 2·``reach`` wide, ``reach`` (Å) defaulting to 6 cutoffs (with it
    the forces on slit sheets of graphene/BNC.tersoff and of a Morse triangular sheet at
    X + δ are ≤ 1e-6 of those at X: tests/coupling/test_face_relaxation.py). The ribbon's rigid translation (zero by symmetry for graphene, not
    for h-BN) is taken out with its middle third."""
    from mdfe.potentials.properties.unit_cells import hexagonal_rectangular
    reach = 6.0 * potential.cutoff if reach is None else reach
    cell_height = hexagonal_rectangular(material, a, orientation).cell[1, 1]
    rows = int(np.ceil(2.0 * reach / cell_height))
    from mdfe.potentials.properties.edges import relaxed_ribbon
    x0, x1, _, period = relaxed_ribbon(potential, material, a, orientation, rows=rows)
    d = x1 - x0
    y = x0[:, 1]
    width = y.max() - y.min()
    middle = np.abs(y - (y.min() + width / 2)) < width / 6
    d -= d[middle].mean(axis=0)
    lower = y - y.min() < width / 2
    depth = y[lower] - y.min()
    first = x0[lower][np.argmin(depth), 0]
    phase = np.mod(x0[lower, 0] - first, period)
    return EdgeRelaxation(depth, phase, d[lower], period)


def face_offsets(X: np.ndarray, prescribed: np.ndarray, y_cut: float, x_tip: float,
                 edge: EdgeRelaxation) -> np.ndarray:
    """Offsets δ (n, 3) Å of the sites X (n, >= 2) Å: the edge's relaxation for prescribed
    sites behind the tip (x < x_tip) within the table's depth of either crack face, zero
    elsewhere. The lower face is the mirror image (y → −y) of the upper one.

    ValueError if a face site has no counterpart in the ribbon (a different edge
    termination or lattice than the table's)."""
    X = np.asarray(X, float)
    out = np.zeros((len(X), 3))
    behind = np.asarray(prescribed, bool) & (X[:, 0] < x_tip)
    reach = edge.depth.max() + SITE_TOL
    for sign in (1.0, -1.0):                       # upper face, lower face
        side = behind & (sign * (X[:, 1] - y_cut) > 0)
        if not side.any():
            continue
        h = sign * (X[side, 1] - y_cut)            # height above the slit, into the material
        depth = h - h.min()
        near = np.flatnonzero(side)[depth < reach]
        depth = depth[depth < reach]
        row0 = near[depth < SITE_TOL]
        out[near] = _lookup(edge, depth, X[near, 0], X[row0, 0])
        out[near, 1] *= sign
    return out


def _lookup(edge: EdgeRelaxation, depth, x, row0_x) -> np.ndarray:
    """Table rows (k, 3) matching sites at ``depth`` (k,) and ``x`` (k,), Å, whose
    outermost row has sites at ``row0_x``; the phase origin is the outermost-row site
    that makes every site match."""
    p = edge.period
    for origin in row0_x[0] + np.unique(np.round(np.mod(row0_x - row0_x[0], p), 6)):
        phase = np.mod(x - origin, p)
        dd = np.abs(depth[:, None] - edge.depth[None, :])
        dp = np.abs(phase[:, None] - edge.phase[None, :])
        dp = np.minimum(dp, p - dp)
        match = (dd < SITE_TOL) & (dp < SITE_TOL)
        if match.any(axis=1).all():
            return edge.delta[match.argmax(axis=1)]
    raise ValueError("crack-face sites do not match the relaxed ribbon's sites (different "
                     "edge termination, orientation or lattice constant)")
