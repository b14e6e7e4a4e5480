"""Interpolation N (FE nodal displacements → atom displacements) and restriction Nᵀ.

:class:`Handshake` holds, for a set of atoms (ordered as given, keyed by atom ID), the FE
element containing each atom's reference site, its element's nodes and the shape-function
values there — the rows of the sparse operator N (n_atoms × n_nodes, one scalar weight per
node, the same for every displacement component):

    u_a = Σ_I N_I(X_a) U_I + [ξ_s(a)(F_e(a)) − ξ_s(a)(1)]       (docs/coupling.md §2)

F_e = 1 + G_e, with G_e the least-squares affine gradient of the element's nodal
displacements (exact for simplices and for any affine field on any element). The inner
shift is supplied by an object with ``shift(F (m, dim, dim)) -> (m, n_sub, dim)`` returning
ξ_s(F) − ξ_s(1) in Å for every sublattice s (see :mod:`mdfe.coupling.inner_shift`);
``None`` means a Bravais lattice (no shift).

:meth:`Handshake.restrict` applies Nᵀ: nodal forces F_I = Σ_a N_I(X_a) f_a (eV/Å).

Everything is vectorised numpy / scipy.sparse; nothing here knows MPI, PETSc or LAMMPS.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from mdfe.coupling.geometry import GeometryError


def interpolation_matrix(n_nodes: int, nodes: np.ndarray, shape: np.ndarray) -> sp.csr_matrix:
    """Sparse N (m, n_nodes) from the element nodes (m, nen) and shape values (m, nen)."""
    m, nen = nodes.shape
    rows = np.repeat(np.arange(m), nen)
    return sp.csr_matrix((shape.ravel(), (rows, nodes.ravel())), shape=(m, n_nodes))


def affine_gradient_operators(Xe: np.ndarray) -> np.ndarray:
    """Operators B (n_e, nen, dim): G_e = Σ_I U_I ⊗ B_I is the least-squares gradient of a
    field with nodal values U_I on an element with nodal coordinates Xe (n_e, nen, dim)."""
    n_e, nen, dim = Xe.shape
    A = np.concatenate([np.ones((n_e, nen, 1)), Xe - Xe.mean(axis=1, keepdims=True)], axis=2)
    # rows of pinv(A): [mean; gradient]; for simplices this is the exact P1 gradient
    pinv = np.linalg.pinv(A)                       # (n_e, dim + 1, nen)
    return np.transpose(pinv[:, 1:, :], (0, 2, 1))  # (n_e, nen, dim)


class Handshake:
    """Rows of N for a set of atoms; apply N (with inner shift) and Nᵀ.

    Columns are the *support nodes* only (``support``: sorted global node ids of every node
    whose shape function touches one of the atoms), so per-step arrays have the size of
    the handshake, not of the mesh.

    ids (m,) atom IDs, in the order of every per-atom array here.
    X (m, dim) reference sites, Å.
    elem (m,), nodes (m, nen), shape (m, nen): the FE ``locate`` answer for X (global ids).
    node_X (n_nodes, dim): reference coordinates of all FE nodes by global id, Å.
    sublattice (m,) int: basis index s(a) of each atom (0 for a Bravais lattice).
    shift: inner-shift provider (see module docstring) or None.
    """

    def __init__(self, ids, X, elem, nodes, shape, node_X, sublattice=None, shift=None):
        self.ids = np.asarray(ids, np.int64)
        self.X = np.asarray(X, float)
        elem, nodes, shape = (np.asarray(a) for a in (elem, nodes, shape))
        outside = np.flatnonzero(elem < 0)
        if outside.size:
            a = outside[0]
            raise GeometryError(f"atom ID {self.ids[a]} at {np.round(self.X[a], 3).tolist()} Å "
                                f"(and {outside.size - 1} more) lies outside the FE mesh")
        self.dim = self.X.shape[1]
        self.elem = elem.astype(np.int64)
        self.support, local = np.unique(nodes.astype(np.int64), return_inverse=True)
        self.local = local.reshape(nodes.shape)          # (m, nen) column of each node
        self.shape = shape.astype(float)
        self.N = interpolation_matrix(len(self.support), self.local, self.shape)
        self.sublattice = (np.zeros(len(self.ids), np.int64) if sublattice is None
                           else np.asarray(sublattice, np.int64))
        self.shift = shift
        Xe = np.asarray(node_X, float)[self.support][self.local][..., :self.dim]
        self.B = affine_gradient_operators(Xe)

    def gradients(self, U: np.ndarray) -> np.ndarray:
        """Displacement gradient G (m, dim, dim) of each atom's element, G_ij = ∂u_i/∂X_j,
        from support-node displacements U (n_support, dim)."""
        return np.einsum("mki,mkj->mij", U[self.local], self.B)

    def displacements(self, U: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
        """Atom displacements (m, dim), Å, from support-node displacements U (n_support,
        dim): N U plus the inner shift of each atom's sublattice at its element's F, plus,
        with ``offsets`` δ (m, dim) Å (fixed relaxations in the reference configuration,
        e.g. of crack-face atoms), F δ: the offset carried, stretched and rotated, with its
        element (leaving δ unrotated misplaces face atoms by ~ω|δ| where the faces open,
        measured: crack error e at 0.6 K_G 2.78 → 1.99 % (tests/coupling/test_accuracy.py),
        4.24 → 3.02 % in the 400 Å body at R = 24 Å, docs/coupling.md §2, §7)."""
        u = self.N @ U
        G = None
        if self.shift is not None:
            G = self.gradients(U)
            xi = self.shift.shift(np.eye(self.dim) + G)    # (m, n_sub, dim)
            u += xi[np.arange(len(self.ids)), self.sublattice]
        if offsets is not None:
            d = np.asarray(offsets, float)[:, :self.dim]
            G = self.gradients(U) if G is None else G
            u += d + np.einsum("mij,mj->mi", G, d)
        return u

    def restrict(self, f: np.ndarray) -> np.ndarray:
        """Nᵀ f: forces (n_support, dim) on the support nodes, eV/Å, from atom forces f
        (m, dim)."""
        return self.N.T @ f

    def subset(self, rows: np.ndarray, node_X: np.ndarray) -> "Handshake":
        """The operator for atoms ``rows`` (indices into this one)."""
        nodes = self.support[self.local[rows]]
        return Handshake(self.ids[rows], self.X[rows], self.elem[rows], nodes,
                         self.shape[rows], node_X, self.sublattice[rows], self.shift)


def node_weights(node_X: np.ndarray, elements: np.ndarray, region, node_ids=None) -> np.ndarray:
    """Blending weights w_I (n,) of FE nodes (all, or ``node_ids``) for one region.

    Checks that every node with w < 1 has its whole support inside core ∪ band — else the
    restricted atom forces of that node would miss atoms or use pad atoms — and raises
    GeometryError naming the first offending node otherwise.
    """
    node_X = np.asarray(node_X, float)
    w = region.weight(node_X)
    blended = w < 1.0
    if blended.any():
        touching = blended[elements].any(axis=1)
        d = region.distance(node_X[elements[touching].ravel()]).reshape(-1, elements.shape[1])
        tol = 1e-9 * max(1.0, float(np.abs(node_X).max()))
        beyond = d.max(axis=1) > region.band_width + tol
        if beyond.any():
            e = np.flatnonzero(touching)[np.flatnonzero(beyond)[0]]
            node = elements[e][blended[elements[e]]][0]
            raise GeometryError(
                f"{region.name}: FE node {node} (w = {w[node]:.3f} < 1) has element {e} reaching "
                f"{d[beyond].max() - region.band_width:.3f} Å beyond the handshake band; "
                f"widen band_width ({region.band_width} Å) or reduce blend_width "
                f"({region.blend_width} Å) or refine the mesh there")
    return w if node_ids is None else w[node_ids]
