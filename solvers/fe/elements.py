"""Reference finite elements: shape functions, their gradients and quadrature rules.

Cells (names as in :class:`mdfe.solvers.fe.mesh.Mesh`): ``line2`` (facets of 2D cells),
``tri3`` (P1), ``quad4`` (Q1), ``tet4`` (P1), ``hex8`` (Q1). Reference domains: simplices
have vertices at the origin and the unit vectors; ``line2``/``quad4``/``hex8`` live on
[-1, 1]^d with the node order of gmsh/meshio (counter-clockwise, bottom face first).

Arrays: ``xi`` (nq, d) reference points; ``shape`` -> (nq, nen); ``grad`` -> (nq, nen, d).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_SIGNS = {
    "line2": np.array([[-1.0], [1.0]]),
    "quad4": np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], float),
    "hex8": np.array([[-1, -1, -1], [1, -1, -1], [1, 1, -1], [-1, 1, -1],
                      [-1, -1, 1], [1, -1, 1], [1, 1, 1], [-1, 1, 1]], float),
}
SIMPLEX_DIM = {"tri3": 2, "tet4": 3}
CELL_DIM = {"line2": 1, "tri3": 2, "quad4": 2, "tet4": 3, "hex8": 3}
CELL_NEN = {"line2": 2, "tri3": 3, "quad4": 4, "tet4": 4, "hex8": 8}
#: The facet cell of each volume cell and the local node lists of its facets.
FACET_CELL = {"tri3": "line2", "quad4": "line2", "tet4": "tri3", "hex8": "quad4"}
#: Default number of Gauss points per direction for stiffness (exact for affine cells).
STIFFNESS_ORDER = {"line2": 2, "tri3": 1, "quad4": 2, "tet4": 1, "hex8": 2}


def shape(cell: str, xi: np.ndarray) -> np.ndarray:
    """Shape function values N (nq, nen) at reference points xi (nq, d)."""
    xi = np.atleast_2d(np.asarray(xi, float))
    if cell in SIMPLEX_DIM:
        return np.column_stack([1.0 - xi.sum(axis=1), xi])
    s = _SIGNS[cell]
    return np.prod(0.5 * (1.0 + xi[:, None, :] * s[None, :, :]), axis=2)


def grad(cell: str, xi: np.ndarray) -> np.ndarray:
    """Reference gradients dN/dxi (nq, nen, d) at reference points xi (nq, d)."""
    xi = np.atleast_2d(np.asarray(xi, float))
    nq, d = xi.shape
    if cell in SIMPLEX_DIM:
        g = np.vstack([-np.ones((1, d)), np.eye(d)])
        return np.broadcast_to(g, (nq, d + 1, d)).copy()
    s = _SIGNS[cell]
    f = 0.5 * (1.0 + xi[:, None, :] * s[None, :, :])          # (nq, nen, d)
    out = np.empty_like(f)
    for k in range(d):                                           # d <= 3 directions
        others = np.prod(np.delete(f, k, axis=2), axis=2)
        out[:, :, k] = 0.5 * s[None, :, k] * others
    return out


@dataclass(frozen=True)
class Quadrature:
    """Points ``xi`` (nq, d) and weights ``w`` (nq,) on a reference cell."""
    xi: np.ndarray
    w: np.ndarray


def quadrature(cell: str, n: int | None = None) -> Quadrature:
    """Gauss rule with ``n`` points per direction (default: exact stiffness for affine cells).

    Simplices use the collapsed (Duffy) tensor Gauss rule, exact for polynomials of
    degree 2n - 1 - (d - 1); ``n=1`` gives the one-point centroid rule.
    """
    d = CELL_DIM[cell]
    n = STIFFNESS_ORDER[cell] if n is None else int(n)
    g, gw = np.polynomial.legendre.leggauss(n)
    grids = np.meshgrid(*([g] * d), indexing="ij")
    pts = np.column_stack([a.ravel() for a in grids])
    wts = np.prod(np.meshgrid(*([gw] * d), indexing="ij"), axis=0).ravel()
    if cell not in SIMPLEX_DIM:
        return Quadrature(pts, wts)
    if n == 1:
        return Quadrature(np.full((1, d), 1.0 / (d + 1)), np.array([1.0 / np.prod(range(1, d + 1))]))
    u = 0.5 * (pts + 1.0)                                        # [0, 1]^d
    wts = wts / 2.0 ** d
    if d == 2:
        x = np.column_stack([u[:, 0], u[:, 1] * (1 - u[:, 0])])
        return Quadrature(x, wts * (1 - u[:, 0]))
    x = np.column_stack([u[:, 0], u[:, 1] * (1 - u[:, 0]),
                         u[:, 2] * (1 - u[:, 0]) * (1 - u[:, 1])])
    return Quadrature(x, wts * (1 - u[:, 0]) ** 2 * (1 - u[:, 1]))


def facet_local_nodes(cell: str) -> np.ndarray:
    """Local node indices (n_facets, nen_facet) of the facets of ``cell``, outward order."""
    return {
        "tri3": np.array([[0, 1], [1, 2], [2, 0]]),
        "quad4": np.array([[0, 1], [1, 2], [2, 3], [3, 0]]),
        "tet4": np.array([[0, 2, 1], [0, 1, 3], [1, 2, 3], [0, 3, 2]]),
        "hex8": np.array([[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5],
                          [2, 3, 7, 6], [3, 0, 4, 7]]),
    }[cell]
