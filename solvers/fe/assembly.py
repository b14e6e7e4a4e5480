"""Vectorised element kernels (numpy, all elements of a block at once).

Shapes: ne elements, nq quadrature points, nen nodes per element, d dimensions,
nv Voigt components (3 in 2D, 6 in 3D), nd = nen·d element dofs, interlaced
(node-major: dof = d·node + component).

Units follow the inputs: coordinates Å, D eV/Å^d (see materials), loads eV/Å.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mdfe.solvers.fe import elements as ref
from mdfe.solvers.fe.errors import FEInputError
from mdfe.solvers.fe.materials import voigt_pairs

#: Floats per element-block temporary (strain operator B: ne·nq·nv·nd); ~32 MB.
BLOCK_FLOATS = 4_000_000


@dataclass
class Geometry:
    """Quadrature geometry of a block of elements.

    N (nq, nen) shape values; dNdx (ne, nq, nen, d) physical gradients;
    wdet (ne, nq) weight × |det J|; x (ne, nq, d) physical quadrature points.
    """
    N: np.ndarray
    dNdx: np.ndarray
    wdet: np.ndarray
    x: np.ndarray


def geometry(cell: str, X: np.ndarray, order: int | None = None, first_id: int = 0) -> Geometry:
    """Geometry of elements with nodal coordinates X (ne, nen, d); FEInputError on
    inverted or degenerate elements (ids offset by ``first_id``)."""
    q = ref.quadrature(cell, order)
    N = ref.shape(cell, q.xi)
    dN = ref.grad(cell, q.xi)
    J = np.matmul(np.swapaxes(X, 1, 2)[:, None], dN[None])       # (ne, nq, d, d)
    det, invJ = det_inv(J)
    if np.any(det <= 0):
        bad = np.unique(np.nonzero(det <= 0)[0]) + first_id
        raise FEInputError(f"{bad.size} elements are inverted or degenerate (det J <= 0), "
                           f"first ids {bad[:5].tolist()}")
    dNdx = np.matmul(dN[None], invJ)                               # (ne, nq, nen, d)
    x = np.matmul(N[None], X)                                      # (ne, nq, d)
    return Geometry(N, dNdx, det * q.w[None, :], x)


def det_inv(J: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Determinants (...,) and inverses (..., d, d) of 2×2 or 3×3 matrices J (adjugate
    formulas, vectorised; the inverse is inf/nan where det = 0)."""
    if J.shape[-1] == 2:
        a, b, c, d = J[..., 0, 0], J[..., 0, 1], J[..., 1, 0], J[..., 1, 1]
        det = a * d - b * c
        adj = np.stack([np.stack([d, -b], -1), np.stack([-c, a], -1)], -2)
    else:
        c0 = np.cross(J[..., 1, :], J[..., 2, :])
        c1 = np.cross(J[..., 2, :], J[..., 0, :])
        c2 = np.cross(J[..., 0, :], J[..., 1, :])
        det = np.einsum("...i,...i->...", J[..., 0, :], c0)
        adj = np.stack([c0, c1, c2], -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return det, adj / det[..., None, None]


def strain_operator(dNdx: np.ndarray) -> np.ndarray:
    """B (ne, nq, nv, nd): Voigt engineering strain = B · u_e."""
    ne, nq, nen, d = dNdx.shape
    pairs = voigt_pairs(d)
    B = np.zeros((ne, nq, len(pairs), nen, d))
    for v, (i, j) in enumerate(pairs):
        B[:, :, v, :, i] += dNdx[:, :, :, j]
        if i != j:
            B[:, :, v, :, j] += dNdx[:, :, :, i]
    return B.reshape(ne, nq, len(pairs), nen * d)


def element_stiffness(g: Geometry, D: np.ndarray) -> np.ndarray:
    """K_e (ne, nd, nd) = Σ_q w |J| Bᵀ D B, with per-element D (ne, nv, nv)."""
    B = strain_operator(g.dNdx)
    ne, nq, nv, nd = B.shape
    Bt = B.transpose(0, 2, 1, 3).reshape(ne, nv, nq * nd)          # one D·B per element
    DB = np.matmul(D, Bt).reshape(ne, nv, nq, nd).transpose(0, 2, 1, 3) * g.wdet[:, :, None, None]
    # Σ_q B_qᵀ (w D B_q) as one (nd × nq·nv)·(nq·nv × nd) product per element
    return np.matmul(np.swapaxes(B.reshape(ne, nq * nv, nd), 1, 2), DB.reshape(ne, nq * nv, nd))


def element_eigenstrain_load(g: Geometry, D: np.ndarray, eps0: np.ndarray) -> np.ndarray:
    """f_e (ne, nd) = Σ_q w |J| Bᵀ D ε0 with per-element D (ne, nv, nv), ε0 (ne, nv)."""
    B = strain_operator(g.dNdx)
    s0 = np.einsum("evw,ew->ev", D, eps0)
    return np.einsum("eqvi,ev,eq->ei", B, s0, g.wdet, optimize=True)


def element_body_load(g: Geometry, b: np.ndarray) -> np.ndarray:
    """f_e (ne, nd) = Σ_q w |J| N_a b(x_q) with b (ne, nq, d) in eV/Å^(d+1)."""
    ne, nq, d = b.shape
    return np.einsum("qa,eqi,eq->eai", g.N, b, g.wdet).reshape(ne, -1)


def facet_load(facet_cell: str, X: np.ndarray, traction) -> np.ndarray:
    """Consistent nodal loads (m, nen_f, d) of a traction on facets X (m, nen_f, d).

    traction: constant (d,) or callable t(x (m, nq, d)) -> (m, nq, d), force per facet
    measure (eV/Å² in 3D, eV/Å per unit thickness in 2D / force per length on a membrane).
    """
    q = ref.quadrature(facet_cell, 3)
    N = ref.shape(facet_cell, q.xi)
    dN = ref.grad(facet_cell, q.xi)
    T = np.einsum("mai,qak->mqik", X, dN)                       # (m, nq, d, d-1)
    if T.shape[-1] == 1:
        meas = np.linalg.norm(T[..., 0], axis=-1)
    else:
        meas = np.linalg.norm(np.cross(T[..., 0], T[..., 1]), axis=-1)
    x = np.einsum("qa,mai->mqi", N, X)
    t = traction(x) if callable(traction) else np.broadcast_to(np.asarray(traction, float), x.shape)
    return np.einsum("qa,mqi,mq,q->mai", N, t, meas, q.w)


def lumped_mass(g: Geometry, rho: np.ndarray) -> np.ndarray:
    """Row-sum lumped nodal masses (ne, nen) = Σ_q w |J| ρ_e N_a with consistent-mass
    row sums (ρ (ne,) mass per volume or area); N_a ≥ 0 for P1/Q1 so masses are positive."""
    return np.einsum("qa,eq,e->ea", g.N, g.wdet, rho)


def element_strain(g: Geometry, ue: np.ndarray) -> np.ndarray:
    """Voigt strain (ne, nq, nv) from element displacements ue (ne, nd)."""
    return np.einsum("eqvi,ei->eqv", strain_operator(g.dNdx), ue)


def displacement_gradient(g: Geometry, ue: np.ndarray) -> np.ndarray:
    """H = ∇u (ne, nq, d, d), H_ij = ∂u_i/∂X_j, from ue (ne, nd)."""
    ne, nq, nen, d = g.dNdx.shape
    return np.einsum("eai,eqaj->eqij", ue.reshape(ne, nen, d), g.dNdx)


def blocks(n: int, cell: str, order: int | None = None):
    """Slices covering range(n) elements in blocks whose temporaries (B at ``order``
    quadrature) stay within BLOCK_FLOATS."""
    d, nen = ref.CELL_DIM[cell], ref.CELL_NEN[cell]
    nq = len(ref.quadrature(cell, order).w)
    size = max(1, BLOCK_FLOATS // (nq * nen * d * len(voigt_pairs(d)) + d ** 4 * nq))
    for s in range(0, n, size):
        yield slice(s, min(n, s + size))


def voigt_strain(H: np.ndarray) -> np.ndarray:
    """Small-strain Voigt vector (..., nv), engineering shears, from H (..., d, d)."""
    d = H.shape[-1]
    return np.stack([H[..., i, j] + H[..., j, i] if i != j else H[..., i, i]
                     for i, j in voigt_pairs(d)], axis=-1)
