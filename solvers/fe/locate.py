"""Point location on a (replicated) mesh: which element holds each point, and the
element's shape-function values there. Works on every FE rank without communication.

Candidates come from a cKDTree over element centroids (k nearest, then a ball of the
largest element radius for the rest); the reference coordinates of each candidate are
computed vectorised (affine inverse for simplices, Newton for quad4/hex8).
"""
from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from mdfe.solvers.fe import elements as ref
from mdfe.solvers.fe.mesh import Mesh

#: Tolerance on reference coordinates for "inside" (points on shared faces go to one side).
INSIDE_TOL = 1e-10
_K_NEAREST = 8
_NEWTON_ITERS = 25


def reference_coordinates(cell: str, X: np.ndarray, x: np.ndarray) -> np.ndarray:
    """ξ (m, d) with x = Σ N_a(ξ) X_a, for element coordinates X (m, nen, d), points x (m, d)."""
    if cell in ref.SIMPLEX_DIM:
        A = np.transpose(X[:, 1:, :] - X[:, :1, :], (0, 2, 1))
        return np.linalg.solve(A, (x - X[:, 0, :])[..., None])[..., 0]
    xi = np.zeros_like(x)
    for _ in range(_NEWTON_ITERS):
        r = np.einsum("ma,mai->mi", ref.shape(cell, xi), X) - x
        J = np.einsum("mai,mak->mik", X, ref.grad(cell, xi))
        step = np.linalg.solve(J, r[..., None])[..., 0]
        xi -= step
        if np.abs(step).max(initial=0.0) < 1e-14:
            break
    return xi


def _inside(cell: str, xi: np.ndarray, tol: float) -> np.ndarray:
    if cell in ref.SIMPLEX_DIM:
        return np.all(xi >= -tol, axis=1) & (xi.sum(axis=1) <= 1 + tol)
    return np.all(np.abs(xi) <= 1 + tol, axis=1)


class PointLocator:
    """Locate points (m, d) in Å in ``mesh``; see :meth:`locate`."""

    def __init__(self, mesh: Mesh):
        self.mesh = mesh
        X = mesh.nodes[mesh.elements]
        self.centroids = X.mean(axis=1)
        self.radius = np.linalg.norm(X - self.centroids[:, None, :], axis=2).max()
        self.tree = cKDTree(self.centroids)

    def _test(self, pt: np.ndarray, el: np.ndarray, points: np.ndarray, tol: float):
        """Reference coords and inside flags of candidate pairs (point idx, element id)."""
        X = self.mesh.nodes[self.mesh.elements[el]]
        with np.errstate(all="ignore"):
            xi = reference_coordinates(self.mesh.cell, X, points[pt])
        ok = np.all(np.isfinite(xi), axis=1)
        ok[ok] = _inside(self.mesh.cell, xi[ok], tol)
        return xi, ok

    def locate(self, points: np.ndarray, tol: float = INSIDE_TOL):
        """(elem (m,) int, -1 outside; nodes (m, nen) global ids, -1 outside;
        shape (m, nen) shape-function values, 0 outside)."""
        points = np.atleast_2d(np.asarray(points, float))
        m, nen = len(points), self.mesh.elements.shape[1]
        elem = np.full(m, -1, np.int64)
        xi_all = np.zeros((m, self.mesh.dim))
        k = min(_K_NEAREST, self.mesh.n_elems)
        _, cand = self.tree.query(points, k=k)
        cand = cand.reshape(m, k)
        for j in range(k):                       # k <= 8 vectorised passes
            todo = np.flatnonzero(elem < 0)
            if todo.size == 0:
                break
            xi, ok = self._test(todo, cand[todo, j], points, tol)
            elem[todo[ok]] = cand[todo[ok], j]
            xi_all[todo[ok]] = xi[ok]
        todo = np.flatnonzero(elem < 0)
        if todo.size:
            lists = self.tree.query_ball_point(points[todo], self.radius * (1 + 1e-9))
            counts = np.array([len(c) for c in lists])
            if counts.sum():
                pt = np.repeat(todo, counts)
                el = np.concatenate([np.asarray(c, np.int64) for c in lists if len(c)])
                xi, ok = self._test(pt, el, points, tol)
                first = np.unique(pt[ok], return_index=True)[1]
                hit = np.flatnonzero(ok)[first]
                elem[pt[hit]] = el[hit]
                xi_all[pt[hit]] = xi[hit]
        found = elem >= 0
        nodes = np.full((m, nen), -1, np.int64)
        nodes[found] = self.mesh.elements[elem[found]]
        shape = np.zeros((m, nen))
        if found.any():
            shape[found] = ref.shape(self.mesh.cell, xi_all[found])
        return elem, nodes, shape
