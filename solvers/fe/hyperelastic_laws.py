"""Batched hyperelastic laws W(F) -> (W, P, A) for all quadrature points at once.

A law is any object with ``dim`` and ``evaluate(F) -> (W, P, A)``: F (n, d, d)
deformation gradients, W (n,) energy per reference volume (eV/Å³; in 2D per reference
area, eV/Å², like the linear laws' D), P (n, d, d) first Piola–Kirchhoff stress
P = ∂W/∂F, A (n, d, d, d, d) tangent A_iJkL = ∂P_iJ/∂F_kL. A Cauchy–Born law of a
potential plugs in here (one call per assembly, not one per quadrature point).
"""
from __future__ import annotations

import numpy as np

from mdfe.solvers.fe.errors import FEInputError
from mdfe.solvers.fe.materials import (LinearElastic, check_stiffness, tensor_to_voigt,
                                       voigt_to_tensor)


class NeoHookean:
    """Compressible neo-Hookean law W = μ/2 (tr FᵀF − d) − μ ln J + λ/2 (ln J)².

    mu, lam: Lamé constants (eV/Å³, or eV/Å² per area in 2D); small-strain limit is the
    isotropic linear law with the same constants (plane strain in 2D).
    """

    def __init__(self, mu: float, lam: float, dim: int):
        if mu <= 0 or lam + 2 * mu / dim <= 0:
            raise FEInputError(f"neo-Hookean law needs mu > 0 and a positive bulk modulus; "
                               f"got mu={mu}, lam={lam}")
        self.mu, self.lam, self.dim = float(mu), float(lam), int(dim)

    def evaluate(self, F: np.ndarray):
        d, mu, lam = self.dim, self.mu, self.lam
        J = np.linalg.det(F)
        if np.any(J <= 0):
            raise FloatingPointError("neo-Hookean law: det F <= 0 (inverted element)")
        lnJ = np.log(J)
        Fi = np.linalg.inv(F)                                    # (n, J, i) = F⁻¹
        FiT = np.swapaxes(Fi, 1, 2)
        W = 0.5 * mu * (np.einsum("nij,nij->n", F, F) - d) - mu * lnJ + 0.5 * lam * lnJ ** 2
        P = mu * (F - FiT) + lam * lnJ[:, None, None] * FiT
        I = np.eye(d)
        A = (mu * np.einsum("ik,JL->iJkL", I, I)[None]
             + (mu - lam * lnJ)[:, None, None, None, None] * np.einsum("nLi,nJk->niJkL", Fi, Fi)
             + lam * np.einsum("nJi,nLk->niJkL", Fi, Fi))
        return W, P, A


class StVenantKirchhoff:
    """W = ½ E : ℂ : E with E = ½(FᵀF − I) and an anisotropic Voigt stiffness C."""

    def __init__(self, C: np.ndarray):
        C = np.asarray(C, float)
        self.dim = 3 if C.shape == (6, 6) else 2
        self.C4 = voigt_to_tensor(check_stiffness(C, 6 if self.dim == 3 else 3,
                                                  "St Venant-Kirchhoff law"), self.dim)

    def evaluate(self, F: np.ndarray):
        d = self.dim
        E = 0.5 * (np.einsum("nki,nkj->nij", F, F) - np.eye(d))
        S = np.einsum("IJKL,nKL->nIJ", self.C4, E)
        W = 0.5 * np.einsum("nij,nij->n", E, S)
        P = F @ S
        A = (np.einsum("ik,nLJ->niJkL", np.eye(d), S)
             + np.einsum("niM,MJLQ,nkQ->niJkL", F, self.C4, F, optimize=True))
        return W, P, A


def small_strain_law(law, density: float = 1.0) -> LinearElastic:
    """The linear law (Voigt D from the tangent at F = I) of a hyperelastic law."""
    d = law.dim
    _, _, A = law.evaluate(np.eye(d)[None])
    D = check_stiffness(tensor_to_voigt(A[0]), 6 if d == 3 else 3, "hyperelastic law at F = I")
    return LinearElastic(D, np.zeros(len(D)), "3d" if d == 3 else "membrane", density=density)
