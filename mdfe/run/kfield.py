"""K-field loading on FE nodes of a mesh with a pre-cut slit (mode I / II, plane stress).

The crack field (:mod:`mdfe.solvers.crack_field`) is double-valued on the crack faces
(θ = ±π). A slit mesh (gmsh's Crack plugin, :func:`mdfe.solvers.fe.graded_mesh`) has two
coincident nodes there, one per face; :func:`field_points` nudges each face node 1e-9 Å
towards the side of the elements that use it, so that the field is evaluated on the
right branch. Units: Å; K in eV/Å^{3/2} (sheets).
"""
from __future__ import annotations

import numpy as np


def element_side(mesh, tip, angle: float = 0.0) -> np.ndarray:
    """Side (n_nodes,) ±1 of each node: the sign, across the crack line, of the mean
    centroid of the elements around it (0 for nodes in no element)."""
    n = np.array([-np.sin(angle), np.cos(angle)])
    c = mesh.nodes[mesh.elements].mean(axis=1) - np.asarray(tip, float)
    side = np.zeros(mesh.n_nodes)
    np.add.at(side, mesh.elements, np.sign(c @ n)[:, None])
    return np.sign(side)


def field_points(mesh, node_ids, tip, angle: float = 0.0, tol: float = 1e-6) -> np.ndarray:
    """Positions (k, 2) Å of ``node_ids`` at which to evaluate a crack field: nodes on
    the crack line behind the tip are moved 1e-9 Å to their elements' side."""
    ids = np.asarray(node_ids, np.int64)
    x = mesh.nodes[ids, :2].copy()
    t = np.array([np.cos(angle), np.sin(angle)])
    n = np.array([-t[1], t[0]])
    d = x - np.asarray(tip, float)
    on_face = (np.abs(d @ n) < tol) & (d @ t < 0)
    side = element_side(mesh, tip, angle)[ids]
    x[on_face] += 1e-9 * side[on_face, None] * n
    return x


def outer_nodes(mesh) -> np.ndarray:
    """Node ids on the outer edges (sets xmin, xmax, ymin, ymax) of a box mesh."""
    return np.unique(np.concatenate([mesh.node_sets[k] for k in ("xmin", "xmax", "ymin", "ymax")]))
